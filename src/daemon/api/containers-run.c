/* /containers/{id}/...: start, stop, restart, kill, pause, unpause, wait,
 * rm, logs, attach, resize, stats. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/containers.h"
#include "util/jsonw.h"
#include "manager/attach.h"
#include "manager/logs.h"
#include "manager/stats.h"
#include "util/cleanup.h"
#include "util/signals.h"

/* The common end of the verbs: 204, or the error (EALREADY: 304). */
static void replied(void *data, const struct mr_error *err)
{
	struct mrd_req *req = data;

	if (err == NULL)
		mrd_reply_empty(req, 204);
	else if (err->errnum == EALREADY)
		mrd_reply_empty(req, 304);
	else
		mrd_api_reply_err(req, err);
}

/* A verb whose client leaves before it ends still runs to its end; only
 * its reply has nowhere to go. */
struct pending {
	struct mrd_req *req;
	bool gone;
};

static void pending_abort(struct mrd_req *req, void *data)
{
	((struct pending *)data)->gone = true;
}

static void pending_done(void *data, const struct mr_error *err)
{
	struct pending *p = data;
	if (!p->gone)
		replied(p->req, err);
	free(p);
}

static struct pending *pending_new(struct mrd_req *req)
{
	struct pending *p = calloc(1, sizeof(*p));
	if (p == NULL) {
		mrd_reply_error(req, 500, "out of memory");
		return NULL;
	}
	p->req = req;
	mrd_req_on_abort(req, pending_abort, p);
	return p;
}

static void start(struct mrd_req *req)
{
	struct mrd_ctr *c = mrd_api_find_ctr(req);
	size_t len;
	const char *body = mrd_req_body(req, &len);
	struct pending *p;

	if (c == NULL)
		return;
	if (len > 0 && !(len == 2 && memcmp(body, "{}", 2) == 0) && !(len == 4 && memcmp(body, "null", 4) == 0)) {
		mrd_reply_error(req, 400, "starting container with non-empty request body was deprecated since API v1.22 and removed in v1.24");
		return;
	}
	if (mrd_query(req, "checkpoint") != NULL) {
		mrd_reply_error(req, 501, "checkpoints are not supported by minirund");
		return;
	}
	if ((p = pending_new(req)) != NULL)
		mrd_ctr_start(c, pending_done, p);
}

/* ?t= (and ?timeout=, its later name): seconds, -1 the container's own */
static int stop_timeout(struct mrd_req *req, int64_t *t)
{
	if (mrd_query_int(req, "t", -1, t) < 0)
		return -1;
	if (*t == -1 && mrd_query_int(req, "timeout", -1, t) < 0)
		return -1;
	return 0;
}

/* stop and restart: the same timeout, another verb */
static void stop(struct mrd_req *req)
{
	struct mrd_ctr *c = mrd_api_find_ctr(req);
	bool again = strstr(mrd_req_path(req), "/restart") != NULL;
	struct pending *p;
	int64_t t;

	if (c == NULL || stop_timeout(req, &t) < 0 || (p = pending_new(req)) == NULL)
		return;
	if (again)
		mrd_ctr_restart(c, t, pending_done, p);
	else
		mrd_ctr_stop(c, t, pending_done, p);
}

static void kill_ctr(struct mrd_req *req)
{
	struct mrd_ctr *c = mrd_api_find_ctr(req);
	const char *s = mrd_query(req, "signal");
	cleanup_error struct mr_error *err = NULL;
	struct pending *p;
	int sig = 9;

	if (c == NULL)
		return;
	if (s != NULL && *s && (sig = mr_signal_parse(s, &err)) < 0) {
		mrd_reply_error(req, 400, "signal: %s", err->msg);
		return;
	}
	if (!(c->status == MRD_RUNNING || c->status == MRD_PAUSED)) {
		mrd_reply_error(req, 409, "Cannot kill container: %s: Container %s is not running", mrd_req_param(req, "id"),
				c->id);
		return;
	}
	if ((p = pending_new(req)) != NULL)
		mrd_ctr_kill(c, sig, pending_done, p);
}

