/* cgroup v1 and hybrid hosts: a directory per controller hierarchy.
 *
 * A hybrid host also has a cgroup2 mount (/sys/fs/cgroup/unified) that may
 * hold controllers of its own (hugetlb only, on this kind of host). The
 * container joins it too, as runc does, and a controller that v1 does not
 * have but the unified hierarchy does is set there, in its v2 form (v2.c).
 * Devices fall back to the eBPF program the same way.
 *
 * A resource the host cannot apply is an error naming the field, found
 * before anything is written (v1_check): a controller that is not mounted
 * (net_cls, net_prio, rdma, ...), a file the kernel does not have (blkio
 * weights without BFQ, leaf weights since CFQ is gone, kmem limits, huge
 * page sizes, cpu.rt_* without real-time group scheduling). A kernel memory
 * limit that newer kernels take and ignore is told by reading it back. */
#include "cgroup/driver.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/resources.h"
#include "util/cleanup.h"

#define R "linux.resources."
#define NO_WEIGHT "this host's blkio controller has no weight file (BFQ not in use)"
#define NO_LEAF_WEIGHT "this host's blkio controller has no leaf weight file (CFQ only, gone since Linux 5.0)"

/* The directory for a controller: its v1 hierarchy, else (hybrid) the
 * unified one if that has it (*v2 set), else NULL. */
static const char *where(const struct mr_cgroup *cg, const char *v1name, const char *v2name, bool *v2)
{
	const struct mr_cg_hier *h = mr_cg_v1(cg, v1name);

	*v2 = false;
	if (h)
		return h->dir;
	h = mr_cg_unified(cg);
	if (h && v2name && mr_cg_v2_has(h->dir, v2name)) {
		*v2 = true;
		return h->dir;
	}
	return NULL;
}

static int missing(const char *what, const char *controller, struct mr_error **err)
{
	return mr_error_set(err, 0, R "%s: this host has no %s cgroup controller", what, controller);
}

/* where(), or NULL with an error naming the resource `what` when the host
 * has the controller nowhere. */
static const char *need(const struct mr_cgroup *cg, const char *v1name, const char *v2name, const char *what, bool *v2,
			struct mr_error **err)
{
	const char *dir = where(cg, v1name, v2name, v2);

	if (dir == NULL)
		missing(what, v1name, err);
	return dir;
}

/* ---- memory ---- */

/* A limit (not -1: "none" is what a host without the file has anyway)
 * needs its file. */
static int need_limit(const char *dir, bool has, int64_t v, const char *file, const char *field, const char *why,
		      struct mr_error **err)
{
	return has && v != 0 && v != -1 ? mr_cg_need_file(dir, file, field, why, err) : 0;
}

static int v1_memory_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err)
{
	const struct oci_linux_resources_memory *m = r->memory;

	if (need_limit(dir, m->has_swap, m->swap, "memory.memsw.limit_in_bytes", "memory.swap",
		       "swap accounting is off: swapaccount=1", err) < 0 ||
	    need_limit(dir, m->has_kernel, m->kernel, "memory.kmem.limit_in_bytes", "memory.kernel",
		       "no kernel memory limits in this kernel", err) < 0 ||
	    need_limit(dir, m->has_kernel_tcp, m->kernel_tcp, "memory.kmem.tcp.limit_in_bytes", "memory.kernelTCP",
		       "no kernel TCP memory limits in this kernel", err) < 0)
		return -1;
	return 0;
}

/* A kernel memory limit: newer kernels keep memory.kmem.limit_in_bytes,
 * take any value and limit nothing (it reads back unlimited). */
static int v1_kmem(const char *dir, const char *file, int64_t v, const char *what, struct mr_error **err)
{
	uint64_t got = 0;

	if (v == 0 || (v == -1 && !mr_cg_exists(dir, file)))
		return 0;
	if (mr_cg_writef(dir, file, what, err, "%" PRId64, v) < 0)
		return -1;
	if (v > 0 && mr_cg_read_u64(dir, file, &got) == 0 && got > (uint64_t)v)
		return mr_error_set(err, 0, "%s: this kernel takes %s and does not limit (kernel memory limits are gone)",
				    what, file);
	return 0;
}

