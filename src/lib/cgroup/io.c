/* Block I/O: v1's blkio controller (CFQ/BFQ weights, throttling), v2's io
 * controller (io.weight or io.bfq.weight, io.max), and their stats. */
#include "cgroup/io.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/files.h"
#include "cgroup/resources.h"
#include "cgroup/stats-json.h"
#include "util/cleanup.h"

#define R "linux.resources."
#define V1_NO_WEIGHT "this host's blkio controller has no weight file (BFQ not in use)"
#define V1_NO_LEAF_WEIGHT "this host's blkio controller has no leaf weight file (CFQ only, gone since Linux 5.0)"
#define V2_NO_WEIGHT "this host's io controller has no weight file (neither io.weight nor io.bfq.weight)"

static int v1_throttle(const char *dir, const char *file, const struct oci_throttle_device *t, size_t n,
		       const char *what, struct mr_error **err)
{
	for (size_t i = 0; i < n; i++) {
		if (!t[i].has_major || !t[i].has_minor || !t[i].has_rate)
			return mr_error_set(err, 0, "%s[%zu]: major, minor and rate are required", what, i);
		if (mr_cg_writef(dir, file, what, err, "%" PRId64 ":%" PRId64 " %" PRIu64, t[i].major, t[i].minor,
				 t[i].rate) < 0)
			return -1;
	}
	return 0;
}

/* Whether the host can take the weights the config asks for, before any of
 * them is written: CFQ had blkio.weight and the leaf weights; since 5.0 only
 * BFQ has weights, as blkio.bfq.weight (runc prefers it when both exist),
 * and no leaf weights (its files are there once its module is loaded). */
int mr_cg_v1_blkio_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err)
{
	const struct oci_linux_resources_block_io *b = r->block_io;

	bool weight = mr_cg_exists(dir, "blkio.bfq.weight") || mr_cg_exists(dir, "blkio.weight");
	bool leaf = mr_cg_exists(dir, "blkio.leaf_weight");

	if (b->has_weight && b->weight != 0 && !weight)
		return mr_error_set(err, 0, R "blockIO.weight: " V1_NO_WEIGHT);
	if (b->has_leaf_weight && b->leaf_weight != 0 && !leaf)
		return mr_error_set(err, 0, R "blockIO.leafWeight: " V1_NO_LEAF_WEIGHT);
	for (size_t i = 0; i < b->weight_device_len; i++) {
		const struct oci_weight_device *w = &b->weight_device[i];
		if (w->has_weight && !weight)
			return mr_error_set(err, 0, R "blockIO.weightDevice[%zu].weight: " V1_NO_WEIGHT, i);
		if (w->has_leaf_weight && !leaf)
			return mr_error_set(err, 0, R "blockIO.weightDevice[%zu].leafWeight: " V1_NO_LEAF_WEIGHT, i);
	}
	return 0;
}

int mr_cg_v1_blkio(const char *dir, const struct oci_linux_resources_block_io *b, struct mr_error **err)
{
	bool bfq = mr_cg_exists(dir, "blkio.bfq.weight");
	const char *weight = bfq ? "blkio.bfq.weight" : "blkio.weight";
	const char *weight_dev = bfq ? "blkio.bfq.weight_device" : "blkio.weight_device";

	if (b->has_weight && b->weight != 0 && mr_cg_writef(dir, weight, R "blockIO.weight", err, "%u", b->weight) < 0)
		return -1;
	if (b->has_leaf_weight && b->leaf_weight != 0 &&
	    mr_cg_writef(dir, "blkio.leaf_weight", R "blockIO.leafWeight", err, "%u", b->leaf_weight) < 0)
		return -1;
	for (size_t i = 0; i < b->weight_device_len; i++) {
		const struct oci_weight_device *w = &b->weight_device[i];
		if (!w->has_major || !w->has_minor)
			return mr_error_set(err, 0, R "blockIO.weightDevice[%zu]: major and minor are required", i);
		if (w->has_weight && mr_cg_writef(dir, weight_dev, R "blockIO.weightDevice", err,
						  "%" PRId64 ":%" PRId64 " %u", w->major, w->minor, w->weight) < 0)
			return -1;
		if (w->has_leaf_weight && mr_cg_writef(dir, "blkio.leaf_weight_device", R "blockIO.weightDevice", err,
						       "%" PRId64 ":%" PRId64 " %u", w->major, w->minor,
						       w->leaf_weight) < 0)
			return -1;
	}
	if (v1_throttle(dir, "blkio.v2_throttle.read_bps_device", b->throttle_read_bps_device,
			b->throttle_read_bps_device_len, R "blockIO.throttleReadBpsDevice", err) < 0 ||
	    v1_throttle(dir, "blkio.v2_throttle.write_bps_device", b->throttle_write_bps_device,
			b->throttle_write_bps_device_len, R "blockIO.throttleWriteBpsDevice", err) < 0 ||
	    v1_throttle(dir, "blkio.v2_throttle.read_iops_device", b->throttle_read_iops_device,
			b->throttle_read_iops_device_len, R "blockIO.throttleReadIOPSDevice", err) < 0 ||
	    v1_throttle(dir, "blkio.v2_throttle.write_iops_device", b->throttle_write_iops_device,
			b->throttle_write_iops_device_len, R "blockIO.throttleWriteIOPSDevice", err) < 0)
		return -1;
	return 0;
}

