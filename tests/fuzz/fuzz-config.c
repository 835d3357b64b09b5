/* libFuzzer target: any byte string through the config reader, model engine
 * and validator (no filesystem checks), then the emitter for what parses.
 * Build: ./configure --enable-fuzzing CC=clang && make
 * Run:   tests/fuzz/fuzz-config -max_total_time=60 corpus/ tests/configs/valid tests/configs/invalid */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spec/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mr_error *err = NULL;
	struct oci_config *cfg = mr_config_parse((const char *)data, size, NULL, &err);

	/* A failure always says why, in one line. */
	if (cfg == NULL && (err == NULL || err->msg == NULL || strchr(err->msg, '\n') != NULL))
		abort();
	if (cfg != NULL) {
		struct mr_error *err2 = NULL;
		char *json = mr_config_to_json(cfg, false, &err2);
		struct oci_config *again;

		/* What we accepted we can write back, and read again. */
		if (json == NULL)
			abort();
		again = mr_config_parse(json, strlen(json), NULL, &err2);
		if (again == NULL)
			abort();
		mr_config_free(again);
		free(json);
		mr_error_free(err2);
	}
	mr_config_free(cfg);
	mr_error_free(err);
	return 0;
}
