/* cgroup v1 and hybrid hosts: a directory per controller hierarchy. This
 * file maps each resource to the hierarchy that has its controller, and
 * does the freezer and the OOM events; the controllers' own files are
 * written by memory.c, cpu.c, cpuset.c, io.c, pids.c, hugetlb.c,
 * devices.c, rdma.c, network.c and unified.c.
 *
 * A hybrid host also has a cgroup2 mount (/sys/fs/cgroup/unified) that may
 * hold controllers of its own (hugetlb only, on this kind of host). The
 * container joins it too, as runc does, and a controller that v1 does not
 * have but the unified hierarchy does is set there, in its v2 form.
 * Devices fall back to the eBPF program the same way.
 *
 * A resource the host cannot apply is an error naming the field, found
 * before anything is written (v1_check): a controller that is not mounted
 * (net_cls, net_prio, rdma, ...), a file the kernel does not have (blkio
 * weights without BFQ, leaf weights since CFQ is gone, kmem limits, huge
 * page sizes, cpu.rt_* without real-time group scheduling). */
#include "cgroup/driver.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
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
#include "cgroup/stats-json.h"
#include "cgroup/unified.h"
#include "cgroup/v2.h"
#include "util/cleanup.h"

#define R "linux.resources."

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

/* Whether the host can apply every resource asked for (controllers, files
 * and the v2 forms of a hybrid host's unified controllers), so that a
 * refusal changes nothing. */
static int v1_check(const struct mr_cgroup *cg, const struct oci_linux_resources *r, struct mr_error **err)
{
	if (v1_unified_check(cg, r->unified, err) < 0 ||
	    check_one(cg, r->pids && r->pids->has_limit, "pids", "pids", "pids.limit", NULL, NULL, r, err) < 0 ||
	    check_one(cg, mr_cg_memory_set(r->memory), "memory", "memory", "memory", mr_cg_v1_memory_check,
		      mr_cg_v2_memory_check, r, err) < 0 ||
	    check_one(cg, mr_cg_blkio_set(r->block_io), "blkio", "io", "blockIO", mr_cg_v1_blkio_check, mr_cg_v2_io_check,
		      r, err) < 0 ||
	    check_one(cg, mr_cg_cpu_set(r->cpu), "cpu", "cpu", "cpu", mr_cg_v1_cpu_check, mr_cg_v2_cpu_check, r, err) < 0 ||
	    check_one(cg, mr_cg_cpuset_set(r->cpu), "cpuset", "cpuset", "cpu.cpus", NULL, NULL, r, err) < 0 ||
	    check_one(cg, r->hugepage_limits_len > 0, "hugetlb", "hugetlb", "hugepageLimits", mr_cg_v1_hugetlb_check,
		      mr_cg_v2_hugetlb_check, r, err) < 0 ||
	    check_one(cg, r->rdma && r->rdma->len, "rdma", "rdma", "rdma", NULL, NULL, r, err) < 0 ||
	    v1_network_check(cg, r->network, err) < 0)
		return -1;
	if (r->devices_len && mr_cg_v1(cg, "devices") == NULL && mr_cg_unified(cg) == NULL)
		return missing("devices", "devices", err);
	return 0;
}

/* The controllers that have a v1 and a v2 form, each in the hierarchy
 * where.() finds it (after v1_check: every one asked for is there). */
static int v1_apply_controllers(const struct mr_cgroup *cg, const struct oci_linux_resources *r,
				struct mr_error **err)
{
	const char *dir;
	bool v2;

