/* What the files of the server share: server.c (sockets, clients, lines,
 * dispatch), ops.c (the requests answered at once or by one runtime call),
 * streams.c (wait, attach, exec, stats), logs.c (logs). */
#ifndef MINIRUN_SHIM_SERVER_INTERNAL_H
#define MINIRUN_SHIM_SERVER_INTERNAL_H

#include <yajl/yajl_gen.h>

#include "shim/buf.h"
#include "shim/crilog.h"
#include "shim/proto.h"
#include "shim/server.h"

/* Output queued for one client: beyond SOFT a stream client is dropped,
 * held back from or skipped; MAX is what one more message may reach. */
#define SHIM_CLIENT_OUT_SOFT (1u << 20)
#define SHIM_CLIENT_OUT_MAX (16u << 20)
#define SHIM_MAX_CLIENTS 1024
#define SHIM_QUIT_GRACE_MS 3000

enum client_state {
	CL_IDLE,    /* reading requests */
	CL_BUSY,    /* a request in progress: input waits */
	CL_WAIT,    /* wait: the answer comes at the exit */
	CL_ATTACH,  /* attach stream: input is stdin, resize, detach */
	CL_EXEC,    /* exec stream: the same */
	CL_LOGS,    /* logs stream */
	CL_STATS,   /* stats stream */
	CL_CLOSING, /* closed once the output is out */
};

struct shim_logs;
struct shim_pending;

struct shim_client {
	struct shim_server *srv;
	int fd;
	struct shim_watch w;
	struct shim_buf in, out;
	enum client_state state;
	bool read_shut; /* the peer will send no more */
	bool in_wait;   /* input waits for room in the process' stdin */
	struct shim_pending *pending;
	struct shim_proc *proc; /* wait, attach, exec: the process */
	bool want_out, want_err, want_in;
	bool held;      /* exec: its output held back for us */
	struct shim_sink sink;
	struct shim_notify exit_n, stdin_n;
	struct shim_logs *logs;
	struct shim_timer timer;
	struct shim_defer resume, reap;
	struct shim_client *next, **pprev;
};

struct shim_server {
	struct shim_loop *loop;
	struct shim_container *c;
	char *path;
	int listen_fd;
	struct shim_watch listen_w;
	struct shim_client *clients;
	unsigned nclients;
	bool quitting;
	shim_quit_fn quit_fn;
	void *quit_data;
	struct shim_timer quit_timer;
	struct shim_defer quit_check;
	struct shim_notify quit_exit_n;
};

/* An async request: its client, or NULL once the client is gone. */
struct shim_pending {
	struct shim_client *client;
	struct shim_server *srv;
	enum shim_op op;
};
struct shim_pending *shim_pending_new(struct shim_client *cl, enum shim_op op);
/* Forget it: the client is answered and idle again. */
void shim_pending_end(struct shim_pending *p);

/* One message (text without '\n'); false when the client was dropped for
 * passing SHIM_CLIENT_OUT_MAX. */
bool shim_client_send(struct shim_client *cl, const char *text, size_t len);
/* The document of g as one message; frees g. */
bool shim_client_send_gen(struct shim_client *cl, yajl_gen g);
void shim_client_ok(struct shim_client *cl);
void shim_client_error(struct shim_client *cl, const char *msg);
/* Back to reading requests. */
void shim_client_idle(struct shim_client *cl);
/* The last message of a stream (NULL: {"eof": true}), then closed. */
void shim_client_end(struct shim_client *cl, yajl_gen last);
/* Close now (a dead or too slow client): fd closed, stream let go, the
 * struct freed after this round of events (cl->fd is -1 until then). */
void shim_client_drop(struct shim_client *cl);
size_t shim_client_queued(const struct shim_client *cl);
/* Whatever the client's stream holds, let go (before free or quit). */
void shim_client_stop_stream(struct shim_client *cl);
/* Look at the input again after a deferral (stdin room came back). */
void shim_client_resume_input(struct shim_client *cl);
/* The output buffer got room (the logs and exec streams refill). */
void shim_client_drained(struct shim_client *cl);
/* The server's quit may be due now. */
void shim_server_check_quit(struct shim_server *s);

/* ops.c */
void shim_ops_dispatch(struct shim_client *cl, struct shim_request *req);
/* streams.c */
void shim_stream_wait(struct shim_client *cl, struct shim_request *req);
void shim_stream_attach(struct shim_client *cl, struct shim_request *req);
void shim_stream_exec(struct shim_client *cl, struct shim_request *req);
void shim_stream_stats(struct shim_client *cl, struct shim_request *req);
/* Whether an attach or exec stream takes a line now (false: it waits for
 * room in the process' stdin, and resumes by itself), and the line. */
bool shim_stream_can_take(struct shim_client *cl);
void shim_stream_input(struct shim_client *cl, struct shim_request *req);
void shim_stream_stop(struct shim_client *cl);
void shim_stream_exec_drained(struct shim_client *cl);
/* The end message of a process' stream: eof, exitCode, exitedAt. */
yajl_gen shim_exit_message(const struct shim_proc *p, bool with_ok, bool oom);
/* logs.c */
void shim_logs_start(struct shim_client *cl, struct shim_request *req);
void shim_logs_pump(struct shim_client *cl);
void shim_logs_stop(struct shim_client *cl);

#endif
