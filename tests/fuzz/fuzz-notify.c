/* libFuzzer target: any bytes as a datagram the container's process sends
 * to its NOTIFY_SOCKET (outside input) through mr_notify_says_ready. A yes
 * means the bytes hold READY=1 between line ends.
 * Build: ./configure --enable-fuzzing CC=clang && make
 * Run:   tests/fuzz/fuzz-notify -max_total_time=60 corpus/ tests/fuzz/seeds/fuzz-notify */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "notify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy, so that ASan sees any read past the end */
	char *msg = malloc(size ? size : 1);
	bool found = false;

	if (msg == NULL)
		return 0;
	memcpy(msg, data, size);
	for (size_t i = 0; i + 7 <= size && !found; i++)
		found = memcmp(msg + i, "READY=1", 7) == 0 && (i == 0 || msg[i - 1] == '\n') &&
			(i + 7 == size || msg[i + 7] == '\n');
	if (mr_notify_says_ready(msg, size) != found)
		abort();
	free(msg);
	return 0;
}
