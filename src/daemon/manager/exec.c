/* exec instances: created from the request, started through the shim's
 * exec (its output framed as attach's, the client's bytes to its stdin),
 * their exit code learnt with the shim's wait on the exec id before the
 * client's connection closes (docker exec reads it right after). Kept in
 * memory, as dockerd keeps them: a container's finished ones beyond the
 * last MAX_DONE are dropped. */
#include "manager/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "util/jsonw.h"
#include "manager/bridge.h"
#include "loop.h"
#include "manager/internal.h"
#include "oci/spec.h"
#include "oci/user.h"
#include "shim/client.h"
#include "util/cleanup.h"

#define MAX_DONE 64

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void exec_free(struct mrd_exec *x)
{
	strv_free(x->argv, x->argc);
	strv_free(x->env, x->nenv);
	free(x->user);
	free(x->workdir);
	free(x->detach_keys);
	free(x);
}

static void unref(struct mrd_exec *x)
{
	if (--x->refs == 0)
		exec_free(x);
}

/* Out of the daemon's and the container's lists (its memory goes with its
 * last reference). */
static void unlink_exec(struct mrd_exec *x)
{
	struct mrd_ctrs *cs = x->c ? x->c->d->ctrs : NULL;

	if (cs == NULL)
		return;
	for (struct mrd_exec **p = &cs->execs; *p; p = &(*p)->next)
		if (*p == x) {
			*p = x->next;
			break;
		}
	if (x->c->rt != NULL)
		for (struct mrd_exec **p = &x->c->rt->execs; *p; p = &(*p)->next_ctr)
			if (*p == x) {
				*p = x->next_ctr;
				break;
			}
	x->c = NULL;
	unref(x);
}

static int strv_of(const struct mr_json *v, const char *field, char ***out, size_t *n, struct mr_error **err)
{
	*out = NULL;
	*n = 0;
	if (v == NULL || v->kind == MR_JSON_NULL)
		return 0;
	if (v->kind != MR_JSON_ARRAY)
		return mr_error_set(err, EINVAL, "%s: expected an array of strings", field);
	*out = calloc(v->len + 1, sizeof(char *));
	for (size_t i = 0; *out && i < v->len; i++) {
		if (v->items[i]->kind != MR_JSON_STRING)
			return mr_error_set(err, EINVAL, "%s[%zu]: expected a string", field, i);
		(*out)[(*n)++] = strdup(v->items[i]->text);
	}
	return *out ? 0 : mr_error_set(err, ENOMEM, "out of memory");
}

static int parse_body(struct mrd_exec *x, const struct mr_json *body, struct mr_error **err)
{
	static const char *const bools[] = {"AttachStdin", "AttachStdout", "AttachStderr", "Tty", "Privileged"};
	bool *slots[] = {&x->attach_in, &x->attach_out, &x->attach_err, &x->tty, &x->privileged};
	static const char *const known[] = {"AttachStdin", "AttachStdout", "AttachStderr", "Tty", "Privileged", "Cmd",
					    "Env", "User", "WorkingDir", "DetachKeys", "ConsoleSize", "Detach",
					    "Container", NULL}; /* docker-py sends the container's id, dockerd ignores it */

	if (body->kind != MR_JSON_OBJECT)
		return mr_error_set(err, EINVAL, "the request body must be a JSON object");
	for (size_t i = 0; i < body->len; i++) {
		size_t k = 0;
		while (known[k] && strcmp(known[k], body->keys[i]) != 0)
			k++;
		if (known[k] == NULL)
			return mr_error_set(err, EINVAL, "%s: unknown field", body->keys[i]);
	}
	for (size_t i = 0; i < 5; i++) {
		const struct mr_json *v = mr_json_get(body, bools[i]);
		if (v != NULL && v->kind != MR_JSON_NULL && v->kind != MR_JSON_BOOL)
			return mr_error_set(err, EINVAL, "%s: expected a boolean", bools[i]);
		*slots[i] = v != NULL && v->kind == MR_JSON_BOOL && v->boolean;
	}
	if (strv_of(mr_json_get(body, "Cmd"), "Cmd", &x->argv, &x->argc, err) < 0 ||
	    strv_of(mr_json_get(body, "Env"), "Env", &x->env, &x->nenv, err) < 0)
		return -1;
	if (x->argc == 0)
		return mr_error_set(err, EINVAL, "No exec command specified");
	const char *strs[] = {"User", "WorkingDir", "DetachKeys"};
	char **sslots[] = {&x->user, &x->workdir, &x->detach_keys};
	for (size_t i = 0; i < 3; i++) {
		const struct mr_json *v = mr_json_get(body, strs[i]);
		if (v != NULL && v->kind != MR_JSON_NULL && v->kind != MR_JSON_STRING)
			return mr_error_set(err, EINVAL, "%s: expected a string", strs[i]);
		if (v != NULL && v->kind == MR_JSON_STRING && v->len > 0)
			*sslots[i] = strdup(v->text);
	}
	const struct mr_json *cs = mr_json_get(body, "ConsoleSize");
	if (cs != NULL && cs->kind == MR_JSON_ARRAY && cs->len == 2 && cs->items[0]->kind == MR_JSON_NUMBER &&
	    cs->items[1]->kind == MR_JSON_NUMBER) {
		x->console_h = atoi(cs->items[0]->text);
		x->console_w = atoi(cs->items[1]->text);
	}
	return 0;
}

