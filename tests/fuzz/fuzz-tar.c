/* libFuzzer target: the tar reader of image archives and layers
 * (src/daemon/image/tar.c) over any bytes: entries come out with bounded
 * names, sizes that the input holds, and the raw bytes plus the content
 * add up to what was read (what makes docker save give a layer back byte
 * for byte).
 * Build: ./configure --enable-fuzzing CC=clang && make
 * Run:   tests/fuzz/fuzz-tar -max_total_time=60 corpus/ tests/fuzz/seeds/fuzz-tar */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
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
	return 0;
}
