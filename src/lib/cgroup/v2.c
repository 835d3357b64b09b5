/* cgroup v2: one directory, linux.resources in the unified files.
 *
 * Values the spec gives in v1 terms are converted as runc does
 * (resources.c). Spec fields with no v2 equivalent are an error naming the
 * field, as crun has them (runc ignores some): memory.kernel, kernelTCP,
 * swappiness, disableOOMKiller true, useHierarchy false, realtime cpu
 * limits, blockIO leaf weights, network classID and priorities (no
 * net_cls/net_prio on v2). The spec allows a conversion and requires an
 * error where there is none; so is a resource whose controller or file the
 * host lacks. All of it is checked before the first write (v2_check). */
#include "cgroup/driver.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/ebpf-devices.h"
#include "cgroup/resources.h"
#include "util/cleanup.h"

#define R "linux.resources."

/* checkBeforeUpdate: refuse a limit below what the cgroup uses now (the
 * kernel would take it and reclaim or OOM-kill), as runc's CheckMemoryUsage. */
int mr_cg_check_memory_usage(const char *dir, const char *usage_file, const char *swap_usage_file,
			     const struct oci_linux_resources_memory *m, struct mr_error **err)
{
	uint64_t usage = 0, swap = 0;

	if (!m->has_check_before_update || !m->check_before_update)
		return 0;
	if (mr_cg_read_u64(dir, usage_file, &usage) < 0)
		return 0; /* a new cgroup: nothing to compare */
	if (m->has_limit && m->limit > 0 && usage >= (uint64_t)m->limit)
		return mr_error_set(err, 0,
				    R "memory.limit: %" PRId64 " is not above the current usage %" PRIu64
				      " (checkBeforeUpdate)",
				    m->limit, usage);
	if (swap_usage_file && m->has_swap && m->swap > 0) {
		if (mr_cg_read_u64(dir, swap_usage_file, &swap) < 0)
			swap = 0;
		if (strcmp(swap_usage_file, "memory.swap.current") == 0)
			swap += usage; /* v1's memsw counts memory too */
		if (swap >= (uint64_t)m->swap)
			return mr_error_set(err, 0,
					    R "memory.swap: %" PRId64 " is not above the current memory+swap usage %" PRIu64
					      " (checkBeforeUpdate)",
					    m->swap, swap);
	}
	return 0;
}

/* The v1 memory fields v2 has no form for are refused unless they ask for
 * what v2 does anyway (no limit, the OOM killer on, hierarchical). */
int mr_cg_v2_memory_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err)
{
	const struct oci_linux_resources_memory *m = r->memory;

	if (m == NULL)
		return 0;
	if (m->has_kernel && m->kernel != 0 && m->kernel != -1)
		return mr_error_set(err, 0, R "memory.kernel: cgroup v2 has no kernel memory limit (memory.max counts it)");
	if (m->has_kernel_tcp && m->kernel_tcp != 0 && m->kernel_tcp != -1)
		return mr_error_set(err, 0,
				    R "memory.kernelTCP: cgroup v2 has no kernel TCP memory limit (memory.max counts it)");
	if (m->has_swappiness)
		return mr_error_set(err, 0, R "memory.swappiness: cgroup v2 has no per-cgroup swappiness");
	if (m->has_disable_oom_killer && m->disable_oom_killer)
		return mr_error_set(err, 0, R "memory.disableOOMKiller: cgroup v2 cannot disable the OOM killer");
	if (m->has_use_hierarchy && !m->use_hierarchy)
		return mr_error_set(err, 0, R "memory.useHierarchy: cgroup v2 is always hierarchical");
	/* A limit needs the file; "max" (-1) is what there is without it. */
	if (m->has_swap && m->swap > 0 &&
	    mr_cg_need_file(dir, "memory.swap.max", "memory.swap", "swap accounting is off: swapaccount=1", err) < 0)
		return -1;
	return 0;
}

