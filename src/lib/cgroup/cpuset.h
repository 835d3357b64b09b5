/* The cpuset controller (cpuset.c). */
#ifndef MINIRUN_CGROUP_CPUSET_H
#define MINIRUN_CGROUP_CPUSET_H

#include "cgroup/driver.h"

/* cpu.cpus and cpu.mems into cpuset.cpus/mems (the same files on v1 and v2). */
int mr_cg_cpuset(const char *dir, const struct oci_linux_resources_cpu *c, struct mr_error **err);
/* A new v1 cpuset cgroup starts with no cpus and no mems: fill every empty
 * level of h from its parent, top down. */
int mr_cg_v1_cpuset_fill(const struct mr_cg_hier *h, struct mr_error **err);

#endif
