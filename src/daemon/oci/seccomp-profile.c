#include "oci/seccomp-profile.h"

#include <errno.h>
#include <sched.h>
#include <stddef.h>

#include "jsonw.h"

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

struct denied {
	const char *cap; /* the capability that lifts it (NULL: none) */
	const char *const *names;
};

static const char *const sys_admin[] = {
	"mount", "umount", "umount2", "pivot_root", "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount",
	"fspick", "mount_setattr", "unshare", "setns", "quotactl", "quotactl_fd", "swapon", "swapoff",
	"name_to_handle_at", "fanotify_init", "lookup_dcookie", "bpf", "perf_event_open",
	NULL,
};
static const char *const sys_module[] = {"init_module", "finit_module", "delete_module", "create_module",
					 "get_kernel_syms", "query_module", NULL};
static const char *const sys_boot[] = {"reboot", "kexec_load", "kexec_file_load", NULL};
static const char *const sys_time[] = {"settimeofday", "stime", "clock_settime", "clock_settime64",
				       "clock_adjtime", "clock_adjtime64", NULL};
static const char *const sys_ptrace[] = {"process_vm_readv", "process_vm_writev", "kcmp", "process_madvise",
					 NULL};
static const char *const sys_rawio[] = {"iopl", "ioperm", NULL};
static const char *const sys_nice[] = {"mbind", "set_mempolicy", "migrate_pages", "move_pages",
				       "set_mempolicy_home_node", NULL};
static const char *const sys_pacct[] = {"acct", NULL};
static const char *const syslog_names[] = {"syslog", NULL};
static const char *const dac_read_search[] = {"open_by_handle_at", NULL};
static const char *const tty_config[] = {"vhangup", NULL};
static const char *const always[] = {
	"add_key", "request_key", "keyctl", "nfsservctl", "uselib", "ustat", "sysfs", "_sysctl", "vm86",
	"vm86old", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register", "bdflush",
	NULL,
};

static const struct denied denied[] = {
	{"CAP_SYS_ADMIN", sys_admin}, {"CAP_SYS_MODULE", sys_module}, {"CAP_SYS_BOOT", sys_boot},
	{"CAP_SYS_TIME", sys_time},   {"CAP_SYS_PTRACE", sys_ptrace}, {"CAP_SYS_RAWIO", sys_rawio},
	{"CAP_SYS_NICE", sys_nice},   {"CAP_SYS_PACCT", sys_pacct},   {"CAP_SYSLOG", syslog_names},
	{"CAP_DAC_READ_SEARCH", dac_read_search}, {"CAP_SYS_TTY_CONFIG", tty_config}, {NULL, always},
};

static void rule(yajl_gen g, const char *const *names, int errno_ret)
{
	jw_obj(g, NULL);
	jw_arr(g, "names");
	for (size_t i = 0; names[i] != NULL; i++)
		jw_str(g, NULL, names[i]);
	jw_arr_end(g);
	jw_str(g, "action", "SCMP_ACT_ERRNO");
	jw_int(g, "errnoRet", errno_ret);
	jw_obj_end(g);
}

/* clone with a namespace flag: one rule per flag, (flags & bit) == bit. */
static void clone_rules(yajl_gen g)
{
	static const unsigned long flags[] = {CLONE_NEWNS,  CLONE_NEWUTS, CLONE_NEWIPC,    CLONE_NEWUSER,
					      CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP, CLONE_NEWTIME};
	static const char *const clone_name[] = {"clone", NULL};

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		jw_obj(g, NULL);
		jw_arr(g, "names");
		jw_str(g, NULL, clone_name[0]);
		jw_arr_end(g);
		jw_str(g, "action", "SCMP_ACT_ERRNO");
		jw_int(g, "errnoRet", EPERM);
		jw_arr(g, "args");
		jw_obj(g, NULL);
		jw_int(g, "index", 0);
		jw_uint(g, "value", flags[i]);
		jw_uint(g, "valueTwo", flags[i]);
		jw_str(g, "op", "SCMP_CMP_MASKED_EQ");
		jw_obj_end(g);
		jw_arr_end(g);
		jw_obj_end(g);
	}
}

void mrd_seccomp_default_write(yajl_gen g, const char *key, mrd_has_cap_fn has_cap, void *data)
{
	static const char *const clone3[] = {"clone3", NULL};

	jw_obj(g, key);
	jw_str(g, "defaultAction", "SCMP_ACT_ALLOW");
	jw_arr(g, "architectures");
	jw_str(g, NULL, "SCMP_ARCH_X86_64");
	jw_str(g, NULL, "SCMP_ARCH_X86");
	jw_str(g, NULL, "SCMP_ARCH_X32");
	jw_arr_end(g);
	jw_arr(g, "syscalls");
	for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++)
		if (denied[i].cap == NULL || !has_cap(denied[i].cap, data))
			rule(g, denied[i].names, EPERM);
	if (!has_cap("CAP_SYS_ADMIN", data)) {
		rule(g, clone3, ENOSYS);
		clone_rules(g);
	}
	jw_arr_end(g);
	jw_obj_end(g);
}
