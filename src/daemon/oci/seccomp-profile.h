/* minirund's default seccomp profile: every syscall is allowed except
 * those Docker's default profile keeps from a container without the
 * matching capability (kernel modules, kexec, reboot, mounts and
 * namespaces, keyrings, bpf and perf, the clock, ptrace-like access to
 * other processes, raw I/O ports, ...), which fail with EPERM; clone3 fails
 * with ENOSYS so that libc falls back to clone, whose namespace flags are
 * checked; personality takes only the values Docker allows, socket no
 * AF_VSOCK, and io_uring is refused (as Docker since 25). A capability
 * granted (CapAdd, Privileged) lifts its syscalls, as in Docker. The list
 * follows Docker 28's profile for x86_64 with its default capabilities. */
#ifndef MINIRUND_OCI_SECCOMP_PROFILE_H
#define MINIRUND_OCI_SECCOMP_PROFILE_H

#include <stdbool.h>
#include <yajl/yajl_gen.h>

/* Write the OCI linux.seccomp object. has_cap(name) tells whether the
 * container gets the capability ("CAP_SYS_ADMIN"). */
typedef bool (*mrd_has_cap_fn)(const char *cap, void *data);
void mrd_seccomp_default_write(yajl_gen g, const char *key, mrd_has_cap_fn has_cap, void *data);

#endif
