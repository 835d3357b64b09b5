#include "cgroup/resources.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool mr_cg_memory_set(const struct oci_linux_resources_memory *m)
{
	return m && (m->has_limit || m->has_reservation || m->has_swap || m->has_kernel || m->has_kernel_tcp ||
		     m->has_swappiness || m->has_disable_oom_killer || m->has_use_hierarchy);
}

bool mr_cg_cpu_set(const struct oci_linux_resources_cpu *c)
{
	return c && (c->has_shares || c->has_quota || c->has_period || c->has_burst || c->has_idle ||
		     c->has_realtime_period || c->has_realtime_runtime);
}

bool mr_cg_cpuset_set(const struct oci_linux_resources_cpu *c)
{
	return c && ((c->cpus && *c->cpus) || (c->mems && *c->mems));
}

bool mr_cg_blkio_set(const struct oci_linux_resources_block_io *b)
{
	return b && (b->has_weight || b->has_leaf_weight || b->weight_device_len || b->throttle_read_bps_device_len ||
		     b->throttle_write_bps_device_len || b->throttle_read_iops_device_len ||
		     b->throttle_write_iops_device_len);
}

/* runc's ConvertCPUSharesToCgroupV2Value (libcontainer/cgroups/utils.go):
 * the v1 range [2, 262144] maps linearly onto [1, 10000], so the default
 * 1024 shares become weight 39, not the v2 default 100. crun used the same
 * line once; it now maps quadratically in log2(shares) (its
 * convert_shares_to_weight: 10^((l*l + 125*l)/612 - 7/34), rounded up,
 * l = log2(shares)), a curve through the three fixed points 2 -> 1,
 * 1024 -> 100 and 262144 -> 10000. minirun keeps runc's line: it is the
 * drop-in for runc, and a config then means the same weight under both. */
uint64_t mr_cg_shares_to_weight(uint64_t shares)
{
	if (shares == 0)
		return 0;
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

/* runc's ConvertBlkIOToIOWeightValue, the same formula as crun's: [10, 1000]
 * onto [1, 10000]. */
uint64_t mr_cg_blkio_to_io_weight(uint64_t weight)
{
	if (weight == 0)
		return 0;
	if (weight < 10)
		weight = 10;
	if (weight > 1000)
		weight = 1000;
	return 1 + (weight - 10) * 9999 / 990;
}

/* runc's ConvertMemorySwapToCgroupV2Value: OCI swap is the memory+swap
 * limit (v1 memsw); v2 limits swap alone, so swap.max = swap - limit. A
 * swap of 0 counts as unset there (runc has no "absent"), -1 is "max"; an
 * unlimited memory without a swap value means unlimited swap too. */
int mr_cg_swap_v2(const struct oci_linux_resources_memory *m, char *buf, size_t size, const char **why)
{
	int64_t swap = m->has_swap ? m->swap : 0;
	int64_t limit = m->has_limit ? m->limit : 0;

	buf[0] = '\0';
	if (limit == -1 && swap == 0) {
		snprintf(buf, size, "max");
		return 0;
	}
	if (swap == 0)
		return 0;
	if (swap == -1) {
		snprintf(buf, size, "max");
		return 0;
	}
	if (swap < -1) {
		*why = "invalid memory+swap limit";
		return -1;
	}
	if (limit == 0 || limit == -1) {
		*why = "a swap limit needs a memory limit";
		return -1;
	}
	if (limit < 0) {
		*why = "invalid memory limit";
		return -1;
	}
	if (swap < limit) {
		*why = "the memory+swap limit must not be below the memory limit";
		return -1;
	}
	snprintf(buf, size, "%" PRId64, swap - limit);
	return 0;
}

void mr_cg_v2_limit(int64_t v, char *buf, size_t size)
{
	if (v < 0)
		snprintf(buf, size, "max");
	else
		snprintf(buf, size, "%" PRId64, v);
}

void mr_cg_pids_max(int64_t v, char *buf, size_t size)
{
	if (v <= 0)
		snprintf(buf, size, "max");
	else
		snprintf(buf, size, "%" PRId64, v);
}

bool mr_cg_cpu_max(const struct oci_linux_resources_cpu *c, const char *current, char *buf, size_t size)
{
	char quota[32] = "max";
	uint64_t period = 100000;

	if (!c->has_quota && !c->has_period)
		return false;
	if (current != NULL) {
		char q[32];
		uint64_t p;
		if (sscanf(current, "%31s %" SCNu64, q, &p) == 2) {
			snprintf(quota, sizeof(quota), "%s", q);
			period = p;
		}
	}
	if (c->has_quota) {
		if (c->quota > 0)
			snprintf(quota, sizeof(quota), "%" PRId64, c->quota);
		else
			snprintf(quota, sizeof(quota), "max");
	}
	if (c->has_period && c->period > 0)
		period = c->period;
	snprintf(buf, size, "%s %" PRIu64, quota, period);
	return true;
}

/* As runc's HugePageSizes: binary units, the largest that divides evenly. */
void mr_cg_hugepage_name(uint64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = { "B", "KB", "MB", "GB", "TB", "PB" };
	size_t u = 0;

	while (bytes >= 1024 && bytes % 1024 == 0 && u + 1 < sizeof(units) / sizeof(units[0])) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, size, "%" PRIu64 "%s", bytes, units[u]);
}

