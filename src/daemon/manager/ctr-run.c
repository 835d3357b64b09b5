/* Starting a container through its shim and learning its exit: the
 * lifecycle's spine. Every step that changes what a client may have seen
 * is written to the store first. */
#include "manager/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "times.h"
#include "util/jsonw.h"
#include "loop.h"
#include "manager/attach.h"
#include "manager/exec.h"
#include "manager/logs.h"
#include "manager/netns.h"
#include "manager/stats.h"
#include "shim/client.h"
#include "store/store.h"
#include "util/cleanup.h"

#define LOG_MAX_SIZE "104857600"

struct mrd_ctr_rt *mrd_ctr_rt(struct mrd_ctr *c)
{
	if (c->rt == NULL) {
		c->rt = calloc(1, sizeof(*c->rt));
		if (c->rt != NULL)
			c->rt->c = c;
	}
	return c->rt;
}

void mrd_ctr_rt_free(struct mrd_ctr *c)
{
	struct mrd_ctr_rt *rt = c->rt;

	if (rt == NULL)
		return;
	if (rt->wait_call != NULL)
		mrd_shim_hangup(rt->wait_call);
	mrd_timer_cancel(rt->stop_timer);
	mrd_timer_cancel(rt->restart_timer);
	mrd_attach_detach_all(c);
	mrd_exec_forget_all(c);
	mrd_stats_container_gone(c);
	while (rt->exit_waits != NULL) {
		struct mrd_exit_wait *w = rt->exit_waits;
		rt->exit_waits = w->next;
		free(w);
	}
	while (rt->waiters != NULL) {
		struct mrd_waiter *w = rt->waiters;
		rt->waiters = w->next;
		free(w);
	}
	free(rt);
	c->rt = NULL;
}

char *mrd_ctr_shim_dir(const struct mrd_ctr *c)
{
	return mrd_ctr_exec_path(c, "shim");
}

char *mrd_ctr_shim_socket(const struct mrd_ctr *c)
{
	return mrd_ctr_exec_path(c, "shim/shim.sock");
}

void mrd_done_error(mrd_done_fn done, void *data, int errnum, const char *fmt, ...)
{
	struct mr_error *err = NULL;
	char *msg = NULL;
	va_list ap;

	if (done == NULL)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	mr_error_set(&err, errnum, "%s", msg ? msg : "out of memory");
	free(msg);
	done(data, err);
	mr_error_free(err);
}

/* ---- one request to the shim */

struct shim_req {
	mrd_shim_reply_fn fn;
	void *data;
	bool answered;
	char id[13];
};

static void shim_req_line(struct mrd_shim_call *call, const struct mr_json *msg, void *data)
{
	struct shim_req *r = data;
	const struct mr_json *ok = mr_json_get(msg, "ok"), *e = mr_json_get(msg, "error");
	struct mr_error *err = NULL;

	if (r->answered)
		return;
	r->answered = true;
	if (msg != NULL && ok != NULL && ok->kind == MR_JSON_BOOL && ok->boolean) {
		r->fn(r->data, msg, NULL);
	} else {
		mr_error_set(&err, EIO, "%s", e && e->kind == MR_JSON_STRING ? e->text : "the shim answered with an error");
		r->fn(r->data, NULL, err);
		mr_error_free(err);
	}
	mrd_shim_hangup(call);
}

static void shim_req_end(struct mrd_shim_call *call, int errnum, void *data)
{
	struct shim_req *r = data;
	struct mr_error *err = NULL;

	if (!r->answered) {
		mr_error_set(&err, EIO, "container %s: the shim closed the connection without an answer", r->id);
		r->fn(r->data, NULL, err);
		mr_error_free(err);
	}
	free(r);
}

void mrd_ctr_shim_request(struct mrd_ctr *c, const char *request, mrd_shim_reply_fn fn, void *data)
{
	cleanup_free char *sock = mrd_ctr_shim_socket(c);
	struct shim_req *r = calloc(1, sizeof(*r));
	struct mr_error *err = NULL;

	if (r == NULL) {
		mr_error_set(&err, ENOMEM, "out of memory");
		fn(data, NULL, err);
		mr_error_free(err);
		return;
	}
	r->fn = fn;
	r->data = data;
	snprintf(r->id, sizeof(r->id), "%.12s", c->id);
	if (mrd_shim_call(c->d->loop, sock, request, shim_req_line, shim_req_end, r, &err) == NULL &&
	    err != NULL && err->errnum != EPIPE) {
		r->answered = true; /* no connection: no end callback follows */
		mr_error_prefix(&err, "container %.12s", c->id);
		fn(data, NULL, err);
		free(r);
	}
	mr_error_free(err);
}

