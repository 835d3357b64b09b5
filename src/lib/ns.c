#include "ns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "spec/config.h"
#include "util/cleanup.h"
#include "util/syscalls.h"

/* In the order the init joins the ones given by path: user first (the
 * others may be owned by it), mount last (the paths of the others are
 * host paths). pid is joined by create, around the clone (a pid namespace
 * only applies to children). */
static const struct {
	const char *type;
	int flag;
} kinds[] = {
	{ "user", CLONE_NEWUSER },	 { "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS }, { "network", CLONE_NEWNET },
	{ "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME }, { "mount", CLONE_NEWNS }, { "pid", CLONE_NEWPID },
};
#define N_KINDS (sizeof(kinds) / sizeof(kinds[0]))

int mr_ns_flag(const char *type)
{
	for (size_t k = 0; k < N_KINDS; k++)
		if (type && strcmp(type, kinds[k].type) == 0)
			return kinds[k].flag;
	return 0;
}

uint64_t mr_ns_new_flags(const struct oci_linux *l)
{
	uint64_t flags = 0;

	for (size_t i = 0; l && i < l->namespaces_len; i++)
		if (l->namespaces[i].path == NULL)
			flags |= (uint64_t)mr_ns_flag(l->namespaces[i].type);
	return flags;
}

int mr_ns_listed_flags(const struct oci_linux *l)
{
	int flags = 0;

	for (size_t i = 0; l && i < l->namespaces_len; i++)
		flags |= mr_ns_flag(l->namespaces[i].type);
	return flags;
}

static int write_id_map(pid_t pid, const char *file, const struct oci_id_mapping *m, size_t n, const char *where,
			const char *field, struct mr_error **err)
{
	char path[64], buf[4096];
	size_t len = 0;
	cleanup_close int fd = -1;

	for (size_t i = 0; i < n && len < sizeof(buf); i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n", m[i].container_id, m[i].host_id, m[i].size);
	if (len >= sizeof(buf))
		return mr_error_set(err, E2BIG, "%s%s: too many mappings", where, field);
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	/* One write: the kernel takes the whole map at once or not at all. */
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		return mr_error_sys(err, errno, "%s%s: write %s", where, field, path);
	return 0;
}

int mr_ns_write_id_maps(pid_t pid, const struct oci_id_mapping *uids, size_t n_uids,
			const struct oci_id_mapping *gids, size_t n_gids, const char *where, struct mr_error **err)
{
	if (write_id_map(pid, "gid_map", gids, n_gids, where, "gidMappings", err) < 0 ||
	    write_id_map(pid, "uid_map", uids, n_uids, where, "uidMappings", err) < 0)
		return -1;
	return 0;
}

int mr_ns_join_paths(const struct oci_config *cfg, struct mr_error **err)
{
	const struct oci_linux *l = cfg->linux;

	for (size_t k = 0; k < N_KINDS; k++) {
		const struct oci_namespace *ns = kinds[k].flag == CLONE_NEWPID ? NULL : mr_config_namespace(l, kinds[k].type);
		if (ns && ns->path && mr_ns_join(l, (size_t)(ns - l->namespaces), kinds[k].flag, err) < 0)
			return -1;
	}
	return 0;
}

int mr_ns_join(const struct oci_linux *l, size_t i, int flag, struct mr_error **err)
{
	const struct oci_namespace *ns = &l->namespaces[i];
	cleanup_close int fd = open(ns->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return mr_error_sys(err, errno, "linux.namespaces[%zu] (%s): open %s", i, ns->type, ns->path);
	/* setns with the type checks that the file is a namespace of that
	 * type (EINVAL otherwise). */
	if (setns(fd, flag) < 0) {
		if (errno == EINVAL)
			return mr_error_set(err, EINVAL, "linux.namespaces[%zu] (%s): %s is not a %s namespace", i,
					    ns->type, ns->path, ns->type);
		return mr_error_sys(err, errno, "linux.namespaces[%zu] (%s): join %s", i, ns->type, ns->path);
	}
	return 0;
}

/* After setns into a user namespace we hold every capability in it but
 * keep our ids, host root's: unmapped there, so files we make would be
 * host root's and ids show as the overflow id. Become its root, as the init
 * of a new user namespace does once its maps are written. A namespace that
 * maps no root leaves us as we are (process.user decides the ids later). */
int mr_ns_become_root(const char *user_path, struct mr_error **err)
{
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
		if (errno == EINVAL)
			return 0;
		return mr_error_sys(err, errno, "linux.namespaces (user): become root in %s", user_path);
	}
	return 0;
}

int mr_ns_write_time_offsets(const struct oci_map_time_offset *t, struct mr_error **err)
{
	cleanup_close int fd = -1;
	char buf[256];
	size_t len = 0;

	if (t == NULL || t->len == 0)
		return 0;
	for (size_t i = 0; i < t->len && len < sizeof(buf); i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s %lld %u\n", t->keys[i], (long long)t->values[i].secs,
				t->values[i].nanosecs);
	fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		return mr_error_sys(err, errno, "linux.timeOffsets: write /proc/self/timens_offsets");
	return 0;
}

int mr_ns_unshare_late(int flags, const struct oci_linux *l, const char *user_path, struct mr_error **err)
{
	/* One unshare for all: each is made owned by our user namespace, the
	 * joined one. A cgroup namespace among them is rooted at the cgroup
	 * we are in: the parent left it out when we enter the container's
	 * cgroup only later (init.c unshares it then). */
	if (unshare(flags) < 0)
		return mr_error_sys(err, errno, "linux.namespaces: make the new namespaces in the user namespace %s",
				    user_path);
	if ((flags & CLONE_NEWTIME) && mr_ns_write_time_offsets(l->time_offsets, err) < 0)
		return -1;
	return 0;
}
