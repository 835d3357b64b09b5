#include "jsonw.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

yajl_gen jw_new(void)
{
	return yajl_gen_alloc(NULL);
}

void jw_key(yajl_gen g, const char *key)
{
	if (key != NULL)
		yajl_gen_string(g, (const unsigned char *)key, strlen(key));
}

void jw_str(yajl_gen g, const char *key, const char *v)
{
	jw_key(g, key);
	if (v == NULL)
		yajl_gen_null(g);
	else
		yajl_gen_string(g, (const unsigned char *)v, strlen(v));
}

void jw_strn(yajl_gen g, const char *key, const char *v, size_t len)
{
	jw_key(g, key);
	yajl_gen_string(g, (const unsigned char *)v, len);
}

void jw_int(yajl_gen g, const char *key, int64_t v)
{
	jw_key(g, key);
	yajl_gen_integer(g, v);
}

void jw_uint(yajl_gen g, const char *key, uint64_t v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);
	jw_key(g, key);
	yajl_gen_number(g, buf, (size_t)n);
}

void jw_double(yajl_gen g, const char *key, double v)
{
	jw_key(g, key);
	yajl_gen_double(g, v);
}

void jw_bool(yajl_gen g, const char *key, bool v)
{
	jw_key(g, key);
	yajl_gen_bool(g, v);
}

void jw_null(yajl_gen g, const char *key)
{
	jw_key(g, key);
	yajl_gen_null(g);
}

void jw_obj(yajl_gen g, const char *key)
{
	jw_key(g, key);
	yajl_gen_map_open(g);
}

void jw_obj_end(yajl_gen g)
{
	yajl_gen_map_close(g);
}

void jw_arr(yajl_gen g, const char *key)
{
	jw_key(g, key);
	yajl_gen_array_open(g);
}

void jw_arr_end(yajl_gen g)
{
	yajl_gen_array_close(g);
}

void jw_strv(yajl_gen g, const char *key, char *const *v, size_t n)
{
	if (v == NULL) {
		jw_null(g, key);
		return;
	}
	jw_arr(g, key);
	for (size_t i = 0; i < n; i++)
		jw_str(g, NULL, v[i]);
	jw_arr_end(g);
}

void jw_tree(yajl_gen g, const char *key, const struct mr_json *v)
{
	jw_key(g, key);
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
		yajl_gen_number(g, v->text, strlen(v->text));
		break;
	case MR_JSON_STRING:
		yajl_gen_string(g, (const unsigned char *)v->text, v->len);
		break;
	case MR_JSON_ARRAY:
		yajl_gen_array_open(g);
		for (size_t i = 0; i < v->len; i++)
			jw_tree(g, NULL, v->items[i]);
		yajl_gen_array_close(g);
		break;
	case MR_JSON_OBJECT:
		yajl_gen_map_open(g);
		for (size_t i = 0; i < v->len; i++)
			jw_tree(g, v->keys[i], v->items[i]);
		yajl_gen_map_close(g);
		break;
	}
}

void mrd_format_time(int64_t unix_ns, char *buf, size_t size)
{
	struct tm tm;
	time_t secs;
	int64_t frac;
	char frac_s[16] = "";

	if (unix_ns <= 0) {
		snprintf(buf, size, "0001-01-01T00:00:00Z");
		return;
	}
	secs = (time_t)(unix_ns / 1000000000);
	frac = unix_ns % 1000000000;
	gmtime_r(&secs, &tm);
	if (frac != 0) {
		/* Go's RFC3339Nano: trailing zeros dropped */
		snprintf(frac_s, sizeof(frac_s), ".%09" PRId64, frac);
		for (size_t n = strlen(frac_s); n > 1 && frac_s[n - 1] == '0'; n--)
			frac_s[n - 1] = '\0';
	}
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%sZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, frac_s);
}

void jw_time(yajl_gen g, const char *key, int64_t unix_ns)
{
	char buf[64];
	mrd_format_time(unix_ns, buf, sizeof(buf));
	jw_str(g, key, buf);
}

const char *jw_buf(yajl_gen g, size_t *len)
{
	const unsigned char *buf = NULL;
	yajl_gen_get_buf(g, &buf, len);
	return (const char *)buf;
}

int64_t mrd_parse_time(const char *s)
{
	struct tm tm = {0};
	int64_t ns = 0, off = 0;
	const char *p;
	int n = 0;

	if (s == NULL || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
				&tm.tm_min, &tm.tm_sec, &n) != 6)
		return 0;
	p = s + n;
	if (*p == '.') {
		int digits = 0;
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (digits++ < 9)
				ns = ns * 10 + (*p - '0');
		for (; digits < 9; digits++)
			ns *= 10;
	}
	if (*p == '+' || *p == '-') {
		int h = 0, m = 0;
		if (sscanf(p + 1, "%2d:%2d", &h, &m) == 2)
			off = (*p == '+' ? 1 : -1) * (int64_t)(h * 3600 + m * 60);
	}
	if (tm.tm_year < 1 || tm.tm_year > 9999 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60 || tm.tm_hour < 0 ||
	    tm.tm_min < 0 || tm.tm_sec < 0)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	/* years past 2262 do not fit int64 nanoseconds */
	int64_t secs = (int64_t)timegm(&tm) - off;
	if (secs > INT64_MAX / 1000000000 - 1 || secs < INT64_MIN / 1000000000 + 1)
		return 0;
	return secs * 1000000000 + ns;
}