/* Forget all but the last MAX_DONE finished ones of the container. */
static void prune_done(struct mrd_ctr *c)
{
	size_t done = 0;
	for (struct mrd_exec *x = c->rt->execs, *next; x; x = next) {
		next = x->next_ctr;
		if (x->has_exit && ++done > MAX_DONE)
			unlink_exec(x);
	}
}

struct mrd_exec *mrd_exec_create(struct mrd_ctr *c, const struct mr_json *body, struct mr_error **err)
{
	struct mrd_ctr_rt *rt = mrd_ctr_rt(c);
	struct mrd_exec *x = calloc(1, sizeof(*x));
	unsigned char b[32];

	if (rt == NULL || x == NULL) {
		free(x);
		mr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	if (parse_body(x, body, err) < 0) {
		exec_free(x);
		return NULL;
	}
	if (getrandom(b, sizeof(b), 0) != sizeof(b))
		for (size_t i = 0; i < sizeof(b); i++)
			b[i] = (unsigned char)random();
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(x->id + 2 * i, 3, "%02x", b[i]);
	x->c = c;
	x->refs = 1;
	x->next = c->d->ctrs->execs;
	c->d->ctrs->execs = x;
	x->next_ctr = rt->execs;
	rt->execs = x;
	prune_done(c);
	mrd_ctr_event(c, "exec_create", NULL);
	return x;
}

struct mrd_exec *mrd_exec_find(struct mrd_daemon *d, const char *id)
{
	size_t n = strlen(id);
	struct mrd_exec *found = NULL;

