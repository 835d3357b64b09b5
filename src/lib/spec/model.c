#include "spec/model.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The JSON path of the value being parsed, grown and shrunk as we walk. */
struct path {
	char buf[512];
	size_t len;
};

static size_t path_push_key(struct path *p, const char *key)
{
	size_t old = p->len, room = sizeof(p->buf) - p->len;
	bool ident = isalpha((unsigned char)key[0]) || key[0] == '_';
	int n;

	for (const char *c = key; *c && ident; c++)
		ident = isalnum((unsigned char)*c) || *c == '_';
	if (ident)
		n = snprintf(p->buf + p->len, room, "%s%s", p->len ? "." : "", key);
	else
		n = snprintf(p->buf + p->len, room, "[\"%s\"]", key);
	p->len = (n > 0 && (size_t)n < room) ? p->len + n : sizeof(p->buf) - 1;
	return old;
}

static size_t path_push_index(struct path *p, size_t i)
{
	size_t old = p->len, room = sizeof(p->buf) - p->len;
	int n = snprintf(p->buf + p->len, room, "[%zu]", i);

	p->len = (n > 0 && (size_t)n < room) ? p->len + n : sizeof(p->buf) - 1;
	return old;
}

static void path_pop(struct path *p, size_t old)
{
	p->len = old;
	p->buf[old] = '\0';
}

static int type_error(struct path *p, const char *expected, const struct mr_json *got, struct mr_error **err)
{
	char desc[96];

	mr_json_describe(got, desc, sizeof(desc));
	if (p->len == 0)
		return mr_error_set(err, EINVAL, "expected %s at top level, got %s", expected, desc);
	return mr_error_set(err, EINVAL, "%s: expected %s, got %s", p->buf, expected, desc);
}

static void store_int(void *slot, size_t size, uint64_t v)
{
	switch (size) {
	case 1:
		*(uint8_t *)slot = (uint8_t)v;
		break;
	case 2:
		*(uint16_t *)slot = (uint16_t)v;
		break;
	case 4:
		*(uint32_t *)slot = (uint32_t)v;
		break;
	default:
		*(uint64_t *)slot = v;
		break;
	}
}

static int parse_int(const struct mr_type *t, const struct mr_json *j, void *slot, struct path *p,
		     struct mr_error **err)
{
	const char *s = j->text;
	char *end;
	char range[96];

	if (t->kind == MR_INT)
		snprintf(range, sizeof(range), "integer between %" PRId64 " and %" PRIu64, t->min, t->max);
	else
		snprintf(range, sizeof(range), "integer between 0 and %" PRIu64, t->max);
	if (j->kind != MR_JSON_NUMBER)
		return type_error(p, "integer", j, err);
	if (strpbrk(s, ".eE") != NULL)
		return type_error(p, "integer", j, err);
	errno = 0;
	if (t->kind == MR_INT) {
		long long v = strtoll(s, &end, 10);
		if (errno != 0 || *end != '\0' || v < t->min || (v > 0 && (uint64_t)v > t->max))
			return type_error(p, range, j, err);
		store_int(slot, t->size, (uint64_t)v);
	} else {
		unsigned long long v;
		if (s[0] == '-')
			return type_error(p, range, j, err);
		v = strtoull(s, &end, 10);
		if (errno != 0 || *end != '\0' || v > t->max)
			return type_error(p, range, j, err);
		store_int(slot, t->size, v);
	}
	return 0;
}

