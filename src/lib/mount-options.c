#include "mount-options.h"

#include <linux/mount.h>
#include <string.h>
#include <sys/mount.h>

#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif
#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

#define FLAG(n, v) { n, MR_MOUNT_FLAG, false, v }
#define CLEAR(n, v) { n, MR_MOUNT_FLAG, true, v }
#define PROP(n, v) { n, MR_MOUNT_PROPAGATION, false, v }
#define RATTR(n, v, c) { n, MR_MOUNT_RECURSIVE_ATTR, c, v }
#define EXT(n) { n, MR_MOUNT_EXTENSION, false, 0 }

static const struct mr_mount_option options[] = {
	FLAG("async", 0),
	FLAG("atime", 0),
	FLAG("bind", MS_BIND),
	FLAG("defaults", 0),
	FLAG("dev", 0),
	FLAG("diratime", 0),
	FLAG("dirsync", MS_DIRSYNC),
	FLAG("exec", 0),
	FLAG("iversion", MS_I_VERSION),
	FLAG("lazytime", MS_LAZYTIME),
	FLAG("loud", 0),
	FLAG("mand", MS_MANDLOCK),
	FLAG("noatime", MS_NOATIME),
	FLAG("nodev", MS_NODEV),
	FLAG("nodiratime", MS_NODIRATIME),
	FLAG("noexec", MS_NOEXEC),
	FLAG("nosuid", MS_NOSUID),
	FLAG("nosymfollow", MS_NOSYMFOLLOW),
	FLAG("rbind", MS_BIND | MS_REC),
	FLAG("relatime", MS_RELATIME),
	FLAG("remount", MS_REMOUNT),
	FLAG("ro", MS_RDONLY),
	FLAG("silent", MS_SILENT),
	FLAG("strictatime", MS_STRICTATIME),
	FLAG("sync", MS_SYNCHRONOUS),
	CLEAR("nolazytime", MS_LAZYTIME),
	CLEAR("nomand", MS_MANDLOCK),
	CLEAR("norelatime", MS_RELATIME),
	CLEAR("nostrictatime", MS_STRICTATIME),
	CLEAR("noiversion", MS_I_VERSION),
	CLEAR("rw", MS_RDONLY),
	CLEAR("suid", MS_NOSUID),
	CLEAR("symfollow", MS_NOSYMFOLLOW),
	PROP("private", MS_PRIVATE),
	PROP("rprivate", MS_PRIVATE | MS_REC),
	PROP("shared", MS_SHARED),
	PROP("rshared", MS_SHARED | MS_REC),
	PROP("slave", MS_SLAVE),
	PROP("rslave", MS_SLAVE | MS_REC),
	PROP("unbindable", MS_UNBINDABLE),
	PROP("runbindable", MS_UNBINDABLE | MS_REC),
	RATTR("rro", MOUNT_ATTR_RDONLY, false),
	RATTR("rrw", MOUNT_ATTR_RDONLY, true),
	RATTR("rnosuid", MOUNT_ATTR_NOSUID, false),
	RATTR("rsuid", MOUNT_ATTR_NOSUID, true),
	RATTR("rnodev", MOUNT_ATTR_NODEV, false),
	RATTR("rdev", MOUNT_ATTR_NODEV, true),
	RATTR("rnoexec", MOUNT_ATTR_NOEXEC, false),
	RATTR("rexec", MOUNT_ATTR_NOEXEC, true),
	RATTR("rnodiratime", MOUNT_ATTR_NODIRATIME, false),
	RATTR("rdiratime", MOUNT_ATTR_NODIRATIME, true),
	RATTR("rrelatime", MOUNT_ATTR_RELATIME, false),
	RATTR("rnorelatime", MOUNT_ATTR_RELATIME, true),
	RATTR("rnoatime", MOUNT_ATTR_NOATIME, false),
	RATTR("ratime", MOUNT_ATTR_NOATIME, true),
	RATTR("rstrictatime", MOUNT_ATTR_STRICTATIME, false),
	RATTR("rnostrictatime", MOUNT_ATTR_STRICTATIME, true),
	RATTR("rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, false),
	RATTR("rsymfollow", MOUNT_ATTR_NOSYMFOLLOW, true),
	EXT("tmpcopyup"),
	EXT("idmap"),
	EXT("ridmap"),
};

const struct mr_mount_option *mr_mount_option_find(const char *name)
{
	for (unsigned i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (strcmp(options[i].name, name) == 0)
			return &options[i];
	return NULL;
}

const struct mr_mount_option *mr_mount_options(unsigned *count)
{
	*count = sizeof(options) / sizeof(options[0]);
	return options;
}

bool mr_mount_has_option(const struct oci_mount *m, const char *name)
{
	for (size_t i = 0; i < m->options_len; i++)
		if (strcmp(m->options[i], name) == 0)
			return true;
	return false;
}

bool mr_mount_is_bind(const struct oci_mount *m)
{
	return (m->type && strcmp(m->type, "bind") == 0) || mr_mount_has_option(m, "bind") ||
	       mr_mount_has_option(m, "rbind");
}

bool mr_mount_is_idmapped(const struct oci_mount *m)
{
	return m->uid_mappings_len || m->gid_mappings_len || mr_mount_has_option(m, "idmap") ||
	       mr_mount_has_option(m, "ridmap");
}
