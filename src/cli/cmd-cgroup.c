/* update, pause, resume, ps, events: the verbs on a container's cgroup. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "container-cgroup.h"
#include "spec/validate.h"
#include "util/json.h"

/* The container id: the one argument left (ps takes more, for ps(1)). */
static const char *id_arg(struct mr_context *ctx, const struct mr_command *cmd, int argc, char **argv, bool more)
{
	if (optind >= argc) {
		mr_cli_usage_error(ctx, cmd, "missing the container id");
		return NULL;
	}
	if (!more && optind + 1 < argc) {
		mr_cli_usage_error(ctx, cmd, "unexpected argument \"%s\"", argv[optind + 1]);
		return NULL;
	}
	return argv[optind];
}

static int no_flags(struct mr_context *ctx, const struct mr_command *cmd, int argc, char **argv)
{
	int c;

	while ((c = mr_cli_getopt(ctx, cmd, argc, argv, "", NULL)) != -1)
		if (c < 0)
			return mr_cli_getopt_status(c);
	return -1;
}

static int run_pause(struct mr_context *ctx, int argc, char **argv)
{
	struct mr_error *err = NULL;
	const char *id;
	int r = no_flags(ctx, &mr_cmd_pause, argc, argv);

	if (r >= 0)
		return r;
	if ((id = id_arg(ctx, &mr_cmd_pause, argc, argv, false)) == NULL)
		return 1;
	return mr_container_pause(ctx, id, &err) < 0 ? mr_cli_fail(ctx, err) : 0;
}

static int run_resume(struct mr_context *ctx, int argc, char **argv)
{
	struct mr_error *err = NULL;
	const char *id;
	int r = no_flags(ctx, &mr_cmd_resume, argc, argv);

	if (r >= 0)
		return r;
	if ((id = id_arg(ctx, &mr_cmd_resume, argc, argv, false)) == NULL)
		return 1;
	return mr_container_resume(ctx, id, &err) < 0 ? mr_cli_fail(ctx, err) : 0;
}

static bool in(pid_t p, const pid_t *pids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == p)
			return true;
	return false;
}

/* ps(1) with the given options (default -ef), keeping the header and the
 * lines whose PID column is one of the container's, as runc does. */
static int ps_table(struct mr_context *ctx, const pid_t *pids, size_t n, char **args, int nargs)
{
	char **argv = calloc((size_t)nargs + 3, sizeof(char *));
	int fds[2], col = -1, status;
	char line[4096];
	FILE *f;
	pid_t child;

	if (argv == NULL || pipe2(fds, O_CLOEXEC) < 0)
		return mr_cli_failf(ctx, "ps: out of memory");
	argv[0] = "ps";
	if (nargs == 0)
		argv[1] = "-ef";
	for (int i = 0; i < nargs; i++)
		argv[1 + i] = args[i];
	child = fork();
	if (child == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execvp("ps", argv);
		_exit(127);
	}
	close(fds[1]);
	free(argv);
	f = fdopen(fds[0], "r");
	for (bool header = true; f && fgets(line, sizeof(line), f); header = false) {
		char copy[4096], *tok, *save;
		int i = 0;
		snprintf(copy, sizeof(copy), "%s", line);
		for (tok = strtok_r(copy, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save), i++) {
			if (header && strcmp(tok, "PID") == 0)
				col = i;
			if (!header && i == col)
				break;
		}
		if (header) {
			if (col < 0) {
				mr_cli_failf(ctx, "ps: no PID column in ps' output");
				break;
			}
			fputs(line, stdout);
		} else if (tok && in((pid_t)atoi(tok), pids, n)) {
			fputs(line, stdout);
		}
	}
	if (f)
		fclose(f);
	if (child < 0 || waitpid(child, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return mr_cli_failf(ctx, "ps: ps(1) failed");
	return col < 0 ? 1 : 0;
}

static int run_ps(struct mr_context *ctx, int argc, char **argv)
{
	static const struct option longopts[] = { { "format", required_argument, NULL, 'f' }, { 0 } };
	struct mr_error *err = NULL;
	bool json = false;
	const char *id;
	pid_t *pids;
	size_t n;
	int c, ret = 0;

	while ((c = mr_cli_getopt(ctx, &mr_cmd_ps, argc, argv, "f:", longopts)) != -1) {
		if (c < 0)
			return mr_cli_getopt_status(c);
		if (strcmp(optarg, "json") == 0)
			json = true;
		else if (strcmp(optarg, "table") != 0)
			return mr_cli_failf(ctx, "ps: --format: unknown format \"%s\" (expected table or json)", optarg);
	}
	if ((id = id_arg(ctx, &mr_cmd_ps, argc, argv, true)) == NULL)
		return 1;
	if (json && optind + 1 < argc)
		return mr_cli_failf(ctx, "ps: --format json takes no ps(1) options");
	pids = mr_container_pids(ctx, id, &n, &err);
	if (pids == NULL)
		return mr_cli_fail(ctx, err);
	if (json) {
		putchar('[');
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		puts("]");
	} else {
		ret = ps_table(ctx, pids, n, argv + optind + 1, argc - optind - 1);
	}
	free(pids);
	return ret;
}

/* "5s", "500ms", "1m", "2" (seconds), as Go durations are commonly written. */
static int parse_interval(const char *s, int *ms)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v <= 0)
		return -1;
	if (strcmp(end, "ms") == 0)
		*ms = (int)v;
	else if (*end == '\0' || strcmp(end, "s") == 0)
		*ms = (int)(v * 1000);
	else if (strcmp(end, "m") == 0)
		*ms = (int)(v * 60000);
	else
		return -1;
	return *ms > 0 ? 0 : -1;
}

