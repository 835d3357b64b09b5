/* The few process-wide settings of one minirun invocation (the global
 * options), passed down to the verbs instead of living in globals. */
#ifndef MINIRUN_CONTEXT_H
#define MINIRUN_CONTEXT_H

#include <stdbool.h>

#include "util/log.h"

/* Who makes the containers' cgroups (--cgroup-manager, --systemd-cgroup). */
enum mr_cgroup_manager_kind {
	MR_CGROUP_MANAGER_CGROUPFS, /* minirun, in /sys/fs/cgroup (default) */
	MR_CGROUP_MANAGER_DISABLED, /* none: the container stays in ours */
	MR_CGROUP_MANAGER_SYSTEMD, /* asked for, refused by create: no systemd manager */
};

struct mr_context {
	const char *root; /* state directory (--root, or mr_state_default_root()) */
	enum mr_cgroup_manager_kind cgroup_manager;
	const char *cgroup_manager_flag; /* the option that chose it, for errors */
	/* MINIRUN_CGROUP_PARENT: an administrator's, or a test suite's, place
	 * for containers whose config names no cgroup (NULL: /minirun) */
	const char *cgroup_parent;
	struct mr_log log;
	/* MINIRUN_DEBUG_FAULT: "STEP:kill" or "STEP:stop" (debug-fault.h) */
	const char *debug_fault;
	/* LISTEN_FDS (systemd socket activation; ignored when LISTEN_PID names
	 * another process): create and run pass fds 3 .. 3+listen_fds-1 on
	 * to the container, before the --preserve-fds ones. */
	int listen_fds;
	/* NOTIFY_SOCKET (sd_notify): proxied into the container (notify.h) */
	const char *notify_socket;
};

#endif
