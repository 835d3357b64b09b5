/* What the container module keeps outside itself: state.json, the
 * container's cgroup (stats, pids, OOM kills), the exit command. */
#include "shim/container-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shim/spawn.h"
#include "util/jsonw.h"
#include "util/text.h"

char *shim_state_path(const struct shim_container *c, const char *name)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%s", c->o.state_dir, name) < 0)
		return NULL;
	return p;
}

pid_t shim_read_pid_file(const char *path, struct mr_error **err)
{
	char buf[32];
	ssize_t n;
	long v = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return mr_error_sys(err, errno, "pid file %s", path);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return mr_error_set(err, 0, "pid file %s is empty", path);
	buf[n] = '\0';
	for (ssize_t i = 0; i < n && buf[i] != '\n'; i++) {
		if (buf[i] < '0' || buf[i] > '9' || v > 4194304)
			return mr_error_set(err, 0, "pid file %s: not a pid", path);
		v = v * 10 + (buf[i] - '0');
	}
	if (v <= 0)
		return mr_error_set(err, 0, "pid file %s: not a pid", path);
	return (pid_t)v;
}

char *shim_error_line(const char *text, const char *fallback)
{
	char *line = text ? shim_last_line(text, strlen(text)) : NULL;
	return line ? line : strdup(fallback ? fallback : "failed");
}

/* ---- state.json */

static void time_or_null(yajl_gen g, const char *key, int64_t ns)
{
	if (ns)
		mr_jw_time(g, key, ns);
	else
		mr_jw_null(g, key);
}

static void write_proc(yajl_gen g, const struct shim_proc *p)
{
	bool exited = p->status == SHIM_PROC_EXITED;

	mr_jw_int(g, "pid", p->pid);
	if (exited)
		mr_jw_int(g, "exitCode", p->exit_code);
	else
		mr_jw_null(g, "exitCode");
	time_or_null(g, "startedAt", p->started_at);
	time_or_null(g, "exitedAt", p->exited_at);
}

static void write_execs(yajl_gen g, const struct shim_container *c)
{
	mr_jw_arr(g, "execs");
	for (const struct shim_proc *p = c->execs; p; p = p->next) {
		if (p->status == SHIM_PROC_NEW)
			continue; /* its exec has not returned yet */
		mr_jw_obj(g, NULL);
		mr_jw_str(g, "id", p->exec_id);
		mr_jw_str(g, "status", p->status == SHIM_PROC_EXITED ? "exited" : "running");
		write_proc(g, p);
		mr_jw_obj_end(g);
	}
	mr_jw_arr_end(g);
}

/* The contract's statuses (creating created running paused stopped; a
 * reader adds unknown for a dead shim): a failed create and a deleted
 * container are stopped, told apart by "error" and "deleted". */
static const char *public_status(enum shim_status s)
{
	return s == SHIM_FAILED || s == SHIM_DELETED ? "stopped" : shim_status_name(s);
}

char *shim_container_state_json(const struct shim_container *c, size_t *len)
{
	yajl_gen g = mr_jw_new();

	mr_jw_obj(g, NULL);
	mr_jw_str(g, "id", c->o.id);
	mr_jw_str(g, "bundle", c->o.bundle);
	mr_jw_str(g, "runtime", c->o.runtime);
	mr_jw_str(g, "runtimeRoot", c->o.runtime_root);
	mr_jw_str(g, "status", public_status(c->status));
	mr_jw_bool(g, "deleted", c->status == SHIM_DELETED);
	mr_jw_int(g, "shimPid", c->o.shim_pid);
	mr_jw_uint(g, "shimStartTime", c->o.shim_start_time);
	write_proc(g, c->init);
	mr_jw_bool(g, "oomKilled", c->oom_killed);
	time_or_null(g, "createdAt", c->created_at);
	mr_jw_str(g, "error", c->error);
	mr_jw_str(g, "log", c->o.log_path);
	mr_jw_bool(g, "terminal", c->o.terminal);
	mr_jw_bool(g, "stdin", c->o.stdin);
	write_execs(g, c);
	mr_jw_obj_end(g);
	return mr_jw_finish(g, len);
}

int shim_container_save(struct shim_container *c, struct mr_error **err)
{
	char *path = shim_state_path(c, "state.json"), *tmp = shim_state_path(c, ".state.json.tmp");
	size_t len = 0;
	char *text = shim_container_state_json(c, &len);
	int fd = -1, ret = -1;
	ssize_t n;

	if (path == NULL || tmp == NULL || text == NULL) {
		mr_error_sys(err, ENOMEM, "state.json");
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		mr_error_sys(err, errno, "write %s", tmp);
		goto out;
	}
	text[len] = '\n';
	n = write(fd, text, len + 1);
	if (close(fd) < 0 || n != (ssize_t)(len + 1) || rename(tmp, path) < 0) {
		mr_error_sys(err, errno ? errno : EIO, "write %s", path);
		unlink(tmp);
		goto out;
	}
	ret = 0;
out:
	free(path);
	free(tmp);
	free(text);
	return ret;
}

