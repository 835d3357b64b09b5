/* A layer's tar put together again from its split file and its files. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/extract.h"
#include "image/layers.h"
#include "util/cleanup.h"

struct split_reader {
	FILE *f;
	int layer_fd; /* layers/<hex> */
};

static int get_u32(FILE *f, uint32_t *v)
{
	unsigned char b[4];
	if (fread(b, 1, 4, f) != 4)
		return -1;
	*v = b[0] | (b[1] << 8) | (b[2] << 16) | ((uint32_t)b[3] << 24);
	return 0;
}

static int get_u64(FILE *f, uint64_t *v)
{
	unsigned char b[8];
	if (fread(b, 1, 8, f) != 8)
		return -1;
	*v = 0;
	for (int i = 7; i >= 0; i--)
		*v = (*v << 8) | b[i];
	return 0;
}

typedef int (*chunk_fn)(void *ctx, const void *buf, size_t n);

/* The content of regular file number `record` at `path`: from aux/ if a
 * later entry replaced it, else from diff/. */
static int open_content(int layer_fd, uint32_t record, const char *path)
{
	char aux[32];
	cleanup_free char *p = NULL;
	int fd;

	snprintf(aux, sizeof(aux), "aux/%u", record);
	fd = openat(layer_fd, aux, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	if (asprintf(&p, "diff/%s", path) < 0)
		return -1;
	return openat(layer_fd, p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
}

static int copy_file(int fd, uint64_t size, chunk_fn fn, void *ctx, const char *path, struct mr_error **err)
{
	char buf[65536];
	while (size > 0) {
		size_t want = size < sizeof(buf) ? (size_t)size : sizeof(buf);
		ssize_t n = read(fd, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return mr_error_set(err, EIO, "layer file %s: shorter than when it was loaded", path);
		if (fn(ctx, buf, (size_t)n) < 0)
			return mr_error_set(err, EPIPE, "write the layer");
		size -= (uint64_t)n;
	}
	return 0;
}

/* size_only: add up the tar's size without reading any content. */
static int walk_split(struct split_reader *r, chunk_fn fn, void *ctx, uint64_t *size_only, struct mr_error **err)
{
	char magic[sizeof(MRD_SPLIT_MAGIC)];
	char buf[65536];
	int c;

	if (fread(magic, 1, strlen(MRD_SPLIT_MAGIC), r->f) != strlen(MRD_SPLIT_MAGIC) ||
	    memcmp(magic, MRD_SPLIT_MAGIC, strlen(MRD_SPLIT_MAGIC)) != 0)
		return mr_error_set(err, EINVAL, "layer split file: bad magic");
	while ((c = fgetc(r->f)) != EOF) {
		uint32_t len, record;
		uint64_t size;
		if (c == 'E')
			return 0;
		if (c == 'R') {
			if (get_u32(r->f, &len) < 0)
				break;
			if (size_only != NULL) {
				*size_only += len;
				if (fseek(r->f, len, SEEK_CUR) < 0)
					break;
				continue;
			}
			while (len > 0) {
				size_t k = len < sizeof(buf) ? len : sizeof(buf);
				if (fread(buf, 1, k, r->f) != k)
					return mr_error_set(err, EIO, "layer split file: truncated");
				if (fn(ctx, buf, k) < 0)
					return mr_error_set(err, EPIPE, "write the layer");
				len -= (uint32_t)k;
			}
			continue;
		}
		if (c != 'F' || get_u32(r->f, &record) < 0)
			break;
		unsigned char pl[2];
		char path[65536 + 1];
		if (fread(pl, 1, 2, r->f) != 2)
			break;
		size_t plen = pl[0] | ((size_t)pl[1] << 8);
		if (fread(path, 1, plen, r->f) != plen || get_u64(r->f, &size) < 0)
			break;
		path[plen] = '\0';
		if (size_only != NULL) {
			*size_only += size;
			continue;
		}
		cleanup_close int fd = open_content(r->layer_fd, record, path);
		if (fd < 0)
			return mr_error_sys(err, errno, "layer file %s", path);
		if (copy_file(fd, size, fn, ctx, path, err) < 0)
			return -1;
	}
	return mr_error_set(err, EIO, "layer split file: truncated or corrupt");
}

static int open_split(const struct mrd_layers *l, const char *diff_id, struct split_reader *r, struct mr_error **err)
{
	cleanup_free char *dir = NULL;
	int fd;

	if (!mrd_digest_valid(diff_id) || asprintf(&dir, "%s/%s", mrd_layers_dir(l), mrd_digest_hex(diff_id)) < 0)
		return mr_error_set(err, EINVAL, "bad layer id %s", diff_id);
	r->layer_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r->layer_fd < 0)
		return mr_error_sys(err, errno, "layer %s", diff_id);
	fd = openat(r->layer_fd, "split", O_RDONLY | O_CLOEXEC);
	r->f = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (r->f == NULL) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		close(r->layer_fd);
		return mr_error_sys(err, e, "layer %s: split file", diff_id);
	}
	return 0;
}

struct hashing {
	struct sha256_ctx sha;
	uint64_t size;
	mrd_write_fn fn;
	void *ctx;
};

static int hash_chunk(void *ctx, const void *buf, size_t n)
{
	struct hashing *h = ctx;
	sha256_update(&h->sha, n, buf);
	h->size += n;
	return h->fn != NULL ? h->fn(h->ctx, buf, n) : 0;
}

static int run(const struct mrd_layers *l, const char *diff_id, struct hashing *h, struct mr_error **err)
{
	struct split_reader r;
	char got[MRD_DIGEST_LEN + 1];
	int ret;

	if (open_split(l, diff_id, &r, err) < 0)
		return -1;
	sha256_init(&h->sha);
	ret = walk_split(&r, hash_chunk, h, NULL, err);
	fclose(r.f);
	close(r.layer_fd);
	if (ret < 0)
		return mr_error_prefix(err, "layer %s", diff_id);
	mrd_digest_finish(&h->sha, got);
	if (strcmp(got, diff_id) != 0)
		return mr_error_set(err, EIO, "layer %s changed on disk since it was loaded (now %s)", diff_id, got);
	return 0;
}

int mrd_layers_write_tar(const struct mrd_layers *l, const char *diff_id, mrd_write_fn fn, void *ctx,
			 struct mr_error **err)
{
	struct hashing h = {.fn = fn, .ctx = ctx};
	return run(l, diff_id, &h, err);
}

int mrd_layers_tar_size(const struct mrd_layers *l, const char *diff_id, uint64_t *size, struct mr_error **err)
{
	struct split_reader r;
	int ret;

	*size = 0;
	if (open_split(l, diff_id, &r, err) < 0)
		return -1;
	ret = walk_split(&r, NULL, NULL, size, err);
	fclose(r.f);
	close(r.layer_fd);
	return ret < 0 ? mr_error_prefix(err, "layer %s", diff_id) : 0;
}
