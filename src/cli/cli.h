/* The minirun command line: a table of subcommands, each a thin file that
 * parses its flags and calls one library function. */
#ifndef MINIRUN_CLI_H
#define MINIRUN_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "context.h"
#include "util/error.h"
#include "util/log.h"


struct mr_command {
	const char *name;
	const char *summary; /* one line for `minirun --help` */
	const char *usage; /* the whole text of `minirun help NAME` */
	int (*run)(struct mr_context *cli, int argc, char **argv);
};

extern const struct mr_command mr_cmd_spec;
extern const struct mr_command mr_cmd_features;
extern const struct mr_command mr_cmd_create;
extern const struct mr_command mr_cmd_start;
extern const struct mr_command mr_cmd_state;
extern const struct mr_command mr_cmd_kill;
extern const struct mr_command mr_cmd_delete;
extern const struct mr_command mr_cmd_run;
extern const struct mr_command mr_cmd_list;
extern const struct mr_command mr_cmd_exec;
extern const struct mr_command mr_cmd_pause;
extern const struct mr_command mr_cmd_resume;
extern const struct mr_command mr_cmd_ps;
extern const struct mr_command mr_cmd_events;
extern const struct mr_command mr_cmd_update;

/* create's flags, shared with run (cmd-lifecycle.c). */
struct mr_create_opts;
extern const struct option mr_cli_create_options[];
int mr_cli_create_flag(struct mr_context *ctx, int c, struct mr_create_opts *o);

/* Print the error (stderr + --log) and return the exit status 1. Frees err. */
int mr_cli_fail(struct mr_context *cli, struct mr_error *err);

/* Same with a formatted message. */
int mr_cli_failf(struct mr_context *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A usage error of cmd, in one line that points at its help:
 * "start: missing the container id (see 'minirun start --help')". */
int mr_cli_usage_error(struct mr_context *cli, const struct mr_command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* getopt_long over a command's flags with runc's conventions: both
 * `--flag value` and `--flag=value`, `-h/--help` prints the usage.
 * Returns the option character, -1 at the end, 'h' is handled (returns -2:
 * exit 0), an unknown flag or a missing value prints an error (returns -3:
 * exit 1). Give `longopts` without help; it is added. */
int mr_cli_getopt(struct mr_context *cli, const struct mr_command *cmd, int argc, char **argv, const char *shortopts,
		  const struct option *longopts);

/* Exit status for mr_cli_getopt()'s -2 and -3. */
#define MR_CLI_HELP (-2)
#define MR_CLI_BADOPT (-3)
static inline int mr_cli_getopt_status(int r)
{
	return r == MR_CLI_HELP ? 0 : 1;
}

#endif
