/* The network namespace of a container with one of its own (NetworkMode
 * none, the default until networks exist): its loopback up, as dockerd's
 * sandbox has it, so 127.0.0.1 and ::1 work inside. */
#ifndef MINIRUND_MANAGER_NETNS_H
#define MINIRUND_MANAGER_NETNS_H

#include <sys/types.h>

#include "util/error.h"

/* Bring "lo" up in the network namespace of process pid; the daemon's own
 * namespace is back when it returns, also on error. */
int mrd_netns_loopback_up(pid_t pid, struct mr_error **err);

#endif
