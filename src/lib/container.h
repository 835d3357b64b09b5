/* The lifecycle verbs of runtime-spec runtime.md, with runc's semantics.
 * Each orchestrates: the state store, the init, hooks, mounts... act. */
#ifndef MINIRUN_CONTAINER_H
#define MINIRUN_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "context.h"
#include "util/error.h"

struct mr_create_opts {
	const char *id;
	const char *bundle; /* NULL: the current directory */
	const char *pid_file; /* NULL: none */
	const char *console_socket; /* NULL: none */
	bool no_pivot;
	bool no_new_keyring;
	int preserve_fds;
	/* `run` in the foreground with a terminal and no console socket: the
	 * pty master comes back here instead of going to a socket. */
	int *console_master;
};

/* create: the container waits for start. *pid gets the init's pid. On
 * failure nothing is left: no state dir, pid file or process. */
int mr_container_create(const struct mr_context *ctx, const struct mr_create_opts *o, pid_t *pid,
			struct mr_error **err);

/* start: release the init, run poststart hooks. With ctx->notify_socket
 * (and a container created with it) it first waits for the process' READY=1
 * (notify.h), or its end; with notify_forwarder, a child process of ours
 * waits and forwards it instead (run in the foreground), and its pid (0:
 * none) goes there, for the caller to wait for before it exits. */
int mr_container_start(const struct mr_context *ctx, const char *id, pid_t *notify_forwarder, struct mr_error **err);

/* state: the OCI state JSON (malloc'ed, pretty). */
char *mr_container_state(const struct mr_context *ctx, const char *id, struct mr_error **err);

/* kill: a signal to the init, or with `all` to every process of the container. */
int mr_container_kill(const struct mr_context *ctx, const char *id, int sig, bool all, struct mr_error **err);

/* delete: remove a stopped (or created) container; `force` kills a running
 * one first and makes an unknown id a success. Runs poststop hooks. */
int mr_container_delete(const struct mr_context *ctx, const char *id, bool force, struct mr_error **err);

/* list: the OCI state of every container in the root, sorted by id; *n
 * gets their count. The CLI formats them. */
struct oci_state;
struct oci_state **mr_container_list(const struct mr_context *ctx, size_t *n, struct mr_error **err);
void mr_container_list_free(struct oci_state **states, size_t n);

struct mr_run_opts {
	struct mr_create_opts create;
	bool detach;
	bool keep; /* do not delete after the container exits */
	bool no_subreaper;
};

/* run: create + start (+ wait, forwarding signals). *status gets the exit
 * status for the caller to exit with: the container's, 128+N for signal N. */
int mr_container_run(const struct mr_context *ctx, const struct mr_run_opts *o, int *status, struct mr_error **err);

/* Wait for `pid` (our child, or our orphan as a subreaper) with every
 * signal blocked by the caller: each one received is forwarded to it.
 * *status: its exit status, 128+N for signal N. */
int mr_wait_forwarding(pid_t pid, int *status);

/* The foreground of run and exec: with a pty master (>= 0), proxy it to
 * our terminal until the container's side closes (a failure is a warning),
 * then mr_wait_forwarding(). */
int mr_foreground_wait(const struct mr_context *ctx, pid_t pid, int master, int *status);

#endif
