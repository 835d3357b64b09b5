/* --preserve-fds N (create, run, exec): the caller's fds 3 .. 3+N-1 go on
 * to the container. Each must be one the caller passed, open, and none of
 * minirun's own: a number in the range that the caller left free would
 * otherwise be taken by the next fd minirun opens (the state directory...)
 * and handed to the container. */
#ifndef MINIRUN_UTIL_PRESERVE_FDS_H
#define MINIRUN_UTIL_PRESERVE_FDS_H

#include "util/error.h"

/* Check 3 .. 3+n-1 before minirun opens anything else (own_fd: the one it
 * opened already, --log's, or -1). As runc: "unable to stat preserved-fd 8". */
int mr_preserve_fds_check(int n, int own_fd, struct mr_error **err);

/* The same for create and run: `listen` socket-activation fds first
 * (LISTEN_FDS), then the n of --preserve-fds after them. */
int mr_inherited_fds_check(int listen, int n, int own_fd, struct mr_error **err);

#endif
