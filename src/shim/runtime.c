#include "shim/runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shim/spawn.h"
#include "util/json.h"

#define OUT_MAX (1u << 20) /* ps output of a big container */
#define ERR_MAX 8192

void shim_rtq_init(struct shim_rtq *q, struct shim_loop *loop, const struct shim_runtime *rt)
{
	memset(q, 0, sizeof(*q));
	q->loop = loop;
	q->rt = *rt;
}

int shim_rt_job_arg(struct shim_rt_job *job, const char *arg)
{
	size_t n = 0;
	char **v, *copy = strdup(arg);

	while (job->args && job->args[n])
		n++;
	v = copy ? realloc(job->args, (n + 2) * sizeof(*v)) : NULL;
	if (v == NULL) {
		free(copy);
		return -1;
	}
	v[n] = copy;
	v[n + 1] = NULL;
	job->args = v;
	return 0;
}

void shim_rt_job_free(struct shim_rt_job *job)
{
	for (size_t i = 0; job->args && job->args[i]; i++)
		free(job->args[i]);
	free(job->args);
	shim_buf_free(&job->out);
	shim_buf_free(&job->err);
	free(job->error);
	free(job);
}

struct shim_rt_job *shim_rt_job_new(shim_rt_fn done, void *data, const char *verb, ...)
{
	struct shim_rt_job *job = calloc(1, sizeof(*job));
	va_list ap;

	if (job == NULL)
		return NULL;
	job->done = done;
	job->data = data;
	job->fds[0] = job->fds[1] = SHIM_RT_NULL;
	job->fds[2] = SHIM_RT_CAPTURE;
	job->out_fd = job->err_fd = -1;
	job->out.max = OUT_MAX;
	job->err.max = ERR_MAX;
	va_start(ap, verb);
	for (const char *a = verb; a; a = va_arg(ap, const char *)) {
		if (shim_rt_job_arg(job, a) < 0) {
			va_end(ap);
			shim_rt_job_free(job);
			return NULL;
		}
	}
	va_end(ap);
	return job;
}

bool shim_rtq_busy(const struct shim_rtq *q)
{
	return q->head != NULL;
}

/* Read what a capture pipe has; past the limit the rest is drained and
 * dropped (a runtime never blocks on us). Returns 0 at EOF. */
static int read_capture(int fd, struct shim_buf *b)
{
	char tmp[4096];

	for (;;) {
		ssize_t n = read(fd, tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 1 : 0;
		if (n == 0)
			return 0;
		(void)shim_buf_append(b, tmp, (size_t)n);
	}
}

static void close_capture(struct shim_rt_job *job, struct shim_watch *w, int *fd, struct shim_buf *b)
{
	if (*fd < 0)
		return;
	read_capture(*fd, b);
	shim_loop_del(job->q->loop, w);
	close(*fd);
	*fd = -1;
}

static void on_capture(struct shim_watch *w, uint32_t events)
{
	struct shim_rt_job *job = w->data;
	bool is_out = w == &job->out_w;
	struct shim_buf *b = is_out ? &job->out : &job->err;
	int *fd = is_out ? &job->out_fd : &job->err_fd;

	if (read_capture(*fd, b) == 0)
		close_capture(job, w, fd, b);
}

static void start_next(struct shim_defer *d);

/* "runc create failed with exit status 1 and said nothing" */
static char *silent_failure(const struct shim_rtq *q, const struct shim_rt_job *job)
{
	char *msg = NULL;
	int st = job->status;

	if (st >= 0 && WIFSIGNALED(st))
		st = asprintf(&msg, "%s %s was killed by signal %d and said nothing", q->rt.path, job->args[0],
			      WTERMSIG(st));
	else if (st >= 0)
		st = asprintf(&msg, "%s %s failed with exit status %d and said nothing", q->rt.path, job->args[0],
			      WEXITSTATUS(st));
	else
		st = asprintf(&msg, "%s %s did not start", q->rt.path, job->args[0]);
	return st < 0 ? NULL : msg;
}

static void finish(struct shim_defer *d)
{
	struct shim_rt_job *job = d->data;
	struct shim_rtq *q = job->q;
	struct shim_rt_result res = { .status = job->status, .pid = job->child.pid };
	char *msg = NULL;

	close_capture(job, &job->out_w, &job->out_fd, &job->out);
	close_capture(job, &job->err_w, &job->err_fd, &job->err);
	res.ok = job->status == 0;
	if (!res.ok && job->error == NULL) {
		msg = shim_last_line(shim_buf_head(&job->err), shim_buf_used(&job->err));
		if (msg == NULL)
			msg = shim_rt_log_error(q->rt.log_path, job->log_off);
		if (msg == NULL)
			msg = silent_failure(q, job);
		job->error = msg;
	}
	res.error = res.ok ? "" : job->error ? job->error : "out of memory";
	res.out = shim_buf_head(&job->out);
	res.out_len = shim_buf_used(&job->out);
	q->head = job->next;
	if (q->head == NULL)
		q->tail = NULL;
	job->done(job, &res);
	shim_rt_job_free(job);
	if (q->head)
		shim_loop_defer(q->loop, &q->kick, start_next, q);
}

static void job_exited(struct shim_child *c, int status)
{
	struct shim_rt_job *job = c->data;
	job->status = status;
	shim_loop_defer(job->q->loop, &job->finish, finish, job);
}

static int capture_pipe(struct shim_rt_job *job, int *child_end, int *our_end, struct shim_watch *w,
			struct mr_error **err)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return mr_error_sys(err, errno, "pipe");
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	*our_end = p[0];
	*child_end = p[1];
	return shim_loop_add(job->q->loop, w, p[0], EPOLLIN, on_capture, job, err);
}

