/* sha256 digests in the "sha256:<64 hex>" form of image ids, diff ids and
 * blob digests (nettle). */
#ifndef MINIRUND_IMAGE_DIGEST_H
#define MINIRUND_IMAGE_DIGEST_H

#include <nettle/sha2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define MRD_DIGEST_LEN 71 /* "sha256:" + 64 */

void mrd_digest_finish(struct sha256_ctx *ctx, char out[MRD_DIGEST_LEN + 1]);
void mrd_digest_buf(const void *buf, size_t len, char out[MRD_DIGEST_LEN + 1]);
/* Digest of a whole file (by fd, from its current offset). */
int mrd_digest_fd(int fd, char out[MRD_DIGEST_LEN + 1], uint64_t *size, struct mr_error **err);
/* "sha256:" followed by exactly 64 lowercase hex digits. */
bool mrd_digest_valid(const char *d);
/* The 64 hex digits of a valid digest. */
const char *mrd_digest_hex(const char *d);

#endif
