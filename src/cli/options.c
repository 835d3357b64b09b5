#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int mr_cli_fail(struct mr_context *cli, struct mr_error *err)
{
	mr_log_write(&cli->log, "error", err && err->msg ? err->msg : "unknown error");
	mr_error_free(err);
	return 1;
}

int mr_cli_failf(struct mr_context *cli, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	mr_log_write(&cli->log, "error", msg ? msg : "out of memory");
	free(msg);
	return 1;
}

int mr_cli_usage_error(struct mr_context *cli, const struct mr_command *cmd, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;
	int ret;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	ret = mr_cli_failf(cli, "%s: %s (see 'minirun %s --help')", cmd->name, msg ? msg : "out of memory", cmd->name);
	free(msg);
	return ret;
}

int mr_cli_getopt(struct mr_context *cli, const struct mr_command *cmd, int argc, char **argv, const char *shortopts,
		  const struct option *longopts)
{
	/* "+": stop at the first argument that is not a flag (the container
	 * id; for exec, the command whose own flags are not ours). ":": report
	 * a missing value ourselves. */
	char optstring[64];
	struct option opts[32];
	size_t n = 0;
	int c;

	snprintf(optstring, sizeof(optstring), "+:%sh", shortopts);
	while (longopts && longopts[n].name && n < 30) {
		opts[n] = longopts[n];
		n++;
	}
	opts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	opts[n] = (struct option){ 0 };

	opterr = 0;
	c = getopt_long(argc, argv, optstring, opts, NULL);
	switch (c) {
	case 'h':
		fputs(cmd->usage, stdout);
		return MR_CLI_HELP;
	case '?':
		if (optopt)
			mr_cli_usage_error(cli, cmd, "unknown option -%c", optopt);
		else
			mr_cli_usage_error(cli, cmd, "unknown option %s", argv[optind - 1]);
		return MR_CLI_BADOPT;
	case ':':
		mr_cli_usage_error(cli, cmd, "option %s needs a value", argv[optind - 1]);
		return MR_CLI_BADOPT;
	default:
		return c;
	}
}
