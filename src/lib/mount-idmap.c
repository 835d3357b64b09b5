/* Idmapped bind mounts (mounts[].uidMappings/gidMappings, "idmap",
 * "ridmap"): file owners on the source are shown shifted through a user
 * namespace's maps. The kernel takes the mapping as a user namespace fd, so
 * we make one: a child cloned into a new user namespace waits while we write
 * its maps and open /proc/PID/ns/user, then exits; the fd keeps the
 * namespace alive. mount_setattr(MOUNT_ATTR_IDMAP) only works on a detached
 * mount (open_tree OPEN_TREE_CLONE), which move_mount then attaches.
 *
 * The caller needs CAP_SYS_ADMIN over the source's mount namespace and the
 * maps' host ids: the init can do this only while it is not in a user
 * namespace of its own. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mount-internal.h"
#include "ns.h"
#include "state.h"
#include "util/cleanup.h"
#include "util/syscalls.h"

static int userns_fd(const struct oci_id_mapping *uids, size_t n_uids, const struct oci_id_mapping *gids,
		     size_t n_gids, struct mr_error **err)
{
	int pidfd = -1;
	struct mr_clone_args args = {
		.flags = CLONE_NEWUSER | CLONE_PIDFD, .pidfd = (uint64_t)(uintptr_t)&pidfd, .exit_signal = SIGCHLD
	};
	char path[64];
	int sync[2], fd = -1;
	pid_t pid, seen;

	if (pipe2(sync, O_CLOEXEC) < 0)
		return mr_error_sys(err, errno, "pipe");
	pid = mr_clone3(&args);
	if (pid == 0) {
		char c;

		/* Wait for the parent to close its end, then go. */
		close(sync[1]);
		while (read(sync[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(sync[0]);
	if (pid < 0) {
		close(sync[1]);
		return mr_error_sys(err, errno, "clone a user namespace for the idmap");
	}
	seen = mr_pidfd_pid(pidfd);
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)seen);
	if (seen < 0 || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		mr_error_sys(err, errno, "set up the idmap user namespace");
	else if (mr_ns_write_id_maps(seen, uids, n_uids, gids, n_gids, "", err) < 0) {
		mr_error_prefix(err, "set up the idmap user namespace");
		close(fd);
		fd = -1;
	}
	close(sync[1]);
	close(pidfd);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return fd;
}

/* Whether we run in the initial user namespace (its uid_map maps all ids
 * onto themselves). */
static bool in_initial_userns(void)
{
	cleanup_fclose FILE *f = fopen("/proc/self/uid_map", "re");
	unsigned long inside, outside, count;

	if (f == NULL || fscanf(f, "%lu %lu %lu", &inside, &outside, &count) != 3)
		return true;
	return inside == 0 && outside == 0 && count == 4294967295UL;
}

/* A failure to make the idmapped mount, explained when it is the known
 * limit: MOUNT_ATTR_IDMAP needs CAP_SYS_ADMIN in the user namespace that
 * owns the source's filesystem (the initial one for host filesystems), and
 * the maps' host ids must be mapped in ours; an init that has entered the
 * container's user namespace has neither. */
static int idmap_error(struct mr_error **err, int errnum, const char *what, const char *source)
{
	if ((errnum == EPERM || errnum == EACCES || errnum == EINVAL) && !in_initial_userns())
		return mr_error_set(err, ENOTSUP,
				    "%s %s: %s (idmapped mounts in a container with a user namespace are not "
				    "supported yet: they must be made before the init enters it)",
				    what, source, strerror(errnum));
	return mr_error_sys(err, errnum, "%s %s", what, source);
}

/* The detached, idmapped copy of m->source's mount (tree) as an fd, ready
 * for move_mount. Made by a process in the initial user namespace, it can
 * be attached by one that has entered the container's user and mount
 * namespaces since (move_mount only asks for CAP_SYS_ADMIN over the target
 * mount namespace): the way to idmapped mounts in a user-namespaced
 * container is to make these before the init enters its user namespace
 * and hand the fds over. */
int mr_mount_idmapped_tree(const struct oci_config *cfg, const struct oci_mount *m, bool recursive, bool ridmap,
			   struct mr_error **err)
{
	const struct oci_id_mapping *uids = m->uid_mappings, *gids = m->gid_mappings;
	size_t n_uids = m->uid_mappings_len, n_gids = m->gid_mappings_len;
	cleanup_close int tree = -1;
	cleanup_close int ns = -1;
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP };
	int ret;

	/* A bare "idmap" maps like the container's user namespace. */
	if (n_uids == 0 && n_gids == 0 && cfg->linux) {
		uids = cfg->linux->uid_mappings;
		n_uids = cfg->linux->uid_mappings_len;
		gids = cfg->linux->gid_mappings;
		n_gids = cfg->linux->gid_mappings_len;
	}
	if (n_uids == 0 || n_gids == 0)
		return mr_error_set(err, EINVAL, "idmapped mount without uidMappings and gidMappings");
	tree = open_tree(AT_FDCWD, m->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0));
	if (tree < 0)
		return mr_error_sys(err, errno, "open_tree %s", m->source);
	ns = userns_fd(uids, n_uids, gids, n_gids, err);
	if (ns < 0) {
		int saved = err && *err ? (*err)->errnum : EIO;

		mr_error_cleanup(err);
		return idmap_error(err, saved, "set up the idmap user namespace for", m->source);
	}
	attr.userns_fd = (uint64_t)ns;
	/* "idmap" maps the top mount only, "ridmap" every mount of the tree. */
	if (mount_setattr(tree, "", AT_EMPTY_PATH | (ridmap ? AT_RECURSIVE : 0), &attr, sizeof(attr)) < 0)
		return idmap_error(err, errno, "idmap", m->source);
	ret = tree;
	tree = -1;
	return ret;
}

int mr_mount_idmapped_bind(const struct oci_config *cfg, const struct oci_mount *m, bool recursive, bool ridmap,
			   int prepared, int dst_fd, struct mr_error **err)
{
	cleanup_close int tree = prepared >= 0 ? prepared : mr_mount_idmapped_tree(cfg, m, recursive, ridmap, err);

	if (tree < 0)
		return -1;
	return mr_mount_attach_tree(tree, dst_fd, "the idmapped mount of", m->source, err);
}