static int v1_memory(const char *dir, const struct oci_linux_resources_memory *m, struct mr_error **err)
{
	int64_t limit = m->has_limit ? m->limit : 0, swap = m->has_swap ? m->swap : 0;
	bool memsw = mr_cg_exists(dir, "memory.memsw.limit_in_bytes");
	bool swap_first = false;

	if (mr_cg_check_memory_usage(dir, "memory.usage_in_bytes", memsw ? "memory.memsw.usage_in_bytes" : NULL, m,
				     err) < 0)
		return -1;
	/* As runc's setMemoryAndSwap: an unlimited memory without a swap
	 * value lifts the swap limit too; and memsw must never be below the
	 * memory limit, so the order of the two writes depends on whether the
	 * limit goes up or down. Without swap accounting there is no swap
	 * limit to lift (v1_memory_check refused a limit). */
	if (limit == -1 && swap == 0 && memsw)
		swap = -1;
	if (!memsw)
		swap = 0;
	if (limit != 0 && swap != 0) {
		uint64_t cur = 0;
		if (mr_cg_read_u64(dir, "memory.limit_in_bytes", &cur) == 0 && (swap == -1 || cur < (uint64_t)swap))
			swap_first = true;
	}
	if (swap_first &&
	    mr_cg_writef(dir, "memory.memsw.limit_in_bytes", R "memory.swap", err, "%" PRId64, swap) < 0)
		return -1;
	if (limit != 0 && mr_cg_writef(dir, "memory.limit_in_bytes", R "memory.limit", err, "%" PRId64, limit) < 0)
		return -1;
	if (!swap_first && swap != 0 &&
	    mr_cg_writef(dir, "memory.memsw.limit_in_bytes", R "memory.swap", err, "%" PRId64, swap) < 0)
		return -1;
	if (m->has_reservation && m->reservation != 0 &&
	    mr_cg_writef(dir, "memory.soft_limit_in_bytes", R "memory.reservation", err, "%" PRId64, m->reservation) < 0)
		return -1;
	if ((m->has_kernel && v1_kmem(dir, "memory.kmem.limit_in_bytes", m->kernel, R "memory.kernel", err) < 0) ||
	    (m->has_kernel_tcp &&
	     v1_kmem(dir, "memory.kmem.tcp.limit_in_bytes", m->kernel_tcp, R "memory.kernelTCP", err) < 0))
		return -1;
	/* (its range is checked with the config) */
	if (m->has_swappiness &&
	    mr_cg_writef(dir, "memory.swappiness", R "memory.swappiness", err, "%" PRIu64, m->swappiness) < 0)
		return -1;
	if (m->has_disable_oom_killer &&
	    mr_cg_write(dir, "memory.oom_control", m->disable_oom_killer ? "1" : "0", R "memory.disableOOMKiller", err) <
		    0)
		return -1;
	if (m->has_use_hierarchy) {
		uint64_t cur = 2;
		/* Always 1 since 5.19 (writing 0 is refused): write only a change. */
		mr_cg_read_u64(dir, "memory.use_hierarchy", &cur);
		if (cur != (m->use_hierarchy ? 1u : 0u) &&
		    mr_cg_write(dir, "memory.use_hierarchy", m->use_hierarchy ? "1" : "0", R "memory.useHierarchy", err) < 0)
			return -1;
	}
	return 0;
}

/* ---- cpu, cpuset ---- */

static int v1_cpu_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err)
{
	static const char rt[] = "real-time group scheduling: CONFIG_RT_GROUP_SCHED";
	const struct oci_linux_resources_cpu *c = r->cpu;

	if ((c->has_burst && mr_cg_need_file(dir, "cpu.cfs_burst_us", "cpu.burst", "CPU burst needs Linux 5.14", err) < 0) ||
	    (c->has_idle && mr_cg_need_file(dir, "cpu.idle", "cpu.idle", "SCHED_IDLE cgroups need Linux 5.15", err) < 0) ||
	    (c->has_realtime_period && c->realtime_period != 0 &&
	     mr_cg_need_file(dir, "cpu.rt_period_us", "cpu.realtimePeriod", rt, err) < 0) ||
	    (c->has_realtime_runtime && c->realtime_runtime != 0 &&
	     mr_cg_need_file(dir, "cpu.rt_runtime_us", "cpu.realtimeRuntime", rt, err) < 0))
		return -1;
	return 0;
}

