/* The rootfs as the container's /: the propagation of our copy of the
 * host's mount table, the rootfs bound on itself, pivot_root (or MS_MOVE
 * and chroot with --no-pivot; a chroot without a mount namespace of its
 * own, mount-host.c), then maskedPaths, readonlyPaths, root.readonly and
 * linux.rootfsPropagation on the new /. */
#include "mount.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mount-internal.h"
#include "mount-options.h"
#include "util/cleanup.h"
#include "util/mountinfo.h"
#include "util/path.h"
#include "util/syscalls.h"

/* linux.rootfsPropagation as MS_* (0 when absent). */
static int rootfs_propagation(const struct oci_config *cfg, unsigned long *prop, struct mr_error **err)
{
	const char *name = cfg->linux ? cfg->linux->rootfs_propagation : NULL;
	const struct mr_mount_option *d;

	*prop = 0;
	if (name == NULL || *name == '\0')
		return 0;
	d = mr_mount_option_find(name);
	if (d == NULL || d->kind != MR_MOUNT_PROPAGATION)
		return mr_error_set(err, EINVAL, "linux.rootfsPropagation: unknown propagation \"%s\"", name);
	*prop = d->value;
	return 0;
}

int mr_mount_prepare_rootfs(const struct oci_config *cfg, const char *rootfs, struct mr_error **err)
{
	cleanup_free char *parent = NULL;
	unsigned long prop;
	bool shared = false;

	if (!mr_mount_own_namespace(cfg))
		return 0;
	if (rootfs_propagation(cfg, &prop, err) < 0)
		return -1;
	/* Our copy of the host's mount table shares peer groups with it: first
	 * cut the flow toward the host (rslave by default, so host mounts still
	 * reach us but nothing of ours leaks back). "unbindable" waits for
	 * mr_mount_finalize (the rootfs could not be bound on itself below an
	 * unbindable mount): private until then. */
	if (prop & MS_UNBINDABLE)
		prop = MS_PRIVATE;
	if (mount(NULL, "/", NULL, (prop ? prop : MS_SLAVE) | MS_REC, NULL) < 0)
		return mr_error_sys(err, errno, "set the propagation of / for linux.rootfsPropagation");
	/* pivot_root(2) refuses a new root whose parent mount is shared, and a
	 * bind below a shared mount would propagate to its peers: make that
	 * mount private (the new root gets rootfsPropagation after pivot). */
	if (mr_mountinfo_holder(rootfs, &parent, &shared, err) < 0)
		return -1;
	if (shared && mount(NULL, parent, NULL, MS_PRIVATE, NULL) < 0)
		return mr_error_sys(err, errno, "make %s (the mount holding the rootfs) private", parent);
	if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return mr_error_sys(err, errno, "bind the rootfs %s on itself", rootfs);
	return 0;
}

int mr_mount_pivot(const struct oci_config *cfg, const char *rootfs, bool no_pivot, struct mr_error **err)
{
	cleanup_close int old_root = -1;
	cleanup_close int new_root = -1;

	/* In the runtime's mount namespace: pivot_root or MS_MOVE would
	 * change the host's root. */
	if (!mr_mount_own_namespace(cfg))
		return mr_mount_chroot(rootfs, err);
	new_root = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (new_root < 0)
		return mr_error_sys(err, errno, "open rootfs %s", rootfs);
	if (fchdir(new_root) < 0)
		return mr_error_sys(err, errno, "chdir to the rootfs");
	if (no_pivot) {
		/* For a rootfs on ramfs/initramfs, where pivot_root is refused. */
		if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
			return mr_error_sys(err, errno, "move the rootfs to /");
		if (chroot(".") < 0)
			return mr_error_sys(err, errno, "chroot to the rootfs");
		if (chdir("/") < 0)
			return mr_error_sys(err, errno, "chdir to /");
		return 0;
	}
	old_root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (old_root < 0)
		return mr_error_sys(err, errno, "open /");
	/* pivot_root(".", "."): the old root is stacked on top of the new one
	 * at "/", so no put_old directory is needed in the rootfs; it is then
	 * reached through old_root and detached. */
	if (mr_pivot_root(".", ".") < 0)
		return mr_error_sys(err, errno, "pivot_root");
	if (fchdir(old_root) < 0)
		return mr_error_sys(err, errno, "chdir to the old root");
	/* rslave before the unmount, so that it cannot propagate to the host
	 * (private could race with host tools still holding those mounts). */
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return mr_error_sys(err, errno, "make the old root rslave");
	if (umount2(".", MNT_DETACH) < 0)
		return mr_error_sys(err, errno, "detach the old root");
	if (chdir("/") < 0)
		return mr_error_sys(err, errno, "chdir to /");
	return 0;
}

/* The container's /dev/null, only if it is the real one: a rootfs could
 * plant a symlink or a file there, and binding it over a masked path would
 * expose instead of hide (CVE-2025-31133). */
static int open_dev_null(int root_fd, struct mr_error **err)
{
	struct stat st;
	int fd = mr_path_open_in_root(root_fd, "/dev/null", O_PATH | O_NOFOLLOW, err);

	if (fd < 0)
		return mr_error_prefix(err, "maskedPaths");
	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
		close(fd);
		return mr_error_set(err, EPERM,
				    "maskedPaths: /dev/null in the container is not the null device (char 1:3)");
	}
	return fd;
}

