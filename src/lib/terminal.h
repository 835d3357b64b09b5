/* process.terminal: the pty lives in the container's devpts. */
#ifndef MINIRUN_TERMINAL_H
#define MINIRUN_TERMINAL_H

#include "spec/oci-model.gen.h"
#include "util/error.h"

/* In the init, before pivot_root: open a pty from <rootfs>/dev/pts/ptmx,
 * apply consoleSize, bind-mount its slave over <rootfs>/dev/console, make it
 * the controlling terminal (new session) and fds 0-2. Returns the master fd
 * (close-on-exec), which the caller hands to the parent. */
int mr_terminal_setup(const struct oci_process *p, const char *rootfs, struct mr_error **err);

/* For exec, in the container's namespaces: the same, with the pty from the
 * container's /dev/pts, without touching /dev/console. */
int mr_terminal_setup_exec(const struct oci_process *p, struct mr_error **err);

/* In the parent: connect to the unix socket at `path` and send `master`
 * with SCM_RIGHTS (what conmon and containerd's shim wait for). */
int mr_terminal_send(const char *path, int master, struct mr_error **err);

/* Foreground `run` with a terminal and no console socket: copy between the
 * caller's stdin/stdout and the master (the caller's tty in raw mode,
 * window size followed) until the master closes. */
int mr_terminal_proxy(int master, struct mr_error **err);

#endif
