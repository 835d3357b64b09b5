#include "oci/seccomp-profile.h"

#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/jsonw.h"

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
	"fanotify_init", "lookup_dcookie", "bpf", "perf_event_open", "sethostname", "setdomainname",
	NULL,
};
static const char *const sys_module[] = {"init_module", "finit_module", "delete_module", "create_module",
					 "get_kernel_syms", "query_module", NULL};
static const char *const sys_boot[] = {"reboot", "kexec_load", "kexec_file_load", NULL};
/* adjtimex and clock_adjtime stay: the kernel checks CAP_SYS_TIME when
 * they would change the clock, and reading it is harmless (as Docker). */
static const char *const sys_time[] = {"settimeofday", "stime", "clock_settime", "clock_settime64", NULL};
/* process_vm_readv/writev stay: the kernel's ptrace access check guards
 * them (as Docker since kernel 4.8). */
static const char *const sys_ptrace[] = {"kcmp", "process_madvise", "pidfd_getfd", NULL};
static const char *const sys_rawio[] = {"iopl", "ioperm", NULL};
static const char *const sys_nice[] = {"mbind", "get_mempolicy", "set_mempolicy", "migrate_pages", "move_pages",
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
	mr_jw_obj(g, NULL);
	mr_jw_arr(g, "names");
	for (size_t i = 0; names[i] != NULL; i++)
		mr_jw_str(g, NULL, names[i]);
	mr_jw_arr_end(g);
	mr_jw_str(g, "action", "SCMP_ACT_ERRNO");
	mr_jw_int(g, "errnoRet", errno_ret);
	mr_jw_obj_end(g);
}

/* One rule on the first argument: name(arg0 OP value[, valueTwo]) fails
 * with errno_ret. For SCMP_CMP_MASKED_EQ, value is the mask and valueTwo
 * what the masked argument equals. */
static void arg0_rule(yajl_gen g, const char *name, int errno_ret, const char *op, uint64_t value,
		      uint64_t value_two)
{
	mr_jw_obj(g, NULL);
	mr_jw_arr(g, "names");
	mr_jw_str(g, NULL, name);
	mr_jw_arr_end(g);
	mr_jw_str(g, "action", "SCMP_ACT_ERRNO");
	mr_jw_int(g, "errnoRet", errno_ret);
	mr_jw_arr(g, "args");
	mr_jw_obj(g, NULL);
	mr_jw_int(g, "index", 0);
	mr_jw_uint(g, "value", value);
	if (strcmp(op, "SCMP_CMP_MASKED_EQ") == 0)
		mr_jw_uint(g, "valueTwo", value_two);
	mr_jw_str(g, "op", op);
	mr_jw_obj_end(g);
	mr_jw_arr_end(g);
	mr_jw_obj_end(g);
}

/* clone with a namespace flag: one rule per flag, (flags & bit) == bit. */
static void clone_rules(yajl_gen g)
{
	static const unsigned long flags[] = {CLONE_NEWNS,  CLONE_NEWUTS, CLONE_NEWIPC,    CLONE_NEWUSER,
					      CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP, CLONE_NEWTIME};

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		arg0_rule(g, "clone", EPERM, "SCMP_CMP_MASKED_EQ", flags[i], flags[i]);
}

/* personality: only what Docker allows, PER_LINUX (0), PER_LINUX32 (8),
 * UNAME26 (0x20000) with either, and the query 0xffffffff; so that no
 * flag like ADDR_NO_RANDOMIZE or READ_IMPLIES_EXEC is set. A rule may
 * compare the argument once (runtimes make two comparisons of one
 * argument two rules, an "or"), so the rest is covered by masks: a value
 * above 32 bits; a bit outside 0x20008 with the top bit clear; the top
 * bit with another bit clear (anything but 0xffffffff). */
static void personality_rules(yajl_gen g)
{
	const uint32_t allowed_bits = 0x20008, top = 0x80000000u;

	arg0_rule(g, "personality", EPERM, "SCMP_CMP_GT", 0xffffffffull, 0);
	for (unsigned i = 0; i < 31; i++) {
		uint32_t bit = 1u << i;
		if ((bit & allowed_bits) == 0)
			arg0_rule(g, "personality", EPERM, "SCMP_CMP_MASKED_EQ", bit | top, bit);
		arg0_rule(g, "personality", EPERM, "SCMP_CMP_MASKED_EQ", bit | top, top);
	}
}

void mrd_seccomp_default_write(yajl_gen g, const char *key, mrd_has_cap_fn has_cap, void *data)
{
	static const char *const clone3[] = {"clone3", NULL};

	mr_jw_obj(g, key);
	mr_jw_str(g, "defaultAction", "SCMP_ACT_ALLOW");
	mr_jw_arr(g, "architectures");
	mr_jw_str(g, NULL, "SCMP_ARCH_X86_64");
	mr_jw_str(g, NULL, "SCMP_ARCH_X86");
	mr_jw_str(g, NULL, "SCMP_ARCH_X32");
	mr_jw_arr_end(g);
	mr_jw_arr(g, "syscalls");
	for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++)
		if (denied[i].cap == NULL || !has_cap(denied[i].cap, data))
			rule(g, denied[i].names, EPERM);
	if (!has_cap("CAP_SYS_ADMIN", data)) {
		rule(g, clone3, ENOSYS);
		clone_rules(g);
	}
	personality_rules(g);
	/* AF_VSOCK: a way out to the host's hypervisor sockets (as Docker) */
	arg0_rule(g, "socket", EPERM, "SCMP_CMP_EQ", 40, 0);
	mr_jw_arr_end(g);
	mr_jw_obj_end(g);
}
