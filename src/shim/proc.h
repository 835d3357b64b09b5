/* One process of a container (its init, or one started by exec) as the
 * shim holds it: our ends of its stdio (pipes, or a pty master), its
 * output handed to sinks (the CRI log, attached clients), its pending
 * stdin (bounded), and its exit: reaped, then its output drained, then
 * the on_exit hook and the waiters, in that order, so that whoever learns
 * of the exit finds all its output already delivered. */
#ifndef MINIRUN_SHIM_PROC_H
#define MINIRUN_SHIM_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "shim/buf.h"
#include "shim/loop.h"
#include "util/error.h"

/* Stdin bytes the process has not read yet: a writer may add one message
 * (up to SHIM_STDIN_CHUNK) while fewer than SHIM_STDIN_ROOM are waiting. */
#define SHIM_STDIN_ROOM (256u << 10)
#define SHIM_STDIN_CHUNK (1u << 20)
#define SHIM_STDIN_MAX (SHIM_STDIN_ROOM + SHIM_STDIN_CHUNK)
/* What is read from a process' output after its exit, at most, per
 * stream (a process outside a PID namespace may leave writers behind). */
#define SHIM_DRAIN_MAX (8u << 20)

enum shim_stream {
	SHIM_STDOUT = 1,
	SHIM_STDERR = 2,
};
const char *shim_stream_name(int stream); /* "stdout", "stderr" */

/* A receiver of the process' output. */
struct shim_sink;
typedef void (*shim_sink_fn)(struct shim_sink *s, int stream, const char *data, size_t len);
struct shim_sink {
	shim_sink_fn fn;
	void *data;
	struct shim_sink *next, **pprev;
};

/* A one-shot or repeated notification (exit, stdin has room again). */
struct shim_notify;
typedef void (*shim_notify_fn)(struct shim_notify *n);
struct shim_notify {
	shim_notify_fn fn;
	void *data;
	struct shim_notify *next, **pprev;
};
void shim_notify_remove(struct shim_notify *n);

enum shim_proc_status {
	SHIM_PROC_NEW,     /* not started yet (the init between create and start) */
	SHIM_PROC_RUNNING,
	SHIM_PROC_EXITED,  /* reaped and its output drained */
};

struct shim_proc {
	struct shim_loop *loop;
	char *exec_id;  /* NULL for the init */
	pid_t pid;
	bool terminal;
	bool stdin_open; /* the process has a stdin we may write */
	int in_fd, out_fd, err_fd; /* -1 when not there; a terminal: out_fd is the master, no err_fd */
	struct shim_watch in_w, out_w, err_w;
	struct shim_buf in_buf;
	bool in_close_pending;
	bool held;
	struct shim_sink *sinks;
	struct shim_notify *exit_waiters, *stdin_waiters;
	enum shim_proc_status status;
	int wait_status;
	int exit_code;
	int64_t started_at, exited_at; /* ns since the epoch, 0: not yet */
	struct shim_child child;
	bool reaped;
	void (*on_exit)(struct shim_proc *p, void *data);
	void *on_exit_data;
	struct shim_proc *next; /* the container's list */
};

struct shim_proc *shim_proc_new(struct shim_loop *loop, const char *exec_id);
/* Free it (fds closed, sinks and waiters forgotten). */
void shim_proc_free(struct shim_proc *p);

/* The stdio the runtime hands the process: pipes made here, child ends
 * returned in child_fds (the caller gives them to the runtime and then
 * closes them); with_stdin false: no stdin pipe (-1, so /dev/null). */
int shim_proc_pipes(struct shim_proc *p, bool with_stdin, int child_fds[3], struct mr_error **err);
/* A terminal: the master the runtime sent over the console socket. */
int shim_proc_set_master(struct shim_proc *p, int master, bool with_stdin, struct mr_error **err);
/* Start watching the output (after the runtime call that made the process
 * succeeded: before that, its stderr is the runtime's error text). */
int shim_proc_watch_output(struct shim_proc *p, struct mr_error **err);
/* Stop (hold true) or resume reading the output: a reader that cannot
 * keep up holds the process back as a full pipe would (exec streams). The
 * output after the exit is drained whatever the hold. */
void shim_proc_hold_output(struct shim_proc *p, bool hold);
/* Read what the runtime wrote to the process' stderr (or terminal's
 * side) so far, for its error message (non-blocking). */
char *shim_proc_read_err(struct shim_proc *p);

/* The process' pid is known: watch for its exit. */
void shim_proc_set_pid(struct shim_proc *p, pid_t pid);

void shim_proc_add_sink(struct shim_proc *p, struct shim_sink *s, shim_sink_fn fn, void *data);
void shim_proc_remove_sink(struct shim_sink *s);

/* Exit waiters run once the exit is final: reaped and the output drained
 * (a caller checks status first: on an exited process it never runs). */
void shim_proc_on_exit(struct shim_proc *p, struct shim_notify *n, shim_notify_fn fn, void *data);

/* stdin: queue bytes (-1: no stdin, closed, or more than SHIM_STDIN_MAX
 * waiting); shim_proc_stdin_room says whether a writer may add a message
 * (of up to SHIM_STDIN_CHUNK), and stdin_waiters hear when room is back.
 * close: after what is queued (a terminal: our end of its input only). */
int shim_proc_write_stdin(struct shim_proc *p, const void *data, size_t len);
bool shim_proc_stdin_room(const struct shim_proc *p);
void shim_proc_wait_stdin(struct shim_proc *p, struct shim_notify *n, shim_notify_fn fn, void *data);
void shim_proc_close_stdin(struct shim_proc *p);

/* Terminal size (TIOCSWINSZ on the master); -1 without a terminal. */
int shim_proc_resize(struct shim_proc *p, unsigned rows, unsigned cols, struct mr_error **err);

/* Signal it directly (exec processes; the pid is ours until reaped). */
int shim_proc_signal(struct shim_proc *p, int sig, struct mr_error **err);

#endif
