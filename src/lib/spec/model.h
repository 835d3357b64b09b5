/* The generic model engine: parse, validate types, emit and free C structs
 * described by descriptor tables.
 *
 * The tables and the structs themselves are generated from the JSON Schemas
 * in schemas/ by gen-model.py (oci-model.gen.h / .gen.c), so the schema and
 * the code cannot drift. How a value is stored in a struct member:
 *
 *   string   char *x                  NULL when absent
 *   boolean  bool x;    bool has_x
 *   integer  intN_t x;  bool has_x    (N and signedness from the schema)
 *   object   struct T *x              NULL when absent
 *   array    ELEM *x;   size_t x_len  NULL when absent; objects inline;
 *                                     x[x_len] is zeroed (string arrays
 *                                     end with NULL, as execve wants)
 *   map      struct M *x              M = { size_t len; char **keys; VAL *values; }
 */
#ifndef MINIRUN_SPEC_MODEL_H
#define MINIRUN_SPEC_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>

#include "util/error.h"
#include "util/json.h"

enum mr_kind {
	MR_STRING,
	MR_BOOL,
	MR_INT, /* signed, size 1/2/4/8 */
	MR_UINT, /* unsigned, size 1/2/4/8 */
	MR_OBJECT,
	MR_ARRAY,
	MR_MAP,
};

struct mr_field;

struct mr_type {
	enum mr_kind kind;
	const char *name; /* "integer", "string", or the struct's C name */
	size_t size; /* bytes one value takes inline (array slot, map value) */
	int64_t min; /* MR_INT */
	uint64_t max; /* MR_INT, MR_UINT */
	const char *const *enum_values; /* MR_STRING: NULL-terminated, or NULL */
	const char *what; /* MR_STRING enum: "namespace" -> unknown namespace "x" */
	const struct mr_field *fields; /* MR_OBJECT */
	size_t n_fields;
	const struct mr_type *elem; /* MR_ARRAY item, MR_MAP value */
};

struct mr_field {
	const char *json_name;
	const struct mr_type *type;
	size_t offset; /* the member holding the value */
	size_t aux; /* has_x (bool, integers) or x_len (arrays) */
	bool required;
};

/* Every generated map struct has this layout. */
struct mr_map {
	size_t len;
	char **keys;
	void *values;
};

/* Fill the struct at `out` (of object type `t`, zeroed by the caller) from
 * `json`. Errors name the JSON path: "linux.namespaces[3].type: unknown
 * namespace \"bogus\"". Unknown properties are ignored. On failure `out` may
 * be partly filled: free it with mr_model_clear(). */
int mr_model_parse(const struct mr_type *t, const struct mr_json *json, void *out, struct mr_error **err);

/* Free everything the struct at `obj` owns (not `obj` itself). */
void mr_model_clear(const struct mr_type *t, void *obj);

/* Write the struct as a JSON object, members in schema order. */
int mr_model_emit(const struct mr_type *t, const void *obj, yajl_gen g);

/* Serialize to a malloc'ed NUL-terminated string (pretty: tab-indented,
 * newline-terminated, like `runc spec`). */
char *mr_model_to_string(const struct mr_type *t, const void *obj, bool pretty, struct mr_error **err);

/* A deep copy (malloc'ed), or NULL with err set. */
void *mr_model_dup(const struct mr_type *t, const void *obj, struct mr_error **err);

#endif
