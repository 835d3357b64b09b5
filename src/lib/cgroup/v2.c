/* cgroup v2: one directory. This file checks what the host can apply and
 * hands each resource to its controller's file (memory.c, cpu.c, ...),
 * enables the controllers down the tree, and does freezing and the OOM
 * events.
 *
 * Values the spec gives in v1 terms are converted as runc does
 * (resources.c). Spec fields with no v2 equivalent are an error naming the
 * field, as crun has them (runc ignores some): memory.kernel, kernelTCP,
 * swappiness, disableOOMKiller true, useHierarchy false, realtime cpu
 * limits, blockIO leaf weights, network classID and priorities (no
 * net_cls/net_prio on v2). The spec allows a conversion and requires an
 * error where there is none; so is a resource whose controller or file the
 * host lacks. All of it is checked before the first write (v2_check). */
#include "cgroup/v2.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cpu.h"
#include "cgroup/cpuset.h"
#include "cgroup/devices.h"
#include "cgroup/files.h"
#include "cgroup/hugetlb.h"
#include "cgroup/io.h"
#include "cgroup/memory.h"
#include "cgroup/network.h"
#include "cgroup/pids.h"
#include "cgroup/rdma.h"
#include "cgroup/resources.h"
#include "cgroup/unified.h"
#include "util/cleanup.h"

#define R "linux.resources."

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
	if (mr_cg_v2_network_check(r->network, err) < 0)
		return -1;
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
	if (mr_cg_pids(dir, r->pids, err) < 0 || mr_cg_v2_memory(dir, r->memory, err) < 0 ||
	    mr_cg_v2_io(dir, r->block_io, err) < 0 || mr_cg_v2_cpu(dir, r->cpu, err) < 0 ||
	    mr_cg_cpuset(dir, r->cpu, err) < 0 || mr_cg_v2_hugetlb(dir, r->hugepage_limits, r->hugepage_limits_len, err) < 0 ||
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

static int v2_stats(const struct mr_cgroup *cg, yajl_gen g, struct mr_error **err)
{
	const struct mr_cg_hier *h = mr_cg_unified(cg);

	if (h == NULL || access(h->dir, F_OK) < 0)
		return mr_error_sys(err, h ? errno : ENOENT, "cgroup stats: %s", h ? h->dir : "no cgroup2 directory");
	mr_cg_v2_stats_cpu(h->dir, g);
	mr_cg_v2_stats_memory(h->dir, g);
	mr_cg_stats_pids(h->dir, g);
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
