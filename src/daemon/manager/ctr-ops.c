/* stop, restart, kill, pause, update, rm, wait: each a request to the
 * shim, the records written around it. */
#include "manager/internal.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "util/jsonw.h"
#include "loop.h"
#include "manager/logs.h"
#include "oci/spec.h"
#include "store/store.h"
#include "util/cleanup.h"
#include "util/signals.h"

/* A request with one integer argument: {"op": OP, "signal": N}. */
static char *request_kill(int sig)
{
	char *r = NULL;
	if (asprintf(&r, "{\"op\":\"kill\",\"signal\":%d}", sig) < 0)
		return NULL;
	return r;
}

static int add_exit_wait(struct mrd_ctr *c, mrd_done_fn done, void *data)
{
	struct mrd_exit_wait *w = calloc(1, sizeof(*w));
	if (w == NULL)
		return -1;
	w->done = done;
	w->data = data;
	w->next = c->rt->exit_waits;
	c->rt->exit_waits = w;
	return 0;
}

/* ---- kill */

struct kill_op {
	struct mrd_ctr *c;
	int sig;
	mrd_done_fn done;
	void *data;
};

static void killed(void *data, const struct mr_json *reply, const struct mr_error *err)
{
	struct kill_op *k = data;
	struct mrd_ctr *c = k->c;

	if (err != NULL) {
		if (k->done)
			k->done(k->data, err);
	} else if (k->sig == SIGKILL && k->done != NULL && mrd_ctr_running(c)) {
		/* as dockerd: a kill -9 returns once the container is gone */
		add_exit_wait(c, k->done, k->data);
	} else if (k->done != NULL) {
		k->done(k->data, NULL);
	}
	free(k);
}

static void send_signal(struct mrd_ctr *c, int sig, mrd_done_fn done, void *data)
{
	struct kill_op *k = calloc(1, sizeof(*k));
	cleanup_free char *req = request_kill(sig);

	if (k == NULL || req == NULL) {
		free(k);
		mrd_done_error(done, data, ENOMEM, "out of memory");
		return;
	}
	*k = (struct kill_op){c, sig, done, data};
	mrd_ctr_shim_request(c, req, killed, k);
	/* a frozen process takes no signal: thaw it (as dockerd does) */
	if (c->status == MRD_PAUSED && (sig == SIGKILL || sig == SIGTERM))
		mrd_ctr_pause(c, false, NULL, NULL);
}

void mrd_ctr_kill(struct mrd_ctr *c, int sig, mrd_done_fn done, void *data)
{
	struct mrd_ctr_rt *rt = mrd_ctr_rt(c);
	char signame[16];
	const char *attrs[] = {"signal", signame, NULL};
	struct mr_error *e = NULL;

	if (rt == NULL || !(c->status == MRD_RUNNING || c->status == MRD_PAUSED) || rt->deleting) {
		mrd_done_error(done, data, EBUSY, "Container %s is not running", c->id);
		return;
	}
	/* a container a user killed is not restarted by its policy */
	c->manual_stop = true;
	if (mrd_ctr_save(c, &e) < 0) {
		if (done)
			done(data, e);
		mr_error_free(e);
		return;
	}
	snprintf(signame, sizeof(signame), "%d", sig);
	mrd_ctr_event(c, "kill", attrs);
	send_signal(c, sig, done, data);
}

/* ---- stop and restart */

static void stop_timeout(void *data)
{
	struct mrd_ctr *c = data;
	c->rt->stop_timer = NULL;
	if (mrd_ctr_running(c))
		send_signal(c, SIGKILL, NULL, NULL);
}

static int stop_signal(const struct mrd_ctr *c)
{
	cleanup_error struct mr_error *err = NULL;
	int sig = c->cfg->stop_signal && *c->cfg->stop_signal ? mr_signal_parse(c->cfg->stop_signal, &err) : SIGTERM;
	return sig > 0 ? sig : SIGTERM;
}

/* Docker's events of a stop: kill (with the signal), die, then stop. */
struct stop_op {
	struct mrd_ctr *c;
	mrd_done_fn done;
	void *data;
};

static void stopped(void *data, const struct mr_error *err)
{
	struct stop_op *op = data;

	if (err == NULL)
		mrd_ctr_event(op->c, "stop", NULL);
	op->done(op->data, err);
	free(op);
}

