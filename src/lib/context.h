/* The few process-wide settings of one minirun invocation (the global
 * options), passed down to the verbs instead of living in globals. */
#ifndef MINIRUN_CONTEXT_H
#define MINIRUN_CONTEXT_H

#include <stdbool.h>

#include "util/log.h"

struct mr_context {
	const char *root; /* state directory (--root, or mr_state_default_root()) */
	bool systemd_cgroup;
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
