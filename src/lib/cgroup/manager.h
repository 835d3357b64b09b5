/* Who makes a container's cgroup (manager.c): the cgroupfs manager (minirun
 * itself, in /sys/fs/cgroup: cgroup.h) or none (--cgroup-manager
 * disabled); a systemd manager would be a third, asking systemd for a
 * scope over D-Bus. create goes through this interface; the verbs after it
 * work on the cgroup recorded in the container's state (cgroup.h). */
#ifndef MINIRUN_CGROUP_MANAGER_H
#define MINIRUN_CGROUP_MANAGER_H

#include <sys/types.h>

#include "cgroup/cgroup.h"
#include "context.h"

struct mr_cgroup_manager {
	const char *name; /* as --cgroup-manager takes it */
	/* The container's cgroup, not made yet, into *out (NULL: it gets none).
	 * What the config asks that this manager cannot do is an error here,
	 * before anything is made. parent: the context's cgroup_parent. */
	int (*open)(const struct oci_config *cfg, const char *id, const char *parent, struct mr_cgroup **out,
		    struct mr_error **err);
	/* Make it with the config's resources. */
	int (*create)(struct mr_cgroup *cg, const struct oci_linux_resources *r, struct mr_error **err);
	/* Move pid into it. */
	int (*enter)(const struct mr_cgroup *cg, pid_t pid, struct mr_error **err);
	/* Remove what create made (a failed create). */
	int (*destroy)(struct mr_cgroup *cg, struct mr_error **err);
};

/* The manager ctx names; NULL with an error naming the flag for one minirun
 * does not have (systemd). */
const struct mr_cgroup_manager *mr_cgroup_manager_get(const struct mr_context *ctx, struct mr_error **err);

#endif
