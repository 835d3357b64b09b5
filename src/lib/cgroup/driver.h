/* Inside the cgroup driver: what the common part shares with v1.c, v2.c
 * and the tests. Not for the rest of the library (use cgroup.h).
 *
 * A container's cgroup is one directory per mounted hierarchy: on v2 one,
 * on v1 one per controller mount (cpu, memory, ..., name=systemd), on a
 * hybrid host those plus the unified cgroup2 mount. The common part finds
 * the mounts (layout.c), resolves the path in each (cgroups-path.c) and
 * does what is the same everywhere (dirs.c: mkdir/rmdir; procs.c:
 * cgroup.procs, kill); cgroup.c hands what differs to the vtable, v1.c or
 * v2.c, which map each resource to its hierarchy and hand it to its
 * controller's file (memory.c, cpu.c, cpuset.c, io.c, pids.c, hugetlb.c,
 * devices.c, rdma.c, network.c, unified.c: each with its v1 writer, v2
 * writer and stats). */
#ifndef MINIRUN_CGROUP_DRIVER_H
#define MINIRUN_CGROUP_DRIVER_H

#include <stdarg.h>
#include <yajl/yajl_gen.h>

#include "cgroup/cgroup.h"
#include "cgroup/files.h"

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

#endif
