/* Shared by the manager's files. */
#ifndef MINIRUND_MANAGER_INTERNAL_H
#define MINIRUND_MANAGER_INTERNAL_H

#include "manager/ctrs.h"

struct mrd_ctrs {
	struct mrd_daemon *d;
	struct mrd_ctr *list;
	size_t count;
	struct mrd_exec *execs; /* every exec instance (exec.c) */
};

void mrd_ctrs_link(struct mrd_ctrs *cs, struct mrd_ctr *c);
void mrd_ctrs_unlink(struct mrd_ctrs *cs, struct mrd_ctr *c);
void mrd_ctr_free(struct mrd_ctr *c);
/* ---- the runtime part of a container (ctr-run.c, ctr-ops.c) */

struct mrd_shim_call;
struct mrd_timer;

/* A caller waiting for an operation to end with the container's exit
 * (stop, kill -9, rm -f). */
struct mrd_exit_wait {
	mrd_done_fn done;
	void *data;
	struct mrd_exit_wait *next;
};

struct mrd_waiter {
	struct mrd_ctr *c; /* NULL once fired or cancelled */
	enum { MRD_WAIT_NOT_RUNNING, MRD_WAIT_NEXT_EXIT, MRD_WAIT_REMOVED } cond;
	mrd_wait_fn fn;
	void *data;
	struct mrd_waiter *next;
};

struct mrd_ctr_rt {
	struct mrd_ctr *c;
	struct mrd_shim_call *wait_call; /* open while the container runs */
	struct mrd_timer *stop_timer, *restart_timer;
	struct mrd_exit_wait *exit_waits;
	struct mrd_waiter *waiters;
	mrd_done_fn start_done; /* a start in progress */
	void *start_data;
	bool starting, deleting, remove_after_exit;
	mrd_done_fn remove_done;
	void *remove_data;
	int64_t restart_delay_ms;
	struct mrd_attach *attaches; /* attach sessions (attach.c) */
	struct mrd_exec *execs;      /* exec instances (exec.c) */
	struct mrd_stats_poller *stats; /* stats.c */
};

/* The runtime part, made on first use. */
struct mrd_ctr_rt *mrd_ctr_rt(struct mrd_ctr *c);
void mrd_ctr_rt_free(struct mrd_ctr *c);

/* Paths of the shim. */
char *mrd_ctr_shim_dir(const struct mrd_ctr *c);
char *mrd_ctr_shim_socket(const struct mrd_ctr *c);

/* done(data, an error made of the message); done may be NULL. */
void mrd_done_error(mrd_done_fn done, void *data, int errnum, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A request whose answer only matters as success or error. */
void mrd_ctr_shim_do(struct mrd_ctr *c, const char *request, mrd_done_fn done, void *data);

/* One request to the container's shim; done(data, reply, err) with the
 * "ok" response (NULL with err otherwise). */
typedef void (*mrd_shim_reply_fn)(void *data, const struct mr_json *reply, const struct mr_error *err);
void mrd_ctr_shim_request(struct mrd_ctr *c, const char *request, mrd_shim_reply_fn fn, void *data);

/* The container's process ended (from the shim's wait, or learnt at
 * reconciliation). */
void mrd_ctr_exited(struct mrd_ctr *c, int exit_code, int64_t at, bool oom);
/* After an exit or a failed start: the shim deletes the runtime's
 * container and goes, the overlay is unmounted; then a removal asked for
 * meanwhile, AutoRemove, or (may_restart) the restart policy. */
void mrd_ctr_teardown(struct mrd_ctr *c, bool may_restart);
/* The shim is gone: `runtime delete --force` ourselves; then(c) after. */
void mrd_ctr_runtime_delete(struct mrd_ctr *c, void (*then)(struct mrd_ctr *c));
/* Open the wait on the shim of a running container. */
void mrd_ctr_watch_exit(struct mrd_ctr *c);
/* Remove the records and files of a container that does not run. */
int mrd_ctr_remove_now(struct mrd_ctr *c, struct mr_error **err);
/* Tell the waiters of a condition. */
void mrd_ctr_fire_waiters(struct mrd_ctr *c, int cond_mask, int exit_code, const char *error);

/* The container's files at create and at each start. */
int mrd_ctr_make_dirs(struct mrd_ctr *c, struct mr_error **err);
int mrd_ctr_write_etc_files(struct mrd_ctr *c, struct mr_error **err);
/* The bundle of a start: /etc files, the overlay mounted, config.json
 * (ctr-bundle.c); released: the overlay unmounted. */
int mrd_ctr_prepare_bundle(struct mrd_ctr *c, struct mr_error **err);
void mrd_ctr_release_bundle(struct mrd_ctr *c);

/* Remove every file of the container (after its mount is gone). */
int mrd_ctr_remove_files(struct mrd_ctr *c, struct mr_error **err);

#endif
