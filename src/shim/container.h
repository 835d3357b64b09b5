/* The state keeping of one container: its processes (the init and those
 * started by exec), its status and times, its log, and the runtime calls
 * that change it, all on the event loop. This is what the JSON face
 * (minirun-shim) and the ttrpc face (containerd-shim-minirun-v2) share:
 * a face turns requests into these calls and answers from their
 * callbacks. Several containers may live in one loop (a pod's group).
 *
 * Every change is written to <state-dir>/state.json at once (a temporary
 * file renamed over it), so a client that comes later, even after the shim
 * is gone, still learns the status and the exit codes.
 *
 * Operations are asynchronous: done() gets NULL on success or one error
 * line. A request refused at once is answered before the call returns. */
#ifndef MINIRUN_SHIM_CONTAINER_H
#define MINIRUN_SHIM_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "shim/crilog.h"
#include "shim/loop.h"
#include "shim/proc.h"
#include "util/error.h"
#include "util/json.h"

#define SHIM_MAX_EXECS 256        /* exec processes running at once */
#define SHIM_KEEP_EXITED_EXECS 32 /* exited ones whose exit codes are kept */
#define SHIM_EXEC_ID_MAX 128

enum shim_status {
	SHIM_CREATING,
	SHIM_CREATED,
	SHIM_RUNNING,
	SHIM_PAUSED,
	SHIM_STOPPED,
	SHIM_DELETED,
	SHIM_FAILED, /* create failed; shim_container_error says why */
};
/* "creating", "created", "running", "paused", "stopped", "deleted", "failed" */
const char *shim_status_name(enum shim_status s);

struct shim_container_opts {
	const char *id;
	const char *bundle;       /* absolute */
	const char *state_dir;    /* absolute, exists */
	const char *runtime;      /* the runtime binary, absolute */
	const char *runtime_root; /* its --root, or NULL */
	const char *log_path;     /* CRI log, or NULL: output not kept */
	uint64_t log_max_size;    /* 0: no rotation */
	bool terminal;            /* the init gets a pty (console socket) */
	bool stdin;               /* the init keeps a stdin to write to */
	unsigned preserve_fds;    /* the shim's fds 3 .. 3+N-1 go to the init (create --preserve-fds) */
	char *const *exit_command; /* argv, run after the exit is drained; NULL: none */
	const char *oom_score_adj; /* the caller's own, restored in what the shim runs */
	pid_t shim_pid;            /* written to state.json */
	unsigned long long shim_start_time; /* field 22 of /proc/<shim_pid>/stat */
};

struct shim_container;
typedef void (*shim_done_fn)(void *data, const char *error);
typedef void (*shim_exec_fn)(void *data, struct shim_proc *p, const char *error);
typedef void (*shim_change_fn)(struct shim_container *c, void *data);

struct shim_container *shim_container_new(struct shim_loop *loop, const struct shim_container_opts *o,
					  struct mr_error **err);
/* Frees memory and closes fds; the container itself is left as it is. */
void shim_container_free(struct shim_container *c);

/* Called after every change of status, exec start or exit, once
 * state.json is written. */
void shim_container_on_change(struct shim_container *c, shim_change_fn fn, void *data);

const char *shim_container_id(const struct shim_container *c);
enum shim_status shim_container_status(const struct shim_container *c);
const char *shim_container_error(const struct shim_container *c);
const struct shim_container_opts *shim_container_opts(const struct shim_container *c);
struct shim_proc *shim_container_init(struct shim_container *c);
struct shim_crilog *shim_container_log(struct shim_container *c); /* NULL without a log */
/* exec_id NULL or "": the init; NULL when there is no such process. */
struct shim_proc *shim_container_proc(struct shim_container *c, const char *exec_id);
struct shim_proc *shim_container_execs(struct shim_container *c); /* a list through ->next */
bool shim_container_oom_killed(const struct shim_container *c);
/* The init has exited (or never will: failed, deleted): no more output. */
bool shim_container_over(const struct shim_container *c);

/* `runtime create`: the init with its stdio (pipes or a pty), its pid,
 * status created. On failure, status failed; the error is the runtime's
 * own line (the last it wrote on stderr), else its JSON log's message. */
void shim_container_create(struct shim_container *c, shim_done_fn done, void *data);
void shim_container_start(struct shim_container *c, shim_done_fn done, void *data);
/* exec_id NULL: the container (`runtime kill [--all]`); else that exec
 * process, signalled directly (it is the shim's child until reaped). */
void shim_container_kill(struct shim_container *c, const char *exec_id, int sig, bool all, shim_done_fn done,
			 void *data);
void shim_container_pause(struct shim_container *c, shim_done_fn done, void *data);
void shim_container_resume(struct shim_container *c, shim_done_fn done, void *data);
/* resources: a LinuxResources object (`runtime update --resources FILE`). */
void shim_container_update(struct shim_container *c, const struct mr_json *resources, shim_done_fn done,
			   void *data);
/* `runtime delete [--force]`: status deleted. */
void shim_container_delete(struct shim_container *c, bool force, shim_done_fn done, void *data);
/* process: an OCI process object; its "terminal" decides the pty.
 * exec_id NULL: one is made up ("exec-N"). done() gets the process,
 * running; sinks it adds there see all of its output (the output is
 * watched once done() returns). */
void shim_container_exec(struct shim_container *c, const char *exec_id, const struct mr_json *process,
			 bool with_stdin, shim_exec_fn done, void *data);
/* An exec id is 1 to SHIM_EXEC_ID_MAX of [A-Za-z0-9_.-], not starting
 * with '.' (it names files in the state dir). */
int shim_exec_id_validate(const char *id, struct mr_error **err);

/* The container's cgroup, read directly (v1, hybrid, v2): runc's `events
 * --stats` object (cpu, memory, pids, blkio), and the pids in it as a
 * JSON array; malloc'ed JSON text. */
char *shim_container_stats(struct shim_container *c, struct mr_error **err);
char *shim_container_pids(struct shim_container *c, struct mr_error **err);

/* state.json's object, also the answer to a state request (malloc'ed,
 * NUL-terminated, *len its length). */
char *shim_container_state_json(const struct shim_container *c, size_t *len);
/* Write state.json now (also done on every change). */
int shim_container_save(struct shim_container *c, struct mr_error **err);

#endif