int mr_cg_v2_memory(const char *dir, const struct oci_linux_resources_memory *m, struct mr_error **err)
{
	char swap[32], buf[32];
	const char *why = NULL;

	if (m == NULL)
		return 0;
	if (mr_cg_check_memory_usage(dir, "memory.current", "memory.swap.current", m, err) < 0)
		return -1;
	/* A swap limit alone (update --memory-swap): v1's memsw takes it as
	 * is, v2 needs the memory limit to convert it, and that is the one
	 * the cgroup has now (runc keeps it in its state for the same use). */
	if (m->has_swap && m->swap > 0 && (!m->has_limit || m->limit == 0)) {
		struct oci_linux_resources_memory with_limit = *m;
		uint64_t cur;
		if (mr_cg_read_u64(dir, "memory.max", &cur) == 0 && cur != UINT64_MAX && cur <= INT64_MAX) {
			with_limit.has_limit = true;
			with_limit.limit = (int64_t)cur;
		}
		if (mr_cg_swap_v2(&with_limit, swap, sizeof(swap), &why) < 0)
			return mr_error_set(err, 0, R "memory.swap: %s", why);
	} else if (mr_cg_swap_v2(m, swap, sizeof(swap), &why) < 0) {
		return mr_error_set(err, 0, R "memory.swap: %s", why);
	}
	/* Swap first, as runc: the memory limit alone is never wrong. No
	 * memory.swap.max (swap accounting off): no swap limit, as "max". */
	if (strcmp(swap, "max") == 0 && !mr_cg_exists(dir, "memory.swap.max"))
		*swap = '\0';
	if (*swap && mr_cg_write(dir, "memory.swap.max", swap, R "memory.swap", err) < 0)
		return -1;
	if (m->has_limit && m->limit != 0) {
		mr_cg_v2_limit(m->limit, buf, sizeof(buf));
		if (mr_cg_write(dir, "memory.max", buf, R "memory.limit", err) < 0)
			return -1;
	}
	if (m->has_reservation && m->reservation != 0) {
		mr_cg_v2_limit(m->reservation, buf, sizeof(buf));
		if (mr_cg_write(dir, "memory.low", buf, R "memory.reservation", err) < 0)
			return -1;
	}
	return 0;
}

int mr_cg_v2_cpu_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err)
{
	const struct oci_linux_resources_cpu *c = r->cpu;

	if (c == NULL)
		return 0;
	/* The kernel has no cpu.rt_* on v2. */
	if ((c->has_realtime_runtime && c->realtime_runtime != 0) || (c->has_realtime_period && c->realtime_period != 0))
		return mr_error_set(err, 0, R "cpu.realtimeRuntime/realtimePeriod: not supported on cgroup v2");
	if (c->has_burst && mr_cg_need_file(dir, "cpu.max.burst", "cpu.burst", "CPU burst needs Linux 5.14", err) < 0)
		return -1;
	if (c->has_idle && mr_cg_need_file(dir, "cpu.idle", "cpu.idle", "SCHED_IDLE cgroups need Linux 5.15", err) < 0)
		return -1;
	return 0;
}

int mr_cg_v2_cpu(const char *dir, const struct oci_linux_resources_cpu *c, struct mr_error **err)
{
	char buf[64];

	if (c == NULL)
		return 0;
	if (c->has_shares && c->shares != 0 &&
	    mr_cg_writef(dir, "cpu.weight", R "cpu.shares", err, "%" PRIu64, mr_cg_shares_to_weight(c->shares)) < 0)
		return -1;
	if (c->has_quota || c->has_period) {
		cleanup_free char *cur = mr_cg_read(dir, "cpu.max");
		if (mr_cg_cpu_max(c, cur, buf, sizeof(buf)) &&
		    mr_cg_write(dir, "cpu.max", buf, c->has_quota ? R "cpu.quota" : R "cpu.period", err) < 0)
			return -1;
	}
	if (c->has_burst && mr_cg_writef(dir, "cpu.max.burst", R "cpu.burst", err, "%" PRIu64, c->burst) < 0)
		return -1;
	if (c->has_idle && mr_cg_writef(dir, "cpu.idle", R "cpu.idle", err, "%" PRId64, c->idle) < 0)
		return -1;
	return 0;
}

