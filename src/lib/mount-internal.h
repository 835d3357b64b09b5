/* What mount.c, mount-cgroup.c and mount-idmap.c share; not part of the
 * library's interface. */
#ifndef MINIRUN_MOUNT_INTERNAL_H
#define MINIRUN_MOUNT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/mount.h>

#include "spec/oci-model.gen.h"
#include "util/error.h"

struct mr_cgroup;

/* mount(2) with the target given as the fd `dst_fd` ("/proc/self/fd/N"). */
int mr_mount_at(const char *source, int dst_fd, const char *type, unsigned long flags, const char *data);

/* The id of the mount `fd` is on (statx STATX_MNT_ID). -1 with errno. */
int mr_mount_id(int fd, uint64_t *id);

/* chroot into `rootfs` and chdir("/") (no mount namespace of its own). */
int mr_mount_chroot(const char *rootfs, struct mr_error **err);

/* Remount the bind mount at `fd` with the per-mount `flags` (MS_RDONLY,
 * MS_NOSUID, ...), keeping the flags the kernel locks. -1 with errno. */
int mr_mount_remount_bind(int fd, unsigned long flags);

/* After mounting on `old_fd` (the destination `dest` inside root_fd): an
 * O_PATH fd of the new mount's root, checked to be another mount. */
int mr_mount_reopen(int root_fd, const char *dest, int old_fd, struct mr_error **err);

/* Copy the contents of the directory `from` into the directory `to`,
 * keeping modes, owners, times and symlinks (tmpcopyup). */
int mr_mount_copy_up(int from, int to, struct mr_error **err);

/* mounts[i].options sorted by what they do. */
struct mr_mount_opts {
	unsigned long flags; /* mount(2) MS_* */
	unsigned long *propagation; /* in order, applied after the mount */
	size_t n_propagation;
	struct mount_attr rattr; /* rro, rnosuid, ... (mount_setattr, AT_RECURSIVE) */
	bool has_rattr;
	char *data; /* everything else, joined with "," */
	bool tmpcopyup, idmap, ridmap;
};

struct mr_mount_ctx;

/* A kind of mount (mount.c's table): how it is made, and what is
 * particular to it. */
struct mr_mount_type {
	const char *name; /* mounts[].type */
	int (*mount)(struct mr_mount_ctx *c, struct mr_error **err);
	const char *fallback; /* a new instance refused (EPERM): bind this host path */
	bool ordinary_dir; /* only on a directory (or a missing one), never a symlink */
	bool copyup; /* tmpcopyup allowed */
};

/* One mounts[] entry on its way to its destination: what a type's mount
 * function gets. The fds are closed by mount.c once it is done. */
struct mr_mount_ctx {
	const struct oci_config *cfg;
	const struct oci_mount *m;
	struct mr_mount_opts opts;
	const struct mr_mount_type *type;
	int root_fd; /* the rootfs */
	int dst_fd; /* m->destination, resolved (and made) inside it */
	int tree; /* the source opened by the runtime (mount-source.c), or -1: taken (set -1) by who uses it */
	int copy_from; /* tmpcopyup: the directory the new tmpfs hides, or -1 */
	int mounted; /* the new mount, when the type's function reopened it; else -1 */
	const struct mr_cgroup *cg; /* the container's, for a cgroup mount */
	bool cg_pending; /* the init is not in cg yet */
};

/* type "cgroup": on a cgroup v2 host a cgroup2 mount; on a v1 (hybrid) host
 * a tmpfs with one mount per host hierarchy (and "unified"). Without a
 * cgroup namespace, binds of our own cgroup in each hierarchy instead; and
 * binds of cg's when cg_pending (the init is not in it yet). */
int mr_mount_cgroup(struct mr_mount_ctx *c, struct mr_error **err);

/* A detached, idmapped copy of m->source's mount (tree) (mounts[].uidMappings/
 * gidMappings, or linux.uidMappings/gidMappings for a bare "idmap"). */
int mr_mount_idmapped_tree(const struct oci_config *cfg, const struct oci_mount *m, bool recursive, bool ridmap,
			   struct mr_error **err);

/* Bind m->source on dst_fd through an idmapped mount: `prepared` (a tree
 * from mr_mount_sources_prepare, consumed) or one made now. */
int mr_mount_idmapped_bind(const struct oci_config *cfg, const struct oci_mount *m, bool recursive, bool ridmap,
			   int prepared, int dst_fd, struct mr_error **err);

/* move_mount the detached mount `tree` onto dst_fd; errors say "attach
 * WHAT SOURCE". */
int mr_mount_attach_tree(int tree, int dst_fd, const char *what, const char *source, struct mr_error **err);

/* For a container with a user namespace: its linux.devices made as nodes
 * by the runtime (mode, and the host ids its uid and gid map to), fds[i] a
 * detached bind of each (-1 for fifos), as crun does. fds has
 * linux.devices_len entries. */
int mr_dev_prepare(const struct oci_config *cfg, int *fds, struct mr_error **err);

#endif
