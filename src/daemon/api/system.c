/* /_ping, /version, /info, /system/df, /events. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "api/api.h"
#include "api/filters.h"
#include "fsutil.h"
#include "image/images.h"
#include "util/jsonw.h"
#include "manager/ctrs.h"
#include "manager/events.h"
#include "util/cleanup.h"

static void ping(struct mrd_req *req)
{
	mrd_req_add_header(req, "Cache-Control", "no-cache, no-store, must-revalidate");
	mrd_req_add_header(req, "Pragma", "no-cache");
	mrd_reply(req, 200, "text/plain; charset=utf-8", "OK", 2);
}

static const char *arch(void)
{
	static struct utsname u;
	uname(&u);
	return strcmp(u.machine, "x86_64") == 0 ? "amd64" : strcmp(u.machine, "aarch64") == 0 ? "arm64" : u.machine;
}

/* What /version says, at its top and in its Engine component. */
static void version_fields(yajl_gen g, const char *release)
{
	mr_jw_str(g, "ApiVersion", MRD_API_VERSION);
	mr_jw_str(g, "MinAPIVersion", MRD_API_MIN_VERSION);
	mr_jw_str(g, "GitCommit", MR_COMMIT);
	mr_jw_str(g, "Os", "linux");
	mr_jw_str(g, "Arch", arch());
	mr_jw_str(g, "KernelVersion", release);
}

static void version(struct mrd_req *req)
{
	struct utsname u;
	yajl_gen g = mr_jw_new();

	uname(&u);
	mr_jw_obj(g, NULL);
	mr_jw_obj(g, "Platform");
	mr_jw_str(g, "Name", "minirun");
	mr_jw_obj_end(g);
	mr_jw_arr(g, "Components");
	mr_jw_obj(g, NULL);
	mr_jw_str(g, "Name", "Engine");
	mr_jw_str(g, "Version", PACKAGE_VERSION);
	mr_jw_obj(g, "Details");
	version_fields(g, u.release);
	mr_jw_obj_end(g);
	mr_jw_obj_end(g);
	mr_jw_arr_end(g);
	mr_jw_str(g, "Version", PACKAGE_VERSION);
	version_fields(g, u.release);
	mr_jw_str(g, "GoVersion", "none (C)");
	mr_jw_bool(g, "Experimental", false);
	mr_jw_str(g, "BuildTime", "");
	mr_jw_obj_end(g);
	mrd_api_reply_gen(req, 200, g);
}

static long long meminfo_total(void)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[256];
	long long kb = 0;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %lld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb * 1024;
}

static void os_name(char *buf, size_t size)
{
	FILE *f = fopen("/etc/os-release", "re");
	char line[256];

	snprintf(buf, size, "Linux");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "PRETTY_NAME=", 12) == 0) {
			char *v = line + 12;
			v[strcspn(v, "\n")] = '\0';
			if (*v == '"') {
				v++;
				v[strcspn(v, "\"")] = '\0';
			}
			snprintf(buf, size, "%s", v);
		}
	if (f)
		fclose(f);
}

static void info_counts(yajl_gen g, struct mrd_daemon *d)
{
	int running = 0, paused = 0, stopped = 0;
	for (struct mrd_ctr *c = mrd_ctrs_first(d->ctrs); c; c = c->next) {
		if (c->status == MRD_PAUSED)
			paused++;
		else if (mrd_ctr_running(c))
			running++;
		else
			stopped++;
	}
	mr_jw_int(g, "Containers", (int64_t)mrd_ctrs_count(d->ctrs));
	mr_jw_int(g, "ContainersRunning", running);
	mr_jw_int(g, "ContainersPaused", paused);
	mr_jw_int(g, "ContainersStopped", stopped);
	mr_jw_int(g, "Images", (int64_t)mrd_images_count(d->images));
}