static int run_events(struct mr_context *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "stats", no_argument, NULL, 's' },
		{ "interval", required_argument, NULL, 'i' },
		{ 0 },
	};
	struct mr_error *err = NULL;
	bool once = false;
	int c, ms = 5000;
	const char *id;

	while ((c = mr_cli_getopt(ctx, &mr_cmd_events, argc, argv, "", longopts)) != -1) {
		if (c < 0)
			return mr_cli_getopt_status(c);
		if (c == 's')
			once = true;
		else if (parse_interval(optarg, &ms) < 0)
			return mr_cli_failf(ctx, "events: --interval: expected a duration like 5s or 500ms, got \"%s\"",
					    optarg);
	}
	if ((id = id_arg(ctx, &mr_cmd_events, argc, argv, false)) == NULL)
		return 1;
	return mr_container_events(ctx, id, once, ms, stdout, &err) < 0 ? mr_cli_fail(ctx, err) : 0;
}

/* runc's byte sizes: 1024, 512k, 100m, 1g (binary units), -1. */
static int parse_bytes(const char *s, int64_t *out)
{
	char *end;
	long long v;
	int64_t mult = 1;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || errno)
		return -1;
	switch (tolower((unsigned char)*end)) {
	case '\0':
		break;
	case 'k':
		mult = 1LL << 10;
		break;
	case 'm':
		mult = 1LL << 20;
		break;
	case 'g':
		mult = 1LL << 30;
		break;
	case 't':
		mult = 1LL << 40;
		break;
	default:
		return -1;
	}
	if (*end && end[1] != '\0' && !((end[1] == 'b' || end[1] == 'B') && end[2] == '\0'))
		return -1;
	if (v < -1 || (v == -1 && mult != 1) || (v > 0 && v > INT64_MAX / mult))
		return -1;
	*out = v * mult;
	return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

static int parse_i64(const char *s, int64_t *out)
{
	char *end;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return end == s || errno || *end ? -1 : 0;
}

/* The resources to write: --resources (a file, or - for stdin), then the
 * per-field flags over it. */
static struct oci_linux_resources *read_resources(const char *path, struct mr_error **err)
{
	struct oci_linux_resources *r = calloc(1, sizeof(*r));
	struct mr_json *json = NULL;
	char *buf = NULL;
	size_t len;

	if (r == NULL)
		return NULL;
	if (path == NULL)
		return r;
	if (strcmp(path, "-") == 0) {
		buf = mr_read_fd(STDIN_FILENO, MR_JSON_MAX_BYTES, &len, err);
		json = buf ? mr_json_parse(buf, len, err) : NULL;
	} else {
		json = mr_json_parse_file(path, err);
	}
	free(buf);
	if (json == NULL || mr_model_parse(&mr_type_oci_linux_resources, json, r, err) < 0 ||
	    mr_resources_validate(r, err) < 0) {
		mr_error_prefix(err, "--resources %s", strcmp(path, "-") == 0 ? "(stdin)" : path);
		mr_json_free(json);
		mr_model_clear(&mr_type_oci_linux_resources, r);
		free(r);
		return NULL;
	}
	mr_json_free(json);
	return r;
}