/* ---- start */

static void start_failed(struct mrd_ctr *c, const char *msg);

static void finish_start(struct mrd_ctr *c, const struct mr_error *err)
{
	struct mrd_ctr_rt *rt = c->rt;
	mrd_done_fn done = rt->start_done;
	void *data = rt->start_data;

	rt->starting = false;
	rt->start_done = NULL;
	if (done != NULL)
		done(data, err);
}

static void started(void *data, const struct mr_json *reply, const struct mr_error *err)
{
	struct mrd_ctr *c = data;
	cleanup_free char *dir = mrd_ctr_shim_dir(c);
	struct mrd_shim_state st;
	struct mr_error *e = NULL;

	if (err != NULL) {
		start_failed(c, err->msg);
		return;
	}
	if (mrd_shim_read_state(dir, &st, &e) == 0)
		c->pid = (int)st.pid;
	mr_error_free(e);
	e = NULL;
	c->status = MRD_RUNNING;
	c->started_at = mrd_now_real_ns();
	c->has_started = true;
	c->manual_stop = false;
	c->oom_killed = false;
	free(c->error);
	c->error = NULL;
	if (mrd_ctr_save(c, &e) < 0)
		fprintf(stderr, "minirund: container %s: %s\n", c->id, e->msg);
	mr_error_free(e);
	mrd_ctr_watch_exit(c);
	mrd_ctr_event(c, "start", NULL);
	finish_start(c, NULL);
}

/* A network namespace of its own has its loopback up (dockerd's too). */
static int loopback_up(struct mrd_ctr *c, char *msg, size_t size)
{
	cleanup_free char *dir = mrd_ctr_shim_dir(c);
	cleanup_error struct mr_error *err = NULL;
	struct mrd_shim_state st;

	if (mrd_shim_read_state(dir, &st, &err) < 0 || st.pid <= 0 ||
	    mrd_netns_loopback_up((pid_t)st.pid, &err) < 0) {
		snprintf(msg, size, "network namespace: %s", err ? err->msg : "the shim's state has no pid");
		return -1;
	}
	return 0;
}

/* The runtime created the container under its shim: attach sessions
 * waiting for it join before its process is let go. */
static void created(void *data, int status, const char *output)
{
	struct mrd_ctr *c = data;
	char msg[4096];

	if (status != 0) {
		size_t n = strlen(output);
		while (n > 0 && (output[n - 1] == '\n' || output[n - 1] == ' '))
			n--;
		snprintf(msg, sizeof(msg), "%.*s", (int)n, n ? output : "minirun-shim failed");
		start_failed(c, msg);
		return;
	}
	if (strcmp(c->cfg->network_mode, "host") != 0 && loopback_up(c, msg, sizeof(msg)) < 0) {
		start_failed(c, msg);
		return;
	}
	mrd_attach_connect_all(c);
	mrd_ctr_shim_request(c, "{\"op\":\"start\"}", started, c);
}

/* Docker's exit codes of a start that failed: 127 when the command is
 * not there, 126 when it cannot be run, 125 otherwise. */
static int failure_code(const char *msg)
{
	if (strstr(msg, "not found") || strstr(msg, "No such file") || strstr(msg, "no such file"))
		return 127;
	if (strstr(msg, "ermission denied") || strstr(msg, "not executable") || strstr(msg, "Exec format"))
		return 126;
	return 125;
}

/* The docker client picks run's exit code (127, 126) from Go's lowercase
 * error texts: "no such file or directory", "permission denied". */
static void go_errno_texts(char *msg)
{
	static const char *const texts[] = {"No such file or directory", "Permission denied", NULL};

	for (size_t i = 0; texts[i] != NULL; i++)
		for (char *p = strstr(msg, texts[i]); p != NULL; p = strstr(p + 1, texts[i]))
			*p = (char)(*p - 'A' + 'a');
}

