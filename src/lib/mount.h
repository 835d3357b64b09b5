/* The container's filesystem view, built by the init inside its new mount
 * namespace: the rootfs bind, config.json's mounts, pivot_root, masked and
 * read-only paths. Every destination is resolved inside the rootfs (openat2
 * RESOLVE_IN_ROOT, or a careful walk where the kernel lacks it) and mounted
 * through an fd, so a symlink in the rootfs cannot redirect a mount to the
 * host. Errors name the mount destination. */
#ifndef MINIRUN_MOUNT_H
#define MINIRUN_MOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spec/oci-model.gen.h"
#include "util/error.h"

struct mr_cgroup;

/* linux.namespaces lists a mount namespace. Without one the container
 * runs in the runtime's (config-linux.md: "MUST inherit"): the init
 * chroots instead of pivot_root, and its mounts land in the runtime's
 * mount table (mount-host.c). */
bool mr_mount_own_namespace(const struct oci_config *cfg);

/* Before any mount: make the propagation of / in our namespace
 * linux.rootfsPropagation (default rslave, so nothing we mount leaks to the
 * host), then bind the rootfs onto itself so it is a mount point. Nothing
 * without a mount namespace of its own (that would change the host's). */
int mr_mount_prepare_rootfs(const struct oci_config *cfg, const char *rootfs, struct mr_error **err);

/* What the runtime opens on the host side, before the clone, for the init
 * to attach (mount-source.c): per mounts[i], a detached mount of its bind
 * source (open_tree OPEN_TREE_CLONE) when the container has a user
 * namespace, and of every idmapped bind (the kernel lets only the host's
 * user namespace idmap a host filesystem); per linux.devices[i], in a user
 * namespace, a detached bind of the node the runtime made for it (dev.c);
 * -1 for the others. */
struct mr_mount_sources {
	int *mounts;
	size_t n_mounts;
	int *devices;
	size_t n_devices;
};
int mr_mount_sources_prepare(const struct oci_config *cfg, const char *bundle, struct mr_mount_sources *s,
			     struct mr_error **err);
/* Hand over the fd for mounts[i], or linux.devices[i] (-1 if none): the
 * caller closes it. */
static inline int mr_mount_sources_take_(int *fds, size_t n, size_t i)
{
	int fd = fds && i < n ? fds[i] : -1;

	if (fd >= 0)
		fds[i] = -1;
	return fd;
}
static inline int mr_mount_sources_take(struct mr_mount_sources *s, size_t i)
{
	return s ? mr_mount_sources_take_(s->mounts, s->n_mounts, i) : -1;
}
static inline int mr_mount_sources_take_device(struct mr_mount_sources *s, size_t i)
{
	return s ? mr_mount_sources_take_(s->devices, s->n_devices, i) : -1;
}
void mr_mount_sources_close(struct mr_mount_sources *s);

/* config.json mounts, in order, below `rootfs` (host path, already a mount
 * point). Creates missing destinations (dirs, or files for file binds).
 * Binds with a tree in `sources` (or NULL) attach it. A mount of type
 * cgroup shows the hierarchies `cg` knows of (NULL: read them from
 * /proc/self/mountinfo); with `cg_pending` (the init is not in cg yet) it
 * binds cg's directories. */
int mr_mount_all(const struct oci_config *cfg, const char *rootfs, struct mr_mount_sources *sources,
		 const struct mr_cgroup *cg, bool cg_pending, struct mr_error **err);

/* /dev: the default devices (null zero full random urandom tty), the
 * symlinks (fd stdin stdout stderr ptmx->pts/ptmx, core), then
 * linux.devices; mknod, or in a user namespace (mknod is not allowed there)
 * a bind: of the host's node for a default device, of the node in
 * `sources` for linux.devices. Only when /dev is not bind-mounted from the
 * host. */
int mr_dev_setup(const struct oci_config *cfg, const char *rootfs, bool in_userns, struct mr_mount_sources *sources,
		 struct mr_error **err);

/* Make `rootfs` the new / : pivot_root (no_pivot: MS_MOVE + chroot, for a
 * rootfs on ramfs/initramfs), then chdir("/"); without a mount namespace
 * of its own, mr_mount_chroot. */
int mr_mount_pivot(const struct oci_config *cfg, const char *rootfs, bool no_pivot, struct mr_error **err);

/* For a create without a mount namespace: the ids of the mounts below
 * `rootfs` (a real path) in our mount table before the init mounts there;
 * mr_mount_host_undo detaches every mount below it that is not one of them
 * (what a failed create left on the host). */
struct mr_mount_ids {
	uint64_t *ids;
	size_t n;
	bool taken; /* mr_mount_host_mark succeeded: undo does nothing otherwise */
};
int mr_mount_host_mark(const char *rootfs, struct mr_mount_ids *ids, struct mr_error **err);
void mr_mount_host_undo(const char *rootfs, const struct mr_mount_ids *ids);
void mr_mount_ids_clear(struct mr_mount_ids *ids);

/* The mark of a create without a mount namespace, kept in the container's
 * state dir (dir_fd) as MR_HOST_MOUNTS_NAME: the rootfs path, then the ids
 * it had below it. Saved before the init runs, so that delete, even
 * --force after a crash, detaches what the container mounted on the host
 * (its setup and whatever its processes mounted there later). */
#define MR_HOST_MOUNTS_NAME "host-mounts"
int mr_mount_host_save(int dir_fd, const char *rootfs, const struct mr_mount_ids *ids, struct mr_error **err);
/* Detach what the saved mark says the container added; 0 when there is no
 * mark (a container with its own mount namespace). */
int mr_mount_host_cleanup(int dir_fd, struct mr_error **err);

/* Look up maskedPaths and readonlyPaths in `rootfs` once, so that the
 * dentries and inodes mr_mount_finalize will mount over exist already:
 * done before the init enters its cgroup, their memory is charged to the
 * runtime, not to the container's limit. Errors are for
 * mr_mount_finalize to report. */
void mr_mount_warm_paths(const struct oci_config *cfg, const char *rootfs);

/* After pivot: maskedPaths (files: bind of /dev/null, checked to be char
 * 1:3; dirs: a read-only tmpfs), readonlyPaths (bind + remount ro),
 * root.readonly (remount / read-only). Missing paths are skipped. */
int mr_mount_finalize(const struct oci_config *cfg, struct mr_error **err);

#endif