static void pause_ctr(struct mrd_req *req)
{
	struct mrd_ctr *c = mrd_api_find_ctr(req);
	struct pending *p;

	if (c != NULL && (p = pending_new(req)) != NULL)
		mrd_ctr_pause(c, strstr(mrd_req_path(req), "/unpause") == NULL, pending_done, p);
}

static void remove_ctr(struct mrd_req *req)
{
	struct mrd_ctr *c = mrd_api_find_ctr(req);
	struct pending *p;

	if (mrd_query_bool(req, "link")) {
		mrd_reply_error(req, 501, "links are not supported by minirund");
		return;
	}
	if (c != NULL && (p = pending_new(req)) != NULL)
		mrd_ctr_remove(c, mrd_query_bool(req, "force"), mrd_query_bool(req, "v"), pending_done, p);
}

/* ---- wait: the response head goes out at once (docker run waits for it
 * before it starts the container), the body at the exit */

struct waiting {
	struct mrd_stream *s;
	struct mrd_waiter *w;
};

static void write_wait_body(struct mrd_stream *s, int code, const char *error)
{
	yajl_gen g = mr_jw_new();
	size_t len;
	const char *buf;

	mr_jw_obj(g, NULL);
	mr_jw_int(g, "StatusCode", code < 0 ? 255 : code);
	if (error != NULL) {
		mr_jw_obj(g, "Error");
		mr_jw_str(g, "Message", error);
		mr_jw_obj_end(g);
	} else {
		mr_jw_null(g, "Error");
	}
	mr_jw_obj_end(g);
	buf = mr_jw_buf(g, &len);
	mrd_stream_write(s, buf, len);
	mrd_stream_write(s, "\n", 1);
	mrd_stream_end(s);
	yajl_gen_free(g);
}

static void wait_fired(void *data, int code, const char *error)
{
	struct waiting *w = data;
	write_wait_body(w->s, code, error);
	free(w);
}

static void wait_aborted(struct mrd_req *req, void *data)
{
	struct waiting *w = data;
	mrd_waiter_cancel(w->w);
	free(w);
}

static void wait_ctr(struct mrd_req *req)
{
	struct mrd_ctr *c = mrd_api_find_ctr(req);
	cleanup_error struct mr_error *err = NULL;
	struct waiting *w;
	bool already;

	if (c == NULL)
		return;
	w = calloc(1, sizeof(*w));
	if (w == NULL) {
		mrd_reply_error(req, 500, "out of memory");
		return;
	}
	w->w = mrd_ctr_wait(c, mrd_query(req, "condition"), wait_fired, w, &already, &err);
	if (w->w == NULL && !already) {
		free(w);
		mrd_api_reply_err(req, err);
		return;
	}
	w->s = mrd_reply_stream(req, 200, "application/json", 4096);
	if (already) {
		write_wait_body(w->s, c->exit_code, NULL);
		free(w);
		return;
	}
	mrd_req_on_abort(req, wait_aborted, w);
}

/* ---- logs */

struct logs_pull {
	struct mrd_log_reader *r;
	struct mrd_stream *s;
};

static ssize_t logs_read(void *ctx, char *buf, size_t max)
{
	struct logs_pull *p = ctx;
	return mrd_log_reader_read(p->r, buf, max);
}

static void logs_wake(void *data)
{
	struct logs_pull *p = data;
	if (p->s != NULL)
		mrd_stream_wake(p->s);
}

static void logs_free(void *ctx)
{
	struct logs_pull *p = ctx;
	mrd_log_reader_free(p->r);
	free(p);
}

