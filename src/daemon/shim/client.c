#include "shim/client.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conn.h"
#include "times.h"
#include "util/jsonw.h"
#include "state.h"
#include "util/cleanup.h"

#define OUTPUT_MAX 8192
#define LINE_MAX_BYTES (4u << 20)

extern char **environ;

/* ---- spawn */

struct spawned {
	pid_t pid;
	int pidfd, out;
	struct mrd_watch *pid_watch, *out_watch;
	char buf[OUTPUT_MAX + 1];
	size_t len;
	mrd_spawn_fn fn;
	void *data;
	bool exited, out_done;
	int status;
};

/* The program has exited: what it wrote is in the pipe (a detached
 * grandchild that kept the pipe open is not waited for). */
static void spawned_finish(struct spawned *s)
{
	char tmp[4096];
	ssize_t n;

	if (!s->exited)
		return;
	while (!s->out_done && (n = read(s->out, tmp, sizeof(tmp))) > 0) {
		size_t k = (size_t)n < OUTPUT_MAX - s->len ? (size_t)n : OUTPUT_MAX - s->len;
		memcpy(s->buf + s->len, tmp, k);
		s->len += k;
	}
	if (!s->out_done) {
		mrd_watch_del(s->out_watch);
		close(s->out);
	}
	s->buf[s->len] = '\0';
	s->fn(s->data, s->status, s->buf);
	free(s);
}

