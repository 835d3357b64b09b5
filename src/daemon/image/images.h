/* The images minirund has: loaded at start from the store, kept in memory
 * (few, small), each with its config JSON byte-exact (its sha256 is the
 * image id), its layers bottom first, its tags ("repo:tag", Docker's
 * familiar form: "busybox:latest", not "docker.io/library/busybox:latest"). */
#ifndef MINIRUND_IMAGE_IMAGES_H
#define MINIRUND_IMAGE_IMAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon.h"
#include "image/digest.h"
#include "util/error.h"
#include "util/json.h"

struct mrd_image {
	char id[MRD_DIGEST_LEN + 1];
	char *config;      /* the JSON text */
	size_t config_len;
	struct mr_json *cfg; /* parsed */
	int64_t loaded;    /* when it came here, unix ns */
	int64_t size;      /* bytes of its layers' files */
	size_t nlayers;
	char **diff_ids;   /* bottom first */
	size_t ntags;
	char **tags;
	struct mrd_image *next;
};

struct mrd_images;

struct mrd_images *mrd_images_load(struct mrd_daemon *d, struct mr_error **err);
void mrd_images_free(struct mrd_images *imgs);

struct mrd_image *mrd_images_first(struct mrd_images *imgs);
size_t mrd_images_count(const struct mrd_images *imgs);

/* By full id ("sha256:..."), tag ("busybox", "busybox:1.36", with or
 * without docker.io/library/), or unique id prefix. NULL with errno
 * ENOENT, or EINVAL for a malformed reference. */
struct mrd_image *mrd_images_find(struct mrd_images *imgs, const char *ref);

/* Normalize a reference into "repo:tag" (tag "latest" by default).
 * -1 with *err for a malformed one ("invalid reference format: ..."). */
int mrd_ref_normalize(const char *ref, char **out, struct mr_error **err);
/* As above from separate repo and tag (tag NULL or "": "latest"). */
int mrd_ref_join(const char *repo, const char *tag, char **out, struct mr_error **err);

/* Add an image whose layers are in the layer store (records in one
 * transaction). An image already here gets the new tags only. */
struct mrd_image *mrd_images_add(struct mrd_images *imgs, const char *config, size_t len, char *const *diff_ids,
				 const int64_t *layer_sizes, size_t nlayers, char *const *tags, size_t ntags,
				 struct mr_error **err);
/* Point tag (normalized) at img, taking it from another image. */
int mrd_images_tag(struct mrd_images *imgs, struct mrd_image *img, const char *tag, struct mr_error **err);
/* Remove a tag; returns 1 when it was the image's last one. */
int mrd_images_untag(struct mrd_images *imgs, struct mrd_image *img, const char *tag, struct mr_error **err);
/* Remove the image and the layers no other image uses. */
int mrd_images_remove(struct mrd_images *imgs, struct mrd_image *img, struct mr_error **err);

/* Parts of the image config ("config" object members), NULL if absent. */
const struct mr_json *mrd_image_config(const struct mrd_image *img, const char *key);
const char *mrd_image_str(const struct mrd_image *img, const char *key); /* top-level string */

#endif