static int v1_cpu(const char *dir, const struct oci_linux_resources_cpu *c, struct mr_error **err)
{
	bool period_later = false;

	if (c->has_shares && c->shares != 0 &&
	    mr_cg_writef(dir, "cpu.shares", R "cpu.shares", err, "%" PRIu64, c->shares) < 0)
		return -1;
	/* As runc: a period below the current one can be refused (EINVAL)
	 * while the old quota would exceed the parent's; then set the quota
	 * first and the period after it. */
	if (c->has_period && c->period != 0) {
		struct mr_error *e = NULL;
		if (mr_cg_writef(dir, "cpu.cfs_period_us", R "cpu.period", &e, "%" PRIu64, c->period) < 0) {
			if (e->errnum != EINVAL || !c->has_quota || c->quota == 0) {
				*err = e;
				return -1;
			}
			mr_error_free(e);
			period_later = true;
		}
	}
	if (c->has_quota && c->quota != 0 &&
	    mr_cg_writef(dir, "cpu.cfs_quota_us", R "cpu.quota", err, "%" PRId64, c->quota > 0 ? c->quota : -1) < 0)
		return -1;
	if (period_later && mr_cg_writef(dir, "cpu.cfs_period_us", R "cpu.period", err, "%" PRIu64, c->period) < 0)
		return -1;
	if (c->has_burst && mr_cg_writef(dir, "cpu.cfs_burst_us", R "cpu.burst", err, "%" PRIu64, c->burst) < 0)
		return -1;
	if (c->has_realtime_period && c->realtime_period != 0 &&
	    mr_cg_writef(dir, "cpu.rt_period_us", R "cpu.realtimePeriod", err, "%" PRIu64, c->realtime_period) < 0)
		return -1;
	if (c->has_realtime_runtime && c->realtime_runtime != 0 &&
	    mr_cg_writef(dir, "cpu.rt_runtime_us", R "cpu.realtimeRuntime", err, "%" PRId64, c->realtime_runtime) < 0)
		return -1;
	if (c->has_idle && mr_cg_writef(dir, "cpu.idle", R "cpu.idle", err, "%" PRId64, c->idle) < 0)
		return -1;
	return 0;
}

static bool cpuset_empty(const char *v)
{
	return *v == '\0' || *v == '\n';
}

/* Fill one of cpuset.cpus, cpuset.mems at every empty level of h->path
 * from its parent, top down. `above` is what the level above holds, once
 * known: a level create just made holds nothing (or, below a parent with
 * cgroup.clone_children, that same value), so it is written, not read. */
static int cpuset_fill_file(const struct mr_cg_hier *h, const char *file, struct mr_error **err)
{
	cleanup_free char *dir = strdup(h->dir), *above = NULL;
	size_t mlen = strlen(h->mount);
	int levels = 0, level = 0;

	if (dir == NULL)
		return mr_error_sys(err, ENOMEM, "cgroup");
	for (const char *c = dir + mlen; *c; c++)
		levels += *c == '/';
	for (char *p = strchr(dir + mlen + 1, '/');; p = strchr(p + 1, '/')) {
		cleanup_free char *cur = NULL;
		if (p)
			*p = '\0';
		level++;
		if (level > levels - h->created && above) {
			if (!cpuset_empty(above) && mr_cg_write(dir, file, above, "cgroup: cpuset", err) < 0)
				return -1;
		} else if ((cur = mr_cg_read(dir, file)) == NULL) {
			above = (free(above), NULL);
		} else if (!cpuset_empty(cur)) {
			free(above);
			above = cur;
			cur = NULL;
		} else {
			if (above == NULL) {
				char *slash = strrchr(dir, '/');
				*slash = '\0';
				above = mr_cg_read(dir, file);
				*slash = '/';
			}
			if (above && !cpuset_empty(above) && mr_cg_write(dir, file, above, "cgroup: cpuset", err) < 0)
				return -1;
		}
		if (p == NULL)
			break;
		*p = '/';
	}
	return 0;
}

/* A new v1 cpuset cgroup starts with no cpus and no mems, and a process
 * cannot join it then (ENOSPC): fill every empty level from its parent,
 * top down, as runc's cpuset ensureParent. */
static int cpuset_fill(const struct mr_cg_hier *h, struct mr_error **err)
{
	if (cpuset_fill_file(h, "cpuset.cpus", err) < 0 || cpuset_fill_file(h, "cpuset.mems", err) < 0)
		return -1;
	return 0;
}

/* ---- blkio ---- */

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
static int v1_blkio_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err)
{
	const struct oci_linux_resources_block_io *b = r->block_io;

	bool weight = mr_cg_exists(dir, "blkio.bfq.weight") || mr_cg_exists(dir, "blkio.weight");
	bool leaf = mr_cg_exists(dir, "blkio.leaf_weight");

	if (b->has_weight && b->weight != 0 && !weight)
		return mr_error_set(err, 0, R "blockIO.weight: " NO_WEIGHT);
	if (b->has_leaf_weight && b->leaf_weight != 0 && !leaf)
		return mr_error_set(err, 0, R "blockIO.leafWeight: " NO_LEAF_WEIGHT);
	for (size_t i = 0; i < b->weight_device_len; i++) {
		const struct oci_weight_device *w = &b->weight_device[i];
		if (w->has_weight && !weight)
			return mr_error_set(err, 0, R "blockIO.weightDevice[%zu].weight: " NO_WEIGHT, i);
		if (w->has_leaf_weight && !leaf)
			return mr_error_set(err, 0, R "blockIO.weightDevice[%zu].leafWeight: " NO_LEAF_WEIGHT, i);
	}
	return 0;
}

