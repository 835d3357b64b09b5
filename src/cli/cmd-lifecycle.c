/* create, start, state, kill, delete: one library call each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "container.h"
#include "util/signals.h"

/* The one positional argument: the container id. */
static const char *one_id(struct mr_context *ctx, const struct mr_command *cmd, int argc, char **argv)
{
	if (optind >= argc) {
		mr_cli_usage_error(ctx, cmd, "missing the container id");
		return NULL;
	}
	if (optind + 1 < argc && strcmp(cmd->name, "kill") != 0) {
		mr_cli_usage_error(ctx, cmd, "unexpected argument \"%s\"", argv[optind + 1]);
		return NULL;
	}
	return argv[optind];
}

static int parse_int(struct mr_context *ctx, const char *flag, const char *v, int *out)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (*v == '\0' || *end != '\0' || n < 0 || n > 1 << 20)
		return mr_cli_failf(ctx, "%s: expected a number, got \"%s\"", flag, v) ? -1 : -1;
	*out = (int)n;
	return 0;
}

/* Shared by create and run: fills o from the flags. Returns -1 to go on,
 * or an exit status. */
int mr_cli_create_flag(struct mr_context *ctx, int c, struct mr_create_opts *o)
{
	switch (c) {
	case 'b':
		o->bundle = optarg;
		return -1;
	case 'p':
		o->pid_file = optarg;
		return -1;
	case 'c':
		o->console_socket = optarg;
		return -1;
	case 'P':
		o->no_pivot = true;
		return -1;
	case 'K':
		o->no_new_keyring = true;
		return -1;
	case 'f':
		return parse_int(ctx, "--preserve-fds", optarg, &o->preserve_fds) < 0 ? 1 : -1;
	default:
		return -1;
	}
}

const struct option mr_cli_create_options[] = {
	{ "bundle", required_argument, NULL, 'b' },	   { "pid-file", required_argument, NULL, 'p' },
	{ "console-socket", required_argument, NULL, 'c' }, { "no-pivot", no_argument, NULL, 'P' },
	{ "no-new-keyring", no_argument, NULL, 'K' },	   { "preserve-fds", required_argument, NULL, 'f' },
	{ 0 },
};

static int run_create(struct mr_context *ctx, int argc, char **argv)
{
	struct mr_create_opts o = { 0 };
	struct mr_error *err = NULL;
	pid_t pid;
	int c, r;

	while ((c = mr_cli_getopt(ctx, &mr_cmd_create, argc, argv, "b:", mr_cli_create_options)) != -1) {
		if (c < 0)
			return mr_cli_getopt_status(c);
		if ((r = mr_cli_create_flag(ctx, c, &o)) >= 0)
			return r;
	}
	if ((o.id = one_id(ctx, &mr_cmd_create, argc, argv)) == NULL)
		return 1;
	if (mr_container_create(ctx, &o, &pid, &err) < 0)
		return mr_cli_fail(ctx, err);
	return 0;
}

static int run_start(struct mr_context *ctx, int argc, char **argv)
{
	struct mr_error *err = NULL;
	const char *id;
	int c;

	while ((c = mr_cli_getopt(ctx, &mr_cmd_start, argc, argv, "", NULL)) != -1)
		if (c < 0)
			return mr_cli_getopt_status(c);
	if ((id = one_id(ctx, &mr_cmd_start, argc, argv)) == NULL)
		return 1;
	return mr_container_start(ctx, id, NULL, &err) < 0 ? mr_cli_fail(ctx, err) : 0;
}

static int run_state(struct mr_context *ctx, int argc, char **argv)
{
	struct mr_error *err = NULL;
	const char *id;
	char *json;
	int c;

	while ((c = mr_cli_getopt(ctx, &mr_cmd_state, argc, argv, "", NULL)) != -1)
		if (c < 0)
			return mr_cli_getopt_status(c);
	if ((id = one_id(ctx, &mr_cmd_state, argc, argv)) == NULL)
		return 1;
	json = mr_container_state(ctx, id, &err);
	if (json == NULL)
		return mr_cli_fail(ctx, err);
	fputs(json, stdout);
	free(json);
	return 0;
}