void mrd_ctr_stop(struct mrd_ctr *c, int64_t timeout, mrd_done_fn done, void *data)
{
	struct mrd_ctr_rt *rt = mrd_ctr_rt(c);
	struct mr_error *e = NULL;

	if (rt == NULL) {
		mrd_done_error(done, data, ENOMEM, "out of memory");
		return;
	}
	if (c->status == MRD_RESTARTING) {
		/* between two runs: stopping means not running again */
		mrd_timer_cancel(rt->restart_timer);
		rt->restart_timer = NULL;
		c->status = MRD_EXITED;
		c->manual_stop = true;
		mrd_ctr_save(c, &e);
		mr_error_free(e);
		done(data, NULL);
		return;
	}
	if (rt->deleting && c->status == MRD_EXITED && !c->manual_stop) {
		/* exited, its restart policy not yet applied: not any more */
		c->manual_stop = true;
		if (mrd_ctr_save(c, &e) < 0)
			fprintf(stderr, "minirund: container %s: %s\n", c->id, e->msg);
		mr_error_free(e);
		done(data, NULL);
		return;
	}
	if (!(c->status == MRD_RUNNING || c->status == MRD_PAUSED) || rt->deleting) {
		mrd_done_error(done, data, EALREADY, "container %s is not running", c->id);
		return;
	}
	if (timeout < 0)
		timeout = c->cfg->stop_timeout >= 0 ? c->cfg->stop_timeout : 10;
	c->manual_stop = true;
	struct stop_op *op = calloc(1, sizeof(*op));
	if (op == NULL || mrd_ctr_save(c, &e) < 0 || add_exit_wait(c, stopped, op) < 0) {
		free(op);
		mrd_done_error(done, data, e ? e->errnum : ENOMEM, "%s", e ? e->msg : "out of memory");
		mr_error_free(e);
		return;
	}
	*op = (struct stop_op){c, done, data};
	int sig = timeout == 0 ? SIGKILL : stop_signal(c);
	char signame[16];
	snprintf(signame, sizeof(signame), "%d", sig);
	mrd_ctr_event(c, "kill", (const char *[]){"signal", signame, NULL});
	send_signal(c, sig, NULL, NULL);
	if (timeout > 0 && rt->stop_timer == NULL)
		rt->stop_timer = mrd_timer_add(c->d->loop, (uint64_t)timeout * 1000, stop_timeout, c);
}

struct restart_op {
	struct mrd_ctr *c;
	mrd_done_fn done;
	void *data;
};

static void restart_started(void *data, const struct mr_error *err)
{
	struct restart_op *r = data;
	if (err == NULL)
		mrd_ctr_event(r->c, "restart", NULL);
	r->done(r->data, err);
	free(r);
}

/* The stop is over once the shim is deleted too: start then. */
static void restart_after_stop(void *data)
{
	struct restart_op *r = data;
	if (r->c->rt->deleting) {
		mrd_timer_add(r->c->d->loop, 10, restart_after_stop, r);
		return;
	}
	mrd_ctr_start(r->c, restart_started, r);
}

static void restart_stopped(void *data, const struct mr_error *err)
{
	struct restart_op *r = data;
	if (err != NULL && err->errnum != EALREADY) {
		r->done(r->data, err);
		free(r);
		return;
	}
	restart_after_stop(r);
}

void mrd_ctr_restart(struct mrd_ctr *c, int64_t timeout, mrd_done_fn done, void *data)
{
	struct restart_op *r = calloc(1, sizeof(*r));

	if (r == NULL) {
		mrd_done_error(done, data, ENOMEM, "out of memory");
		return;
	}
	*r = (struct restart_op){c, done, data};
	mrd_ctr_stop(c, timeout, restart_stopped, r);
}

/* ---- pause */

struct pause_op {
	struct mrd_ctr *c;
	bool pause;
	mrd_done_fn done;
	void *data;
};

static void paused(void *data, const struct mr_json *reply, const struct mr_error *err)
{
	struct pause_op *p = data;
	struct mrd_ctr *c = p->c;
	struct mr_error *e = NULL;

	if (err == NULL && mrd_ctr_running(c)) {
		c->status = p->pause ? MRD_PAUSED : MRD_RUNNING;
		if (mrd_ctr_save(c, &e) < 0)
			err = e;
		else
			mrd_ctr_event(c, p->pause ? "pause" : "unpause", NULL);
	}
	if (p->done != NULL)
		p->done(p->data, err);
	mr_error_free(e);
	free(p);
}

