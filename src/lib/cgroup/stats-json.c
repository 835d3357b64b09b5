/* runc's `events --stats` object: the frame around what the v1 or v2
 * driver reports, and the JSON pieces both drivers build it from. */
#include "cgroup/internal.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/resources.h"
#include "util/cleanup.h"

void mr_cg_json_key(yajl_gen g, const char *key)
{
	yajl_gen_string(g, (const unsigned char *)key, strlen(key));
}

void mr_cg_json_u64(yajl_gen g, const char *key, uint64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%" PRIu64, v);

	if (key)
		mr_cg_json_key(g, key);
	yajl_gen_number(g, num, (size_t)n);
}

static void strv_free(char **v)
{
	if (v == NULL)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

/* The huge page sizes of this kernel as cgroup files name them ("2MB",
 * "1GB"), NULL-terminated. */
static char **hugepage_sizes(void)
{
	DIR *d = opendir("/sys/kernel/mm/hugepages");
	struct dirent *e;
	char **v = calloc(1, sizeof(*v));
	size_t n = 0;

	if (d == NULL || v == NULL) {
		if (d)
			closedir(d);
		return v;
	}
	while ((e = readdir(d)) != NULL) {
		unsigned long long kb;
		char name[32], **grown;
		if (sscanf(e->d_name, "hugepages-%llukB", &kb) != 1)
			continue;
		mr_cg_hugepage_name((uint64_t)kb * 1024, name, sizeof(name));
		grown = realloc(v, (n + 2) * sizeof(*v));
		if (grown == NULL)
			break;
		v = grown;
		v[n] = strdup(name);
		if (v[n] == NULL)
			break;
		v[++n] = NULL;
	}
	closedir(d);
	return v;
}

char *mr_cgroup_stats_json(const struct mr_cgroup *cg, struct mr_error **err)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	char *out = NULL;

	if (g == NULL) {
		mr_error_sys(err, ENOMEM, "cgroup stats");
		return NULL;
	}
	yajl_gen_map_open(g);
	if (cg->drv->stats(cg, g, err) == 0) {
		/* Members runc always has, empty here. */
		mr_cg_json_key(g, "intel_rdt");
		yajl_gen_map_open(g);
		yajl_gen_map_close(g);
		mr_cg_json_key(g, "network_interfaces");
		yajl_gen_null(g);
		yajl_gen_map_close(g);
		if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
			out = strndup((const char *)buf, len);
		if (out == NULL)
			mr_error_sys(err, ENOMEM, "cgroup stats");
	}
	yajl_gen_free(g);
	return out;
}

/* The members of a memory or hugetlb counter object after "limit"; runc
 * leaves out a zero usage and max (omitempty), not failcnt. */
static void counters(yajl_gen g, uint64_t usage, uint64_t max, uint64_t failcnt)
{
	if (usage)
		mr_cg_json_u64(g, "usage", usage);
	if (max)
		mr_cg_json_u64(g, "max", max);
	mr_cg_json_u64(g, "failcnt", failcnt);
}

void mr_cg_json_usage(yajl_gen g, const char *key, uint64_t limit, uint64_t usage, uint64_t max, uint64_t failcnt)
{
	mr_cg_json_key(g, key);
	yajl_gen_map_open(g);
	mr_cg_json_u64(g, "limit", limit);
	counters(g, usage, max, failcnt);
	yajl_gen_map_close(g);
}

void mr_cg_json_raw(yajl_gen g, const char *dir, const char *file, const char *cache_key, uint64_t *cache)
{
	cleanup_free char *s = mr_cg_read(dir, file);
	char *save = NULL;

	mr_cg_json_key(g, "raw");
	yajl_gen_map_open(g);
	for (char *line = s ? strtok_r(s, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');
		uint64_t v;
		if (sp == NULL)
			continue;
		*sp = '\0';
		v = strtoull(sp + 1, NULL, 10);
		mr_cg_json_u64(g, line, v);
		if (strcmp(line, cache_key) == 0)
			*cache = v;
	}
	yajl_gen_map_close(g);
}

void mr_cg_json_throttling(yajl_gen g, const char *dir, const char *time_key, uint64_t time_scale)
{
	uint64_t v;

	mr_cg_json_key(g, "throttling");
	yajl_gen_map_open(g);
	if (dir && mr_cg_read_key(dir, "cpu.stat", "nr_periods", &v) == 0 && v)
		mr_cg_json_u64(g, "periods", v);
	if (dir && mr_cg_read_key(dir, "cpu.stat", "nr_throttled", &v) == 0 && v)
		mr_cg_json_u64(g, "throttledPeriods", v);
	if (dir && mr_cg_read_key(dir, "cpu.stat", time_key, &v) == 0 && v)
		mr_cg_json_u64(g, "throttledTime", v * time_scale);
	yajl_gen_map_close(g);
}

void mr_cg_json_hugetlb(yajl_gen g, const char *dir,
			int (*read)(const char *dir, const char *size, uint64_t *usage, uint64_t *max, uint64_t *failcnt))
{
	char **sizes = hugepage_sizes();

	mr_cg_json_key(g, "hugetlb");
	yajl_gen_map_open(g);
	for (char **s = sizes; s && *s; s++) {
		uint64_t usage = 0, max = 0, failcnt = 0;
		if (read(dir, *s, &usage, &max, &failcnt) < 0)
			continue;
		mr_cg_json_key(g, *s);
		yajl_gen_map_open(g);
		counters(g, usage, max, failcnt);
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
	strv_free(sizes);
}
