/* The container's /dev: the devices every container has, the usual
 * symlinks, then linux.devices. Each path is resolved inside the rootfs
 * (util/path.c); a node is made with mknodat relative to its parent's fd.
 * In a user namespace mknod of a char or block device is refused (no
 * CAP_MKNOD over the init namespace), so the host's device is bind-mounted
 * onto an empty file instead, as runc does. Runs before pivot_root, so host
 * paths (/dev/null, /proc/kcore) are the host's. */
#include "mount.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/path.h"

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

/* True when config.json bind-mounts something (the host's /dev) on /dev:
 * then /dev is left as it is. */
static bool dev_is_bound(const struct oci_config *cfg)
{
	for (size_t i = 0; i < cfg->mounts_len; i++) {
		const struct oci_mount *m = &cfg->mounts[i];
		const char *d = m->destination;
		bool bind = m->type && strcmp(m->type, "bind") == 0;

		if (d == NULL)
			continue;
		while (d[0] == '/' && d[1] == '/')
			d++;
		if (strcmp(d, "/dev") != 0 && strcmp(d, "/dev/") != 0)
			continue;
		for (size_t j = 0; j < m->options_len && !bind; j++)
			bind = strcmp(m->options[j], "bind") == 0 || strcmp(m->options[j], "rbind") == 0;
		if (bind)
			return true;
	}
	return false;
}

/* Bind the host's node at the same path onto an empty file. */
static int bind_host_node(int dir_fd, const char *name, const struct dev_node *d, struct mr_error **err)
{
	cleanup_close int fd = openat(dir_fd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0);
	char target[32];

	if (fd < 0)
		return mr_error_sys(err, errno, "%s: create", d->path);
	close(fd);
	fd = openat(dir_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return mr_error_sys(err, errno, "%s: open", d->path);
	if (mount(d->path, mr_path_fd(target, sizeof(target), fd), NULL, MS_BIND, NULL) < 0)
		return mr_error_sys(err, errno, "%s: bind from the host", d->path);
	return 0;
}

static int make_node(int root_fd, const struct dev_node *d, bool in_userns, struct mr_error **err)
{
	cleanup_free char *name = NULL;
	cleanup_close int dir_fd = mr_path_open_parent_in_root(root_fd, d->path, &name, err);

	if (dir_fd < 0)
		return mr_error_prefix(err, "%s", d->path);
	/* Replace whatever the rootfs has there (a directory is an error). */
	if (unlinkat(dir_fd, name, 0) < 0 && errno != ENOENT)
		return mr_error_sys(err, errno, "%s: remove the existing file", d->path);
	if (in_userns && d->type != S_IFIFO)
		return bind_host_node(dir_fd, name, d, err);
	if (mknodat(dir_fd, name, d->type | d->mode, makedev(d->major, d->minor)) < 0) {
		/* No CAP_MKNOD (a user namespace we were not told of, a
		 * restricted host): a bind does the job. */
		if (errno == EPERM && d->type != S_IFIFO)
			return bind_host_node(dir_fd, name, d, err);
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

static int setup(const struct oci_config *cfg, int root_fd, bool in_userns, struct mr_error **err)
{
	for (size_t i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]); i++)
		if (make_node(root_fd, &default_devices[i], in_userns, err) < 0)
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

		if (config_device(&cfg->linux->devices[i], &d, err) < 0 || make_node(root_fd, &d, in_userns, err) < 0)
			return mr_error_prefix(err, "linux.devices[%zu]", i);
	}
	return 0;
}

int mr_dev_setup(const struct oci_config *cfg, const char *rootfs, bool in_userns, struct mr_error **err)
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
	ret = setup(cfg, root_fd, in_userns, err);
	umask(old_umask);
	if (ret < 0)
		return mr_error_prefix(err, "devices");
	return 0;
}
