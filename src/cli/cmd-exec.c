/* minirun exec: run a new process inside a running container. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exec.h"

/* Repeated flags (--env, --cap, --additional-gids) collect into a list. */
static int push(char ***list, int *n, char *value)
{
	char **grown = realloc(*list, (*n + 1) * sizeof(char *));

	if (grown == NULL)
		return -1;
	grown[(*n)++] = value;
	*list = grown;
	return 0;
}

static int run_exec(struct mr_context *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "console-socket", required_argument, NULL, 's' },
		{ "cwd", required_argument, NULL, 'w' },
		{ "env", required_argument, NULL, 'e' },
		{ "tty", no_argument, NULL, 't' },
		{ "user", required_argument, NULL, 'u' },
		{ "additional-gids", required_argument, NULL, 'g' },
		{ "process", required_argument, NULL, 'p' },
		{ "detach", no_argument, NULL, 'd' },
		{ "pid-file", required_argument, NULL, 'P' },
		{ "process-label", required_argument, NULL, 'L' },
		{ "apparmor", required_argument, NULL, 'A' },
		{ "no-new-privs", no_argument, NULL, 'N' },
		{ "cap", required_argument, NULL, 'c' },
		{ "preserve-fds", required_argument, NULL, 'f' },
		{ 0 },
	};
	struct mr_exec_opts o = { 0 };
	struct mr_error *err = NULL;
	int c, status, bad = 0;

	while ((c = mr_cli_getopt(ctx, &mr_cmd_exec, argc, argv, "e:tu:g:p:dc:", longopts)) != -1) {
		char *end;
		if (c < 0) {
			bad = mr_cli_getopt_status(c) + 10;
			break;
		}
		switch (c) {
		case 's': o.console_socket = optarg; break;
		case 'w': o.cwd = optarg; break;
		case 'e': bad = push(&o.env, &o.n_env, optarg); break;
		case 't': o.tty = true; break;
		case 'u': o.user = optarg; break;
		case 'g': bad = push(&o.additional_gids, &o.n_gids, optarg); break;
		case 'p': o.process_file = optarg; break;
		case 'd': o.detach = true; break;
		case 'P': o.pid_file = optarg; break;
		case 'L': o.process_label = optarg; break;
		case 'A': o.apparmor = optarg; break;
		case 'N': o.no_new_privs = true; break;
		case 'c': bad = push(&o.caps, &o.n_caps, optarg); break;
		case 'f':
			o.preserve_fds = (int)strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || o.preserve_fds < 0)
				bad = mr_cli_failf(ctx, "--preserve-fds: expected a number, got \"%s\"", optarg) + 10;
			break;
		}
		if (bad)
			break;
	}
	if (bad == 0 && optind >= argc)
		bad = mr_cli_usage_error(ctx, &mr_cmd_exec, "missing the container id") + 10;
	if (bad == 0) {
		o.id = argv[optind];
		o.args = argv + optind + 1;
		o.n_args = argc - optind - 1;
		if (mr_container_exec(ctx, &o, &status, &err) < 0)
			bad = mr_cli_fail(ctx, err) + 10;
	}
	free(o.env);
	free(o.caps);
	free(o.additional_gids);
	if (bad)
		return bad < 0 ? mr_cli_failf(ctx, "out of memory") : bad - 10;
	return status;
}

const struct mr_command mr_cmd_exec = {
	.name = "exec",
	.summary = "run a new process inside a running container",
	.usage = "Usage: minirun exec [options] CONTAINER-ID [COMMAND [ARG...]]\n"
		 "\n"
		 "Run COMMAND (or the process of --process) in the container's namespaces,\n"
		 "with its seccomp filter and the container process' user, environment,\n"
		 "capabilities and limits unless the options change them. In the\n"
		 "foreground, forward signals and exit with the process' status.\n"
		 "\n"
		 "Options:\n"
		 "  -p, --process FILE         the process as JSON (config.json's \"process\")\n"
		 "  -d, --detach               return once the process has started\n"
		 "      --pid-file FILE        write the process' pid to FILE (no newline)\n"
		 "  -t, --tty                  give the process a pty\n"
		 "      --console-socket PATH  send the pty's master fd to this unix socket\n"
		 "      --cwd DIR              working directory in the container\n"
		 "  -e, --env KEY=VALUE        add to the environment (repeatable)\n"
		 "  -u, --user UID[:GID]       run as this user\n"
		 "  -g, --additional-gids GID  add a supplementary group (repeatable)\n"
		 "  -c, --cap CAP_NAME         add a capability to the bounding, effective and\n"
		 "                             permitted sets, never inheritable (repeatable)\n"
		 "      --no-new-privs         set no_new_privs\n"
		 "      --apparmor PROFILE     AppArmor profile\n"
		 "      --process-label LABEL  SELinux label\n"
		 "      --preserve-fds N       pass fds 3 .. 3+N-1 on to the process\n",
	.run = run_exec,
};
