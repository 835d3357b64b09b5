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

void mr_cg_strv_free(char **v)
{
	if (v == NULL)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

char **mr_cg_hugepage_sizes(void)
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
