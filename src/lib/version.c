#include "version.h"

#include <seccomp.h>
#include <stdio.h>
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
	int y = yajl_version();

	/* The libraries minirun links (capabilities and mounts are plain
	 * syscalls), and how. */
	snprintf(buf, sizeof(buf),
		 "minirun version %s\n"
		 "commit: %s\n"
		 "spec: %s\n"
		 "yajl: %d.%d.%d\n"
		 "libseccomp: %s\n"
		 "linking: %s\n",
		 PACKAGE_VERSION, MR_COMMIT, OCI_SPEC_VERSION, y / 10000, y / 100 % 100, y % 100,
		 mr_version_libseccomp(), MR_LINKING);
	return buf;
}
