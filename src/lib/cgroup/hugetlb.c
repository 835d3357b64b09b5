/* The hugetlb controller: a limit per huge page size (v1
 * hugetlb.<size>.limit_in_bytes, v2 hugetlb.<size>.max, with their
 * reservation forms) and the per-size stats. */
#include "cgroup/hugetlb.h"

#include <inttypes.h>
#include <stdio.h>

#include "cgroup/files.h"
#include "cgroup/resources.h"
#include "cgroup/stats-json.h"

#define R "linux.resources."

int mr_cg_hugetlb_check(const char *dir, const struct oci_hugepage_limit *l, size_t n, const char *suffix,
			struct mr_error **err)
{
	for (size_t i = 0; i < n; i++) {
		char file[80];
		if (l[i].page_size == NULL || !mr_cg_hugepage_name_valid(l[i].page_size))
			return mr_error_set(err, 0, R "hugepageLimits[%zu].pageSize: expected a size such as \"2MB\", got \"%s\"",
					    i, l[i].page_size ? l[i].page_size : "");
		snprintf(file, sizeof(file), "hugetlb.%s.%s", l[i].page_size, suffix);
		if (!mr_cg_exists(dir, file))
			return mr_error_set(err, 0, R "hugepageLimits[%zu].pageSize: this host has no %s huge pages (no %s)",
					    i, l[i].page_size, file);
	}
	return 0;
}

int mr_cg_v2_hugetlb_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err)
{
	return mr_cg_hugetlb_check(dir, r->hugepage_limits, r->hugepage_limits_len, "max", err);
}

int mr_cg_v2_hugetlb(const char *dir, const struct oci_hugepage_limit *l, size_t n, struct mr_error **err)
{
	for (size_t i = 0; i < n; i++) {
		char file[64], what[64];
		snprintf(what, sizeof(what), R "hugepageLimits[%zu]", i);
		snprintf(file, sizeof(file), "hugetlb.%s.max", l[i].page_size);
		if (mr_cg_writef(dir, file, what, err, "%" PRIu64, l[i].limit) < 0)
			return -1;
		/* Reservations too (5.7+), as runc: else a mapping can reserve
		 * pages it may never fault in and go past the limit. */
		snprintf(file, sizeof(file), "hugetlb.%s.rsvd.max", l[i].page_size);
		if (mr_cg_exists(dir, file) && mr_cg_writef(dir, file, what, err, "%" PRIu64, l[i].limit) < 0)
			return -1;
	}
	return 0;
}

int mr_cg_v1_hugetlb(const char *dir, const struct oci_hugepage_limit *l, size_t n, struct mr_error **err)
{
	for (size_t i = 0; i < n; i++) {
		char file[80], what[64];
		snprintf(what, sizeof(what), R "hugepageLimits[%zu]", i);
		snprintf(file, sizeof(file), "hugetlb.%s.limit_in_bytes", l[i].page_size);
		if (mr_cg_writef(dir, file, what, err, "%" PRIu64, l[i].limit) < 0)
			return -1;
		snprintf(file, sizeof(file), "hugetlb.%s.rsvd.limit_in_bytes", l[i].page_size);
		if (mr_cg_exists(dir, file) && mr_cg_writef(dir, file, what, err, "%" PRIu64, l[i].limit) < 0)
			return -1;
	}
	return 0;
}

int mr_cg_v1_hugetlb_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err)
{
	return mr_cg_hugetlb_check(dir, r->hugepage_limits, r->hugepage_limits_len, "limit_in_bytes", err);
}

static int read_v1(const char *dir, const char *size, uint64_t *usage, uint64_t *max, uint64_t *failcnt)
{
	char f[80];

	snprintf(f, sizeof(f), "hugetlb.%s.usage_in_bytes", size);
	if (mr_cg_read_u64(dir, f, usage) < 0)
		return -1;
	snprintf(f, sizeof(f), "hugetlb.%s.max_usage_in_bytes", size);
	mr_cg_read_u64(dir, f, max);
	snprintf(f, sizeof(f), "hugetlb.%s.failcnt", size);
	mr_cg_read_u64(dir, f, failcnt);
	return 0;
}

void mr_cg_v1_stats_hugetlb(const char *dir, yajl_gen g)
{
	mr_cg_json_hugetlb(g, dir, read_v1);
}

static int read_v2(const char *dir, const char *size, uint64_t *usage, uint64_t *max, uint64_t *failcnt)
{
	char file[64];

	(void)max; /* v2 keeps no peak */
	snprintf(file, sizeof(file), "hugetlb.%s.current", size);
	if (mr_cg_read_u64(dir, file, usage) < 0)
		return -1;
	snprintf(file, sizeof(file), "hugetlb.%s.events", size);
	mr_cg_read_key(dir, file, "max", failcnt);
	return 0;
}

void mr_cg_v2_stats_hugetlb(const char *dir, yajl_gen g)
{
	mr_cg_json_hugetlb(g, dir, read_v2);
}