/* What the host and its cgroups give the containers. */
static void info_features(yajl_gen g, bool v2)
{
	mr_jw_bool(g, "MemoryLimit", true);
	mr_jw_bool(g, "SwapLimit", mrd_host_swap_limit());
	mr_jw_bool(g, "KernelMemory", false);
	mr_jw_bool(g, "KernelMemoryTCP", !v2);
	mr_jw_bool(g, "CpuCfsPeriod", true);
	mr_jw_bool(g, "CpuCfsQuota", true);
	mr_jw_bool(g, "CPUShares", true);
	mr_jw_bool(g, "CPUSet", true);
	mr_jw_bool(g, "PidsLimit", true);
	mr_jw_bool(g, "OomKillDisable", !v2);
	mr_jw_bool(g, "IPv4Forwarding", false);
	mr_jw_bool(g, "BridgeNfIptables", false);
	mr_jw_bool(g, "BridgeNfIp6tables", false);
	mr_jw_bool(g, "Debug", false);
	mr_jw_int(g, "NFd", 0);
	mr_jw_int(g, "NGoroutines", 0);
	mr_jw_str(g, "LoggingDriver", "json-file");
	mr_jw_str(g, "CgroupDriver", "cgroupfs");
	mr_jw_str(g, "CgroupVersion", v2 ? "2" : "1");
}

static void info_host(yajl_gen g, struct mrd_daemon *d)
{
	struct utsname u;
	char host[256] = "", os[256];

	uname(&u);
	gethostname(host, sizeof(host) - 1);
	os_name(os, sizeof(os));
	mr_jw_str(g, "KernelVersion", u.release);
	mr_jw_str(g, "OperatingSystem", os);
	mr_jw_str(g, "OSVersion", "");
	mr_jw_str(g, "OSType", "linux");
	mr_jw_str(g, "Architecture", u.machine);
	mr_jw_str(g, "IndexServerAddress", "");
	mr_jw_null(g, "RegistryConfig");
	mr_jw_int(g, "NCPU", sysconf(_SC_NPROCESSORS_ONLN));
	mr_jw_int(g, "MemTotal", meminfo_total());
	mr_jw_null(g, "GenericResources");
	mr_jw_str(g, "DockerRootDir", d->opt.data_root);
	mr_jw_str(g, "HttpProxy", "");
	mr_jw_str(g, "HttpsProxy", "");
	mr_jw_str(g, "NoProxy", "");
	mr_jw_str(g, "Name", host);
}

static void info_plugins(yajl_gen g)
{
	mr_jw_obj(g, "Plugins");
	mr_jw_arr(g, "Volume");
	mr_jw_arr_end(g);
	mr_jw_arr(g, "Network");
	mr_jw_str(g, NULL, "host");
	mr_jw_str(g, NULL, "null");
	mr_jw_arr_end(g);
	mr_jw_null(g, "Authorization");
	mr_jw_arr(g, "Log");
	mr_jw_str(g, NULL, "json-file");
	mr_jw_arr_end(g);
	mr_jw_obj_end(g);
}

static void info_swarm(yajl_gen g)
{
	mr_jw_obj(g, "Swarm");
	mr_jw_str(g, "NodeID", "");
	mr_jw_str(g, "NodeAddr", "");
	mr_jw_str(g, "LocalNodeState", "inactive");
	mr_jw_bool(g, "ControlAvailable", false);
	mr_jw_str(g, "Error", "");
	mr_jw_null(g, "RemoteManagers");
	mr_jw_obj_end(g);
}

/* ContainerdCommit, RuncCommit, InitCommit: what `docker info` prints as
 * the versions of its helpers; minirund's runtime is minirun itself. */
static void info_commit(yajl_gen g, const char *key, const char *id)
{
	mr_jw_obj(g, key);
	mr_jw_str(g, "ID", id);
	mr_jw_str(g, "Expected", id);
	mr_jw_obj_end(g);
}

