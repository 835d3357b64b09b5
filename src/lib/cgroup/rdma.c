/* The rdma controller: rdma.max per device, the same file on v1 and v2. */
#include "cgroup/rdma.h"

#include <inttypes.h>
#include <stdio.h>

#include "cgroup/files.h"

#define R "linux.resources."

int mr_cg_rdma(const char *dir, const struct oci_map_rdma *rdma, struct mr_error **err)
{
	for (size_t i = 0; rdma && i < rdma->len; i++) {
		const struct oci_rdma *v = &rdma->values[i];
		char handles[24] = "max", objects[24] = "max";
		if (v->has_hca_handles)
			snprintf(handles, sizeof(handles), "%" PRIu32, v->hca_handles);
		if (v->has_hca_objects)
			snprintf(objects, sizeof(objects), "%" PRIu32, v->hca_objects);
		if (mr_cg_writef(dir, "rdma.max", R "rdma", err, "%s hca_handle=%s hca_object=%s", rdma->keys[i], handles,
				 objects) < 0)
			return -1;
	}
	return 0;
}
