/* Small text codecs shared by the programs: RFC 3339 times with
 * nanoseconds (CRI logs, the shim's protocol, Docker's API), base64 (bytes
 * that are not UTF-8 text in JSON), UTF-8 validity. */
#ifndef MINIRUN_UTIL_TEXT_H
#define MINIRUN_UTIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* "2024-05-01T12:00:00.123456789Z": always 9 fraction digits and UTC, so
 * that records sort as text; Go's time.RFC3339Nano parses it. */
#define MR_TIME_LEN 30
void mr_time_format(int64_t ns, char buf[MR_TIME_LEN + 1]);
/* Go's RFC3339Nano: trailing fraction zeros dropped, UTC; 0 is Go's zero
 * time "0001-01-01T00:00:00Z" (what Docker prints for "never"). buf holds
 * at least MR_TIME_LEN + 1 bytes. */
void mr_time_format_go(int64_t ns, char *buf, size_t size);
int64_t mr_time_now(void); /* CLOCK_REALTIME in ns */

/* Parse RFC 3339 ("...Z" or "...+hh:mm", any number of fraction digits,
 * beyond 9 ignored) into ns since the epoch. -1 when it is not one or does
 * not fit (years 1678 to 2262). */
int mr_time_parse(const char *s, size_t len, int64_t *ns);

/* base64 (RFC 4648, padded). out needs mr_base64_len(n) + 1 bytes. */
static inline size_t mr_base64_len(size_t n)
{
	return (n + 2) / 3 * 4;
}
void mr_base64_encode(const void *in, size_t n, char *out);
/* Decode into out (room for len / 4 * 3 bytes); -1 on bad input. */
ssize_t mr_base64_decode(const char *in, size_t len, void *out);

bool mr_utf8_valid(const void *p, size_t n);

#endif
