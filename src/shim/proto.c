#include "shim/proto.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/signals.h"
#include "util/text.h"

struct op_def {
	const char *name;
	enum shim_op op;
	const char *fields[6];   /* NULL-terminated */
	const char *required[3]; /* NULL-terminated */
};

static const struct op_def ops[] = {
	{ "state", SHIM_OP_STATE, { NULL }, { NULL } },
	{ "start", SHIM_OP_START, { NULL }, { NULL } },
	{ "wait", SHIM_OP_WAIT, { "exec", NULL }, { NULL } },
	{ "kill", SHIM_OP_KILL, { "signal", "all", "exec", NULL }, { NULL } },
	{ "logs", SHIM_OP_LOGS, { "tail", "since", "follow", "stdout", "stderr", NULL }, { NULL } },
	{ "attach", SHIM_OP_ATTACH, { "stdin", "stdout", "stderr", NULL }, { NULL } },
	{ "resize", SHIM_OP_RESIZE, { "rows", "cols", "exec", NULL }, { "rows", "cols", NULL } },
	{ "exec", SHIM_OP_EXEC, { "id", "process", "stdin", NULL }, { "process", NULL } },
	{ "stats", SHIM_OP_STATS, { "interval", NULL }, { NULL } },
	{ "pause", SHIM_OP_PAUSE, { NULL }, { NULL } },
	{ "resume", SHIM_OP_RESUME, { NULL }, { NULL } },
	{ "update", SHIM_OP_UPDATE, { "resources", NULL }, { "resources", NULL } },
	{ "delete", SHIM_OP_DELETE, { "force", NULL }, { NULL } },
	{ "ps", SHIM_OP_PS, { NULL }, { NULL } },
	{ "stdin", SHIM_OP_STDIN, { "data", "data64", "eof", NULL }, { NULL } },
	{ "detach", SHIM_OP_DETACH, { NULL }, { NULL } },
};
#define NOPS (sizeof(ops) / sizeof(ops[0]))

const char *shim_op_names(void)
{
	return "state, start, wait, kill, logs, attach, resize, exec, stats, pause, resume, update, delete, ps, "
	       "stdin, detach";
}

typedef int (*field_fn)(struct shim_request *r, const struct mr_json *v, char *why, size_t size);

static int expect(const struct mr_json *v, enum mr_json_kind kind, const char *what, char *why, size_t size)
{
	char got[64];

	if (v->kind == kind)
		return 0;
	mr_json_describe(v, got, sizeof(got));
	snprintf(why, size, "expected %s, got %s", what, got);
	return -1;
}

/* An integer in [min, max] (no fraction, no exponent). */
static int integer(const struct mr_json *v, long long min, long long max, long long *out, char *why, size_t size)
{
	char *end;

	if (expect(v, MR_JSON_NUMBER, "an integer", why, size) < 0)
		return -1;
	errno = 0;
	*out = strtoll(v->text, &end, 10);
	if (*end != '\0' || errno == ERANGE || *out < min || *out > max) {
		snprintf(why, size, "expected an integer from %lld to %lld, got %.40s", min, max, v->text);
		return -1;
	}
	return 0;
}

static int boolean(const struct mr_json *v, bool *out, char *why, size_t size)
{
	if (expect(v, MR_JSON_BOOL, "a boolean", why, size) < 0)
		return -1;
	*out = v->boolean;
	return 0;
}

static int f_exec(struct shim_request *r, const struct mr_json *v, char *why, size_t size)
{
	if (v->kind == MR_JSON_NULL) {
		r->exec_id = NULL;
		return 0;
	}
	if (expect(v, MR_JSON_STRING, "a string (an exec id)", why, size) < 0)
		return -1;
	r->exec_id = v->text;
	return 0;
}

static int f_signal(struct shim_request *r, const struct mr_json *v, char *why, size_t size)
{
	struct mr_error *err = NULL;
	long long n;

	if (v->kind == MR_JSON_NUMBER) {
		if (integer(v, 1, SIGRTMAX, &n, why, size) < 0)
			return -1;
		r->signal = (int)n;
		return 0;
	}
	if (expect(v, MR_JSON_STRING, "a signal name or number", why, size) < 0)
		return -1;
	r->signal = mr_signal_parse(v->text, &err);
	if (r->signal < 0) {
		snprintf(why, size, "%s", err && err->msg ? err->msg : "not a signal");
		mr_error_free(err);
		return -1;
	}
	return 0;
}

