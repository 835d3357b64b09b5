/* libFuzzer target: any bytes as the container's /etc/passwd (the image's,
 * so outside input) through mr_passwd_home, for a uid taken from the first
 * bytes. A found home lies inside the text, on one line, without ':'.
 * Build: ./configure --enable-fuzzing CC=clang && make
 * Run:   tests/fuzz/fuzz-passwd -max_total_time=60 corpus/ tests/fuzz/seeds/fuzz-passwd */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "process-env.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t uid = 0;
	const char *home = NULL;
	size_t len = 0;
	char *text;

	if (size >= 4) {
		memcpy(&uid, data, 4);
		/* small uids are the ones a text names most easily */
		uid %= 1024;
		data += 4;
		size -= 4;
	}
	/* an exact-size copy, so that ASan sees any read past the end */
	text = malloc(size ? size : 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	if (mr_passwd_home(text, size, uid, &home, &len)) {
		if (home < text || home + len > text + size)
			abort();
		if (memchr(home, '\n', len) != NULL || memchr(home, ':', len) != NULL)
			abort();
	}
	free(text);
	return 0;
}