/* "10m"-style values are the client's: here seconds, with a fraction. */
static int query_time(struct mrd_req *req, const char *key, int64_t *out)
{
	const char *v = mrd_query(req, key);
	char *end;
	double t;

	*out = 0;
	if (v == NULL || *v == '\0' || strcmp(v, "0") == 0)
		return 0;
	t = strtod(v, &end);
	if (*end != '\0' || t < 0) {
		mrd_reply_error(req, 400, "%s: \"%.40s\" is not a unix timestamp", key, v);
		return -1;
	}
	*out = (int64_t)(t * 1e9);
	return 0;
}

static void logs(struct mrd_req *req)
{
	struct mrd_ctr *c = mrd_api_find_ctr(req);
	cleanup_error struct mr_error *err = NULL;
	struct mrd_logs_opts o = {0};
	const char *tail = mrd_query(req, "tail");
	struct logs_pull *p;

	if (c == NULL)
		return;
	o.out = mrd_query_bool(req, "stdout");
	o.err = mrd_query_bool(req, "stderr");
	o.follow = mrd_query_bool(req, "follow");
	o.timestamps = mrd_query_bool(req, "timestamps");
	o.tail = -1;
	if (!o.out && !o.err) {
		mrd_reply_error(req, 400, "Bad parameters: you must choose at least one stream");
		return;
	}
	if (tail != NULL && *tail && strcmp(tail, "all") != 0 && mrd_query_int(req, "tail", -1, &o.tail) < 0)
		return;
	if (query_time(req, "since", &o.since_ns) < 0 || query_time(req, "until", &o.until_ns) < 0)
		return;
	p = calloc(1, sizeof(*p));
	if (p == NULL || (p->r = mrd_log_reader_new(c, &o, logs_wake, p, &err)) == NULL) {
		free(p);
		mrd_api_reply_err(req, err);
		return;
	}
	p->s = mrd_reply_pull(req, 200, "application/vnd.docker.raw-stream", logs_read, p, logs_free);
}

/* ---- attach, resize */

struct attaching {
	struct mrd_ctr *c;
	char id[65];
	struct mrd_daemon *d;
	struct mrd_attach_opts o;
	char *detach_keys;
};

static void attach_upgraded(struct mrd_conn *conn, const char *extra, size_t extra_len, void *data)
{
	struct attaching *a = data;
	struct mrd_ctr *c = mrd_ctrs_find(a->d->ctrs, a->id);
	cleanup_error struct mr_error *err = NULL;

	a->o.detach_keys = a->detach_keys;
	if (c == NULL || mrd_attach_start(c, conn, extra, extra_len, &a->o, &err) < 0)
		mrd_conn_close(conn);
	free(a->detach_keys);
	free(a);
}

static void attach_aborted(struct mrd_req *req, void *data)
{
	struct attaching *a = data;
	free(a->detach_keys);
	free(a);
}

static void attach(struct mrd_req *req)
{
	struct mrd_ctr *c = mrd_api_find_ctr(req);
	const char *keys = mrd_query(req, "detachKeys");
	struct attaching *a;

	if (c == NULL)
		return;
	if (c->status == MRD_EXITED || c->status == MRD_DEAD) {
		if (!mrd_query_bool(req, "logs")) {
			mrd_reply_error(req, 409, "You cannot attach to a stopped container, start it first");
			return;
		}
	}
	a = calloc(1, sizeof(*a));
	if (a == NULL) {
		mrd_reply_error(req, 500, "out of memory");
		return;
	}
	a->d = mrd_req_app(req);
	snprintf(a->id, sizeof(a->id), "%s", c->id);
	a->o.in = mrd_query_bool(req, "stdin");
	a->o.out = mrd_query_bool(req, "stdout");
	a->o.err = mrd_query_bool(req, "stderr");
	a->o.logs = mrd_query_bool(req, "logs");
	a->detach_keys = keys ? strdup(keys) : NULL;
	mrd_req_on_abort(req, attach_aborted, a);
	/* raw-stream in API 1.41 whatever the tty (see exec start) */
	mrd_reply_hijack(req, (const char *const[]){"Content-Type", "application/vnd.docker.raw-stream", NULL},
			 attach_upgraded, a);
}

