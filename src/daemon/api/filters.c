#include "api/filters.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "util/json.h"

struct entry {
	char *key;
	char **values;
	size_t n;
};

struct mrd_filters {
	struct entry *e;
	size_t n;
};

void mrd_filters_free(struct mrd_filters *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->n; i++) {
		for (size_t k = 0; k < f->e[i].n; k++)
			free(f->e[i].values[k]);
		free(f->e[i].values);
		free(f->e[i].key);
	}
	free(f->e);
	free(f);
}

static int add_value(struct entry *e, const char *v)
{
	char **p = realloc(e->values, (e->n + 1) * sizeof(char *));
	if (p == NULL)
		return -1;
	e->values = p;
	if ((p[e->n] = strdup(v)) == NULL)
		return -1;
	e->n++;
	return 0;
}

static bool allowed_key(const char *key, const char *const *allowed)
{
	for (size_t i = 0; allowed[i]; i++)
		if (strcmp(allowed[i], key) == 0)
			return true;
	return false;
}

static int parse_values(struct entry *e, const struct mr_json *v, struct mr_error **err)
{
	if (v->kind == MR_JSON_OBJECT) {
		for (size_t i = 0; i < v->len; i++) {
			if (v->items[i]->kind != MR_JSON_BOOL)
				return mr_error_set(err, EINVAL, "filters: %s: expected {\"value\": true}", e->key);
			if (v->items[i]->boolean && add_value(e, v->keys[i]) < 0)
				return mr_error_set(err, ENOMEM, "out of memory");
		}
		return 0;
	}
	if (v->kind == MR_JSON_ARRAY) {
		for (size_t i = 0; i < v->len; i++) {
			if (v->items[i]->kind != MR_JSON_STRING)
				return mr_error_set(err, EINVAL, "filters: %s: expected an array of strings", e->key);
			if (add_value(e, v->items[i]->text) < 0)
				return mr_error_set(err, ENOMEM, "out of memory");
		}
		return 0;
	}
	return mr_error_set(err, EINVAL, "filters: %s: expected an object or an array", e->key);
}

struct mrd_filters *mrd_filters_parse(const char *text, const char *const *allowed, struct mr_error **err)
{
	struct mrd_filters *f = calloc(1, sizeof(*f));
	struct mr_json *j = NULL;

	if (f == NULL) {
		mr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	if (text == NULL || *text == '\0')
		return f;
	j = mr_json_parse(text, strlen(text), err);
	if (j == NULL) {
		mr_error_prefix(err, "filters");
		goto fail;
	}
	if (j->kind != MR_JSON_OBJECT) {
		mr_error_set(err, EINVAL, "filters: expected a JSON object");
		goto fail;
	}
	f->e = calloc(j->len + 1, sizeof(*f->e));
	if (f->e == NULL)
		goto fail;
	for (size_t i = 0; i < j->len; i++) {
		if (!allowed_key(j->keys[i], allowed)) {
			mr_error_set(err, EINVAL, "invalid filter '%s'", j->keys[i]);
			goto fail;
		}
		struct entry *e = &f->e[f->n++];
		e->key = strdup(j->keys[i]);
		if (e->key == NULL || parse_values(e, j->items[i], err) < 0)
			goto fail;
	}
	mr_json_free(j);
	return f;
fail:
	mr_json_free(j);
	mrd_filters_free(f);
	return NULL;
}

const char *const *mrd_filters_get(const struct mrd_filters *f, const char *key, size_t *n)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->e[i].key, key) == 0) {
			*n = f->e[i].n;
			return (const char *const *)f->e[i].values;
		}
	*n = 0;
	return NULL;
}

bool mrd_filters_has(const struct mrd_filters *f, const char *key)
{
	size_t n;
	return mrd_filters_get(f, key, &n) != NULL && n > 0;
}

bool mrd_filters_match(const struct mrd_filters *f, const char *key, const char *value)
{
	size_t n;
	const char *const *v = mrd_filters_get(f, key, &n);

	if (v == NULL || n == 0)
		return true;
	for (size_t i = 0; i < n; i++)
		if (value != NULL && strcmp(v[i], value) == 0)
			return true;
	return false;
}

bool mrd_filters_match_labels(const struct mrd_filters *f, const char *key, mrd_label_fn get, void *data)
{
	size_t n;
	const char *const *v = mrd_filters_get(f, key, &n);
	bool negate = key[strlen(key) - 1] == '!';

	for (size_t i = 0; v != NULL && i < n; i++) {
		const char *eq = strchr(v[i], '=');
		char k[256];
		snprintf(k, sizeof(k), "%.*s", eq ? (int)(eq - v[i]) : (int)strlen(v[i]), v[i]);
		const char *have = get(k, data);
		bool match = have != NULL && (eq == NULL || strcmp(have, eq + 1) == 0);
		if (match == negate)
			return false;
	}
	return true;
}