	for (struct mrd_exec *x = d->ctrs->execs; x; x = x->next) {
		if (strcmp(x->id, id) == 0)
			return x;
		if (n >= 4 && strncmp(x->id, id, n) == 0) {
			if (found != NULL)
				return NULL; /* ambiguous */
			found = x;
		}
	}
	return found;
}

struct mrd_exec *mrd_exec_first_of(struct mrd_ctr *c)
{
	return c->rt ? c->rt->execs : NULL;
}

/* ---- start */

/* The OCI process of the exec: the container's env, user, cwd,
 * capabilities and no_new_privs, with the exec's own on top. */
static char *process_json(struct mrd_exec *x, struct mr_error **err)
{
	struct mrd_ctr *c = x->c;
	cleanup_free char *rootfs = mrd_ctr_exec_path(c, "rootfs");
	cleanup_close int root_fd = -1;
	struct mrd_user user;
	struct mrd_ctr_config tmp = *c->cfg;
	char **caps;
	size_t ncaps;
	yajl_gen g;
	const char *buf;
	size_t len;
	char *out;

	root_fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0) {
		mr_error_sys(err, errno, "open %s", rootfs);
		return NULL;
	}
	if (mrd_user_resolve(root_fd, x->user ? x->user : c->cfg->user, c->cfg->group_add.v, c->cfg->group_add.n, &user,
			     err) < 0)
		return NULL;
	tmp.privileged = c->cfg->privileged || x->privileged;
	caps = mrd_spec_caps(&tmp, &ncaps, err);
	if (caps == NULL) {
		mrd_user_clear(&user);
		return NULL;
	}
	g = mr_jw_new();
	mr_jw_obj(g, NULL);
	mr_jw_bool(g, "terminal", x->tty);
	if (x->tty && x->console_h > 0 && x->console_w > 0) {
		mr_jw_obj(g, "consoleSize");
		mr_jw_int(g, "height", x->console_h);
		mr_jw_int(g, "width", x->console_w);
		mr_jw_obj_end(g);
	}
	mr_jw_obj(g, "user");
	mr_jw_int(g, "uid", user.uid);
	mr_jw_int(g, "gid", user.gid);
	if (user.ngids > 0) {
		mr_jw_arr(g, "additionalGids");
		for (size_t i = 0; i < user.ngids; i++)
			mr_jw_int(g, NULL, user.gids[i]);
		mr_jw_arr_end(g);
	}
	mr_jw_obj_end(g);
	mr_jw_strv(g, "args", x->argv, x->argc);
	mr_jw_arr(g, "env");
	for (size_t i = 0; i < c->cfg->env.n; i++)
		mr_jw_str(g, NULL, c->cfg->env.v[i]);
	for (size_t i = 0; i < x->nenv; i++)
		mr_jw_str(g, NULL, x->env[i]);
	if (x->tty)
		mr_jw_str(g, NULL, "TERM=xterm");
	mr_jw_arr_end(g);
	mr_jw_str(g, "cwd", x->workdir ? x->workdir : c->cfg->workdir && *c->cfg->workdir ? c->cfg->workdir : "/");
	mr_jw_obj(g, "capabilities");
	for (const char *const *k = (const char *const[]){"bounding", "effective", "permitted", NULL}; *k; k++)
		mr_jw_strv(g, *k, caps, ncaps);
	mr_jw_obj_end(g);
	mr_jw_bool(g, "noNewPrivileges", mrd_spec_no_new_privs(c->cfg));
	mr_jw_obj_end(g);
	buf = mr_jw_buf(g, &len);
	out = strndup(buf, len);
	yajl_gen_free(g);
	strv_free(caps, ncaps);
	mrd_user_clear(&user);
	return out;
}

static void exec_over(struct mrd_exec *x, int code)
{
	char c[16];
	const char *attrs[] = {"execID", x->id, "exitCode", c, NULL};

	x->running = false;
	x->has_exit = true;
	x->exit_code = code;
	x->ended_at = mrd_now_real_ns();
	snprintf(c, sizeof(c), "%d", code);
	if (x->c != NULL)
		mrd_ctr_event(x->c, "exec_die", attrs);
	if (x->b != NULL) {
		struct mrd_bridge *b = x->b;
		x->b = NULL;
		mrd_bridge_finish(b); /* the client learns the code right after */
		mrd_bridge_release(b);
	}
}

static void wait_line(struct mrd_shim_call *call, const struct mr_json *msg, void *data)
{
	struct mrd_exec *x = data;
	const struct mr_json *code = mr_json_get(msg, "exitCode");

	if (code == NULL || code->kind != MR_JSON_NUMBER || x->wait_call != call)
		return;
	x->wait_call = NULL;
	mrd_shim_hangup(call);
	exec_over(x, atoi(code->text));
}

static void wait_end(struct mrd_shim_call *call, int err, void *data)
{
	struct mrd_exec *x = data;
	if (x->wait_call == call) {
		x->wait_call = NULL;
		exec_over(x, 126); /* the shim went without a code */
	}
	unref(x);
}

/* Its output is over: the exit code, from the shim's wait on it. */
static void output_over(struct mrd_bridge *b, void *data)
{
	struct mrd_exec *x = data;
	cleanup_free char *sock = NULL, *req = NULL;
	struct mr_error *err = NULL;

	if (x->c == NULL || asprintf(&req, "{\"op\":\"wait\",\"exec\":\"%s\"}", x->id) < 0) {
		exec_over(x, 126);
		return;
	}
	sock = mrd_ctr_shim_socket(x->c);
	x->refs++;
	x->wait_call = mrd_shim_call(x->c->d->loop, sock, req, wait_line, wait_end, x, &err);
	if (x->wait_call == NULL) {
		if (err == NULL || err->errnum != EPIPE)
			x->refs--;
		mr_error_free(err);
		exec_over(x, 126);
	}
}