static int f_all(struct shim_request *r, const struct mr_json *v, char *why, size_t size)
{
	return boolean(v, &r->all, why, size);
}

static int f_force(struct shim_request *r, const struct mr_json *v, char *why, size_t size)
{
	return boolean(v, &r->force, why, size);
}

static int f_follow(struct shim_request *r, const struct mr_json *v, char *why, size_t size)
{
	return boolean(v, &r->follow, why, size);
}

static int f_stdin(struct shim_request *r, const struct mr_json *v, char *why, size_t size)
{
	return boolean(v, &r->want_stdin, why, size);
}

static int f_stdout(struct shim_request *r, const struct mr_json *v, char *why, size_t size)
{
	return boolean(v, &r->want_stdout, why, size);
}

static int f_stderr(struct shim_request *r, const struct mr_json *v, char *why, size_t size)
{
	return boolean(v, &r->want_stderr, why, size);
}

static int f_eof(struct shim_request *r, const struct mr_json *v, char *why, size_t size)
{
	return boolean(v, &r->eof, why, size);
}

static int f_tail(struct shim_request *r, const struct mr_json *v, char *why, size_t size)
{
	long long n;

	if (integer(v, -1, LONG_MAX, &n, why, size) < 0)
		return -1;
	r->tail = (long)n;
	return 0;
}

static int f_since(struct shim_request *r, const struct mr_json *v, char *why, size_t size)
{
	if (expect(v, MR_JSON_STRING, "an RFC 3339 time", why, size) < 0)
		return -1;
	if (mr_time_parse(v->text, v->len, &r->since) < 0) {
		snprintf(why, size, "\"%.40s\" is not an RFC 3339 time like 2024-05-01T12:00:00Z", v->text);
		return -1;
	}
	return 0;
}

static int f_rows(struct shim_request *r, const struct mr_json *v, char *why, size_t size)
{
	long long n;

	if (integer(v, 0, 65535, &n, why, size) < 0)
		return -1;
	r->rows = (unsigned)n;
	return 0;
}

static int f_cols(struct shim_request *r, const struct mr_json *v, char *why, size_t size)
{
	long long n;

	if (integer(v, 0, 65535, &n, why, size) < 0)
		return -1;
	r->cols = (unsigned)n;
	return 0;
}

static int f_process(struct shim_request *r, const struct mr_json *v, char *why, size_t size)
{
	if (expect(v, MR_JSON_OBJECT, "an object (an OCI process)", why, size) < 0)
		return -1;
	r->process = v;
	return 0;
}

static int f_resources(struct shim_request *r, const struct mr_json *v, char *why, size_t size)
{
	if (expect(v, MR_JSON_OBJECT, "an object (OCI linux.resources)", why, size) < 0)
		return -1;
	r->resources = v;
	return 0;
}

static int f_interval(struct shim_request *r, const struct mr_json *v, char *why, size_t size)
{
	long long n;

	if (integer(v, 0, SHIM_STATS_INTERVAL_MAX, &n, why, size) < 0)
		return -1;
	if (n > 0 && n < SHIM_STATS_INTERVAL_MIN) {
		snprintf(why, size, "at least %d ms (0: one answer)", SHIM_STATS_INTERVAL_MIN);
		return -1;
	}
	r->interval_ms = (unsigned)n;
	return 0;
}

static int f_data(struct shim_request *r, const struct mr_json *v, char *why, size_t size)
{
	if (expect(v, MR_JSON_STRING, "a string", why, size) < 0)
		return -1;
	free(r->data);
	r->data = malloc(v->len + 1);
	if (r->data == NULL) {
		snprintf(why, size, "out of memory");
		return -1;
	}
	memcpy(r->data, v->text, v->len);
	r->len = v->len;
	return 0;
}

static int f_data64(struct shim_request *r, const struct mr_json *v, char *why, size_t size)
{
	ssize_t n;

	if (expect(v, MR_JSON_STRING, "a base64 string", why, size) < 0)
		return -1;
	free(r->data);
	r->data = malloc(v->len / 4 * 3 + 1);
	n = r->data ? mr_base64_decode(v->text, v->len, r->data) : -1;
	if (n < 0) {
		snprintf(why, size, r->data ? "not base64 (RFC 4648, padded)" : "out of memory");
		return -1;
	}
	r->len = (size_t)n;
	return 0;
}

