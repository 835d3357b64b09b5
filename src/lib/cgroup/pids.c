/* The pids controller: pids.max and pids.current, the same files on v1
 * and v2. */
#include "cgroup/pids.h"

#include <stdint.h>

#include "cgroup/files.h"
#include "cgroup/resources.h"
#include "cgroup/stats-json.h"

#define R "linux.resources."

int mr_cg_pids(const char *dir, const struct oci_linux_resources_pids *p, struct mr_error **err)
{
	char buf[32];

	if (p == NULL || !p->has_limit)
		return 0;
	mr_cg_pids_max(p->limit, buf, sizeof(buf));
	return mr_cg_write(dir, "pids.max", buf, R "pids.limit", err);
}

void mr_cg_stats_pids(const char *dir, yajl_gen g)
{
	uint64_t v;

	mr_cg_json_key(g, "pids");
	yajl_gen_map_open(g);
	if (mr_cg_read_u64(dir, "pids.current", &v) == 0 && v)
		mr_cg_json_u64(g, "current", v);
	if (mr_cg_read_u64(dir, "pids.max", &v) == 0 && v != UINT64_MAX)
		mr_cg_json_u64(g, "limit", v);
	yajl_gen_map_close(g);
}
