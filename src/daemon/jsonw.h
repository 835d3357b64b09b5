/* Writing JSON (yajl_gen) in the shape of Docker's answers: members by
 * key, or array items with key NULL. */
#ifndef MINIRUND_JSONW_H
#define MINIRUND_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>

#include "util/json.h"

yajl_gen jw_new(void);
void jw_key(yajl_gen g, const char *key); /* NULL: an array item follows */
void jw_str(yajl_gen g, const char *key, const char *v); /* NULL v: null */
void jw_strn(yajl_gen g, const char *key, const char *v, size_t len);
void jw_int(yajl_gen g, const char *key, int64_t v);
void jw_uint(yajl_gen g, const char *key, uint64_t v);
void jw_double(yajl_gen g, const char *key, double v);
void jw_bool(yajl_gen g, const char *key, bool v);
void jw_null(yajl_gen g, const char *key);
void jw_obj(yajl_gen g, const char *key);
void jw_obj_end(yajl_gen g);
void jw_arr(yajl_gen g, const char *key);
void jw_arr_end(yajl_gen g);
/* An array of strings; v NULL writes null (Docker's nil slices). */
void jw_strv(yajl_gen g, const char *key, char *const *v, size_t n);
/* A parsed JSON value, re-emitted (NULL: null). */
void jw_tree(yajl_gen g, const char *key, const struct mr_json *v);
/* RFC 3339 with nanoseconds, UTC ("0001-01-01T00:00:00Z" for 0, as Go). */
void jw_time(yajl_gen g, const char *key, int64_t unix_ns);
void mrd_format_time(int64_t unix_ns, char *buf, size_t size);

/* RFC 3339 ("2024-01-02T03:04:05.123Z", "+01:00" offsets) to unix ns;
 * 0 when it is not one. */
int64_t mrd_parse_time(const char *s);

/* The text written so far (owned by g). */
const char *jw_buf(yajl_gen g, size_t *len);

#endif