static int parse_string(const struct mr_type *t, const struct mr_json *j, char **slot, struct path *p,
			struct mr_error **err)
{
	if (j->kind != MR_JSON_STRING)
		return type_error(p, "string", j, err);
	if (t->enum_values) {
		const char *const *e = t->enum_values;
		while (*e && strcmp(*e, j->text) != 0)
			e++;
		if (*e == NULL) {
			char allowed[512] = "";
			size_t n = 0;
			for (e = t->enum_values; *e && n < sizeof(allowed); e++)
				n += snprintf(allowed + n, sizeof(allowed) - n, "%s%s", n ? ", " : "", **e ? *e : "\"\"");
			return mr_error_set(err, EINVAL, "%s: unknown %s \"%.64s\" (expected one of: %s)", p->buf,
					    t->what ? t->what : "value", j->text, allowed);
		}
	}
	*slot = strdup(j->text);
	if (*slot == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	return 0;
}

static int parse_object(const struct mr_type *t, const struct mr_json *j, void *out, struct path *p,
			struct mr_error **err);

/* Parse one value into an inline slot: a char *, bool, intN_t, an inline
 * struct (objects in arrays and maps), an ELEM pointer... */
static int parse_slot(const struct mr_type *t, const struct mr_json *j, void *slot, struct path *p,
		      struct mr_error **err)
{
	switch (t->kind) {
	case MR_STRING:
		return parse_string(t, j, slot, p, err);
	case MR_BOOL:
		if (j->kind != MR_JSON_BOOL)
			return type_error(p, "boolean", j, err);
		*(bool *)slot = j->boolean;
		return 0;
	case MR_INT:
	case MR_UINT:
		return parse_int(t, j, slot, p, err);
	case MR_OBJECT:
		return parse_object(t, j, slot, p, err);
	case MR_ARRAY:
	case MR_MAP:
		break;
	}
	return mr_error_set(err, EINVAL, "%s: unsupported nesting in the model", p->buf);
}

/* Arrays: ELEM *x at slot, size_t x_len at len_slot. */
static int parse_array(const struct mr_type *t, const struct mr_json *j, void *slot, size_t *len_slot,
		       struct path *p, struct mr_error **err)
{
	char *items;

	if (j->kind != MR_JSON_ARRAY)
		return type_error(p, "array", j, err);
	/* Always allocate, so that an empty array stays distinct from an
	 * absent one; one zeroed slot more, so that string arrays are
	 * NULL-terminated (argv, envp for execve). */
	items = calloc(j->len + 1, t->elem->size);
	if (items == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	*(char **)slot = items;
	for (size_t i = 0; i < j->len; i++) {
		size_t mark = path_push_index(p, i);
		/* Count the item first: a half-parsed one is freed too. */
		*len_slot = i + 1;
		if (parse_slot(t->elem, j->items[i], items + i * t->elem->size, p, err) < 0)
			return -1;
		path_pop(p, mark);
	}
	return 0;
}

static int parse_map(const struct mr_type *t, const struct mr_json *j, struct mr_map **slot, struct path *p,
		     struct mr_error **err)
{
	struct mr_map *m;

	if (j->kind != MR_JSON_OBJECT)
		return type_error(p, "object", j, err);
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	*slot = m;
	m->keys = calloc(j->len ? j->len : 1, sizeof(char *));
	m->values = calloc(j->len ? j->len : 1, t->elem->size);
	if (m->keys == NULL || m->values == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < j->len; i++) {
		size_t mark = path_push_key(p, j->keys[i]);
		/* A duplicated key replaces the earlier value, as in Go. */
		size_t at = m->len;
		for (size_t k = 0; k < m->len; k++)
			if (strcmp(m->keys[k], j->keys[i]) == 0)
				at = k;
		if (at < m->len) {
			char *v = (char *)m->values + at * t->elem->size;
			if (t->elem->kind == MR_STRING) {
				free(*(char **)v);
				*(char **)v = NULL;
			} else if (t->elem->kind == MR_OBJECT) {
				mr_model_clear(t->elem, v);
				memset(v, 0, t->elem->size);
			}
		} else {
			m->keys[at] = strdup(j->keys[i]);
			if (m->keys[at] == NULL)
				return mr_error_set(err, ENOMEM, "out of memory");
			m->len++;
		}
		if (parse_slot(t->elem, j->items[i], (char *)m->values + at * t->elem->size, p, err) < 0)
			return -1;
		path_pop(p, mark);
	}
	return 0;
}

static int parse_field(const struct mr_field *f, const struct mr_json *j, char *base, struct path *p,
		       struct mr_error **err)
{
	const struct mr_type *t = f->type;
	void *slot = base + f->offset;

