/* What the files of the container module share (container.c: the
 * lifecycle; container-exec.c: exec processes; container-state.c:
 * state.json, the cgroup, the exit command). Nothing outside them. */
#ifndef MINIRUN_SHIM_CONTAINER_INTERNAL_H
#define MINIRUN_SHIM_CONTAINER_INTERNAL_H

#include "cgroup/cgroup.h"
#include "shim/console.h"
#include "shim/container.h"
#include "shim/runtime.h"

struct shim_container {
	struct shim_loop *loop;
	struct shim_container_opts o; /* strings owned (copied) */
	char **exit_command;
	enum shim_status status;
	char *error;
	struct shim_rtq rtq;
	char *rt_log; /* the runtime's --log (JSON lines) */
	struct shim_proc *init;
	struct shim_proc *execs; /* newest first */
	unsigned exec_seq;
	struct shim_crilog *log;
	struct shim_sink log_sink;
	int64_t created_at, started_at;
	char *cgroup_path;        /* from /proc/<init>/cgroup */
	struct mr_cgroup *cgroup; /* opened at first use */
	bool oom_killed;
	struct shim_console console; /* during the create, with a terminal */
	struct shim_child exit_cmd;
	shim_change_fn on_change;
	void *on_change_data;
};

/* A path in the state dir (malloc'ed, NULL when out of memory). */
char *shim_state_path(const struct shim_container *c, const char *name);
/* The pid a runtime wrote to a pid file; -1 with an error. */
pid_t shim_read_pid_file(const char *path, struct mr_error **err);
/* state.json written and the change told. */
void shim_container_changed(struct shim_container *c);
/* Where the init's cgroup is, read once it runs. */
void shim_container_find_cgroup(struct shim_container *c);
/* At the init's exit: OOM kills counted, the exit command started. */
void shim_container_learn_oom(struct shim_container *c);
void shim_container_run_exit_command(struct shim_container *c);
/* One error line: the last line of text, else fallback (malloc'ed). */
char *shim_error_line(const char *text, const char *fallback);
/* Free exited exec processes beyond the ones kept (never spare). */
void shim_container_trim_execs(struct shim_container *c, struct shim_proc *spare);
/* Write a JSON value to a new file (mode 0600); -1 with errno. */
/* path replaced atomically by text (a NULL text: empty); -1 with errno */
int shim_write_file(const char *path, const char *text, size_t len);
int shim_write_json_file(const char *path, const struct mr_json *v);
/* Close the child's ends of a process' stdio once the runtime has them. */
void shim_close_fds(int fds[3]);

#endif
