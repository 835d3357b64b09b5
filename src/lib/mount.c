/* How a mount reaches its destination. Every destination is resolved inside
 * the rootfs (util/path.c) to an O_PATH fd, and mount(2) is pointed at
 * "/proc/self/fd/N": that magic link resolves to exactly the dentry the fd
 * holds, so a symlink swapped in afterwards cannot redirect the mount.
 *
 * mount(2) rather than the new mount API (fsopen/fsconfig/fsmount/
 * move_mount) for filesystems and plain binds: config.json options are
 * mount(8)-style strings that mount(2) hands to the filesystem unchanged,
 * while fsconfig wants each key classified (sb flag, flag, string) and some
 * filesystems still parse the two paths differently; mount(2) also behaves
 * exactly as runc's does, option for option, on every kernel. What only the
 * new API can do uses it: recursive attributes (rro, rnosuid, ...) are
 * mount_setattr(AT_RECURSIVE), and an idmapped bind is open_tree(
 * OPEN_TREE_CLONE) + mount_setattr(MOUNT_ATTR_IDMAP) + move_mount(
 * MOVE_MOUNT_T_EMPTY_PATH) onto the destination fd.
 *
 * The fd we mounted on still names the dentry *under* the new mount, so what
 * must act on the new mount (remount, propagation, mount_setattr, copy-up)
 * resolves the destination again and checks that it landed on another mount
 * (mr_mount_reopen). cgroup mounts are in mount-cgroup.c, idmapped binds in
 * mount-idmap.c. */
#include "mount.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mount-internal.h"
#include "mount-options.h"
#include "util/cleanup.h"
#include "util/mountinfo.h"
#include "util/path.h"
#include "util/syscalls.h"

#define FD_PATH_SIZE 32

int mr_mount_at(const char *source, int dst_fd, const char *type, unsigned long flags, const char *data)
{
	char target[FD_PATH_SIZE];

	return mount(source, mr_path_fd(target, sizeof(target), dst_fd), type, flags, data);
}

/* The per-mount flags the mount at fd has now, as MS_* (statfs reports them
 * as ST_*, mostly the same bits but not all). */
static int current_flags(int fd, unsigned long *flags)
{
	static const struct {
		unsigned long st, ms;
	} map[] = {
		{ ST_RDONLY, MS_RDONLY },	{ ST_NOSUID, MS_NOSUID },	  { ST_NODEV, MS_NODEV },
		{ ST_NOEXEC, MS_NOEXEC },	{ ST_SYNCHRONOUS, MS_SYNCHRONOUS }, { ST_MANDLOCK, MS_MANDLOCK },
		{ ST_NOATIME, MS_NOATIME },	{ ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME },
	};
	struct statfs sfs;

	if (fstatfs(fd, &sfs) < 0)
		return -1;
	*flags = 0;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if ((unsigned long)sfs.f_flags & map[i].st)
			*flags |= map[i].ms;
	return 0;
}

int mr_mount_remount_bind(int fd, unsigned long flags)
{
	unsigned long have;

	/* MS_REMOUNT|MS_BIND sets the per-mount flags to exactly `flags`. A
	 * mount copied from a more privileged namespace has its flags locked
	 * (MNT_LOCK_*): clearing one fails with EPERM. Then keep what the mount
	 * already has, as runc does. */
	flags = (flags & ~MS_REC) | MS_REMOUNT | MS_BIND;
	if (mr_mount_at(NULL, fd, NULL, flags, NULL) == 0)
		return 0;
	if (errno != EPERM || current_flags(fd, &have) < 0)
		return -1;
	if (flags & (MS_NOATIME | MS_RELATIME | MS_STRICTATIME))
		have &= ~(MS_NOATIME | MS_RELATIME);
	return mr_mount_at(NULL, fd, NULL, flags | have, NULL);
}

int mr_mount_id(int fd, uint64_t *id)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0)
		return -1;
	if (!(stx.stx_mask & STATX_MNT_ID)) {
		errno = ENOSYS;
		return -1;
	}
	*id = stx.stx_mnt_id;
	return 0;
}