	switch (t->kind) {
	case MR_BOOL:
	case MR_INT:
	case MR_UINT:
		if (parse_slot(t, j, slot, p, err) < 0)
			return -1;
		*(bool *)(base + f->aux) = true;
		return 0;
	case MR_STRING:
		return parse_string(t, j, slot, p, err);
	case MR_OBJECT: {
		void *obj = calloc(1, t->size);
		if (obj == NULL)
			return mr_error_set(err, ENOMEM, "out of memory");
		*(void **)slot = obj;
		return parse_object(t, j, obj, p, err);
	}
	case MR_ARRAY:
		return parse_array(t, j, slot, (size_t *)(base + f->aux), p, err);
	case MR_MAP:
		return parse_map(t, j, slot, p, err);
	}
	return -1;
}

static int parse_object(const struct mr_type *t, const struct mr_json *j, void *out, struct path *p,
			struct mr_error **err)
{
	if (j->kind != MR_JSON_OBJECT)
		return type_error(p, "object", j, err);
	for (size_t i = 0; i < t->n_fields; i++) {
		const struct mr_field *f = &t->fields[i];
		const struct mr_json *v = mr_json_get(j, f->json_name);
		size_t mark;

		/* null means absent, as Go's encoding/json (runc) reads it. */
		if (v == NULL || (v->kind == MR_JSON_NULL && !v->boolean)) {
			if (f->required) {
				if (p->len == 0)
					return mr_error_set(err, EINVAL, "missing required property \"%s\"", f->json_name);
				return mr_error_set(err, EINVAL, "%s: missing required property \"%s\"", p->buf,
						    f->json_name);
			}
			continue;
		}
		mark = path_push_key(p, f->json_name);
		if (parse_field(f, v, out, p, err) < 0)
			return -1;
		path_pop(p, mark);
	}
	return 0;
}

int mr_model_parse(const struct mr_type *t, const struct mr_json *json, void *out, struct mr_error **err)
{
	struct path p = { .len = 0 };

	p.buf[0] = '\0';
	return parse_object(t, json, out, &p, err);
}

/* ---- freeing ---- */

static void clear_slot(const struct mr_type *t, void *slot)
{
	if (t->kind == MR_STRING)
		free(*(char **)slot);
	else if (t->kind == MR_OBJECT)
		mr_model_clear(t, slot);
}

static void free_items(const struct mr_type *elem, char *items, size_t len)
{
	if (items == NULL)
		return;
	for (size_t i = 0; i < len; i++)
		clear_slot(elem, items + i * elem->size);
	free(items);
}

void mr_model_clear(const struct mr_type *t, void *obj)
{
	char *base = obj;

	if (obj == NULL)
		return;
	for (size_t i = 0; i < t->n_fields; i++) {
		const struct mr_field *f = &t->fields[i];
		void *slot = base + f->offset;

		switch (f->type->kind) {
		case MR_STRING:
			free(*(char **)slot);
			break;
		case MR_OBJECT:
			mr_model_clear(f->type, *(void **)slot);
			free(*(void **)slot);
			break;
		case MR_ARRAY:
			free_items(f->type->elem, *(char **)slot, *(size_t *)(base + f->aux));
			break;
		case MR_MAP: {
			struct mr_map *m = *(struct mr_map **)slot;
			if (m == NULL)
				break;
			for (size_t k = 0; k < m->len; k++)
				free(m->keys[k]);
			free(m->keys);
			free_items(f->type->elem, m->values, m->len);
			free(m);
			break;
		}
		default:
			break;
		}
	}
	memset(obj, 0, t->size);
}

/* ---- emitting ---- */

static uint64_t load_uint(const void *slot, size_t size)
{
	switch (size) {
	case 1:
		return *(const uint8_t *)slot;
	case 2:
		return *(const uint16_t *)slot;
	case 4:
		return *(const uint32_t *)slot;
	default:
		return *(const uint64_t *)slot;
	}
}

static int64_t load_int(const void *slot, size_t size)
{
	switch (size) {
	case 1:
		return *(const int8_t *)slot;
	case 2:
		return *(const int16_t *)slot;
	case 4:
		return *(const int32_t *)slot;
	default:
		return *(const int64_t *)slot;
	}
}

static int gen_str(yajl_gen g, const char *s)
{
	return yajl_gen_string(g, (const unsigned char *)s, strlen(s)) == yajl_gen_status_ok ? 0 : -1;
}

static int emit_slot(const struct mr_type *t, const void *slot, yajl_gen g)
{
	char num[32];

	switch (t->kind) {
	case MR_STRING:
		return gen_str(g, *(char *const *)slot ? *(char *const *)slot : "");
	case MR_BOOL:
		return yajl_gen_bool(g, *(const bool *)slot) == yajl_gen_status_ok ? 0 : -1;
	case MR_INT:
		/* yajl_gen_integer takes long long: fine for signed. */
		return yajl_gen_integer(g, load_int(slot, t->size)) == yajl_gen_status_ok ? 0 : -1;
	case MR_UINT:
		/* Through text: a uint64 above INT64_MAX must not wrap. */
		snprintf(num, sizeof(num), "%" PRIu64, load_uint(slot, t->size));
		return yajl_gen_number(g, num, strlen(num)) == yajl_gen_status_ok ? 0 : -1;
	case MR_OBJECT:
		return mr_model_emit(t, slot, g);
	default:
		return -1;
	}
}

static int emit_items(const struct mr_type *elem, const char *items, size_t len, yajl_gen g)
{
	if (yajl_gen_array_open(g) != yajl_gen_status_ok)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (emit_slot(elem, items + i * elem->size, g) < 0)
			return -1;
	return yajl_gen_array_close(g) == yajl_gen_status_ok ? 0 : -1;
}

static int emit_map(const struct mr_type *t, const struct mr_map *m, yajl_gen g)
{
	if (yajl_gen_map_open(g) != yajl_gen_status_ok)
		return -1;
	for (size_t i = 0; i < m->len; i++)
		if (gen_str(g, m->keys[i]) < 0 ||
		    emit_slot(t->elem, (const char *)m->values + i * t->elem->size, g) < 0)
			return -1;
	return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -1;
}

static bool field_present(const struct mr_field *f, const char *base)
{
	switch (f->type->kind) {
	case MR_BOOL:
	case MR_INT:
	case MR_UINT:
		return *(const bool *)(base + f->aux);
	default:
		return *(void *const *)(base + f->offset) != NULL;
	}
}

int mr_model_emit(const struct mr_type *t, const void *obj, yajl_gen g)
{
	const char *base = obj;

	if (yajl_gen_map_open(g) != yajl_gen_status_ok)
		return -1;
	for (size_t i = 0; i < t->n_fields; i++) {
		const struct mr_field *f = &t->fields[i];
		const void *slot = base + f->offset;
		int r;

		if (!field_present(f, base))
			continue;
		if (gen_str(g, f->json_name) < 0)
			return -1;
		switch (f->type->kind) {
		case MR_OBJECT:
			r = mr_model_emit(f->type, *(void *const *)slot, g);
			break;
		case MR_ARRAY:
			r = emit_items(f->type->elem, *(char *const *)slot, *(const size_t *)(base + f->aux), g);
			break;
		case MR_MAP:
			r = emit_map(f->type, *(struct mr_map *const *)slot, g);
			break;
		default:
			r = emit_slot(f->type, slot, g);
			break;
		}
		if (r < 0)
			return -1;
	}
	return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -1;
}

char *mr_model_to_string(const struct mr_type *t, const void *obj, bool pretty, struct mr_error **err)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	char *out = NULL;

