/* The cgroup v2 driver's pieces the v1 driver uses on a hybrid host's
 * unified hierarchy (v2.c). */
#ifndef MINIRUN_CGROUP_V2_H
#define MINIRUN_CGROUP_V2_H

#include "cgroup/driver.h"

/* Enable in every parent's cgroup.subtree_control the controllers it offers. */
int mr_cg_v2_enable_controllers(const struct mr_cg_hier *h, struct mr_error **err);
int mr_cg_v2_freeze(const char *dir, bool frozen, struct mr_error **err);
int mr_cg_v2_frozen(const char *dir); /* 1, 0, -1 no cgroup.events */
int mr_cg_v2_oom_fd(const char *dir, struct mr_error **err);

#endif
