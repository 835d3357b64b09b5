/* The process attributes of config.json `process`, applied by the container
 * init (or exec) to itself, in the order process.h gives. Everything here
 * runs inside the container (after pivot_root): paths under /proc are the
 * container's procfs, and files we write there are checked to be procfs, so
 * that a rootfs with a fake /proc cannot make a write land in a plain file
 * (CVE-2019-16884: an AppArmor profile "applied" to a bind-mounted file). */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <linux/ioprio.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "caps.h"
#include "process-env.h"
#include "rlimit-names.h"
#include "util/cleanup.h"
#include "util/syscalls.h"

_Static_assert(sizeof(gid_t) == sizeof(uint32_t), "additionalGids are passed to setgroups as they are");

/* Write `value` to a file that must be on procfs. -1 with errno set. */
static int proc_write(const char *path, const char *value)
{
	cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	struct statfs sfs;
	size_t len = strlen(value);

	if (fd < 0)
		return -1;
	if (fstatfs(fd, &sfs) < 0)
		return -1;
	if (sfs.f_type != PROC_SUPER_MAGIC) {
		errno = EXDEV;
		return -1;
	}
	if (write(fd, value, len) != (ssize_t)len)
		return -1;
	return 0;
}

/* The first bytes of a small file, NUL-terminated; "" when unreadable. */
static void read_small(const char *path, char *buf, size_t size)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;

	buf[n > 0 ? n : 0] = '\0';
}

static const char *limit_str(rlim_t v, char *buf, size_t size)
{
	if (v == RLIM_INFINITY)
		return "unlimited";
	snprintf(buf, size, "%" PRIu64, (uint64_t)v);
	return buf;
}

static int apply_rlimits(const struct oci_process *p, struct mr_error **err)
{
	for (size_t i = 0; i < p->rlimits_len; i++) {
		const struct oci_rlimit *r = &p->rlimits[i];
		int resource = mr_rlimit_from_name(r->type);
		struct rlimit want = { .rlim_cur = r->soft, .rlim_max = r->hard }, cur;
		char a[24], b[24];
		int e;

		if (resource < 0)
			return mr_error_set(err, EINVAL, "process.rlimits[%zu]: unknown rlimit \"%.64s\"", i, r->type);
		if (setrlimit(resource, &want) == 0)
			continue;
		e = errno;
		if (e == EPERM && resource == RLIMIT_NOFILE) {
			/* The kernel caps RLIMIT_NOFILE at fs.nr_open even for root. */
			char nr_open[24];
			read_small("/proc/sys/fs/nr_open", nr_open, sizeof(nr_open));
			if (nr_open[0] && want.rlim_max > strtoull(nr_open, NULL, 10))
				return mr_error_set(err, e,
						    "process.rlimits[%zu] (%s): setrlimit: %s "
						    "(hard limit %s is above fs.nr_open = %" PRIu64 ")",
						    i, r->type, strerror(e), limit_str(want.rlim_max, a, sizeof(a)),
						    (uint64_t)strtoull(nr_open, NULL, 10));
		}
		if (e == EPERM && getrlimit(resource, &cur) == 0 && want.rlim_max > cur.rlim_max)
			return mr_error_set(err, e,
					    "process.rlimits[%zu] (%s): setrlimit: %s "
					    "(raising the hard limit from %s to %s needs CAP_SYS_RESOURCE)",
					    i, r->type, strerror(e), limit_str(cur.rlim_max, a, sizeof(a)),
					    limit_str(want.rlim_max, b, sizeof(b)));
		return mr_error_sys(err, e, "process.rlimits[%zu] (%s): setrlimit", i, r->type);
	}
	return 0;
}

static int apply_oom_score_adj(const struct oci_process *p, struct mr_error **err)
{
	char value[16];

	if (!p->has_oom_score_adj)
		return 0;
	snprintf(value, sizeof(value), "%" PRId32, p->oom_score_adj);
	if (proc_write("/proc/self/oom_score_adj", value) == 0)
		return 0;
	if (errno == EACCES) {
		char cur[16];
		read_small("/proc/self/oom_score_adj", cur, sizeof(cur));
		cur[strcspn(cur, "\n")] = '\0';
		return mr_error_set(err, EACCES,
				    "process.oomScoreAdj: /proc/self/oom_score_adj: %s "
				    "(lowering it below %s needs CAP_SYS_RESOURCE)",
				    strerror(EACCES), cur[0] ? cur : "the current value");
	}
	return mr_error_sys(err, errno, "process.oomScoreAdj: /proc/self/oom_score_adj");
}