#define ENSURE(ptr)                                                       \
	do {                                                              \
		if ((ptr) == NULL && ((ptr) = calloc(1, sizeof(*(ptr)))) == NULL) \
			return -1;                                        \
	} while (0)

/* One update flag (its short code c, its value v) into r: 0, 1 for a value
 * that does not parse, -1 out of memory. */
static int update_flag(struct oci_linux_resources *r, int c, const char *v)
{
	uint64_t w;

	switch (c) {
	case 'm':
		ENSURE(r->memory);
		r->memory->has_limit = true;
		return parse_bytes(v, &r->memory->limit) ? 1 : 0;
	case 'w':
		ENSURE(r->memory);
		r->memory->has_swap = true;
		return parse_bytes(v, &r->memory->swap) ? 1 : 0;
	case 'R':
		ENSURE(r->memory);
		r->memory->has_reservation = true;
		return parse_bytes(v, &r->memory->reservation) ? 1 : 0;
	case 's':
		ENSURE(r->cpu);
		r->cpu->has_shares = true;
		return parse_u64(v, &r->cpu->shares) ? 1 : 0;
	case 'q':
		ENSURE(r->cpu);
		r->cpu->has_quota = true;
		return parse_i64(v, &r->cpu->quota) ? 1 : 0;
	case 'p':
		ENSURE(r->cpu);
		r->cpu->has_period = true;
		return parse_u64(v, &r->cpu->period) ? 1 : 0;
	case 'c':
		ENSURE(r->cpu);
		free(r->cpu->cpus);
		return (r->cpu->cpus = strdup(v)) == NULL ? -1 : 0;
	case 'M':
		ENSURE(r->cpu);
		free(r->cpu->mems);
		return (r->cpu->mems = strdup(v)) == NULL ? -1 : 0;
	case 'P':
		ENSURE(r->pids);
		r->pids->has_limit = true;
		return parse_i64(v, &r->pids->limit) ? 1 : 0;
	case 'b':
		ENSURE(r->block_io);
		if (parse_u64(v, &w) < 0 || w > UINT16_MAX)
			return 1;
		r->block_io->weight = (uint16_t)w;
		r->block_io->has_weight = true;
		return 0;
	}
	return 0;
}

static const struct option update_options[] = {
	{ "resources", required_argument, NULL, 'r' },	  { "memory", required_argument, NULL, 'm' },
	{ "memory-swap", required_argument, NULL, 'w' },	  { "memory-reservation", required_argument, NULL, 'R' },
	{ "cpu-shares", required_argument, NULL, 's' },	  { "cpu-quota", required_argument, NULL, 'q' },
	{ "cpu-period", required_argument, NULL, 'p' },	  { "cpuset-cpus", required_argument, NULL, 'c' },
	{ "cpuset-mems", required_argument, NULL, 'M' },	  { "pids-limit", required_argument, NULL, 'P' },
	{ "blkio-weight", required_argument, NULL, 'b' },	  { 0 },
};

struct update_flags {
	struct {
		int c;
		char *v;
	} flag[16];
	int n;
};

/* The resources from --resources (or none) with the flags on top of them;
 * NULL after printing the error. */
static struct oci_linux_resources *update_resources(struct mr_context *ctx, const char *res_file,
						     const struct update_flags *f)
{
	struct mr_error *err = NULL;
	struct oci_linux_resources *r = read_resources(res_file, &err);

	if (r == NULL) {
		err ? mr_cli_fail(ctx, err) : mr_cli_failf(ctx, "out of memory");
		return NULL;
	}
	for (int i = 0; i < f->n; i++) {
		const char *name = update_options[0].name;
		int bad = update_flag(r, f->flag[i].c, f->flag[i].v);
		for (const struct option *o = update_options; o->name; o++)
			if (o->val == f->flag[i].c)
				name = o->name;
		if (bad) {
			if (bad < 0)
				mr_cli_failf(ctx, "out of memory");
			else
				mr_cli_failf(ctx, "update: --%s: invalid value \"%s\"", name, f->flag[i].v);
			mr_model_clear(&mr_type_oci_linux_resources, r);
			free(r);
			return NULL;
		}
	}
	return r;
}