static int v1_blkio(const char *dir, const struct oci_linux_resources_block_io *b, struct mr_error **err)
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
	if (v1_throttle(dir, "blkio.throttle.read_bps_device", b->throttle_read_bps_device,
			b->throttle_read_bps_device_len, R "blockIO.throttleReadBpsDevice", err) < 0 ||
	    v1_throttle(dir, "blkio.throttle.write_bps_device", b->throttle_write_bps_device,
			b->throttle_write_bps_device_len, R "blockIO.throttleWriteBpsDevice", err) < 0 ||
	    v1_throttle(dir, "blkio.throttle.read_iops_device", b->throttle_read_iops_device,
			b->throttle_read_iops_device_len, R "blockIO.throttleReadIOPSDevice", err) < 0 ||
	    v1_throttle(dir, "blkio.throttle.write_iops_device", b->throttle_write_iops_device,
			b->throttle_write_iops_device_len, R "blockIO.throttleWriteIOPSDevice", err) < 0)
		return -1;
	return 0;
}

/* ---- the rest ---- */

static int v1_hugetlb(const char *dir, const struct oci_hugepage_limit *l, size_t n, struct mr_error **err)
{
	for (size_t i = 0; i < n; i++) {
		char file[80], what[64];
		snprintf(what, sizeof(what), R "hugepageLimits[%zu]", i);
		snprintf(file, sizeof(file), "hugetlb.%s.limit_in_bytes", l[i].page_size);
		if (mr_cg_writef(dir, file, what, err, "%" PRIu64, l[i].limit) < 0)
			return -1;
		snprintf(file, sizeof(file), "hugetlb.%s.rsvd.limit_in_bytes", l[i].page_size);
		if (mr_cg_exists(dir, file) && mr_cg_writef(dir, file, what, err, "%" PRIu64, l[i].limit) < 0)
			return -1;
	}
	return 0;
}

/* net_cls/net_prio exist on v1 only, and only where mounted: a host that
 * does not mount them cannot tag the container's packets (the kernel may
 * have them still: /proc/cgroups). */
static int v1_network_check(const struct mr_cgroup *cg, const struct oci_linux_resources_network *net,
			    struct mr_error **err)
{
	if (net == NULL)
		return 0;
	if (net->has_class_id && mr_cg_v1(cg, "net_cls") == NULL)
		return missing("network.classID", "net_cls", err);
	if (net->priorities_len && mr_cg_v1(cg, "net_prio") == NULL)
		return missing("network.priorities", "net_prio", err);
	return 0;
}

static int v1_network(const struct mr_cgroup *cg, const struct oci_linux_resources_network *net, struct mr_error **err)
{
	const struct mr_cg_hier *cls = mr_cg_v1(cg, "net_cls"), *prio = mr_cg_v1(cg, "net_prio");

	if (net == NULL)
		return 0;
	if (cls && net->has_class_id &&
	    mr_cg_writef(cls->dir, "net_cls.classid", R "network.classID", err, "%" PRIu32, net->class_id) < 0)
		return -1;
	for (size_t i = 0; prio && i < net->priorities_len; i++) {
		const struct oci_interface_priority *p = &net->priorities[i];
		if (p->name && mr_cg_writef(prio->dir, "net_prio.ifpriomap", R "network.priorities", err, "%s %" PRIu32,
					    p->name, p->priority) < 0)
			return -1;
	}
	return 0;
}

static int v1_devices(const char *dir, const struct oci_device_cgroup *d, size_t n, bool defaults,
		      struct mr_error **err)
{
	cleanup_free struct mr_cg_dev_rule *rules = NULL;
	cleanup_close int deny = -1, allow = -1;
	size_t len = 0;

