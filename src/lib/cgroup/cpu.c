/* The cpu controller (and v1's cpuacct for the stats): shares, CFS quota
 * and period, burst, idle, real-time limits (v1 only). */
#include "cgroup/cpu.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/files.h"
#include "cgroup/resources.h"
#include "cgroup/stats-json.h"
#include "util/cleanup.h"

#define R "linux.resources."

int mr_cg_v1_cpu_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err)
{
	static const char rt[] = "real-time group scheduling: CONFIG_RT_GROUP_SCHED";
	const struct oci_linux_resources_cpu *c = r->cpu;

	if ((c->has_burst && mr_cg_need_file(dir, "cpu.cfs_burst_us", "cpu.burst", "CPU burst needs Linux 5.14", err) < 0) ||
	    (c->has_idle && mr_cg_need_file(dir, "cpu.idle", "cpu.idle", "SCHED_IDLE cgroups need Linux 5.15", err) < 0) ||
	    (c->has_realtime_period && c->realtime_period != 0 &&
	     mr_cg_need_file(dir, "cpu.rt_period_us", "cpu.realtimePeriod", rt, err) < 0) ||
	    (c->has_realtime_runtime && c->realtime_runtime != 0 &&
	     mr_cg_need_file(dir, "cpu.rt_runtime_us", "cpu.realtimeRuntime", rt, err) < 0))
		return -1;
	return 0;
}

int mr_cg_v1_cpu(const char *dir, const struct oci_linux_resources_cpu *c, struct mr_error **err)
{
	bool period_later = false;

	if (c->has_shares && c->shares != 0 &&
	    mr_cg_writef(dir, "cpu.shares", R "cpu.shares", err, "%" PRIu64, c->shares) < 0)
		return -1;
	/* As runc: a period below the current one can be refused (EINVAL)
	 * while the old quota would exceed the parent's; then set the quota
	 * first and the period after it. */
	if (c->has_period && c->period != 0) {
		struct mr_error *e = NULL;
		if (mr_cg_writef(dir, "cpu.cfs_period_us", R "cpu.period", &e, "%" PRIu64, c->period) < 0) {
			if (e->errnum != EINVAL || !c->has_quota || c->quota == 0) {
				*err = e;
				return -1;
			}
			mr_error_free(e);
			period_later = true;
		}
	}
	if (c->has_quota && c->quota != 0 &&
	    mr_cg_writef(dir, "cpu.cfs_quota_us", R "cpu.quota", err, "%" PRId64, c->quota > 0 ? c->quota : -1) < 0)
		return -1;
	if (period_later && mr_cg_writef(dir, "cpu.cfs_period_us", R "cpu.period", err, "%" PRIu64, c->period) < 0)
		return -1;
	if (c->has_burst && mr_cg_writef(dir, "cpu.cfs_burst_us", R "cpu.burst", err, "%" PRIu64, c->burst) < 0)
		return -1;
	if (c->has_realtime_period && c->realtime_period != 0 &&
	    mr_cg_writef(dir, "cpu.rt_period_us", R "cpu.realtimePeriod", err, "%" PRIu64, c->realtime_period) < 0)
		return -1;
	if (c->has_realtime_runtime && c->realtime_runtime != 0 &&
	    mr_cg_writef(dir, "cpu.rt_runtime_us", R "cpu.realtimeRuntime", err, "%" PRId64, c->realtime_runtime) < 0)
		return -1;
	if (c->has_idle && mr_cg_writef(dir, "cpu.idle", R "cpu.idle", err, "%" PRId64, c->idle) < 0)
		return -1;
	return 0;
}

int mr_cg_v2_cpu_check(const char *dir, const struct oci_linux_resources *r, struct mr_error **err)
{
	const struct oci_linux_resources_cpu *c = r->cpu;

	if (c == NULL)
		return 0;
	/* The kernel has no cpu.rt_* on v2. */
	if ((c->has_realtime_runtime && c->realtime_runtime != 0) || (c->has_realtime_period && c->realtime_period != 0))
		return mr_error_set(err, 0, R "cpu.realtimeRuntime/realtimePeriod: not supported on cgroup v2");
	if (c->has_burst && mr_cg_need_file(dir, "cpu.max.burst", "cpu.burst", "CPU burst needs Linux 5.14", err) < 0)
		return -1;
	if (c->has_idle && mr_cg_need_file(dir, "cpu.idle", "cpu.idle", "SCHED_IDLE cgroups need Linux 5.15", err) < 0)
		return -1;
	return 0;
}

