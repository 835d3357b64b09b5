#include "util/json.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_parse.h>

#include "util/cleanup.h"

struct builder {
	struct mr_json *root;
	struct mr_json *stack[MR_JSON_MAX_DEPTH + 1];
	size_t depth;
	char *pending_key; /* key read, value not yet seen */
	bool nul_key;
	bool too_deep;
	bool oom;
};

static int add_child(struct mr_json *parent, char *key, struct mr_json *v)
{
	if (parent->len == parent->cap) {
		size_t cap = parent->cap ? parent->cap * 2 : 4;
		struct mr_json **items = realloc(parent->items, cap * sizeof(*items));
		if (items == NULL)
			return -1;
		parent->items = items;
		if (parent->kind == MR_JSON_OBJECT) {
			char **keys = realloc(parent->keys, cap * sizeof(*keys));
			if (keys == NULL)
				return -1;
			parent->keys = keys;
		}
		parent->cap = cap;
	}
	if (parent->kind == MR_JSON_OBJECT)
		parent->keys[parent->len] = key;
	parent->items[parent->len++] = v;
	return 0;
}

/* Attach a new value to the current container (or make it the root). */
static struct mr_json *push_value(struct builder *b, enum mr_json_kind kind)
{
	struct mr_json *v = calloc(1, sizeof(*v));

	if (v == NULL) {
		b->oom = true;
		return NULL;
	}
	v->kind = kind;
	if (b->depth == 0) {
		b->root = v;
		return v;
	}
	if (add_child(b->stack[b->depth - 1], b->pending_key, v) < 0) {
		free(v);
		b->oom = true;
		return NULL;
	}
	b->pending_key = NULL;
	return v;
}

static int on_null(void *ctx)
{
	return push_value(ctx, MR_JSON_NULL) != NULL;
}

static int on_boolean(void *ctx, int val)
{
	struct mr_json *v = push_value(ctx, MR_JSON_BOOL);
	if (v)
		v->boolean = val;
	return v != NULL;
}

static int set_text(struct builder *b, struct mr_json *v, const unsigned char *s, size_t len)
{
	if (v == NULL)
		return 0;
	v->text = strndup((const char *)s, len);
	v->len = len;
	if (v->text == NULL)
		b->oom = true;
	return v->text != NULL;
}

static int on_number(void *ctx, const char *s, size_t len)
{
	return set_text(ctx, push_value(ctx, MR_JSON_NUMBER), (const unsigned char *)s, len);
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
	struct mr_json *v = push_value(ctx, MR_JSON_STRING);
	if (v == NULL)
		return 0;
	if (memchr(s, '\0', len) != NULL) {
		/* A NUL inside a string would silently truncate paths and
		 * arguments later on; keep it as an empty marker the model
		 * rejects. */
		v->kind = MR_JSON_NULL;
		v->boolean = true;
		return 1;
	}
	return set_text(ctx, v, s, len);
}

static int open_container(void *ctx, enum mr_json_kind kind)
{
	struct builder *b = ctx;
	struct mr_json *v;

	if (b->depth >= MR_JSON_MAX_DEPTH) {
		b->too_deep = true;
		return 0;
	}
	v = push_value(b, kind);
	if (v == NULL)
		return 0;
	b->stack[b->depth++] = v;
	return 1;
}

static int on_start_map(void *ctx)
{
	return open_container(ctx, MR_JSON_OBJECT);
}

static int on_start_array(void *ctx)
{
	return open_container(ctx, MR_JSON_ARRAY);
}

static int on_end(void *ctx)
{
	struct builder *b = ctx;
	b->depth--;
	return 1;
}

static int on_map_key(void *ctx, const unsigned char *s, size_t len)
{
	struct builder *b = ctx;

	/* A key with a NUL would be read as a shorter, different key. */
	if (memchr(s, '\0', len) != NULL) {
		b->nul_key = true;
		return 0;
	}
	free(b->pending_key);
	b->pending_key = strndup((const char *)s, len);
	if (b->pending_key == NULL)
		b->oom = true;
	return b->pending_key != NULL;
}

static const yajl_callbacks callbacks = {
	.yajl_null = on_null,
	.yajl_boolean = on_boolean,
	.yajl_number = on_number,
	.yajl_string = on_string,
	.yajl_start_map = on_start_map,
	.yajl_map_key = on_map_key,
	.yajl_end_map = on_end,
	.yajl_start_array = on_start_array,
	.yajl_end_array = on_end,
};

