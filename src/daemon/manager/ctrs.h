/* The container manager: every container in memory (loaded from the store
 * at start), and the verbs on them as explicit sequences of store writes
 * and shim calls, so that a crash between two steps is put right by the
 * reconciliation at the next start.
 *
 * Files of a container:
 *   <data-root>/containers/<id>/   upper/ work/ (the overlay's), log,
 *                                  hostname hosts resolv.conf
 *   <exec-root>/containers/<id>/   the bundle: config.json, rootfs/ (the
 *                                  overlay mount), shim/ (its state dir) */
#ifndef MINIRUND_MANAGER_CTRS_H
#define MINIRUND_MANAGER_CTRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon.h"
#include "manager/config.h"
#include "util/error.h"
#include "util/json.h"

enum mrd_status {
	MRD_CREATED,
	MRD_RUNNING,
	MRD_PAUSED,
	MRD_RESTARTING,
	MRD_REMOVING,
	MRD_EXITED,
	MRD_DEAD,
};

struct mrd_ctr_rt; /* what only a running container has (shim connection, waiters...) */

struct mrd_ctr {
	struct mrd_daemon *d;
	char id[65];
	char *name; /* without the leading '/' */
	int64_t created;
	char image_id[72];
	struct mrd_ctr_config *cfg; /* merged with the image's, updates applied */
	char *record;               /* the immutable config row (JSON) */
	/* the mutable state row */
	enum mrd_status status;
	int pid;
	int exit_code;
	int64_t started_at, finished_at;
	int restart_count;
	bool oom_killed, manual_stop, has_started;
	char *error;
	/* in memory only */
	struct mrd_ctr_rt *rt;
	struct mrd_ctr *next;
};

struct mrd_ctrs;

struct mrd_ctrs *mrd_ctrs_load(struct mrd_daemon *d, struct mr_error **err);
/* At start, after the HTTP server is up: re-attach to the live shims,
 * learn the exits that happened while minirund was down, mark the
 * containers whose shim is gone, start the ones whose restart policy says so. */
void mrd_ctrs_reconcile(struct mrd_ctrs *cs);
/* At shutdown, before the loop goes: hang up on the shims (the
 * containers keep running). */
void mrd_ctrs_shutdown(struct mrd_ctrs *cs);
void mrd_ctrs_free(struct mrd_ctrs *cs);

struct mrd_ctr *mrd_ctrs_first(struct mrd_ctrs *cs);
size_t mrd_ctrs_count(const struct mrd_ctrs *cs);
/* By full id, name (with or without '/'), or unique id prefix; NULL with
 * errno ENOENT (or EINVAL when a prefix is ambiguous). */
struct mrd_ctr *mrd_ctrs_find(struct mrd_ctrs *cs, const char *ref);
/* Whether any container was made from the image. */
bool mrd_ctrs_use_image(struct mrd_ctrs *cs, const char *image_id);

const char *mrd_status_name(enum mrd_status s);
/* "Up 5 minutes", "Exited (0) 3 seconds ago", ... as docker ps shows it. */
void mrd_ctr_status_text(const struct mrd_ctr *c, char *buf, size_t size);
bool mrd_ctr_running(const struct mrd_ctr *c); /* running, paused or restarting */

/* create: body is the parsed create body; name may be NULL (one is
 * made up). The image config is merged in, the record written, the
 * container's directories made. */
struct mrd_ctr *mrd_ctrs_create(struct mrd_ctrs *cs, const struct mr_json *body, const char *name,
				char ***warnings, size_t *nwarnings, struct mr_error **err);
int mrd_ctr_rename(struct mrd_ctr *c, const char *name, struct mr_error **err);
/* update: resources and restart policy, recorded, and given to the
 * running container through its shim. */
typedef void (*mrd_done_fn)(void *data, const struct mr_error *err);
void mrd_ctr_update(struct mrd_ctr *c, const struct mr_json *body, mrd_done_fn done, void *data);
/* Write the state row of c as it is in memory. */
int mrd_ctr_save(struct mrd_ctr *c, struct mr_error **err);

/* Paths of the container (malloc'ed). */
char *mrd_ctr_data_path(const struct mrd_ctr *c, const char *name); /* <data-root>/containers/<id>/<name> */
char *mrd_ctr_exec_path(const struct mrd_ctr *c, const char *name); /* <exec-root>/containers/<id>/<name> */
char *mrd_ctr_cgroups_path(const struct mrd_ctr *c);

/* The operations that go through the shim, asynchronously: done(data,
 * err) runs when it is over (err NULL on success). */
void mrd_ctr_start(struct mrd_ctr *c, mrd_done_fn done, void *data);
/* stop: StopSignal (or SIGTERM), SIGKILL after timeout seconds (-1: the
 * container's StopTimeout, else 10). */
void mrd_ctr_stop(struct mrd_ctr *c, int64_t timeout, mrd_done_fn done, void *data);
void mrd_ctr_restart(struct mrd_ctr *c, int64_t timeout, mrd_done_fn done, void *data);
void mrd_ctr_kill(struct mrd_ctr *c, int sig, mrd_done_fn done, void *data);
void mrd_ctr_pause(struct mrd_ctr *c, bool pause, mrd_done_fn done, void *data);
/* rm: force kills a running container first; volumes: anonymous volumes too. */
void mrd_ctr_remove(struct mrd_ctr *c, bool force, bool volumes, mrd_done_fn done, void *data);

/* wait: condition "not-running" (default), "next-exit", "removed".
 * fn gets the exit code (or an error) when it comes, once; a waiter whose
 * client left is cancelled with the returned handle (before fn ran).
 * *already: the condition holds now (NULL returned, fn not called). */
struct mrd_waiter;
typedef void (*mrd_wait_fn)(void *data, int exit_code, const char *error);
struct mrd_waiter *mrd_ctr_wait(struct mrd_ctr *c, const char *condition, mrd_wait_fn fn, void *data,
				bool *already, struct mr_error **err);
void mrd_waiter_cancel(struct mrd_waiter *w);

/* The container's pids (host pids), from its cgroup. */
int *mrd_ctr_pids(struct mrd_ctr *c, size_t *n, struct mr_error **err);

/* docker diff: what the container's upperdir holds, against its image:
 * kind 0 changed, 1 added, 2 deleted. */
typedef void (*mrd_change_fn)(const char *path, int kind, void *data);
int mrd_ctr_changes(struct mrd_ctr *c, mrd_change_fn fn, void *data, struct mr_error **err);

/* docker top: `ps ps_args` (default -ef) on the host, the container's
 * processes only. */
struct mrd_top {
	char **titles;
	size_t ntitles;
	char ***rows; /* ntitles columns each */
	size_t nrows;
};
int mrd_ctr_top(struct mrd_ctr *c, const char *ps_args, struct mrd_top *out, struct mr_error **err);
void mrd_top_clear(struct mrd_top *t);

/* Events of the container ("start", "die", ...) with its attributes. */
void mrd_ctr_event(struct mrd_ctr *c, const char *action, const char *const *extra);

#endif