int mr_cg_v2_cpuset(const char *dir, const struct oci_linux_resources_cpu *c, struct mr_error **err)
{
	if (c == NULL)
		return 0;
	if (c->cpus && *c->cpus && mr_cg_write(dir, "cpuset.cpus", c->cpus, R "cpu.cpus", err) < 0)
		return -1;
	if (c->mems && *c->mems && mr_cg_write(dir, "cpuset.mems", c->mems, R "cpu.mems", err) < 0)
		return -1;
	return 0;
}

int mr_cg_v2_pids(const char *dir, const struct oci_linux_resources_pids *p, struct mr_error **err)
{
	char buf[32];

	if (p == NULL || !p->has_limit)
		return 0;
	mr_cg_pids_max(p->limit, buf, sizeof(buf));
	return mr_cg_write(dir, "pids.max", buf, R "pids.limit", err);
}

static int throttle(const char *dir, const struct oci_throttle_device *t, size_t n, const char *key,
		    const char *what, struct mr_error **err)
{
	for (size_t i = 0; i < n; i++) {
		if (!t[i].has_major || !t[i].has_minor || !t[i].has_rate)
			return mr_error_set(err, 0, "%s[%zu]: major, minor and rate are required", what, i);
		/* 0 means no limit in the spec, as in v1's throttle files. */
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

#define NO_WEIGHT "this host's io controller has no weight file (neither io.weight nor io.bfq.weight)"

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
		return mr_error_set(err, 0, R "blockIO.weight: " NO_WEIGHT);
	for (size_t i = 0; i < b->weight_device_len; i++)
		if (b->weight_device[i].has_weight)
			return mr_error_set(err, 0, R "blockIO.weightDevice[%zu].weight: " NO_WEIGHT, i);
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
	if (throttle(dir, b->throttle_read_bps_device, b->throttle_read_bps_device_len, "rbps",
		     R "blockIO.throttleReadBpsDevice", err) < 0 ||
	    throttle(dir, b->throttle_write_bps_device, b->throttle_write_bps_device_len, "wbps",
		     R "blockIO.throttleWriteBpsDevice", err) < 0 ||
	    throttle(dir, b->throttle_read_iops_device, b->throttle_read_iops_device_len, "riops",
		     R "blockIO.throttleReadIOPSDevice", err) < 0 ||
	    throttle(dir, b->throttle_write_iops_device, b->throttle_write_iops_device_len, "wiops",
		     R "blockIO.throttleWriteIOPSDevice", err) < 0)
		return -1;
	return 0;
}

int mr_cg_hugetlb_check(const char *dir, const struct oci_hugepage_limit *l, size_t n, const char *suffix,
			struct mr_error **err)
{
	for (size_t i = 0; i < n; i++) {
		char file[80];
		if (l[i].page_size == NULL || !mr_cg_hugepage_name_valid(l[i].page_size))
			return mr_error_set(err, 0, R "hugepageLimits[%zu].pageSize: expected a size such as \"2MB\", got \"%s\"",
					    i, l[i].page_size ? l[i].page_size : "");
		snprintf(file, sizeof(file), "hugetlb.%s.%s", l[i].page_size, suffix);
		if (!mr_cg_exists(dir, file))
			return mr_error_set(err, 0, R "hugepageLimits[%zu].pageSize: this host has no %s huge pages (no %s)",
					    i, l[i].page_size, file);
	}
	return 0;
}

int mr_cg_v2_hugetlb_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err)
{
	return mr_cg_hugetlb_check(dir, r->hugepage_limits, r->hugepage_limits_len, "max", err);
}

int mr_cg_v2_hugetlb(const char *dir, const struct oci_hugepage_limit *l, size_t n, struct mr_error **err)
{
	for (size_t i = 0; i < n; i++) {
		char file[64], what[64];
		snprintf(what, sizeof(what), R "hugepageLimits[%zu]", i);
		snprintf(file, sizeof(file), "hugetlb.%s.max", l[i].page_size);
		if (mr_cg_writef(dir, file, what, err, "%" PRIu64, l[i].limit) < 0)
			return -1;
		/* Reservations too (5.7+), as runc: else a mapping can reserve
		 * pages it may never fault in and go past the limit. */
		snprintf(file, sizeof(file), "hugetlb.%s.rsvd.max", l[i].page_size);
		if (mr_cg_exists(dir, file) && mr_cg_writef(dir, file, what, err, "%" PRIu64, l[i].limit) < 0)
			return -1;
	}
	return 0;
}

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