static int v2_throttle(const char *dir, const struct oci_throttle_device *t, size_t n, const char *key,
		    const char *what, struct mr_error **err)
{
	for (size_t i = 0; i < n; i++) {
		if (!t[i].has_major || !t[i].has_minor || !t[i].has_rate)
			return mr_error_set(err, 0, "%s[%zu]: major, minor and rate are required", what, i);
		/* 0 means no limit in the spec, as in v1's v2_throttle files. */
		if (t[i].rate == 0) {
			if (mr_cg_writef(dir, "io.max", what, err, "%" PRId64 ":%" PRId64 " %s=max", t[i].major,
					 t[i].minor, key) < 0)
				return -1;
		} else if (mr_cg_writef(dir, "io.max", what, err, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, t[i].major,
					t[i].minor, key, t[i].rate) < 0) {
			return -1;
		}
	}
	return 0;
}

/* io.weight is the iocost controller's (CONFIG_BLK_CGROUP_IOCOST),
 * io.bfq.weight BFQ's (once its module is loaded): a kernel may have
 * neither. */
int mr_cg_v2_io_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err)
{
	const struct oci_linux_resources_block_io *b = r->block_io;

	if (b == NULL)
		return 0;
	/* CFQ's leaf weights never had a v2 form (crun refuses them too). */
	if (b->has_leaf_weight && b->leaf_weight != 0)
		return mr_error_set(err, 0, R "blockIO.leafWeight: cgroup v2 has no leaf weights");
	for (size_t i = 0; i < b->weight_device_len; i++)
		if (b->weight_device[i].has_leaf_weight)
			return mr_error_set(err, 0, R "blockIO.weightDevice[%zu].leafWeight: cgroup v2 has no leaf weights",
					    i);
	if (mr_cg_exists(dir, "io.bfq.weight") || mr_cg_exists(dir, "io.weight"))
		return 0;
	if (b->has_weight && b->weight != 0)
		return mr_error_set(err, 0, R "blockIO.weight: " V2_NO_WEIGHT);
	for (size_t i = 0; i < b->weight_device_len; i++)
		if (b->weight_device[i].has_weight)
			return mr_error_set(err, 0, R "blockIO.weightDevice[%zu].weight: " V2_NO_WEIGHT, i);
	return 0;
}

int mr_cg_v2_io(const char *dir, const struct oci_linux_resources_block_io *b, struct mr_error **err)
{
	/* With BFQ the weight keeps its v1 range in io.bfq.weight (runc). */
	bool bfq = mr_cg_exists(dir, "io.bfq.weight");

	if (b == NULL)
		return 0;
	if (b->has_weight && b->weight != 0) {
		if (bfq ? mr_cg_writef(dir, "io.bfq.weight", R "blockIO.weight", err, "%u", b->weight)
			: mr_cg_writef(dir, "io.weight", R "blockIO.weight", err, "default %" PRIu64,
				       mr_cg_blkio_to_io_weight(b->weight)))
			return -1;
	}
	for (size_t i = 0; i < b->weight_device_len; i++) {
		const struct oci_weight_device *w = &b->weight_device[i];
		if (!w->has_major || !w->has_minor)
			return mr_error_set(err, 0, R "blockIO.weightDevice[%zu]: major and minor are required", i);
		if (!w->has_weight)
			continue;
		if (bfq ? mr_cg_writef(dir, "io.bfq.weight", R "blockIO.weightDevice", err,
				       "%" PRId64 ":%" PRId64 " %u", w->major, w->minor, w->weight)
			: mr_cg_writef(dir, "io.weight", R "blockIO.weightDevice", err,
				       "%" PRId64 ":%" PRId64 " %" PRIu64, w->major, w->minor,
				       mr_cg_blkio_to_io_weight(w->weight)))
			return -1;
	}
	if (v2_throttle(dir, b->throttle_read_bps_device, b->throttle_read_bps_device_len, "rbps",
		     R "blockIO.throttleReadBpsDevice", err) < 0 ||
	    v2_throttle(dir, b->throttle_write_bps_device, b->throttle_write_bps_device_len, "wbps",
		     R "blockIO.throttleWriteBpsDevice", err) < 0 ||
	    v2_throttle(dir, b->throttle_read_iops_device, b->throttle_read_iops_device_len, "riops",
		     R "blockIO.throttleReadIOPSDevice", err) < 0 ||
	    v2_throttle(dir, b->throttle_write_iops_device, b->throttle_write_iops_device_len, "wiops",
		     R "blockIO.throttleWriteIOPSDevice", err) < 0)
		return -1;
	return 0;
}

