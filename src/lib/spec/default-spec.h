/* The default config.json of `minirun spec`: runs `sh` from a busybox
 * rootfs at "rootfs", like `runc spec`, without inheritable or ambient
 * capabilities. The document itself is default-config.json, kept as JSON
 * so it reads like what it produces. */
#ifndef MINIRUN_SPEC_DEFAULT_SPEC_H
#define MINIRUN_SPEC_DEFAULT_SPEC_H

#include <stdbool.h>
#include <sys/types.h>

#include "spec/oci-model.gen.h"
#include "util/error.h"

/* rootless: a user namespace mapping uid/gid (the caller's ids) to root,
 * no network namespace, /sys bind-mounted instead of a new sysfs, no cgroup
 * mount, no gid= option for devpts, no resources. */
struct oci_config *mr_default_spec(bool rootless, uid_t uid, gid_t gid, struct mr_error **err);

#endif