static const struct {
	const char *name;
	field_fn fn;
} fields[] = {
	{ "exec", f_exec },     { "id", f_exec },	  { "signal", f_signal }, { "all", f_all },
	{ "force", f_force },   { "follow", f_follow },   { "stdin", f_stdin },	  { "stdout", f_stdout },
	{ "stderr", f_stderr }, { "eof", f_eof },	  { "tail", f_tail },	  { "since", f_since },
	{ "rows", f_rows },     { "cols", f_cols },	  { "process", f_process }, { "resources", f_resources },
	{ "interval", f_interval }, { "data", f_data }, { "data64", f_data64 },
};

static field_fn field_of(const struct op_def *d, const char *key)
{
	for (size_t i = 0; d->fields[i]; i++) {
		if (strcmp(d->fields[i], key) != 0)
			continue;
		for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++)
			if (strcmp(fields[k].name, key) == 0)
				return fields[k].fn;
	}
	return NULL;
}

static void field_list(const struct op_def *d, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; d->fields[i] && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", d->fields[i]);
}

static const struct op_def *op_of(const struct mr_json *doc, struct mr_error **err)
{
	const struct mr_json *op = mr_json_get(doc, "op");
	char got[64];

	if (op == NULL)
		return mr_error_set(err, EINVAL, "request: no \"op\" (ops: %s)", shim_op_names()), NULL;
	if (op->kind != MR_JSON_STRING) {
		mr_json_describe(op, got, sizeof(got));
		return mr_error_set(err, EINVAL, "request: op: expected a string, got %s", got), NULL;
	}
	for (size_t i = 0; i < NOPS; i++)
		if (strcmp(ops[i].name, op->text) == 0)
			return &ops[i];
	mr_error_set(err, EINVAL, "unknown op \"%.64s\" (ops: %s)", op->text, shim_op_names());
	return NULL;
}

static int check_fields(const struct op_def *d, struct shim_request *r, struct mr_error **err)
{
	char why[256], list[128];

	for (size_t i = 0; i < r->doc->len; i++) {
		const char *key = r->doc->keys[i];
		field_fn fn;
		if (strcmp(key, "op") == 0)
			continue;
		fn = field_of(d, key);
		if (fn == NULL) {
			field_list(d, list, sizeof(list));
			return mr_error_set(err, EINVAL, "%s: unknown field \"%.64s\" (%s%s)", d->name, key,
					    *list ? "fields: " : "it takes none", list);
		}
		if (fn(r, r->doc->items[i], why, sizeof(why)) < 0)
			return mr_error_set(err, EINVAL, "%s: %s: %s", d->name, key, why);
	}
	for (size_t i = 0; d->required[i]; i++)
		if (mr_json_get(r->doc, d->required[i]) == NULL)
			return mr_error_set(err, EINVAL, "%s: \"%s\" is missing", d->name, d->required[i]);
	if (r->op == SHIM_OP_STDIN && r->data == NULL && !r->eof)
		return mr_error_set(err, EINVAL, "stdin: \"data\", \"data64\" or \"eof\": true is missing");
	return 0;
}

int shim_request_parse(const char *line, size_t len, struct shim_request *req, struct mr_error **err)
{
	const struct op_def *d;
	char got[64];

	memset(req, 0, sizeof(*req));
	req->doc = mr_json_parse(line, len, err);
	if (req->doc == NULL)
		return mr_error_prefix(err, "request");
	if (req->doc->kind != MR_JSON_OBJECT) {
		mr_json_describe(req->doc, got, sizeof(got));
		mr_error_set(err, EINVAL, "request: expected a JSON object, got %s", got);
		goto fail;
	}
	if ((d = op_of(req->doc, err)) == NULL)
		goto fail;
	req->op = d->op;
	req->op_name = d->name;
	req->signal = SIGTERM;
	req->tail = -1;
	req->want_stdout = req->want_stderr = true;
	if (check_fields(d, req, err) < 0)
		goto fail;
	return 0;
fail:
	shim_request_clear(req);
	return -1;
}

void shim_request_clear(struct shim_request *req)
{
	mr_json_free(req->doc);
	free(req->data);
	memset(req, 0, sizeof(*req));
}
