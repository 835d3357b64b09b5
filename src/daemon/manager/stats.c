#include "manager/stats.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/jsonw.h"
#include "loop.h"
#include "manager/internal.h"
#include "util/cleanup.h"

struct mrd_stats_sub {
	struct mrd_stats_poller *p;
	mrd_stats_fn fn;
	void *data;
	bool dead;
	struct mrd_stats_sub *next;
};

struct mrd_stats_poller {
	struct mrd_ctr *c;
	struct mrd_stats_sub *subs;
	struct mrd_timer *timer;
	struct mrd_cpu_sample pre;
	bool in_flight, stopping;
	int emitting;
};

uint64_t mrd_host_cpu_ns(unsigned *online)
{
	FILE *f = fopen("/proc/stat", "re");
	unsigned long long v[8] = {0};
	char line[512];
	uint64_t total = 0;
	long hz = sysconf(_SC_CLK_TCK);

	*online = 0;
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "cpu ", 4) == 0 &&
		    sscanf(line + 4, "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
			   &v[6], &v[7]) >= 4)
			for (int i = 0; i < 8; i++)
				total += v[i];
		else if (strncmp(line, "cpu", 3) == 0 && line[3] >= '0' && line[3] <= '9')
			(*online)++;
	}
	if (f)
		fclose(f);
	return total * (1000000000ull / (uint64_t)(hz > 0 ? hz : 100));
}

static uint64_t u64(const struct mr_json *o, const char *path)
{
	char key[64];
	const char *p = path;
	const struct mr_json *v = o;

	while (v != NULL && *p) {
		size_t n = strcspn(p, ".");
		snprintf(key, sizeof(key), "%.*s", (int)n, p);
		v = mr_json_get(v, key);
		p += n + (p[n] == '.');
	}
	return v != NULL && v->kind == MR_JSON_NUMBER ? strtoull(v->text, NULL, 10) : 0;
}

void mrd_stats_cpu_from(const struct mr_json *stats, struct mrd_cpu_sample *out)
{
	const struct mr_json *percpu = mr_json_get(mr_json_get(mr_json_get(stats, "cpu"), "usage"), "percpu");

	memset(out, 0, sizeof(*out));
	out->read_ns = mrd_now_real_ns();
	out->system = mrd_host_cpu_ns(&out->online);
	if (stats == NULL)
		return;
	out->total = u64(stats, "cpu.usage.total");
	out->kernel = u64(stats, "cpu.usage.kernel");
	out->user = u64(stats, "cpu.usage.user");
	out->periods = u64(stats, "cpu.throttling.periods");
	out->throttled_periods = u64(stats, "cpu.throttling.throttledPeriods");
	out->throttled_time = u64(stats, "cpu.throttling.throttledTime");
	for (size_t i = 0; percpu && percpu->kind == MR_JSON_ARRAY && i < percpu->len && i < 256; i++)
		out->percpu[out->npercpu++] = percpu->items[i]->kind == MR_JSON_NUMBER ? strtoull(percpu->items[i]->text, NULL, 10) : 0;
}

static void write_cpu(yajl_gen g, const char *key, const struct mrd_cpu_sample *s)
{
	mr_jw_obj(g, key);
	mr_jw_obj(g, "cpu_usage");
	mr_jw_uint(g, "total_usage", s->total);
	if (s->npercpu > 0) {
		mr_jw_arr(g, "percpu_usage");
		for (size_t i = 0; i < s->npercpu; i++)
			mr_jw_uint(g, NULL, s->percpu[i]);
		mr_jw_arr_end(g);
	}
	mr_jw_uint(g, "usage_in_kernelmode", s->kernel);
	mr_jw_uint(g, "usage_in_usermode", s->user);
	mr_jw_obj_end(g);
	if (s->system > 0)
		mr_jw_uint(g, "system_cpu_usage", s->system);
	if (s->online > 0)
		mr_jw_uint(g, "online_cpus", s->online);
	mr_jw_obj(g, "throttling_data");
	mr_jw_uint(g, "periods", s->periods);
	mr_jw_uint(g, "throttled_periods", s->throttled_periods);
	mr_jw_uint(g, "throttled_time", s->throttled_time);
	mr_jw_obj_end(g);
	mr_jw_obj_end(g);
}

