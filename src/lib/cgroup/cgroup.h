/* The container's cgroup, on cgroup v1, v2 and hybrid hosts, behind one
 * interface. layout.c detects the layout, cgroups-path.c resolves
 * linux.cgroupsPath, cgroup.c dispatches to the v1 or v2 driver (v1.c,
 * v2.c: a vtable), which hand each resource to its controller's file
 * (memory.c, cpu.c, cpuset.c, io.c, pids.c, hugetlb.c, devices.c, rdma.c,
 * network.c, unified.c); dirs.c, procs.c, describe.c, files.c and
 * stats-json.c are what both drivers share; resources.c converts between
 * the v1 and v2 forms (cpu shares -> weight, ...); ebpf-devices.c builds
 * the v2 device program. manager.h chooses whether minirun makes the
 * cgroup at all (--cgroup-manager).
 *
 * Layouts: pure v2 (cgroup2 at /sys/fs/cgroup), v1 (controllers under
 * /sys/fs/cgroup/<controller>), hybrid (v1 controllers plus cgroup2 at
 * /sys/fs/cgroup/unified, possibly with controllers of its own: the v1
 * driver manages the controllers and the container joins the unified
 * hierarchy too, as runc does).
 *
 * Errors name the resource and the file: "linux.resources.memory.limit:
 * write memory.limit_in_bytes: Device or resource busy". */
#ifndef MINIRUN_CGROUP_H
#define MINIRUN_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec/oci-model.gen.h"
#include "util/error.h"

enum mr_cgroup_layout {
	MR_CGROUP_V1,
	MR_CGROUP_HYBRID,
	MR_CGROUP_V2,
};

struct mr_cgroup;

/* Where the container's cgroup is, from linux.cgroupsPath: absolute
 * ("/a/b", below the cgroup root), relative ("a/b", below the caller's own
 * cgroup), empty ("/minirun/<id>"). The systemd form "slice:prefix:name" is
 * refused ("no systemd cgroup driver"), so is any ".." component. Nothing
 * is created yet. */
struct mr_cgroup *mr_cgroup_open(const char *cgroups_path, const char *id, struct mr_error **err);

/* The cgroup of a container with config cfg: linux.cgroupsPath, or when
 * that is empty <parent>/<id> if parent is set (MINIRUN_CGROUP_PARENT),
 * else /minirun/<id>. As mr_cgroup_open. */
struct mr_cgroup *mr_cgroup_open_config(const struct oci_config *cfg, const char *id, const char *parent,
				       struct mr_error **err);

/* The same cgroup again, from what mr_cgroup_describe() saved in the
 * container's state (path, layout, owned). */
struct mr_cgroup *mr_cgroup_load(const char *saved, struct mr_error **err);

/* A one-line description to keep in the container's state. (malloc'ed) */
char *mr_cgroup_describe(const struct mr_cgroup *cg);

enum mr_cgroup_layout mr_cgroup_layout(const struct mr_cgroup *cg);
const char *mr_cgroup_path(const struct mr_cgroup *cg); /* "/minirun-test/x" */

/* The container's cgroup in the hierarchy mounted at /sys/fs/cgroup/<name>
 * (v1 "cpu,cpuacct", hybrid "unified", "" on a pure v2 host), found by its
 * controllers (v1 "cpu,cpuacct", "name=systemd"; v2 "") if no hierarchy
 * has that name; NULL if it is none of the container's. */
const char *mr_cgroup_path_in(const struct mr_cgroup *cg, const char *name, bool v2, const char *controllers);

/* Make the cgroup (every v1 hierarchy, and the unified one): an existing
 * one is joined and not owned (delete leaves it). On v2 the controllers the
 * resources need are enabled in the parents' cgroup.subtree_control. */
int mr_cgroup_create(struct mr_cgroup *cg, struct mr_error **err);

/* Write linux.resources, devices included (v1 devices.allow and deny; v2
 * an eBPF BPF_CGROUP_DEVICE program, with the default allow list for the
 * standard devices). On a cgroup create just made, NULL still writes the
 * device rules (deny all but the standard devices, as runc); on a loaded
 * one (update) NULL changes nothing, and resources without "devices" keep
 * the device rules. */
int mr_cgroup_apply(struct mr_cgroup *cg, const struct oci_linux_resources *r, struct mr_error **err);

