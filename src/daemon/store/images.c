/* Image, layer and tag rows. */
#include "store/internal.h"

#include <stdlib.h>
#include <string.h>

int mrd_store_image_insert(struct mrd_store *s, const struct mrd_image_row *img, struct mr_error **err)
{
	bool own;
	int ret = -1;
	sqlite3_stmt *st;

	if (mrd_store_auto_begin(s, &own, err) < 0)
		return -1;
	st = mrd_store_prepare(s, "INSERT INTO images VALUES (?, ?, ?, ?)", err);
	if (st == NULL)
		goto out;
	sqlite3_bind_text(st, 1, img->id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, img->config, (int)img->config_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, img->created);
	sqlite3_bind_int64(st, 4, img->size);
	if (mrd_store_step_done(s, st, "insert image", err) < 0)
		goto out;
	for (size_t i = 0; i < img->nlayers; i++) {
		st = mrd_store_prepare(s, "INSERT INTO image_layers VALUES (?, ?, ?)", err);
		if (st == NULL)
			goto out;
		sqlite3_bind_text(st, 1, img->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		sqlite3_bind_text(st, 3, img->diff_ids[i], -1, SQLITE_STATIC);
		if (mrd_store_step_done(s, st, "insert image layer", err) < 0)
			goto out;
	}
	ret = 0;
out:
	return mrd_store_auto_end(s, own, ret, err);
}

static int delete_by(struct mrd_store *s, const char *sql, const char *key, const char *what, struct mr_error **err)
{
	bool own;
	int ret = -1;
	sqlite3_stmt *st;

	if (mrd_store_auto_begin(s, &own, err) < 0)
		return -1;
	st = mrd_store_prepare(s, sql, err);
	if (st != NULL) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		ret = mrd_store_step_done(s, st, what, err);
	}
	return mrd_store_auto_end(s, own, ret, err);
}

int mrd_store_image_delete(struct mrd_store *s, const char *id, struct mr_error **err)
{
	return delete_by(s, "DELETE FROM images WHERE id=?", id, "delete image", err);
}

/* The layers of one image, bottom first. */
static char **image_layers(struct mrd_store *s, const char *id, size_t *n)
{
	sqlite3_stmt *st = NULL;
	char **v = NULL;

	*n = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT diff_id FROM image_layers WHERE image_id=? ORDER BY idx", -1, &st,
			       NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char **p = realloc(v, (*n + 1) * sizeof(char *));
		if (p == NULL)
			break;
		v = p;
		v[(*n)++] = strdup(mrd_store_col_text(st, 0));
	}
	sqlite3_finalize(st);
	return v;
}

struct image_each {
	struct mrd_store *s;
	mrd_store_image_fn fn;
	void *data;
};

static int image_row(sqlite3_stmt *st, void *data)
{
	struct image_each *e = data;
	size_t n;
	char **layers = image_layers(e->s, mrd_store_col_text(st, 0), &n);
	struct mrd_image_row img = {
		.id = mrd_store_col_text(st, 0),
		.config = sqlite3_column_blob(st, 1),
		.config_len = (size_t)sqlite3_column_bytes(st, 1),
		.created = sqlite3_column_int64(st, 2),
		.size = sqlite3_column_int64(st, 3),
		.nlayers = n,
		.diff_ids = (const char *const *)layers,
	};
	int r = e->fn(&img, e->data);
	for (size_t i = 0; i < n; i++)
		free(layers[i]);
	free(layers);
	return r;
}

int mrd_store_image_each(struct mrd_store *s, mrd_store_image_fn fn, void *data, struct mr_error **err)
{
	struct image_each e = {s, fn, data};
	return mrd_store_each_row(s, "SELECT id, config, created, size FROM images ORDER BY created", image_row, &e,
				  "read images", err);
}

int mrd_store_layer_insert(struct mrd_store *s, const char *diff_id, int64_t size, struct mr_error **err)
{
	bool own;
	int ret = -1;
	sqlite3_stmt *st;

	if (mrd_store_auto_begin(s, &own, err) < 0)
		return -1;
	st = mrd_store_prepare(s, "INSERT OR IGNORE INTO layers VALUES (?, ?)", err);
	if (st != NULL) {
		sqlite3_bind_text(st, 1, diff_id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, size);
		ret = mrd_store_step_done(s, st, "insert layer", err);
	}
	return mrd_store_auto_end(s, own, ret, err);
}

int mrd_store_layer_delete(struct mrd_store *s, const char *diff_id, struct mr_error **err)
{
	return delete_by(s, "DELETE FROM layers WHERE diff_id=?", diff_id, "delete layer", err);
}

int64_t mrd_store_layer_size(struct mrd_store *s, const char *diff_id)
{
	return mrd_store_query_int(s, "SELECT size FROM layers WHERE diff_id=?", diff_id);
}

int64_t mrd_store_layer_users(struct mrd_store *s, const char *diff_id)
{
	return mrd_store_query_int(s, "SELECT COUNT(DISTINCT image_id) FROM image_layers WHERE diff_id=?", diff_id);
}

struct pair_each {
	mrd_store_layer_fn layer;
	mrd_store_tag_fn tag;
	void *data;
};

static int pair_row(sqlite3_stmt *st, void *data)
{
	struct pair_each *e = data;
	if (e->layer != NULL)
		return e->layer(mrd_store_col_text(st, 0), sqlite3_column_int64(st, 1), e->data);
	return e->tag(mrd_store_col_text(st, 0), mrd_store_col_text(st, 1), e->data);
}

int mrd_store_layer_each(struct mrd_store *s, mrd_store_layer_fn fn, void *data, struct mr_error **err)
{
	struct pair_each e = {.layer = fn, .data = data};
	return mrd_store_each_row(s, "SELECT diff_id, size FROM layers", pair_row, &e, "read layers", err);
}

int mrd_store_tag_put(struct mrd_store *s, const char *name, const char *image_id, struct mr_error **err)
{
	bool own;
	int ret = -1;
	sqlite3_stmt *st;

	if (mrd_store_auto_begin(s, &own, err) < 0)
		return -1;
	st = mrd_store_prepare(s, "INSERT OR REPLACE INTO tags VALUES (?, ?)", err);
	if (st != NULL) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, image_id, -1, SQLITE_STATIC);
		ret = mrd_store_step_done(s, st, "tag image", err);
	}
	return mrd_store_auto_end(s, own, ret, err);
}

int mrd_store_tag_delete(struct mrd_store *s, const char *name, struct mr_error **err)
{
	return delete_by(s, "DELETE FROM tags WHERE name=?", name, "untag image", err);
}

int mrd_store_tag_each(struct mrd_store *s, mrd_store_tag_fn fn, void *data, struct mr_error **err)
{
	struct pair_each e = {.tag = fn, .data = data};
	return mrd_store_each_row(s, "SELECT name, image_id FROM tags ORDER BY name", pair_row, &e, "read tags", err);
}