static void start_failed(struct mrd_ctr *c, const char *text)
{
	struct mr_error *err = NULL, *e = NULL;
	char msg[4096];

	snprintf(msg, sizeof(msg), "%s", text);
	go_errno_texts(msg);
	fprintf(stderr, "minirund: container %.12s: start failed: %s\n", c->id, msg);
	c->status = c->has_started ? MRD_EXITED : MRD_CREATED;
	c->exit_code = failure_code(msg);
	free(c->error);
	c->error = strdup(msg);
	mrd_ctr_save(c, &e);
	mr_error_free(e);
	mrd_attach_detach_all(c);
	mr_error_set(&err, EINVAL, "%s", msg);
	finish_start(c, err);
	mr_error_free(err);
	mrd_ctr_fire_waiters(c, 1 << MRD_WAIT_NEXT_EXIT | 1 << MRD_WAIT_NOT_RUNNING, c->exit_code, msg);
	/* whatever the shim made goes, through it if it runs */
	mrd_ctr_teardown(c, false);
}

static int spawn_shim(struct mrd_ctr *c, struct mr_error **err)
{
	struct mrd_daemon *d = c->d;
	cleanup_free char *bundle = mrd_ctr_exec_path(c, NULL), *dir = mrd_ctr_shim_dir(c);
	cleanup_free char *log = mrd_ctr_data_path(c, "ctr.log"), *root = NULL;
	char *argv[24];
	size_t n = 0;

	if (asprintf(&root, "%s/runtime", d->opt.exec_root) < 0)
		return mr_error_set(err, ENOMEM, "out of memory");
	mrd_remove_tree(AT_FDCWD, dir, NULL);
	if (mkdir(dir, 0700) < 0)
		return mr_error_sys(err, errno, "mkdir %s", dir);
	argv[n++] = d->opt.shim;
	argv[n++] = "--id";
	argv[n++] = c->id;
	argv[n++] = "--bundle";
	argv[n++] = bundle;
	argv[n++] = "--state-dir";
	argv[n++] = dir;
	argv[n++] = "--runtime";
	argv[n++] = d->opt.runtime;
	argv[n++] = "--runtime-root";
	argv[n++] = root;
	argv[n++] = "--log";
	argv[n++] = log;
	argv[n++] = "--log-max-size";
	argv[n++] = LOG_MAX_SIZE;
	if (c->cfg->tty)
		argv[n++] = "--terminal";
	if (c->cfg->open_stdin)
		argv[n++] = "--stdin";
	argv[n] = NULL;
	return mrd_spawn(d->loop, argv, created, c, err);
}

void mrd_ctr_start(struct mrd_ctr *c, mrd_done_fn done, void *data)
{
	struct mrd_ctr_rt *rt = mrd_ctr_rt(c);
	struct mr_error *err = NULL;

	if (rt == NULL)
		return mrd_done_error(done, data, ENOMEM, "out of memory");
	if (c->status == MRD_RUNNING || c->status == MRD_PAUSED || rt->starting)
		return mrd_done_error(done, data, EALREADY, "container %s is already running", c->id);
	if (c->status == MRD_REMOVING || rt->remove_after_exit)
		return mrd_done_error(done, data, EBUSY, "container %s is marked for removal and cannot be started", c->id);
	if (rt->deleting)
		return mrd_done_error(done, data, EBUSY, "container %s is stopping: try again", c->id);
	mrd_timer_cancel(rt->restart_timer);
	rt->restart_timer = NULL;
	rt->starting = true;
	rt->start_done = done;
	rt->start_data = data;
	if (mrd_ctr_prepare_bundle(c, &err) < 0 || spawn_shim(c, &err) < 0) {
		char msg[4096];
		snprintf(msg, sizeof(msg), "%s", err ? err->msg : "start failed");
		mr_error_free(err);
		start_failed(c, msg);
	}
}

/* ---- exit */

struct rt_delete {
	void (*then)(struct mrd_ctr *c);
	struct mrd_ctr *c;
};

static void runtime_deleted(void *data, int status, const char *output)
{
	struct rt_delete *r = data;
	(void)status;
	(void)output;
	if (r->then != NULL)
		r->then(r->c);
	free(r);
}

void mrd_ctr_runtime_delete(struct mrd_ctr *c, void (*then)(struct mrd_ctr *c))
{
	struct rt_delete *r = calloc(1, sizeof(*r));
	cleanup_free char *root = NULL;
	char *argv[8];
	struct mr_error *err = NULL;

	if (r == NULL || asprintf(&root, "%s/runtime", c->d->opt.exec_root) < 0) {
		free(r);
		return;
	}
	r->then = then;
	r->c = c;
	argv[0] = c->d->opt.runtime;
	argv[1] = "--root";
	argv[2] = root;
	argv[3] = "delete";
	argv[4] = "--force";
	argv[5] = c->id;
	argv[6] = NULL;
	if (mrd_spawn(c->d->loop, argv, runtime_deleted, r, &err) < 0) {
		mr_error_free(err);
		free(r);
		if (then != NULL)
			then(c);
	}
}

