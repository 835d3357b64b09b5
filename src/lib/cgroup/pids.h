/* The pids controller (pids.c): the same files on v1 and v2. */
#ifndef MINIRUN_CGROUP_PIDS_H
#define MINIRUN_CGROUP_PIDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>
#include "spec/oci-model.gen.h"
#include "util/error.h"

int mr_cg_pids(const char *dir, const struct oci_linux_resources_pids *p, struct mr_error **err);
void mr_cg_stats_pids(const char *dir, yajl_gen g);

#endif
