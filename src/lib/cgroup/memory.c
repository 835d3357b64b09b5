/* The memory controller: v1's memory.* files (memsw, kmem, oom_control),
 * v2's memory.max/swap.max/low, their stats, and whether a config limits
 * memory at all. */
#include "cgroup/memory.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/files.h"
#include "cgroup/resources.h"
#include "cgroup/stats-json.h"

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

/* A limit (not -1: "none" is what a host without the file has anyway)
 * needs its file. */
static int need_limit(const char *dir, bool has, int64_t v, const char *file, const char *field, const char *why,
		      struct mr_error **err)
{
	return has && v != 0 && v != -1 ? mr_cg_need_file(dir, file, field, why, err) : 0;
}

int mr_cg_v1_memory_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err)
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

int mr_cg_v1_memory(const char *dir, const struct oci_linux_resources_memory *m, struct mr_error **err)
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
	 * limit to lift (mr_cg_v1_memory_check refused a limit). */
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

void mr_cg_v1_stats_memory(const char *dir, yajl_gen g)
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

bool mr_cgroup_memory_limited(const struct oci_linux_resources *r)
{
	if (r == NULL)
		return false;
	if (r->memory && r->memory->has_limit && r->memory->limit >= 0)
		return true;
	for (size_t i = 0; r->unified && i < r->unified->len; i++) {
		const char *key = r->unified->keys[i];

		if ((strcmp(key, "memory.max") == 0 || strcmp(key, "memory.high") == 0) &&
		    strcmp(r->unified->values[i], "max") != 0)
			return true;
	}
	return false;
}
