/* The container's lifecycle through the runtime: create, start, kill,
 * pause, resume, update, delete, and the init's exit. */
#include "shim/container-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/jsonw.h"
#include "util/syscalls.h"
#include "util/text.h"

static const char *const status_names[] = {
	[SHIM_CREATING] = "creating", [SHIM_CREATED] = "created", [SHIM_RUNNING] = "running",
	[SHIM_PAUSED] = "paused",     [SHIM_STOPPED] = "stopped", [SHIM_DELETED] = "deleted",
	[SHIM_FAILED] = "failed",
};

const char *shim_status_name(enum shim_status s)
{
	return (unsigned)s < sizeof(status_names) / sizeof(status_names[0]) ? status_names[s] : "unknown";
}

/* One runtime call in flight: who asked, and what to clean up after. */
struct op {
	struct shim_container *c;
	shim_done_fn done;
	void *data;
	int child_fds[3];
	char *file;
	int64_t t0;
};

static struct op *op_new(struct shim_container *c, shim_done_fn done, void *data)
{
	struct op *op = calloc(1, sizeof(*op));

	if (op == NULL)
		return NULL;
	op->c = c;
	op->done = done;
	op->data = data;
	op->child_fds[0] = op->child_fds[1] = op->child_fds[2] = -1;
	op->t0 = mr_time_now();
	return op;
}

static void op_finish(struct op *op, const char *error)
{
	shim_close_fds(op->child_fds);
	if (op->file) {
		unlink(op->file);
		free(op->file);
	}
	if (op->done)
		op->done(op->data, error);
	free(op);
}