bool mr_cg_hugepage_name_valid(const char *s)
{
	size_t digits = strspn(s, "0123456789");

	if (digits == 0 || digits > 12 || s[0] == '0')
		return false;
	s += digits;
	return strcmp(s, "KB") == 0 || strcmp(s, "MB") == 0 || strcmp(s, "GB") == 0 || strcmp(s, "TB") == 0 ||
	       strcmp(s, "PB") == 0;
}

bool mr_cg_parse_list(const char *s, uint16_t **out, size_t *n)
{
	uint16_t *v = NULL;
	size_t len = 0;

	*out = NULL;
	*n = 0;
	while (*s && *s != '\n') {
		char *end;
		unsigned long a, b;
		errno = 0;
		a = strtoul(s, &end, 10);
		if (end == s || errno || a > 65535)
			goto bad;
		b = a;
		s = end;
		if (*s == '-') {
			s++;
			b = strtoul(s, &end, 10);
			if (end == s || errno || b > 65535 || b < a)
				goto bad;
			s = end;
		}
		for (unsigned long i = a; i <= b; i++) {
			uint16_t *grown = realloc(v, (len + 1) * sizeof(*v));
			if (grown == NULL)
				goto bad;
			v = grown;
			v[len++] = (uint16_t)i;
		}
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			goto bad;
	}
	*out = v;
	*n = len;
	return true;
bad:
	free(v);
	return false;
}

static const struct mr_cg_dev_rule default_devices[] = {
	{ true, 'c', -1, -1, MR_CG_DEV_MKNOD }, /* mknod of anything; opening it is what is checked */
	{ true, 'b', -1, -1, MR_CG_DEV_MKNOD },
	{ true, 'c', 1, 3, 7 }, /* null */
	{ true, 'c', 1, 8, 7 }, /* random */
	{ true, 'c', 1, 7, 7 }, /* full */
	{ true, 'c', 5, 0, 7 }, /* tty */
	{ true, 'c', 1, 5, 7 }, /* zero */
	{ true, 'c', 1, 9, 7 }, /* urandom */
	{ true, 'c', 5, 1, 7 }, /* console */
	{ true, 'c', 136, -1, 7 }, /* pts/N */
	{ true, 'c', 5, 2, 7 }, /* ptmx */
};

static int rule_from_oci(const struct oci_device_cgroup *d, size_t i, struct mr_cg_dev_rule *r,
			 struct mr_error **err)
{
	const char *type = d->type ? d->type : "a";
	const char *access = d->access ? d->access : "rwm";

	if (strlen(type) != 1 || strchr("acb", type[0]) == NULL)
		return mr_error_set(err, 0, "linux.resources.devices[%zu].type: expected \"a\", \"c\" or \"b\", got \"%s\"",
				    i, type);
	r->allow = d->has_allow && d->allow;
	r->type = type[0];
	r->major = d->has_major ? d->major : -1;
	r->minor = d->has_minor ? d->minor : -1;
	if (r->major < -1 || r->minor < -1 || r->major > UINT32_MAX || r->minor > UINT32_MAX)
		return mr_error_set(err, 0, "linux.resources.devices[%zu]: major and minor must be -1 or numbers", i);
	r->access = 0;
	for (const char *a = access; *a; a++) {
		switch (*a) {
		case 'r':
			r->access |= MR_CG_DEV_READ;
			break;
		case 'w':
			r->access |= MR_CG_DEV_WRITE;
			break;
		case 'm':
			r->access |= MR_CG_DEV_MKNOD;
			break;
		default:
			return mr_error_set(err, 0,
					    "linux.resources.devices[%zu].access: expected letters of \"rwm\", got \"%s\"",
					    i, access);
		}
	}
	return 0;
}

int mr_cg_dev_rules(const struct oci_device_cgroup *d, size_t n, bool defaults, struct mr_cg_dev_rule **out,
		    size_t *len, struct mr_error **err)
{
	size_t nd = defaults ? sizeof(default_devices) / sizeof(default_devices[0]) : 0;
	struct mr_cg_dev_rule *r = calloc(n + nd + 1, sizeof(*r));

	if (r == NULL)
		return mr_error_sys(err, ENOMEM, "linux.resources.devices");
	for (size_t i = 0; i < n; i++) {
		if (rule_from_oci(&d[i], i, &r[i], err) < 0) {
			free(r);
			return -1;
		}
	}
	memcpy(r + n, default_devices, nd * sizeof(*r));
	*out = r;
	*len = n + nd;
	return 0;
}

void mr_cg_dev_rule_v1(const struct mr_cg_dev_rule *r, char *buf, size_t size)
{
	char major[24] = "*", minor[24] = "*", access[4];
	size_t a = 0;

	/* The kernel reads "a" alone as every device with every access (and
	 * ignores numbers after it). */
	if (r->type == 'a') {
		snprintf(buf, size, "a");
		return;
	}
	if (r->major >= 0)
		snprintf(major, sizeof(major), "%" PRId64, r->major);
	if (r->minor >= 0)
		snprintf(minor, sizeof(minor), "%" PRId64, r->minor);
	if (r->access & MR_CG_DEV_READ)
		access[a++] = 'r';
	if (r->access & MR_CG_DEV_WRITE)
		access[a++] = 'w';
	if (r->access & MR_CG_DEV_MKNOD)
		access[a++] = 'm';
	access[a] = '\0';
	snprintf(buf, size, "%c %s:%s %s", r->type, major, minor, access);
}