void shim_container_changed(struct shim_container *c)
{
	struct mr_error *err = NULL;

	/* a full disk loses this version; the next change tries again */
	shim_container_save(c, &err);
	mr_error_free(err);
	if (c->on_change)
		c->on_change(c, c->on_change_data);
}

/* ---- the cgroup */

/* /proc/<pid>/cgroup: the v1 memory hierarchy's path, else cgroup2's. */
void shim_container_find_cgroup(struct shim_container *c)
{
	char path[64], line[4096], *v2 = NULL, *v1 = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)c->init->pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		char *ctl = strchr(line, ':'), *p = ctl ? strchr(ctl + 1, ':') : NULL;
		if (p == NULL)
			continue;
		*p++ = '\0';
		p[strcspn(p, "\n")] = '\0';
		if (strcmp(ctl + 1, "") == 0 && v2 == NULL)
			v2 = strdup(p);
		for (char *save = NULL, *t = strtok_r(ctl + 1, ",", &save); t && !v1; t = strtok_r(NULL, ",", &save))
			if (strcmp(t, "memory") == 0)
				v1 = strdup(p);
	}
	if (f)
		fclose(f);
	free(c->cgroup_path);
	c->cgroup_path = v1 ? v1 : v2;
	if (v1)
		free(v2);
}

static struct mr_cgroup *cgroup(struct shim_container *c, struct mr_error **err)
{
	if (c->cgroup)
		return c->cgroup;
	if (c->cgroup_path == NULL) {
		mr_error_set(err, 0, "container %s: its cgroup is not known", c->o.id);
		return NULL;
	}
	c->cgroup = mr_cgroup_open(c->cgroup_path, c->o.id, err);
	return c->cgroup;
}

char *shim_container_stats(struct shim_container *c, struct mr_error **err)
{
	struct mr_cgroup *cg;

	if (c->status == SHIM_CREATING || c->status == SHIM_FAILED || c->status == SHIM_DELETED) {
		mr_error_set(err, 0, "container %s is %s", c->o.id, shim_status_name(c->status));
		return NULL;
	}
	cg = cgroup(c, err);
	return cg ? mr_cgroup_stats_json(cg, err) : NULL;
}

char *shim_container_pids(struct shim_container *c, struct mr_error **err)
{
	struct mr_cgroup *cg = c->status == SHIM_CREATING || c->status == SHIM_FAILED ? NULL : cgroup(c, err);
	size_t n = 0;
	pid_t *pids;
	yajl_gen g;

	if (cg == NULL) {
		if (err && *err == NULL)
			mr_error_set(err, 0, "container %s is %s", c->o.id, shim_status_name(c->status));
		return NULL;
	}
	pids = mr_cgroup_pids(cg, &n, err);
	if (pids == NULL)
		return NULL;
	g = mr_jw_new();
	mr_jw_arr(g, NULL);
	for (size_t i = 0; i < n; i++)
		mr_jw_int(g, NULL, pids[i]);
	mr_jw_arr_end(g);
	free(pids);
	return mr_jw_finish(g, NULL);
}

void shim_container_learn_oom(struct shim_container *c)
{
	struct mr_error *err = NULL;
	struct mr_cgroup *cg = cgroup(c, &err);

	mr_error_free(err);
	if (cg && mr_cgroup_oom_count(cg) > 0)
		c->oom_killed = true;
}

/* ---- the exit command */

static void exit_command_done(struct shim_child *ch, int status)
{
	/* reaped; what it did is its own business */
}

void shim_container_run_exit_command(struct shim_container *c)
{
	struct shim_spawn sp = { .path = c->exit_command ? c->exit_command[0] : NULL,
				 .argv = c->exit_command,
				 .fds = { -1, -1, -1 },
				 .nfds = 3,
				 .cwd = "/",
				 .oom_score_adj = c->o.oom_score_adj };
	struct mr_error *err = NULL;
	pid_t pid;

	if (sp.path == NULL)
		return;
	pid = shim_spawn(&sp, &err);
	mr_error_free(err);
	if (pid > 0)
		shim_loop_watch_child(c->loop, &c->exit_cmd, pid, exit_command_done, c);
}
