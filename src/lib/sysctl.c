/* hostname, domainname and linux.sysctl: kernel settings that belong to the
 * container's own namespaces. Like runc's validator, a sysctl is accepted
 * only when the namespace it lives in is a private one of the container, so
 * a config cannot change the host through it:
 *   ipc:     kernel.msg*, kernel.sem*, kernel.shm*, fs.mqueue.*
 *   network: net.*
 *   uts:     kernel.domainname (kernel.hostname is refused when the config
 *            is validated: it conflicts with the hostname field)
 * Written after pivot_root, to the container's /proc/sys, after hostname
 * and domainname. */
#include "sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "spec/config.h"
#include "util/cleanup.h"

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The namespace type ("ipc", ...) that makes `key` safe to set, or NULL when
 * it is not namespaced at all. */
static const char *sysctl_namespace(const char *key)
{
	if (has_prefix(key, "kernel.msg") || has_prefix(key, "kernel.sem") || has_prefix(key, "kernel.shm") ||
	    has_prefix(key, "fs.mqueue."))
		return "ipc";
	if (has_prefix(key, "net."))
		return "network";
	if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0)
		return "uts";
	return NULL;
}

static const char *namespace_label(const char *type)
{
	return strcmp(type, "ipc") == 0 ? "an IPC" : strcmp(type, "network") == 0 ? "a network" : "a UTS";
}

int mr_sysctl_set_names(const struct oci_config *cfg, struct mr_error **err)
{
	const char *host = cfg->hostname, *domain = cfg->domainname;

	/* Empty means "not set", as runc reads it. */
	if ((host && *host) || (domain && *domain)) {
		if (!mr_config_namespace(cfg->linux, "uts"))
			return mr_error_set(err, EINVAL, "%s: requires a UTS namespace (linux.namespaces has none)",
					    host && *host ? "hostname" : "domainname");
	}
	if (host && *host && sethostname(host, strlen(host)) < 0)
		return mr_error_sys(err, errno, "hostname: sethostname(\"%.64s\")", host);
	if (domain && *domain && setdomainname(domain, strlen(domain)) < 0)
		return mr_error_sys(err, errno, "domainname: setdomainname(\"%.64s\")", domain);
	return 0;
}

/* open /proc/sys/<key with dots as slashes>, checked to be procfs, so that
 * a rootfs with a fake /proc cannot turn this into a write elsewhere. */
static int open_sysctl(const char *key, char *path, size_t size)
{
	struct statfs sfs;
	int fd;

	if ((size_t)snprintf(path, size, "/proc/sys/%s", key) >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *c = path + strlen("/proc/sys/"); *c; c++)
		if (*c == '.')
			*c = '/';
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC) {
		close(fd);
		errno = EXDEV;
		return -1;
	}
	return fd;
}

int mr_sysctl_apply(const struct oci_linux *l, struct mr_error **err)
{
	const struct oci_map_string *sysctl = l ? l->sysctl : NULL;
	char path[512];

	/* Check every key before writing any. */
	for (size_t i = 0; sysctl && i < sysctl->len; i++) {
		const char *key = sysctl->keys[i], *ns = sysctl_namespace(key);
		if (ns == NULL)
			return mr_error_set(err, EPERM,
					    "linux.sysctl[\"%.64s\"]: not namespaced: the container cannot set it",
					    key);
		if (!mr_config_namespace(l, ns))
			return mr_error_set(err, EPERM, "linux.sysctl[\"%.64s\"]: requires %s namespace", key,
					    namespace_label(ns));
	}
	for (size_t i = 0; sysctl && i < sysctl->len; i++) {
		const char *key = sysctl->keys[i], *value = sysctl->values[i];
		cleanup_close int fd = open_sysctl(key, path, sizeof(path));
		size_t len = strlen(value);
		if (fd < 0 && errno == ENOENT)
			return mr_error_set(err, ENOENT, "linux.sysctl[\"%.64s\"]: unknown to this kernel (no %s)", key,
					    path);
		if (fd < 0 && errno == EXDEV)
			return mr_error_set(err, EXDEV, "linux.sysctl[\"%.64s\"]: %s is not on procfs", key, path);
		if (fd < 0)
			return mr_error_sys(err, errno, "linux.sysctl[\"%.64s\"]: %s", key, path);
		if (write(fd, value, len) != (ssize_t)len)
			return mr_error_sys(err, errno, "linux.sysctl[\"%.64s\"]: writing \"%.64s\" to %s%s", key,
					    value, path,
					    errno == EROFS ? " (/proc/sys is read-only: apply sysctls first)" : "");
	}
	return 0;
}