/* The shim's first answer: the exec's pid, or its refusal. */
static bool exec_msg(struct mrd_bridge *b, const struct mr_json *msg, void *data)
{
	struct mrd_exec *x = data;
	const struct mr_json *ok = mr_json_get(msg, "ok"), *pid = mr_json_get(msg, "pid");

	if (ok != NULL && ok->kind == MR_JSON_BOOL && !ok->boolean) {
		const struct mr_json *e = mr_json_get(msg, "error");
		const char *text = e && e->kind == MR_JSON_STRING ? e->text : "exec failed";
		char line[1024];
		/* as dockerd: the runtime's error on the client's stderr */
		int n = snprintf(line, sizeof(line), "%s\r\n", text);
		unsigned char h[8] = {2, 0, 0, 0, 0, 0, (unsigned char)(n >> 8), (unsigned char)n};
		if (!x->tty)
			mrd_bridge_write_raw(b, (const char *)h, 8);
		mrd_bridge_write_raw(b, line, (size_t)n);
		exec_over(x, strstr(text, "not found") || strstr(text, "No such file") ? 127 : 126);
		return false;
	}
	if (pid != NULL && pid->kind == MR_JSON_NUMBER)
		x->pid = atoi(pid->text);
	return true;
}

int mrd_exec_start(struct mrd_exec *x, struct mrd_conn *client, const char *extra, size_t extra_len,
		   struct mr_error **err)
{
	cleanup_free char *process = NULL, *sock = NULL, *req = NULL;
	char attrs_cmd[512];
	const char *attrs[] = {"execID", x->id, NULL};
	struct mrd_bridge_opts bo = {
		.tty = x->tty,
		.in = x->attach_in && client != NULL,
		.out = x->attach_out,
		.err = x->attach_err,
		.close_stdin_at_eof = true,
		.detach_keys = x->detach_keys,
		.on_msg = exec_msg,
		.on_shim_end = output_over,
		.delay_close = true,
		.data = x,
	};

	if (x->c == NULL || x->started)
		return mr_error_set(err, EBUSY, "exec %s cannot be started", x->id);
	process = process_json(x, err);
	if (process == NULL)
		return -1;
	if (asprintf(&req, "{\"op\":\"exec\",\"id\":\"%s\",\"stdin\":%s,\"process\":%s}", x->id,
		     bo.in ? "true" : "false", process) < 0)
		return mr_error_set(err, ENOMEM, "out of memory");
	x->b = mrd_bridge_new(client, &bo, extra, extra_len);
	if (x->b == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	x->started = x->running = true;
	snprintf(attrs_cmd, sizeof(attrs_cmd), "exec_start: %s", x->argv[0]);
	mrd_ctr_event(x->c, attrs_cmd, attrs);
	sock = mrd_ctr_shim_socket(x->c);
	mrd_bridge_connect(x->b, x->c->d->loop, sock, req);
	return 0;
}

void mrd_exec_resize(struct mrd_exec *x, int rows, int cols, mrd_done_fn done, void *data)
{
	char req[160];

	if (x->c == NULL) {
		mrd_done_error(done, data, ENOENT, "the container of exec %s is gone", x->id);
		return;
	}
	snprintf(req, sizeof(req), "{\"op\":\"resize\",\"exec\":\"%s\",\"rows\":%d,\"cols\":%d}", x->id, rows, cols);
	mrd_ctr_shim_do(x->c, req, done, data);
}

void mrd_exec_container_exited(struct mrd_ctr *c)
{
	for (struct mrd_exec *x = c->rt ? c->rt->execs : NULL; x; x = x->next_ctr)
		if (x->running && x->wait_call == NULL && x->b == NULL)
			exec_over(x, 137);
}

void mrd_exec_forget_all(struct mrd_ctr *c)
{
	while (c->rt != NULL && c->rt->execs != NULL) {
		struct mrd_exec *x = c->rt->execs;
		if (x->wait_call != NULL) {
			struct mrd_shim_call *w = x->wait_call;
			x->wait_call = NULL;
			mrd_shim_hangup(w);
		}
		if (x->b != NULL) {
			mrd_bridge_end(x->b);
			mrd_bridge_release(x->b);
			x->b = NULL;
		}
		unlink_exec(x);
	}
}
