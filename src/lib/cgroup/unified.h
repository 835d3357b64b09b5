/* linux.resources.unified (unified.c): cgroup v2 files by name. */
#ifndef MINIRUN_CGROUP_UNIFIED_H
#define MINIRUN_CGROUP_UNIFIED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>
#include "spec/oci-model.gen.h"
#include "util/error.h"

/* Each key a file name <controller>.<name>, written in dir. */
int mr_cg_v2_unified(const char *dir, const struct oci_map_string *u, struct mr_error **err);
/* The first key of u whose controller dir's cgroup.controllers does not
 * list (its name into ctl), or -1. The core "cgroup." files need none;
 * malformed keys are left to mr_cg_v2_unified. */
int mr_cg_v2_unified_missing(const char *dir, const struct oci_map_string *u, char *ctl, size_t size);

#endif
