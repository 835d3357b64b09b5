/* mounts[] of type "cgroup".
 *
 * On a cgroup v2 host /sys/fs/cgroup is one cgroup2 mount. On a v1 or hybrid
 * host it is a tmpfs holding one mount per hierarchy (cpu, memory, ...,
 * name=systemd, and the v2 "unified" one): the container gets the same
 * layout, each hierarchy mounted with the same controllers. In a cgroup
 * namespace (the default spec has one) a new mount shows the namespace's
 * root, i.e. the container's own cgroup; without one it would show the whole
 * host tree, so we bind the container's own cgroup directory instead, as
 * runc does. On v1, and on v2 with a memory limit, the init enters its
 * cgroup only after the mounts (so that the kernel objects they make are not
 * charged to the container's memory limit): until then its new cgroup
 * namespace does not exist, and the container's directories are bound in
 * either case, which shows the same tree (a cgroup mount's root is shown
 * relative to the reader's cgroup namespace). */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "mount-internal.h"
#include "spec/config.h"
#include "util/cleanup.h"
#include "util/mountinfo.h"
#include "util/path.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

/* A hierarchy to give the container. */
struct hierarchy {
	char *name; /* the directory under /sys/fs/cgroup: "cpu,cpuacct", "unified" */
	char *fstype; /* cgroup or cgroup2 */
	char *controllers; /* mount data, as /proc/self/cgroup names the hierarchy */
};

/* "rw,nosuid,cpu,cpuacct,release_agent=/x" -> "cpu,cpuacct" (the data a new
 * mount of the same hierarchy needs). */
static char *v1_controllers(const char *super_opts)
{
	static const char *const not_controllers[] = {
		"rw", "ro", "xattr", "clone_children", "noprefix", "cpuset_v2_mode", "favordynmods", "nofavordynmods",
	};
	cleanup_free char *copy = strdup(super_opts);
	char *out = calloc(1, strlen(super_opts) + 1), *p = copy, *opt;

	if (copy == NULL || out == NULL) {
		free(out);
		return NULL;
	}
	while ((opt = strsep(&p, ",")) != NULL) {
		bool skip = *opt == '\0' || strncmp(opt, "release_agent=", 14) == 0;

		for (size_t i = 0; i < sizeof(not_controllers) / sizeof(not_controllers[0]) && !skip; i++)
			skip = strcmp(opt, not_controllers[i]) == 0;
		if (skip)
			continue;
		if (*out)
			strcat(out, ",");
		strcat(out, opt);
	}
	return out;
}

static void hierarchies_free(struct hierarchy *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(h[i].name);
		free(h[i].fstype);
		free(h[i].controllers);
	}
	free(h);
}

/* The cgroup mounts directly under /sys/fs/cgroup on the host, read before
 * we mount anything (mountinfo changes under a reader). */
static int host_hierarchies(struct hierarchy **out, size_t *n, struct mr_error **err)
{
	cleanup_mountinfo struct mr_mountinfo_reader r = { 0 };
	struct mr_mountinfo mi;
	struct hierarchy *h = NULL;
	size_t len = 0;

	if (mr_mountinfo_open(&r, err) < 0)
		return -1;
	while (mr_mountinfo_next(&r, &mi)) {
		const char *name;
		struct hierarchy *grown;
		bool v2;

		if (!mr_mountinfo_path_under(mi.mount_point, CGROUP_ROOT))
			continue;
		name = mi.mount_point + strlen(CGROUP_ROOT);
		if (*name++ != '/' || *name == '\0' || strchr(name, '/') != NULL)
			continue;
		v2 = strcmp(mi.fstype, "cgroup2") == 0;
		if (!v2 && strcmp(mi.fstype, "cgroup") != 0)
			continue;
		grown = realloc(h, (len + 1) * sizeof(*h));
		if (grown == NULL)
			goto oom;
		h = grown;
		h[len].name = strdup(name);
		h[len].fstype = strdup(mi.fstype);
		h[len].controllers = v2 ? strdup("") : v1_controllers(mi.super_opts);
		len++;
		if (!h[len - 1].name || !h[len - 1].fstype || !h[len - 1].controllers)
			goto oom;
	}
	*out = h;
	*n = len;
	return 0;
oom:
	hierarchies_free(h, len);
	return mr_error_sys(err, ENOMEM, "host cgroup hierarchies");
}

