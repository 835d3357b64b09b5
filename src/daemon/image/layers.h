/* The content-addressed layer store: one directory per layer, named by
 * its diff id (the sha256 of its uncompressed tar), extracted once:
 *
 *   <data-root>/layers/<hex>/diff    the files, whiteouts in overlay form
 *   <data-root>/layers/<hex>/split   the tar's headers (extract.h)
 *   <data-root>/layers/<hex>/aux/    content of files a later entry replaced
 *
 * A layer is extracted into layers/tmp-XXXXXX and renamed into place only
 * once its digest is checked, so a crash leaves no half layer under a
 * real name (tmp-* are removed at start). */
#ifndef MINIRUND_IMAGE_LAYERS_H
#define MINIRUND_IMAGE_LAYERS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "image/digest.h"
#include "util/error.h"

struct mrd_layers;

struct mrd_layers *mrd_layers_open(const char *data_root, struct mr_error **err);
void mrd_layers_free(struct mrd_layers *l);

bool mrd_layers_has(const struct mrd_layers *l, const char *diff_id);

/* Extract the (possibly compressed) layer tar read from fd. want: the diff
 * id the image says it has (NULL: any; the digest is returned in got).
 * A layer already here is not extracted again (*existed). */
int mrd_layers_add(struct mrd_layers *l, int fd, const char *want, char got[MRD_DIGEST_LEN + 1], uint64_t *size,
		   struct mr_error **err);
int mrd_layers_remove(struct mrd_layers *l, const char *diff_id, struct mr_error **err);

/* "<data-root>/layers/<hex>/diff" (malloc'ed). */
char *mrd_layers_diff_path(const struct mrd_layers *l, const char *diff_id);
const char *mrd_layers_dir(const struct mrd_layers *l);

/* The layer's tar again, byte for byte, to fn; the digest is checked as it
 * goes (a changed layer is an error at the end). */
typedef int (*mrd_write_fn)(void *ctx, const void *buf, size_t n);
int mrd_layers_write_tar(const struct mrd_layers *l, const char *diff_id, mrd_write_fn fn, void *ctx,
			 struct mr_error **err);
/* The size of the tar write_tar gives. */
int mrd_layers_tar_size(const struct mrd_layers *l, const char *diff_id, uint64_t *size, struct mr_error **err);

/* Remove every layer directory for which keep() says false. */
typedef bool (*mrd_layer_keep_fn)(const char *diff_id, void *data);
void mrd_layers_gc(struct mrd_layers *l, mrd_layer_keep_fn keep, void *data);


#endif
