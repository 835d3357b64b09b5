#include "image/digest.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void mrd_digest_finish(struct sha256_ctx *ctx, char out[MRD_DIGEST_LEN + 1])
{
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_digest(ctx, sizeof(d), d);
	memcpy(out, "sha256:", 7);
	for (size_t i = 0; i < sizeof(d); i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", d[i]);
}

void mrd_digest_buf(const void *buf, size_t len, char out[MRD_DIGEST_LEN + 1])
{
	struct sha256_ctx ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, len, buf);
	mrd_digest_finish(&ctx, out);
}

int mrd_digest_fd(int fd, char out[MRD_DIGEST_LEN + 1], uint64_t *size, struct mr_error **err)
{
	struct sha256_ctx ctx;
	char buf[65536];
	uint64_t total = 0;

	sha256_init(&ctx);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return mr_error_sys(err, errno, "read");
		if (n == 0)
			break;
		sha256_update(&ctx, (size_t)n, (const uint8_t *)buf);
		total += (uint64_t)n;
	}
	mrd_digest_finish(&ctx, out);
	if (size != NULL)
		*size = total;
	return 0;
}

bool mrd_digest_valid(const char *d)
{
	if (d == NULL || strncmp(d, "sha256:", 7) != 0 || strlen(d) != MRD_DIGEST_LEN)
		return false;
	for (const char *p = d + 7; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

const char *mrd_digest_hex(const char *d)
{
	return d + 7;
}
