/* linux.resources.network (network.c): v1's net_cls and net_prio; v2 has
 * neither. */
#ifndef MINIRUN_CGROUP_NETWORK_H
#define MINIRUN_CGROUP_NETWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>
#include "spec/oci-model.gen.h"
#include "util/error.h"

/* cls and prio: the net_cls and net_prio directories (NULL where the host
 * has none; the caller checked that what the config asks for is there). */
int mr_cg_v1_network(const char *cls, const char *prio, const struct oci_linux_resources_network *net,
		     struct mr_error **err);
/* classID and priorities have no v2 form: an error naming the field. */
int mr_cg_v2_network_check(const struct oci_linux_resources_network *net, struct mr_error **err);

#endif
