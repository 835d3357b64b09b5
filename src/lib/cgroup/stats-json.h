/* The JSON pieces of the stats (stats-json.c) that the controllers
 * build theirs from, in runc's `events --stats` form. */
#ifndef MINIRUN_CGROUP_STATS_JSON_H
#define MINIRUN_CGROUP_STATS_JSON_H

#include <stdint.h>
#include <yajl/yajl_gen.h>

void mr_cg_json_key(yajl_gen g, const char *key);
void mr_cg_json_u64(yajl_gen g, const char *key, uint64_t v); /* key NULL: a bare value */
/* A memory counter object: limit, usage and max (when not 0), failcnt. */
void mr_cg_json_usage(yajl_gen g, const char *key, uint64_t limit, uint64_t usage, uint64_t max, uint64_t failcnt);
/* "raw": the "key value" lines of dir/file as numbers; *cache gets the
 * value of cache_key (v1 "cache", v2 "file"). */
void mr_cg_json_raw(yajl_gen g, const char *dir, const char *file, const char *cache_key, uint64_t *cache);
/* "throttling" from dir's cpu.stat (dir NULL: empty); the throttled time
 * is time_key times time_scale, in ns. */
void mr_cg_json_throttling(yajl_gen g, const char *dir, const char *time_key, uint64_t time_scale);
/* "hugetlb": an object per huge page size of this kernel for which read()
 * finds the counters in dir (it returns -1 where the size has none). */
void mr_cg_json_hugetlb(yajl_gen g, const char *dir,
			int (*read)(const char *dir, const char *size, uint64_t *usage, uint64_t *max, uint64_t *failcnt));

#endif
