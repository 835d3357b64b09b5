/* The container's /dev: the devices every container has, the usual
 * symlinks, then linux.devices. Each path is resolved inside the rootfs
 * (util/path.c); a node is made with mknodat relative to its parent's fd.
 * In a user namespace mknod of a char or block device is refused (no
 * CAP_MKNOD over the init namespace): the default devices are the host's,
 * bind-mounted onto empty files, as runc does; the linux.devices, which the
 * host may not have and whose mode and owner are the config's, are made by
 * the runtime before the clone, as crun does, in a tmpfs of its own that
 * only a short-lived private mount namespace ever shows, owned by the host
 * ids that the container's user namespace maps the config's uid and gid
 * to, and handed to the init as detached binds of each node
 * (mr_dev_prepare). The init's
 * part runs before pivot_root, so host paths (/dev/null, /proc/kcore) are
 * the host's. */
#include "mount.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mount-internal.h"
#include "mount-options.h"
#include "spec/config.h"
#include "util/cleanup.h"
#include "util/path.h"
#include "util/syscalls.h"

struct dev_node {
	const char *path;
	mode_t type; /* S_IFCHR, S_IFBLK, S_IFIFO */
	unsigned major, minor;
	mode_t mode;
	uid_t uid;
	gid_t gid;
};

static const struct dev_node default_devices[] = {
	{ "/dev/null", S_IFCHR, 1, 3, 0666, 0, 0 },    { "/dev/zero", S_IFCHR, 1, 5, 0666, 0, 0 },
	{ "/dev/full", S_IFCHR, 1, 7, 0666, 0, 0 },    { "/dev/random", S_IFCHR, 1, 8, 0666, 0, 0 },
	{ "/dev/urandom", S_IFCHR, 1, 9, 0666, 0, 0 }, { "/dev/tty", S_IFCHR, 5, 0, 0666, 0, 0 },
};

static const struct {
	const char *path, *target;
} default_links[] = {
	{ "/dev/fd", "/proc/self/fd" },		{ "/dev/stdin", "/proc/self/fd/0" },
	{ "/dev/stdout", "/proc/self/fd/1" }, { "/dev/stderr", "/proc/self/fd/2" },
	{ "/dev/core", "/proc/kcore" },
};

/* A /dev path of linux.devices or of a mount destination, without the
 * doubled and trailing slashes that name the same file. */
static bool same_path(const char *a, const char *b)
{
	for (;;) {
		while (a[0] == '/' && (a[1] == '/' || a[1] == '\0'))
			a++;
		while (b[0] == '/' && (b[1] == '/' || b[1] == '\0'))
			b++;
		if (*a != *b)
			return false;
		if (*a == '\0')
			return true;
		a++;
		b++;
	}
}

/* True when config.json bind-mounts something (the host's /dev) on /dev:
 * then /dev is left as it is. */
static bool dev_is_bound(const struct oci_config *cfg)
{
	for (size_t i = 0; i < cfg->mounts_len; i++) {
		const struct oci_mount *m = &cfg->mounts[i];

		if (m->destination && same_path(m->destination, "/dev") && mr_mount_is_bind(m))
			return true;
	}
	return false;
}

/* Bind a node onto an empty file: the runtime's (`tree`, consumed), or
 * else the host's at the same path. */