void mrd_ctr_pause(struct mrd_ctr *c, bool pause, mrd_done_fn done, void *data)
{
	struct pause_op *p;

	if (pause && c->status != MRD_RUNNING) {
		mrd_done_error(done, data, EBUSY, c->status == MRD_PAUSED ? "Container %s is already paused" : "Container %s is not running",
		     c->id);
		return;
	}
	if (!pause && c->status != MRD_PAUSED) {
		mrd_done_error(done, data, EBUSY, "Container %s is not paused", c->id);
		return;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		mrd_done_error(done, data, ENOMEM, "out of memory");
		return;
	}
	*p = (struct pause_op){c, pause, done, data};
	mrd_ctr_shim_request(c, pause ? "{\"op\":\"pause\"}" : "{\"op\":\"resume\"}", paused, p);
}

/* ---- update */

struct update_op {
	struct mrd_ctr *c;
	mrd_done_fn done;
	void *data;
	/* what to put back if the shim refuses */
	struct mrd_resources old_res;
	char *old_restart;
	int64_t old_max;
};

static void update_op_free(struct update_op *u, bool put_back)
{
	struct mrd_ctr_config *cfg = u->c->cfg;

	if (put_back) {
		free(cfg->res.cpuset_cpus);
		free(cfg->res.cpuset_mems);
		free(cfg->restart_name);
		cfg->res = u->old_res;
		cfg->restart_name = u->old_restart;
		cfg->restart_max = u->old_max;
	} else {
		free(u->old_res.cpuset_cpus);
		free(u->old_res.cpuset_mems);
		free(u->old_restart);
	}
	free(u);
}

static struct update_op *update_op_new(struct mrd_ctr *c, mrd_done_fn done, void *data)
{
	struct update_op *u = calloc(1, sizeof(*u));
	const struct mrd_resources *r = &c->cfg->res;

	if (u == NULL)
		return NULL;
	*u = (struct update_op){.c = c, .done = done, .data = data, .old_res = *r, .old_max = c->cfg->restart_max};
	u->old_res.cpuset_cpus = r->cpuset_cpus ? strdup(r->cpuset_cpus) : NULL;
	u->old_res.cpuset_mems = r->cpuset_mems ? strdup(r->cpuset_mems) : NULL;
	u->old_restart = strdup(c->cfg->restart_name);
	if (u->old_restart == NULL || (r->cpuset_cpus && !u->old_res.cpuset_cpus) ||
	    (r->cpuset_mems && !u->old_res.cpuset_mems)) {
		update_op_free(u, false);
		return NULL;
	}
	return u;
}

static void updated(void *data, const struct mr_json *reply, const struct mr_error *err)
{
	struct update_op *u = data;
	struct mr_error *e = NULL;

	if (err == NULL && mrd_ctr_save(u->c, &e) < 0)
		err = e;
	if (err == NULL)
		mrd_ctr_event(u->c, "update", NULL);
	u->done(u->data, err);
	mr_error_free(e);
	update_op_free(u, err != NULL);
}

/* linux.resources of the OCI spec for the new limits, as update takes them. */
static char *resources_request(const struct mrd_ctr *c)
{
	yajl_gen g = mr_jw_new();
	char *out = NULL;
	size_t len;
	const char *buf;

	mrd_spec_resources_write(g, c->cfg, mrd_host_swap_limit());
	buf = mr_jw_buf(g, &len);
	if (asprintf(&out, "{\"op\":\"update\",\"resources\":%.*s}", (int)len, buf) < 0)
		out = NULL;
	yajl_gen_free(g);
	return out;
}

void mrd_ctr_update(struct mrd_ctr *c, const struct mr_json *body, mrd_done_fn done, void *data)
{
	struct mr_error *err = NULL;
	struct update_op *u = update_op_new(c, done, data);
	char *req;

	if (u == NULL) {
		mrd_done_error(done, data, ENOMEM, "out of memory");
		return;
	}
	if (mrd_ctr_config_update(c->cfg, body, &err) < 0) {
		update_op_free(u, false);
		done(data, err);
		mr_error_free(err);
		return;
	}
	if (!(c->status == MRD_RUNNING || c->status == MRD_PAUSED)) {
		updated(u, NULL, NULL);
		return;
	}
	req = resources_request(c);
	if (req == NULL) {
		update_op_free(u, true);
		mrd_done_error(done, data, ENOMEM, "out of memory");
		return;
	}
	mrd_ctr_shim_request(c, req, updated, u);
	free(req);
}

/* ---- rm */

