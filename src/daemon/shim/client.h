/* minirund's side of minirun-shim (schemas/shim-protocol.json): starting a
 * shim, one connection per request on its control socket (a JSON request
 * line, then JSON response lines: one, or a stream of them for wait, logs,
 * attach, exec, stats), and its state.json for when it is gone. All of it
 * non-blocking on the loop: a slow or stuck shim holds up nothing else. */
#ifndef MINIRUND_SHIM_CLIENT_H
#define MINIRUND_SHIM_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "loop.h"
#include "util/error.h"
#include "util/json.h"

/* ---- running a program (the shim's foreground part) */

/* status: the wait status; output: what it wrote to stdout and stderr
 * (bounded), NUL-terminated. */
typedef void (*mrd_spawn_fn)(void *data, int status, const char *output);
int mrd_spawn(struct mrd_loop *loop, char *const *argv, mrd_spawn_fn fn, void *data, struct mr_error **err);

/* ---- requests */

struct mrd_shim_call;
/* Each response line, parsed (NULL when a line is not JSON). */
typedef void (*mrd_shim_line_fn)(struct mrd_shim_call *call, const struct mr_json *msg, void *data);
/* The connection ended (err 0 when the shim closed it after its answer):
 * the last callback. */
typedef void (*mrd_shim_end_fn)(struct mrd_shim_call *call, int err, void *data);

/* Connect to the socket and send request (one JSON object, no newline). */
struct mrd_shim_call *mrd_shim_call(struct mrd_loop *loop, const char *socket, const char *request,
				    mrd_shim_line_fn on_line, mrd_shim_end_fn on_end, void *data, struct mr_error **err);
/* Another line on the same connection (attach/exec stdin). */
int mrd_shim_send(struct mrd_shim_call *call, const char *line, size_t len);
/* Shut down our writing side (stdin closed). */
void mrd_shim_send_eof(struct mrd_shim_call *call);
/* Hang up: no more callbacks but the end one. */
void mrd_shim_hangup(struct mrd_shim_call *call);

/* ---- state.json */

struct mrd_shim_state {
	int64_t pid, shim_pid;
	char status[16]; /* creating created running paused stopped unknown */
	bool has_exit, oom_killed;
	int exit_code;
	int64_t started_at, exited_at;
	bool shim_alive; /* shimPid runs and is the shim (shimStartTime) */
};
int mrd_shim_read_state(const char *state_dir, struct mrd_shim_state *st, struct mr_error **err);

#endif

/* ---- the stream messages of attach and exec (one place for the wire
 * form of schemas/shim-protocol.json) */

/* Output: {"stream": "stdout"|"stderr", "data": TEXT} or "data64": BASE64.
 * Returns 1 with *stream (1, 2) and the bytes (malloc'ed), 0 when msg is
 * not output, -1 when it is malformed. */
int mrd_shim_msg_output(const struct mr_json *msg, int *stream, char **bytes, size_t *len);
/* The message ending a stream: {"exit": ...} or {"eof": true}. */
bool mrd_shim_msg_end(const struct mr_json *msg);
/* Stdin for the process: {"op": "stdin", "data"|"data64": ...} (malloc'ed line). */
char *mrd_shim_stdin_line(const char *bytes, size_t len);
/* {"op": "stdin", "eof": true}: the process' stdin is closed. */
const char *mrd_shim_stdin_eof_line(void);