int mr_cg_v2_cpu(const char *dir, const struct oci_linux_resources_cpu *c, struct mr_error **err)
{
	char buf[64];

	if (c == NULL)
		return 0;
	if (c->has_shares && c->shares != 0 &&
	    mr_cg_writef(dir, "cpu.weight", R "cpu.shares", err, "%" PRIu64, mr_cg_shares_to_weight(c->shares)) < 0)
		return -1;
	if (c->has_quota || c->has_period) {
		cleanup_free char *cur = mr_cg_read(dir, "cpu.max");
		if (mr_cg_cpu_max(c, cur, buf, sizeof(buf)) &&
		    mr_cg_write(dir, "cpu.max", buf, c->has_quota ? R "cpu.quota" : R "cpu.period", err) < 0)
			return -1;
	}
	if (c->has_burst && mr_cg_writef(dir, "cpu.max.burst", R "cpu.burst", err, "%" PRIu64, c->burst) < 0)
		return -1;
	if (c->has_idle && mr_cg_writef(dir, "cpu.idle", R "cpu.idle", err, "%" PRId64, c->idle) < 0)
		return -1;
	return 0;
}

void mr_cg_v1_stats_cpu(const char *acct, const char *cpu, yajl_gen g)
{
	cleanup_free char *percpu = acct ? mr_cg_read(acct, "cpuacct.usage_percpu") : NULL;
	long hz = sysconf(_SC_CLK_TCK);
	uint64_t v;

	mr_cg_json_key(g, "cpu");
	yajl_gen_map_open(g);
	mr_cg_json_key(g, "usage");
	yajl_gen_map_open(g);
	if (acct && mr_cg_read_u64(acct, "cpuacct.usage", &v) == 0 && v)
		mr_cg_json_u64(g, "total", v);
	if (percpu && *percpu) {
		mr_cg_json_key(g, "percpu");
		yajl_gen_array_open(g);
		for (char *p = percpu, *end; *p; p = end) {
			v = strtoull(p, &end, 10);
			if (end == p)
				break;
			mr_cg_json_u64(g, NULL, v);
		}
		yajl_gen_array_close(g);
	}
	/* cpuacct.stat counts USER_HZ ticks. */
	if (hz <= 0)
		hz = 100;
	mr_cg_json_u64(g, "kernel",
		       acct && mr_cg_read_key(acct, "cpuacct.stat", "system", &v) == 0 ? v * (1000000000 / hz) : 0);
	mr_cg_json_u64(g, "user", acct && mr_cg_read_key(acct, "cpuacct.stat", "user", &v) == 0 ? v * (1000000000 / hz) : 0);
	yajl_gen_map_close(g);
	mr_cg_json_throttling(g, cpu, "throttled_time", 1);
	yajl_gen_map_close(g);
}

void mr_cg_v2_stats_cpu(const char *dir, yajl_gen g)
{
	uint64_t v;

	mr_cg_json_key(g, "cpu");
	yajl_gen_map_open(g);
	mr_cg_json_key(g, "usage");
	yajl_gen_map_open(g);
	if (mr_cg_read_key(dir, "cpu.stat", "usage_usec", &v) == 0)
		mr_cg_json_u64(g, "total", v * 1000);
	mr_cg_json_u64(g, "kernel", mr_cg_read_key(dir, "cpu.stat", "system_usec", &v) == 0 ? v * 1000 : 0);
	mr_cg_json_u64(g, "user", mr_cg_read_key(dir, "cpu.stat", "user_usec", &v) == 0 ? v * 1000 : 0);
	yajl_gen_map_close(g);
	mr_cg_json_throttling(g, dir, "throttled_usec", 1000);
	yajl_gen_map_close(g);
}