static char **full_argv(const struct shim_runtime *rt, char **args)
{
	size_t n = 0, k = 0;
	char **v;

	while (args[n])
		n++;
	v = calloc(n + 8, sizeof(*v));
	if (v == NULL)
		return NULL;
	v[k++] = (char *)rt->path;
	if (rt->root) {
		v[k++] = "--root";
		v[k++] = (char *)rt->root;
	}
	if (rt->log_path) {
		v[k++] = "--log";
		v[k++] = (char *)rt->log_path;
		v[k++] = "--log-format";
		v[k++] = "json";
	}
	memcpy(v + k, args, n * sizeof(*v));
	return v;
}

static int spawn_job(struct shim_rt_job *job, struct mr_error **err)
{
	const struct shim_runtime *rt = &job->q->rt;
	struct shim_spawn sp = { .path = rt->path, .nfds = 3, .cwd = rt->cwd, .oom_score_adj = rt->oom_score_adj };
	int child_out = -1, child_err = -1;
	struct stat st;
	pid_t pid;
	char **argv;

	job->log_off = rt->log_path && stat(rt->log_path, &st) == 0 ? st.st_size : 0;
	if ((job->fds[1] == SHIM_RT_CAPTURE && capture_pipe(job, &child_out, &job->out_fd, &job->out_w, err) < 0) ||
	    (job->fds[2] == SHIM_RT_CAPTURE && capture_pipe(job, &child_err, &job->err_fd, &job->err_w, err) < 0)) {
		if (child_out >= 0)
			close(child_out);
		return -1;
	}
	sp.keep_fds = job->keep_fds;
	sp.fds[0] = job->fds[0];
	sp.fds[1] = job->fds[1] == SHIM_RT_CAPTURE ? child_out : job->fds[1];
	sp.fds[2] = job->fds[2] == SHIM_RT_CAPTURE ? child_err : job->fds[2];
	argv = full_argv(rt, job->args);
	sp.argv = argv;
	pid = argv ? shim_spawn(&sp, err) : mr_error_sys(err, ENOMEM, "runtime");
	free(argv);
	if (child_out >= 0)
		close(child_out);
	if (child_err >= 0)
		close(child_err);
	if (pid < 0)
		return -1;
	shim_loop_watch_child(job->q->loop, &job->child, pid, job_exited, job);
	return 0;
}

static void start_next(struct shim_defer *d)
{
	struct shim_rtq *q = d->data;
	struct shim_rt_job *job = q->head;
	struct mr_error *err = NULL;

	if (job == NULL || job->child.pid > 0)
		return;
	if (spawn_job(job, &err) < 0) {
		job->status = -1;
		job->error = strdup(err && err->msg ? err->msg : "cannot run the runtime");
		mr_error_free(err);
		shim_loop_defer(q->loop, &job->finish, finish, job);
	}
}

void shim_rtq_submit(struct shim_rtq *q, struct shim_rt_job *job)
{
	job->q = q;
	job->next = NULL;
	if (q->tail)
		q->tail->next = job;
	else
		q->head = job;
	q->tail = job;
	if (q->head == job)
		shim_loop_defer(q->loop, &q->kick, start_next, q);
}

char *shim_last_line(const char *text, size_t len)
{
	const char *end = text + len, *start;

	while (end > text && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		end--;
	if (end == text)
		return NULL;
	start = memrchr(text, '\n', (size_t)(end - text));
	start = start ? start + 1 : text;
	return strndup(start, (size_t)(end - start));
}

char *shim_rt_log_error(const char *log_path, off_t off)
{
	char *buf, *msg = NULL;
	size_t len = 0;
	int fd;

	if (log_path == NULL || (fd = open(log_path, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	if (lseek(fd, off, SEEK_SET) != off) {
		close(fd);
		return NULL;
	}
	buf = mr_read_fd(fd, 1u << 20, &len, NULL);
	close(fd);
	for (char *line = buf, *nl; buf && line < buf + len; line = nl + 1) {
		struct mr_json *j;
		const struct mr_json *level, *m;
		nl = memchr(line, '\n', (size_t)(buf + len - line));
		if (nl == NULL)
			nl = buf + len;
		j = mr_json_parse(line, (size_t)(nl - line), NULL);
		level = mr_json_get(j, "level");
		m = mr_json_get(j, "msg");
		if (level && level->kind == MR_JSON_STRING && strcmp(level->text, "error") == 0 && m &&
		    m->kind == MR_JSON_STRING) {
			free(msg);
			msg = strdup(m->text);
		}
		mr_json_free(j);
	}
	free(buf);
	return msg;
}
