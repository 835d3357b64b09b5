/* A small JSON document tree read with yajl's event parser.
 *
 * Why not yajl_tree: we want the line and column of a syntax error, numbers
 * kept as their source text (so the model can check int64/uint64 ranges
 * exactly), and hard limits on size and nesting so that a hostile file gets
 * an error instead of exhausting memory or the stack. */
#ifndef MINIRUN_UTIL_JSON_H
#define MINIRUN_UTIL_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

#define MR_JSON_MAX_DEPTH 64
#define MR_JSON_MAX_BYTES (64u << 20)

enum mr_json_kind {
	MR_JSON_NULL,
	MR_JSON_BOOL,
	MR_JSON_NUMBER,
	MR_JSON_STRING,
	MR_JSON_ARRAY,
	MR_JSON_OBJECT,
};

struct mr_json {
	enum mr_json_kind kind;
	bool boolean;
	char *text; /* NUMBER: source text; STRING: the value (NUL-terminated) */
	size_t len; /* ARRAY: items; OBJECT: members */
	size_t cap;
	char **keys; /* OBJECT */
	struct mr_json **items; /* ARRAY items, OBJECT values */
};

/* Parse a whole document. On a syntax error the message reads
 * "line L, column C: parse error: ...". */
struct mr_json *mr_json_parse(const char *buf, size_t len, struct mr_error **err);

/* Read and parse a file (at most MR_JSON_MAX_BYTES). */
struct mr_json *mr_json_parse_file(const char *path, struct mr_error **err);

/* Read a whole file or fd into a NUL-terminated buffer (size-bounded). */
char *mr_read_fd(int fd, size_t max, size_t *len, struct mr_error **err);

/* Member of an object by key, NULL if absent (the last one wins on
 * duplicates, as with Go's encoding/json). */
const struct mr_json *mr_json_get(const struct mr_json *obj, const char *key);

/* "string \"abc\"", "number 1.5", "object", ... for error messages. */
void mr_json_describe(const struct mr_json *v, char *buf, size_t size);

void mr_json_free(struct mr_json *v);

#endif
