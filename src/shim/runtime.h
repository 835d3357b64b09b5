/* Running the OCI runtime (minirun, runc, crun: anything with runc's
 * command line) from the event loop: `<runtime> [--root DIR] --log FILE
 * --log-format json <verb> ...`, one call at a time per container (a
 * queue), never blocking the loop. The result carries the exit status,
 * the captured stdout (ps), and one error line: the runtime's own, the
 * last line it wrote on stderr, else the last "error" entry the call added
 * to its JSON log (what containerd reads). */
#ifndef MINIRUN_SHIM_RUNTIME_H
#define MINIRUN_SHIM_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "shim/buf.h"
#include "shim/loop.h"
#include "util/error.h"

struct shim_runtime {
	const char *path;          /* the runtime binary */
	const char *root;          /* its --root, NULL: its default */
	const char *log_path;      /* its --log (JSON lines) */
	const char *cwd;           /* where it runs (the bundle, as containerd does) */
	const char *oom_score_adj; /* the caller's own, restored in the runtime */
};

struct shim_rt_result {
	int status;  /* wait status; -1: it did not start */
	bool ok;     /* exited 0 */
	const char *error;        /* one line, "" when ok */
	const char *out;          /* captured stdout (with SHIM_RT_CAPTURE) */
	size_t out_len;
	pid_t pid;
};

#define SHIM_RT_CAPTURE (-2) /* in fds[]: a pipe the queue reads */
#define SHIM_RT_NULL (-1)    /* in fds[]: /dev/null */

struct shim_rt_job;
typedef void (*shim_rt_fn)(struct shim_rt_job *job, const struct shim_rt_result *res);

struct shim_rtq;

struct shim_rt_job {
	char **args;  /* verb and its arguments, NULL-terminated (owned) */
	int fds[3];   /* the runtime's stdio: an fd (not owned), SHIM_RT_NULL or SHIM_RT_CAPTURE */
	unsigned keep_fds; /* the shim's fds 3 .. 3+N-1 passed on as they are (create --preserve-fds) */
	shim_rt_fn done;
	void *data;
	/* internal */
	struct shim_rtq *q;
	struct shim_rt_job *next;
	struct shim_child child;
	struct shim_watch out_w, err_w;
	int out_fd, err_fd;
	struct shim_buf out, err;
	off_t log_off;
	char *error;
	struct shim_defer finish;
	int status;
};

struct shim_rtq {
	struct shim_loop *loop;
	struct shim_runtime rt;
	struct shim_rt_job *head, *tail; /* head runs */
	struct shim_defer kick;
};

void shim_rtq_init(struct shim_rtq *q, struct shim_loop *loop, const struct shim_runtime *rt);

/* A job for `verb args...` (NULL-terminated), stdio /dev/null, stderr
 * captured. NULL when out of memory. */
struct shim_rt_job *shim_rt_job_new(shim_rt_fn done, void *data, const char *verb, ...)
	__attribute__((sentinel));
/* A job never submitted. */
void shim_rt_job_free(struct shim_rt_job *job);
/* Append one more argument; -1 when out of memory. */
int shim_rt_job_arg(struct shim_rt_job *job, const char *arg);

/* Queue it; done() is called exactly once, never from inside submit, and
 * the job is freed after it returns. */
void shim_rtq_submit(struct shim_rtq *q, struct shim_rt_job *job);
bool shim_rtq_busy(const struct shim_rtq *q);

/* The size of the runtime's JSON log now (where a call's entries begin). */
off_t shim_rt_log_size(const struct shim_rtq *q);
/* The last "level":"error" message in a runtime's JSON log from offset
 * off on (malloc'ed, NULL if none). */
char *shim_rt_log_error(const char *log_path, off_t off);

/* The last non-empty line of text (malloc'ed, NULL if none). */
char *shim_last_line(const char *text, size_t len);

#endif