int mr_cg_v2_devices(const char *dir, const struct oci_device_cgroup *d, size_t n, bool defaults,
		     struct mr_error **err)
{
	cleanup_close int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return mr_error_sys(err, errno, R "devices: open %s", dir);
	if (mr_bpf_devices_apply(fd, d, n, defaults, err) < 0)
		return mr_error_prefix(err, R "devices");
	return 0;
}

int mr_cg_v2_unified(const char *dir, const struct oci_map_string *u, struct mr_error **err)
{
	for (size_t i = 0; u && i < u->len; i++) {
		const char *k = u->keys[i];
		char what[300];
		snprintf(what, sizeof(what), R "unified[\"%s\"]", k);
		if (strchr(k, '/') || strchr(k, '.') == NULL || k[0] == '.')
			return mr_error_set(err, 0, "%s: expected a file name of the form <controller>.<name>", what);
		if (mr_cg_write(dir, k, u->values[i] ? u->values[i] : "", what, err) < 0)
			return -1;
	}
	return 0;
}

int mr_cg_v2_unified_missing(const char *dir, const struct oci_map_string *u, char *ctl, size_t size)
{
	cleanup_free char *avail = NULL;

	for (size_t i = 0; u && i < u->len; i++) {
		const char *k = u->keys[i], *dot = strchr(k, '.');
		if (dot == NULL || dot == k || (size_t)(dot - k) >= size)
			continue;
		memcpy(ctl, k, (size_t)(dot - k));
		ctl[dot - k] = '\0';
		if (strcmp(ctl, "cgroup") == 0)
			continue;
		if (avail == NULL && (avail = mr_cg_read(dir, "cgroup.controllers")) == NULL)
			return (int)i;
		if (!mr_cg_list_has(avail, ctl))
			return (int)i;
	}
	return -1;
}

/* The controller each resource of the v2 form needs, and its JSON name. */
static int v2_controllers_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err)
{
	const struct {
		bool set;
		const char *ctl, *field;
	} need[] = {
		{ r->pids && r->pids->has_limit, "pids", "pids" },
		{ mr_cg_memory_set(r->memory), "memory", "memory" },
		{ mr_cg_blkio_set(r->block_io), "io", "blockIO" },
		{ mr_cg_cpu_set(r->cpu), "cpu", "cpu" },
		{ mr_cg_cpuset_set(r->cpu), "cpuset", "cpu.cpus/mems" },
		{ r->hugepage_limits_len > 0, "hugetlb", "hugepageLimits" },
		{ r->rdma && r->rdma->len > 0, "rdma", "rdma" },
	};
	cleanup_free char *avail = NULL;

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		if (!need[i].set)
			continue;
		if (avail == NULL && (avail = mr_cg_read(dir, "cgroup.controllers")) == NULL)
			return mr_error_sys(err, errno, "cgroup: read %s/cgroup.controllers", dir);
		if (!mr_cg_list_has(avail, need[i].ctl))
			return mr_error_set(err, 0, R "%s: this host's cgroup v2 hierarchy has no %s controller",
					    need[i].field, need[i].ctl);
	}
	return 0;
}

/* Whether the host can apply every resource asked for, so that a refusal
 * changes nothing. */
static int v2_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err)
{
	char ctl[64];
	int k;

	if (v2_controllers_check(dir, r, err) < 0)
		return -1;
	if (r->network && (r->network->has_class_id || r->network->priorities_len))
		return mr_error_set(err, 0,
				    R "network: cgroup v2 has no net_cls and net_prio controllers (classID and "
				      "priorities have no v2 form)");
	if (mr_cg_v2_memory_check(dir, r, err) < 0 || mr_cg_v2_cpu_check(dir, r, err) < 0 ||
	    mr_cg_v2_io_check(dir, r, err) < 0 || mr_cg_v2_hugetlb_check(dir, r, err) < 0)
		return -1;
	if ((k = mr_cg_v2_unified_missing(dir, r->unified, ctl, sizeof(ctl))) >= 0)
		return mr_error_set(err, 0, R "unified[\"%s\"]: this host's cgroup v2 hierarchy has no %s controller",
				    r->unified->keys[k], ctl);
	return 0;
}

