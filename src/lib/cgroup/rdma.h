/* The rdma controller (rdma.c): rdma.max, the same on v1 and v2. */
#ifndef MINIRUN_CGROUP_RDMA_H
#define MINIRUN_CGROUP_RDMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>
#include "spec/oci-model.gen.h"
#include "util/error.h"

int mr_cg_rdma(const char *dir, const struct oci_map_rdma *rdma, struct mr_error **err);

#endif
