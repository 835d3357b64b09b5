/* Reading a possibly compressed stream (image archives and layers):
 * gzip, zstd, xz and bzip2 are told by their magic bytes, anything else is
 * read as it is. zlib, libzstd, liblzma and libbz2 directly: small
 * libraries that cost an idle minirund nothing. */
#ifndef MINIRUND_IMAGE_DECOMPRESS_H
#define MINIRUND_IMAGE_DECOMPRESS_H

#include <stddef.h>
#include <sys/types.h>

struct mrd_unzip;

/* Reads fd from its current offset (the fd stays the caller's). */
struct mrd_unzip *mrd_unzip_open(int fd);
/* Up to n decompressed bytes; 0 at the end; -1 with errno (EIO: corrupt). */
ssize_t mrd_unzip_read(struct mrd_unzip *z, void *buf, size_t n);
/* "gzip", "zstd", "xz", "bzip2" or "none". */
const char *mrd_unzip_format(const struct mrd_unzip *z);
void mrd_unzip_close(struct mrd_unzip *z);

#endif