	if (r->pids && r->pids->has_limit && mr_cg_pids(where(cg, "pids", "pids", &v2), r->pids, err) < 0)
		return -1; /* the same file on v1 */
	if (mr_cg_memory_set(r->memory) && (dir = where(cg, "memory", "memory", &v2)) &&
	    (v2 ? mr_cg_v2_memory(dir, r->memory, err) : mr_cg_v1_memory(dir, r->memory, err)) < 0)
		return -1;
	if (mr_cg_blkio_set(r->block_io) && (dir = where(cg, "blkio", "io", &v2)) &&
	    (v2 ? mr_cg_v2_io(dir, r->block_io, err) : mr_cg_v1_blkio(dir, r->block_io, err)) < 0)
		return -1;
	if (mr_cg_cpu_set(r->cpu) && (dir = where(cg, "cpu", "cpu", &v2)) &&
	    (v2 ? mr_cg_v2_cpu(dir, r->cpu, err) : mr_cg_v1_cpu(dir, r->cpu, err)) < 0)
		return -1;
	if (mr_cg_cpuset_set(r->cpu) && mr_cg_cpuset(where(cg, "cpuset", "cpuset", &v2), r->cpu, err) < 0)
		return -1; /* the same files on v1 */
	if (r->hugepage_limits_len && (dir = where(cg, "hugetlb", "hugetlb", &v2)) &&
	    (v2 ? mr_cg_v2_hugetlb(dir, r->hugepage_limits, r->hugepage_limits_len, err)
		: mr_cg_v1_hugetlb(dir, r->hugepage_limits, r->hugepage_limits_len, err)) < 0)
		return -1;
	if (r->rdma && r->rdma->len && mr_cg_rdma(where(cg, "rdma", "rdma", &v2), r->rdma, err) < 0)
		return -1;
	return 0;
}

/* What only v1 has (net_cls, net_prio), the device rules (v1 lists, or
 * the unified hierarchy's eBPF program), and last the unified files. */
static int v1_apply_rest(const struct mr_cgroup *cg, const struct oci_linux_resources *r, struct mr_error **err)
{
	const struct mr_cg_hier *u = mr_cg_unified(cg), *cls = mr_cg_v1(cg, "net_cls"),
				*prio = mr_cg_v1(cg, "net_prio");

	if (mr_cg_v1_network(cls ? cls->dir : NULL, prio ? prio->dir : NULL, r->network, err) < 0)
		return -1;
	if (r->devices || cg->fresh) {
		const struct mr_cg_hier *h = mr_cg_v1(cg, "devices");
		if (h ? mr_cg_v1_devices(h->dir, r->devices, r->devices_len, cg->device_defaults, err) < 0
		      : u && mr_cg_v2_devices(u->dir, r->devices, r->devices_len, cg->device_defaults, err) < 0)
			return -1;
	}
	return r->unified && u ? mr_cg_v2_unified(u->dir, r->unified, err) : 0;
}

static int v1_apply(struct mr_cgroup *cg, const struct oci_linux_resources *r, struct mr_error **err)
{
	if (v1_check(cg, r, err) < 0 || v1_apply_controllers(cg, r, err) < 0 || v1_apply_rest(cg, r, err) < 0)
		return -1;
	return 0;
}

static int v1_prepare(struct mr_cgroup *cg, struct mr_error **err)
{
	const struct mr_cg_hier *cpuset = mr_cg_v1(cg, "cpuset"), *u = mr_cg_unified(cg);

	if (cpuset && mr_cg_v1_cpuset_fill(cpuset, err) < 0)
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
		mr_cg_v1_stats_cpu(acct ? acct->dir : NULL, cpu ? cpu->dir : NULL, g);
	else if ((dir = where(cg, "cpu", "cpu", &v2)) != NULL)
		mr_cg_v2_stats_cpu(dir, g);
	else
		empty(g, "cpu");
	if ((dir = where(cg, "memory", "memory", &v2)) != NULL)
		(v2 ? mr_cg_v2_stats_memory : mr_cg_v1_stats_memory)(dir, g);
	else
		empty(g, "memory");
	if ((dir = where(cg, "pids", "pids", &v2)) != NULL)
		mr_cg_stats_pids(dir, g); /* the same files on v1 */
	else
		empty(g, "pids");
	if ((dir = where(cg, "blkio", "io", &v2)) != NULL)
		(v2 ? mr_cg_v2_stats_io : mr_cg_v1_stats_blkio)(dir, g);
	else
		empty(g, "blkio");
	if ((dir = where(cg, "hugetlb", "hugetlb", &v2)) != NULL)
		(v2 ? mr_cg_v2_stats_hugetlb : mr_cg_v1_stats_hugetlb)(dir, g);
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