static int run_update(struct mr_context *ctx, int argc, char **argv)
{
	const char *res_file = NULL;
	struct update_flags flags = { .n = 0 };
	int c, ret = 1;
	struct oci_linux_resources *r = NULL;
	struct mr_error *err = NULL;
	const char *id;

	while ((c = mr_cli_getopt(ctx, &mr_cmd_update, argc, argv, "r:", update_options)) != -1) {
		if (c < 0)
			return mr_cli_getopt_status(c);
		if (c == 'r')
			res_file = optarg;
		else if (flags.n < 16)
			flags.flag[flags.n++] = (typeof(flags.flag[0])){ c, optarg };
	}
	if ((id = id_arg(ctx, &mr_cmd_update, argc, argv, false)) == NULL)
		return 1;
	if (res_file == NULL && flags.n == 0)
		return mr_cli_failf(ctx, "update: give --resources FILE (or -) or a resource flag (see 'minirun update --help')");
	if ((r = update_resources(ctx, res_file, &flags)) == NULL)
		return 1;
	if (mr_resources_validate(r, &err) < 0 || mr_container_update(ctx, id, r, &err) < 0)
		mr_cli_fail(ctx, err);
	else
		ret = 0;
	mr_model_clear(&mr_type_oci_linux_resources, r);
	free(r);
	return ret;
}

const struct mr_command mr_cmd_pause = {
	.name = "pause",
	.summary = "freeze every process of a container",
	.usage = "Usage: minirun pause CONTAINER-ID\n"
		 "\n"
		 "Freeze the container's processes (v1 freezer, v2 cgroup.freeze); its\n"
		 "state becomes paused.\n",
	.run = run_pause,
};

const struct mr_command mr_cmd_resume = {
	.name = "resume",
	.summary = "thaw a paused container",
	.usage = "Usage: minirun resume CONTAINER-ID\n",
	.run = run_resume,
};

const struct mr_command mr_cmd_ps = {
	.name = "ps",
	.summary = "list the processes of a container",
	.usage = "Usage: minirun ps [--format table|json] CONTAINER-ID [PS-OPTIONS...]\n"
		 "\n"
		 "With --format json, print the host pids of the container's processes as a\n"
		 "JSON array; else run ps(1) with PS-OPTIONS (default -ef) and keep its\n"
		 "header and the container's lines.\n",
	.run = run_ps,
};

const struct mr_command mr_cmd_events = {
	.name = "events",
	.summary = "show a container's resource usage and OOM events",
	.usage = "Usage: minirun events [--stats] [--interval DURATION] CONTAINER-ID\n"
		 "\n"
		 "Print runc's events as JSON lines: {\"type\":\"stats\",\"id\":...,\"data\":{cpu,\n"
		 "memory, pids, blkio, hugetlb}} every DURATION (default 5s), and\n"
		 "{\"type\":\"oom\",\"id\":...} at each OOM kill, until the container stops.\n"
		 "\n"
		 "Options:\n"
		 "      --stats              print one stats line and exit\n"
		 "      --interval DURATION  like 5s, 500ms, 1m\n",
	.run = run_events,
};

const struct mr_command mr_cmd_update = {
	.name = "update",
	.summary = "change the resource limits of a container",
	.usage = "Usage: minirun update [options] CONTAINER-ID\n"
		 "\n"
		 "Write new limits to the container's cgroup.\n"
		 "\n"
		 "Options:\n"
		 "  -r, --resources FILE        a LinuxResources JSON object (- for stdin)\n"
		 "      --memory BYTES          memory limit (like 512m, 1g; -1 for none)\n"
		 "      --memory-swap BYTES     memory + swap limit\n"
		 "      --memory-reservation BYTES  soft limit\n"
		 "      --cpu-shares N          relative CPU weight\n"
		 "      --cpu-quota US          CPU time per period (-1 for none)\n"
		 "      --cpu-period US         the period of --cpu-quota\n"
		 "      --cpuset-cpus LIST      CPUs, like 0-2,4\n"
		 "      --cpuset-mems LIST      memory nodes\n"
		 "      --pids-limit N          process count limit (-1 or 0 for none)\n"
		 "      --blkio-weight N        block I/O weight (10-1000)\n",
	.run = run_update,
};
