/* Inside the cgroup driver: what the common part shares with v1.c, v2.c
 * and the tests. Not for the rest of the library (use cgroup.h).
 *
 * A container's cgroup is one directory per mounted hierarchy: on v2 one,
 * on v1 one per controller mount (cpu, memory, ..., name=systemd), on a
 * hybrid host those plus the unified cgroup2 mount. The common part finds
 * the mounts (layout.c), resolves the path in each (cgroups-path.c) and
 * does what is the same everywhere (dirs.c: mkdir/rmdir; procs.c:
 * cgroup.procs, kill); cgroup.c hands what differs to the vtable. */
#ifndef MINIRUN_CGROUP_DRIVER_H
#define MINIRUN_CGROUP_DRIVER_H

#include <stdarg.h>
#include <yajl/yajl_gen.h>

#include "cgroup/cgroup.h"

#define MR_CGROUP_ROOT "/sys/fs/cgroup"

/* One mounted hierarchy and the container's cgroup in it. */
struct mr_cg_hier {
	char *name; /* the mount under /sys/fs/cgroup: "cpu,cpuacct", "unified", "" (pure v2) */
	char *mount; /* its mount point */
	char *controllers; /* v1: "cpu,cpuacct", "name=systemd"; v2: "" */
	bool v2;
	char *path; /* the container's cgroup in this hierarchy: "/minirun-test/x" */
	char *dir; /* mount + path */
	int created; /* trailing components of path that create made (0: joined) */
};

struct mr_cgroup_driver;

struct mr_cgroup {
	enum mr_cgroup_layout layout;
	const struct mr_cgroup_driver *drv;
	char *path; /* the path cgroup.h reports: the v2 one, else the first v1 one */
	struct mr_cg_hier *h;
	size_t n;
	bool device_defaults; /* add the standard devices to the device rules (default) */
	bool fresh; /* made by mr_cgroup_create: the first apply writes device rules even when there are none */
};

struct mr_cgroup_driver {
	/* After the directories exist: v1 fills cpuset.cpus/mems of new ones,
	 * v2 enables the controllers in the parents' subtree_control. */
	int (*prepare)(struct mr_cgroup *cg, struct mr_error **err);
	int (*apply)(struct mr_cgroup *cg, const struct oci_linux_resources *r, struct mr_error **err);
	int (*freeze)(const struct mr_cgroup *cg, bool frozen, struct mr_error **err);
	int (*frozen)(const struct mr_cgroup *cg); /* 1, 0, -1 no freezer */
	int (*stats)(const struct mr_cgroup *cg, yajl_gen g, struct mr_error **err);
	int (*oom_fd)(const struct mr_cgroup *cg, struct mr_error **err);
	uint64_t (*oom_count)(const struct mr_cgroup *cg);
};

extern const struct mr_cgroup_driver mr_cgroup_v1_driver; /* v1 and hybrid */
extern const struct mr_cgroup_driver mr_cgroup_v2_driver;

/* linux.cgroupsPath to a clean path: absolute "/a/b" (*relative false) or
 * relative "a/b" (*relative true), "//" and "." folded; "" becomes
 * "/minirun/<id>". Refused: ".." components, the systemd form
 * "slice:prefix:name", the root itself, control characters. */
int mr_cg_normalize_path(const char *cgroups_path, const char *id, char **out, bool *relative,
			 struct mr_error **err);

/* The hierarchies: the v1 one that has `controller` (NULL if none), the
 * cgroup2 one (NULL on pure v1). Only those the cgroup has a path in. */
struct mr_cg_hier *mr_cg_v1(const struct mr_cgroup *cg, const char *controller);
struct mr_cg_hier *mr_cg_unified(const struct mr_cgroup *cg);
/* `controller` is enabled for the cgroup2 directory dir (its cgroup.controllers). */
bool mr_cg_v2_has(const char *dir, const char *controller);
/* `controller` is in list, a cgroup.controllers content (space-separated). */
bool mr_cg_list_has(const char *list, const char *controller);

/* Files in a cgroup directory. Errors read "<what>: write \"<value>\" to
 * <file>: <strerror>", `what` naming the resource
 * ("linux.resources.memory.limit"). */
int mr_cg_write(const char *dir, const char *file, const char *value, const char *what, struct mr_error **err);
/* The same in two steps, for several values in a row to one file: an fd
 * open for writing (the caller closes it), then one write per value. */