static void write_memory(yajl_gen g, const struct mr_json *stats)
{
	const struct mr_json *mem = mr_json_get(stats, "memory"), *raw = mr_json_get(mem, "raw");
	uint64_t limit = u64(stats, "memory.usage.limit");

	mr_jw_obj(g, "memory_stats");
	if (mem != NULL) {
		mr_jw_uint(g, "usage", u64(stats, "memory.usage.usage"));
		mr_jw_uint(g, "max_usage", u64(stats, "memory.usage.max"));
		mr_jw_obj(g, "stats");
		for (size_t i = 0; raw && raw->kind == MR_JSON_OBJECT && i < raw->len; i++)
			if (raw->items[i]->kind == MR_JSON_NUMBER)
				mr_jw_tree(g, raw->keys[i], raw->items[i]);
		mr_jw_obj_end(g);
		mr_jw_uint(g, "failcnt", u64(stats, "memory.usage.failcnt"));
		/* no limit: the host's memory, as dockerd reports it */
		if (limit == 0 || limit >= (1ull << 62)) {
			long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
			limit = (uint64_t)pages * (uint64_t)psize;
		}
		mr_jw_uint(g, "limit", limit);
	}
	mr_jw_obj_end(g);
}

static void write_blkio_list(yajl_gen g, const char *key, const struct mr_json *list)
{
	mr_jw_arr(g, key);
	for (size_t i = 0; list && list->kind == MR_JSON_ARRAY && i < list->len; i++) {
		const struct mr_json *e = list->items[i], *op = mr_json_get(e, "op");
		mr_jw_obj(g, NULL);
		mr_jw_uint(g, "major", u64(e, "major"));
		mr_jw_uint(g, "minor", u64(e, "minor"));
		mr_jw_str(g, "op", op && op->kind == MR_JSON_STRING ? op->text : "");
		mr_jw_uint(g, "value", u64(e, "value"));
		mr_jw_obj_end(g);
	}
	mr_jw_arr_end(g);
}

static void write_blkio(yajl_gen g, const struct mr_json *stats)
{
	const struct mr_json *b = mr_json_get(stats, "blkio");
	static const char *const keys[][2] = {
		{"io_service_bytes_recursive", "ioServiceBytesRecursive"},
		{"io_serviced_recursive", "ioServicedRecursive"},
		{"io_queue_recursive", "ioQueueRecursive"},
		{"io_service_time_recursive", "ioServiceTimeRecursive"},
		{"io_wait_time_recursive", "ioWaitTimeRecursive"},
		{"io_merged_recursive", "ioMergedRecursive"},
		{"io_time_recursive", "ioTimeRecursive"},
		{"sectors_recursive", "sectorsRecursive"},
	};

	mr_jw_obj(g, "blkio_stats");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct mr_json *l = mr_json_get(b, keys[i][1]);
		if (l != NULL && l->kind == MR_JSON_ARRAY && l->len > 0)
			write_blkio_list(g, keys[i][0], l);
		else
			mr_jw_null(g, keys[i][0]);
	}
	mr_jw_obj_end(g);
}

char *mrd_stats_render(const struct mrd_ctr *c, const struct mr_json *stats, const struct mrd_cpu_sample *cpu,
		       const struct mrd_cpu_sample *pre, size_t *len)
{
	yajl_gen g = mr_jw_new();
	char name[300];
	const char *buf;
	char *out;

	snprintf(name, sizeof(name), "/%s", c->name);
	mr_jw_obj(g, NULL);
	mr_jw_time(g, "read", cpu->read_ns);
	mr_jw_time(g, "preread", pre->read_ns);
	mr_jw_obj(g, "pids_stats");
	if (stats != NULL) {
		mr_jw_uint(g, "current", u64(stats, "pids.current"));
		if (u64(stats, "pids.limit") > 0)
			mr_jw_uint(g, "limit", u64(stats, "pids.limit"));
	}
	mr_jw_obj_end(g);
	write_blkio(g, stats);
	mr_jw_int(g, "num_procs", 0);
	mr_jw_obj(g, "storage_stats");
	mr_jw_obj_end(g);
	write_cpu(g, "cpu_stats", cpu);
	write_cpu(g, "precpu_stats", pre);
	write_memory(g, stats);
	mr_jw_str(g, "name", name);
	mr_jw_str(g, "id", c->id);
	mr_jw_obj_end(g);
	buf = mr_jw_buf(g, len);
	out = strndup(buf, *len);
	yajl_gen_free(g);
	return out;
}

