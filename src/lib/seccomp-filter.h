/* linux.seccomp: the profile translated into a libseccomp filter and
 * loaded by the process it filters; the SCMP_ACT_NOTIFY listener fd handed
 * to the agent at listenerPath, as runtime-spec's seccomp notify says. */
#ifndef MINIRUN_SECCOMP_FILTER_H
#define MINIRUN_SECCOMP_FILTER_H

#include "spec/oci-model.gen.h"
#include "util/error.h"

/* Build and load linux.seccomp (libseccomp). With SCMP_ACT_NOTIFY rules,
 * *listener_fd gets the notify fd (else -1), to be sent to listenerPath. */
int mr_seccomp_load(const struct oci_linux_seccomp *s, int *listener_fd, struct mr_error **err);

/* Send the notify fd and the state JSON to the agent at listenerPath, as
 * runtime-spec seccomp notify says (SCM_RIGHTS over a unix socket). */
int mr_seccomp_send_listener(const struct oci_linux_seccomp *s, int listener_fd, const char *state_json,
			     struct mr_error **err);

#endif
