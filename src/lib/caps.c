#include "caps.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "capability-names.h"
#include "util/cleanup.h"

/* Capabilities are counted in one 64-bit word here (the kernel's 3rd ABI
 * version is two 32-bit words); the kernel knows 41 today. */
#define MR_CAP_BITS 64

static inline uint64_t bit(int cap)
{
	return UINT64_C(1) << cap;
}

int mr_caps_last_cap(void)
{
	cleanup_close int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	char buf[16];
	ssize_t n;
	int cap;

	if (fd >= 0 && (n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		char *end;
		long v;
		buf[n] = '\0';
		v = strtol(buf, &end, 10);
		if (end != buf && v > 0 && v < MR_CAP_BITS)
			return (int)v;
	}
	/* No /proc (or a strange one): PR_CAPBSET_READ fails with EINVAL for
	 * numbers the kernel does not know. */
	for (cap = 0; cap + 1 < MR_CAP_BITS; cap++)
		if (prctl(PR_CAPBSET_READ, cap + 1, 0, 0, 0) < 0 && errno == EINVAL)
			break;
	return cap;
}

static void names_to_bits(char *const *names, size_t n, int last_cap, uint64_t *out)
{
	*out = 0;
	for (size_t i = 0; i < n; i++) {
		int cap = mr_cap_from_name(names[i]);
		/* the runtime warned about these (mr_caps_warn_unavailable) */
		if (cap < 0 || cap > last_cap)
			continue;
		*out |= bit(cap);
	}
}

void mr_caps_from_spec(const struct oci_process_capabilities *c, int last_cap, struct mr_caps *out)
{
	*out = (struct mr_caps){ 0 };
	names_to_bits(c->bounding, c->bounding_len, last_cap, &out->bounding);
	names_to_bits(c->effective, c->effective_len, last_cap, &out->effective);
	names_to_bits(c->permitted, c->permitted_len, last_cap, &out->permitted);
	names_to_bits(c->inheritable, c->inheritable_len, last_cap, &out->inheritable);
	names_to_bits(c->ambient, c->ambient_len, last_cap, &out->ambient);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Add the names of one set that cannot be granted to v (each once). */
static void collect_unavailable(char *const *names, size_t n, int last_cap, const char **v, size_t *len)
{
	for (size_t i = 0; i < n; i++) {
		int cap = mr_cap_from_name(names[i]);
		bool seen = false;
		if (cap >= 0 && cap <= last_cap)
			continue;
		for (size_t k = 0; k < *len && !seen; k++)
			seen = strcmp(v[k], names[i]) == 0;
		if (!seen)
			v[(*len)++] = names[i];
	}
}

void mr_caps_warn_unavailable(const struct mr_log *log, const struct oci_process_capabilities *c)
{
	size_t total, len = 0, used = 0;
	cleanup_free const char **v = NULL;
	cleanup_free char *msg = NULL;
	int last_cap;

	if (c == NULL)
		return;
	total = c->bounding_len + c->effective_len + c->permitted_len + c->inheritable_len + c->ambient_len;
	if (total == 0 || (v = calloc(total, sizeof(*v))) == NULL)
		return;
	last_cap = mr_caps_last_cap();
	collect_unavailable(c->bounding, c->bounding_len, last_cap, v, &len);
	collect_unavailable(c->effective, c->effective_len, last_cap, v, &len);
	collect_unavailable(c->permitted, c->permitted_len, last_cap, v, &len);
	collect_unavailable(c->inheritable, c->inheritable_len, last_cap, v, &len);
	collect_unavailable(c->ambient, c->ambient_len, last_cap, v, &len);
	if (len == 0)
		return;
	qsort(v, len, sizeof(*v), compare_names);
	for (size_t i = 0; i < len; i++)
		used += strlen(v[i]) + 1;
	msg = malloc(used + 64);
	if (msg == NULL)
		return;
	/* runc's words (its logrus line prints the list as Go does: "[A B]") */
	used = (size_t)sprintf(msg, "ignoring unknown or unavailable capabilities: [");
	for (size_t i = 0; i < len; i++)
		used += (size_t)sprintf(msg + used, "%s%s", i ? " " : "", v[i]);
	strcpy(msg + used, "]");
	mr_log_write(log, "warning", msg);
}

/* "CAP_CHOWN", or "capability 45" for one newer than our table. */
static const char *cap_label(int cap, char *buf, size_t size)
{
	const char *name = mr_cap_name(cap);

	if (name != NULL)
		return name;
	snprintf(buf, size, "capability %d", cap);
	return buf;
}

int mr_caps_drop_bounding(const struct mr_caps *caps, int last_cap, struct mr_error **err)
{
	char label[32];

	for (int cap = 0; cap <= last_cap; cap++) {
		if (caps->bounding & bit(cap))
			continue;
		/* Dropping one that is already gone succeeds; EINVAL means the
		 * kernel does not know it after all (last_cap was probed). */
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return mr_error_sys(err, errno,
					    "process.capabilities.bounding: dropping %s: prctl(PR_CAPBSET_DROP)",
					    cap_label(cap, label, sizeof(label)));
	}
	return 0;
}

static int capget_self(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };

	return (int)syscall(SYS_capget, &hdr, data);
}

static uint64_t join(uint32_t lo, uint32_t hi)
{
	return (uint64_t)hi << 32 | lo;
}

/* capset(2) said EPERM: find the capability and the kernel rule it breaks
 * (security/commoncap.c cap_capset), so the message says what to change. */
static int explain_capset(const struct mr_caps *caps, int last_cap, struct mr_error **err)
{
	struct __user_cap_data_struct cur[2] = { 0 };
	uint64_t perm, inh, bset = 0;
	char label[32];

	if (capget_self(cur) < 0)
		return mr_error_sys(err, EPERM, "process.capabilities: capset");
	perm = join(cur[0].permitted, cur[1].permitted);
	inh = join(cur[0].inheritable, cur[1].inheritable);
	for (int cap = 0; cap <= last_cap; cap++)
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
			bset |= bit(cap);
	for (int cap = 0; cap <= last_cap; cap++) {
		const char *name = cap_label(cap, label, sizeof(label));
		if ((caps->permitted & bit(cap)) && !(perm & bit(cap)))
			return mr_error_sys(err, EPERM,
					    "process.capabilities.permitted: %s: the runtime does not hold it%s, "
					    "so it cannot be granted",
					    name, bset & bit(cap) ? "" : " (not in its bounding set)");
		if ((caps->effective & bit(cap)) && !(caps->permitted & bit(cap)))
			return mr_error_sys(err, EPERM, "process.capabilities.effective: %s: not in the permitted set",
					    name);
		if ((caps->inheritable & bit(cap)) && !(inh & bit(cap)) && !(bset & bit(cap)))
			return mr_error_sys(err, EPERM, "process.capabilities.inheritable: %s: not in the bounding set",
					    name);
	}
	return mr_error_sys(err, EPERM, "process.capabilities: capset");
}

int mr_caps_set(const struct mr_caps *caps, int last_cap, struct mr_error **err)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2] = {
		{ (uint32_t)caps->effective, (uint32_t)caps->permitted, (uint32_t)caps->inheritable },
		{ (uint32_t)(caps->effective >> 32), (uint32_t)(caps->permitted >> 32),
		  (uint32_t)(caps->inheritable >> 32) },
	};
	char label[32];

	if (syscall(SYS_capset, &hdr, data) < 0) {
		if (errno == EPERM)
			return explain_capset(caps, last_cap, err);
		return mr_error_sys(err, errno, "process.capabilities: capset");
	}
	/* Whatever the runtime had in its ambient set must not leak in. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return mr_error_sys(err, errno, "process.capabilities.ambient: prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
	for (int cap = 0; cap <= last_cap; cap++) {
		if (!(caps->ambient & bit(cap)))
			continue;
		/* The kernel raises an ambient capability only when it is both
		 * permitted and inheritable. runc (gocapability) ignores the
		 * refusal, and `runc spec` writes ambient caps without any
		 * inheritable ones: skip those as runc does, so such bundles run
		 * the same here (CapAmb stays 0, as runc's own tests expect). */
		if (!(caps->permitted & bit(cap)) || !(caps->inheritable & bit(cap)))
			continue;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return mr_error_sys(err, errno, "process.capabilities.ambient: %s: prctl(PR_CAP_AMBIENT_RAISE)",
					    cap_label(cap, label, sizeof(label)));
	}
	return 0;
}
