#include "capability-names.h"

#include <string.h>
#include <strings.h>

/* Our own table rather than libcap's cap_from_name(): that one also accepts
 * lower case and bare numbers, which the spec does not. In kernel order. */
static const char *const names[] = {
	"CAP_CHOWN",		"CAP_DAC_OVERRIDE",	"CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID",		"CAP_KILL",		"CAP_SETGID",	       "CAP_SETUID",
	"CAP_SETPCAP",		"CAP_LINUX_IMMUTABLE",	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",	"CAP_NET_RAW",		"CAP_IPC_LOCK",	       "CAP_IPC_OWNER",
	"CAP_SYS_MODULE",	"CAP_SYS_RAWIO",	"CAP_SYS_CHROOT",      "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",	"CAP_SYS_ADMIN",	"CAP_SYS_BOOT",	       "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",	"CAP_SYS_TIME",		"CAP_SYS_TTY_CONFIG",  "CAP_MKNOD",
	"CAP_LEASE",		"CAP_AUDIT_WRITE",	"CAP_AUDIT_CONTROL",   "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",	"CAP_MAC_ADMIN",	"CAP_SYSLOG",	       "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",	"CAP_AUDIT_READ",	"CAP_PERFMON",	       "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

int mr_cap_count(void)
{
	return (int)(sizeof(names) / sizeof(names[0]));
}

int mr_cap_from_name(const char *name)
{
	for (int i = 0; i < mr_cap_count(); i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

const char *mr_cap_name(int cap)
{
	return cap >= 0 && cap < mr_cap_count() ? names[cap] : NULL;
}
