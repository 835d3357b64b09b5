#include "image/images.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image/layers.h"
#include "loop.h"
#include "store/store.h"
#include "util/cleanup.h"

struct mrd_images {
	struct mrd_daemon *d;
	struct mrd_image *list;
	size_t count;
};

static void image_free(struct mrd_image *img)
{
	if (img == NULL)
		return;
	free(img->config);
	mr_json_free(img->cfg);
	for (size_t i = 0; i < img->nlayers; i++)
		free(img->diff_ids[i]);
	free(img->diff_ids);
	for (size_t i = 0; i < img->ntags; i++)
		free(img->tags[i]);
	free(img->tags);
	free(img);
}

static struct mrd_image *image_new(const char *config, size_t len, char *const *diff_ids, size_t n,
				   struct mr_error **err)
{
	struct mrd_image *img = calloc(1, sizeof(*img));

	if (img == NULL)
		goto oom;
	mrd_digest_buf(config, len, img->id);
	img->config = malloc(len + 1);
	img->diff_ids = calloc(n ? n : 1, sizeof(char *));
	if (img->config == NULL || img->diff_ids == NULL)
		goto oom;
	memcpy(img->config, config, len);
	img->config[len] = '\0';
	img->config_len = len;
	img->cfg = mr_json_parse(config, len, err);
	if (img->cfg == NULL) {
		mr_error_prefix(err, "image config");
		image_free(img);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if ((img->diff_ids[img->nlayers++] = strdup(diff_ids[i])) == NULL)
			goto oom;
	return img;
oom:
	image_free(img);
	mr_error_set(err, ENOMEM, "out of memory");
	return NULL;
}

static int add_tag_mem(struct mrd_image *img, const char *tag)
{
	char **p = realloc(img->tags, (img->ntags + 1) * sizeof(char *));
	if (p == NULL)
		return -1;
	img->tags = p;
	if ((img->tags[img->ntags] = strdup(tag)) == NULL)
		return -1;
	img->ntags++;
	return 0;
}

static void drop_tag_mem(struct mrd_image *img, const char *tag)
{
	for (size_t i = 0; i < img->ntags; i++)
		if (strcmp(img->tags[i], tag) == 0) {
			free(img->tags[i]);
			memmove(&img->tags[i], &img->tags[i + 1], (img->ntags - i - 1) * sizeof(char *));
			img->ntags--;
			return;
		}
}

static struct mrd_image *by_id(struct mrd_images *imgs, const char *id)
{
	for (struct mrd_image *i = imgs->list; i; i = i->next)
		if (strcmp(i->id, id) == 0)
			return i;
	return NULL;
}

static struct mrd_image *by_tag(struct mrd_images *imgs, const char *tag)
{
	for (struct mrd_image *i = imgs->list; i; i = i->next)
		for (size_t t = 0; t < i->ntags; t++)
			if (strcmp(i->tags[t], tag) == 0)
				return i;
	return NULL;
}

static void link_image(struct mrd_images *imgs, struct mrd_image *img)
{
	struct mrd_image **p = &imgs->list;
	while (*p != NULL)
		p = &(*p)->next;
	*p = img;
	imgs->count++;
}

static int load_image(const struct mrd_image_row *row, void *data)
{
	struct mrd_images *imgs = data;
	cleanup_error struct mr_error *err = NULL;
	struct mrd_image *img = image_new(row->config, row->config_len, (char *const *)row->diff_ids, row->nlayers, &err);

	if (img == NULL) {
		fprintf(stderr, "minirund: image %s: %s (skipped)\n", row->id, err ? err->msg : "?");
		return 0;
	}
	img->loaded = row->created;
	img->size = row->size;
	link_image(imgs, img);
	return 0;
}

static int load_tag(const char *name, const char *image_id, void *data)
{
	struct mrd_image *img = by_id(data, image_id);
	if (img != NULL)
		add_tag_mem(img, name);
	return 0;
}

static bool layer_used(const char *diff_id, void *data)
{
	struct mrd_images *imgs = data;
	for (struct mrd_image *i = imgs->list; i; i = i->next)
		for (size_t l = 0; l < i->nlayers; l++)
			if (strcmp(i->diff_ids[l], diff_id) == 0)
				return true;
	return false;
}

struct mrd_images *mrd_images_load(struct mrd_daemon *d, struct mr_error **err)
{
	struct mrd_images *imgs = calloc(1, sizeof(*imgs));

