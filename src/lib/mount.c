/* config.json mounts[], in order: each entry's options sorted by what they
 * do (mount-options.c), its destination resolved (and made) inside the
 * rootfs, then its type's handler from one table (a bind, a cgroup mount,
 * or a filesystem by name, with what is particular to proc, sysfs, mqueue
 * and tmpfs), then what acts on the new mount itself (tmpcopyup, recursive
 * attributes, propagation).
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
 * MOVE_MOUNT_T_EMPTY_PATH) onto the destination fd (mount-fd.c). cgroup
 * mounts are in mount-cgroup.c, idmapped binds in mount-idmap.c. */
#include "mount.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mount-internal.h"
#include "mount-options.h"
#include "util/cleanup.h"
#include "util/path.h"
#include "util/syscalls.h"

static void mount_opts_clear(struct mr_mount_opts *o)
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

static int parse_options(const struct oci_mount *m, struct mr_mount_opts *o)
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

/* A bind mount: of the source the runtime opened (c->tree), or of the path.
 * A bind ignores every flag but MS_REC: ro, nosuid, ... need a remount of
 * the new mount, only when some were asked for (like runc). */
static int mount_bind(struct mr_mount_ctx *c, struct mr_error **err)
{
	const struct oci_mount *m = c->m;
	const struct mr_mount_opts *o = &c->opts;
	unsigned long rec = o->flags & MS_REC;
	int tree = c->tree;

	c->tree = -1;
	if (o->idmap || o->ridmap || m->uid_mappings_len || m->gid_mappings_len) {
		if (mr_mount_idmapped_bind(c->cfg, m, rec != 0, o->ridmap, tree, c->dst_fd, err) < 0)
			return -1;
	} else if (tree >= 0) {
		int r = mr_mount_attach_tree(tree, c->dst_fd, "bind source", m->source, err);

		close(tree);
		if (r < 0)
			return -1;
	} else if (mr_mount_at(m->source, c->dst_fd, NULL, MS_BIND | rec, NULL) < 0) {
		return mr_error_sys(err, errno, "bind %s", m->source);
	}
	if (!(o->flags & ~(MS_BIND | MS_REC | MS_REMOUNT)))
		return 0;
	c->mounted = mr_mount_reopen(c->root_fd, m->destination, c->dst_fd, err);
	if (c->mounted < 0)
		return -1;
	if (mr_mount_remount_bind(c->mounted, o->flags & ~MS_REMOUNT) < 0)
		return mr_error_sys(err, errno, "remount bind of %s", m->source);
	return 0;
}

/* Any filesystem by type name (tmpfs, proc, sysfs, devpts, mqueue, overlay,
 * cgroup2, ...). A read-only tmpfs to copy up into is filled first and made
 * read-only after (mount_after). */
static int mount_fs(struct mr_mount_ctx *c, struct mr_error **err)
{
	const struct oci_mount *m = c->m;
	const char *source = m->source ? m->source : m->type;
	const char *fallback = c->type->fallback;
	unsigned long flags = c->opts.flags & ~(MS_BIND | MS_REC | MS_REMOUNT);

	if (c->copy_from >= 0)
		flags &= ~MS_RDONLY;
	if (mr_mount_at(source, c->dst_fd, m->type, flags, c->opts.data[0] ? c->opts.data : NULL) == 0)
		return 0;
	if (errno != EPERM || fallback == NULL)
		return mr_error_sys(err, errno, "mount %s", m->type);
	if (mr_mount_at(fallback, c->dst_fd, NULL, MS_BIND | MS_REC, NULL) < 0)
		return mr_error_sys(err, errno, "mount %s (and bind of %s)", m->type, fallback);
	c->mounted = mr_mount_reopen(c->root_fd, m->destination, c->dst_fd, err);
	if (c->mounted < 0)
		return -1;
	if (mr_mount_remount_bind(c->mounted, flags) < 0)
		return mr_error_sys(err, errno, "remount bind of %s", fallback);
	return 0;
}

/* What each kind of mount needs. */
static const struct mr_mount_type bind_type = { "bind", mount_bind, NULL, false, false };
static const struct mr_mount_type other_fs = { NULL, mount_fs, NULL, false, false };
static const struct mr_mount_type types[] = {
	{ "cgroup", mr_mount_cgroup, NULL, false, false },
	/* proc and sysfs go on a real directory (or a missing one), never
	 * through a symlink, even one contained in the rootfs: what the rest
	 * of the setup and LSM policies call /proc must be procfs (runc
	 * refuses the same way). In a user namespace that does not own the
	 * network (sysfs) or IPC (mqueue) namespace, a new instance is
	 * refused: bind the host's, as crun does (runc leaves it to the
	 * spec's generator). */
	{ "proc", mount_fs, NULL, true, false },
	{ "sysfs", mount_fs, "/sys", true, false },
	{ "mqueue", mount_fs, "/dev/mqueue", false, false },
	{ "tmpfs", mount_fs, NULL, false, true },
};

static const struct mr_mount_type *mount_type(const char *name)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(types[i].name, name) == 0)
			return &types[i];
	return &other_fs;
}

