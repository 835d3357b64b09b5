/* exec: run one more process in a running container, as runc exec does:
 * join the init's namespaces (setns on its pidfd), apply the process'
 * attributes and the container's seccomp filter, execve. */
#ifndef MINIRUN_EXEC_H
#define MINIRUN_EXEC_H

#include <stdbool.h>

#include "context.h"
#include "util/error.h"

struct mr_exec_opts {
	const char *id;
	const char *process_file; /* --process: a JSON process (as config.json's) */
	char **args; /* the command, when no --process */
	int n_args;
	const char *cwd; /* --cwd */
	char **env; /* --env KEY=VALUE, added */
	int n_env;
	const char *user; /* --user UID[:GID] */
	char **caps; /* --cap CAP_X, added to bounding, effective, permitted (never inheritable) */
	int n_caps;
	char **additional_gids; /* --additional-gids N */
	int n_gids;
	const char *apparmor; /* --apparmor */
	const char *process_label; /* --process-label */
	bool tty; /* --tty */
	bool no_new_privs; /* --no-new-privs */
	bool detach; /* --detach */
	const char *pid_file;
	const char *console_socket;
	int preserve_fds;
};

/* Foreground: *status gets the process' exit status (128+N for signal N). */
int mr_container_exec(const struct mr_context *ctx, const struct mr_exec_opts *o, int *status, struct mr_error **err);

#endif
