/* The memory controller (memory.c): v1 and v2 writers, their checks and
 * stats. Each takes the controller's directory. */
#ifndef MINIRUN_CGROUP_MEMORY_H
#define MINIRUN_CGROUP_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>
#include "spec/oci-model.gen.h"
#include "util/error.h"

/* The v1 fields the host cannot apply (memsw without swap accounting, kmem
 * limits the kernel lacks), before anything is written. */
int mr_cg_v1_memory_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err);
int mr_cg_v1_memory(const char *dir, const struct oci_linux_resources_memory *m, struct mr_error **err);
/* The v1 fields v2 has no form for, and memory.swap.max without swap
 * accounting. */
int mr_cg_v2_memory_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err);
int mr_cg_v2_memory(const char *dir, const struct oci_linux_resources_memory *m, struct mr_error **err);
/* checkBeforeUpdate: refuse a memory limit below the usage in usage_file
 * (and swap below swap_usage_file: v1 memsw, or v2 swap + memory). */
int mr_cg_check_memory_usage(const char *dir, const char *usage_file, const char *swap_usage_file,
			     const struct oci_linux_resources_memory *m, struct mr_error **err);
void mr_cg_v1_stats_memory(const char *dir, yajl_gen g);
void mr_cg_v2_stats_memory(const char *dir, yajl_gen g);
/* r (NULL: none) sets a memory limit: memory.limit, or unified
 * memory.max/memory.high other than "max". */
bool mr_cgroup_memory_limited(const struct oci_linux_resources *r);

#endif
