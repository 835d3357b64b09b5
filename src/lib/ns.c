#include "ns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/syscalls.h"

int mr_ns_join_paths(const struct oci_config *cfg, struct mr_error **err)
{
	static const struct {
		const char *type;
		int flag;
	} kinds[] = {
		/* user first: the others are owned by it */
		{ "user", CLONE_NEWUSER },     { "ipc", CLONE_NEWIPC },	    { "uts", CLONE_NEWUTS },
		{ "network", CLONE_NEWNET },   { "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
		{ "mount", CLONE_NEWNS },
	};
	const struct oci_linux *l = cfg->linux;

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		for (size_t i = 0; l && i < l->namespaces_len; i++)
			if (l->namespaces[i].path && strcmp(l->namespaces[i].type, kinds[k].type) == 0 &&
			    mr_ns_join(l, i, kinds[k].flag, err) < 0)
				return -1;
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