static int v2_apply(struct mr_cgroup *cg, const struct oci_linux_resources *r, struct mr_error **err)
{
	const struct mr_cg_hier *h = mr_cg_unified(cg);
	const char *dir;

	if (h == NULL)
		return mr_error_set(err, 0, "cgroup: no cgroup2 directory");
	dir = h->dir;
	/* What the host cannot apply, before anything is written. */
	if (v2_check(dir, r, err) < 0)
		return -1;
	if (mr_cg_v2_pids(dir, r->pids, err) < 0 || mr_cg_v2_memory(dir, r->memory, err) < 0 ||
	    mr_cg_v2_io(dir, r->block_io, err) < 0 || mr_cg_v2_cpu(dir, r->cpu, err) < 0 ||
	    mr_cg_v2_cpuset(dir, r->cpu, err) < 0 || mr_cg_v2_hugetlb(dir, r->hugepage_limits, r->hugepage_limits_len, err) < 0 ||
	    mr_cg_rdma(dir, r->rdma, err) < 0)
		return -1;
	/* An update without devices keeps the program there is. */
	if ((r->devices || cg->fresh) &&
	    mr_cg_v2_devices(dir, r->devices, r->devices_len, cg->device_defaults, err) < 0)
		return -1;
	/* Last, so that they win over the converted values (as runc). */
	return mr_cg_v2_unified(dir, r->unified, err);
}

/* A non-root cgroup2 directory with processes in it. */
static bool has_procs(const char *dir, bool non_root)
{
	cleanup_free char *s = non_root ? mr_cg_read(dir, "cgroup.procs") : NULL;

	return s != NULL && *s != '\0';
}

/* Enable every controller the parent offers, from the top down to the
 * parent of the leaf: a cgroup only has a controller's files when its
 * parent's subtree_control enables it. Ones already enabled are not
 * written, so that parents we did not make are only touched when needed. */
int mr_cg_v2_enable_controllers(const struct mr_cg_hier *h, struct mr_error **err)
{
	cleanup_free char *dir = strdup(h->dir);
	size_t mlen = strlen(h->mount);
	char *leaf;

	if (dir == NULL)
		return mr_error_sys(err, ENOMEM, "cgroup");
	leaf = strrchr(dir, '/');
	for (char *p = dir + mlen; p && p <= leaf; p = strchr(p + 1, '/')) {
		cleanup_free char *avail = NULL, *enabled = NULL;
		char saved = *p, want[256] = "";
		*p = '\0';
		avail = mr_cg_read(dir, "cgroup.controllers");
		enabled = mr_cg_read(dir, "cgroup.subtree_control");
		if (avail && enabled) {
			char *save = NULL;
			enabled[strcspn(enabled, "\n")] = '\0';
			for (char *c = strtok_r(avail, " \n", &save); c; c = strtok_r(NULL, " \n", &save)) {
				bool on = false;
				for (char *e = enabled; *e;) {
					size_t n = strcspn(e, " ");
					on |= n == strlen(c) && strncmp(e, c, n) == 0;
					e += n + (e[n] == ' ');
				}
				if (!on && strlen(want) + strlen(c) + 3 < sizeof(want))
					snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s+%s", *want ? " " : "",
						 c);
			}
		}
		if (*want && mr_cg_write(dir, "cgroup.subtree_control", want, "cgroup",
					 NULL) < 0 && !has_procs(dir, strlen(dir) > mlen)) {
			/* All at once failed (one controller busy, say): each
			 * on its own, keeping the ones that work. Not in a
			 * cgroup with processes (a relative cgroupsPath below
			 * the caller's own cgroup): there the domain
			 * controllers are refused (no internal processes) but
			 * the threaded ones (cpu, cpuset, pids) would be taken,
			 * which makes it a thread root, and then no process
			 * can join a cgroup below it (EOPNOTSUPP). */
			char *save = NULL;
			for (char *c = strtok_r(want, " ", &save); c; c = strtok_r(NULL, " ", &save))
				mr_cg_write(dir, "cgroup.subtree_control", c, "cgroup", NULL);
		}
		*p = saved;
	}
	return 0;
}