int mr_mount_reopen(int root_fd, const char *dest, int old_fd, struct mr_error **err)
{
	uint64_t before, after;
	int fd = mr_path_open_in_root(root_fd, dest, O_PATH, err);

	if (fd < 0)
		return -1;
	if (mr_mount_id(old_fd, &before) == 0 && mr_mount_id(fd, &after) == 0 && before == after) {
		close(fd);
		return mr_error_set(err, EAGAIN, "%s changed while it was being mounted on", dest);
	}
	return fd;
}

/* A regular file's bytes, then its owner, mode (after chown, which drops
 * setuid bits) and times. */
static int copy_file(int from_dir, int to_dir, const char *name, const struct stat *st)
{
	cleanup_close int in = openat(from_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_close int out = -1;
	struct timespec times[2] = { st->st_atim, st->st_mtim };
	char buf[65536];

	if (in < 0)
		return -1;
	out = openat(to_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return -1;
	for (;;) {
		ssize_t n = sendfile(out, in, NULL, 1 << 30);

		if (n == 0)
			break;
		if (n > 0)
			continue;
		if (errno != EINVAL && errno != ENOSYS)
			return -1;
		/* No sendfile between these two: plain copy. */
		while ((n = read(in, buf, sizeof(buf))) != 0) {
			if (n < 0 || write(out, buf, n) != n)
				return -1;
		}
		break;
	}
	if (fchown(out, st->st_uid, st->st_gid) < 0 || fchmod(out, st->st_mode & 07777) < 0)
		return -1;
	return futimens(out, times);
}

static int copy_tree(int from, int to, struct mr_error **err);

static int copy_entry(int from, int to, const char *name, struct mr_error **err)
{
	struct stat st;
	struct timespec times[2];

	if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return mr_error_sys(err, errno, "stat %s", name);
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	if (S_ISREG(st.st_mode)) {
		if (copy_file(from, to, name, &st) < 0)
			return mr_error_sys(err, errno, "copy %s", name);
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		cleanup_close int sub_from = -1;
		cleanup_close int sub_to = -1;

		if (mkdirat(to, name, 0700) < 0)
			return mr_error_sys(err, errno, "mkdir %s", name);
		sub_from = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		sub_to = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub_from < 0 || sub_to < 0)
			return mr_error_sys(err, errno, "open %s", name);
		if (copy_tree(sub_from, sub_to, err) < 0)
			return mr_error_prefix(err, "%s", name);
		/* Mode and times last: a read-only directory was filled first. */
		if (fchown(sub_to, st.st_uid, st.st_gid) < 0 || fchmod(sub_to, st.st_mode & 07777) < 0 ||
		    futimens(sub_to, times) < 0)
			return mr_error_sys(err, errno, "set owner and mode of %s", name);
		return 0;
	}
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(from, name, target, sizeof(target) - 1);

		if (n < 0)
			return mr_error_sys(err, errno, "readlink %s", name);
		target[n] = '\0';
		if (symlinkat(target, to, name) < 0)
			return mr_error_sys(err, errno, "symlink %s", name);
	} else if (mknodat(to, name, st.st_mode & ~07777, st.st_rdev) < 0) {
		return mr_error_sys(err, errno, "mknod %s", name);
	}
	if (fchownat(to, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
	    (!S_ISLNK(st.st_mode) && fchmodat(to, name, st.st_mode & 07777, 0) < 0) ||
	    utimensat(to, name, times, AT_SYMLINK_NOFOLLOW) < 0)
		return mr_error_sys(err, errno, "set owner and mode of %s", name);
	return 0;
}

static int copy_tree(int from, int to, struct mr_error **err)
{
	int fd = openat(from, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	DIR *dir;
	int ret = 0;

	if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return mr_error_sys(err, errno, "read directory");
	}
	while (ret == 0 && (errno = 0, de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		ret = copy_entry(from, to, de->d_name, err);
	}
	if (ret == 0 && errno != 0)
		ret = mr_error_sys(err, errno, "read directory");
	closedir(dir);
	return ret;
}

int mr_mount_copy_up(int from, int to, struct mr_error **err)
{
	cleanup_close int to_dir = openat(to, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (to_dir < 0)
		return mr_error_sys(err, errno, "open the new tmpfs");
	return copy_tree(from, to_dir, err);
}

/* mounts[].options sorted by what they do. */
struct mount_opts {
	unsigned long flags; /* mount(2) MS_* */
	unsigned long *propagation; /* in order, applied after the mount */
	size_t n_propagation;
	struct mount_attr rattr; /* rro, rnosuid, ... (mount_setattr, AT_RECURSIVE) */
	bool has_rattr;
	char *data; /* everything else, joined with "," */
	bool tmpcopyup, idmap, ridmap;
};

static void mount_opts_clear(struct mount_opts *o)
{
	free(o->propagation);
	free(o->data);
}

static void add_recursive_attr(struct mount_attr *a, const struct mr_mount_option *d)
{
	uint64_t v = d->value;

	if (v == MOUNT_ATTR_RELATIME || (v & MOUNT_ATTR__ATIME)) {
		/* The atime modes are one value, not bits: to change it the kernel
		 * wants all of MOUNT_ATTR__ATIME in attr_clr and the mode in attr_set.
		 * Clearing a mode ("ratime") goes back to the default, relatime;
		 * "rnorelatime" means strictatime. */
		a->attr_clr |= MOUNT_ATTR__ATIME;
		a->attr_set &= ~(uint64_t)MOUNT_ATTR__ATIME;
		if (!d->clear)
			a->attr_set |= v;
		else if (v == MOUNT_ATTR_RELATIME)
			a->attr_set |= MOUNT_ATTR_STRICTATIME;
		return;
	}
	if (d->clear) {
		a->attr_clr |= v;
		a->attr_set &= ~v;
	} else {
		a->attr_set |= v;
		a->attr_clr &= ~v;
	}
}

static int parse_options(const struct oci_mount *m, struct mount_opts *o)
{
	size_t data_len = 0;

	o->propagation = calloc(m->options_len + 1, sizeof(*o->propagation));
	if (o->propagation == NULL)
		return -1;
	for (size_t i = 0; i < m->options_len; i++)
		data_len += strlen(m->options[i]) + 1;
	o->data = calloc(1, data_len + 1);
	if (o->data == NULL)
		return -1;
	for (size_t i = 0; i < m->options_len; i++) {
		const char *name = m->options[i];
		const struct mr_mount_option *d = mr_mount_option_find(name);

		if (d == NULL) {
			if (o->data[0])
				strcat(o->data, ",");
			strcat(o->data, name);
			continue;
		}
		switch (d->kind) {
		case MR_MOUNT_FLAG:
			if (d->clear)
				o->flags &= ~(unsigned long)d->value;
			else
				o->flags |= d->value;
			break;
		case MR_MOUNT_PROPAGATION:
			o->propagation[o->n_propagation++] = d->value;
			break;
		case MR_MOUNT_RECURSIVE_ATTR:
			add_recursive_attr(&o->rattr, d);
			o->has_rattr = true;
			break;
		case MR_MOUNT_EXTENSION:
			o->tmpcopyup |= strcmp(name, "tmpcopyup") == 0;
			o->idmap |= strcmp(name, "idmap") == 0;
			o->ridmap |= strcmp(name, "ridmap") == 0;
			break;
		}
	}
	return 0;
}

/* A bind mount; `dst_fd` is the destination, `*mounted` gets the new mount
 * when something had to be applied to it (-1 otherwise). `tree` is the
 * source opened by the runtime (mount-source.c), consumed, or -1. */
static int mount_bind(const struct oci_config *cfg, const struct oci_mount *m, const struct mount_opts *o, int tree,
		      int root_fd, int dst_fd, int *mounted, struct mr_error **err)
{
	unsigned long rec = o->flags & MS_REC;
	bool idmapped = o->idmap || o->ridmap || m->uid_mappings_len || m->gid_mappings_len;

	if (idmapped) {
		if (mr_mount_idmapped_bind(cfg, m, rec != 0, o->ridmap, tree, dst_fd, err) < 0)
			return -1;
	} else if (tree >= 0) {
		int r = mr_mount_attach_tree(tree, dst_fd, "bind source", m->source, err);

		close(tree);
		if (r < 0)
			return -1;
	} else if (mr_mount_at(m->source, dst_fd, NULL, MS_BIND | rec, NULL) < 0) {
		return mr_error_sys(err, errno, "bind %s", m->source);
	}
	/* A bind ignores every flag but MS_REC: ro, nosuid, ... need a remount
	 * of the new mount, only when some were asked for (like runc). */
	if (!(o->flags & ~(MS_BIND | MS_REC | MS_REMOUNT)))
		return 0;
	*mounted = mr_mount_reopen(root_fd, m->destination, dst_fd, err);
	if (*mounted < 0)
		return -1;
	if (mr_mount_remount_bind(*mounted, o->flags & ~MS_REMOUNT) < 0)
		return mr_error_sys(err, errno, "remount bind of %s", m->source);
	return 0;
}

/* Any filesystem by type name (tmpfs, proc, sysfs, devpts, mqueue, overlay,
 * cgroup2, ...). */
static int mount_fs(const struct oci_mount *m, const struct mount_opts *o, int root_fd, int dst_fd, int *mounted,
		    struct mr_error **err)
{
	const char *source = m->source ? m->source : m->type;
	unsigned long flags = o->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
	const char *fallback = NULL;

	if (mr_mount_at(source, dst_fd, m->type, flags, o->data[0] ? o->data : NULL) == 0)
		return 0;
	/* In a user namespace that does not own the network (sysfs) or IPC
	 * (mqueue) namespace, a new instance is refused: bind the host's, as
	 * crun does (runc leaves it to the spec's generator). */
	if (errno == EPERM && strcmp(m->type, "sysfs") == 0)
		fallback = "/sys";
	else if (errno == EPERM && strcmp(m->type, "mqueue") == 0)
		fallback = "/dev/mqueue";
	if (fallback == NULL)
		return mr_error_sys(err, errno, "mount %s", m->type);
	if (mr_mount_at(fallback, dst_fd, NULL, MS_BIND | MS_REC, NULL) < 0)
		return mr_error_sys(err, errno, "mount %s (and bind of %s)", m->type, fallback);
	*mounted = mr_mount_reopen(root_fd, m->destination, dst_fd, err);
	if (*mounted < 0)
		return -1;
	if (mr_mount_remount_bind(*mounted, flags) < 0)
		return mr_error_sys(err, errno, "remount bind of %s", fallback);
	return 0;
}

/* What is applied to the new mount itself: the copy-up (then the
 * read-only flag it had to wait for), recursive attributes, propagation. */
static int mount_after(const struct mount_opts *o, int mounted, int copy_from, struct mr_error **err)
{
	char path[FD_PATH_SIZE];

	if (copy_from >= 0 && mr_mount_copy_up(copy_from, mounted, err) < 0)
		return mr_error_prefix(err, "tmpcopyup");
	if (copy_from >= 0 && (o->flags & MS_RDONLY) &&
	    mr_mount_remount_bind(mounted, o->flags & ~(MS_BIND | MS_REC | MS_REMOUNT)) < 0)
		return mr_error_sys(err, errno, "tmpcopyup: remount read-only");
	if (o->has_rattr) {
		struct mount_attr attr = o->rattr;

		if (mount_setattr(mounted, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
			return mr_error_sys(err, errno, "set recursive mount attributes");
	}
	for (size_t i = 0; i < o->n_propagation; i++)
		if (mount(NULL, mr_path_fd(path, sizeof(path), mounted), NULL, o->propagation[i], NULL) < 0)
			return mr_error_sys(err, errno, "set propagation");
	return 0;
}

/* proc and sysfs go on a real directory (or a missing one), never through a
 * symlink, even one contained in the rootfs: what the rest of the setup and
 * LSM policies call /proc must be procfs (runc refuses the same way). */
static bool ordinary_directory(int root_fd, const char *dest)
{
	struct mr_error *e = NULL;
	struct stat st;
	int fd = mr_path_open_in_root(root_fd, dest, O_PATH | O_NOFOLLOW, &e);
	bool ok;

	if (fd < 0) {
		ok = e && e->errnum == ENOENT;
		mr_error_free(e);
		return ok;
	}
	ok = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
	close(fd);
	return ok;
}

static int mount_one(const struct oci_config *cfg, const struct oci_mount *m, int source_tree, int root_fd,
		     const struct mr_cgroup *cg, bool cg_pending, struct mr_error **err)
{
	struct mount_opts o = { 0 }, fs_opts;
	cleanup_close int tree = source_tree; /* until mount_bind takes it */
	cleanup_close int dst_fd = -1;
	cleanup_close int mounted = -1;
	cleanup_close int copy_from = -1;
	bool bind, is_file = false;
	int ret = -1;

	if (parse_options(m, &o) < 0) {
		mr_error_sys(err, ENOMEM, "options");
		goto out;
	}
	bind = (o.flags & MS_BIND) || (m->type && strcmp(m->type, "bind") == 0);
	if (bind) {
		struct stat st;

		o.flags |= MS_BIND;
		if (m->source == NULL) {
			mr_error_set(err, EINVAL, "bind mount without a source");
			goto out;
		}
		if ((tree >= 0 ? fstat(tree, &st) : stat(m->source, &st)) < 0) {
			mr_error_sys(err, errno, "bind source %s", m->source);
			goto out;
		}
		is_file = !S_ISDIR(st.st_mode);
	} else if (m->type == NULL) {
		mr_error_set(err, EINVAL, "no type (and not a bind mount)");
		goto out;
	}
	if (o.tmpcopyup && (bind || strcmp(m->type, "tmpfs") != 0)) {
		mr_error_set(err, EINVAL, "tmpcopyup is only for tmpfs");
		goto out;
	}
	if (!bind && (o.idmap || o.ridmap || m->uid_mappings_len || m->gid_mappings_len)) {
		mr_error_set(err, EINVAL, "idmapped mounts are only supported for bind mounts");
		goto out;
	}

	if (!bind && (strcmp(m->type, "proc") == 0 || strcmp(m->type, "sysfs") == 0) &&
	    !ordinary_directory(root_fd, m->destination)) {
		mr_error_set(err, EINVAL, "%s must be mounted on an ordinary directory", m->type);
		goto out;
	}
	dst_fd = mr_path_mkdir_in_root(root_fd, m->destination, 0755, is_file, err);
	if (dst_fd < 0)
		goto out;
	/* The directory's own contents, to copy into the tmpfs that will hide
	 * them (the fd keeps reaching the covered directory). */
	if (o.tmpcopyup) {
		copy_from = openat(dst_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (copy_from < 0) {
			mr_error_sys(err, errno, "tmpcopyup: open %s", m->destination);
			goto out;
		}
	}

	/* A read-only tmpfs is filled first, made read-only after. */
	fs_opts = o;
	if (copy_from >= 0)
		fs_opts.flags &= ~MS_RDONLY;
	if (bind) {
		ret = mount_bind(cfg, m, &o, tree, root_fd, dst_fd, &mounted, err);
		tree = -1;
	} else if (strcmp(m->type, "cgroup") == 0)
		ret = mr_mount_cgroup(cfg, cg, cg_pending, m->destination, root_fd, dst_fd, o.flags, err);
	else
		ret = mount_fs(m, &fs_opts, root_fd, dst_fd, &mounted, err);
	if (ret < 0 || (!o.has_rattr && !o.n_propagation && copy_from < 0))
		goto out;
	ret = -1;
	if (mounted < 0)
		mounted = mr_mount_reopen(root_fd, m->destination, dst_fd, err);
	if (mounted >= 0)
		ret = mount_after(&o, mounted, copy_from, err);
out:
	mount_opts_clear(&o);
	return ret;
}

int mr_mount_all(const struct oci_config *cfg, const char *rootfs, struct mr_mount_sources *sources,
		 const struct mr_cgroup *cg, bool cg_pending, struct mr_error **err)
{
	cleanup_close int root_fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (root_fd < 0)
		return mr_error_sys(err, errno, "open rootfs %s", rootfs);
	for (size_t i = 0; i < cfg->mounts_len; i++) {
		const struct oci_mount *m = &cfg->mounts[i];

		if (m->destination == NULL)
			return mr_error_set(err, EINVAL, "mounts[%zu]: no destination", i);
		/* a prepared tree is consumed (closed) by its mount */
		if (mount_one(cfg, m, mr_mount_sources_take(sources, i), root_fd, cg, cg_pending, err) < 0)
			return mr_error_prefix(err, "mounts[%zu] (%s)", i, m->destination);
	}
	return 0;
}

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
		char src[FD_PATH_SIZE];
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
		char src[FD_PATH_SIZE];

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
