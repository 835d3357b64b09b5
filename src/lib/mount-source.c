/* Bind sources opened by the runtime, on the host side, before the clone.
 *
 * An init in a user namespace is its mapped root: a source whose path it
 * cannot search (a parent directory of mode 0700 owned by host root, as
 * podman's volume store is) or read through (a symlink into one) fails
 * there with EACCES. So when the container will have a user namespace the
 * runtime, still host root in the host's namespaces, makes each bind
 * source into a detached mount (open_tree OPEN_TREE_CLONE, with
 * AT_RECURSIVE for rbind), as runc does; idmapped binds get theirs here in
 * every case (mount-idmap.c). The init inherits the fds and attaches each
 * on its destination with move_mount(MOVE_MOUNT_T_EMPTY_PATH): the
 * destination is still resolved inside the rootfs to an fd
 * (CVE-2021-30465), only the source changes hands. A detached mount needs
 * nothing the init lacks: move_mount asks for CAP_SYS_ADMIN over the
 * target's mount namespace only.
 *
 * Without a user namespace the init is host root and binds the path itself
 * (mount(2) MS_BIND), which sees the mounts it made before (a source below
 * an earlier mount's destination).
 *
 * The linux.devices of a user-namespaced container are made here too, as
 * nodes of the runtime's own (dev.c, mr_dev_prepare). */
#include "mount.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <unistd.h>

#include "mount-internal.h"
#include "mount-options.h"
#include "spec/config.h"
#include "util/cleanup.h"
#include "util/syscalls.h"

/* A detached copy of the mount (tree) at `path`, symlinks followed as a
 * bind follows them. */
static int source_tree(const char *path, bool recursive, struct mr_error **err)
{
	int fd = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0));

	if (fd < 0)
		return mr_error_sys(err, errno, "bind source %s", path);
	return fd;
}

static int prepare_one(const struct oci_config *cfg, const struct oci_mount *mount, const char *bundle,
		       bool in_userns, struct mr_error **err)
{
	struct oci_mount m = *mount;
	cleanup_free char *abs = NULL;
	bool idmapped = mr_mount_is_idmapped(&m);
	bool recursive = mr_mount_has_option(&m, "rbind");

	if (!mr_mount_is_bind(&m) || m.source == NULL || (!idmapped && !in_userns))
		return -1;
	/* relative sources are relative to the bundle */
	if (m.source[0] != '/') {
		if (asprintf(&abs, "%s/%s", bundle, m.source) < 0)
			return mr_error_set(err, ENOMEM, "out of memory");
		m.source = abs;
	}
	if (idmapped)
		return mr_mount_idmapped_tree(cfg, &m, recursive, mr_mount_has_option(&m, "ridmap"), err);
	return source_tree(m.source, recursive, err);
}

/* linux.devices: made in dev.c. */
static int prepare_devices(const struct oci_config *cfg, struct mr_mount_sources *s, struct mr_error **err)
{
	size_t n = cfg->linux ? cfg->linux->devices_len : 0;

	if (n == 0 || mr_config_namespace(cfg->linux, "user") == NULL)
		return 0;
	s->devices = malloc(n * sizeof(*s->devices));
	if (s->devices == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	s->n_devices = n;
	return mr_dev_prepare(cfg, s->devices, err);
}

int mr_mount_sources_prepare(const struct oci_config *cfg, const char *bundle, struct mr_mount_sources *s,
			     struct mr_error **err)
{
	bool in_userns = mr_config_namespace(cfg->linux, "user") != NULL;

	*s = (struct mr_mount_sources){ 0 };
	if (prepare_devices(cfg, s, err) < 0) {
		mr_mount_sources_close(s);
		return -1;
	}
	if (cfg->mounts_len == 0)
		return 0;
	s->mounts = malloc(cfg->mounts_len * sizeof(*s->mounts));
	if (s->mounts == NULL) {
		mr_mount_sources_close(s);
		return mr_error_set(err, ENOMEM, "out of memory");
	}
	s->n_mounts = cfg->mounts_len;
	for (size_t i = 0; i < s->n_mounts; i++)
		s->mounts[i] = -1;
	for (size_t i = 0; i < s->n_mounts; i++) {
		struct mr_error *e = NULL;

		s->mounts[i] = prepare_one(cfg, &cfg->mounts[i], bundle, in_userns, &e);
		if (e == NULL)
			continue;
		*err = e;
		mr_error_prefix(err, "mounts[%zu] (%s)", i, cfg->mounts[i].destination);
		mr_mount_sources_close(s);
		return -1;
	}
	return 0;
}

static void close_all(int **fds, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		if ((*fds)[i] >= 0)
			close((*fds)[i]);
	free(*fds);
	*fds = NULL;
	*n = 0;
}

void mr_mount_sources_close(struct mr_mount_sources *s)
{
	close_all(&s->mounts, &s->n_mounts);
	close_all(&s->devices, &s->n_devices);
}
