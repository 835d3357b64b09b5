/* minirun run: create + start (+ wait), and list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "container.h"
#include "spec/oci-model.gen.h"
#include "spec/model.h"

static int run_run(struct mr_context *ctx, int argc, char **argv)
{
	struct option longopts[16];
	struct mr_run_opts o = { 0 };
	struct mr_error *err = NULL;
	size_t n = 0;
	int c, r, status;

	while (mr_cli_create_options[n].name) {
		longopts[n] = mr_cli_create_options[n];
		n++;
	}
	longopts[n++] = (struct option){ "detach", no_argument, NULL, 'd' };
	longopts[n++] = (struct option){ "keep", no_argument, NULL, 'k' };
	longopts[n++] = (struct option){ "no-subreaper", no_argument, NULL, 'S' };
	longopts[n] = (struct option){ 0 };
	while ((c = mr_cli_getopt(ctx, &mr_cmd_run, argc, argv, "b:d", longopts)) != -1) {
		if (c < 0)
			return mr_cli_getopt_status(c);
		if (c == 'd')
			o.detach = true;
		else if (c == 'k')
			o.keep = true;
		else if (c == 'S')
			o.no_subreaper = true;
		else if ((r = mr_cli_create_flag(ctx, c, &o.create)) >= 0)
			return r;
	}
	if (optind >= argc)
		return mr_cli_usage_error(ctx, &mr_cmd_run, "missing the container id");
	if (optind + 1 < argc)
		return mr_cli_usage_error(ctx, &mr_cmd_run, "unexpected argument \"%s\"", argv[optind + 1]);
	o.create.id = argv[optind];
	if (mr_container_run(ctx, &o, &status, &err) < 0)
		return mr_cli_fail(ctx, err);
	return status;
}

enum list_format { LIST_TABLE, LIST_JSON, LIST_QUIET };

/* runc's table: ID PID STATUS BUNDLE CREATED OWNER, or a JSON array of
 * the states, or only the ids. */
static int print_list(struct oci_state **states, size_t n, enum list_format f, struct mr_error **err)
{
	if (f == LIST_TABLE)
		printf("%-12s %-8s %-10s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
	else if (f == LIST_JSON)
		putchar('[');
	for (size_t i = 0; i < n; i++) {
		const struct oci_state *st = states[i];
		char *json;

		if (f == LIST_QUIET) {
			printf("%s\n", st->id);
		} else if (f == LIST_TABLE) {
			printf("%-12s %-8d %-10s %-40s %-32s %s\n", st->id, st->pid, st->status, st->bundle,
			       st->created ? st->created : "", st->owner ? st->owner : "");
		} else {
			json = mr_model_to_string(&mr_type_oci_state, st, false, err);
			if (json == NULL)
				return -1;
			printf("%s%s", i ? "," : "", json);
			free(json);
		}
	}
	if (f == LIST_JSON)
		puts("]");
	return 0;
}

static int run_list(struct mr_context *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ 0 },
	};
	enum list_format f = LIST_TABLE;
	struct mr_error *err = NULL;
	struct oci_state **states;
	size_t n;
	int c, ret;

	while ((c = mr_cli_getopt(ctx, &mr_cmd_list, argc, argv, "f:q", longopts)) != -1) {
		if (c < 0)
			return mr_cli_getopt_status(c);
		if (c == 'q')
			f = LIST_QUIET;
		else if (strcmp(optarg, "json") == 0)
			f = f == LIST_QUIET ? f : LIST_JSON;
		else if (strcmp(optarg, "table") != 0)
			return mr_cli_usage_error(ctx, &mr_cmd_list, "--format: unknown format \"%s\" (expected table or json)",
						  optarg);
	}
	if (optind < argc)
		return mr_cli_usage_error(ctx, &mr_cmd_list, "unexpected argument \"%s\"", argv[optind]);
	states = mr_container_list(ctx, &n, &err);
	if (states == NULL)
		return mr_cli_fail(ctx, err);
	ret = print_list(states, n, f, &err);
	mr_container_list_free(states, n);
	return ret < 0 ? mr_cli_fail(ctx, err) : 0;
}

const struct mr_command mr_cmd_run = {
	.name = "run",
	.summary = "create and start a container, and wait for it",
	.usage = "Usage: minirun run [options] CONTAINER-ID\n"
		 "\n"
		 "Create and start a container from the bundle. In the foreground, forward\n"
		 "signals to it, wait for it to exit, delete it, and exit with its status\n"
		 "(128+N when killed by signal N). With process.terminal and no console\n"
		 "socket, the container gets a pty connected to this terminal.\n"
		 "\n"
		 "Options (and those of create):\n"
		 "  -d, --detach        return once the container is started\n"
		 "      --keep          do not delete the container when it exits\n"
		 "      --no-subreaper  do not reap the container's orphans\n"
		 "  -b, --bundle DIR, --pid-file FILE, --console-socket PATH, --no-pivot,\n"
		 "  --no-new-keyring, --preserve-fds N   as for create\n",
	.run = run_run,
};

const struct mr_command mr_cmd_list = {
	.name = "list",
	.summary = "list the containers in the state directory",
	.usage = "Usage: minirun list [--format table|json] [--quiet]\n"
		 "\n"
		 "Options:\n"
		 "  -f, --format FORMAT   table (default) or json (an array of states)\n"
		 "  -q, --quiet           only the ids\n",
	.run = run_list,
};
