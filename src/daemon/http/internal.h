/* Shared between the HTTP server's files (server.c: the library glue and
 * the request's life; response.c: replies and streams; upgrade.c). */
#ifndef MINIRUND_HTTP_INTERNAL_H
#define MINIRUND_HTTP_INTERNAL_H

#include <microhttpd.h>

#include "http/request.h"
#include "http/router.h"
#include "http/server.h"

struct mrd_stream {
	struct mrd_req *req;
	char *buf;
	size_t off, len, cap, max;
	bool ended, broken, waiting;
	mrd_pull_fn pull;
	void *pull_ctx;
	void (*pull_free)(void *ctx);
};

struct mrd_req {
	struct mrd_http *http;
	struct MHD_Connection *conn;
	char *method;
	char *path;
	int api_minor;
	bool trusted;
	struct mrd_route_match match;

	/* the body */
	char *body;
	size_t body_len, body_cap;
	int body_fd;
	uint64_t body_size;

	/* an error found before the handler runs (routing, token, size) */
	int early_status;
	char *early_msg;
	bool dispatched;

	/* the reply */
	struct MHD_Response *resp;
	int resp_status;
	bool replied, queued, suspended, in_handler;
	char **headers; /* name, value, ... */
	size_t nheaders;
	mrd_abort_fn abort_fn;
	void *abort_data;
	bool aborted;
	struct mrd_watch *gone_watch;
	struct mrd_stream *stream;

	/* 101, or a hijack without one (upgrade.c) */
	mrd_upgrade_fn up_fn;
	void *up_data;
	bool upgraded;
	struct mrd_conn *hijack;
	bool hijack_done;
};

struct mrd_http {
	struct mrd_loop *loop;
	struct MHD_Daemon *mhd;
	struct mrd_watch *mhd_watch;
	int unix_fd, tcp_fd;
	struct mrd_watch *unix_watch, *tcp_watch;
	char *unix_path;
	char *token;
	char *tmp_dir;
	void *app;
	const struct mrd_route_table *const *tables;
	int tcp_port;
};

/* Hand the prepared response to the library now or at the next resume. */
void mrd_req_set_response(struct mrd_req *req, struct MHD_Response *resp, int status);
/* Suspend a request that waits for its reply or stream data; resume it. */
void mrd_req_suspend(struct mrd_req *req);
void mrd_req_resume(struct mrd_req *req);
/* The client is gone: tell the owner once. */
void mrd_req_abort(struct mrd_req *req);
void mrd_stream_free(struct mrd_stream *s);
/* The headers every reply has (API version, server...) and the handler's. */
void mrd_req_each_header(const struct mrd_req *req, void (*fn)(void *ctx, const char *name, const char *value),
			 void *ctx);
/* The request is over while its hijacked stream still runs (minirund
 * stops): the stream keeps its fd and closes it itself. */
void mrd_req_hijack_orphan(struct mrd_req *req);

#endif
