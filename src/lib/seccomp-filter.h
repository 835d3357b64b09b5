/* linux.seccomp: the profile translated into a libseccomp filter and
 * loaded by the process it filters; the SCMP_ACT_NOTIFY listener fd handed
 * to the agent at listenerPath, as runtime-spec's seccomp notify says. */
#ifndef MINIRUN_SECCOMP_FILTER_H
#define MINIRUN_SECCOMP_FILTER_H

#include <sys/types.h>

#include "spec/oci-model.gen.h"
#include "util/error.h"

/* Build and load linux.seccomp (libseccomp). With SCMP_ACT_NOTIFY rules,
 * *listener_fd gets the notify fd (else -1), to be sent to listenerPath. */
int mr_seccomp_load(const struct oci_linux_seccomp *s, int *listener_fd, struct mr_error **err);

/* mr_seccomp_load of l->seccomp (none: nothing), by the process to filter;
 * a listener goes over the sync socket to the runtime (MR_SYNC_SECCOMP),
 * which hands it to the agent at listenerPath: a host path, out of the
 * process' reach after pivot_root. The fd in flight keeps the listener
 * alive, so a notified call made meanwhile waits for the agent. */
int mr_seccomp_load_passing(const struct oci_linux *l, int sync_fd, struct mr_error **err);

/* Send the notify fd to the agent at listenerPath with the container
 * process state runtime-spec gives it (SCM_RIGHTS over a unix socket): the
 * filtered process' pid (the init's at create, the exec'd process' at exec)
 * and the container's state JSON (`state_json`). */
int mr_seccomp_send_listener(const struct oci_linux_seccomp *s, int listener_fd, pid_t pid, const char *state_json,
			     struct mr_error **err);

#endif