static void resize(struct mrd_req *req)
{
	struct mrd_ctr *c = mrd_api_find_ctr(req);
	int64_t h, w;
	struct pending *p;

	if (c == NULL || mrd_query_int(req, "h", 0, &h) < 0 || mrd_query_int(req, "w", 0, &w) < 0)
		return;
	if (h < 0 || w < 0 || h > 65535 || w > 65535) {
		mrd_reply_error(req, 400, "h and w must be 0 to 65535");
		return;
	}
	if (!mrd_ctr_running(c)) {
		mrd_reply_error(req, 409, "Container %s is not running", c->id);
		return;
	}
	if ((p = pending_new(req)) != NULL)
		mrd_ctr_resize(c, (int)h, (int)w, pending_done, p);
}

/* ---- stats */

struct stats_watch {
	struct mrd_stats_sub *sub;
	struct mrd_stream *s;
	int left; /* samples still to send; -1: a stream */
};

static void stats_sample(void *data, const char *json, size_t len)
{
	struct stats_watch *w = data;

	if (len == 0) { /* the container is gone */
		mrd_stats_unsubscribe(w->sub);
		mrd_stream_end(w->s);
		free(w);
		return;
	}
	if (w->left > 0 && --w->left > 0)
		return; /* the first sample of a non-stream: it only fills precpu */
	if (mrd_stream_write(w->s, json, len) < 0 || mrd_stream_write(w->s, "\n", 1) < 0)
		return; /* cut off: the abort callback cleans up */
	if (w->left == 0) {
		mrd_stats_unsubscribe(w->sub);
		mrd_stream_end(w->s);
		free(w);
	}
}

static void stats_aborted(struct mrd_req *req, void *data)
{
	struct stats_watch *w = data;
	mrd_stats_unsubscribe(w->sub);
	free(w);
}

static void stats(struct mrd_req *req)
{
	struct mrd_ctr *c = mrd_api_find_ctr(req);
	const char *stream = mrd_query(req, "stream");
	struct stats_watch *w;

	if (c == NULL)
		return;
	w = calloc(1, sizeof(*w));
	if (w == NULL) {
		mrd_reply_error(req, 500, "out of memory");
		return;
	}
	/* stream defaults to true; a single sample is the second one (with
	 * precpu a second before), unless one-shot */
	if (stream != NULL && !mrd_query_bool(req, "stream"))
		w->left = mrd_query_bool(req, "one-shot") ? 1 : 2;
	else
		w->left = -1;
	w->s = mrd_reply_stream(req, 200, "application/json", 1u << 20);
	mrd_req_on_abort(req, stats_aborted, w);
	w->sub = mrd_stats_subscribe(c, stats_sample, w);
}

static const struct mrd_route routes[] = {
	{"POST", "/containers/{id}/start", MRD_BODY_JSON, start},
	{"POST", "/containers/{id}/stop", MRD_BODY_NONE, stop},
	{"POST", "/containers/{id}/restart", MRD_BODY_NONE, stop},
	{"POST", "/containers/{id}/kill", MRD_BODY_NONE, kill_ctr},
	{"POST", "/containers/{id}/pause", MRD_BODY_NONE, pause_ctr},
	{"POST", "/containers/{id}/unpause", MRD_BODY_NONE, pause_ctr},
	{"POST", "/containers/{id}/wait", MRD_BODY_NONE, wait_ctr},
	{"POST", "/containers/{id}/attach", MRD_BODY_NONE, attach},
	{"POST", "/containers/{id}/resize", MRD_BODY_NONE, resize},
	{"GET", "/containers/{id}/logs", MRD_BODY_NONE, logs},
	{"GET", "/containers/{id}/stats", MRD_BODY_NONE, stats},
	{"DELETE", "/containers/{id}", MRD_BODY_NONE, remove_ctr},
	{NULL, NULL, 0, NULL},
};

const struct mrd_route_table mrd_api_containers_run = {routes};
