/* Extracting a tar (a layer, or an image archive) into a directory, with
 * nothing of it trusted:
 *   - absolute names, ".." components, device nodes are refused;
 *   - no name is resolved through a symlink or a non-directory (each
 *     component is opened O_NOFOLLOW|O_DIRECTORY), so a symlink in the
 *     archive can never send a later entry out of the directory;
 *   - a hard link must point at an entry already extracted, inside;
 *   - trusted.overlay.* attributes are refused (they would forge
 *     whiteouts or redirects); other trusted.* and system.* are dropped.
 * For layers the whiteouts become overlayfs' own form: ".wh.NAME" a 0:0
 * character device NAME, ".wh..wh..opq" the directory's
 * trusted.overlay.opaque=y.
 *
 * The input may be compressed (gzip, zstd, xz, bzip2: libarchive's
 * filters); the digest is of the uncompressed stream (a layer's diff id).
 * With a split file, the bytes that are not file content are kept in it,
 * so that layers.c can give the same tar back (docker save). */
#ifndef MINIRUND_IMAGE_EXTRACT_H
#define MINIRUND_IMAGE_EXTRACT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "image/digest.h"
#include "util/error.h"

struct mrd_extract_opts {
	bool layer;    /* whiteouts into overlay form */
	int aux_fd;    /* with split: a directory for replaced files' content (-1 none) */
	FILE *split;   /* NULL: no split kept */
};

struct mrd_extract_result {
	char digest[MRD_DIGEST_LEN + 1]; /* of the uncompressed stream */
	uint64_t size;                   /* bytes of regular file content */
	uint64_t entries;
};

/* Extract the tar read from in_fd into the directory root_fd. On failure
 * the directory holds a partial tree: the caller removes it. */
int mrd_extract(int in_fd, int root_fd, const struct mrd_extract_opts *opts, struct mrd_extract_result *res,
		struct mr_error **err);

/* Bounds of one archive: a layer or image archive with more entries is
 * refused (hostile input must not eat the disk's inodes unnoticed). */
#define MRD_EXTRACT_MAX_ENTRIES 2000000

/* The split file format (layers.c reads it):
 *   "MRDSPLIT1\n", then records: 'R' u32 len, len raw bytes;
 *   'F' u32 record, u16 pathlen, path, u64 size: content of regular file
 *   number `record` (in entry order) from the layer's diff/<path>, or from
 *   aux/<record> if a later entry replaced it; 'E' at the end.
 * Integers are little-endian. */
#define MRD_SPLIT_MAGIC "MRDSPLIT1\n"

#endif
