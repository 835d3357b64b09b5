/* The requests that answer over time: wait (at the exit), attach and exec
 * (the process' stdio over the connection), stats (a sample every N ms). */
#include "shim/server-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonw.h"

yajl_gen shim_exit_message(const struct shim_proc *p, bool with_ok, bool oom)
{
	yajl_gen g = mr_jw_new();

	mr_jw_obj(g, NULL);
	if (with_ok)
		mr_jw_bool(g, "ok", true);
	else
		mr_jw_bool(g, "eof", true);
	mr_jw_int(g, "exitCode", p->exit_code);
	mr_jw_time(g, "exitedAt", p->exited_at);
	if (p->exec_id == NULL)
		mr_jw_bool(g, "oomKilled", oom);
	mr_jw_obj_end(g);
	return g;
}

void shim_stream_stop(struct shim_client *cl)
{
	shim_proc_remove_sink(&cl->sink);
	shim_notify_remove(&cl->exit_n);
	shim_notify_remove(&cl->stdin_n);
	if (cl->held && cl->proc)
		shim_proc_hold_output(cl->proc, false);
	cl->held = false;
	cl->proc = NULL;
	shim_timer_stop(cl->srv->loop, &cl->timer);
}

/* The process of a request: the init, or the exec process named. */
static struct shim_proc *target(struct shim_client *cl, const char *exec_id)
{
	struct shim_proc *p = shim_container_proc(cl->srv->c, exec_id);
	char msg[256];

	if (p == NULL || (exec_id && p->status == SHIM_PROC_NEW)) {
		snprintf(msg, sizeof(msg), "container %s has no exec process %s", shim_container_id(cl->srv->c),
			 exec_id);
		shim_client_error(cl, msg);
		return NULL;
	}
	return p;
}

/* ---- wait */

static void wait_exited(struct shim_notify *n)
{
	struct shim_client *cl = n->data;
	struct shim_proc *p = cl->proc;

	cl->proc = NULL;
	shim_client_send_gen(cl, shim_exit_message(p, true, shim_container_oom_killed(cl->srv->c)));
	shim_client_idle(cl);
}

void shim_stream_wait(struct shim_client *cl, struct shim_request *req)
{
	struct shim_container *c = cl->srv->c;
	struct shim_proc *p = target(cl, req->exec_id);

	if (p == NULL)
		return;
	if (p->status == SHIM_PROC_EXITED) {
		shim_client_send_gen(cl, shim_exit_message(p, true, shim_container_oom_killed(c)));
		return;
	}
	if (shim_container_over(c)) {
		shim_client_error(cl, "the container is gone without an exit (it never ran)");
		return;
	}
	cl->state = CL_WAIT;
	cl->proc = p;
	shim_proc_on_exit(p, &cl->exit_n, wait_exited, cl);
}

/* ---- attach and exec: output out, stdin in */

static void send_output(struct shim_client *cl, int stream, const char *data, size_t len)
{
	yajl_gen g = mr_jw_new();

	mr_jw_obj(g, NULL);
	mr_jw_str(g, "stream", shim_stream_name(stream));
	mr_jw_bytes(g, data, len);
	mr_jw_obj_end(g);
	shim_client_send_gen(cl, g);
}

static void attach_output(struct shim_sink *s, int stream, const char *data, size_t len)
{
	struct shim_client *cl = s->data;

	if ((stream == SHIM_STDOUT && !cl->want_out) || (stream == SHIM_STDERR && !cl->want_err))
		return;
	if (shim_client_queued(cl) > SHIM_CLIENT_OUT_SOFT) {
		shim_client_drop(cl); /* it stopped reading: the container goes on without it */
		return;
	}
	send_output(cl, stream, data, len);
}

static void exec_output(struct shim_sink *s, int stream, const char *data, size_t len)
{
	struct shim_client *cl = s->data;

	send_output(cl, stream, data, len);
	if (cl->fd >= 0 && !cl->held && shim_client_queued(cl) > SHIM_CLIENT_OUT_SOFT) {
		cl->held = true; /* as a full pipe would */
		shim_proc_hold_output(cl->proc, true);
	}
}

void shim_stream_exec_drained(struct shim_client *cl)
{
	if (cl->held && cl->proc) {
		cl->held = false;
		shim_proc_hold_output(cl->proc, false);
	}
}

static void stream_exited(struct shim_notify *n)
{
	struct shim_client *cl = n->data;
	struct shim_proc *p = cl->proc;

	shim_client_end(cl, shim_exit_message(p, false, shim_container_oom_killed(cl->srv->c)));
}

static void resume_input(struct shim_defer *d)
{
	shim_client_resume_input(d->data);
}

static void stdin_room(struct shim_notify *n)
{
	struct shim_client *cl = n->data;

	/* not from inside the writer's call that made the room */
	shim_loop_defer(cl->srv->loop, &cl->resume, resume_input, cl);
}

bool shim_stream_can_take(struct shim_client *cl)
{
	struct shim_proc *p = cl->proc;

	if (p == NULL || !cl->want_in || !p->stdin_open || shim_proc_stdin_room(p))
		return true;
	shim_proc_wait_stdin(p, &cl->stdin_n, stdin_room, cl);
	return false;
}

