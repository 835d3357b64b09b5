/* The address of a unix socket at a path of any length: sun_path holds
 * 108 bytes, so a longer path goes through its directory's fd as
 * "/proc/self/fd/N/NAME" (conmon's and the containers' state dirs can be
 * deep). For bind() and connect() alike. */
#ifndef MINIRUN_UTIL_UNIX_ADDR_H
#define MINIRUN_UTIL_UNIX_ADDR_H

#include <sys/socket.h>
#include <sys/un.h>

/* Fill *sa for path. *dirfd is -1, or the directory's O_PATH fd that the
 * caller closes after bind/connect. -1 with errno (ENAMETOOLONG when even
 * the last component does not fit). */
int mr_unix_address(const char *path, struct sockaddr_un *sa, int *dirfd);

#endif
