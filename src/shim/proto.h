/* minirun-shim's control protocol (schemas/shim-protocol.json): one JSON
 * object per line, {"op": OP, ...arguments}. This parses and checks one
 * request line into a typed request, with errors that name the op and the
 * field ("kill: signal: \"FOO\" is not a signal"), and nothing else: the
 * parser of outside input, fuzzed by tests/fuzz/fuzz-shim-proto.c. */
#ifndef MINIRUN_SHIM_PROTO_H
#define MINIRUN_SHIM_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/json.h"

#define SHIM_LINE_MAX (1u << 20) /* a request line, without its '\n' */
#define SHIM_STATS_INTERVAL_MIN 10
#define SHIM_STATS_INTERVAL_MAX 3600000

enum shim_op {
	SHIM_OP_STATE,
	SHIM_OP_START,
	SHIM_OP_WAIT,
	SHIM_OP_KILL,
	SHIM_OP_LOGS,
	SHIM_OP_ATTACH,
	SHIM_OP_RESIZE,
	SHIM_OP_EXEC,
	SHIM_OP_STATS,
	SHIM_OP_PAUSE,
	SHIM_OP_RESUME,
	SHIM_OP_UPDATE,
	SHIM_OP_DELETE,
	SHIM_OP_PS,
	SHIM_OP_STDIN,  /* on an attach or exec stream */
	SHIM_OP_DETACH, /* on an attach or exec stream */
};

struct shim_request {
	enum shim_op op;
	const char *op_name;
	struct mr_json *doc;          /* owns what the pointers below point into */
	const char *exec_id;          /* wait, kill, resize: "exec"; exec: "id"; NULL: none */
	int signal;                   /* kill: default SIGTERM */
	bool all, force, follow;
	bool want_stdin, want_stdout, want_stderr; /* attach, logs, exec */
	long tail;                    /* logs: -1 (default) all */
	int64_t since;                /* logs: ns since the epoch, 0: none */
	unsigned rows, cols;          /* resize */
	const struct mr_json *process;   /* exec */
	const struct mr_json *resources; /* update */
	unsigned interval_ms;         /* stats: 0 one answer, else a stream */
	char *data;                   /* stdin: the bytes (malloc'ed) */
	size_t len;
	bool eof;                     /* stdin: close the process' stdin */
};

/* Parse one line (without '\n'). On error req holds nothing to clear. */
int shim_request_parse(const char *line, size_t len, struct shim_request *req, struct mr_error **err);
void shim_request_clear(struct shim_request *req);

/* The names of all ops, ", "-separated, for messages and --help. */
const char *shim_op_names(void);

#endif
