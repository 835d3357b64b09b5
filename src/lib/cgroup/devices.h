/* Device rules (devices.c): v1 devices.allow/deny, v2 eBPF program. */
#ifndef MINIRUN_CGROUP_DEVICES_H
#define MINIRUN_CGROUP_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>
#include "spec/oci-model.gen.h"
#include "util/error.h"

/* defaults: add the standard devices every container gets. */
int mr_cg_v1_devices(const char *dir, const struct oci_device_cgroup *d, size_t n, bool defaults,
		     struct mr_error **err);
int mr_cg_v2_devices(const char *dir, const struct oci_device_cgroup *d, size_t n, bool defaults,
		     struct mr_error **err);

#endif