static void on_output(struct mrd_watch *w, uint32_t events, void *data)
{
	struct spawned *s = data;
	char tmp[4096];
	ssize_t n = read(s->out, tmp, sizeof(tmp));

	if (n > 0) {
		size_t k = (size_t)n < OUTPUT_MAX - s->len ? (size_t)n : OUTPUT_MAX - s->len;
		memcpy(s->buf + s->len, tmp, k);
		s->len += k;
		return;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	mrd_watch_del(s->out_watch);
	close(s->out);
	s->out_done = true;
}

static void on_child_exit(struct mrd_watch *w, uint32_t events, void *data)
{
	struct spawned *s = data;
	siginfo_t si = {0};

	if (waitid(P_PIDFD, (id_t)s->pidfd, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0)
		return;
	s->status = si.si_code == CLD_EXITED ? (si.si_status & 0xff) << 8 : si.si_status & 0x7f;
	mrd_watch_del(s->pid_watch);
	close(s->pidfd);
	s->exited = true;
	spawned_finish(s);
}

int mrd_spawn(struct mrd_loop *loop, char *const *argv, mrd_spawn_fn fn, void *data, struct mr_error **err)
{
	struct spawned *s = calloc(1, sizeof(*s));
	posix_spawn_file_actions_t fa;
	int pipefd[2], r;

	if (s == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) < 0) {
		free(s);
		return mr_error_sys(err, errno, "pipe");
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	/* nothing of ours, nor what our parent left open, goes on to the
	 * shims (they live on, and would hold a pipe of whoever started us) */
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawnattr_t attr;
	sigset_t none, pipe;
	sigemptyset(&none);
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &pipe); /* we ignore it; they must not */
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	r = posix_spawn(&s->pid, argv[0], &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (r != 0) {
		close(pipefd[0]);
		free(s);
		return mr_error_sys(err, r, "run %s", argv[0]);
	}
	s->out = pipefd[0];
	s->fn = fn;
	s->data = data;
	s->pidfd = (int)syscall(SYS_pidfd_open, s->pid, 0);
	if (s->pidfd < 0) {
		int e = errno;
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
		close(s->out);
		free(s);
		return mr_error_sys(err, e, "pidfd_open");
	}
	s->pid_watch = mrd_watch_add(loop, s->pidfd, EPOLLIN, on_child_exit, s);
	s->out_watch = mrd_watch_add(loop, s->out, EPOLLIN, on_output, s);
	return 0;
}

/* ---- calls */

struct mrd_shim_call {
	struct mrd_conn *conn;
	mrd_shim_line_fn on_line;
	mrd_shim_end_fn on_end;
	void *data;
	char *line;
	size_t len, cap;
	bool hung_up;
};

static void call_data(struct mrd_conn *c, const char *buf, size_t n, void *ud)
{
	struct mrd_shim_call *call = ud;

	for (size_t i = 0; i < n && !call->hung_up; i++) {
		if (buf[i] != '\n') {
			if (call->len + 1 >= call->cap) {
				size_t cap = call->cap ? call->cap * 2 : 4096;
				char *p = cap <= LINE_MAX_BYTES ? realloc(call->line, cap) : NULL;
				if (p == NULL) {
					mrd_conn_abort(c);
					return;
				}
				call->line = p;
				call->cap = cap;
			}
			call->line[call->len++] = buf[i];
			continue;
		}
		struct mr_json *msg = mr_json_parse(call->line ? call->line : "", call->len, NULL);
		call->len = 0;
		call->on_line(call, msg, call->data);
		mr_json_free(msg);
	}
}

static void call_closed(struct mrd_conn *c, int err, void *ud)
{
	struct mrd_shim_call *call = ud;
	call->on_end(call, err, call->data);
	free(call->line);
	free(call);
}

static const struct mrd_conn_ops call_ops = {.data = call_data, .closed = call_closed};

struct mrd_shim_call *mrd_shim_call(struct mrd_loop *loop, const char *socket, const char *request,
				    mrd_shim_line_fn on_line, mrd_shim_end_fn on_end, void *data, struct mr_error **err)
{
	struct mrd_shim_call *call = calloc(1, sizeof(*call));
	int fd;

	if (call == NULL) {
		mr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	fd = mrd_connect_unix(socket);
	if (fd < 0) {
		mr_error_sys(err, errno, "connect to the shim at %s", socket);
		free(call);
		return NULL;
	}
	*call = (struct mrd_shim_call){.on_line = on_line, .on_end = on_end, .data = data};
	call->conn = mrd_conn_new(loop, fd, &call_ops, call, 8u << 20);
	if (call->conn == NULL) {
		close(fd);
		free(call);
		mr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	if (mrd_shim_send(call, request, strlen(request)) < 0) {
		/* the closed callback follows */
		mr_error_set(err, EPIPE, "send to the shim at %s", socket);
		return NULL;
	}
	return call;
}

int mrd_shim_send(struct mrd_shim_call *call, const char *line, size_t len)
{
	if (mrd_conn_write(call->conn, line, len) < 0 || mrd_conn_write(call->conn, "\n", 1) < 0)
		return -1;
	return 0;
}

void mrd_shim_send_eof(struct mrd_shim_call *call)
{
	mrd_conn_shutdown_write(call->conn);
}

void mrd_shim_hangup(struct mrd_shim_call *call)
{
	call->hung_up = true;
	mrd_conn_abort(call->conn);
}

/* ---- state.json */

static int64_t num(const struct mr_json *o, const char *key, int64_t def)
{
	const struct mr_json *v = mr_json_get(o, key);
	return v != NULL && v->kind == MR_JSON_NUMBER ? strtoll(v->text, NULL, 10) : def;
}

static int64_t time_of(const struct mr_json *o, const char *key)
{
	const struct mr_json *v = mr_json_get(o, key);
	return v != NULL && v->kind == MR_JSON_STRING ? mrd_parse_time(v->text) : 0;
}

int mrd_shim_read_state(const char *state_dir, struct mrd_shim_state *st, struct mr_error **err)
{
	cleanup_free char *path = NULL;
	struct mr_json *j;
	const struct mr_json *v;

	memset(st, 0, sizeof(*st));
	if (asprintf(&path, "%s/state.json", state_dir) < 0)
		return mr_error_set(err, ENOMEM, "out of memory");
	j = mr_json_parse_file(path, err);
	if (j == NULL)
		return -1;
	st->pid = num(j, "pid", 0);
	st->shim_pid = num(j, "shimPid", 0);
	v = mr_json_get(j, "status");
	snprintf(st->status, sizeof(st->status), "%s", v && v->kind == MR_JSON_STRING ? v->text : "unknown");
	v = mr_json_get(j, "exitCode");
	st->has_exit = v != NULL && v->kind == MR_JSON_NUMBER;
	st->exit_code = (int)num(j, "exitCode", -1);
	st->started_at = time_of(j, "startedAt");
	st->exited_at = time_of(j, "exitedAt");
	v = mr_json_get(j, "oomKilled");
	st->oom_killed = v != NULL && v->kind == MR_JSON_BOOL && v->boolean;
	/* the shim itself, not another process that got its pid since */
	v = mr_json_get(j, "shimStartTime");
	if (v != NULL && v->kind == MR_JSON_NUMBER)
		st->shim_alive = st->shim_pid > 0 && mr_proc_is((pid_t)st->shim_pid, strtoull(v->text, NULL, 10));
	else
		st->shim_alive = st->shim_pid > 0 && kill((pid_t)st->shim_pid, 0) == 0;
	mr_json_free(j);
	return 0;
}

/* ---- stream messages */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_val(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;
	return p ? (int)(p - b64) : -1;
}

static char *b64_decode(const char *in, size_t len, size_t *out_len)
{
	char *out = malloc(len / 4 * 3 + 3);
	size_t o = 0;
	unsigned acc = 0;
	int bits = 0;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (in[i] == '=')
			break;
		int v = b64_val(in[i]);
		if (v < 0) {
			free(out);
			return NULL;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	*out_len = o;
	return out;
}

static bool utf8_text(const char *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)p[i];
		size_t k = c < 0x80 ? 1 : (c >= 0xc2 && c <= 0xdf) ? 2 : (c >= 0xe0 && c <= 0xef) ? 3 : (c >= 0xf0 && c <= 0xf4) ? 4 : 0;
		if (k == 0 || c == 0 || i + k > n)
			return false;
		for (size_t j = 1; j < k; j++)
			if (((unsigned char)p[i + j] & 0xc0) != 0x80)
				return false;
		i += k;
	}
	return true;
}

int mrd_shim_msg_output(const struct mr_json *msg, int *stream, char **bytes, size_t *len)
{
	const struct mr_json *s = mr_json_get(msg, "stream"), *d = mr_json_get(msg, "data"), *d64 = mr_json_get(msg, "data64");

	if (s == NULL || s->kind != MR_JSON_STRING)
		return 0;
	if (strcmp(s->text, "stdout") == 0)
		*stream = 1;
	else if (strcmp(s->text, "stderr") == 0)
		*stream = 2;
	else
		return -1;
	if (d != NULL && d->kind == MR_JSON_STRING) {
		*bytes = malloc(d->len + 1);
		if (*bytes == NULL)
			return -1;
		memcpy(*bytes, d->text, d->len);
		*len = d->len;
		return 1;
	}
	if (d64 != NULL && d64->kind == MR_JSON_STRING) {
		*bytes = b64_decode(d64->text, d64->len, len);
		return *bytes ? 1 : -1;
	}
	return -1;
}

bool mrd_shim_msg_end(const struct mr_json *msg)
{
	const struct mr_json *eof = mr_json_get(msg, "eof");
	return mr_json_get(msg, "exit") != NULL || mr_json_get(msg, "exitCode") != NULL ||
	       (eof != NULL && eof->kind == MR_JSON_BOOL && eof->boolean);
}

char *mrd_shim_stdin_line(const char *bytes, size_t len)
{
	yajl_gen g = mr_jw_new();
	size_t n;
	const char *buf;
	char *out;

	mr_jw_obj(g, NULL);
	mr_jw_str(g, "op", "stdin");
	if (utf8_text(bytes, len)) {
		mr_jw_strn(g, "data", bytes, len);
	} else {
		char *enc = malloc((len + 2) / 3 * 4 + 1);
		size_t o = 0;
		for (size_t i = 0; enc && i < len; i += 3) {
			unsigned v = (unsigned char)bytes[i] << 16;
			if (i + 1 < len)
				v |= (unsigned char)bytes[i + 1] << 8;
			if (i + 2 < len)
				v |= (unsigned char)bytes[i + 2];
			enc[o++] = b64[(v >> 18) & 63];
			enc[o++] = b64[(v >> 12) & 63];
			enc[o++] = i + 1 < len ? b64[(v >> 6) & 63] : '=';
			enc[o++] = i + 2 < len ? b64[v & 63] : '=';
		}
		if (enc != NULL)
			mr_jw_strn(g, "data64", enc, o);
		free(enc);
	}
	mr_jw_obj_end(g);
	buf = mr_jw_buf(g, &n);
	out = strndup(buf, n);
	yajl_gen_free(g);
	return out;
}

const char *mrd_shim_stdin_eof_line(void)
{
	return "{\"op\":\"stdin\",\"eof\":true}";
}
