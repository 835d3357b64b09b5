#include "image/decompress.h"

#include <bzlib.h>
#include <errno.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define IN_SIZE 65536

enum format { NONE, GZIP, ZSTD, XZ, BZIP2 };

struct mrd_unzip {
	int fd;
	enum format fmt;
	unsigned char in[IN_SIZE];
	size_t in_off, in_len;
	bool in_eof, out_eof;
	bool clean; /* the last member or frame ended: the input may end here */
	z_stream gz;
	ZSTD_DStream *zs;
	lzma_stream xz;
	bz_stream bz;
};

/* Refill the input buffer when it is empty; false at the end. */
static bool fill(struct mrd_unzip *z)
{
	ssize_t n;

	if (z->in_off < z->in_len)
		return true;
	if (z->in_eof)
		return false;
	do
		n = read(z->fd, z->in, sizeof(z->in));
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		z->in_eof = true;
		return false;
	}
	z->in_off = 0;
	z->in_len = (size_t)n;
	return true;
}

struct mrd_unzip *mrd_unzip_open(int fd)
{
	struct mrd_unzip *z = calloc(1, sizeof(*z));
	static const lzma_stream xz_init = LZMA_STREAM_INIT;

	if (z == NULL)
		return NULL;
	z->fd = fd;
	/* the magic: read up to 6 bytes (a short first read is read again) */
	while (!z->in_eof && z->in_len < 6) {
		ssize_t n = read(fd, z->in + z->in_len, sizeof(z->in) - z->in_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			z->in_eof = true;
		else
			z->in_len += (size_t)n;
	}
	const unsigned char *m = z->in;
	if (z->in_len >= 2 && m[0] == 0x1f && m[1] == 0x8b)
		z->fmt = GZIP;
	else if (z->in_len >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
		z->fmt = ZSTD;
	else if (z->in_len >= 6 && memcmp(m, "\xfd" "7zXZ\0", 6) == 0)
		z->fmt = XZ;
	else if (z->in_len >= 3 && memcmp(m, "BZh", 3) == 0)
		z->fmt = BZIP2;
	switch (z->fmt) {
	case GZIP:
		if (inflateInit2(&z->gz, 15 + 32) != Z_OK)
			goto fail;
		break;
	case ZSTD:
		if ((z->zs = ZSTD_createDStream()) == NULL)
			goto fail;
		break;
	case XZ:
		z->xz = xz_init;
		if (lzma_stream_decoder(&z->xz, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
			goto fail;
		break;
	case BZIP2:
		if (BZ2_bzDecompressInit(&z->bz, 0, 0) != BZ_OK)
			goto fail;
		break;
	case NONE:
		break;
	}
	return z;
fail:
	free(z);
	return NULL;
}

const char *mrd_unzip_format(const struct mrd_unzip *z)
{
	static const char *const names[] = {"none", "gzip", "zstd", "xz", "bzip2"};
	return names[z->fmt];
}

static ssize_t corrupt(void)
{
	errno = EIO;
	return -1;
}

/* One step of the decoder: consumed input, produced output, the end. */
static int step(struct mrd_unzip *z, unsigned char *buf, size_t n, size_t *in_used, size_t *out, bool *end,
		bool *member_end)
{
	const unsigned char *in = z->in + z->in_off;
	size_t avail = z->in_len - z->in_off;
	int r;

	*end = false;
	*member_end = false;
	switch (z->fmt) {
	case GZIP:
		z->gz.next_in = (unsigned char *)in;
		z->gz.avail_in = (unsigned)avail;
		z->gz.next_out = buf;
		z->gz.avail_out = (unsigned)n;
		r = inflate(&z->gz, Z_NO_FLUSH);
		*in_used = avail - z->gz.avail_in;
		*out = n - z->gz.avail_out;
		if (r == Z_STREAM_END) {
			/* another gzip member may follow (pigz, concatenated) */
			*member_end = true;
			return inflateReset(&z->gz) == Z_OK ? 0 : -1;
		}
		return r == Z_OK || r == Z_BUF_ERROR ? 0 : -1;
	case ZSTD: {
		ZSTD_inBuffer ib = {in, avail, 0};
		ZSTD_outBuffer ob = {buf, n, 0};
		size_t zr = ZSTD_decompressStream(z->zs, &ob, &ib);
		*in_used = ib.pos;
		*out = ob.pos;
		*member_end = zr == 0;
		return ZSTD_isError(zr) ? -1 : 0;
	}
	case XZ:
		z->xz.next_in = in;
		z->xz.avail_in = avail;
		z->xz.next_out = buf;
		z->xz.avail_out = n;
		r = lzma_code(&z->xz, z->in_eof && avail == 0 ? LZMA_FINISH : LZMA_RUN);
		*in_used = avail - z->xz.avail_in;
		*out = n - z->xz.avail_out;
		*end = r == LZMA_STREAM_END;
		*member_end = *end;
		return r == LZMA_OK || r == LZMA_STREAM_END || r == LZMA_BUF_ERROR ? 0 : -1;
	case BZIP2:
		z->bz.next_in = (char *)in;
		z->bz.avail_in = (unsigned)avail;
		z->bz.next_out = (char *)buf;
		z->bz.avail_out = (unsigned)n;
		r = BZ2_bzDecompress(&z->bz);
		*in_used = avail - z->bz.avail_in;
		*out = n - z->bz.avail_out;
		*member_end = r == BZ_STREAM_END;
		if (r == BZ_STREAM_END) {
			BZ2_bzDecompressEnd(&z->bz);
			memset(&z->bz, 0, sizeof(z->bz));
			if (BZ2_bzDecompressInit(&z->bz, 0, 0) != BZ_OK)
				return -1;
		}
		return r == BZ_OK || r == BZ_STREAM_END ? 0 : -1;
	case NONE:
		break;
	}
	return -1;
}

ssize_t mrd_unzip_read(struct mrd_unzip *z, void *buf, size_t n)
{
	if (n > (1u << 30))
		n = 1u << 30;
	if (z->fmt == NONE) {
		if (!fill(z))
			return 0;
		size_t k = z->in_len - z->in_off < n ? z->in_len - z->in_off : n;
		memcpy(buf, z->in + z->in_off, k);
		z->in_off += k;
		return (ssize_t)k;
	}
	while (!z->out_eof) {
		size_t used = 0, out = 0;
		bool end, member_end;
		bool more = fill(z);
		if (step(z, buf, n, &used, &out, &end, &member_end) < 0)
			return corrupt();
		z->in_off += used;
		if (used > 0 || out > 0 || member_end)
			z->clean = member_end;
		if (end)
			z->out_eof = true;
		if (out > 0)
			return (ssize_t)out;
		if (!more && used == 0) {
			/* the input is over: at a member's end that is the end,
			 * anywhere else the stream was cut short */
			if (!z->clean)
				return corrupt();
			z->out_eof = true;
		}
	}
	return 0;
}

void mrd_unzip_close(struct mrd_unzip *z)
{
	if (z == NULL)
		return;
	if (z->fmt == GZIP)
		inflateEnd(&z->gz);
	else if (z->fmt == ZSTD)
		ZSTD_freeDStream(z->zs);
	else if (z->fmt == XZ)
		lzma_end(&z->xz);
	else if (z->fmt == BZIP2)
		BZ2_bzDecompressEnd(&z->bz);
	free(z);
}
