/* Block I/O (io.c): v1's blkio and v2's io controller, their checks
 * and stats. */
#ifndef MINIRUN_CGROUP_IO_H
#define MINIRUN_CGROUP_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>
#include "spec/oci-model.gen.h"
#include "util/error.h"

/* The weights the host cannot take (no BFQ, no CFQ leaf weights). */
int mr_cg_v1_blkio_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err);
int mr_cg_v1_blkio(const char *dir, const struct oci_linux_resources_block_io *b, struct mr_error **err);
/* Leaf weights (no v2 form), weights without io.weight/io.bfq.weight. */
int mr_cg_v2_io_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err);
int mr_cg_v2_io(const char *dir, const struct oci_linux_resources_block_io *b, struct mr_error **err);
void mr_cg_v1_stats_blkio(const char *dir, yajl_gen g);
void mr_cg_v2_stats_io(const char *dir, yajl_gen g);

#endif