void shim_close_fds(int fds[3])
{
	for (int i = 0; i < 3; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

static void refuse(shim_done_fn done, void *data, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void refuse(shim_done_fn done, void *data, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (done)
		done(data, msg);
}

static void submit(struct op *op, struct shim_rt_job *job)
{
	if (job == NULL) {
		op_finish(op, "out of memory");
		return;
	}
	shim_rtq_submit(&op->c->rtq, job);
}

/* ---- new, free, getters */

static void log_output(struct shim_sink *s, int stream, const char *data, size_t len)
{
	struct shim_container *c = s->data;
	shim_crilog_write(c->log, shim_stream_name(stream), data, len);
}

static void init_exited(struct shim_proc *p, void *data)
{
	struct shim_container *c = data;

	if (c->status != SHIM_DELETED && c->status != SHIM_FAILED)
		c->status = SHIM_STOPPED;
	shim_container_learn_oom(c);
	shim_container_changed(c);
	shim_container_run_exit_command(c);
}

static int copy_opts(struct shim_container *c, const struct shim_container_opts *o)
{
	size_t n = 0;

	c->o = *o;
	c->o.id = strdup(o->id);
	c->o.bundle = strdup(o->bundle);
	c->o.state_dir = strdup(o->state_dir);
	c->o.runtime = strdup(o->runtime);
	c->o.runtime_root = o->runtime_root ? strdup(o->runtime_root) : NULL;
	c->o.log_path = o->log_path ? strdup(o->log_path) : NULL;
	c->o.oom_score_adj = o->oom_score_adj ? strdup(o->oom_score_adj) : NULL;
	while (o->exit_command && o->exit_command[n])
		n++;
	c->exit_command = n ? calloc(n + 1, sizeof(char *)) : NULL;
	for (size_t i = 0; c->exit_command && i < n; i++)
		if ((c->exit_command[i] = strdup(o->exit_command[i])) == NULL)
			return -1;
	c->o.exit_command = c->exit_command;
	if (!c->o.id || !c->o.bundle || !c->o.state_dir || !c->o.runtime || (o->runtime_root && !c->o.runtime_root) ||
	    (o->log_path && !c->o.log_path) || (o->oom_score_adj && !c->o.oom_score_adj) || (n && !c->exit_command))
		return -1;
	return 0;
}

struct shim_container *shim_container_new(struct shim_loop *loop, const struct shim_container_opts *o,
					  struct mr_error **err)
{
	struct shim_container *c = calloc(1, sizeof(*c));
	struct shim_runtime rt;

	if (c == NULL) {
		mr_error_sys(err, ENOMEM, "container");
		return NULL;
	}
	c->loop = loop;
	c->console.listen_fd = c->console.conn_fd = c->console.master = -1;
	if (copy_opts(c, o) < 0 || (c->rt_log = shim_state_path(c, "runtime.log")) == NULL ||
	    (c->init = shim_proc_new(loop, NULL)) == NULL) {
		mr_error_sys(err, ENOMEM, "container");
		shim_container_free(c);
		return NULL;
	}
	c->init->on_exit = init_exited;
	c->init->on_exit_data = c;
	if (c->o.log_path) {
		c->log = shim_crilog_open(c->o.log_path, c->o.log_max_size, err);
		if (c->log == NULL) {
			shim_container_free(c);
			return NULL;
		}
		shim_proc_add_sink(c->init, &c->log_sink, log_output, c);
	}
	rt = (struct shim_runtime){ .path = c->o.runtime, .root = c->o.runtime_root, .log_path = c->rt_log,
				    .cwd = c->o.bundle, .oom_score_adj = c->o.oom_score_adj };
	shim_rtq_init(&c->rtq, loop, &rt);
	c->created_at = mr_time_now();
	c->status = SHIM_CREATING;
	return c;
}

void shim_container_free(struct shim_container *c)
{
	if (c == NULL)
		return;
	shim_console_close(&c->console);
	while (c->execs) {
		struct shim_proc *p = c->execs;
		c->execs = p->next;
		shim_proc_free(p);
	}
	shim_proc_free(c->init);
	shim_crilog_close(c->log);
	shim_loop_unwatch_child(c->loop, &c->exit_cmd);
	mr_cgroup_free(c->cgroup);
	for (size_t i = 0; c->exit_command && c->exit_command[i]; i++)
		free(c->exit_command[i]);
	free(c->exit_command);
	free((char *)c->o.id);
	free((char *)c->o.bundle);
	free((char *)c->o.state_dir);
	free((char *)c->o.runtime);
	free((char *)c->o.runtime_root);
	free((char *)c->o.log_path);
	free((char *)c->o.oom_score_adj);
	free(c->rt_log);
	free(c->cgroup_path);
	free(c->error);
	free(c);
}

void shim_container_on_change(struct shim_container *c, shim_change_fn fn, void *data)
{
	c->on_change = fn;
	c->on_change_data = data;
}

const char *shim_container_id(const struct shim_container *c)
{
	return c->o.id;
}

enum shim_status shim_container_status(const struct shim_container *c)
{
	return c->status;
}

const char *shim_container_error(const struct shim_container *c)
{
	return c->error;
}

const struct shim_container_opts *shim_container_opts(const struct shim_container *c)
{
	return &c->o;
}

struct shim_proc *shim_container_init(struct shim_container *c)
{
	return c->init;
}

struct shim_crilog *shim_container_log(struct shim_container *c)
{
	return c->log;
}

struct shim_proc *shim_container_execs(struct shim_container *c)
{
	return c->execs;
}

struct shim_proc *shim_container_proc(struct shim_container *c, const char *exec_id)
{
	if (exec_id == NULL || *exec_id == '\0')
		return c->init;
	for (struct shim_proc *p = c->execs; p; p = p->next)
		if (strcmp(p->exec_id, exec_id) == 0)
			return p;
	return NULL;
}

bool shim_container_oom_killed(const struct shim_container *c)
{
	return c->oom_killed;
}

bool shim_container_over(const struct shim_container *c)
{
	return c->init->status == SHIM_PROC_EXITED || c->status == SHIM_FAILED ||
	       (c->status == SHIM_DELETED && c->init->pid <= 0);
}

/* ---- create */

static void create_failed(struct op *op, const char *msg)
{
	struct shim_container *c = op->c;

	shim_console_close(&c->console);
	free(c->error);
	c->error = strdup(msg);
	c->status = SHIM_FAILED;
	shim_proc_free(c->init);
	c->init = shim_proc_new(c->loop, NULL); /* no fds, no pid */
	shim_container_changed(c);
	op_finish(op, msg);
}

struct undo {
	struct op *op;
	char *msg;
};

static void undone(struct shim_rt_job *job, const struct shim_rt_result *res)
{
	struct undo *u = job->data;
	create_failed(u->op, u->msg);
	free(u->msg);
	free(u);
}

/* The runtime made a container we cannot use: it goes, then the error. */
static void create_undo(struct op *op, const char *msg)
{
	struct undo *u = calloc(1, sizeof(*u));
	struct shim_rt_job *job;

	if (u == NULL || (u->msg = strdup(msg)) == NULL) {
		free(u);
		create_failed(op, msg);
		return;
	}
	u->op = op;
	job = shim_rt_job_new(undone, u, "delete", "--force", op->c->o.id, NULL);
	if (job == NULL) {
		free(u->msg);
		free(u);
		create_failed(op, msg);
		return;
	}
	shim_rtq_submit(&op->c->rtq, job);
}

static int take_terminal(struct shim_container *c, struct mr_error **err)
{
	int master = shim_console_take(&c->console);

	shim_console_close(&c->console);
	if (master < 0)
		return mr_error_set(err, 0, "the runtime sent no terminal over the console socket");
	if (shim_proc_set_master(c->init, master, c->o.stdin, err) < 0)
		return -1;
	return 0;
}

/* --preserve-fds N: the runtime passes fds 3 .. 3+N-1 on to the init. */
static int pass_fds(struct shim_container *c, struct shim_rt_job *job)
{
	char n[16];

	snprintf(n, sizeof(n), "%u", c->o.preserve_fds);
	job->keep_fds = c->o.preserve_fds;
	return shim_rt_job_arg(job, "--preserve-fds") < 0 || shim_rt_job_arg(job, n) < 0 ? -1 : 0;
}

static void create_done(struct shim_rt_job *job, const struct shim_rt_result *res)
{
	struct op *op = job->data;
	struct shim_container *c = op->c;
	struct mr_error *err = NULL;
	pid_t pid;

	shim_close_fds(op->child_fds);
	if (c->o.preserve_fds) {
		/* the init has them now (or never will): not the shim's to hold */
		mr_close_range(3, 2 + c->o.preserve_fds, 0);
		c->o.preserve_fds = 0;
	}
	if (!res->ok) {
		char *text = c->o.terminal ? NULL : shim_proc_read_err(c->init);
		char *msg = shim_error_line(text, res->error);
		create_failed(op, msg ? msg : res->error);
		free(text);
		free(msg);
		return;
	}
	if ((pid = shim_read_pid_file(op->file, &err)) < 0 || (c->o.terminal && take_terminal(c, &err) < 0) ||
	    shim_proc_watch_output(c->init, &err) < 0) {
		mr_error_prefix(&err, "runtime create");
		create_undo(op, err->msg);
		mr_error_free(err);
		return;
	}
	shim_proc_set_pid(c->init, pid);
	c->status = SHIM_CREATED;
	shim_container_find_cgroup(c);
	shim_container_changed(c);
	op_finish(op, NULL);
}

void shim_container_create(struct shim_container *c, shim_done_fn done, void *data)
{
	struct op *op;
	struct shim_rt_job *job;
	struct mr_error *err = NULL;

	if (c->status != SHIM_CREATING)
		{
		refuse(done, data, "container %s is already created", c->o.id);
		return;
	}
	if ((op = op_new(c, done, data)) == NULL || (op->file = shim_state_path(c, "init.pid")) == NULL)
	{
		if (op)
			op_finish(op, "out of memory");
		else
			refuse(done, data, "out of memory");
		return;
	}
	unlink(op->file);
	job = shim_rt_job_new(create_done, op, "create", "--bundle", c->o.bundle, "--pid-file", op->file, NULL);
	if (job && c->o.terminal) {
		if (shim_console_open(&c->console, c->loop, c->o.state_dir, "console", &err) < 0 ||
		    shim_rt_job_arg(job, "--console-socket") < 0 || shim_rt_job_arg(job, c->console.path) < 0) {
			shim_rt_job_free(job);
			create_failed(op, err ? err->msg : "out of memory");
			mr_error_free(err);
			return;
		}
		job->fds[2] = SHIM_RT_CAPTURE;
	} else if (job) {
		if (shim_proc_pipes(c->init, c->o.stdin, op->child_fds, &err) < 0) {
			shim_rt_job_free(job);
			create_failed(op, err->msg);
			mr_error_free(err);
			return;
		}
		memcpy(job->fds, op->child_fds, sizeof(job->fds));
	}
	if (job && c->o.preserve_fds && pass_fds(c, job) < 0) {
		shim_rt_job_free(job);
		job = NULL;
	}
	if (job && shim_rt_job_arg(job, c->o.id) < 0) {
		shim_rt_job_free(job);
		job = NULL;
	}
	submit(op, job);
}

/* ---- start, kill, pause, resume, update, delete */

static void simple_done(struct shim_rt_job *job, const struct shim_rt_result *res)
{
	op_finish(job->data, res->ok ? NULL : res->error);
}

static void start_done(struct shim_rt_job *job, const struct shim_rt_result *res)
{
	struct op *op = job->data;
	struct shim_container *c = op->c;

	if (res->ok) {
		c->started_at = op->t0;
		c->init->started_at = op->t0;
		if (c->init->status == SHIM_PROC_NEW)
			c->init->status = SHIM_PROC_RUNNING;
		if (c->status == SHIM_CREATED)
			c->status = SHIM_RUNNING;
		shim_container_changed(c);
	}
	op_finish(op, res->ok ? NULL : res->error);
}

/* A call `<verb> [args...] ID` done by fn. */
static void call(struct shim_container *c, shim_rt_fn fn, shim_done_fn done, void *data, const char *verb,
		 const char *a1, const char *a2, const char *file_owned_by_op)
{
	struct op *op = op_new(c, done, data);
	struct shim_rt_job *job;

	if (op == NULL)
		{
		refuse(done, data, "out of memory");
		return;
	}
	op->file = file_owned_by_op ? strdup(file_owned_by_op) : NULL;
	job = shim_rt_job_new(fn, op, verb, NULL);
	if (job && ((a1 && shim_rt_job_arg(job, a1) < 0) || (a2 && shim_rt_job_arg(job, a2) < 0) ||
		    shim_rt_job_arg(job, c->o.id) < 0)) {
		shim_rt_job_free(job);
		job = NULL;
	}
	submit(op, job);
}

void shim_container_start(struct shim_container *c, shim_done_fn done, void *data)
{
	if (c->status != SHIM_CREATED || c->init->status != SHIM_PROC_NEW)
		{
		refuse(done, data, "container %s is %s, not created", c->o.id, shim_status_name(c->status));
		return;
	}
	call(c, start_done, done, data, "start", NULL, NULL, NULL);
}

static bool alive(const struct shim_container *c)
{
	return (c->status == SHIM_CREATED || c->status == SHIM_RUNNING || c->status == SHIM_PAUSED) &&
	       c->init->status != SHIM_PROC_EXITED;
}

/* `kill ID SIG` or `kill --all ID SIG`: the id goes before the signal. */
static void kill_call(struct shim_container *c, int sig, bool all, shim_done_fn done, void *data)
{
	struct op *op = op_new(c, done, data);
	struct shim_rt_job *job;
	char num[16];

	if (op == NULL)
		{
		refuse(done, data, "out of memory");
		return;
	}
	snprintf(num, sizeof(num), "%d", sig);
	job = all ? shim_rt_job_new(simple_done, op, "kill", "--all", c->o.id, num, NULL)
		  : shim_rt_job_new(simple_done, op, "kill", c->o.id, num, NULL);
	submit(op, job);
}

void shim_container_kill(struct shim_container *c, const char *exec_id, int sig, bool all, shim_done_fn done,
			 void *data)
{
	struct mr_error *err = NULL;

	if (exec_id && *exec_id) {
		struct shim_proc *p = shim_container_proc(c, exec_id);
		if (p == NULL)
			{
		refuse(done, data, "container %s has no exec process %s", c->o.id, exec_id);
		return;
	}
		if (p->status != SHIM_PROC_RUNNING || p->reaped)
			{
		refuse(done, data, "exec process %s is not running", exec_id);
		return;
	}
		if (shim_proc_signal(p, sig, &err) < 0) {
			refuse(done, data, "exec process %s: %s", exec_id, err->msg);
			mr_error_free(err);
			return;
		}
		if (done)
			done(data, NULL);
		return;
	}
	if (!alive(c))
		{
		refuse(done, data, "container %s is not running (%s)", c->o.id, shim_status_name(c->status));
		return;
	}
	kill_call(c, sig, all, done, data);
}

static void pause_done(struct shim_rt_job *job, const struct shim_rt_result *res)
{
	struct op *op = job->data;
	struct shim_container *c = op->c;
	bool pausing = strcmp(job->args[0], "pause") == 0;

	if (res->ok && c->init->status != SHIM_PROC_EXITED &&
	    (c->status == SHIM_RUNNING || c->status == SHIM_PAUSED)) {
		c->status = pausing ? SHIM_PAUSED : SHIM_RUNNING;
		shim_container_changed(c);
	}
	op_finish(op, res->ok ? NULL : res->error);
}

void shim_container_pause(struct shim_container *c, shim_done_fn done, void *data)
{
	if (c->status != SHIM_RUNNING || !alive(c))
		{
		refuse(done, data, "container %s is %s, not running", c->o.id, shim_status_name(c->status));
		return;
	}
	call(c, pause_done, done, data, "pause", NULL, NULL, NULL);
}

void shim_container_resume(struct shim_container *c, shim_done_fn done, void *data)
{
	if (c->status != SHIM_PAUSED || !alive(c))
		{
		refuse(done, data, "container %s is %s, not paused", c->o.id, shim_status_name(c->status));
		return;
	}
	call(c, pause_done, done, data, "resume", NULL, NULL, NULL);
}

int shim_write_file(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t n = -1;

	if (fd < 0)
		return -1;
	if (text)
		n = write(fd, text, len);
	if (close(fd) < 0 || n != (ssize_t)len) {
		unlink(path);
		return -1;
	}
	return 0;
}

int shim_write_json_file(const char *path, const struct mr_json *v)
{
	yajl_gen g = mr_jw_new();
	size_t len = 0;
	char *text;
	int r;

	mr_jw_tree(g, NULL, v);
	text = mr_jw_finish(g, &len);
	r = shim_write_file(path, text, len);
	free(text);
	return r;
}

void shim_container_update(struct shim_container *c, const struct mr_json *resources, shim_done_fn done,
			   void *data)
{
	char name[32];
	char *path;

	if (!alive(c))
		{
		refuse(done, data, "container %s is not running (%s)", c->o.id, shim_status_name(c->status));
		return;
	}
	snprintf(name, sizeof(name), "update-%u.json", ++c->exec_seq);
	if ((path = shim_state_path(c, name)) == NULL)
		{
		refuse(done, data, "out of memory");
		return;
	}
	if (shim_write_json_file(path, resources) < 0) {
		refuse(done, data, "write %s: %s", path, strerror(errno));
		free(path);
		return;
	}
	call(c, simple_done, done, data, "update", "--resources", path, path);
	free(path);
}

static void delete_done(struct shim_rt_job *job, const struct shim_rt_result *res)
{
	struct op *op = job->data;
	struct shim_container *c = op->c;

	if (res->ok) {
		c->status = SHIM_DELETED;
		shim_container_changed(c);
	}
	op_finish(op, res->ok ? NULL : res->error);
}

void shim_container_delete(struct shim_container *c, bool force, shim_done_fn done, void *data)
{
	if (c->status == SHIM_DELETED || c->status == SHIM_FAILED || c->status == SHIM_CREATING)
		{
		refuse(done, data, "container %s is %s", c->o.id, shim_status_name(c->status));
		return;
	}
	if (!force && (c->status == SHIM_RUNNING || c->status == SHIM_PAUSED) && alive(c))
		{
		refuse(done, data, "container %s is %s: stop it first, or delete with force", c->o.id,
			      shim_status_name(c->status));
		return;
	}
	call(c, delete_done, done, data, "delete", force ? "--force" : NULL, NULL, NULL);
}
