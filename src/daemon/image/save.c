/* docker save: a docker-archive (manifest.json, <config>.json,
 * <diff id>/layer.tar), which docker, podman and skopeo load. The layers
 * are the tars that were loaded, byte for byte (layers.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "image/archive.h"
#include "image/layers.h"
#include "image/tar-write.h"
#include "util/jsonw.h"
#include "util/cleanup.h"

struct fd_sink {
	int fd;
	struct mr_error **err;
};

static int sink_write(void *ctx, const void *buf, size_t n)
{
	struct fd_sink *s = ctx;
	return mrd_tarw_data(s->fd, buf, n, s->err);
}

static bool written_before(struct mrd_image *const *imgs, size_t i, size_t l)
{
	for (size_t j = 0; j <= i; j++)
		for (size_t k = 0; k < imgs[j]->nlayers && (j < i || k < l); k++)
			if (strcmp(imgs[j]->diff_ids[k], imgs[i]->diff_ids[l]) == 0)
				return true;
	return false;
}

static bool image_before(struct mrd_image *const *imgs, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (imgs[j] == imgs[i])
			return true;
	return false;
}

static int write_layers(struct mrd_daemon *d, int fd, struct mrd_image *const *imgs, size_t i, int64_t now,
			struct mr_error **err)
{
	for (size_t l = 0; l < imgs[i]->nlayers; l++) {
		const char *id = imgs[i]->diff_ids[l];
		char name[100];
		uint64_t size;
		struct fd_sink sink = {fd, err};
		if (written_before(imgs, i, l))
			continue;
		snprintf(name, sizeof(name), "%s/", mrd_digest_hex(id));
		if (mrd_tarw_header(fd, name, '5', 0, 0755, now, err) < 0)
			return -1;
		snprintf(name, sizeof(name), "%s/layer.tar", mrd_digest_hex(id));
		if (mrd_layers_tar_size(d->layers, id, &size, err) < 0 ||
		    mrd_tarw_header(fd, name, '0', size, 0644, now, err) < 0 ||
		    mrd_layers_write_tar(d->layers, id, sink_write, &sink, err) < 0 || mrd_tarw_pad(fd, size, err) < 0)
			return -1;
	}
	return 0;
}

/* The tags an image is saved with: the name it was asked by when that is
 * a tag of it, else all its tags. */
static void write_repo_tags(yajl_gen g, const struct mrd_image *img, const char *name)
{
	cleanup_free char *tag = NULL;
	cleanup_error struct mr_error *e = NULL;

	mr_jw_arr(g, "RepoTags");
	if (name != NULL && mrd_ref_normalize(name, &tag, &e) == 0)
		for (size_t t = 0; t < img->ntags; t++)
			if (strcmp(img->tags[t], tag) == 0) {
				mr_jw_str(g, NULL, tag);
				mr_jw_arr_end(g);
				return;
			}
	for (size_t t = 0; t < img->ntags; t++)
		mr_jw_str(g, NULL, img->tags[t]);
	mr_jw_arr_end(g);
}

int mrd_archive_save(struct mrd_daemon *d, struct mrd_image *const *imgs, char *const *names, size_t n, int fd,
		     struct mr_error **err)
{
	int64_t now = (int64_t)time(NULL);
	yajl_gen g = mr_jw_new();
	const char *buf;
	size_t len;
	int ret = -1;

	mr_jw_arr(g, NULL);
	for (size_t i = 0; i < n; i++) {
		char name[100];
		if (write_layers(d, fd, imgs, i, now, err) < 0)
			goto out;
		if (image_before(imgs, i))
			continue;
		snprintf(name, sizeof(name), "%s.json", mrd_digest_hex(imgs[i]->id));
		if (mrd_tarw_file(fd, name, imgs[i]->config, imgs[i]->config_len, now, err) < 0)
			goto out;
		mr_jw_obj(g, NULL);
		mr_jw_str(g, "Config", name);
		write_repo_tags(g, imgs[i], names ? names[i] : NULL);
		mr_jw_arr(g, "Layers");
		for (size_t l = 0; l < imgs[i]->nlayers; l++) {
			snprintf(name, sizeof(name), "%s/layer.tar", mrd_digest_hex(imgs[i]->diff_ids[l]));
			mr_jw_str(g, NULL, name);
		}
		mr_jw_arr_end(g);
		mr_jw_obj_end(g);
	}
	mr_jw_arr_end(g);
	buf = mr_jw_buf(g, &len);
	if (mrd_tarw_file(fd, "manifest.json", buf, len, now, err) < 0 || mrd_tarw_end(fd, err) < 0)
		goto out;
	ret = 0;
out:
	yajl_gen_free(g);
	return ret;
}