	if (mr_cg_dev_rules(d, n, defaults, &rules, &len, err) < 0)
		return -1;
	/* The rules start from "nothing allowed", as the v2 program and runc
	 * (a new v1 cgroup inherits its parent's list, often "a *:* rwm").
	 * An update closes access for the moment between this write and
	 * the allow rules; runc's emulator avoids that by writing only the
	 * difference. */
	deny = mr_cg_open_write(dir, "devices.deny", R "devices", err);
	if (deny < 0 || mr_cg_write_fd(deny, "devices.deny", "a", R "devices", err) < 0)
		return -1;
	/* In order: the kernel keeps v1's own "later rule wins" list. Each
	 * file is opened once and takes a rule per write(2). */
	for (size_t i = 0; i < len; i++) {
		const char *file = rules[i].allow ? "devices.allow" : "devices.deny";
		int *fd = rules[i].allow ? &allow : &deny;
		char buf[64];
		/* A deny-all before any allow is the "a" just written (the
		 * default config starts with one). */
		if (!rules[i].allow && rules[i].type == 'a' && allow < 0)
			continue;
		mr_cg_dev_rule_v1(&rules[i], buf, sizeof(buf));
		if (*fd < 0 && (*fd = mr_cg_open_write(dir, file, R "devices", err)) < 0)
			return -1;
		if (mr_cg_write_fd(*fd, file, buf, R "devices", err) < 0)
			return -1;
	}
	return 0;
}

/* linux.resources.unified on a hybrid host: only the files of the unified
 * hierarchy's own controllers (and its core cgroup.* files) are there. */
static int v1_unified_check(const struct mr_cgroup *cg, const struct oci_map_string *unified, struct mr_error **err)
{
	const struct mr_cg_hier *u = mr_cg_unified(cg);
	char ctl[64];
	int k;

	if (unified == NULL || unified->len == 0)
		return 0;
	if (u == NULL)
		return mr_error_set(err, 0, R "unified: needs cgroup v2; this host has cgroup v1 only");
	if ((k = mr_cg_v2_unified_missing(u->dir, unified, ctl, sizeof(ctl))) < 0)
		return 0;
	if (mr_cg_v1(cg, ctl))
		return mr_error_set(err, 0,
				    R "unified[\"%s\"]: needs cgroup v2: the %s controller is in a cgroup v1 hierarchy "
				      "on this host (hybrid layout); use the v1 fields of linux.resources",
				    unified->keys[k], ctl);
	return mr_error_set(err, 0, R "unified[\"%s\"]: needs cgroup v2: this host's cgroup v2 hierarchy has no %s controller",
			    unified->keys[k], ctl);
}

typedef int (*check_fn)(const char *dir, const struct oci_linux_resources *r, struct mr_error **err);

/* One resource's controller (v1 name, v2 name on a hybrid host's unified
 * hierarchy) and what the host must have for it: v1's check, or v2's
 * where the controller is in the unified hierarchy. */
static int check_one(const struct mr_cgroup *cg, bool set, const char *v1name, const char *v2name, const char *what,
		     check_fn v1check, check_fn v2check, const struct oci_linux_resources *r, struct mr_error **err)
{
	const char *dir;
	bool v2;

	if (!set)
		return 0;
	if ((dir = need(cg, v1name, v2name, what, &v2, err)) == NULL)
		return -1;
	if (v2 ? v2check && v2check(dir, r, err) < 0 : v1check && v1check(dir, r, err) < 0)
		return -1;
	return 0;
}

static int v1_hugetlb_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err)
{
	return mr_cg_hugetlb_check(dir, r->hugepage_limits, r->hugepage_limits_len, "limit_in_bytes", err);
}

/* Whether the host can apply every resource asked for (controllers, files
 * and the v2 forms of a hybrid host's unified controllers), so that a
 * refusal changes nothing. */
static int v1_check(const struct mr_cgroup *cg, const struct oci_linux_resources *r, struct mr_error **err)
{
	if (v1_unified_check(cg, r->unified, err) < 0 ||
	    check_one(cg, r->pids && r->pids->has_limit, "pids", "pids", "pids.limit", NULL, NULL, r, err) < 0 ||
	    check_one(cg, mr_cg_memory_set(r->memory), "memory", "memory", "memory", v1_memory_check,
		      mr_cg_v2_memory_check, r, err) < 0 ||
	    check_one(cg, mr_cg_blkio_set(r->block_io), "blkio", "io", "blockIO", v1_blkio_check, mr_cg_v2_io_check,
		      r, err) < 0 ||
	    check_one(cg, mr_cg_cpu_set(r->cpu), "cpu", "cpu", "cpu", v1_cpu_check, mr_cg_v2_cpu_check, r, err) < 0 ||
	    check_one(cg, mr_cg_cpuset_set(r->cpu), "cpuset", "cpuset", "cpu.cpus", NULL, NULL, r, err) < 0 ||
	    check_one(cg, r->hugepage_limits_len > 0, "hugetlb", "hugetlb", "hugepageLimits", v1_hugetlb_check,
		      mr_cg_v2_hugetlb_check, r, err) < 0 ||
	    check_one(cg, r->rdma && r->rdma->len, "rdma", "rdma", "rdma", NULL, NULL, r, err) < 0 ||
	    v1_network_check(cg, r->network, err) < 0)
		return -1;
	if (r->devices_len && mr_cg_v1(cg, "devices") == NULL && mr_cg_unified(cg) == NULL)
		return missing("devices", "devices", err);
	return 0;
}