/* Docker's policies: always and unless-stopped restart whatever the exit
 * code, on-failure[:N] after a non-zero one (at most N times); never
 * after a stop by a user. */
static bool should_restart(const struct mrd_ctr *c)
{
	const char *p = c->cfg->restart_name;

	if (c->manual_stop || strcmp(p, "no") == 0)
		return false;
	if (strcmp(p, "on-failure") == 0)
		return c->exit_code != 0 && (c->cfg->restart_max == 0 || c->restart_count < c->cfg->restart_max);
	return true;
}

static void restart_now(void *data)
{
	struct mrd_ctr *c = data;
	c->rt->restart_timer = NULL;
	if (c->status != MRD_RESTARTING)
		return;
	c->restart_count++;
	mrd_ctr_start(c, NULL, NULL);
}

static void schedule_restart(struct mrd_ctr *c)
{
	struct mrd_ctr_rt *rt = c->rt;
	struct mr_error *e = NULL;
	int64_t ran_ms = (c->finished_at - c->started_at) / 1000000;

	/* Docker's back-off: 100 ms, doubled after each quick exit (under
	 * 10 s of running), at most a minute */
	if (ran_ms >= 10000 || rt->restart_delay_ms == 0)
		rt->restart_delay_ms = 100;
	else if (rt->restart_delay_ms < 60000)
		rt->restart_delay_ms *= 2;
	c->status = MRD_RESTARTING;
	if (mrd_ctr_save(c, &e) < 0)
		fprintf(stderr, "minirund: container %s: %s\n", c->id, e->msg);
	mr_error_free(e);
	rt->restart_timer = mrd_timer_add(c->d->loop, (uint64_t)rt->restart_delay_ms, restart_now, c);
}

struct teardown {
	struct mrd_ctr *c;
	bool may_restart;
};

static void after_delete(void *data, const struct mr_json *reply, const struct mr_error *err)
{
	struct teardown *t = data;
	struct mrd_ctr *c = t->c;
	struct mrd_ctr_rt *rt = c->rt;
	cleanup_free char *dir = mrd_ctr_shim_dir(c);
	struct mr_error *e = NULL;
	bool may_restart = t->may_restart;

	free(t);
	if (err != NULL)
		mrd_ctr_runtime_delete(c, NULL);
	mrd_ctr_release_bundle(c);
	mrd_remove_tree(AT_FDCWD, dir, NULL);
	rt->deleting = false;
	if (rt->remove_after_exit || c->cfg->auto_remove) {
		mrd_done_fn done = rt->remove_done;
		void *ddata = rt->remove_data;
		rt->remove_done = NULL;
		if (mrd_ctr_remove_now(c, &e) < 0) {
			if (done)
				done(ddata, e);
		} else if (done) {
			done(ddata, NULL);
		}
		mr_error_free(e);
		return;
	}
	if (may_restart && should_restart(c))
		schedule_restart(c);
}

void mrd_ctr_teardown(struct mrd_ctr *c, bool may_restart)
{
	struct teardown *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return;
	t->c = c;
	t->may_restart = may_restart;
	mrd_ctr_rt(c)->deleting = true;
	mrd_ctr_shim_request(c, "{\"op\":\"delete\"}", after_delete, t);
}

void mrd_ctr_exited(struct mrd_ctr *c, int exit_code, int64_t at, bool oom)
{
	struct mrd_ctr_rt *rt = mrd_ctr_rt(c);
	struct mr_error *e = NULL;
	char code[16];
	const char *attrs[] = {"exitCode", code, NULL};

	mrd_timer_cancel(rt->stop_timer);
	rt->stop_timer = NULL;
	c->status = MRD_EXITED;
	c->exit_code = exit_code;
	c->finished_at = at > 0 ? at : mrd_now_real_ns();
	c->oom_killed = oom;
	c->pid = 0;
	if (mrd_ctr_save(c, &e) < 0)
		fprintf(stderr, "minirund: container %s: %s\n", c->id, e->msg);
	mr_error_free(e);
	snprintf(code, sizeof(code), "%d", exit_code);
	if (oom)
		mrd_ctr_event(c, "oom", NULL);
	mrd_ctr_event(c, "die", attrs);
	mrd_logs_notify(c, false);
	mrd_exec_container_exited(c);
	/* the teardown below comes first for whoever waits: a restart's
	 * start must find the runtime's container gone, not about to go */
	rt->deleting = true;
	while (rt->exit_waits != NULL) {
		struct mrd_exit_wait *w = rt->exit_waits;
		rt->exit_waits = w->next;
		w->done(w->data, NULL);
		free(w);
	}
	mrd_ctr_fire_waiters(c, 1 << MRD_WAIT_NEXT_EXIT | 1 << MRD_WAIT_NOT_RUNNING, exit_code, NULL);
	mrd_ctr_teardown(c, true);
}

