/* The container init: the child made by clone3 in the new namespaces. It
 * sets the container up in the order the spec implies, reports to the
 * parent over the sync socket, waits for `start` on the exec fifo, and
 * execs process.args. It never returns. */
#ifndef MINIRUN_INIT_H
#define MINIRUN_INIT_H

#include <stdbool.h>

#include "spec/oci-model.gen.h"

struct mr_cgroup;
struct mr_mount_sources;

struct mr_init_args {
	const struct oci_config *cfg;
	const char *rootfs; /* absolute host path */
	const char *bundle; /* absolute: relative mount sources are below it */
	struct mr_mount_sources *sources; /* opened by the runtime (mr_mount_sources_prepare) */
	int sync_fd;
	int fifo_fd; /* exec.fifo, opened O_RDWR: read() blocks until start */
	int preserve_fds; /* listen_fds included */
	int listen_fds; /* LISTEN_FDS: the process gets LISTEN_FDS and LISTEN_PID (its own pid) */
	const char *notify_env; /* NOTIFY_SOCKET=... for the process, or NULL (notify.h) */
	bool new_userns;
	bool no_pivot;
	bool no_new_keyring;
	bool keep_groups; /* run.oci.keep_original_groups (the config's annotations are the record's by then) */
	bool unshare_cgroupns; /* make the cgroup namespace once in the cgroup */
	int late_ns_flags; /* CLONE_NEW* to unshare after joining the user namespace by path */
	const struct mr_cgroup *cg; /* the parent's: the host's hierarchies for a cgroup mount */
	/* We are not in cg yet: the parent moves us in when we ask for the
	 * runtime hooks, after the mounts (so that what the kernel allocates
	 * for them is not charged to the container). false: born in it
	 * (clone3 CLONE_INTO_CGROUP). */
	bool cgroup_pending;
};

_Noreturn void mr_init_main(const struct mr_init_args *a);

#endif