/* linux.personality lives outside `process`, hence its own entry point. The
 * spec defines no flags yet; like runc we apply the domain only. */
int mr_personality_apply(const struct oci_linux_personality *pers, struct mr_error **err)
{
	unsigned long domain;

	if (pers == NULL || pers->domain == NULL)
		return 0;
	if (strcmp(pers->domain, "LINUX") == 0)
		domain = PER_LINUX;
	else if (strcmp(pers->domain, "LINUX32") == 0)
		domain = PER_LINUX32;
	else
		return mr_error_set(err, EINVAL, "linux.personality.domain: unknown domain \"%.32s\"", pers->domain);
	if (personality(domain) < 0)
		return mr_error_sys(err, errno, "linux.personality.domain: personality(%s)", pers->domain);
	return 0;
}

static int apply_io_priority(const struct oci_process *p, struct mr_error **err)
{
	static const char *const classes[] = { "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE" };
	static const int class_values[] = { IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE };
	const struct oci_process_io_priority *io = p->io_priority;
	int class = -1;

	if (io == NULL)
		return 0;
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (strcmp(io->class, classes[i]) == 0)
			class = class_values[i];
	if (class < 0)
		return mr_error_set(err, EINVAL, "process.ioPriority.class: unknown class \"%.32s\"", io->class);
	if (mr_ioprio_set(IOPRIO_WHO_PROCESS, 0, IOPRIO_PRIO_VALUE(class, io->priority)) < 0)
		return mr_error_sys(err, errno, "process.ioPriority: ioprio_set(%s, %" PRId32 ")%s", io->class,
				    io->priority,
				    errno == EPERM && class == IOPRIO_CLASS_RT ? " (needs CAP_SYS_ADMIN)" : "");
	return 0;
}

static const struct {
	const char *name;
	unsigned value;
} sched_policies[] = {
	{ "SCHED_OTHER", 0 }, { "SCHED_FIFO", 1 }, { "SCHED_RR", 2 },	   { "SCHED_BATCH", 3 },
	{ "SCHED_ISO", 4 },   { "SCHED_IDLE", 5 }, { "SCHED_DEADLINE", 6 },
}, sched_flags[] = {
	{ "SCHED_FLAG_RESET_ON_FORK", SCHED_FLAG_RESET_ON_FORK },
	{ "SCHED_FLAG_RECLAIM", SCHED_FLAG_RECLAIM },
	{ "SCHED_FLAG_DL_OVERRUN", SCHED_FLAG_DL_OVERRUN },
	{ "SCHED_FLAG_KEEP_POLICY", SCHED_FLAG_KEEP_POLICY },
	{ "SCHED_FLAG_KEEP_PARAMS", SCHED_FLAG_KEEP_PARAMS },
	{ "SCHED_FLAG_UTIL_CLAMP_MIN", SCHED_FLAG_UTIL_CLAMP_MIN },
	{ "SCHED_FLAG_UTIL_CLAMP_MAX", SCHED_FLAG_UTIL_CLAMP_MAX },
};

