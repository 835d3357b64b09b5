#include "util/jsonw.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

yajl_gen mr_jw_new(void)
{
	return yajl_gen_alloc(NULL);
}

void mr_jw_key(yajl_gen g, const char *key)
{
	if (g && key)
		yajl_gen_string(g, (const unsigned char *)key, strlen(key));
}

/* Copy with each byte that does not start a valid UTF-8 sequence replaced
 * by U+FFFD (error messages may quote anything). */
static char *sanitize(const char *v, size_t n, size_t *out_len)
{
	char *o = malloc(n * 3 + 1);
	size_t k = 0;

	if (o == NULL)
		return NULL;
	for (size_t i = 0; i < n;) {
		size_t len = 1;
		unsigned char c = (unsigned char)v[i];
		if (c >= 0x80) {
			len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
			if (i + len > n || !mr_utf8_valid(v + i, len)) {
				memcpy(o + k, "\xef\xbf\xbd", 3);
				k += 3;
				i++;
				continue;
			}
		}
		memcpy(o + k, v + i, len);
		k += len;
		i += len;
	}
	*out_len = k;
	return o;
}

void mr_jw_strn(yajl_gen g, const char *key, const char *v, size_t n)
{
	size_t len = 0;
	char *s;

	if (g == NULL)
		return;
	mr_jw_key(g, key);
	if (v == NULL) {
		yajl_gen_null(g);
		return;
	}
	if (mr_utf8_valid(v, n)) {
		yajl_gen_string(g, (const unsigned char *)v, n);
		return;
	}
	s = sanitize(v, n, &len);
	yajl_gen_string(g, (const unsigned char *)(s ? s : ""), s ? len : 0);
	free(s);
}

void mr_jw_str(yajl_gen g, const char *key, const char *v)
{
	mr_jw_strn(g, key, v, v ? strlen(v) : 0);
}

static void number(yajl_gen g, const char *key, const char *text, int n)
{
	if (g == NULL)
		return;
	mr_jw_key(g, key);
	yajl_gen_number(g, text, (size_t)n);
}

void mr_jw_int(yajl_gen g, const char *key, int64_t v)
{
	char num[24];
	number(g, key, num, snprintf(num, sizeof(num), "%" PRId64, v));
}

void mr_jw_uint(yajl_gen g, const char *key, uint64_t v)
{
	char num[24];
	number(g, key, num, snprintf(num, sizeof(num), "%" PRIu64, v));
}

void mr_jw_double(yajl_gen g, const char *key, double v)
{
	if (g == NULL)
		return;
	mr_jw_key(g, key);
	yajl_gen_double(g, v);
}

void mr_jw_bool(yajl_gen g, const char *key, bool v)
{
	if (g == NULL)
		return;
	mr_jw_key(g, key);
	yajl_gen_bool(g, v);
}

void mr_jw_null(yajl_gen g, const char *key)
{
	if (g == NULL)
		return;
	mr_jw_key(g, key);
	yajl_gen_null(g);
}

void mr_jw_obj(yajl_gen g, const char *key)
{
	if (g == NULL)
		return;
	mr_jw_key(g, key);
	yajl_gen_map_open(g);
}

void mr_jw_obj_end(yajl_gen g)
{
	if (g)
		yajl_gen_map_close(g);
}

void mr_jw_arr(yajl_gen g, const char *key)
{
	if (g == NULL)
		return;
	mr_jw_key(g, key);
	yajl_gen_array_open(g);
}

void mr_jw_arr_end(yajl_gen g)
{
	if (g)
		yajl_gen_array_close(g);
}

void mr_jw_strv(yajl_gen g, const char *key, char *const *v, size_t n)
{
	if (v == NULL) {
		mr_jw_null(g, key);
		return;
	}
	mr_jw_arr(g, key);
	for (size_t i = 0; i < n; i++)
		mr_jw_str(g, NULL, v[i]);
	mr_jw_arr_end(g);
}

void mr_jw_tree(yajl_gen g, const char *key, const struct mr_json *v)
{
	if (g == NULL)
		return;
	mr_jw_key(g, key);
	if (v == NULL) {
		yajl_gen_null(g);
		return;
	}
	switch (v->kind) {
	case MR_JSON_NULL:
		yajl_gen_null(g);
		break;
	case MR_JSON_BOOL:
		yajl_gen_bool(g, v->boolean);
		break;
	case MR_JSON_NUMBER:
		yajl_gen_number(g, v->text, v->len);
		break;
	case MR_JSON_STRING:
		mr_jw_strn(g, NULL, v->text, v->len);
		break;
	case MR_JSON_ARRAY:
		yajl_gen_array_open(g);
		for (size_t i = 0; i < v->len; i++)
			mr_jw_tree(g, NULL, v->items[i]);
		yajl_gen_array_close(g);
		break;
	case MR_JSON_OBJECT:
		yajl_gen_map_open(g);
		for (size_t i = 0; i < v->len; i++)
			mr_jw_tree(g, v->keys[i], v->items[i]);
		yajl_gen_map_close(g);
		break;
	}
}

void mr_jw_time(yajl_gen g, const char *key, int64_t unix_ns)
{
	char buf[MR_TIME_LEN + 1];

	mr_time_format_go(unix_ns, buf, sizeof(buf));
	mr_jw_str(g, key, buf);
}

void mr_jw_bytes(yajl_gen g, const void *p, size_t n)
{
	char *b;

	if (g == NULL)
		return;
	/* NUL is valid UTF-8, but a C reader's strings end there */
	if (memchr(p, '\0', n) == NULL && mr_utf8_valid(p, n)) {
		mr_jw_key(g, "data");
		yajl_gen_string(g, p, n);
		return;
	}
	b = malloc(mr_base64_len(n) + 1);
	mr_jw_key(g, "data64");
	if (b == NULL) {
		yajl_gen_null(g);
		return;
	}
	mr_base64_encode(p, n, b);
	yajl_gen_string(g, (const unsigned char *)b, strlen(b));
	free(b);
}

const char *mr_jw_buf(yajl_gen g, size_t *len)
{
	const unsigned char *buf = NULL;

	*len = 0;
	if (g == NULL || yajl_gen_get_buf(g, &buf, len) != yajl_gen_status_ok) {
		*len = 0;
		return NULL;
	}
	return (const char *)buf;
}

char *mr_jw_finish(yajl_gen g, size_t *len)
{
	size_t n;
	const char *buf = mr_jw_buf(g, &n);
	char *s = buf ? strndup(buf, n) : NULL;

	if (len)
		*len = s ? n : 0;
	if (g)
		yajl_gen_free(g);
	return s;
}