static void info(struct mrd_req *req)
{
	struct mrd_daemon *d = mrd_req_app(req);
	yajl_gen g = mr_jw_new();
	bool v2 = mrd_host_cgroup_v2();

	mr_jw_obj(g, NULL);
	mr_jw_str(g, "ID", MR_COMMIT);
	info_counts(g, d);
	mr_jw_str(g, "Driver", "overlay2");
	mr_jw_arr(g, "DriverStatus");
	mr_jw_arr(g, NULL);
	mr_jw_str(g, NULL, "Backing Filesystem");
	mr_jw_str(g, NULL, "overlayfs layers of minirund");
	mr_jw_arr_end(g);
	mr_jw_arr_end(g);
	info_plugins(g);
	info_features(g, v2);
	mr_jw_time(g, "SystemTime", mrd_now_real_ns());
	mr_jw_int(g, "NEventsListener", (int64_t)mrd_events_listeners(d->events));
	info_host(g, d);
	mr_jw_arr(g, "Labels");
	mr_jw_arr_end(g);
	mr_jw_bool(g, "ExperimentalBuild", false);
	mr_jw_str(g, "ServerVersion", PACKAGE_VERSION);
	mr_jw_obj(g, "Runtimes");
	mr_jw_obj(g, "minirun");
	mr_jw_str(g, "path", d->opt.runtime);
	mr_jw_obj_end(g);
	mr_jw_obj_end(g);
	mr_jw_str(g, "DefaultRuntime", "minirun");
	info_swarm(g);
	mr_jw_bool(g, "LiveRestoreEnabled", true);
	mr_jw_str(g, "Isolation", "");
	mr_jw_str(g, "InitBinary", "");
	info_commit(g, "ContainerdCommit", "");
	info_commit(g, "RuncCommit", MR_COMMIT);
	info_commit(g, "InitCommit", "");
	mr_jw_arr(g, "SecurityOptions");
	mr_jw_str(g, NULL, "name=seccomp,profile=minirund-default");
	if (v2)
		mr_jw_str(g, NULL, "name=cgroupns");
	mr_jw_arr_end(g);
	mr_jw_arr(g, "Warnings");
	mr_jw_arr_end(g);
	mr_jw_obj_end(g);
	mrd_api_reply_gen(req, 200, g);
}

static void system_df(struct mrd_req *req)
{
	struct mrd_daemon *d = mrd_req_app(req);
	yajl_gen g = mr_jw_new();
	int64_t layers = 0;

	for (struct mrd_image *i = mrd_images_first(d->images); i; i = i->next)
		layers += i->size;
	mr_jw_obj(g, NULL);
	mr_jw_int(g, "LayersSize", layers);
	mr_jw_arr(g, "Images");
	for (struct mrd_image *i = mrd_images_first(d->images); i; i = i->next)
		mrd_api_image_summary(g, d, i);
	mr_jw_arr_end(g);
	mr_jw_arr(g, "Containers");
	for (struct mrd_ctr *c = mrd_ctrs_first(d->ctrs); c; c = c->next)
		mrd_api_ctr_summary(g, c, true);
	mr_jw_arr_end(g);
	mr_jw_arr(g, "Volumes");
	mr_jw_arr_end(g);
	mr_jw_arr(g, "BuildCache");
	mr_jw_arr_end(g);
	mr_jw_obj_end(g);
	mrd_api_reply_gen(req, 200, g);
}

/* ---- events */

struct events_watch {
	struct mrd_daemon *d;
	struct mrd_stream *s;
	struct mrd_events_sub *sub;
	struct mrd_filters *f;
	struct mrd_timer *until_timer;
	int64_t until;
};

static void events_watch_end(struct events_watch *w)
{
	mrd_events_unsubscribe(w->sub);
	mrd_timer_cancel(w->until_timer);
	mrd_filters_free(w->f);
	free(w);
}

static void events_aborted(struct mrd_req *req, void *data)
{
	events_watch_end(data);
}

static const char *event_label(const char *key, void *data)
{
	return mrd_event_attr(data, key);
}

