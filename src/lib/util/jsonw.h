/* Writing JSON with yajl_gen: members by key, array items with key NULL.
 * One writer for every program of the project (minirun-shim's protocol,
 * minirund's Docker answers). Strings that are not valid UTF-8 are written
 * with U+FFFD for each bad byte, so the output is always valid JSON; raw
 * bytes go as "data" (text) or "data64" (base64) by mr_jw_bytes. */
#ifndef MINIRUN_UTIL_JSONW_H
#define MINIRUN_UTIL_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>

#include "util/json.h"

/* A generator for one compact document; NULL when out of memory (every
 * mr_jw_ function takes a NULL generator and does nothing). */
yajl_gen mr_jw_new(void);

void mr_jw_key(yajl_gen g, const char *key); /* NULL: an array item follows */
void mr_jw_str(yajl_gen g, const char *key, const char *v); /* v NULL: null */
void mr_jw_strn(yajl_gen g, const char *key, const char *v, size_t n);
void mr_jw_int(yajl_gen g, const char *key, int64_t v);
void mr_jw_uint(yajl_gen g, const char *key, uint64_t v);
void mr_jw_double(yajl_gen g, const char *key, double v);
void mr_jw_bool(yajl_gen g, const char *key, bool v);
void mr_jw_null(yajl_gen g, const char *key);
void mr_jw_obj(yajl_gen g, const char *key);
void mr_jw_obj_end(yajl_gen g);
void mr_jw_arr(yajl_gen g, const char *key);
void mr_jw_arr_end(yajl_gen g);
/* An array of n strings; v NULL: null. */
void mr_jw_strv(yajl_gen g, const char *key, char *const *v, size_t n);
/* A parsed value written back out as it was (NULL: null). */
void mr_jw_tree(yajl_gen g, const char *key, const struct mr_json *v);
/* RFC 3339 in Go's RFC3339Nano form; 0 is "0001-01-01T00:00:00Z". */
void mr_jw_time(yajl_gen g, const char *key, int64_t unix_ns);
/* "data": "<text>" when the bytes are UTF-8 without NUL, else
 * "data64": "<base64>". */
void mr_jw_bytes(yajl_gen g, const void *p, size_t n);

/* The text written so far (owned by g; NULL with *len 0 for a NULL g). */
const char *mr_jw_buf(yajl_gen g, size_t *len);
/* The document as a malloc'ed NUL-terminated string; frees g. */
char *mr_jw_finish(yajl_gen g, size_t *len);

#endif
