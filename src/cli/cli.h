/* The minirun command line: a table of subcommands, each a thin file that
 * parses its flags and calls one library function. */
#ifndef MINIRUN_CLI_H
#define MINIRUN_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "util/error.h"
#include "util/log.h"

/* The global options, passed to every command. */
struct mr_cli {
	const char *root; /* state directory (--root) */
	bool systemd_cgroup;
	struct mr_log log;
};

struct mr_command {
	const char *name;
	const char *summary; /* one line for `minirun --help` */
	const char *usage; /* the whole text of `minirun help NAME` */
	int (*run)(struct mr_cli *cli, int argc, char **argv);
};

extern const struct mr_command mr_cmd_spec;
extern const struct mr_command mr_cmd_features;

/* Print the error (stderr + --log) and return the exit status 1. Frees err. */
int mr_cli_fail(struct mr_cli *cli, struct mr_error *err);

/* Same with a formatted message. */
int mr_cli_failf(struct mr_cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* getopt_long over a command's flags with runc's conventions: both
 * `--flag value` and `--flag=value`, `-h/--help` prints the usage.
 * Returns the option character, -1 at the end, 'h' is handled (returns -2:
 * exit 0), an unknown flag or a missing value prints an error (returns -3:
 * exit 1). Give `longopts` without help; it is added. */
int mr_cli_getopt(struct mr_cli *cli, const struct mr_command *cmd, int argc, char **argv, const char *shortopts,
		  const struct option *longopts);

/* Exit status for mr_cli_getopt()'s -2 and -3. */
#define MR_CLI_HELP (-2)
#define MR_CLI_BADOPT (-3)
static inline int mr_cli_getopt_status(int r)
{
	return r == MR_CLI_HELP ? 0 : 1;
}

#endif
