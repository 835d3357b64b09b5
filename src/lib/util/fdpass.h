/* Passing a file descriptor over a unix socket (SCM_RIGHTS). */
#ifndef MINIRUN_UTIL_FDPASS_H
#define MINIRUN_UTIL_FDPASS_H

#include <stddef.h>

/* Send buf[0..len) with `fd` attached (fd < 0: none), all of it even if a
 * stream socket takes it in pieces (on a SOCK_SEQPACKET it is one message).
 * Retries on EINTR; no SIGPIPE. Returns 0, or -1 with errno set. */
int mr_send_with_fd(int sock, const void *buf, size_t len, int fd);

#endif
