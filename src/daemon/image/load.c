/* docker load: the archive is extracted (as hostile as any tar) into a
 * temporary directory, then read as a docker-archive (manifest.json) or an
 * OCI image layout (index.json). Every blob is checked against its digest,
 * every layer against the diff id its config names; layers the store has
 * are not extracted again. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "fsutil.h"
#include "image/archive.h"
#include "image/extract.h"
#include "image/layers.h"
#include "store/store.h"
#include "util/cleanup.h"
#include "util/path.h"

#define META_MAX (8u << 20)
#define MAX_LAYERS 127
#define MAX_IMAGES 1000

struct loader {
	struct mrd_daemon *d;
	int root_fd;
	mrd_load_line_fn fn;
	void *data;
	size_t loaded;
};

static int open_in(struct loader *l, const char *path, struct mr_error **err)
{
	int fd = mr_path_open_in_root(l->root_fd, path, O_RDONLY, err);
	if (fd < 0)
		mr_error_prefix(err, "archive");
	return fd;
}

static char *read_in(struct loader *l, const char *path, size_t *len, struct mr_error **err)
{
	cleanup_close int fd = open_in(l, path, err);
	char *buf;

	if (fd < 0)
		return NULL;
	buf = mr_read_fd(fd, META_MAX, len, err);
	if (buf == NULL)
		mr_error_prefix(err, "archive: %s", path);
	return buf;
}

static struct mr_json *parse_in(struct loader *l, const char *path, struct mr_error **err)
{
	size_t len;
	cleanup_free char *buf = read_in(l, path, &len, err);
	struct mr_json *j;

	if (buf == NULL)
		return NULL;
	j = mr_json_parse(buf, len, err);
	if (j == NULL)
		mr_error_prefix(err, "archive: %s", path);
	return j;
}

static const char *str_of(const struct mr_json *o, const char *key)
{
	const struct mr_json *v = mr_json_get(o, key);
	return v != NULL && v->kind == MR_JSON_STRING ? v->text : NULL;
}

/* The config's rootfs.diff_ids, checked: n of them, each a digest. */
static int config_diff_ids(const struct mr_json *cfg, size_t n, const char **out, struct mr_error **err)
{
	const struct mr_json *ids = mr_json_get(mr_json_get(cfg, "rootfs"), "diff_ids");
	const char *os = str_of(cfg, "os");

	if (cfg == NULL || cfg->kind != MR_JSON_OBJECT)
		return mr_error_set(err, EINVAL, "image config: not a JSON object");
	if (os != NULL && strcmp(os, "linux") != 0)
		return mr_error_set(err, EINVAL, "image operating system \"%s\" cannot be used on this platform", os);
	if (ids == NULL || ids->kind != MR_JSON_ARRAY)
		return mr_error_set(err, EINVAL, "image config: rootfs.diff_ids: expected an array");
	if (ids->len != n)
		return mr_error_set(err, EINVAL, "image config: %zu diff_ids for %zu layers", ids->len, n);
	for (size_t i = 0; i < n; i++) {
		if (ids->items[i]->kind != MR_JSON_STRING || !mrd_digest_valid(ids->items[i]->text))
			return mr_error_set(err, EINVAL, "image config: rootfs.diff_ids[%zu]: not a sha256 digest", i);
		out[i] = ids->items[i]->text;
	}
	return 0;
}

/* Put the image's layers into the store (each opened by open_layer) and
 * record it with its tags. */
typedef int (*open_layer_fn)(struct loader *l, const void *ctx, size_t i, struct mr_error **err);