static int apply_scheduler(const struct oci_process *p, struct mr_error **err)
{
	const struct oci_process_scheduler *s = p->scheduler;
	struct mr_sched_attr attr = { .size = sizeof(attr) };
	bool found = false;

	if (s == NULL)
		return 0;
	for (size_t i = 0; i < sizeof(sched_policies) / sizeof(sched_policies[0]); i++)
		if (strcmp(s->policy, sched_policies[i].name) == 0) {
			attr.sched_policy = sched_policies[i].value;
			found = true;
		}
	if (!found)
		return mr_error_set(err, EINVAL, "process.scheduler.policy: unknown policy \"%.32s\"", s->policy);
	for (size_t k = 0; k < s->flags_len; k++) {
		found = false;
		for (size_t i = 0; i < sizeof(sched_flags) / sizeof(sched_flags[0]); i++)
			if (strcmp(s->flags[k], sched_flags[i].name) == 0) {
				attr.sched_flags |= sched_flags[i].value;
				found = true;
			}
		if (!found)
			return mr_error_set(err, EINVAL, "process.scheduler.flags[%zu]: unknown flag \"%.32s\"", k,
					    s->flags[k]);
	}
	attr.sched_nice = s->has_nice ? s->nice : 0;
	attr.sched_priority = s->has_priority ? (uint32_t)s->priority : 0;
	attr.sched_runtime = s->runtime;
	attr.sched_deadline = s->deadline;
	attr.sched_period = s->period;
	if (mr_sched_setattr(0, &attr, 0) < 0) {
		/* With CONFIG_RT_GROUP_SCHED (cgroup v1 cpu controller) a task may
		 * only become real-time in a cgroup with a real-time budget; a new
		 * cgroup has none (cpu.rt_runtime_us 0), so even root gets EPERM. */
		bool rt = attr.sched_policy == SCHED_FIFO || attr.sched_policy == SCHED_RR;
		return mr_error_sys(err, errno, "process.scheduler: sched_setattr(%s)%s", s->policy,
				    errno == EPERM && rt ? " (needs CAP_SYS_NICE and, where the kernel groups "
							   "real-time tasks, a real-time budget in the container's "
							   "cpu cgroup: linux.resources.cpu.realtimeRuntime)"
							 : "");
	}
	return 0;
}

/* "0-3,7" (validated when the config was loaded) into a CPU_ALLOC'ed set. */
static cpu_set_t *parse_cpu_list(const char *list, size_t *size)
{
	unsigned long max = 0;
	cpu_set_t *set;
	const char *s;
	char *end;

	for (s = list; *s; s = *end ? end + 1 : end) {
		unsigned long v = strtoul(s, &end, 10);
		if (v > max)
			max = v;
	}
	if (max >= 1u << 20) {
		errno = EINVAL;
		return NULL;
	}
	set = CPU_ALLOC(max + 1);
	if (set == NULL)
		return NULL;
	*size = CPU_ALLOC_SIZE(max + 1);
	CPU_ZERO_S(*size, set);
	for (s = list; *s;) {
		unsigned long a = strtoul(s, &end, 10), b = a;
		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		for (unsigned long c = a; c <= b; c++)
			CPU_SET_S(c, *size, set);
		s = *end ? end + 1 : end;
	}
	return set;
}

/* execCPUAffinity: `initial` is set while the process is still ours (the
 * init already is in the container's cgroup, so it must be within the
 * cgroup's cpuset); `final` just before execve, for the user process (the
 * mask survives execve). */
static int apply_affinity(const char *field, const char *list, struct mr_error **err)
{
	cpu_set_t *set;
	size_t size = 0;
	int ret = 0;

	if (list == NULL || *list == '\0')
		return 0;
	set = parse_cpu_list(list, &size);
	if (set == NULL)
		return mr_error_sys(err, errno, "process.execCPUAffinity.%s: \"%.64s\"", field, list);
	if (sched_setaffinity(0, size, set) < 0)
		ret = mr_error_sys(err, errno, "process.execCPUAffinity.%s: sched_setaffinity(%.64s)%s", field, list,
				   errno == EINVAL ? " (no such CPU online, or none in the container's cpuset)" : "");
	CPU_FREE(set);
	return ret;
}

static int apply_initial_affinity(const struct oci_process *p, struct mr_error **err)
{
	return apply_affinity("initial", p->exec_cpu_affinity ? p->exec_cpu_affinity->initial : NULL, err);
}

/* Without `final` after an `initial`, runtime-spec wants "the container's
 * default CPU affinity, as defined by cpu.cpus": ask for every CPU, which
 * the kernel narrows to the cpuset of the process' cgroup (the initial one
 * was only for the way in). With neither, the affinity is left alone. */
static int reset_affinity(struct mr_error **err)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);
	size_t size = CPU_ALLOC_SIZE(n > 0 ? n : 1);
	cpu_set_t *set = CPU_ALLOC(n > 0 ? n : 1);
	int ret = 0;

	if (set == NULL)
		return mr_error_sys(err, ENOMEM, "process.execCPUAffinity");
	CPU_ZERO_S(size, set);
	for (long c = 0; c < (n > 0 ? n : 1); c++)
		CPU_SET_S(c, size, set);
	if (sched_setaffinity(0, size, set) < 0)
		ret = mr_error_sys(err, errno, "process.execCPUAffinity: resetting the affinity after \"initial\"");
	CPU_FREE(set);
	return ret;
}

