/* /containers/{id}/exec and /exec/{id}/...: create, start, inspect, resize. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/containers.h"
#include "util/jsonw.h"
#include "manager/exec.h"
#include "util/cleanup.h"

void mrd_api_ctr_exec_ids(yajl_gen g, const struct mrd_ctr *c)
{
	struct mrd_exec *x = mrd_exec_first_of((struct mrd_ctr *)c);

	if (x == NULL) {
		mr_jw_null(g, "ExecIDs");
		return;
	}
	mr_jw_arr(g, "ExecIDs");
	for (; x; x = x->next_ctr)
		mr_jw_str(g, NULL, x->id);
	mr_jw_arr_end(g);
}

static struct mrd_exec *find_exec(struct mrd_req *req)
{
	struct mrd_exec *x = mrd_exec_find(mrd_req_app(req), mrd_req_param(req, "id"));
	if (x == NULL)
		mrd_reply_error(req, 404, "No such exec instance: %s", mrd_req_param(req, "id"));
	return x;
}

static void create(struct mrd_req *req)
{
	struct mrd_ctr *c = mrd_api_find_ctr(req);
	cleanup_error struct mr_error *err = NULL;
	struct mr_json *body;
	struct mrd_exec *x;
	yajl_gen g;

	if (c == NULL)
		return;
	if (c->status == MRD_PAUSED) {
		mrd_reply_error(req, 409, "Container %s is paused, unpause the container before exec", c->id);
		return;
	}
	if (c->status != MRD_RUNNING) {
		mrd_reply_error(req, 409, "Container %s is not running", c->id);
		return;
	}
	if ((body = mrd_api_body(req, false)) == NULL)
		return;
	x = mrd_exec_create(c, body, &err);
	mr_json_free(body);
	if (x == NULL) {
		mrd_api_reply_err(req, err);
		return;
	}
	g = mr_jw_new();
	mr_jw_obj(g, NULL);
	mr_jw_str(g, "Id", x->id);
	mr_jw_obj_end(g);
	mrd_api_reply_gen(req, 201, g);
}

struct starting {
	struct mrd_daemon *d;
	char id[65];
};

static void start_upgraded(struct mrd_conn *conn, const char *extra, size_t extra_len, void *data)
{
	struct starting *s = data;
	struct mrd_exec *x = mrd_exec_find(s->d, s->id);
	cleanup_error struct mr_error *err = NULL;

	if (x == NULL || mrd_exec_start(x, conn, extra, extra_len, &err) < 0)
		mrd_conn_close(conn);
	free(s);
}

static void start_aborted(struct mrd_req *req, void *data)
{
	free(data);
}

static void start(struct mrd_req *req)
{
	struct mrd_exec *x = find_exec(req);
	cleanup_error struct mr_error *err = NULL;
	const struct mr_json *detach;
	struct mr_json *body;
	struct starting *s;

	if (x == NULL || (body = mrd_api_body(req, true)) == NULL)
		return;
	detach = mr_json_get(body, "Detach");
	bool detached = detach != NULL && detach->kind == MR_JSON_BOOL && detach->boolean;
	mr_json_free(body);
	if (x->started) {
		mrd_reply_error(req, 409, "Exec %s has already run", x->id);
		return;
	}
	if (x->c == NULL || x->c->status != MRD_RUNNING) {
		mrd_reply_error(req, 409, "Container %s is not running", x->c ? x->c->id : "(removed)");
		return;
	}
	if (detached) {
		if (mrd_exec_start(x, NULL, NULL, 0, &err) < 0)
			mrd_api_reply_err(req, err);
		else
			mrd_reply_empty(req, 200);
		return;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		mrd_reply_error(req, 500, "out of memory");
		return;
	}
	s->d = mrd_req_app(req);
	snprintf(s->id, sizeof(s->id), "%s", x->id);
	mrd_req_on_abort(req, start_aborted, s);
	/* API 1.41 says raw-stream with and without a tty (1.42 brought
	 * multiplexed-stream); the stream is multiplexed when there is none */
	mrd_reply_hijack(req, (const char *const[]){"Content-Type", "application/vnd.docker.raw-stream", NULL},
			 start_upgraded, s);
}

static void inspect(struct mrd_req *req)
{
	struct mrd_exec *x = find_exec(req);
	yajl_gen g;

	if (x == NULL)
		return;
	g = mr_jw_new();
	mr_jw_obj(g, NULL);
	mr_jw_bool(g, "CanRemove", false);
	mr_jw_str(g, "ContainerID", x->c ? x->c->id : "");
	mr_jw_str(g, "DetachKeys", x->detach_keys ? x->detach_keys : "");
	if (x->has_exit)
		mr_jw_int(g, "ExitCode", x->exit_code);
	else
		mr_jw_null(g, "ExitCode");
	mr_jw_str(g, "ID", x->id);
	mr_jw_bool(g, "OpenStderr", x->attach_err);
	mr_jw_bool(g, "OpenStdin", x->attach_in);
	mr_jw_bool(g, "OpenStdout", x->attach_out);
	mr_jw_obj(g, "ProcessConfig");
	mr_jw_strv(g, "arguments", x->argc > 1 ? x->argv + 1 : (char *[]){NULL}, x->argc > 1 ? x->argc - 1 : 0);
	mr_jw_str(g, "entrypoint", x->argc > 0 ? x->argv[0] : "");
	mr_jw_bool(g, "privileged", x->privileged);
	mr_jw_bool(g, "tty", x->tty);
	mr_jw_str(g, "user", x->user ? x->user : "");
	mr_jw_obj_end(g);
	mr_jw_bool(g, "Running", x->running);
	mr_jw_int(g, "Pid", x->pid);
	mr_jw_obj_end(g);
	mrd_api_reply_gen(req, 200, g);
}

static void resized(void *data, const struct mr_error *err)
{
	struct mrd_req *req = data;
	if (err != NULL)
		mrd_api_reply_err(req, err);
	else
		mrd_reply_empty(req, 200);
}

static void resize(struct mrd_req *req)
{
	struct mrd_exec *x = find_exec(req);
	int64_t h, w;

	if (x == NULL || mrd_query_int(req, "h", 0, &h) < 0 || mrd_query_int(req, "w", 0, &w) < 0)
		return;
	if (h < 0 || w < 0 || h > 65535 || w > 65535) {
		mrd_reply_error(req, 400, "h and w must be 0 to 65535");
		return;
	}
	if (!x->running) {
		mrd_reply_error(req, 409, "Exec %s is not running", x->id);
		return;
	}
	mrd_exec_resize(x, (int)h, (int)w, resized, req);
}

static const struct mrd_route routes[] = {
	{"POST", "/containers/{id}/exec", MRD_BODY_JSON, create},
	{"POST", "/exec/{id}/start", MRD_BODY_JSON, start},
	{"POST", "/exec/{id}/resize", MRD_BODY_NONE, resize},
	{"GET", "/exec/{id}/json", MRD_BODY_NONE, inspect},
	{NULL, NULL, 0, NULL},
};

const struct mrd_route_table mrd_api_exec = {routes};