/* Open `path` in the root for masking/read-only, following symlinks inside
 * it; returns -2 (no error) when missing. */
static int open_existing(int root_fd, const char *path, struct mr_error **err)
{
	int fd = mr_path_open_in_root(root_fd, path, O_PATH, err);

	if (fd < 0 && *err && ((*err)->errnum == ENOENT || (*err)->errnum == ENOTDIR)) {
		mr_error_cleanup(err);
		return -2;
	}
	return fd;
}

static int mask_paths(const struct oci_linux *lx, int root_fd, struct mr_error **err)
{
	cleanup_close int null_fd = -1;

	for (size_t i = 0; i < lx->masked_paths_len; i++) {
		const char *path = lx->masked_paths[i];
		cleanup_close int fd = open_existing(root_fd, path, err);
		char src[MR_PATH_FD_SIZE];
		struct stat st;

		if (fd == -2)
			continue;
		if (fd < 0 || fstat(fd, &st) < 0)
			return mr_error_prefix(err, "maskedPaths: %s", path);
		if (S_ISDIR(st.st_mode)) {
			/* An empty tmpfs; read-only is what keeps it empty (size=0
			 * would mean "no limit" to tmpfs). */
			if (mr_mount_at("tmpfs", fd, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
				return mr_error_sys(err, errno, "maskedPaths: %s: mount tmpfs", path);
			continue;
		}
		if (null_fd < 0 && (null_fd = open_dev_null(root_fd, err)) < 0)
			return -1;
		if (mr_mount_at(mr_path_fd(src, sizeof(src), null_fd), fd, NULL, MS_BIND, NULL) < 0)
			return mr_error_sys(err, errno, "maskedPaths: %s: bind /dev/null", path);
	}
	return 0;
}

static int readonly_paths(const struct oci_linux *lx, int root_fd, struct mr_error **err)
{
	for (size_t i = 0; i < lx->readonly_paths_len; i++) {
		const char *path = lx->readonly_paths[i];
		cleanup_close int fd = open_existing(root_fd, path, err);
		cleanup_close int mounted = -1;
		struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
		char src[MR_PATH_FD_SIZE];

		if (fd == -2)
			continue;
		if (fd < 0)
			return mr_error_prefix(err, "readonlyPaths");
		if (mr_mount_at(mr_path_fd(src, sizeof(src), fd), fd, NULL, MS_BIND | MS_REC, NULL) < 0)
			return mr_error_sys(err, errno, "readonlyPaths: %s: bind", path);
		mounted = mr_mount_reopen(root_fd, path, fd, err);
		if (mounted < 0)
			return mr_error_prefix(err, "readonlyPaths");
		/* Read-only down the whole tree; mount_setattr only adds the flag,
		 * so locked flags are kept without asking. */
		if (mount_setattr(mounted, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) == 0)
			continue;
		if (errno != ENOSYS || mr_mount_remount_bind(mounted, MS_RDONLY) < 0)
			return mr_error_sys(err, errno, "readonlyPaths: %s: make read-only", path);
	}
	return 0;
}

void mr_mount_warm_paths(const struct oci_config *cfg, const char *rootfs)
{
	const struct oci_linux *lx = cfg->linux;
	cleanup_close int root_fd = -1;

	if (lx == NULL || lx->masked_paths_len + lx->readonly_paths_len == 0)
		return;
	root_fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	for (size_t i = 0; root_fd >= 0 && i < lx->masked_paths_len + lx->readonly_paths_len; i++) {
		const char *path = i < lx->masked_paths_len ? lx->masked_paths[i]
							    : lx->readonly_paths[i - lx->masked_paths_len];
		struct mr_error *ignored = NULL;
		int fd = mr_path_open_in_root(root_fd, path, O_PATH, &ignored);

		if (fd >= 0)
			close(fd);
		mr_error_free(ignored);
	}
}

int mr_mount_finalize(const struct oci_config *cfg, struct mr_error **err)
{
	cleanup_close int root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	unsigned long prop;

	if (root_fd < 0)
		return mr_error_sys(err, errno, "open /");
	if (rootfs_propagation(cfg, &prop, err) < 0)
		return -1;
	if (cfg->linux && mask_paths(cfg->linux, root_fd, err) < 0)
		return -1;
	if (cfg->linux && readonly_paths(cfg->linux, root_fd, err) < 0)
		return -1;
	if (cfg->root && cfg->root->readonly && mr_mount_remount_bind(root_fd, MS_RDONLY) < 0)
		return mr_error_sys(err, errno, "root.readonly: remount / read-only");
	/* Now that the rootfs is "/", give it the propagation asked for (before
	 * pivot it would have applied to the host's "/"); last, as an
	 * unbindable tree could not be bound from (/dev/null above). */
	if (prop && mount(NULL, "/", NULL, prop, NULL) < 0)
		return mr_error_sys(err, errno, "linux.rootfsPropagation: set on /");
	return 0;
}