static int bind_node(int dir_fd, const char *name, const struct dev_node *d, int tree, struct mr_error **err)
{
	cleanup_close int fd = openat(dir_fd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0);
	cleanup_close int node = tree;
	char target[MR_PATH_FD_SIZE];

	if (fd < 0)
		return mr_error_sys(err, errno, "%s: create", d->path);
	close(fd);
	fd = openat(dir_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return mr_error_sys(err, errno, "%s: open", d->path);
	if (node >= 0)
		return mr_mount_attach_tree(node, fd, "the node made for", d->path, err);
	if (mount(d->path, mr_path_fd(target, sizeof(target), fd), NULL, MS_BIND, NULL) < 0)
		return mr_error_sys(err, errno, "%s: bind from the host", d->path);
	return 0;
}

/* `tree`: the node made by the runtime for it (consumed), or -1. */
static int make_node(int root_fd, const struct dev_node *d, bool in_userns, int tree, struct mr_error **err)
{
	cleanup_free char *name = NULL;
	cleanup_close int node = tree;
	cleanup_close int dir_fd = mr_path_open_parent_in_root(root_fd, d->path, &name, err);

	if (dir_fd < 0)
		return mr_error_prefix(err, "%s", d->path);
	/* Replace whatever the rootfs has there (a directory is an error). */
	if (unlinkat(dir_fd, name, 0) < 0 && errno != ENOENT)
		return mr_error_sys(err, errno, "%s: remove the existing file", d->path);
	if ((in_userns || node >= 0) && d->type != S_IFIFO) {
		int r = bind_node(dir_fd, name, d, node, err);

		node = -1;
		return r;
	}
	if (mknodat(dir_fd, name, d->type | d->mode, makedev(d->major, d->minor)) < 0) {
		/* No CAP_MKNOD (a user namespace we were not told of, a
		 * restricted host): a bind does the job. */
		if (errno == EPERM && d->type != S_IFIFO)
			return bind_node(dir_fd, name, d, -1, err);
		return mr_error_sys(err, errno, "%s: mknod", d->path);
	}
	if (fchownat(dir_fd, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return mr_error_sys(err, errno, "%s: chown", d->path);
	return 0;
}

/* linux.devices[i] as a node. */
static int config_device(const struct oci_device *dev, struct dev_node *d, struct mr_error **err)
{
	const char *t = dev->type;

	if (dev->path == NULL || t == NULL)
		return mr_error_set(err, EINVAL, "missing path or type");
	if (strcmp(t, "c") == 0 || strcmp(t, "u") == 0)
		d->type = S_IFCHR;
	else if (strcmp(t, "b") == 0)
		d->type = S_IFBLK;
	else if (strcmp(t, "p") == 0)
		d->type = S_IFIFO;
	else
		return mr_error_set(err, EINVAL, "%s: unknown device type \"%s\"", dev->path, t);
	if (d->type != S_IFIFO && (!dev->has_major || !dev->has_minor))
		return mr_error_set(err, EINVAL, "%s: major and minor are required for type %s", dev->path, t);
	d->path = dev->path;
	d->major = d->type == S_IFIFO ? 0 : (unsigned)dev->major;
	d->minor = d->type == S_IFIFO ? 0 : (unsigned)dev->minor;
	d->mode = dev->has_file_mode ? (dev->file_mode & 07777) : 0666;
	d->uid = dev->has_uid ? dev->uid : 0;
	d->gid = dev->has_gid ? dev->gid : 0;
	return 0;
}

static int make_link(int root_fd, const char *path, const char *target, bool replace, struct mr_error **err)
{
	cleanup_free char *name = NULL;
	cleanup_close int dir_fd = mr_path_open_parent_in_root(root_fd, path, &name, err);

	if (dir_fd < 0)
		return mr_error_prefix(err, "%s", path);
	if (replace && unlinkat(dir_fd, name, 0) < 0 && errno != ENOENT)
		return mr_error_sys(err, errno, "%s: remove the existing file", path);
	/* An existing one (a rootfs shipping its own) is kept, as runc does. */
	if (symlinkat(target, dir_fd, name) < 0 && errno != EEXIST)
		return mr_error_sys(err, errno, "%s: symlink to %s", path, target);
	return 0;
}

/* linux.devices lists `path` too: it replaces the default one. */
static bool listed(const struct oci_config *cfg, const char *path)
{
	for (size_t i = 0; cfg->linux && i < cfg->linux->devices_len; i++)
		if (cfg->linux->devices[i].path && same_path(cfg->linux->devices[i].path, path))
			return true;
	return false;
}

static int setup(const struct oci_config *cfg, int root_fd, bool in_userns, struct mr_mount_sources *sources,
		 struct mr_error **err)
{
	for (size_t i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]); i++)
		if (!listed(cfg, default_devices[i].path) && make_node(root_fd, &default_devices[i], in_userns, -1, err) < 0)
			return -1;
	for (size_t i = 0; i < sizeof(default_links) / sizeof(default_links[0]); i++) {
		/* /dev/core only where the host has a /proc/kcore to point at. */
		if (strcmp(default_links[i].path, "/dev/core") == 0 && access("/proc/kcore", F_OK) < 0)
			continue;
		if (make_link(root_fd, default_links[i].path, default_links[i].target, false, err) < 0)
			return -1;
	}
	/* The devpts mount's own ptmx (newinstance), not the host's. */
	if (make_link(root_fd, "/dev/ptmx", "pts/ptmx", true, err) < 0)
		return -1;
	for (size_t i = 0; cfg->linux && i < cfg->linux->devices_len; i++) {
		struct dev_node d;

		int node = mr_mount_sources_take_device(sources, i);

		if (config_device(&cfg->linux->devices[i], &d, err) < 0) {
			if (node >= 0)
				close(node);
			return mr_error_prefix(err, "linux.devices[%zu]", i);
		}
		if (make_node(root_fd, &d, in_userns, node, err) < 0)
			return mr_error_prefix(err, "linux.devices[%zu]", i);
	}
	return 0;
}

int mr_dev_setup(const struct oci_config *cfg, const char *rootfs, bool in_userns, struct mr_mount_sources *sources,
		 struct mr_error **err)
{
	cleanup_close int root_fd = -1;
	mode_t old_umask;
	int ret;

	if (dev_is_bound(cfg))
		return 0;
	root_fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return mr_error_sys(err, errno, "open rootfs %s", rootfs);
	/* Modes exactly as asked (0666 devices, fileMode). */
	old_umask = umask(0);
	ret = setup(cfg, root_fd, in_userns, sources, err);
	umask(old_umask);
	if (ret < 0)
		return mr_error_prefix(err, "devices");
	return 0;
}

/* ---- on the host side, before the clone ---- */

/* One of /proc/PID/{uid,gid}_map as read from our user namespace: the host
 * ids. */
static int read_map(pid_t pid, const char *file, struct oci_id_mapping **out, size_t *n)
{
	char path[64];
	cleanup_fclose FILE *f = NULL;
	unsigned inside, outside, count;

	*out = NULL;
	*n = 0;
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	while (fscanf(f, "%u %u %u", &inside, &outside, &count) == 3) {
		struct oci_id_mapping *grown = realloc(*out, (*n + 1) * sizeof(**out));

		if (grown == NULL)
			return -1;
		*out = grown;
		(*out)[(*n)++] = (struct oci_id_mapping){ .container_id = inside, .host_id = outside, .size = count };
	}
	return 0;
}

/* The maps of the user namespace at `path` (joined, not made: config.json
 * has none for it). A child joins it and waits; its maps, opened from here,
 * show our ids. */
static int joined_maps(const char *path, struct oci_id_mapping **uids, size_t *n_uids, struct oci_id_mapping **gids,
		       size_t *n_gids, struct mr_error **err)
{
	cleanup_close int ns = open(path, O_RDONLY | O_CLOEXEC);
	int ready[2], hold[2], saved = 0;
	char c = 0;
	pid_t pid;

	if (ns < 0)
		return mr_error_sys(err, errno, "open the user namespace %s", path);
	if (pipe2(ready, O_CLOEXEC) < 0)
		return mr_error_sys(err, errno, "pipe");
	if (pipe2(hold, O_CLOEXEC) < 0) {
		close(ready[0]);
		close(ready[1]);
		return mr_error_sys(err, errno, "pipe");
	}
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(hold[1]);
		if (setns(ns, CLONE_NEWUSER) == 0 && write(ready[1], &c, 1) == 1)
			while (read(hold[0], &c, 1) < 0 && errno == EINTR)
				;
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	if (pid < 0 || read(ready[0], &c, 1) != 1 || read_map(pid, "uid_map", uids, n_uids) < 0 ||
	    read_map(pid, "gid_map", gids, n_gids) < 0)
		saved = errno ? errno : EIO;
	close(ready[0]);
	close(hold[1]);
	while (pid > 0 && waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (saved)
		return mr_error_sys(err, saved, "read the maps of the user namespace %s", path);
	return 0;
}

static unsigned overflow_id(const char *file)
{
	cleanup_fclose FILE *f = fopen(file, "re");
	unsigned id = 65534;

	if (f && fscanf(f, "%u", &id) != 1)
		id = 65534;
	return id;
}

/* The host id of the container's `id`; unmapped, the overflow id (which
 * the container sees for any unmapped owner anyway, as crun gives). */
static unsigned host_id(unsigned id, const struct oci_id_mapping *m, size_t n, const char *overflow_file)
{
	for (size_t i = 0; i < n; i++)
		if (id >= m[i].container_id && id - m[i].container_id < m[i].size)
			return m[i].host_id + (id - m[i].container_id);
	return overflow_id(overflow_file);
}

/* The maps that give the host ids of the container's uids and gids. */
struct id_maps {
	const struct oci_id_mapping *uids, *gids;
	size_t n_uids, n_gids;
};

/* linux.devices[i] as a node in `dir`, owned by the host ids of its uid
 * and gid; returns a detached bind of it (-1 with *err). */
static int prepare_node(int dir, size_t i, const struct dev_node *d, const struct id_maps *maps, struct mr_error **err)
{
	char name[32];
	int tree;

	snprintf(name, sizeof(name), "%zu", i);
	if (mknodat(dir, name, d->type | d->mode, makedev(d->major, d->minor)) < 0)
		return mr_error_sys(err, errno, "%s: mknod", d->path);
	if (fchownat(dir, name, host_id(d->uid, maps->uids, maps->n_uids, "/proc/sys/kernel/overflowuid"),
		     host_id(d->gid, maps->gids, maps->n_gids, "/proc/sys/kernel/overflowgid"), AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(dir, name, d->mode, 0) < 0)
		return mr_error_sys(err, errno, "%s: chown and chmod", d->path);
	tree = open_tree(dir, name, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return mr_error_sys(err, errno, "%s: open_tree", d->path);
	return tree;
}

/* In the child: a tmpfs of its own, attached over "/" of its private
 * mount namespace (older kernels, 6.1 among them, let open_tree clone only
 * mounts of the caller's namespace: EINVAL for a detached one), the nodes,
 * their binds. -1 with *err (what it made is closed). */
static int make_nodes(const struct oci_linux *l, const struct id_maps *maps, int *fds, struct mr_error **err)
{
	cleanup_close int fs = -1;
	cleanup_close int dir = -1;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 || (fs = fsopen("tmpfs", FSOPEN_CLOEXEC)) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0700", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 || (dir = fsmount(fs, FSMOUNT_CLOEXEC, 0)) < 0 ||
	    move_mount(dir, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return mr_error_sys(err, errno, "make a tmpfs for the device nodes");
	for (size_t i = 0; i < l->devices_len; i++) {
		struct dev_node d;

		if (config_device(&l->devices[i], &d, err) < 0 ||
		    (d.type != S_IFIFO && (fds[i] = prepare_node(dir, i, &d, maps, err)) < 0)) {
			for (size_t k = 0; k < i; k++)
				if (fds[k] >= 0)
					close(fds[k]);
			return mr_error_prefix(err, "linux.devices[%zu]", i);
		}
	}
	return 0;
}

/* The nodes are made by a child that shares our fd table (CLONE_FILES)
 * in a mount namespace of its own (CLONE_NEWNS): nothing it mounts reaches
 * ours or the host's, and the binds it makes land in our fd table. It
 * reports the fd numbers, or its error, through a pipe; its namespace dies
 * with it, the binds keep their tmpfs. */
static int make_nodes_in_child(const struct oci_linux *l, const struct id_maps *maps, int *fds, struct mr_error **err)
{
	struct mr_clone_args args = { .flags = CLONE_FILES | CLONE_NEWNS, .exit_signal = SIGCHLD };
	size_t size = l->devices_len * sizeof(int);
	char msg[1024];
	int report[2], status = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(report, O_CLOEXEC) < 0)
		return mr_error_sys(err, errno, "devices: pipe");
	pid = mr_clone3(&args);
	if (pid == 0) {
		struct mr_error *e = NULL;
		int code = 0;

		/* (nothing to close here: the fd table is the parent's) */
		if (make_nodes(l, maps, fds, &e) < 0) {
			code = e && e->errnum > 0 && e->errnum < 256 ? e->errnum : EIO;
			if (write(report[1], e && e->msg ? e->msg : "failed", strlen(e && e->msg ? e->msg : "failed")) < 0)
				code = EIO;
		} else if (write(report[1], fds, size) != (ssize_t)size) {
			code = EIO;
		}
		_exit(code);
	}
	if (pid < 0) {
		close(report[0]);
		close(report[1]);
		return mr_error_sys(err, errno, "devices: clone a child to make the nodes");
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	close(report[1]);
	n = read(report[0], status == 0 ? (void *)fds : (void *)msg, status == 0 ? size : sizeof(msg) - 1);
	close(report[0]);
	if (status == 0 && n == (ssize_t)size)
		return 0;
	for (size_t i = 0; status == 0 && i < l->devices_len; i++)
		fds[i] = -1;
	msg[n > 0 && status != 0 ? n : 0] = '\0';
	return mr_error_set(err, WIFEXITED(status) ? WEXITSTATUS(status) : EIO, "%s",
			    msg[0] ? msg : "the child making the nodes failed");
}

int mr_dev_prepare(const struct oci_config *cfg, int *fds, struct mr_error **err)
{
	const struct oci_linux *l = cfg->linux;
	const struct oci_namespace *user = mr_config_namespace(l, "user");
	struct oci_id_mapping *uids = l ? l->uid_mappings : NULL, *gids = l ? l->gid_mappings : NULL;
	size_t n_uids = l ? l->uid_mappings_len : 0, n_gids = l ? l->gid_mappings_len : 0;
	bool joined = user && user->path;
	int ret;

	for (size_t i = 0; l && i < l->devices_len; i++)
		fds[i] = -1;
	if (user == NULL || l->devices_len == 0 || dev_is_bound(cfg))
		return 0;
	if (joined && joined_maps(user->path, &uids, &n_uids, &gids, &n_gids, err) < 0)
		return mr_error_prefix(err, "devices");
	ret = make_nodes_in_child(l, &(struct id_maps){ uids, gids, n_uids, n_gids }, fds, err);
	if (joined) {
		free(uids);
		free(gids);
	}
	return ret < 0 ? mr_error_prefix(err, "devices") : 0;
}
