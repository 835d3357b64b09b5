/* docker exec: exec instances (kept in memory, as dockerd keeps them),
 * run in the container through its shim's exec. */
#ifndef MINIRUND_MANAGER_EXEC_H
#define MINIRUND_MANAGER_EXEC_H

#include <stdbool.h>
#include <stdint.h>

#include "conn.h"
#include "manager/ctrs.h"
#include "util/json.h"

struct mrd_shim_call;
struct mrd_bridge;

struct mrd_exec {
	char id[65];
	struct mrd_ctr *c; /* NULL once its container is gone */
	char **argv;
	size_t argc;
	char **env;
	size_t nenv;
	char *user, *workdir;
	bool tty, attach_in, attach_out, attach_err, privileged;
	bool running, started;
	int exit_code;
	bool has_exit;
	int pid;
	int console_h, console_w;
	char *detach_keys;
	int64_t ended_at;
	struct mrd_bridge *b; /* while it runs */
	struct mrd_shim_call *wait_call;
	int refs;
	struct mrd_exec *next;      /* in the daemon's list */
	struct mrd_exec *next_ctr;  /* in the container's list */
};

/* POST /containers/{id}/exec: body checked (Cmd, Env, User, WorkingDir,
 * Tty, Attach*, Privileged, DetachKeys, ConsoleSize). */
struct mrd_exec *mrd_exec_create(struct mrd_ctr *c, const struct mr_json *body, struct mr_error **err);
struct mrd_exec *mrd_exec_find(struct mrd_daemon *d, const char *id);
/* Start it; client NULL: detached. */
int mrd_exec_start(struct mrd_exec *x, struct mrd_conn *client, const char *extra, size_t extra_len,
		   struct mr_error **err);
void mrd_exec_resize(struct mrd_exec *x, int rows, int cols, mrd_done_fn done, void *data);
void mrd_exec_container_exited(struct mrd_ctr *c);
void mrd_exec_forget_all(struct mrd_ctr *c);
/* The container's exec ids (for its inspect), NULL-terminated, malloc'ed. */
struct mrd_exec *mrd_exec_first_of(struct mrd_ctr *c);

#endif