/* On v2: an O_PATH|O_DIRECTORY fd of the cgroup for clone3's
 * CLONE_INTO_CGROUP, or -1 on v1/hybrid. The caller closes it. */
int mr_cgroup_fd(const struct mr_cgroup *cg);

/* Move pid into the cgroup (cgroup.procs of every hierarchy). */
int mr_cgroup_enter(const struct mr_cgroup *cg, pid_t pid, struct mr_error **err);

/* Freeze or thaw (v1 freezer.state, v2 cgroup.freeze), waiting until done. */
int mr_cgroup_freeze(const struct mr_cgroup *cg, bool frozen, struct mr_error **err);
bool mr_cgroup_is_frozen(const struct mr_cgroup *cg);

/* The pids in the cgroup (host pids, sorted), malloc'ed; *n their count. */
pid_t *mr_cgroup_pids(const struct mr_cgroup *cg, size_t *n, struct mr_error **err);

/* Signal every process in it (kill --all, delete --force). A frozen
 * cgroup is thawed after SIGKILL so that the processes really die. */
int mr_cgroup_kill_all(const struct mr_cgroup *cg, int sig, struct mr_error **err);

/* runc's `events --stats` object (cpu, memory with usage/limit/failcnt/swap,
 * pids, blkio, hugetlb) as JSON (malloc'ed). */
char *mr_cgroup_stats_json(const struct mr_cgroup *cg, struct mr_error **err);

/* An fd that becomes readable on an OOM kill in the cgroup (v1 eventfd on
 * memory.oom_control; v2 inotify on memory.events), and the count so far. */
int mr_cgroup_oom_fd(const struct mr_cgroup *cg, struct mr_error **err);
uint64_t mr_cgroup_oom_count(const struct mr_cgroup *cg);

/* Remove what create made (in every hierarchy), after the processes are
 * gone; an existing cgroup that was joined is left. */
int mr_cgroup_destroy(struct mr_cgroup *cg, struct mr_error **err);

void mr_cgroup_free(struct mr_cgroup *cg);

/* For delete --force of a container whose record lost what create made (a
 * create killed half-way, an unreadable state.json): cg is found from the
 * record's cgroup line or from the saved config (mr_cgroup_open_config with
 * the same parent). Its directory in each hierarchy where it exists counts
 * as the container's (never a hierarchy's root): it is thawed, every process
 * in it and in its sub-cgroups is killed (a process frozen in another
 * freezer cgroup too), and it is removed with its sub-cgroups; the parents
 * stay unless the record says create made them. It is the container's own:
 * create refuses a cgroup that exists with processes in it, so nothing else
 * runs there. 0 when nothing is left, also when there was no cgroup; -1 with
 * an error naming what could not be removed (mr_cgroup_destroy's). */
int mr_cgroup_purge(struct mr_cgroup *cg, struct mr_error **err);

/* Whether create made the cgroup (false: an existing one was joined,
 * perhaps shared with other containers). */
bool mr_cgroup_owned(const struct mr_cgroup *cg);

/* Whether the device rules add the default allow list for the standard
 * devices (null, zero, full, random, urandom, tty, ptmx, pts; default on). */
void mr_cgroup_set_device_defaults(struct mr_cgroup *cg, bool on);

/* This process's own cgroup (from /proc/self/cgroup) in the v1 hierarchy
 * of `controllers` ("cpu,cpuacct", "name=systemd": as a set), or with NULL
 * in the cgroup2 one. malloc'ed; NULL and errno ENOENT when there is none. */
char *mr_cgroup_own(const char *controllers);

/* The hierarchies of a v1 or hybrid host as mr_cgroup_open found them under
 * /sys/fs/cgroup (0 on a pure v2 host), for a container's own cgroup mount
 * to show the same ones without reading /proc/self/mountinfo again: the
 * i-th one's directory name ("cpu,cpuacct", "unified"), whether it is
 * cgroup2, and its v1 controllers as mount data ("cpu,cpuacct",
 * "name=systemd"; "" for cgroup2). */
size_t mr_cgroup_hierarchy_count(const struct mr_cgroup *cg);
void mr_cgroup_hierarchy(const struct mr_cgroup *cg, size_t i, const char **name, bool *v2, const char **controllers);

#endif
