/* File system helpers of minirund. */
#ifndef MINIRUND_FSUTIL_H
#define MINIRUND_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"

/* rm -rf dirfd/name: never follows a symlink, stays on one file system
 * (a mount below is an error, not a descent); ENOENT is success. */
int mrd_remove_tree(int dirfd, const char *name, struct mr_error **err);
/* mkdir -p with mode for what it makes. */
int mrd_mkdir_p(const char *path, mode_t mode, struct mr_error **err);
/* Write a whole file atomically (tmp + rename), not durably (no fsync): for
 * what minirund makes again at every start (a bundle's config.json, a
 * container's hostname, hosts, resolv.conf); what must survive a crash is
 * in the SQLite records. */
int mrd_write_file(const char *path, const void *buf, size_t len, mode_t mode, struct mr_error **err);
/* Read a whole file (at most max bytes), NUL-terminated. */
char *mrd_read_file(const char *path, size_t max, size_t *len, struct mr_error **err);
char *mrd_read_file_at(int dirfd, const char *path, size_t max, size_t *len, struct mr_error **err);
/* An unnamed read-write file in dir, gone at its last close: O_TMPFILE,
 * or a file made and unlinked at once where the file system has no
 * O_TMPFILE (overlayfs before Linux 6.6, 9p, ...). -1 with errno. */
int mrd_tmpfile(const char *dir);
/* Is /sys/fs/cgroup the unified hierarchy (cgroup v2)? */
bool mrd_host_cgroup_v2(void);
/* Can the host limit swap (v1 memory.memsw.*, v2 memory.swap.max)? What
 * dockerd's SwapLimit says; without it a memory limit goes without swap. */
bool mrd_host_swap_limit(void);

#endif
