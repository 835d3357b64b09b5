/* Processes started in the container by `runtime exec --detach`: their
 * own stdio (pipes or a pty), their exit codes kept for wait. */
#include "shim/container-internal.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/jsonw.h"
#include "util/text.h"

struct exec_op {
	struct shim_container *c;
	struct shim_proc *p;
	shim_exec_fn done;
	void *data;
	bool with_stdin;
	int child_fds[3];
	char *proc_file, *pid_file;
	struct shim_console console;
};

int shim_exec_id_validate(const char *id, struct mr_error **err)
{
	size_t n = strlen(id);

	if (n == 0 || n > SHIM_EXEC_ID_MAX)
		return mr_error_set(err, EINVAL, "exec id must be 1 to %d characters", SHIM_EXEC_ID_MAX);
	if (id[0] == '.' || strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") != n)
		return mr_error_set(err, EINVAL, "exec id \"%.*s\": only letters, digits, '_', '.' and '-' (not first)",
				    SHIM_EXEC_ID_MAX, id);
	return 0;
}

static void unlink_proc(struct shim_container *c, struct shim_proc *p)
{
	for (struct shim_proc **pp = &c->execs; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			p->next = NULL;
			return;
		}
}

void shim_container_trim_execs(struct shim_container *c, struct shim_proc *spare)
{
	unsigned exited = 0;
	struct shim_proc *oldest = NULL;

	for (struct shim_proc *p = c->execs; p; p = p->next)
		if (p->status == SHIM_PROC_EXITED) {
			exited++;
			if (p != spare)
				oldest = p;
		}
	if (exited <= SHIM_KEEP_EXITED_EXECS || oldest == NULL)
		return;
	unlink_proc(c, oldest);
	shim_proc_free(oldest);
	shim_container_trim_execs(c, spare);
}

static void exec_exited(struct shim_proc *p, void *data)
{
	struct shim_container *c = data;

	shim_container_trim_execs(c, p);
	shim_container_changed(c);
}

static void op_free(struct exec_op *op)
{
	shim_close_fds(op->child_fds);
	shim_console_close(&op->console);
	if (op->proc_file)
		unlink(op->proc_file);
	if (op->pid_file)
		unlink(op->pid_file);
	free(op->proc_file);
	free(op->pid_file);
	free(op);
}

static void exec_failed(struct exec_op *op, const char *msg)
{
	if (op->p) {
		unlink_proc(op->c, op->p);
		shim_proc_free(op->p);
	}
	op->done(op->data, NULL, msg);
	op_free(op);
}

/* The process runs: its pid, and with a terminal its master. */
static int take_process(struct exec_op *op, struct mr_error **err)
{
	struct shim_proc *p = op->p;
	pid_t pid = shim_read_pid_file(op->pid_file, err);
	int master;

	if (pid < 0)
		return -1;
	p->pid = pid;
	if (!p->terminal)
		return 0;
	master = shim_console_take(&op->console);
	if (master < 0)
		return mr_error_set(err, 0, "the runtime sent no terminal over the console socket");
	return shim_proc_set_master(p, master, op->with_stdin, err);
}

static void exec_done(struct shim_rt_job *job, const struct shim_rt_result *res)
{
	struct exec_op *op = job->data;
	struct shim_proc *p = op->p;
	struct mr_error *err = NULL;

	shim_close_fds(op->child_fds);
	if (!res->ok) {
		char *text = p->terminal ? NULL : shim_proc_read_err(p);
		char *msg = shim_error_line(text, res->error);
		exec_failed(op, msg ? msg : res->error);
		free(text);
		free(msg);
		return;
	}
	if (take_process(op, &err) < 0) {
		if (p->pid > 0)
			kill(p->pid, SIGKILL); /* ours, unreaped: not reused yet */
		mr_error_prefix(&err, "runtime exec");
		exec_failed(op, err->msg);
		mr_error_free(err);
		return;
	}
	p->status = SHIM_PROC_RUNNING;
	p->started_at = mr_time_now();
	p->on_exit = exec_exited;
	p->on_exit_data = op->c;
	shim_proc_set_pid(p, p->pid);
	shim_container_changed(op->c);
	op->done(op->data, p, NULL);
	if (shim_proc_watch_output(p, &err) < 0)
		mr_error_free(err); /* (epoll on a pipe we just made) */
	op_free(op);
}

static unsigned running_execs(const struct shim_container *c)
{
	unsigned n = 0;

	for (const struct shim_proc *p = c->execs; p; p = p->next)
		n += p->status != SHIM_PROC_EXITED;
	return n;
}

/* The given id, checked, or the next free "exec-N". */
static int pick_id(struct shim_container *c, const char *want, char *out, size_t size, struct mr_error **err)
{
	if (want) {
		if (shim_exec_id_validate(want, err) < 0)
			return -1;
		if (shim_container_proc(c, want) != NULL)
			return mr_error_set(err, EEXIST, "exec id %s is in use", want);
		snprintf(out, size, "%s", want);
		return 0;
	}
	do
		snprintf(out, size, "exec-%u", ++c->exec_seq);
	while (shim_container_proc(c, out) != NULL);
	return 0;
}

static int check_exec(struct shim_container *c, const struct mr_json *process, bool *terminal,
		      struct mr_error **err)
{
	const struct mr_json *t = mr_json_get(process, "terminal");

	if (c->status != SHIM_RUNNING || c->init->status == SHIM_PROC_EXITED)
		return mr_error_set(err, 0, "container %s is %s, not running", c->o.id,
				    c->init->status == SHIM_PROC_EXITED ? "stopped" : shim_status_name(c->status));
	if (running_execs(c) >= SHIM_MAX_EXECS)
		return mr_error_set(err, EAGAIN, "container %s: %d exec processes run already", c->o.id,
				    SHIM_MAX_EXECS);
	if (process == NULL || process->kind != MR_JSON_OBJECT)
		return mr_error_set(err, EINVAL, "process: expected an object");
	if (t && t->kind != MR_JSON_BOOL)
		return mr_error_set(err, EINVAL, "process.terminal: expected a boolean");
	*terminal = t && t->boolean;
	return 0;
}

/* Members of the bundle's process that an exec's process leaves out are
 * the container's (env, user, cwd, capabilities, rlimits...), as `runc
 * exec ARGS` takes them; `--process FILE` takes the file as it stands, so
 * the shim completes it. What the request gives is kept as given. */
static bool inherited(const char *key, const struct mr_json *process)
{
	static const char *const own[] = { "args", "commandLine", "terminal", "consoleSize" };

	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (strcmp(key, own[i]) == 0)
			return false;
	return mr_json_get(process, key) == NULL;
}

static int write_process(const struct shim_container *c, const char *path, const struct mr_json *process)
{
	char *config_path = NULL;
	struct mr_json *config = NULL;
	const struct mr_json *base = NULL;
	yajl_gen g = mr_jw_new();
	size_t len = 0;
	char *text;
	int r;

	if (asprintf(&config_path, "%s/config.json", c->o.bundle) >= 0)
		config = mr_json_parse_file(config_path, NULL); /* unreadable: the request alone */
	free(config_path);
	base = config ? mr_json_get(config, "process") : NULL;
	mr_jw_obj(g, NULL);
	for (size_t i = 0; i < process->len; i++)
		mr_jw_tree(g, process->keys[i], process->items[i]);
	for (size_t i = 0; base && base->kind == MR_JSON_OBJECT && i < base->len; i++)
		if (inherited(base->keys[i], process))
			mr_jw_tree(g, base->keys[i], base->items[i]);
	mr_jw_obj_end(g);
	mr_json_free(config);
	text = mr_jw_finish(g, &len);
	r = text ? shim_write_file(path, text, len) : -1;
	free(text);
	return r;
}

/* Files, stdio and the runtime call of op (its process made and listed). */
static struct shim_rt_job *prepare(struct exec_op *op, const struct mr_json *process, struct mr_error **err)
{
	struct shim_container *c = op->c;
	struct shim_proc *p = op->p;
	char name[SHIM_EXEC_ID_MAX + 32];
	struct shim_rt_job *job;

	snprintf(name, sizeof(name), "exec-%s.json", p->exec_id);
	op->proc_file = shim_state_path(c, name);
	snprintf(name, sizeof(name), "exec-%s.pid", p->exec_id);
	op->pid_file = shim_state_path(c, name);
	if (op->proc_file == NULL || op->pid_file == NULL) {
		mr_error_sys(err, ENOMEM, "exec");
		return NULL;
	}
	unlink(op->pid_file);
	if (write_process(c, op->proc_file, process) < 0) {
		mr_error_sys(err, errno, "write %s", op->proc_file);
		return NULL;
	}
	job = shim_rt_job_new(exec_done, op, "exec", "--detach", "--pid-file", op->pid_file, "--process",
			      op->proc_file, NULL);
	if (job == NULL) {
		mr_error_sys(err, ENOMEM, "exec");
		return NULL;
	}
	snprintf(name, sizeof(name), "exec-%s-tty", p->exec_id);
	if (p->terminal) {
		if (shim_console_open(&op->console, c->loop, c->o.state_dir, name, err) < 0 ||
		    shim_rt_job_arg(job, "--console-socket") < 0 || shim_rt_job_arg(job, op->console.path) < 0)
			goto fail;
		job->fds[2] = SHIM_RT_CAPTURE;
	} else {
		if (shim_proc_pipes(p, op->with_stdin, op->child_fds, err) < 0)
			goto fail;
		memcpy(job->fds, op->child_fds, sizeof(job->fds));
	}
	if (shim_rt_job_arg(job, c->o.id) < 0)
		goto fail;
	return job;
fail:
	if (err && *err == NULL)
		mr_error_sys(err, ENOMEM, "exec");
	shim_rt_job_free(job);
	return NULL;
}

void shim_container_exec(struct shim_container *c, const char *exec_id, const struct mr_json *process,
			 bool with_stdin, shim_exec_fn done, void *data)
{
	char id[SHIM_EXEC_ID_MAX + 1];
	struct mr_error *err = NULL;
	struct exec_op *op = NULL;
	struct shim_rt_job *job;
	bool terminal = false;

	if (check_exec(c, process, &terminal, &err) < 0 || pick_id(c, exec_id, id, sizeof(id), &err) < 0)
		goto refused;
	op = calloc(1, sizeof(*op));
	if (op == NULL || (op->p = shim_proc_new(c->loop, id)) == NULL) {
		free(op);
		op = NULL;
		mr_error_sys(&err, ENOMEM, "exec");
		goto refused;
	}
	op->c = c;
	op->done = done;
	op->data = data;
	op->with_stdin = with_stdin;
	op->child_fds[0] = op->child_fds[1] = op->child_fds[2] = -1;
	op->console.listen_fd = op->console.conn_fd = op->console.master = -1;
	op->p->terminal = terminal;
	op->p->next = c->execs; /* the id is taken from here on */
	c->execs = op->p;
	job = prepare(op, process, &err);
	if (job == NULL) {
		exec_failed(op, err ? err->msg : "exec failed");
		mr_error_free(err);
		return;
	}
	shim_rtq_submit(&c->rtq, job);
	return;
refused:
	done(data, NULL, err ? err->msg : "exec failed");
	mr_error_free(err);
}
