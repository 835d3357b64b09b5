/* hostname, domainname and linux.sysctl: the kernel settings of the
 * container's own namespaces, set by the init after pivot_root (sysctls
 * through the container's /proc/sys). */
#ifndef MINIRUN_SYSCTL_H
#define MINIRUN_SYSCTL_H

#include "spec/oci-model.gen.h"
#include "util/error.h"

/* sethostname(hostname), setdomainname(domainname); empty ones are unset. */
int mr_sysctl_set_names(const struct oci_config *cfg, struct mr_error **err);

/* Write every linux.sysctl; each key is checked first to belong to a
 * namespace the container has of its own. */
int mr_sysctl_apply(const struct oci_linux *l, struct mr_error **err);

#endif