static void blkio_entries(yajl_gen g, const char *key, const char *dir, const char *file)
{
	cleanup_free char *s = mr_cg_read(dir, file);
	char *save = NULL;

	if (s == NULL || *s == '\0' || strncmp(s, "Total", 5) == 0)
		return;
	mr_cg_json_key(g, key);
	yajl_gen_array_open(g);
	for (char *line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned major, minor;
		char op[16];
		uint64_t v;
		if (sscanf(line, "%u:%u %15s %" SCNu64, &major, &minor, op, &v) != 4)
			continue;
		yajl_gen_map_open(g);
		mr_cg_json_u64(g, "major", major);
		mr_cg_json_u64(g, "minor", minor);
		mr_cg_json_key(g, "op");
		yajl_gen_string(g, (const unsigned char *)op, strlen(op));
		if (v)
			mr_cg_json_u64(g, "value", v);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

void mr_cg_v1_stats_blkio(const char *dir, yajl_gen g)
{
	bool bfq = mr_cg_exists(dir, "blkio.bfq.io_service_bytes_recursive");

	mr_cg_json_key(g, "blkio");
	yajl_gen_map_open(g);
	blkio_entries(g, "ioServiceBytesRecursive", dir,
		      bfq ? "blkio.bfq.io_service_bytes_recursive" : "blkio.v2_throttle.io_service_bytes_recursive");
	blkio_entries(g, "ioServicedRecursive", dir,
		      bfq ? "blkio.bfq.io_serviced_recursive" : "blkio.v2_throttle.io_serviced_recursive");
	yajl_gen_map_close(g);
}

static void io_entries(yajl_gen g, const char *json, const char *s, const char *rkey, const char *wkey)
{
	cleanup_free char *copy = s ? strdup(s) : NULL;
	char *save = NULL;

	mr_cg_json_key(g, json);
	yajl_gen_array_open(g);
	for (char *line = copy ? strtok_r(copy, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
		unsigned major, minor;
		uint64_t r = 0, w = 0;
		char *p;
		if (sscanf(line, "%u:%u", &major, &minor) != 2)
			continue;
		if ((p = strstr(line, rkey)) != NULL)
			r = strtoull(p + strlen(rkey), NULL, 10);
		if ((p = strstr(line, wkey)) != NULL)
			w = strtoull(p + strlen(wkey), NULL, 10);
		for (int i = 0; i < 3; i++) {
			const char *op = i == 0 ? "Read" : i == 1 ? "Write" : "Total";
			uint64_t v = i == 0 ? r : i == 1 ? w : r + w;
			yajl_gen_map_open(g);
			mr_cg_json_u64(g, "major", major);
			mr_cg_json_u64(g, "minor", minor);
			mr_cg_json_key(g, "op");
			yajl_gen_string(g, (const unsigned char *)op, strlen(op));
			mr_cg_json_u64(g, "value", v);
			yajl_gen_map_close(g);
		}
	}
	yajl_gen_array_close(g);
}

void mr_cg_v2_stats_io(const char *dir, yajl_gen g)
{
	cleanup_free char *s = mr_cg_read(dir, "io.stat");

	mr_cg_json_key(g, "blkio");
	yajl_gen_map_open(g);
	if (s && *s) {
		io_entries(g, "ioServiceBytesRecursive", s, "rbytes=", "wbytes=");
		io_entries(g, "ioServicedRecursive", s, "rios=", "wios=");
	}
	yajl_gen_map_close(g);
}
