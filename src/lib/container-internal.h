/* Shared by the lifecycle verbs (container*.c); not a public API. */
#ifndef MINIRUN_CONTAINER_INTERNAL_H
#define MINIRUN_CONTAINER_INTERNAL_H

#include "cgroup/cgroup.h"
#include "context.h"
#include "state.h"

/* An open, locked container: its record, its cgroup (NULL when the record
 * has none) and its current status (paused when its cgroup is frozen). */
struct mr_loaded {
	struct mr_container_dir dir;
	struct mr_record *rec;
	struct mr_cgroup *cg;
	enum mr_status status;
};

int mr_container_load(const struct mr_context *ctx, const char *id, struct mr_loaded *l, struct mr_error **err);
void mr_container_unload(struct mr_loaded *l);

/* A pidfd for the init, after checking it is still the same process
 * (pid and start time): "container not running" otherwise. */
int mr_container_open_init(const struct mr_record *r, struct mr_error **err);

#endif