static int v2_prepare(struct mr_cgroup *cg, struct mr_error **err)
{
	const struct mr_cg_hier *h = mr_cg_unified(cg);

	return h ? mr_cg_v2_enable_controllers(h, err) : 0;
}

int mr_cg_v2_frozen(const char *dir)
{
	uint64_t v;

	if (mr_cg_read_key(dir, "cgroup.events", "frozen", &v) < 0)
		return -1;
	return v == 1;
}

/* Frozen because a parent is (cgroup.events of the parent says "frozen 1";
 * the root has none): then no write here thaws it. */
static bool parent_frozen(const char *dir)
{
	cleanup_free char *parent = strdup(dir);
	char *slash = parent ? strrchr(parent, '/') : NULL;

	if (slash == NULL || slash == parent)
		return false;
	*slash = '\0';
	return mr_cg_v2_frozen(parent) == 1;
}

int mr_cg_v2_freeze(const char *dir, bool frozen, struct mr_error **err)
{
	if (mr_cg_write(dir, "cgroup.freeze", frozen ? "1" : "0", frozen ? "pause" : "resume", err) < 0)
		return -1;
	if (!frozen && parent_frozen(dir))
		return mr_error_set(err, EBUSY, "resume: a parent of cgroup %s is frozen", dir);
	/* cgroup.events says "frozen 1" once every task has stopped (5.2+). */
	for (int i = 0; i < 5000; i++) {
		int f = mr_cg_v2_frozen(dir);
		if (f < 0 || f == frozen)
			return 0;
		nanosleep(&(struct timespec){ .tv_nsec = (i < 100 ? 100 : 1000) * 1000 }, NULL);
	}
	return mr_error_set(err, 0, "%s: the cgroup did not become %s", frozen ? "pause" : "resume",
			    frozen ? "frozen" : "thawed");
}

static int v2_freeze(const struct mr_cgroup *cg, bool frozen, struct mr_error **err)
{
	const struct mr_cg_hier *h = mr_cg_unified(cg);

	return h ? mr_cg_v2_freeze(h->dir, frozen, err) : mr_error_set(err, 0, "cgroup: no cgroup2 directory");
}

static int v2_frozen(const struct mr_cgroup *cg)
{
	const struct mr_cg_hier *h = mr_cg_unified(cg);

	return h ? mr_cg_v2_frozen(h->dir) : -1;
}

/* ---- stats, in runc's `events --stats` form ---- */

void mr_cg_v2_stats_cpu(const char *dir, yajl_gen g)
{
	uint64_t v;

	mr_cg_json_key(g, "cpu");
	yajl_gen_map_open(g);
	mr_cg_json_key(g, "usage");
	yajl_gen_map_open(g);
	if (mr_cg_read_key(dir, "cpu.stat", "usage_usec", &v) == 0)
		mr_cg_json_u64(g, "total", v * 1000);
	mr_cg_json_u64(g, "kernel", mr_cg_read_key(dir, "cpu.stat", "system_usec", &v) == 0 ? v * 1000 : 0);
	mr_cg_json_u64(g, "user", mr_cg_read_key(dir, "cpu.stat", "user_usec", &v) == 0 ? v * 1000 : 0);
	yajl_gen_map_close(g);
	mr_cg_json_throttling(g, dir, "throttled_usec", 1000);
	yajl_gen_map_close(g);
}

