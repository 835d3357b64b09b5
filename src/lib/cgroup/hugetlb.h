/* The hugetlb controller (hugetlb.c): v1 and v2 writers, checks, stats. */
#ifndef MINIRUN_CGROUP_HUGETLB_H
#define MINIRUN_CGROUP_HUGETLB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>
#include "spec/oci-model.gen.h"
#include "util/error.h"

/* Each hugepageLimits[].pageSize has hugetlb.<size>.<suffix> in dir
 * (suffix "limit_in_bytes" on v1, "max" on v2). */
int mr_cg_hugetlb_check(const char *dir, const struct oci_hugepage_limit *l, size_t n, const char *suffix,
			struct mr_error **err);
int mr_cg_v1_hugetlb_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err);
int mr_cg_v2_hugetlb_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err);
int mr_cg_v1_hugetlb(const char *dir, const struct oci_hugepage_limit *l, size_t n, struct mr_error **err);
int mr_cg_v2_hugetlb(const char *dir, const struct oci_hugepage_limit *l, size_t n, struct mr_error **err);
void mr_cg_v1_stats_hugetlb(const char *dir, yajl_gen g);
void mr_cg_v2_stats_hugetlb(const char *dir, yajl_gen g);

#endif