/* ---- the wait on the shim */

static void wait_line(struct mrd_shim_call *call, const struct mr_json *msg, void *data)
{
	struct mrd_ctr *c = data;
	const struct mr_json *code = mr_json_get(msg, "exitCode"), *at = mr_json_get(msg, "exitedAt");
	const struct mr_json *oom = mr_json_get(msg, "oomKilled");

	if (code == NULL || code->kind != MR_JSON_NUMBER)
		return; /* not the answer yet */
	c->rt->wait_call = NULL;
	mrd_shim_hangup(call);
	mrd_ctr_exited(c, atoi(code->text), at && at->kind == MR_JSON_STRING ? mrd_parse_time(at->text) : 0,
		       oom && oom->kind == MR_JSON_BOOL && oom->boolean);
}

/* The shim went away without telling the exit: what its state dir says,
 * else the container is lost. */
static void shim_lost(struct mrd_ctr *c)
{
	cleanup_free char *dir = mrd_ctr_shim_dir(c);
	struct mrd_shim_state st;
	struct mr_error *e = NULL;

	if (mrd_shim_read_state(dir, &st, &e) == 0 && st.has_exit) {
		mrd_ctr_exited(c, st.exit_code, st.exited_at, st.oom_killed);
		return;
	}
	mr_error_free(e);
	c->status = MRD_DEAD;
	free(c->error);
	c->error = strdup("the container's shim is gone: its exit status is unknown");
	e = NULL;
	mrd_ctr_save(c, &e);
	mr_error_free(e);
	mrd_logs_notify(c, false);
	mrd_ctr_fire_waiters(c, 1 << MRD_WAIT_NEXT_EXIT | 1 << MRD_WAIT_NOT_RUNNING, -1, c->error);
}

static void wait_end(struct mrd_shim_call *call, int err, void *data)
{
	struct mrd_ctr *c = data;

	if (c->rt == NULL || c->rt->wait_call != call)
		return;
	c->rt->wait_call = NULL;
	shim_lost(c);
}

void mrd_ctr_watch_exit(struct mrd_ctr *c)
{
	cleanup_free char *sock = mrd_ctr_shim_socket(c);
	struct mr_error *err = NULL;
	struct mrd_ctr_rt *rt = mrd_ctr_rt(c);

	if (rt->wait_call != NULL)
		return;
	rt->wait_call = mrd_shim_call(c->d->loop, sock, "{\"op\":\"wait\"}", wait_line, wait_end, c, &err);
	if (rt->wait_call == NULL) {
		fprintf(stderr, "minirund: container %.12s: %s\n", c->id, err ? err->msg : "cannot wait");
		mr_error_free(err);
		shim_lost(c);
	}
}

void mrd_ctrs_shutdown(struct mrd_ctrs *cs)
{
	for (struct mrd_ctr *c = cs ? cs->list : NULL; c; c = c->next) {
		struct mrd_ctr_rt *rt = c->rt;
		if (rt == NULL)
			continue;
		if (rt->wait_call != NULL) {
			struct mrd_shim_call *call = rt->wait_call;
			rt->wait_call = NULL;
			mrd_shim_hangup(call);
		}
		mrd_attach_detach_all(c);
		mrd_exec_forget_all(c);
	}
}

struct shim_do {
	mrd_done_fn done;
	void *data;
};

static void shim_done(void *data, const struct mr_json *reply, const struct mr_error *err)
{
	struct shim_do *d = data;
	if (d->done != NULL)
		d->done(d->data, err);
	free(d);
}

void mrd_ctr_shim_do(struct mrd_ctr *c, const char *request, mrd_done_fn done, void *data)
{
	struct shim_do *d = calloc(1, sizeof(*d));

	if (d == NULL) {
		mrd_done_error(done, data, ENOMEM, "out of memory");
		return;
	}
	d->done = done;
	d->data = data;
	mrd_ctr_shim_request(c, request, shim_done, d);
}