static bool event_matches(const struct mrd_event *e, const struct mrd_filters *f)
{
	const char *name = mrd_event_attr(e, "name"), *image = mrd_event_attr(e, "image");

	if (!mrd_filters_match(f, "type", e->type))
		return false;
	if (mrd_filters_has(f, "event")) {
		char action[48];
		snprintf(action, sizeof(action), "%.*s", (int)strcspn(e->action, ":"), e->action);
		if (!mrd_filters_match(f, "event", action) && !mrd_filters_match(f, "event", e->action))
			return false;
	}
	if (mrd_filters_has(f, "container")) {
		if (strcmp(e->type, "container") != 0)
			return false;
		bool ok = mrd_filters_match(f, "container", e->id) || mrd_filters_match(f, "container", name);
		size_t n;
		const char *const *v = mrd_filters_get(f, "container", &n);
		for (size_t i = 0; !ok && i < n; i++)
			ok = strlen(v[i]) >= 3 && strncmp(e->id, v[i], strlen(v[i])) == 0;
		if (!ok)
			return false;
	}
	if (mrd_filters_has(f, "image") && !mrd_filters_match(f, "image", image) &&
	    !(strcmp(e->type, "image") == 0 && mrd_filters_match(f, "image", e->id)))
		return false;
	return mrd_filters_match_labels(f, "label", event_label, (void *)e);
}

static void on_event(const struct mrd_event *e, void *data)
{
	struct events_watch *w = data;

	if (w->until > 0 && e->time_ns > w->until)
		return;
	if (!event_matches(e, w->f))
		return;
	mrd_stream_write(w->s, e->json, e->json_len);
}

static void events_until(void *data)
{
	struct events_watch *w = data;
	struct mrd_stream *s = w->s;
	w->until_timer = NULL;
	events_watch_end(w);
	mrd_stream_end(s);
}

/* "1700000000" or "1700000000.123456789" seconds; 0 when absent. */
static int parse_time(struct mrd_req *req, const char *key, int64_t *out)
{
	const char *v = mrd_query(req, key);
	char *end;
	long long s;

	*out = 0;
	if (v == NULL || *v == '\0')
		return 0;
	errno = 0;
	s = strtoll(v, &end, 10);
	if (errno == 0 && (*end == '\0' || *end == '.')) {
		int64_t ns = 0;
		if (*end == '.') {
			int digits = 0;
			for (const char *p = end + 1; *p >= '0' && *p <= '9' && digits < 9; p++, digits++)
				ns = ns * 10 + (*p - '0');
			for (; digits < 9; digits++)
				ns *= 10;
		}
		*out = (int64_t)s * 1000000000 + ns;
		return 0;
	}
	mrd_reply_error(req, 400, "%s: \"%.40s\" is not a unix timestamp", key, v);
	return -1;
}

static void events(struct mrd_req *req)
{
	static const char *const allowed[] = {"container", "event", "image", "label", "type", "daemon", "network",
					      "volume", "plugin", "scope", "node", "service", "secret", "config", NULL};
	struct mrd_daemon *d = mrd_req_app(req);
	cleanup_error struct mr_error *err = NULL;
	struct events_watch *w = calloc(1, sizeof(*w));
	int64_t since, now = mrd_now_real_ns();

	if (w == NULL) {
		mrd_reply_error(req, 500, "out of memory");
		return;
	}
	w->d = d;
	if (parse_time(req, "since", &since) < 0 || parse_time(req, "until", &w->until) < 0) {
		free(w);
		return;
	}
	w->f = mrd_filters_parse(mrd_query(req, "filters"), allowed, &err);
	if (w->f == NULL) {
		free(w);
		mrd_api_reply_err(req, err);
		return;
	}
	w->s = mrd_reply_stream(req, 200, "application/json", 4u << 20);
	if (w->s == NULL) {
		events_watch_end(w);
		return;
	}
	mrd_req_on_abort(req, events_aborted, w);
	w->sub = mrd_events_subscribe(d->events, on_event, w);
	if (since > 0)
		mrd_events_replay(w->sub, since, w->until);
	if (w->until > 0)
		w->until_timer = mrd_timer_add(d->loop, w->until > now ? (uint64_t)((w->until - now) / 1000000) : 0,
					       events_until, w);
}

static const struct mrd_route routes[] = {
	{"GET", "/_ping", MRD_BODY_NONE, ping},
	{"GET", "/version", MRD_BODY_NONE, version},
	{"GET", "/info", MRD_BODY_NONE, info},
	{"GET", "/system/df", MRD_BODY_NONE, system_df},
	{"GET", "/events", MRD_BODY_NONE, events},
	{NULL, NULL, 0, NULL},
};

const struct mrd_route_table mrd_api_system = {routes};