static int add_image(struct loader *l, const char *config, size_t clen, size_t nlayers, open_layer_fn open_layer,
		     const void *ctx, char **tags, size_t ntags, struct mr_error **err)
{
	cleanup_free const char **ids = calloc(nlayers + 1, sizeof(char *));
	cleanup_free int64_t *sizes = calloc(nlayers + 1, sizeof(int64_t));
	struct mr_json *cfg = NULL;
	struct mrd_image *img;
	int ret = -1;

	if (ids == NULL || sizes == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	if (nlayers > MAX_LAYERS)
		return mr_error_set(err, EINVAL, "image has %zu layers: at most %d", nlayers, MAX_LAYERS);
	cfg = mr_json_parse(config, clen, err);
	if (cfg == NULL) {
		mr_error_prefix(err, "image config");
		return -1;
	}
	if (config_diff_ids(cfg, nlayers, ids, err) < 0)
		goto out;
	for (size_t i = 0; i < nlayers; i++) {
		char got[MRD_DIGEST_LEN + 1];
		uint64_t size = 0;
		if (mrd_layers_has(l->d->layers, ids[i])) {
			sizes[i] = mrd_store_layer_size(l->d->store, ids[i]);
			if (sizes[i] >= 0)
				continue;
		}
		int fd = open_layer(l, ctx, i, err);
		if (fd < 0)
			goto out;
		int r = mrd_layers_add(l->d->layers, fd, ids[i], got, &size, err);
		close(fd);
		if (r < 0) {
			mr_error_prefix(err, "layer %zu", i + 1);
			goto out;
		}
		sizes[i] = (int64_t)size;
	}
	img = mrd_images_add(l->d->images, config, clen, (char *const *)ids, sizes, nlayers, tags, ntags, err);
	if (img == NULL)
		goto out;
	if (ntags == 0) {
		char line[128];
		snprintf(line, sizeof(line), "Loaded image ID: %s\n", img->id);
		l->fn(line, l->data);
	}
	for (size_t i = 0; i < ntags; i++) {
		cleanup_free char *line = NULL;
		if (asprintf(&line, "Loaded image: %s\n", tags[i]) >= 0)
			l->fn(line, l->data);
	}
	l->loaded++;
	ret = 0;
out:
	mr_json_free(cfg);
	return ret;
}

static void free_tags(char **tags, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(tags[i]);
	free(tags);
}

/* Tags from a JSON array of references, normalized. */
static int tags_of(const struct mr_json *arr, char ***out, size_t *n, struct mr_error **err)
{
	*out = NULL;
	*n = 0;
	if (arr == NULL || arr->kind == MR_JSON_NULL)
		return 0;
	if (arr->kind != MR_JSON_ARRAY)
		return mr_error_set(err, EINVAL, "manifest.json: RepoTags: expected an array");
	*out = calloc(arr->len + 1, sizeof(char *));
	if (*out == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < arr->len; i++) {
		if (arr->items[i]->kind != MR_JSON_STRING)
			return mr_error_set(err, EINVAL, "manifest.json: RepoTags[%zu]: expected a string", i);
		if (mrd_ref_normalize(arr->items[i]->text, &(*out)[*n], err) < 0)
			return mr_error_prefix(err, "manifest.json: RepoTags[%zu]", i);
		(*n)++;
	}
	return 0;
}

/* ---- docker-archive */

static int docker_layer(struct loader *l, const void *ctx, size_t i, struct mr_error **err)
{
	const struct mr_json *layers = ctx;
	if (layers->items[i]->kind != MR_JSON_STRING)
		return mr_error_set(err, EINVAL, "manifest.json: Layers[%zu]: expected a string", i);
	return open_in(l, layers->items[i]->text, err);
}

static int load_docker_entry(struct loader *l, const struct mr_json *m, size_t idx, struct mr_error **err)
{
	const char *config = str_of(m, "Config");
	const struct mr_json *layers = mr_json_get(m, "Layers");
	cleanup_free char *cbuf = NULL;
	char **tags = NULL;
	size_t clen, ntags = 0;
	int ret;

	if (config == NULL)
		return mr_error_set(err, EINVAL, "manifest.json[%zu]: Config: expected a string", idx);
	if (layers == NULL || layers->kind != MR_JSON_ARRAY)
		return mr_error_set(err, EINVAL, "manifest.json[%zu]: Layers: expected an array", idx);
	if (tags_of(mr_json_get(m, "RepoTags"), &tags, &ntags, err) < 0) {
		free_tags(tags, ntags);
		return -1;
	}
	cbuf = read_in(l, config, &clen, err);
	ret = cbuf == NULL ? -1 : add_image(l, cbuf, clen, layers->len, docker_layer, layers, tags, ntags, err);
	free_tags(tags, ntags);
	return ret;
}

static int load_docker(struct loader *l, struct mr_error **err)
{
	struct mr_json *m = parse_in(l, "manifest.json", err);
	int ret = 0;

	if (m == NULL)
		return -1;
	if (m->kind != MR_JSON_ARRAY || m->len > MAX_IMAGES)
		ret = mr_error_set(err, EINVAL, "manifest.json: expected an array of at most %d images", MAX_IMAGES);
	for (size_t i = 0; ret == 0 && i < m->len; i++)
		if (m->items[i]->kind != MR_JSON_OBJECT)
			ret = mr_error_set(err, EINVAL, "manifest.json[%zu]: expected an object", i);
		else
			ret = load_docker_entry(l, m->items[i], i, err);
	mr_json_free(m);
	return ret;
}

/* ---- OCI image layout */

/* Open blobs/sha256/<hex> after checking that its content has that digest. */
static int open_blob(struct loader *l, const char *digest, struct mr_error **err)
{
	char path[128], got[MRD_DIGEST_LEN + 1];
	int fd;

	if (!mrd_digest_valid(digest))
		return mr_error_set(err, EINVAL, "archive: bad digest \"%.80s\"", digest ? digest : "");
	snprintf(path, sizeof(path), "blobs/sha256/%s", mrd_digest_hex(digest));
	fd = open_in(l, path, err);
	if (fd < 0)
		return -1;
	if (mrd_digest_fd(fd, got, NULL, err) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return mr_error_prefix(err, "archive: %s", path);
	}
	if (strcmp(got, digest) != 0) {
		close(fd);
		return mr_error_set(err, EINVAL, "archive: blob %s has digest %s", digest, got);
	}
	return fd;
}

static char *read_blob(struct loader *l, const char *digest, size_t *len, struct mr_error **err)
{
	cleanup_close int fd = open_blob(l, digest, err);
	char *buf;
	if (fd < 0)
		return NULL;
	buf = mr_read_fd(fd, META_MAX, len, err);
	if (buf == NULL)
		mr_error_prefix(err, "archive: blob %s", digest);
	return buf;
}

static int oci_layer(struct loader *l, const void *ctx, size_t i, struct mr_error **err)
{
	const struct mr_json *layers = ctx;
	return open_blob(l, str_of(layers->items[i], "digest"), err);
}

static const char *host_arch(void)
{
	static struct utsname u;
	uname(&u);
	if (strcmp(u.machine, "x86_64") == 0)
		return "amd64";
	if (strcmp(u.machine, "aarch64") == 0)
		return "arm64";
	return u.machine;
}

static bool is_index(const char *media_type)
{
	return media_type != NULL && (strcmp(media_type, "application/vnd.oci.image.index.v1+json") == 0 ||
				      strcmp(media_type, "application/vnd.docker.distribution.manifest.list.v2+json") == 0);
}

static int load_oci_desc(struct loader *l, const struct mr_json *desc, const char *ref, int depth,
			 struct mr_error **err);

/* An index inside: its entry for this host (linux and our architecture). */
static int load_oci_index(struct loader *l, const struct mr_json *index, const char *ref, int depth,
			  struct mr_error **err)
{
	const struct mr_json *ms = mr_json_get(index, "manifests");

	if (ms == NULL || ms->kind != MR_JSON_ARRAY)
		return mr_error_set(err, EINVAL, "archive: index: manifests: expected an array");
	for (size_t i = 0; i < ms->len; i++) {
		const struct mr_json *p = mr_json_get(ms->items[i], "platform");
		const char *os = str_of(p, "os"), *arch = str_of(p, "architecture");
		if (p == NULL || ((os == NULL || strcmp(os, "linux") == 0) && (arch == NULL || strcmp(arch, host_arch()) == 0)))
			return load_oci_desc(l, ms->items[i], ref, depth + 1, err);
	}
	return mr_error_set(err, ENOENT, "archive: no image for linux/%s in the index", host_arch());
}

static int load_oci_manifest(struct loader *l, const char *buf, size_t len, const char *ref, struct mr_error **err)
{
	struct mr_json *m = mr_json_parse(buf, len, err);
	const struct mr_json *layers;
	cleanup_free char *config = NULL, *tag = NULL;
	size_t clen;
	int ret = -1;

	if (m == NULL)
		return mr_error_prefix(err, "archive: manifest");
	layers = mr_json_get(m, "layers");
	if (is_index(str_of(m, "mediaType")) || mr_json_get(m, "manifests") != NULL) {
		ret = load_oci_index(l, m, ref, 1, err);
		goto out;
	}
	if (layers == NULL || layers->kind != MR_JSON_ARRAY) {
		mr_error_set(err, EINVAL, "archive: manifest: layers: expected an array");
		goto out;
	}
	config = read_blob(l, str_of(mr_json_get(m, "config"), "digest"), &clen, err);
	if (config == NULL)
		goto out;
	if (ref != NULL && mrd_ref_normalize(ref, &tag, err) < 0)
		goto out;
	ret = add_image(l, config, clen, layers->len, oci_layer, layers, tag ? &tag : NULL, tag ? 1 : 0, err);
out:
	mr_json_free(m);
	return ret;
}

static int load_oci_desc(struct loader *l, const struct mr_json *desc, const char *ref, int depth,
			 struct mr_error **err)
{
	cleanup_free char *buf = NULL;
	size_t len;

	if (depth > 4)
		return mr_error_set(err, EINVAL, "archive: indexes nested too deep");
	buf = read_blob(l, str_of(desc, "digest"), &len, err);
	if (buf == NULL)
		return -1;
	return load_oci_manifest(l, buf, len, ref, err);
}

/* The name of an index entry: containerd's full image name, or the OCI
 * ref.name when it is a whole reference (a bare tag names no repository). */
static const char *oci_ref(const struct mr_json *desc)
{
	const struct mr_json *a = mr_json_get(desc, "annotations");
	const char *full = str_of(a, "io.containerd.image.name"), *ref = str_of(a, "org.opencontainers.image.ref.name");

	if (full != NULL)
		return full;
	if (ref != NULL && (strchr(ref, ':') != NULL || strchr(ref, '/') != NULL))
		return ref;
	return NULL;
}

static int load_oci(struct loader *l, struct mr_error **err)
{
	struct mr_json *idx = parse_in(l, "index.json", err);
	const struct mr_json *ms;
	int ret = 0;

	if (idx == NULL)
		return -1;
	ms = mr_json_get(idx, "manifests");
	if (ms == NULL || ms->kind != MR_JSON_ARRAY || ms->len > MAX_IMAGES)
		ret = mr_error_set(err, EINVAL, "index.json: manifests: expected an array of at most %d", MAX_IMAGES);
	for (size_t i = 0; ret == 0 && i < ms->len; i++)
		ret = load_oci_desc(l, ms->items[i], oci_ref(ms->items[i]), 0, err);
	mr_json_free(idx);
	return ret;
}

int mrd_archive_load(struct mrd_daemon *d, int fd, mrd_load_line_fn fn, void *data, struct mr_error **err)
{
	cleanup_free char *dir = NULL;
	struct mrd_extract_result res;
	struct mrd_extract_opts o = {.layer = false, .aux_fd = -1};
	struct loader l = {.d = d, .fn = fn, .data = data, .root_fd = -1};
	int ret = -1;

	if (asprintf(&dir, "%s/load-XXXXXX", d->tmp_dir) < 0 || mkdtemp(dir) == NULL)
		return mr_error_sys(err, errno, "make a temporary directory in %s", d->tmp_dir);
	l.root_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (l.root_fd < 0) {
		mr_error_sys(err, errno, "open %s", dir);
		goto out;
	}
	if (mrd_extract(fd, l.root_fd, &o, &res, err) < 0) {
		mr_error_prefix(err, "archive");
		goto out;
	}
	if (faccessat(l.root_fd, "manifest.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		ret = load_docker(&l, err);
	else if (faccessat(l.root_fd, "index.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		ret = load_oci(&l, err);
	else
		mr_error_set(err, EINVAL, "not an image archive: it has neither manifest.json nor index.json");
	if (ret == 0 && l.loaded == 0)
		ret = mr_error_set(err, EINVAL, "the archive holds no image");
out:
	if (l.root_fd >= 0)
		close(l.root_fd);
	mrd_remove_tree(AT_FDCWD, dir, NULL);
	return ret;
}