/* The same list from what the parent found in mountinfo before the clone
 * (mr_cgroup_open): our mount namespace is a copy of its. */
static int known_hierarchies(const struct mr_cgroup *cg, struct hierarchy **out, size_t *n, struct mr_error **err)
{
	size_t len = mr_cgroup_hierarchy_count(cg);
	struct hierarchy *h = calloc(len + 1, sizeof(*h));

	if (h == NULL)
		return mr_error_sys(err, ENOMEM, "host cgroup hierarchies");
	for (size_t i = 0; i < len; i++) {
		const char *name, *controllers;
		bool v2;

		mr_cgroup_hierarchy(cg, i, &name, &v2, &controllers);
		h[i].name = strdup(name);
		h[i].fstype = strdup(v2 ? "cgroup2" : "cgroup");
		h[i].controllers = strdup(v2 ? "" : controllers);
		if (!h[i].name || !h[i].fstype || !h[i].controllers) {
			hierarchies_free(h, i + 1);
			return mr_error_sys(err, ENOMEM, "host cgroup hierarchies");
		}
	}
	*out = h;
	*n = len;
	return 0;
}

/* Mount one hierarchy on `dst_fd`: in a cgroup namespace, and in our cgroup
 * already (`pending` NULL), a new mount; else a bind of the container's
 * cgroup under `host_dir` (pending's, or ours when pending is NULL). */
static int mount_hierarchy(const struct hierarchy *h, const char *host_dir, bool cgroupns,
			   const struct mr_cgroup *pending, int root_fd, const char *dest, int dst_fd, unsigned long flags,
			   struct mr_error **err)
{
	const char *theirs = pending ? mr_cgroup_path_in(pending, h->name, strcmp(h->fstype, "cgroup2") == 0,
							 h->controllers)
				     : NULL;
	cleanup_free char *own = NULL;
	cleanup_free char *source = NULL;
	cleanup_close int mounted = -1;

	if (cgroupns && pending == NULL) {
		if (mr_mount_at(h->fstype, dst_fd, h->fstype, flags, *h->controllers ? h->controllers : NULL) == 0)
			return 0;
		/* cgroup2 in a user namespace without its own cgroup namespace:
		 * refused, fall back to the bind as runc does. */
		if (strcmp(h->fstype, "cgroup2") != 0 || (errno != EPERM && errno != EBUSY))
			return mr_error_sys(err, errno, "mount %s %s", h->fstype, h->name);
	}
	/* A hierarchy the container is not in: where we are, and stay. */
	own = theirs ? strdup(theirs) : mr_cgroup_own(strcmp(h->fstype, "cgroup2") == 0 ? NULL : h->controllers);
	if (own == NULL)
		return mr_error_sys(err, errno, "find our cgroup in the %s hierarchy", h->name);
	if (asprintf(&source, "%s%s", host_dir, strcmp(own, "/") == 0 ? "" : own) < 0)
		return mr_error_sys(err, ENOMEM, "cgroup %s", h->name);
	if (mr_mount_at(source, dst_fd, NULL, MS_BIND, NULL) < 0)
		return mr_error_sys(err, errno, "bind %s", source);
	mounted = mr_mount_reopen(root_fd, dest, dst_fd, err);
	if (mounted < 0)
		return -1;
	if (mr_mount_remount_bind(mounted, flags) < 0)
		return mr_error_sys(err, errno, "remount bind of %s", source);
	return 0;
}