/* After v1_check: every controller asked for is there. */
static int v1_apply(struct mr_cgroup *cg, const struct oci_linux_resources *r, struct mr_error **err)
{
	const struct mr_cg_hier *u = mr_cg_unified(cg);
	const char *dir;
	bool v2;

	if (v1_check(cg, r, err) < 0)
		return -1;
	if (r->pids && r->pids->has_limit && mr_cg_v2_pids(where(cg, "pids", "pids", &v2), r->pids, err) < 0)
		return -1; /* the same file on v1 */
	if (mr_cg_memory_set(r->memory) && (dir = where(cg, "memory", "memory", &v2)) &&
	    (v2 ? mr_cg_v2_memory(dir, r->memory, err) : v1_memory(dir, r->memory, err)) < 0)
		return -1;
	if (mr_cg_blkio_set(r->block_io) && (dir = where(cg, "blkio", "io", &v2)) &&
	    (v2 ? mr_cg_v2_io(dir, r->block_io, err) : v1_blkio(dir, r->block_io, err)) < 0)
		return -1;
	if (mr_cg_cpu_set(r->cpu) && (dir = where(cg, "cpu", "cpu", &v2)) &&
	    (v2 ? mr_cg_v2_cpu(dir, r->cpu, err) : v1_cpu(dir, r->cpu, err)) < 0)
		return -1;
	if (mr_cg_cpuset_set(r->cpu) && mr_cg_v2_cpuset(where(cg, "cpuset", "cpuset", &v2), r->cpu, err) < 0)
		return -1; /* the same files on v1 */
	if (r->hugepage_limits_len && (dir = where(cg, "hugetlb", "hugetlb", &v2)) &&
	    (v2 ? mr_cg_v2_hugetlb(dir, r->hugepage_limits, r->hugepage_limits_len, err)
		: v1_hugetlb(dir, r->hugepage_limits, r->hugepage_limits_len, err)) < 0)
		return -1;
	if (r->rdma && r->rdma->len && mr_cg_rdma(where(cg, "rdma", "rdma", &v2), r->rdma, err) < 0)
		return -1;
	if (v1_network(cg, r->network, err) < 0)
		return -1;
	if (r->devices || cg->fresh) {
		const struct mr_cg_hier *h = mr_cg_v1(cg, "devices");
		if (h ? v1_devices(h->dir, r->devices, r->devices_len, cg->device_defaults, err) < 0
		      : u && mr_cg_v2_devices(u->dir, r->devices, r->devices_len, cg->device_defaults, err) < 0)
			return -1;
	}
	return r->unified && u ? mr_cg_v2_unified(u->dir, r->unified, err) : 0;
}

static int v1_prepare(struct mr_cgroup *cg, struct mr_error **err)
{
	const struct mr_cg_hier *cpuset = mr_cg_v1(cg, "cpuset"), *u = mr_cg_unified(cg);

	if (cpuset && cpuset_fill(cpuset, err) < 0)
		return -1;
	return u ? mr_cg_v2_enable_controllers(u, err) : 0;
}

/* ---- freezer ---- */

static int v1_frozen(const struct mr_cgroup *cg)
{
	const struct mr_cg_hier *h = mr_cg_v1(cg, "freezer"), *u;
	cleanup_free char *s = NULL;

	if (h == NULL)
		return (u = mr_cg_unified(cg)) ? mr_cg_v2_frozen(u->dir) : -1;
	s = mr_cg_read(h->dir, "freezer.state");
	if (s == NULL)
		return -1;
	return strncmp(s, "FROZEN", 6) == 0;
}

