#include "version.h"

#include <libmount/libmount.h>
#include <seccomp.h>
#include <stdio.h>
#include <sys/capability.h>
#include <yajl/yajl_version.h>

const char *mr_version_libseccomp(void)
{
	static char buf[32];
	const struct scmp_version *v = seccomp_version();

	snprintf(buf, sizeof(buf), "%u.%u.%u", v->major, v->minor, v->micro);
	return buf;
}

const char *mr_version_text(void)
{
	static char buf[512];
	const char *mount_ver = "unknown";
	int y = yajl_version();

	mnt_get_library_version(&mount_ver);
	/* libcap has no run-time version call: this is the one built against. */
	snprintf(buf, sizeof(buf),
		 "minirun version %s\n"
		 "commit: %s\n"
		 "spec: %s\n"
		 "yajl: %d.%d.%d\n"
		 "libseccomp: %s\n"
		 "libcap: %d.%d\n"
		 "libmount: %s\n",
		 PACKAGE_VERSION, MR_COMMIT, OCI_SPEC_VERSION, y / 10000, y / 100 % 100, y % 100,
		 mr_version_libseccomp(), LIBCAP_MAJOR, LIBCAP_MINOR, mount_ver);
	return buf;
}