/* ---- the poller */

static void reap(struct mrd_stats_poller *p)
{
	struct mrd_stats_sub **sp = &p->subs;
	while (*sp != NULL) {
		struct mrd_stats_sub *s = *sp;
		if (s->dead) {
			*sp = s->next;
			free(s);
		} else {
			sp = &s->next;
		}
	}
}

static void poller_free(struct mrd_stats_poller *p)
{
	mrd_timer_cancel(p->timer);
	while (p->subs != NULL) {
		struct mrd_stats_sub *s = p->subs;
		p->subs = s->next;
		free(s);
	}
	if (p->c != NULL && p->c->rt != NULL)
		p->c->rt->stats = NULL;
	free(p);
}

static bool live_subs(const struct mrd_stats_poller *p)
{
	for (struct mrd_stats_sub *s = p->subs; s; s = s->next)
		if (!s->dead)
			return true;
	return false;
}

static void fan_out(struct mrd_stats_poller *p, const struct mr_json *stats)
{
	struct mrd_cpu_sample cur;
	size_t len;
	char *json;

	mrd_stats_cpu_from(stats, &cur);
	json = mrd_stats_render(p->c, stats, &cur, &p->pre, &len);
	p->pre = cur;
	p->emitting++;
	for (struct mrd_stats_sub *s = p->subs; json && s; s = s->next)
		if (!s->dead)
			s->fn(s->data, json, len);
	p->emitting--;
	free(json);
	reap(p);
}

static void tick(void *data);

static void schedule(struct mrd_stats_poller *p)
{
	if (!live_subs(p)) {
		poller_free(p);
		return;
	}
	p->timer = mrd_timer_add(p->c->d->loop, MRD_STATS_INTERVAL_MS, tick, p);
}

static void got_stats(void *data, const struct mr_json *reply, const struct mr_error *err)
{
	struct mrd_stats_poller *p = data;
	const struct mr_json *stats = mr_json_get(reply, "stats");

	p->in_flight = false;
	if (p->stopping) {
		poller_free(p);
		return;
	}
	fan_out(p, err == NULL ? (stats ? stats : reply) : NULL);
	schedule(p);
}

static void tick(void *data)
{
	struct mrd_stats_poller *p = data;

	p->timer = NULL;
	if (!live_subs(p)) {
		poller_free(p);
		return;
	}
	if (p->c->status == MRD_RUNNING || p->c->status == MRD_PAUSED) {
		p->in_flight = true;
		mrd_ctr_shim_request(p->c, "{\"op\":\"stats\"}", got_stats, p);
		return;
	}
	fan_out(p, NULL); /* not running: a sample of zeros, as dockerd */
	schedule(p);
}

struct mrd_stats_sub *mrd_stats_subscribe(struct mrd_ctr *c, mrd_stats_fn fn, void *data)
{
	struct mrd_ctr_rt *rt = mrd_ctr_rt(c);
	struct mrd_stats_sub *s = calloc(1, sizeof(*s));

	if (rt == NULL || s == NULL) {
		free(s);
		return NULL;
	}
	if (rt->stats == NULL) {
		rt->stats = calloc(1, sizeof(*rt->stats));
		if (rt->stats == NULL) {
			free(s);
			return NULL;
		}
		rt->stats->c = c;
		rt->stats->timer = mrd_timer_add(c->d->loop, 0, tick, rt->stats);
	}
	s->p = rt->stats;
	s->fn = fn;
	s->data = data;
	s->next = rt->stats->subs;
	rt->stats->subs = s;
	return s;
}

void mrd_stats_unsubscribe(struct mrd_stats_sub *s)
{
	if (s == NULL)
		return;
	s->dead = true;
	if (s->p->emitting == 0)
		reap(s->p);
}

void mrd_stats_container_gone(struct mrd_ctr *c)
{
	struct mrd_stats_poller *p = c->rt ? c->rt->stats : NULL;

	if (p == NULL)
		return;
	p->emitting++;
	for (struct mrd_stats_sub *s = p->subs; s; s = s->next)
		if (!s->dead)
			s->fn(s->data, "", 0);
	p->emitting--;
	c->rt->stats = NULL;
	p->c = NULL;
	if (p->in_flight)
		p->stopping = true;
	else
		poller_free(p);
}
