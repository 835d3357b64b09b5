/* A streaming reader of tar archives (ustar, pax, GNU long names), for the
 * hostile tars of image archives and layers: every number is range-checked,
 * every name bounded, nothing is trusted; what the names mean on disk is
 * extract.c's business.
 *
 * Bytes that are not file content (headers, pax records, padding, the end
 * blocks) are handed to a raw callback in stream order, so that a layer's
 * tar can be put together again byte for byte from its headers and its
 * extracted files (docker save gives back the layers that were loaded). */
#ifndef MINIRUND_IMAGE_TAR_H
#define MINIRUND_IMAGE_TAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

#define MRD_TAR_NAME_MAX 4096
#define MRD_TAR_PAX_MAX (1u << 20)
#define MRD_TAR_XATTRS_MAX 64

/* Read up to n bytes; 0 at the end, -1 on error (with errno). */
typedef ssize_t (*mrd_tar_read_fn)(void *ctx, void *buf, size_t n);
typedef void (*mrd_tar_raw_fn)(void *ctx, const void *buf, size_t n);

struct mrd_tar_xattr {
	char *name;
	char *value;
	size_t len;
};

struct mrd_tar_entry {
	char *path;     /* as in the archive */
	char *linkname; /* hard and symbolic links */
	char type;      /* '0' file, '1' hard link, '2' symlink, '3' char, '4' block, '5' dir, '6' fifo */
	uint64_t size;  /* content bytes (regular files) */
	uint32_t mode;  /* permission bits and setuid/setgid/sticky */
	uint32_t uid, gid;
	int64_t mtime;
	uint32_t devmajor, devminor;
	size_t nxattrs;
	struct mrd_tar_xattr xattrs[MRD_TAR_XATTRS_MAX];
};

struct mrd_tar;

struct mrd_tar *mrd_tar_new(mrd_tar_read_fn read, void *ctx, mrd_tar_raw_fn raw, void *raw_ctx);
void mrd_tar_free(struct mrd_tar *t);

/* The next entry (valid until the next call): 1, 0 at the end of the
 * archive, -1 on a malformed archive or a read error. The content of the
 * previous entry that was not read is skipped. */
int mrd_tar_next(struct mrd_tar *t, const struct mrd_tar_entry **e, struct mr_error **err);

/* Content of the current entry: up to n bytes, 0 at its end, -1 on error. */
ssize_t mrd_tar_read(struct mrd_tar *t, void *buf, size_t n, struct mr_error **err);

/* After the end: read what follows the end blocks up to the end of the
 * stream (as raw bytes), so that a digest of the stream is complete. */
int mrd_tar_drain(struct mrd_tar *t, struct mr_error **err);

#endif