static int mount_v1(const struct mr_cgroup *cg, bool cg_pending, bool cgroupns, const char *dest, int root_fd,
		    int dst_fd, unsigned long flags, struct mr_error **err)
{
	const unsigned long tmpfs_flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	struct hierarchy *h = NULL;
	cleanup_close int tmp_fd = -1;
	size_t n = 0;
	int ret = -1;

	if ((cg && mr_cgroup_hierarchy_count(cg) ? known_hierarchies(cg, &h, &n, err) : host_hierarchies(&h, &n, err)) < 0)
		return -1;
	if (mr_mount_at("tmpfs", dst_fd, "tmpfs", tmpfs_flags, "mode=755") < 0) {
		mr_error_sys(err, errno, "mount tmpfs");
		goto out;
	}
	tmp_fd = mr_mount_reopen(root_fd, dest, dst_fd, err);
	if (tmp_fd < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *host_dir = NULL;
		cleanup_close int sub_fd = -1;

		/* The tmpfs was mounted just now in our own mount namespace and
		 * only we have written to it: a new name needs no guarded
		 * resolution (the name has no '/'). One that is there already
		 * (a symlink made for an earlier "a,b") goes the careful way. */
		if (mkdirat(tmp_fd, h[i].name, 0755) == 0)
			sub_fd = openat(tmp_fd, h[i].name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		else if (errno == EEXIST && (sub_fd = mr_path_mkdir_in_root(tmp_fd, h[i].name, 0755, false, err)) < 0)
			goto out;
		if (sub_fd < 0) {
			mr_error_sys(err, errno, "create %s in the rootfs", h[i].name);
			goto out;
		}
		if (asprintf(&host_dir, CGROUP_ROOT "/%s", h[i].name) < 0)
			goto out;
		if (mount_hierarchy(&h[i], host_dir, cgroupns, cg_pending ? cg : NULL, tmp_fd, h[i].name, sub_fd, flags,
				    err) < 0)
			goto out;
		/* "cpu,cpuacct" is also reached as "cpu" and "cpuacct". */
		if (strchr(h[i].name, ',') != NULL) {
			cleanup_free char *names = strdup(h[i].name);
			char *p = names, *one;

			while (names && (one = strsep(&p, ",")) != NULL)
				if (symlinkat(h[i].name, tmp_fd, one) < 0 && errno != EEXIST) {
					mr_error_sys(err, errno, "symlink %s", one);
					goto out;
				}
		}
	}
	if ((flags & MS_RDONLY) && mr_mount_remount_bind(tmp_fd, tmpfs_flags | MS_RDONLY) < 0) {
		mr_error_sys(err, errno, "remount the cgroup tmpfs read-only");
		goto out;
	}
	ret = 0;
out:
	hierarchies_free(h, n);
	return ret;
}

int mr_mount_cgroup(struct mr_mount_ctx *c, struct mr_error **err)
{
	const struct mr_cgroup *cg = c->cg;
	bool cg_pending = c->cg_pending;
	const char *dest = c->m->destination;
	int root_fd = c->root_fd, dst_fd = c->dst_fd;
	unsigned long flags = c->opts.flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
	bool cgroupns = mr_config_namespace(c->cfg->linux, "cgroup") != NULL;
	struct statfs sfs;

	if (statfs(CGROUP_ROOT, &sfs) < 0)
		return mr_error_sys(err, errno, "statfs " CGROUP_ROOT);
	if (sfs.f_type == CGROUP2_SUPER_MAGIC) {
		struct hierarchy v2 = { .name = "", .fstype = "cgroup2", .controllers = "" };

		return mount_hierarchy(&v2, CGROUP_ROOT, cgroupns, cg_pending ? cg : NULL, root_fd, dest, dst_fd, flags, err);
	}
	return mount_v1(cg, cg_pending, cgroupns, dest, root_fd, dst_fd, flags, err);
}
