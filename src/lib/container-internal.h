/* Shared by the lifecycle verbs (container*.c); not a public API. */
#ifndef MINIRUN_CONTAINER_INTERNAL_H
#define MINIRUN_CONTAINER_INTERNAL_H

#include "cgroup/cgroup.h"
#include "context.h"
#include "state.h"

/* A container as a verb loaded it: its record, its cgroup (NULL when the
 * record has none) and its current status (paused when its cgroup is
 * frozen). With MR_LOAD_ANY a container without a usable record loads
 * too: rec is NULL and `broken` says why (errnum ENOENT: no state.json;
 * otherwise it is unreadable), or rec is there but its cgroup line is not
 * (cg NULL, `broken` set). */
struct mr_loaded {
	struct mr_container_dir dir;
	struct mr_record *rec;
	struct mr_cgroup *cg;
	enum mr_status status;
	struct mr_error *broken;
};

/* MR_LOAD_LOCK: take the container's lock, for a verb that changes it;
 * never while a create runs (status creating, unlocked). */
enum { MR_LOAD_LOCK = 1, MR_LOAD_ANY = 2 };

int mr_container_load_flags(const struct mr_context *ctx, const char *id, struct mr_loaded *l, unsigned flags,
			    struct mr_error **err);
/* ... with MR_LOAD_LOCK. */
int mr_container_load(const struct mr_context *ctx, const char *id, struct mr_loaded *l, struct mr_error **err);
void mr_container_unload(struct mr_loaded *l);

/* A pidfd for the init, after checking it is still the same process
 * (pid and start time): "container not running" otherwise. */
int mr_container_open_init(const struct mr_record *r, struct mr_error **err);

/* The init, or with `all` every process of the container: its cgroup's,
 * or without one its pid namespace's. */
int mr_container_signal(const struct mr_loaded *l, int sig, bool all, struct mr_error **err);

#endif