int mrd_ctr_remove_now(struct mrd_ctr *c, struct mr_error **err)
{
	struct mrd_ctrs *cs = c->d->ctrs;

	if (mrd_store_ctr_delete(c->d->store, c->id, err) < 0)
		return -1;
	/* the record is gone first: files a crash leaves now are removed at
	 * the next start */
	mrd_ctr_release_bundle(c);
	mrd_ctr_remove_files(c, NULL);
	mrd_logs_notify(c, true);
	mrd_ctr_event(c, "destroy", NULL);
	mrd_ctr_fire_waiters(c, 1 << MRD_WAIT_REMOVED, c->exit_code, NULL);
	mrd_ctrs_unlink(cs, c);
	mrd_ctr_free(c);
	return 0;
}

void mrd_ctr_remove(struct mrd_ctr *c, bool force, bool volumes, mrd_done_fn done, void *data)
{
	struct mrd_ctr_rt *rt = mrd_ctr_rt(c);
	struct mr_error *err = NULL;

	(void)volumes; /* no anonymous volumes yet: binds are the host's */
	if (rt == NULL) {
		mrd_done_error(done, data, ENOMEM, "out of memory");
		return;
	}
	if (rt->remove_after_exit) {
		mrd_done_error(done, data, EBUSY, "removal of container %s is already in progress", c->id);
		return;
	}
	if (mrd_ctr_running(c) || rt->starting) {
		if (!force) {
			mrd_done_error(done, data, EBUSY,
			     "You cannot remove a %s container %s. Stop the container before attempting removal or force remove",
			     mrd_status_name(c->status), c->id);
			return;
		}
		rt->remove_after_exit = true;
		rt->remove_done = done;
		rt->remove_data = data;
		if (c->status == MRD_RESTARTING) {
			mrd_timer_cancel(rt->restart_timer);
			rt->restart_timer = NULL;
			c->status = MRD_EXITED;
			rt->remove_done = NULL;
			if (mrd_ctr_remove_now(c, &err) < 0)
				done(data, err);
			else
				done(data, NULL);
			mr_error_free(err);
			return;
		}
		if (!rt->starting)
			send_signal(c, SIGKILL, NULL, NULL);
		return;
	}
	if (rt->deleting) { /* its shim is on its way out: remove after */
		rt->remove_after_exit = true;
		rt->remove_done = done;
		rt->remove_data = data;
		return;
	}
	if (mrd_ctr_remove_now(c, &err) < 0) {
		done(data, err);
		mr_error_free(err);
		return;
	}
	done(data, NULL);
}

/* ---- wait */

struct mrd_waiter *mrd_ctr_wait(struct mrd_ctr *c, const char *condition, mrd_wait_fn fn, void *data,
				bool *already, struct mr_error **err)
{
	struct mrd_ctr_rt *rt = mrd_ctr_rt(c);
	struct mrd_waiter *w;
	int cond;

	if (condition == NULL || *condition == '\0' || strcmp(condition, "not-running") == 0)
		cond = MRD_WAIT_NOT_RUNNING;
	else if (strcmp(condition, "next-exit") == 0)
		cond = MRD_WAIT_NEXT_EXIT;
	else if (strcmp(condition, "removed") == 0)
		cond = MRD_WAIT_REMOVED;
	else {
		mr_error_set(err, EINVAL, "condition: \"%s\" is not one of not-running, next-exit, removed", condition);
		return NULL;
	}
	*already = false;
	if (cond == MRD_WAIT_NOT_RUNNING && !mrd_ctr_running(c) && rt != NULL && !rt->starting) {
		*already = true;
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (rt == NULL || w == NULL) {
		free(w);
		mr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	*w = (struct mrd_waiter){.c = c, .cond = cond, .fn = fn, .data = data};
	w->next = rt->waiters;
	rt->waiters = w;
	return w;
}

void mrd_waiter_cancel(struct mrd_waiter *w)
{
	if (w != NULL)
		w->fn = NULL; /* freed when its condition comes or with the container */
}

void mrd_ctr_fire_waiters(struct mrd_ctr *c, int cond_mask, int exit_code, const char *error)
{
	struct mrd_ctr_rt *rt = c->rt;
	struct mrd_waiter **p;

	if (rt == NULL)
		return;
	for (p = &rt->waiters; *p != NULL;) {
		struct mrd_waiter *w = *p;
		if (!(cond_mask & (1 << w->cond)) && w->fn != NULL) {
			p = &w->next;
			continue;
		}
		*p = w->next;
		if (w->fn != NULL)
			w->fn(w->data, exit_code, error);
		free(w);
	}
}
