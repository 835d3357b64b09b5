/* The cpu controller (cpu.c): v1 and v2 writers, their checks and stats. */
#ifndef MINIRUN_CGROUP_CPU_H
#define MINIRUN_CGROUP_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>
#include "spec/oci-model.gen.h"
#include "util/error.h"

int mr_cg_v1_cpu_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err);
int mr_cg_v1_cpu(const char *dir, const struct oci_linux_resources_cpu *c, struct mr_error **err);
int mr_cg_v2_cpu_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err);
int mr_cg_v2_cpu(const char *dir, const struct oci_linux_resources_cpu *c, struct mr_error **err);
/* v1: acct is the cpuacct directory, cpu the cpu one (either NULL). */
void mr_cg_v1_stats_cpu(const char *acct, const char *cpu, yajl_gen g);
void mr_cg_v2_stats_cpu(const char *dir, yajl_gen g);

#endif