int mr_process_apply_final_affinity(const struct oci_process *p, struct mr_error **err)
{
	const struct oci_process_exec_cpu_affinity *a = p->exec_cpu_affinity;

	if (a == NULL)
		return 0;
	if ((a->final == NULL || a->final[0] == '\0') && a->initial && a->initial[0])
		return reset_affinity(err);
	return apply_affinity("final", a->final, err);
}

/* This runs after pivot_root: /sys is the container's, and a config
 * without a sysfs mount has none. The LSM's own /proc/self/attr/<lsm>/
 * directory (5.8+) then tells: reading `current` works only when the LSM
 * is active (EINVAL when it is built in but off). */
static bool lsm_enabled(const char *module_param, const char *fs_dir, const char *proc_current)
{
	char buf[4];

	read_small(module_param, buf, sizeof(buf));
	if (buf[0] == 'Y' || access(fs_dir, F_OK) == 0)
		return true;
	if (proc_current == NULL)
		return false;
	read_small(proc_current, buf, sizeof(buf));
	return buf[0] != '\0';
}

/* The label the next execve switches to. Written before the uid change: the
 * file belongs to the process, but an LSM may ask for privilege to pick a
 * profile. */
static int apply_lsm_labels(const struct oci_process *p, struct mr_error **err)
{
	if (p->apparmor_profile && p->apparmor_profile[0]) {
		cleanup_free char *cmd = NULL;
		if (!lsm_enabled("/sys/module/apparmor/parameters/enabled", "/sys/kernel/security/apparmor",
				 "/proc/self/attr/apparmor/current"))
			return mr_error_set(err, ENOTSUP,
					    "process.apparmorProfile: AppArmor is not enabled on this host");
		if (asprintf(&cmd, "exec %s", p->apparmor_profile) < 0)
			return mr_error_sys(err, ENOMEM, "process.apparmorProfile");
		/* attr/apparmor/exec (5.8+) works when AppArmor is not the major
		 * LSM; attr/exec is the older, shared interface. */
		if (proc_write("/proc/self/attr/apparmor/exec", cmd) < 0 &&
		    (errno != ENOENT || proc_write("/proc/self/attr/exec", cmd) < 0))
			return mr_error_sys(err, errno, "process.apparmorProfile: setting \"%.64s\"",
					    p->apparmor_profile);
	}
	if (p->selinux_label && p->selinux_label[0]) {
		if (!lsm_enabled("/sys/module/selinux/parameters/enabled", "/sys/fs/selinux", NULL))
			return mr_error_set(err, ENOTSUP, "process.selinuxLabel: SELinux is not enabled on this host");
		if (proc_write("/proc/self/attr/exec", p->selinux_label) < 0)
			return mr_error_sys(err, errno, "process.selinuxLabel: setting \"%.64s\"", p->selinux_label);
	}
	return 0;
}

static int set_groups(const struct oci_process_user *u, struct mr_error **err)
{
	char state[16];
	int e;

	if (setgroups(u->additional_gids_len, (const gid_t *)u->additional_gids) == 0)
		return 0;
	e = errno;
	/* In a user namespace whose /proc/self/setgroups says "deny" the
	 * runtime's own groups cannot be cleared either; runc goes on then. */
	read_small("/proc/self/setgroups", state, sizeof(state));
	if (e == EPERM && u->additional_gids_len == 0 && strncmp(state, "deny", 4) == 0)
		return 0;
	return mr_error_sys(err, e, "process.user.additionalGids: setgroups%s",
			    strncmp(state, "deny", 4) == 0 ? " (/proc/self/setgroups is \"deny\")" : "");
}

/* Groups, gid, uid. PR_SET_KEEPCAPS keeps the permitted set across a uid
 * change away from 0 (the kernel clears effective and ambient regardless),
 * so that mr_caps_set can then give the configured sets. */