	if (g == NULL) {
		mr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	if (pretty) {
		yajl_gen_config(g, yajl_gen_beautify, 1);
		yajl_gen_config(g, yajl_gen_indent_string, "\t");
	}
	/* The state and spec files are read by Go programs: '/' needs no
	 * escaping, and yajl validates our UTF-8. */
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	if (mr_model_emit(t, obj, g) < 0 || yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok) {
		mr_error_set(err, EINVAL, "cannot serialize %s to JSON", t->name);
	} else {
		/* yajl's beautifier ends with a newline already */
		out = strndup((const char *)buf, len);
		if (out == NULL)
			mr_error_set(err, ENOMEM, "out of memory");
	}
	yajl_gen_free(g);
	return out;
}

void *mr_model_dup(const struct mr_type *t, const void *obj, struct mr_error **err)
{
	/* Through JSON: one walker less to keep right, and copies are rare
	 * (exec's process). */
	char *text = mr_model_to_string(t, obj, false, err);
	struct mr_json *json = text ? mr_json_parse(text, strlen(text), err) : NULL;
	void *copy = json ? calloc(1, t->size) : NULL;

	free(text);
	if (json && copy == NULL)
		mr_error_set(err, ENOMEM, "out of memory");
	if (copy && mr_model_parse(t, json, copy, err) < 0) {
		mr_model_clear(t, copy);
		free(copy);
		copy = NULL;
	}
	mr_json_free(json);
	return copy;
}