void mr_cg_v2_stats_memory(const char *dir, yajl_gen g)
{
	uint64_t usage = 0, limit = UINT64_MAX, peak = 0, failcnt = 0, swap = 0, swap_limit = UINT64_MAX, cache = 0;

	mr_cg_read_u64(dir, "memory.current", &usage);
	mr_cg_read_u64(dir, "memory.max", &limit);
	mr_cg_read_u64(dir, "memory.peak", &peak);
	mr_cg_read_key(dir, "memory.events", "max", &failcnt);
	mr_cg_read_u64(dir, "memory.swap.current", &swap);
	mr_cg_read_u64(dir, "memory.swap.max", &swap_limit);
	mr_cg_json_key(g, "memory");
	yajl_gen_map_open(g);
	mr_cg_json_usage(g, "usage", limit, usage, peak, failcnt);
	/* v1 compatible, as runc: swap is reported as memory+swap. */
	mr_cg_json_usage(g, "swap", swap_limit == UINT64_MAX || limit == UINT64_MAX ? UINT64_MAX : swap_limit + limit,
			 swap + usage, 0, 0);
	mr_cg_json_raw(g, dir, "memory.stat", "file", &cache);
	if (cache)
		mr_cg_json_u64(g, "cache", cache);
	yajl_gen_map_close(g);
}

void mr_cg_v2_stats_pids(const char *dir, yajl_gen g)
{
	uint64_t v;

	mr_cg_json_key(g, "pids");
	yajl_gen_map_open(g);
	if (mr_cg_read_u64(dir, "pids.current", &v) == 0 && v)
		mr_cg_json_u64(g, "current", v);
	if (mr_cg_read_u64(dir, "pids.max", &v) == 0 && v != UINT64_MAX)
		mr_cg_json_u64(g, "limit", v);
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

static int read_hugetlb(const char *dir, const char *size, uint64_t *usage, uint64_t *max, uint64_t *failcnt)
{
	char file[64];

	(void)max; /* v2 keeps no peak */
	snprintf(file, sizeof(file), "hugetlb.%s.current", size);
	if (mr_cg_read_u64(dir, file, usage) < 0)
		return -1;
	snprintf(file, sizeof(file), "hugetlb.%s.events", size);
	mr_cg_read_key(dir, file, "max", failcnt);
	return 0;
}

void mr_cg_v2_stats_hugetlb(const char *dir, yajl_gen g)
{
	mr_cg_json_hugetlb(g, dir, read_hugetlb);
}

static int v2_stats(const struct mr_cgroup *cg, yajl_gen g, struct mr_error **err)
{
	const struct mr_cg_hier *h = mr_cg_unified(cg);

	if (h == NULL || access(h->dir, F_OK) < 0)
		return mr_error_sys(err, h ? errno : ENOENT, "cgroup stats: %s", h ? h->dir : "no cgroup2 directory");
	mr_cg_v2_stats_cpu(h->dir, g);
	mr_cg_v2_stats_memory(h->dir, g);
	mr_cg_v2_stats_pids(h->dir, g);
	mr_cg_v2_stats_io(h->dir, g);
	mr_cg_v2_stats_hugetlb(h->dir, g);
	return 0;
}

/* ---- OOM ---- */

/* memory.events is modified (inotify IN_MODIFY) when any of its counters
 * changes; the caller compares mr_cgroup_oom_count() to tell an OOM kill
 * from the other events. */
int mr_cg_v2_oom_fd(const char *dir, struct mr_error **err)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/memory.events", dir);
	fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0)
		return mr_error_sys(err, errno, "inotify");
	if (inotify_add_watch(fd, path, IN_MODIFY) < 0) {
		mr_error_sys(err, errno, "watch %s", path);
		close(fd);
		return -1;
	}
	return fd;
}

static int v2_oom_fd(const struct mr_cgroup *cg, struct mr_error **err)
{
	const struct mr_cg_hier *h = mr_cg_unified(cg);

	return h ? mr_cg_v2_oom_fd(h->dir, err) : mr_error_set(err, 0, "cgroup: no cgroup2 directory");
}

static uint64_t v2_oom_count(const struct mr_cgroup *cg)
{
	const struct mr_cg_hier *h = mr_cg_unified(cg);
	uint64_t v = 0;

	if (h)
		mr_cg_read_key(h->dir, "memory.events", "oom_kill", &v);
	return v;
}

const struct mr_cgroup_driver mr_cgroup_v2_driver = {
	.prepare = v2_prepare,
	.apply = v2_apply,
	.freeze = v2_freeze,
	.frozen = v2_frozen,
	.stats = v2_stats,
	.oom_fd = v2_oom_fd,
	.oom_count = v2_oom_count,
};
