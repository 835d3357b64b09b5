/* libFuzzer target: the tar reader of image archives and layers
 * (src/daemon/image/tar.c) over any bytes: entries come out with bounded
 * names, and the raw bytes plus the content add up to what was read (what
 * makes docker save give a layer back byte for byte). Inputs whose size is
 * odd go through the decompressor first (image/decompress.c: gzip, zstd,
 * xz, bzip2, or none), from a memfd.
 * Build: ./configure --enable-fuzzing CC=clang && make
 * Run:   tests/fuzz/fuzz-tar -max_total_time=60 corpus/ tests/fuzz/seeds/fuzz-tar */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

#include "image/decompress.h"
#include "image/tar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const uint8_t *data;
	size_t size, off;
	size_t raw;
};

static ssize_t in_read(void *ctx, void *buf, size_t n)
{
	struct input *in = ctx;
	size_t k = in->size - in->off < n ? in->size - in->off : n;
	/* short reads, as a pipe gives them */
	if (k > 700)
		k = 700;
	memcpy(buf, in->data + in->off, k);
	in->off += k;
	return (ssize_t)k;
}

static void on_raw(void *ctx, const void *buf, size_t n)
{
	((struct input *)ctx)->raw += n;
	(void)buf;
}

/* Everything the decompressor gives, as the input of the tar reader. */
static uint8_t *unzipped(const uint8_t *data, size_t size, size_t *out)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	struct mrd_unzip *z;
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;

	*out = 0;
	if (fd < 0 || write(fd, data, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET) < 0 ||
	    (z = mrd_unzip_open(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	for (;;) {
		if (len + 65536 > cap) {
			if (cap >= (8u << 20))
				break; /* a bomb: enough of it */
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
		}
		n = mrd_unzip_read(z, buf + len, cap - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	mrd_unzip_close(z);
	close(fd);
	*out = len;
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *plain = NULL;

	if (size % 2 == 1) {
		plain = unzipped(data, size, &size);
		data = plain;
		if (plain == NULL)
			return 0;
	}
	struct input in = {data, size, 0, 0};
	struct mrd_tar *t = mrd_tar_new(in_read, &in, on_raw, &in);
	const struct mrd_tar_entry *e;
	struct mr_error *err = NULL;
	size_t content = 0;
	char buf[4096];
	int r;

	while ((r = mrd_tar_next(t, &e, &err)) > 0) {
		ssize_t n;
		if (e->path == NULL || e->linkname == NULL || strlen(e->path) > MRD_TAR_NAME_MAX ||
		    e->nxattrs > MRD_TAR_XATTRS_MAX)
			abort();
		while ((n = mrd_tar_read(t, buf, sizeof(buf), &err)) > 0)
			content += (size_t)n;
		if (n < 0)
			break;
	}
	if (r == 0 && err == NULL && mrd_tar_drain(t, &err) == 0 && in.raw + content != size)
		abort();
	if (err != NULL && (err->msg == NULL || strchr(err->msg, '\n') != NULL))
		abort();
	mr_error_free(err);
	mrd_tar_free(t);
	free(plain);
	return 0;
}
