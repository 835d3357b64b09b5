/* The verbs that act on a container's cgroup: update, pause, resume, ps,
 * events. */
#ifndef MINIRUN_CONTAINER_CGROUP_H
#define MINIRUN_CONTAINER_CGROUP_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "context.h"
#include "spec/oci-model.gen.h"
#include "util/error.h"

/* Write new resources (a LinuxResources object) to the cgroup. */
int mr_container_update(const struct mr_context *ctx, const char *id, const struct oci_linux_resources *r,
			struct mr_error **err);

/* Freeze / thaw the container (v1 freezer, v2 cgroup.freeze). */
int mr_container_pause(const struct mr_context *ctx, const char *id, struct mr_error **err);
int mr_container_resume(const struct mr_context *ctx, const char *id, struct mr_error **err);

/* The host pids in the container's cgroup (malloc'ed, sorted). */
pid_t *mr_container_pids(const struct mr_context *ctx, const char *id, size_t *n, struct mr_error **err);

/* runc's events: with `once`, one {"type":"stats","id":..,"data":..}
 * line; else a stats line every interval_ms and an {"type":"oom"} line at
 * each OOM kill, until the container stops. Lines go to `out`. */
int mr_container_events(const struct mr_context *ctx, const char *id, bool once, int interval_ms, FILE *out,
			struct mr_error **err);

#endif
