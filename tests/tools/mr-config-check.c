/* Test helper: validate BUNDLE/config.json the way create will.
 *   mr-config-check BUNDLE          exit 0 silently, or print the error, exit 1
 *   mr-config-check --emit BUNDLE   print the config re-serialized */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/config.h"

int main(int argc, char **argv)
{
	struct mr_error *err = NULL;
	bool emit = argc == 3 && strcmp(argv[1], "--emit") == 0;
	struct oci_config *cfg;
	char *text;

	if (argc != 2 && !emit) {
		fprintf(stderr, "usage: mr-config-check [--emit] BUNDLE\n");
		return 2;
	}
	cfg = mr_config_load(argv[argc - 1], &err);
	if (cfg == NULL) {
		fprintf(stderr, "%s\n", err->msg);
		mr_error_free(err);
		return 1;
	}
	if (emit) {
		text = mr_config_to_json(cfg, true, &err);
		if (text == NULL) {
			fprintf(stderr, "%s\n", err->msg);
			mr_error_free(err);
			mr_config_free(cfg);
			return 1;
		}
		fputs(text, stdout);
		free(text);
	}
	mr_config_free(cfg);
	return 0;
}