static int run_kill(struct mr_context *ctx, int argc, char **argv)
{
	static const struct option longopts[] = { { "all", no_argument, NULL, 'a' }, { 0 } };
	struct mr_error *err = NULL;
	bool all = false;
	const char *id;
	int c, sig = 15;

	while ((c = mr_cli_getopt(ctx, &mr_cmd_kill, argc, argv, "a", longopts)) != -1) {
		if (c < 0)
			return mr_cli_getopt_status(c);
		all = true;
	}
	if ((id = one_id(ctx, &mr_cmd_kill, argc, argv)) == NULL)
		return 1;
	if (optind + 2 < argc)
		return mr_cli_usage_error(ctx, &mr_cmd_kill, "unexpected argument \"%s\"", argv[optind + 2]);
	if (optind + 1 < argc && (sig = mr_signal_parse(argv[optind + 1], &err)) < 0)
		return mr_cli_fail(ctx, err);
	return mr_container_kill(ctx, id, sig, all, &err) < 0 ? mr_cli_fail(ctx, err) : 0;
}

static int run_delete(struct mr_context *ctx, int argc, char **argv)
{
	static const struct option longopts[] = { { "force", no_argument, NULL, 'f' }, { 0 } };
	struct mr_error *err = NULL;
	bool force = false;
	const char *id;
	int c;

	while ((c = mr_cli_getopt(ctx, &mr_cmd_delete, argc, argv, "f", longopts)) != -1) {
		if (c < 0)
			return mr_cli_getopt_status(c);
		force = true;
	}
	if ((id = one_id(ctx, &mr_cmd_delete, argc, argv)) == NULL)
		return 1;
	return mr_container_delete(ctx, id, force, &err) < 0 ? mr_cli_fail(ctx, err) : 0;
}

const struct mr_command mr_cmd_create = {
	.name = "create",
	.summary = "create a container from a bundle; it waits for start",
	.usage = "Usage: minirun create [options] CONTAINER-ID\n"
		 "\n"
		 "Create a container from the bundle: its namespaces, mounts and init\n"
		 "process, which waits until `minirun start`. Prints nothing on success.\n"
		 "\n"
		 "Options:\n"
		 "  -b, --bundle DIR           the bundle directory (default: the current directory)\n"
		 "      --pid-file FILE        write the init's pid to FILE (digits, no newline)\n"
		 "      --console-socket PATH  send the terminal's master fd to this unix socket\n"
		 "                             (needed when process.terminal is true)\n"
		 "      --no-pivot             do not use pivot_root (for a rootfs on ramfs)\n"
		 "      --no-new-keyring       keep the caller's session keyring\n"
		 "      --preserve-fds N       pass fds 3 .. 3+N-1 on to the container\n",
	.run = run_create,
};

const struct mr_command mr_cmd_start = {
	.name = "start",
	.summary = "start the user process of a created container",
	.usage = "Usage: minirun start CONTAINER-ID\n"
		 "\n"
		 "Release a created container's init to exec process.args, then run the\n"
		 "poststart hooks.\n",
	.run = run_start,
};

const struct mr_command mr_cmd_state = {
	.name = "state",
	.summary = "print the state of a container (JSON)",
	.usage = "Usage: minirun state CONTAINER-ID\n"
		 "\n"
		 "Print the OCI state of the container: ociVersion, id, status (created,\n"
		 "running, paused, stopped), pid, bundle, rootfs, created, owner, annotations.\n",
	.run = run_state,
};

const struct mr_command mr_cmd_kill = {
	.name = "kill",
	.summary = "send a signal to a container",
	.usage = "Usage: minirun kill [--all] CONTAINER-ID [SIGNAL]\n"
		 "\n"
		 "Send SIGNAL (default SIGTERM; a name like KILL or SIGKILL, or a number)\n"
		 "to the container's init.\n"
		 "\n"
		 "Options:\n"
		 "  -a, --all   signal every process of the container\n",
	.run = run_kill,
};

const struct mr_command mr_cmd_delete = {
	.name = "delete",
	.summary = "delete a stopped container",
	.usage = "Usage: minirun delete [--force] CONTAINER-ID\n"
		 "\n"
		 "Remove what create made and run the poststop hooks.\n"
		 "\n"
		 "Options:\n"
		 "  -f, --force   kill a running container first; an unknown id is not an error\n",
	.run = run_delete,
};
