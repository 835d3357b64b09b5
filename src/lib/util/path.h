/* Safe path resolution inside a container's rootfs.
 *
 * Every path taken from config.json or found in the rootfs is resolved as if
 * `root_fd` were "/": an absolute symlink starts again at root_fd, ".." stops
 * at it, and magic links (/proc/self/fd/N, /proc/PID/root) are refused, so
 * nothing planted in the rootfs can send an open or a mount to the host
 * (CVE-2021-30465 class). The kernel does this with openat2(RESOLVE_IN_ROOT);
 * where openat2 is missing (ENOSYS, kernels before 5.6) a userspace walk opens
 * one component at a time with O_NOFOLLOW and expands symlinks itself. */
#ifndef MINIRUN_UTIL_PATH_H
#define MINIRUN_UTIL_PATH_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/error.h"

/* The most symlinks one resolution expands, as the kernel's MAXSYMLINKS. */
#define MR_PATH_MAX_SYMLINKS 40

/* Open `path` inside root_fd. `flags` are open(2) flags (O_PATH, O_DIRECTORY,
 * O_NOFOLLOW for the last component, ...; O_CLOEXEC is always added; O_CREAT
 * is not supported: use mr_path_mkdir_in_root). Returns the fd, or -1 with
 * *err set (its errnum is the errno: ENOENT for a missing path). */
int mr_path_open_in_root(int root_fd, const char *path, int flags, struct mr_error **err);

/* The userspace walk behind mr_path_open_in_root, used when openat2 is
 * missing; callable directly so that tests cover it on any kernel. */
int mr_path_open_in_root_walk(int root_fd, const char *path, int flags, struct mr_error **err);

/* Create the missing components of `path` inside root_fd (directories of
 * `mode`, e.g. 0755; with `last_is_file` the last one an empty regular file
 * of mode `mode & 0666`) and return an O_PATH fd of the last component. Existing
 * symlinks are followed inside the root, dangling ones too (their target is
 * created), never out of it. An existing last component is returned whatever
 * its type; the caller checks. */
int mr_path_mkdir_in_root(int root_fd, const char *path, mode_t mode, bool last_is_file, struct mr_error **err);

/* Like mr_path_mkdir_in_root for the parent of `path`: returns an O_PATH fd
 * of the (created) parent directory and sets *name to the last component
 * (malloc'ed; never "", "." or ".."), for mknodat/symlinkat/unlinkat. */
int mr_path_open_parent_in_root(int root_fd, const char *path, char **name, struct mr_error **err);

/* "/proc/self/fd/N" for fd, in buf (at least MR_PATH_FD_SIZE bytes): how
 * mount(2) is pointed at an fd. Returns buf. */
#define MR_PATH_FD_SIZE 32
char *mr_path_fd(char *buf, size_t size, int fd);

#endif