int mr_cg_open_write(const char *dir, const char *file, const char *what, struct mr_error **err);
int mr_cg_write_fd(int fd, const char *file, const char *value, const char *what, struct mr_error **err);
int mr_cg_writef(const char *dir, const char *file, const char *what, struct mr_error **err, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
char *mr_cg_read(const char *dir, const char *file); /* malloc'ed, NULL + errno */
bool mr_cg_exists(const char *dir, const char *file);
/* What a resource needs before anything is written: an error
 * "linux.resources.<field>: this host has no <file> (<why>)" when dir has
 * no such file. */
int mr_cg_need_file(const char *dir, const char *file, const char *field, const char *why, struct mr_error **err);
/* A number ("max" is UINT64_MAX; v1's "-1" too). -1 + errno on failure. */
int mr_cg_read_u64(const char *dir, const char *file, uint64_t *v);
/* The value of `key` in a "key value" per line file (memory.stat, cpu.stat). */
int mr_cg_read_key(const char *dir, const char *file, const char *key, uint64_t *v);

/* The v2 setters, per controller, on one cgroup2 directory. v2.c uses them
 * all; the v1 driver uses them for controllers a hybrid host has in its
 * unified hierarchy only (hugetlb on this kind of host). */
int mr_cg_v2_memory(const char *dir, const struct oci_linux_resources_memory *m, struct mr_error **err);
int mr_cg_v2_cpu(const char *dir, const struct oci_linux_resources_cpu *c, struct mr_error **err);
int mr_cg_v2_cpuset(const char *dir, const struct oci_linux_resources_cpu *c, struct mr_error **err);
int mr_cg_v2_pids(const char *dir, const struct oci_linux_resources_pids *p, struct mr_error **err);
int mr_cg_v2_io(const char *dir, const struct oci_linux_resources_block_io *b, struct mr_error **err);
/* What the v2 form of a resource cannot apply on dir, said before anything
 * is written (v1 fields without a v2 form, files the kernel lacks). */
int mr_cg_v2_io_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err);
int mr_cg_v2_memory_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err);
int mr_cg_v2_cpu_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err);
int mr_cg_v2_hugetlb_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err);
/* The first key of linux.resources.unified whose controller dir's
 * cgroup.controllers does not list (its name into ctl), or -1. The core
 * "cgroup." files need none; malformed keys are left to mr_cg_v2_unified. */
int mr_cg_v2_unified_missing(const char *dir, const struct oci_map_string *u, char *ctl, size_t size);
int mr_cg_v2_hugetlb(const char *dir, const struct oci_hugepage_limit *l, size_t n, struct mr_error **err);
/* Each hugepageLimits[].pageSize has hugetlb.<size>.<suffix> in dir
 * (suffix "limit_in_bytes" on v1, "max" on v2). */
int mr_cg_hugetlb_check(const char *dir, const struct oci_hugepage_limit *l, size_t n, const char *suffix,
			struct mr_error **err);
int mr_cg_rdma(const char *dir, const struct oci_map_rdma *rdma, struct mr_error **err); /* same on v1 */
/* linux.resources.unified: each key a file name <controller>.<name>. */
int mr_cg_v2_unified(const char *dir, const struct oci_map_string *u, struct mr_error **err);
int mr_cg_v2_devices(const char *dir, const struct oci_device_cgroup *d, size_t n, bool defaults,
		     struct mr_error **err);
/* Enable in every parent's cgroup.subtree_control the controllers it offers. */
int mr_cg_v2_enable_controllers(const struct mr_cg_hier *h, struct mr_error **err);
int mr_cg_v2_freeze(const char *dir, bool frozen, struct mr_error **err);
int mr_cg_v2_oom_fd(const char *dir, struct mr_error **err);
/* checkBeforeUpdate: refuse a memory limit below the usage in usage_file
 * (and swap below swap_usage_file: v1 memsw, or v2 swap + memory). */
int mr_cg_check_memory_usage(const char *dir, const char *usage_file, const char *swap_usage_file,
			     const struct oci_linux_resources_memory *m, struct mr_error **err);
int mr_cg_v2_frozen(const char *dir);
/* Stats members for the controllers on dir (cgroup2). */
void mr_cg_v2_stats_cpu(const char *dir, yajl_gen g);
void mr_cg_v2_stats_memory(const char *dir, yajl_gen g);
void mr_cg_v2_stats_pids(const char *dir, yajl_gen g);
void mr_cg_v2_stats_io(const char *dir, yajl_gen g);
void mr_cg_v2_stats_hugetlb(const char *dir, yajl_gen g);

/* JSON helpers for the stats (stats-json.c). */
void mr_cg_json_key(yajl_gen g, const char *key);
void mr_cg_json_u64(yajl_gen g, const char *key, uint64_t v); /* key NULL: a bare value */
/* A memory counter object: limit, usage and max (when not 0), failcnt. */
void mr_cg_json_usage(yajl_gen g, const char *key, uint64_t limit, uint64_t usage, uint64_t max, uint64_t failcnt);
/* "raw": the "key value" lines of dir/file as numbers; *cache gets the
 * value of cache_key (v1 "cache", v2 "file"). */
void mr_cg_json_raw(yajl_gen g, const char *dir, const char *file, const char *cache_key, uint64_t *cache);
/* "throttling" from dir's cpu.stat (dir NULL: empty); the throttled time
 * is time_key times time_scale, in ns. */
void mr_cg_json_throttling(yajl_gen g, const char *dir, const char *time_key, uint64_t time_scale);
/* "hugetlb": an object per huge page size of this kernel for which read()
 * finds the counters in dir (it returns -1 where the size has none). */
void mr_cg_json_hugetlb(yajl_gen g, const char *dir,
			int (*read)(const char *dir, const char *size, uint64_t *usage, uint64_t *max, uint64_t *failcnt));

#endif
