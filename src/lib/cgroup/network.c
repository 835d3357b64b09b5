/* linux.resources.network: net_cls.classid and net_prio.ifpriomap, which
 * exist on v1 only (and only where the host mounts them). */
#include "cgroup/network.h"

#include <inttypes.h>

#include "cgroup/files.h"

#define R "linux.resources."

int mr_cg_v1_network(const char *cls, const char *prio, const struct oci_linux_resources_network *net,
		     struct mr_error **err)
{
	if (net == NULL)
		return 0;
	if (cls && net->has_class_id &&
	    mr_cg_writef(cls, "net_cls.classid", R "network.classID", err, "%" PRIu32, net->class_id) < 0)
		return -1;
	for (size_t i = 0; prio && i < net->priorities_len; i++) {
		const struct oci_interface_priority *p = &net->priorities[i];
		if (p->name && mr_cg_writef(prio, "net_prio.ifpriomap", R "network.priorities", err, "%s %" PRIu32,
					    p->name, p->priority) < 0)
			return -1;
	}
	return 0;
}

int mr_cg_v2_network_check(const struct oci_linux_resources_network *net, struct mr_error **err)
{
	if (net && (net->has_class_id || net->priorities_len))
		return mr_error_set(err, 0,
				    R "network: cgroup v2 has no net_cls and net_prio controllers (classID and "
				      "priorities have no v2 form)");
	return 0;
}