/* What is applied to the new mount itself: the copy-up (then the
 * read-only flag it had to wait for), recursive attributes, propagation. */
static int mount_after(const struct mr_mount_ctx *c, int mounted, struct mr_error **err)
{
	const struct mr_mount_opts *o = &c->opts;
	char path[MR_PATH_FD_SIZE];

	if (c->copy_from >= 0 && mr_mount_copy_up(c->copy_from, mounted, err) < 0)
		return mr_error_prefix(err, "tmpcopyup");
	if (c->copy_from >= 0 && (o->flags & MS_RDONLY) &&
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

/* `dest` is a directory in the rootfs, or missing; not a symlink. */
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

/* Sort the options, pick the type, check what the type allows; sets
 * *is_file for a bind of anything but a directory. */
static int classify(struct mr_mount_ctx *c, bool *is_file, struct mr_error **err)
{
	const struct oci_mount *m = c->m;
	struct mr_mount_opts *o = &c->opts;
	bool idmapped = o->idmap || o->ridmap || m->uid_mappings_len || m->gid_mappings_len;
	struct stat st;

	if (parse_options(m, o) < 0)
		return mr_error_sys(err, ENOMEM, "options");
	if (!(o->flags & MS_BIND) && (m->type == NULL || strcmp(m->type, "bind") != 0)) {
		if (m->type == NULL)
			return mr_error_set(err, EINVAL, "no type (and not a bind mount)");
		c->type = mount_type(m->type);
		if (o->tmpcopyup && !c->type->copyup)
			return mr_error_set(err, EINVAL, "tmpcopyup is only for tmpfs");
		if (idmapped)
			return mr_error_set(err, EINVAL, "idmapped mounts are only supported for bind mounts");
		if (c->type->ordinary_dir && !ordinary_directory(c->root_fd, m->destination))
			return mr_error_set(err, EINVAL, "%s must be mounted on an ordinary directory", m->type);
		return 0;
	}
	c->type = &bind_type;
	o->flags |= MS_BIND;
	if (m->source == NULL)
		return mr_error_set(err, EINVAL, "bind mount without a source");
	if ((c->tree >= 0 ? fstat(c->tree, &st) : stat(m->source, &st)) < 0)
		return mr_error_sys(err, errno, "bind source %s", m->source);
	*is_file = !S_ISDIR(st.st_mode);
	if (o->tmpcopyup)
		return mr_error_set(err, EINVAL, "tmpcopyup is only for tmpfs");
	return 0;
}

static int mount_one(struct mr_mount_ctx *c, struct mr_error **err)
{
	bool is_file = false;
	int mounted;

	if (classify(c, &is_file, err) < 0)
		return -1;
	c->dst_fd = mr_path_mkdir_in_root(c->root_fd, c->m->destination, 0755, is_file, err);
	if (c->dst_fd < 0)
		return -1;
	/* The directory's own contents, to copy into the tmpfs that will hide
	 * them (the fd keeps reaching the covered directory). */
	if (c->opts.tmpcopyup) {
		c->copy_from = openat(c->dst_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (c->copy_from < 0)
			return mr_error_sys(err, errno, "tmpcopyup: open %s", c->m->destination);
	}
	if (c->type->mount(c, err) < 0)
		return -1;
	if (!c->opts.has_rattr && !c->opts.n_propagation && c->copy_from < 0)
		return 0;
	mounted = c->mounted >= 0 ? c->mounted : mr_mount_reopen(c->root_fd, c->m->destination, c->dst_fd, err);
	if (mounted < 0)
		return -1;
	if (c->mounted < 0)
		c->mounted = mounted;
	return mount_after(c, mounted, err);
}

static void ctx_clear(struct mr_mount_ctx *c)
{
	int *fds[] = { &c->dst_fd, &c->mounted, &c->copy_from, &c->tree };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0)
			close(*fds[i]);
	mount_opts_clear(&c->opts);
}

int mr_mount_all(const struct oci_config *cfg, const char *rootfs, struct mr_mount_sources *sources,
		 const struct mr_cgroup *cg, bool cg_pending, struct mr_error **err)
{
	cleanup_close int root_fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (root_fd < 0)
		return mr_error_sys(err, errno, "open rootfs %s", rootfs);
	for (size_t i = 0; i < cfg->mounts_len; i++) {
		struct mr_mount_ctx c = {
			.cfg = cfg,
			.m = &cfg->mounts[i],
			.root_fd = root_fd,
			.dst_fd = -1,
			.tree = mr_mount_sources_take(sources, i), /* consumed by its mount */
			.copy_from = -1,
			.mounted = -1,
			.cg = cg,
			.cg_pending = cg_pending,
		};
		int ret;

		if (c.m->destination == NULL) {
			ctx_clear(&c);
			return mr_error_set(err, EINVAL, "mounts[%zu]: no destination", i);
		}
		ret = mount_one(&c, err);
		ctx_clear(&c);
		if (ret < 0)
			return mr_error_prefix(err, "mounts[%zu] (%s)", i, c.m->destination);
	}
	return 0;
}