static void position(const char *buf, size_t off, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

/* Where yajl stopped: it counts the offending byte as consumed, so the
 * error is at consumed - 1; an error found only by yajl_complete_parse (the
 * input ended too early) is at the end of the input. */
static size_t error_offset(yajl_handle h, const char *buf, size_t len, bool at_end)
{
	size_t off = yajl_get_bytes_consumed(h);

	if (at_end || off > len)
		return len;
	/* Except for a comment: the lexer puts its '/' back before failing. */
	if (off < len && buf[off] == '/')
		return off;
	return off > 0 ? off - 1 : 0;
}

static void syntax_error(yajl_handle h, const char *buf, size_t off, struct mr_error **err)
{
	unsigned char *text = yajl_get_error(h, 0, NULL, 0);
	size_t line, col;
	char *nl;

	position(buf, off, &line, &col);
	nl = strchr((char *)text, '\n');
	if (nl)
		*nl = '\0';
	mr_error_set(err, EINVAL, "line %zu, column %zu: %s", line, col, (char *)text);
	yajl_free_error(h, text);
}

struct mr_json *mr_json_parse(const char *buf, size_t len, struct mr_error **err)
{
	struct builder b = { 0 };
	yajl_handle h;
	yajl_status st;
	bool at_end;

	if (len > MR_JSON_MAX_BYTES) {
		mr_error_set(err, EFBIG, "document too large (%zu bytes, limit %u)", len, MR_JSON_MAX_BYTES);
		return NULL;
	}
	h = yajl_alloc(&callbacks, NULL, &b);
	if (h == NULL) {
		mr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	st = yajl_parse(h, (const unsigned char *)buf, len);
	at_end = st == yajl_status_ok;
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	if (st != yajl_status_ok) {
		size_t line, col, off = error_offset(h, buf, len, at_end);
		position(buf, off, &line, &col);
		if (b.too_deep)
			mr_error_set(err, EINVAL, "line %zu, column %zu: nesting deeper than %d levels", line, col,
				     MR_JSON_MAX_DEPTH);
		else if (b.nul_key)
			mr_error_set(err, EINVAL, "line %zu, column %zu: object key contains a NUL byte", line, col);
		else if (b.oom)
			mr_error_set(err, ENOMEM, "out of memory");
		else
			syntax_error(h, buf, off, err);
		yajl_free(h);
		free(b.pending_key);
		mr_json_free(b.root);
		return NULL;
	}
	yajl_free(h);
	free(b.pending_key);
	if (b.root == NULL)
		mr_error_set(err, EINVAL, "line 1, column 1: parse error: empty document");
	return b.root;
}

char *mr_read_fd(int fd, size_t max, size_t *len, struct mr_error **err)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);

	if (buf == NULL) {
		mr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	for (;;) {
		ssize_t r;
		if (n == cap) {
			char *nb;
			if (cap > max) {
				free(buf);
				mr_error_set(err, EFBIG, "file larger than %zu bytes", max);
				return NULL;
			}
			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (nb == NULL) {
				free(buf);
				mr_error_set(err, ENOMEM, "out of memory");
				return NULL;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			mr_error_sys(err, errno, "read");
			return NULL;
		}
		if (r == 0)
			break;
		n += r;
	}
	if (n > max) {
		free(buf);
		mr_error_set(err, EFBIG, "file larger than %zu bytes", max);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

struct mr_json *mr_json_parse_file(const char *path, struct mr_error **err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	cleanup_free char *buf = NULL;
	size_t len;

	if (fd < 0) {
		mr_error_sys(err, errno, "open");
		return NULL;
	}
	buf = mr_read_fd(fd, MR_JSON_MAX_BYTES, &len, err);
	if (buf == NULL)
		return NULL;
	return mr_json_parse(buf, len, err);
}

const struct mr_json *mr_json_get(const struct mr_json *obj, const char *key)
{
	if (obj == NULL || obj->kind != MR_JSON_OBJECT)
		return NULL;
	for (size_t i = obj->len; i > 0; i--)
		if (strcmp(obj->keys[i - 1], key) == 0)
			return obj->items[i - 1];
	return NULL;
}

void mr_json_describe(const struct mr_json *v, char *buf, size_t size)
{
	switch (v->kind) {
	case MR_JSON_NULL:
		snprintf(buf, size, v->boolean ? "string containing a NUL byte" : "null");
		break;
	case MR_JSON_BOOL:
		snprintf(buf, size, "boolean %s", v->boolean ? "true" : "false");
		break;
	case MR_JSON_NUMBER:
		snprintf(buf, size, "number %.40s%s", v->text, v->len > 40 ? "..." : "");
		break;
	case MR_JSON_STRING:
		snprintf(buf, size, "string \"%.40s%s\"", v->text, v->len > 40 ? "..." : "");
		break;
	case MR_JSON_ARRAY:
		snprintf(buf, size, "array");
		break;
	case MR_JSON_OBJECT:
		snprintf(buf, size, "object");
		break;
	}
}

void mr_json_free(struct mr_json *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < v->len && v->items; i++) {
		mr_json_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->text);
	free(v);
}