static int v1_freeze(const struct mr_cgroup *cg, bool frozen, struct mr_error **err)
{
	const struct mr_cg_hier *h = mr_cg_v1(cg, "freezer"), *u;
	const char *state = frozen ? "FROZEN" : "THAWED", *what = frozen ? "pause" : "resume";
	uint64_t parent = 0;

	if (h == NULL) {
		if ((u = mr_cg_unified(cg)) != NULL && mr_cg_exists(u->dir, "cgroup.freeze"))
			return mr_cg_v2_freeze(u->dir, frozen, err);
		return mr_error_set(err, 0, "%s: this host has no freezer cgroup controller", what);
	}
	/* Frozen by a frozen parent, it cannot be thawed from here. */
	if (!frozen && mr_cg_read_u64(h->dir, "freezer.parent_freezing", &parent) == 0 && parent == 1)
		return mr_error_set(err, EBUSY, "%s: a parent of cgroup %s is frozen (freezer.parent_freezing)", what,
				    h->path);
	/* The v1 freezer can stay in FREEZING while a task is in an
	 * uninterruptible sleep: write again from time to time (runc too). */
	for (int i = 0; i < 2000; i++) {
		cleanup_free char *s = NULL;
		if (i % 50 == 0 && mr_cg_write(h->dir, "freezer.state", state, what, err) < 0)
			return -1;
		s = mr_cg_read(h->dir, "freezer.state");
		if (s == NULL)
			return mr_error_sys(err, errno, "%s: read freezer.state", what);
		if (strncmp(s, state, strlen(state)) == 0)
			return 0;
		nanosleep(&(struct timespec){ .tv_nsec = (i < 100 ? 100 : 1000) * 1000 }, NULL);
	}
	if (frozen)
		mr_cg_write(h->dir, "freezer.state", "THAWED", what, NULL);
	return mr_error_set(err, 0, "%s: the cgroup did not become %s", what, frozen ? "frozen" : "thawed");
}

/* ---- stats ---- */

/* A v1 memory counter: <prefix>.limit_in_bytes, .usage_in_bytes, ... */
static void entry(yajl_gen g, const char *key, const char *dir, const char *prefix)
{
	char f[96];
	uint64_t limit = 0, usage = 0, max = 0, failcnt = 0;

	snprintf(f, sizeof(f), "%s.limit_in_bytes", prefix);
	mr_cg_read_u64(dir, f, &limit);
	snprintf(f, sizeof(f), "%s.usage_in_bytes", prefix);
	mr_cg_read_u64(dir, f, &usage);
	snprintf(f, sizeof(f), "%s.max_usage_in_bytes", prefix);
	mr_cg_read_u64(dir, f, &max);
	snprintf(f, sizeof(f), "%s.failcnt", prefix);
	mr_cg_read_u64(dir, f, &failcnt);
	mr_cg_json_usage(g, key, limit, usage, max, failcnt);
}

static void stats_memory(const char *dir, yajl_gen g)
{
	uint64_t cache = 0;

	mr_cg_json_key(g, "memory");
	yajl_gen_map_open(g);
	entry(g, "usage", dir, "memory");
	entry(g, "swap", dir, "memory.memsw");
	entry(g, "kernel", dir, "memory.kmem");
	entry(g, "kernelTCP", dir, "memory.kmem.tcp");
	mr_cg_json_raw(g, dir, "memory.stat", "cache", &cache);
	if (cache)
		mr_cg_json_u64(g, "cache", cache);
	yajl_gen_map_close(g);
}

static void stats_cpu(const char *acct, const char *cpu, yajl_gen g)
{
	cleanup_free char *percpu = acct ? mr_cg_read(acct, "cpuacct.usage_percpu") : NULL;
	long hz = sysconf(_SC_CLK_TCK);
	uint64_t v;

	mr_cg_json_key(g, "cpu");
	yajl_gen_map_open(g);
	mr_cg_json_key(g, "usage");
	yajl_gen_map_open(g);
	if (acct && mr_cg_read_u64(acct, "cpuacct.usage", &v) == 0 && v)
		mr_cg_json_u64(g, "total", v);
	if (percpu && *percpu) {
		mr_cg_json_key(g, "percpu");
		yajl_gen_array_open(g);
		for (char *p = percpu, *end; *p; p = end) {
			v = strtoull(p, &end, 10);
			if (end == p)
				break;
			mr_cg_json_u64(g, NULL, v);
		}
		yajl_gen_array_close(g);
	}
	/* cpuacct.stat counts USER_HZ ticks. */
	if (hz <= 0)
		hz = 100;
	mr_cg_json_u64(g, "kernel",
		       acct && mr_cg_read_key(acct, "cpuacct.stat", "system", &v) == 0 ? v * (1000000000 / hz) : 0);
	mr_cg_json_u64(g, "user", acct && mr_cg_read_key(acct, "cpuacct.stat", "user", &v) == 0 ? v * (1000000000 / hz) : 0);
	yajl_gen_map_close(g);
	mr_cg_json_throttling(g, cpu, "throttled_time", 1);
	yajl_gen_map_close(g);
}

/* "8:0 Read 4096" lines (and a "Total N" one). */
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

