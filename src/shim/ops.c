/* The requests of the control protocol: each to its container call, and
 * the answer back to the client that asked. */
#include "shim/server-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonw.h"

struct shim_pending *shim_pending_new(struct shim_client *cl, enum shim_op op)
{
	struct shim_pending *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->client = cl;
	p->srv = cl->srv;
	p->op = op;
	cl->pending = p;
	cl->state = CL_BUSY;
	return p;
}

void shim_pending_end(struct shim_pending *p)
{
	struct shim_client *cl = p->client;

	if (cl) {
		cl->pending = NULL;
		if (cl->state == CL_BUSY)
			shim_client_idle(cl);
	}
	free(p);
}

/* {"ok": true, KEY: <json text>} */
static void send_ok_raw(struct shim_client *cl, const char *key, const char *json)
{
	char *line = NULL;
	int n = asprintf(&line, "{\"ok\":true,\"%s\":%s}", key, json);

	if (n < 0) {
		shim_client_error(cl, "out of memory");
		return;
	}
	shim_client_send(cl, line, (size_t)n);
	free(line);
}

/* ---- answered at once */

static void op_state(struct shim_client *cl)
{
	char *json = shim_container_state_json(cl->srv->c, NULL);

	if (json == NULL) {
		shim_client_error(cl, "out of memory");
		return;
	}
	send_ok_raw(cl, "state", json);
	free(json);
}

static void op_ps(struct shim_client *cl)
{
	struct mr_error *err = NULL;
	char *json = shim_container_pids(cl->srv->c, &err);

	if (json == NULL) {
		shim_client_error(cl, err ? err->msg : "out of memory");
		mr_error_free(err);
		return;
	}
	send_ok_raw(cl, "pids", json);
	free(json);
}

static void op_resize(struct shim_client *cl, const struct shim_request *req)
{
	struct shim_proc *p = shim_container_proc(cl->srv->c, req->exec_id);
	struct mr_error *err = NULL;
	char msg[256];

	if (p == NULL) {
		snprintf(msg, sizeof(msg), "resize: no exec process %s", req->exec_id);
		shim_client_error(cl, msg);
		return;
	}
	if (p->status == SHIM_PROC_EXITED) {
		shim_client_error(cl, "resize: the process has exited");
		return;
	}
	if (shim_proc_resize(p, req->rows, req->cols, &err) < 0) {
		snprintf(msg, sizeof(msg), "resize: %s", err->msg);
		shim_client_error(cl, msg);
		mr_error_free(err);
		return;
	}
	shim_client_ok(cl);
}

/* ---- answered by a runtime call */

static void answered(void *data, const char *error)
{
	struct shim_pending *p = data;
	struct shim_client *cl = p->client;
	struct shim_container *c;

	if (cl == NULL) {
		free(p);
		return;
	}
	c = cl->srv->c;
	if (error) {
		shim_client_error(cl, error);
	} else if (p->op == SHIM_OP_START) {
		yajl_gen g = mr_jw_new();
		mr_jw_obj(g, NULL);
		mr_jw_bool(g, "ok", true);
		mr_jw_int(g, "pid", shim_container_init(c)->pid);
		mr_jw_obj_end(g);
		shim_client_send_gen(cl, g);
	} else {
		shim_client_ok(cl);
	}
	shim_pending_end(p);
}

/* A delete's answer, then the shim goes (the server quits, its owner exits). */
static void deleted(void *data, const char *error)
{
	struct shim_pending *p = data;
	struct shim_server *s = p->srv;

	answered(data, error);
	if (error == NULL)
		shim_server_quit(s);
}

static void async_op(struct shim_client *cl, const struct shim_request *req)
{
	struct shim_container *c = cl->srv->c;
	struct shim_pending *p = shim_pending_new(cl, req->op);

	if (p == NULL) {
		shim_client_error(cl, "out of memory");
		return;
	}
	switch (req->op) {
	case SHIM_OP_START:
		shim_container_start(c, answered, p);
		break;
	case SHIM_OP_KILL:
		shim_container_kill(c, req->exec_id, req->signal, req->all, answered, p);
		break;
	case SHIM_OP_PAUSE:
		shim_container_pause(c, answered, p);
		break;
	case SHIM_OP_RESUME:
		shim_container_resume(c, answered, p);
		break;
	case SHIM_OP_UPDATE:
		shim_container_update(c, req->resources, answered, p);
		break;
	case SHIM_OP_DELETE:
		shim_container_delete(c, req->force, deleted, p);
		break;
	default:
		answered(p, "internal error: not an async op");
		break;
	}
}

void shim_ops_dispatch(struct shim_client *cl, struct shim_request *req)
{
	if (cl->srv->quitting && req->op != SHIM_OP_STATE) {
		shim_client_error(cl, "the shim is exiting: the container was deleted");
		return;
	}
	switch (req->op) {
	case SHIM_OP_STATE:
		op_state(cl);
		break;
	case SHIM_OP_PS:
		op_ps(cl);
		break;
	case SHIM_OP_RESIZE:
		op_resize(cl, req);
		break;
	case SHIM_OP_WAIT:
		shim_stream_wait(cl, req);
		break;
	case SHIM_OP_ATTACH:
		shim_stream_attach(cl, req);
		break;
	case SHIM_OP_EXEC:
		shim_stream_exec(cl, req);
		break;
	case SHIM_OP_STATS:
		shim_stream_stats(cl, req);
		break;
	case SHIM_OP_LOGS:
		shim_logs_start(cl, req);
		break;
	case SHIM_OP_STDIN:
	case SHIM_OP_DETACH:
		shim_client_error(cl, "stdin and detach belong on an attach or exec stream");
		break;
	default:
		async_op(cl, req);
		break;
	}
}
