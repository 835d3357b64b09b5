/* libFuzzer target: any bytes as a request line on minirun-shim's control
 * socket (outside input: any local client) through shim_request_parse. A
 * request either parses into a known op or is refused with a message;
 * nothing crashes, leaks or reads past the line.
 * Build: ./configure --enable-fuzzing CC=clang && make
 * Run:   tests/fuzz/fuzz-shim-proto -max_total_time=60 corpus/ tests/fuzz/seeds/fuzz-shim-proto */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shim/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy, so that ASan sees any read past the end */
	char *line = malloc(size ? size : 1);
	struct shim_request req;
	struct mr_error *err = NULL;

	if (line == NULL || size > SHIM_LINE_MAX) {
		free(line);
		return 0;
	}
	memcpy(line, data, size);
	if (shim_request_parse(line, size, &req, &err) < 0) {
		if (err == NULL || err->msg == NULL || err->msg[0] == '\0')
			abort(); /* a refusal always says why */
		mr_error_free(err);
	} else {
		if (err != NULL || req.op_name == NULL || strstr(shim_op_names(), req.op_name) == NULL)
			abort();
		if (req.op == SHIM_OP_STDIN && req.data == NULL && !req.eof)
			abort(); /* stdin carries bytes or their end */
		if (req.op == SHIM_OP_EXEC && req.process == NULL)
			abort();
		shim_request_clear(&req);
	}
	free(line);
	return 0;
}
