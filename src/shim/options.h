/* minirun-shim's command line: the options of the shim itself (the `ctl`
 * subcommand has its own, ctl.h). Parsing only; main.c acts on them. */
#ifndef MINIRUN_SHIM_OPTIONS_H
#define MINIRUN_SHIM_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

#define SHIM_PRESERVE_FDS_MAX 1000

struct shim_options {
	char *id;
	char *bundle;       /* made absolute */
	char *state_dir;    /* made absolute (it may not exist yet) */
	char *runtime;      /* NULL: minirun (beside the shim, else PATH) */
	char *runtime_root;
	char *log;          /* made absolute */
	uint64_t log_max_size;
	bool terminal, stdin;
	bool foreground;    /* stay in the foreground (debugging: no detach) */
	unsigned preserve_fds; /* fds 3 .. 3+N-1 go on to the container (the rest is closed) */
	char **exit_command; /* argv (path first), NULL-terminated; NULL: none */
	int n_exit_command;
	bool help, version;
};

/* Parse argv; an error names the option at fault. */
int shim_options_parse(struct shim_options *o, int argc, char **argv, struct mr_error **err);
void shim_options_free(struct shim_options *o);

/* Resolve the runtime to an absolute path (a name is looked up in PATH; no
 * --runtime: minirun beside this program, then in PATH). */
char *shim_find_runtime(const char *given, struct mr_error **err);

/* --help. */
void shim_print_usage(void);

#endif
