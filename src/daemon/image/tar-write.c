#include "image/tar-write.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int mrd_tarw_data(int fd, const void *buf, size_t n, struct mr_error **err)
{
	for (size_t off = 0; off < n;) {
		ssize_t w = write(fd, (const char *)buf + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return mr_error_sys(err, errno, "write the archive");
		off += (size_t)w;
	}
	return 0;
}

/* v in len-1 octal digits and a NUL (v fits: the callers check). */
static void octal(char *f, size_t len, uint64_t v)
{
	f[len - 1] = '\0';
	for (size_t i = len - 1; i-- > 0; v >>= 3)
		f[i] = (char)('0' + (v & 7));
}

int mrd_tarw_header(int fd, const char *name, char type, uint64_t size, uint32_t mode, int64_t mtime,
		    struct mr_error **err)
{
	unsigned char h[512] = {0};
	unsigned sum = 0;

	if (strlen(name) >= 100)
		return mr_error_set(err, ENAMETOOLONG, "tar name %s too long", name);
	memcpy(h, name, strlen(name));
	octal((char *)h + 100, 8, mode & 07777);
	octal((char *)h + 108, 8, 0);
	octal((char *)h + 116, 8, 0);
	if (size < 077777777777ull) {
		octal((char *)h + 124, 12, size);
	} else {
		h[124] = 0x80;
		for (int i = 11; i > 0; i--, size >>= 8)
			h[124 + i] = (unsigned char)(size & 0xff);
	}
	octal((char *)h + 136, 12, (uint64_t)(mtime > 0 ? mtime : 0));
	memset(h + 148, ' ', 8);
	h[156] = (unsigned char)type;
	memcpy(h + 257, "ustar\00000", 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	return mrd_tarw_data(fd, h, sizeof(h), err);
}

int mrd_tarw_pad(int fd, uint64_t size, struct mr_error **err)
{
	static const char zero[512];
	size_t pad = (size_t)((512 - size % 512) % 512);
	return pad ? mrd_tarw_data(fd, zero, pad, err) : 0;
}

int mrd_tarw_file(int fd, const char *name, const void *buf, size_t n, int64_t mtime, struct mr_error **err)
{
	if (mrd_tarw_header(fd, name, '0', n, 0644, mtime, err) < 0 || mrd_tarw_data(fd, buf, n, err) < 0)
		return -1;
	return mrd_tarw_pad(fd, n, err);
}

int mrd_tarw_end(int fd, struct mr_error **err)
{
	static const char zero[1024];
	return mrd_tarw_data(fd, zero, sizeof(zero), err);
}
