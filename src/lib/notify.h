/* NOTIFY_SOCKET (sd_notify(3)) proxied into the container, as crun does it:
 * create makes <state dir>/notify/ and binds it read-only into the
 * container at the NOTIFY_SOCKET path (a directory there; /run/notify for
 * an abstract or relative one), the process gets NOTIFY_SOCKET=<that>/notify;
 * start binds the socket in it before it lets the process go, waits for a
 * READY=1 (or the end of the container's init) and sends READY=1 to the
 * host's NOTIFY_SOCKET. */
#ifndef MINIRUN_NOTIFY_H
#define MINIRUN_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "spec/oci-model.gen.h"
#include "util/error.h"

#define MR_NOTIFY_DIR "notify"

/* seconds the host's socket may keep its queue full before READY=1 is
 * given up, with a warning */
#define MR_NOTIFY_SEND_TIMEOUT 5

/* create: the directory in the container's state directory dir_fd (whose
 * path is dir_path), owned by the container's root, the bind mount of it
 * appended to cfg->mounts, *env the process' NOTIFY_SOCKET=... (malloc'ed). */
int mr_notify_prepare(int dir_fd, const char *dir_path, const char *notify_socket, struct oci_config *cfg,
		      char **env, struct mr_error **err);

/* start: the socket the container's process sends to, bound; -1 with
 * errno ENOENT (and no error) when create made no notify directory. */
int mr_notify_bind(int dir_fd, struct mr_error **err);

/* A datagram of the container's process (outside input): whether one of
 * its lines is READY=1, as sd_notify(3) writes it. */
bool mr_notify_says_ready(const char *msg, size_t len);

/* Wait on sock until a datagram holds the line READY=1 (then send READY=1
 * to host_socket, a path or an @abstract name) or the process of pidfd
 * ends. */
int mr_notify_forward(int sock, int pidfd, const char *host_socket, struct mr_error **err);

#endif
