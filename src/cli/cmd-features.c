/* minirun features: what this build and host support (runtime-spec features.md). */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "spec/features.h"

static const char usage[] =
	"Usage: minirun features\n"
	"\n"
	"Print the features document of the OCI runtime-spec (features.md) as JSON:\n"
	"the spec versions, hooks, mount options, namespaces, capabilities, cgroup\n"
	"drivers and seccomp support of this build on this host.\n";

static int run_features(struct mr_context *cli, int argc, char **argv)
{
	struct mr_error *err = NULL;
	struct oci_features *f;
	char *text;
	int c;

	while ((c = mr_cli_getopt(cli, &mr_cmd_features, argc, argv, "", NULL)) != -1)
		if (c < 0)
			return mr_cli_getopt_status(c);
	if (optind < argc)
		return mr_cli_failf(cli, "features: unexpected argument \"%s\"", argv[optind]);
	f = mr_features_build(&err);
	if (f == NULL)
		return mr_cli_fail(cli, err);
	text = mr_model_to_string(&mr_type_oci_features, f, true, &err);
	mr_features_free(f);
	if (text == NULL)
		return mr_cli_fail(cli, err);
	fputs(text, stdout);
	free(text);
	return 0;
}

const struct mr_command mr_cmd_features = {
	.name = "features",
	.summary = "show the features document of this runtime (JSON)",
	.usage = usage,
	.run = run_features,
};
