/* docker stats: samples of a container's cgroup counters from its shim,
 * one poller per container however many watch it (HTTP streams, the
 * dashboard), rendered once per sample in Docker's JSON shape (read,
 * preread, cpu_stats, precpu_stats, memory_stats, pids_stats,
 * blkio_stats, num_procs, name, id). */
#ifndef MINIRUND_MANAGER_STATS_H
#define MINIRUND_MANAGER_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "manager/ctrs.h"
#include "util/json.h"

#define MRD_STATS_INTERVAL_MS 1000

struct mrd_stats_sub;
/* json: one sample (a JSON object, no newline), valid during the call. */
typedef void (*mrd_stats_fn)(void *data, const char *json, size_t len);

/* Samples every MRD_STATS_INTERVAL_MS from now on (the first at once). */
struct mrd_stats_sub *mrd_stats_subscribe(struct mrd_ctr *c, mrd_stats_fn fn, void *data);
void mrd_stats_unsubscribe(struct mrd_stats_sub *s);
/* The container is going: end its subscribers (fn with len 0). */
void mrd_stats_container_gone(struct mrd_ctr *c);

/* Render a sample from the shim's stats (runc's "events --stats" shape:
 * cpu.usage, memory.usage, memory.raw, pids, blkio) with the previous
 * one (pure; tested). */
struct mrd_cpu_sample {
	uint64_t total, kernel, user, system;
	uint64_t percpu[256];
	size_t npercpu;
	unsigned online;
	uint64_t periods, throttled_periods, throttled_time;
	int64_t read_ns;
};
void mrd_stats_cpu_from(const struct mr_json *stats, struct mrd_cpu_sample *out);
char *mrd_stats_render(const struct mrd_ctr *c, const struct mr_json *stats, const struct mrd_cpu_sample *cpu,
		       const struct mrd_cpu_sample *pre, size_t *len);
/* The host's CPU time in ns (/proc/stat), as system_cpu_usage. */
uint64_t mrd_host_cpu_ns(unsigned *online);

#endif