	if (imgs == NULL) {
		mr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	imgs->d = d;
	if (mrd_store_image_each(d->store, load_image, imgs, err) < 0 ||
	    mrd_store_tag_each(d->store, load_tag, imgs, err) < 0) {
		mrd_images_free(imgs);
		return NULL;
	}
	/* layers of a load that crashed before its records were written */
	mrd_layers_gc(d->layers, layer_used, imgs);
	return imgs;
}

void mrd_images_free(struct mrd_images *imgs)
{
	if (imgs == NULL)
		return;
	while (imgs->list != NULL) {
		struct mrd_image *i = imgs->list;
		imgs->list = i->next;
		image_free(i);
	}
	free(imgs);
}

struct mrd_image *mrd_images_first(struct mrd_images *imgs)
{
	return imgs->list;
}

size_t mrd_images_count(const struct mrd_images *imgs)
{
	return imgs->count;
}

static bool is_hex(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

struct mrd_image *mrd_images_find(struct mrd_images *imgs, const char *ref)
{
	cleanup_free char *tag = NULL;
	cleanup_error struct mr_error *err = NULL;
	struct mrd_image *found = NULL;
	const char *hex = ref;

	if (mrd_digest_valid(ref)) {
		found = by_id(imgs, ref);
		if (found == NULL)
			errno = ENOENT;
		return found;
	}
	if (mrd_ref_normalize(ref, &tag, &err) == 0 && (found = by_tag(imgs, tag)) != NULL)
		return found;
	if (strncmp(hex, "sha256:", 7) == 0)
		hex += 7;
	if (strlen(hex) <= 64 && is_hex(hex)) {
		for (struct mrd_image *i = imgs->list; i; i = i->next)
			if (strncmp(i->id + 7, hex, strlen(hex)) == 0) {
				if (found != NULL) {
					errno = EINVAL; /* ambiguous */
					return NULL;
				}
				found = i;
			}
		if (found != NULL)
			return found;
	}
	errno = tag == NULL ? EINVAL : ENOENT;
	return NULL;
}

/* Move the tag's record and memory to img (in the caller's transaction). */
static int put_tag(struct mrd_images *imgs, struct mrd_image *img, const char *tag, struct mr_error **err)
{
	struct mrd_image *old = by_tag(imgs, tag);

	if (old == img)
		return 0;
	if (mrd_store_tag_put(imgs->d->store, tag, img->id, err) < 0)
		return -1;
	if (old != NULL)
		drop_tag_mem(old, tag);
	return add_tag_mem(img, tag) < 0 ? mr_error_set(err, ENOMEM, "out of memory") : 0;
}

struct mrd_image *mrd_images_add(struct mrd_images *imgs, const char *config, size_t len, char *const *diff_ids,
				 const int64_t *layer_sizes, size_t nlayers, char *const *tags, size_t ntags,
				 struct mr_error **err)
{
	struct mrd_image *img = image_new(config, len, diff_ids, nlayers, err), *have;
	struct mrd_store *s = imgs->d->store;
	int64_t size = 0;

	if (img == NULL)
		return NULL;
	for (size_t i = 0; i < nlayers; i++)
		size += layer_sizes[i];
	have = by_id(imgs, img->id);
	img->loaded = mrd_now_real_ns();
	img->size = size;
	if (mrd_store_begin(s, err) < 0)
		goto fail;
	if (have == NULL) {
		struct mrd_image_row row = {img->id, img->config, len, img->loaded, size, nlayers,
					    (const char *const *)img->diff_ids};
		for (size_t i = 0; i < nlayers; i++)
			if (mrd_store_layer_insert(s, diff_ids[i], layer_sizes[i], err) < 0)
				goto rollback;
		if (mrd_store_image_insert(s, &row, err) < 0)
			goto rollback;
		link_image(imgs, img);
		have = img;
		img = NULL;
	}
	for (size_t i = 0; i < ntags; i++)
		if (put_tag(imgs, have, tags[i], err) < 0)
			goto rollback;
	if (mrd_store_commit(s, err) < 0)
		goto fail;
	image_free(img);
	return have;
rollback:
	mrd_store_rollback(s);
fail:
	image_free(img);
	return NULL;
}

int mrd_images_tag(struct mrd_images *imgs, struct mrd_image *img, const char *tag, struct mr_error **err)
{
	if (mrd_store_begin(imgs->d->store, err) < 0)
		return -1;
	if (put_tag(imgs, img, tag, err) < 0) {
		mrd_store_rollback(imgs->d->store);
		return -1;
	}
	return mrd_store_commit(imgs->d->store, err);
}

int mrd_images_untag(struct mrd_images *imgs, struct mrd_image *img, const char *tag, struct mr_error **err)
{
	if (mrd_store_tag_delete(imgs->d->store, tag, err) < 0)
		return -1;
	drop_tag_mem(img, tag);
	return img->ntags == 0 ? 1 : 0;
}

int mrd_images_remove(struct mrd_images *imgs, struct mrd_image *img, struct mr_error **err)
{
	struct mrd_store *s = imgs->d->store;
	struct mrd_image **p;

	if (mrd_store_image_delete(s, img->id, err) < 0)
		return -1;
	for (p = &imgs->list; *p != img; p = &(*p)->next)
		;
	*p = img->next;
	imgs->count--;
	/* the records are gone first: a crash now leaves only unused layer
	 * directories, which the next start removes */
	for (size_t i = 0; i < img->nlayers; i++)
		if (!layer_used(img->diff_ids[i], imgs)) {
			mrd_store_layer_delete(s, img->diff_ids[i], NULL);
			mrd_layers_remove(imgs->d->layers, img->diff_ids[i], NULL);
		}
	image_free(img);
	return 0;
}

const struct mr_json *mrd_image_config(const struct mrd_image *img, const char *key)
{
	const struct mr_json *c = mr_json_get(img->cfg, "config");
	if (c == NULL || c->kind != MR_JSON_OBJECT)
		return NULL;
	return mr_json_get(c, key);
}

const char *mrd_image_str(const struct mrd_image *img, const char *key)
{
	const struct mr_json *v = mr_json_get(img->cfg, key);
	return v != NULL && v->kind == MR_JSON_STRING ? v->text : NULL;
}