static int apply_user(const struct oci_process_user *u, bool keep_groups, struct mr_error **err)
{
	uid_t uid = u->has_uid ? u->uid : 0;
	gid_t gid = u->has_gid ? u->gid : 0;
	int ret = 0;

	if (!keep_groups && set_groups(u, err) < 0)
		return -1;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return mr_error_sys(err, errno, "process.user: prctl(PR_SET_KEEPCAPS)");
	if (setresgid(gid, gid, gid) < 0)
		ret = mr_error_sys(err, errno, "process.user.gid: setresgid(%u)%s", gid,
				   errno == EINVAL ? " (not mapped in the user namespace)" : "");
	else if (setresuid(uid, uid, uid) < 0)
		ret = mr_error_sys(err, errno, "process.user.uid: setresuid(%u)%s", uid,
				   errno == EINVAL ? " (not mapped in the user namespace)" : "");
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0 && ret == 0)
		ret = mr_error_sys(err, errno, "process.user: prctl(PR_SET_KEEPCAPS, 0)");
	return ret;
}

bool mr_process_keep_groups(const struct oci_map_string *annotations)
{
	for (size_t i = 0; annotations && i < annotations->len; i++)
		if (strcmp(annotations->keys[i], "run.oci.keep_original_groups") == 0)
			return strcmp(annotations->values[i], "0") != 0;
	return false;
}

int mr_process_apply(const struct oci_process *p, bool keep_groups, struct mr_error **err)
{
	struct mr_caps caps;
	int last_cap = 0;

	if (apply_oom_score_adj(p, err) < 0 || apply_io_priority(p, err) < 0 || apply_scheduler(p, err) < 0 ||
	    apply_initial_affinity(p, err) < 0)
		return -1;
	/* runc's default when the config gives none. */
	umask(p->user && p->user->has_umask ? (mode_t)p->user->umask : 022);
	if (apply_lsm_labels(p, err) < 0)
		return -1;
	/* rlimits after everything above that opens files under /proc (a
	 * small RLIMIT_NOFILE would fail those opens with EMFILE), but while
	 * we still hold CAP_SYS_RESOURCE, should the runtime have it, to
	 * raise a hard limit. */
	if (apply_rlimits(p, err) < 0)
		return -1;
	/* With `capabilities` absent the sets are left as they are (runc). The
	 * bounding set is dropped while we are still root with CAP_SETPCAP. */
	if (p->capabilities) {
		last_cap = mr_caps_last_cap();
		mr_caps_from_spec(p->capabilities, last_cap, &caps);
		if (mr_caps_drop_bounding(&caps, last_cap, err) < 0)
			return -1;
	}
	/* No `user` means uid 0, gid 0 and no additional groups: the
	 * runtime's own supplementary groups must not reach the container
	 * (runc clears them too), unless the annotation keeps them. */
	if (apply_user(p->user ? p->user : &(const struct oci_process_user){ 0 }, keep_groups, err) < 0)
		return -1;
	if (p->capabilities && mr_caps_set(&caps, last_cap, err) < 0)
		return -1;
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return mr_error_sys(err, errno, "process.noNewPrivileges: prctl(PR_SET_NO_NEW_PRIVS)");
	return 0;
}

uint32_t mr_process_uid(const struct oci_process *p)
{
	return p->user && p->user->has_uid ? p->user->uid : 0;
}

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


static bool is_executable(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* process.args[0] as the container's PATH finds it (after pivot_root), with
 * runc's wording so that podman maps the failure to exit status 127. */
char *mr_process_find_executable(const char *name, char *const *env, struct mr_error **err)
{
	const char *dirs = mr_env_get(env, "PATH");
	char *path = NULL;

	if (dirs == NULL)
		dirs = DEFAULT_PATH;

	if (strchr(name, '/')) {
		struct stat st;
		if (stat(name, &st) < 0) {
			mr_error_sys(err, errno, "exec: \"%s\": stat %s", name, name);
			return NULL;
		}
		if (!is_executable(name)) {
			mr_error_set(err, EACCES, "exec: \"%s\": permission denied", name);
			return NULL;
		}
		return strdup(name);
	}
	while (*dirs) {
		size_t len = strcspn(dirs, ":");
		if (asprintf(&path, "%.*s/%s", (int)(len ? len : 1), len ? dirs : ".", name) < 0)
			break;
		if (is_executable(path))
			return path;
		free(path);
		path = NULL;
		dirs += len;
		if (*dirs == ':')
			dirs++;
	}
	mr_error_set(err, ENOENT, "exec: \"%s\": executable file not found in $PATH", name);
	return NULL;
}