static void stats_blkio(const char *dir, yajl_gen g)
{
	bool bfq = mr_cg_exists(dir, "blkio.bfq.io_service_bytes_recursive");

	mr_cg_json_key(g, "blkio");
	yajl_gen_map_open(g);
	blkio_entries(g, "ioServiceBytesRecursive", dir,
		      bfq ? "blkio.bfq.io_service_bytes_recursive" : "blkio.throttle.io_service_bytes_recursive");
	blkio_entries(g, "ioServicedRecursive", dir,
		      bfq ? "blkio.bfq.io_serviced_recursive" : "blkio.throttle.io_serviced_recursive");
	yajl_gen_map_close(g);
}

static int read_hugetlb(const char *dir, const char *size, uint64_t *usage, uint64_t *max, uint64_t *failcnt)
{
	char f[80];

	snprintf(f, sizeof(f), "hugetlb.%s.usage_in_bytes", size);
	if (mr_cg_read_u64(dir, f, usage) < 0)
		return -1;
	snprintf(f, sizeof(f), "hugetlb.%s.max_usage_in_bytes", size);
	mr_cg_read_u64(dir, f, max);
	snprintf(f, sizeof(f), "hugetlb.%s.failcnt", size);
	mr_cg_read_u64(dir, f, failcnt);
	return 0;
}

static void stats_hugetlb(const char *dir, yajl_gen g)
{
	mr_cg_json_hugetlb(g, dir, read_hugetlb);
}

static void empty(yajl_gen g, const char *key)
{
	mr_cg_json_key(g, key);
	yajl_gen_map_open(g);
	yajl_gen_map_close(g);
}

static int v1_stats(const struct mr_cgroup *cg, yajl_gen g, struct mr_error **err)
{
	const struct mr_cg_hier *acct = mr_cg_v1(cg, "cpuacct"), *cpu = mr_cg_v1(cg, "cpu");
	const char *dir;
	bool v2;

	(void)err;
	if (acct || cpu)
		stats_cpu(acct ? acct->dir : NULL, cpu ? cpu->dir : NULL, g);
	else if ((dir = where(cg, "cpu", "cpu", &v2)) != NULL)
		mr_cg_v2_stats_cpu(dir, g);
	else
		empty(g, "cpu");
	if ((dir = where(cg, "memory", "memory", &v2)) != NULL)
		(v2 ? mr_cg_v2_stats_memory : stats_memory)(dir, g);
	else
		empty(g, "memory");
	if ((dir = where(cg, "pids", "pids", &v2)) != NULL)
		mr_cg_v2_stats_pids(dir, g); /* the same files on v1 */
	else
		empty(g, "pids");
	if ((dir = where(cg, "blkio", "io", &v2)) != NULL)
		(v2 ? mr_cg_v2_stats_io : stats_blkio)(dir, g);
	else
		empty(g, "blkio");
	if ((dir = where(cg, "hugetlb", "hugetlb", &v2)) != NULL)
		(v2 ? mr_cg_v2_stats_hugetlb : stats_hugetlb)(dir, g);
	else
		empty(g, "hugetlb");
	return 0;
}

/* ---- OOM ---- */

/* An eventfd the kernel signals on OOM in the memory cgroup (v1's
 * cgroup.event_control protocol: "<eventfd> <fd of memory.oom_control>"). */
static int v1_oom_fd(const struct mr_cgroup *cg, struct mr_error **err)
{
	const char *dir;
	char path[4096];
	cleanup_close int efd = -1, ofd = -1;
	bool v2;
	int ret;

	if ((dir = need(cg, "memory", "memory", "memory", &v2, err)) == NULL)
		return -1;
	if (v2)
		return mr_cg_v2_oom_fd(dir, err);
	snprintf(path, sizeof(path), "%s/memory.oom_control", dir);
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd < 0)
		return mr_error_sys(err, errno, "eventfd");
	ofd = open(path, O_RDONLY | O_CLOEXEC);
	if (ofd < 0)
		return mr_error_sys(err, errno, "open %s", path);
	if (mr_cg_writef(dir, "cgroup.event_control", "oom events", err, "%d %d", efd, ofd) < 0)
		return -1;
	ret = efd;
	efd = -1;
	return ret;
}

static uint64_t v1_oom_count(const struct mr_cgroup *cg)
{
	const char *dir;
	uint64_t v = 0;
	bool v2;

	if ((dir = where(cg, "memory", "memory", &v2)) != NULL)
		mr_cg_read_key(dir, v2 ? "memory.events" : "memory.oom_control", "oom_kill", &v);
	return v;
}

const struct mr_cgroup_driver mr_cgroup_v1_driver = {
	.prepare = v1_prepare,
	.apply = v1_apply,
	.freeze = v1_freeze,
	.frozen = v1_frozen,
	.stats = v1_stats,
	.oom_fd = v1_oom_fd,
	.oom_count = v1_oom_count,
};