void shim_stream_input(struct shim_client *cl, struct shim_request *req)
{
	struct shim_proc *p = cl->proc;
	struct mr_error *err = NULL;

	switch (req->op) {
	case SHIM_OP_STDIN:
		/* stdin after its end, or to a process without one, goes nowhere
		 * (as writes to a closed pipe): the stream is not its answer */
		if (!cl->want_in || p == NULL)
			break;
		if (req->len > 0)
			shim_proc_write_stdin(p, req->data, req->len);
		if (req->eof)
			shim_proc_close_stdin(p);
		break;
	case SHIM_OP_RESIZE:
		if (p && shim_proc_resize(p, req->rows, req->cols, &err) < 0) {
			shim_client_error(cl, err->msg);
			mr_error_free(err);
		}
		break;
	case SHIM_OP_DETACH:
		shim_client_end(cl, NULL); /* the process goes on */
		break;
	default:
		shim_client_error(cl, "only stdin, resize and detach on an attach or exec stream");
		break;
	}
}

static void begin_stream(struct shim_client *cl, struct shim_proc *p, enum client_state st, shim_sink_fn fn)
{
	cl->state = st;
	cl->proc = p;
	shim_proc_add_sink(p, &cl->sink, fn, cl);
	shim_proc_on_exit(p, &cl->exit_n, stream_exited, cl);
	/* lines sent with the request are its first input */
	shim_loop_defer(cl->srv->loop, &cl->resume, resume_input, cl);
}

void shim_stream_attach(struct shim_client *cl, struct shim_request *req)
{
	struct shim_container *c = cl->srv->c;
	struct shim_proc *init = shim_container_init(c);

	if (req->want_stdin && !shim_container_opts(c)->stdin) {
		shim_client_error(cl, "attach: the container has no stdin (the shim was started without --stdin)");
		return;
	}
	cl->want_in = req->want_stdin;
	cl->want_out = req->want_stdout;
	cl->want_err = req->want_stderr;
	shim_client_ok(cl);
	if (init->status == SHIM_PROC_EXITED) {
		shim_client_end(cl, shim_exit_message(init, false, shim_container_oom_killed(c)));
		return;
	}
	if (shim_container_over(c)) {
		shim_client_end(cl, NULL);
		return;
	}
	begin_stream(cl, init, CL_ATTACH, attach_output);
}

static void exec_started(void *data, struct shim_proc *p, const char *error)
{
	struct shim_pending *pd = data;
	struct shim_client *cl = pd->client;
	yajl_gen g;

	if (cl == NULL) {
		free(pd); /* the client left: the process runs on, its output unread by anyone */
		return;
	}
	cl->pending = NULL;
	free(pd);
	if (error) {
		shim_client_error(cl, error);
		shim_client_idle(cl);
		return;
	}
	g = mr_jw_new();
	mr_jw_obj(g, NULL);
	mr_jw_bool(g, "ok", true);
	mr_jw_str(g, "id", p->exec_id);
	mr_jw_int(g, "pid", p->pid);
	mr_jw_obj_end(g);
	if (!shim_client_send_gen(cl, g))
		return;
	begin_stream(cl, p, CL_EXEC, exec_output);
}

void shim_stream_exec(struct shim_client *cl, struct shim_request *req)
{
	struct shim_pending *p = shim_pending_new(cl, req->op);

	if (p == NULL) {
		shim_client_error(cl, "out of memory");
		return;
	}
	cl->want_in = req->want_stdin;
	cl->want_out = cl->want_err = true;
	shim_container_exec(cl->srv->c, req->exec_id, req->process, req->want_stdin, exec_started, p);
}

/* ---- stats */

static bool send_stats(struct shim_client *cl, bool first)
{
	struct mr_error *err = NULL;
	char *json = shim_container_stats(cl->srv->c, &err), *line = NULL;
	int n;

	if (json == NULL) {
		shim_client_error(cl, err ? err->msg : "out of memory");
		mr_error_free(err);
		return false;
	}
	n = asprintf(&line, first ? "{\"ok\":true,\"stats\":%s}" : "{\"stats\":%s}", json);
	free(json);
	if (n < 0) {
		shim_client_error(cl, "out of memory");
		return false;
	}
	shim_client_send(cl, line, (size_t)n);
	free(line);
	return true;
}

static void stats_tick(struct shim_timer *t)
{
	struct shim_client *cl = t->data;

	if (shim_container_over(cl->srv->c)) {
		shim_client_end(cl, NULL);
		return;
	}
	if (shim_client_queued(cl) > SHIM_CLIENT_OUT_SOFT)
		return; /* a slow reader skips samples */
	if (!send_stats(cl, false))
		shim_client_end(cl, NULL);
}

static void stats_exited(struct shim_notify *n)
{
	shim_client_end(n->data, NULL);
}

void shim_stream_stats(struct shim_client *cl, struct shim_request *req)
{
	struct mr_error *err = NULL;
	struct shim_proc *init = shim_container_init(cl->srv->c);

	if (!send_stats(cl, true) || req->interval_ms == 0)
		return;
	if (shim_container_over(cl->srv->c)) {
		shim_client_end(cl, NULL);
		return;
	}
	if (shim_timer_start(cl->srv->loop, &cl->timer, req->interval_ms, req->interval_ms, stats_tick, cl, &err) <
	    0) {
		shim_client_end(cl, NULL);
		mr_error_free(err);
		return;
	}
	cl->state = CL_STATS;
	shim_proc_on_exit(init, &cl->exit_n, stats_exited, cl);
}
