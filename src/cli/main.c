/* minirun: an OCI runtime. This file holds the command table and the global
 * options; each command lives in its own cmd-*.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "state.h"
#include "version.h"

static const struct mr_command *const commands[] = {
	&mr_cmd_create, &mr_cmd_delete, &mr_cmd_events, &mr_cmd_exec,	 &mr_cmd_features, &mr_cmd_kill,
	&mr_cmd_list,	&mr_cmd_pause,	&mr_cmd_ps,	&mr_cmd_resume, &mr_cmd_run,	 &mr_cmd_spec,
	&mr_cmd_start,	&mr_cmd_state,	&mr_cmd_update,
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char global_usage[] =
	"Usage: minirun [global options] COMMAND [command options] [arguments]\n"
	"\n"
	"minirun runs containers from OCI bundles (a directory with config.json and\n"
	"a root filesystem), following the OCI runtime specification %s.\n"
	"\n"
	"Commands:\n"
	"%s"
	"  help         show the usage of minirun or of one command\n"
	"\n"
	"Global options:\n"
	"  --root DIR             state directory (default /run/minirun)\n"
	"  --log FILE             also append errors to FILE\n"
	"  --log-format FORMAT    text (default) or json: the format of --log\n"
	"  --debug                log debug messages too\n"
	"  --cgroup-manager MGR   who makes the cgroups: cgroupfs (default) or disabled\n"
	"  --systemd-cgroup       manage cgroups through systemd (not supported)\n"
	"  -h, --help             this help\n"
	"  -v, --version          versions of minirun, the spec and the libraries\n"
	"\n"
	"Run 'minirun help COMMAND' for a command's options.\n";

static void print_usage(FILE *out)
{
	char list[2048] = "";
	size_t n = 0;

	for (size_t i = 0; i < N_COMMANDS && n < sizeof(list); i++)
		n += snprintf(list + n, sizeof(list) - n, "  %-12s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(out, global_usage, OCI_SPEC_VERSION, list);
}

static const struct mr_command *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

static int help(struct mr_context *cli, int argc, char **argv)
{
	const struct mr_command *cmd;

	if (argc < 2) {
		print_usage(stdout);
		return 0;
	}
	cmd = find_command(argv[1]);
	if (cmd == NULL)
		return mr_cli_failf(cli, "help: unknown command \"%s\" (see 'minirun --help')", argv[1]);
	fputs(cmd->usage, stdout);
	return 0;
}

/* "--name value" or "--name=value": returns the value and advances *i, or
 * NULL when argv[*i] is not this option. */
static const char *global_value(struct mr_context *cli, int argc, char **argv, int *i, const char *name, bool *missing)
{
	size_t len = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, name, len) != 0)
		return NULL;
	if (a[len] == '=')
		return a + len + 1;
	if (a[len] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		mr_cli_failf(cli, "option %s needs a value (see 'minirun --help')", name);
		return NULL;
	}
	return argv[++*i];
}

/* LISTEN_FDS, as sd_listen_fds(3) reads it: meant for us unless
 * LISTEN_PID names another process (crun also takes it without LISTEN_PID);
 * -1: not a count. Read before minirun opens anything: an fd of the range
 * that is not open gets /dev/null (close-on-exec here, the container's
 * once passed on), so that none of minirun's own fds can take its number
 * and reach the container; *holes counts them. */
static int listen_fds_take(int *holes)
{
	const char *fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
	char *end;
	long n;

	*holes = 0;
	if (fds == NULL || fds[0] == '\0' || (pid && pid[0] && strtol(pid, NULL, 10) != (long)getpid()))
		return 0;
	errno = 0;
	n = strtol(fds, &end, 10);
	if (errno || *end != '\0' || n < 0 || n > 65536)
		return -1;
	for (int fd = 3; fd < 3 + (int)n; fd++) {
		int null;
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0 && null != fd) {
			dup3(null, fd, O_CLOEXEC);
			close(null);
		}
		++*holes;
	}
	return (int)n;
}

/* Once the log is open: warn about what listen_fds_take found. */
static int listen_fds_report(struct mr_context *cli, int n, int holes)
{
	const char *fds = getenv("LISTEN_FDS");
	char msg[160];

	if (n < 0)
		snprintf(msg, sizeof(msg), "LISTEN_FDS=\"%.32s\" is not a number of fds: none is passed on", fds);
	else if (holes > 0)
		snprintf(msg, sizeof(msg), "LISTEN_FDS=%d: %d of fds 3 .. %d not open: the container gets /dev/null there",
			 n, holes, n + 2);
	if (n < 0 || holes > 0)
		mr_log_write(&cli->log, "warning", msg);
	return n < 0 ? 0 : n;
}

/* --cgroup-manager as crun has it: cgroupfs, systemd (refused by create,
 * as --systemd-cgroup), disabled. */
static int set_cgroup_manager(struct mr_context *cli, const char *v)
{
	if (strcmp(v, "cgroupfs") == 0) {
		cli->cgroup_manager = MR_CGROUP_MANAGER_CGROUPFS;
	} else if (strcmp(v, "disabled") == 0) {
		cli->cgroup_manager = MR_CGROUP_MANAGER_DISABLED;
	} else if (strcmp(v, "systemd") == 0) {
		cli->cgroup_manager = MR_CGROUP_MANAGER_SYSTEMD;
		cli->cgroup_manager_flag = "--cgroup-manager systemd";
	} else {
		return mr_cli_failf(cli, "--cgroup-manager: unknown manager \"%s\" (expected cgroupfs or disabled)", v);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct mr_context cli = { .root = NULL, .log = { .fd = -1 } };
	const char *log_path = NULL, *log_format = "text";
	const struct mr_command *cmd;
	bool debug = false;
	int holes, listen = listen_fds_take(&holes);
	int i, ret;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		const char *a = argv[i], *v;
		bool missing = false;

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if ((v = global_value(&cli, argc, argv, &i, "--root", &missing)) != NULL)
			cli.root = v;
		else if ((v = global_value(&cli, argc, argv, &i, "--log-format", &missing)) != NULL)
			log_format = v;
		else if ((v = global_value(&cli, argc, argv, &i, "--log", &missing)) != NULL)
			log_path = v;
		else if ((v = global_value(&cli, argc, argv, &i, "--cgroup-manager", &missing)) != NULL) {
			if (set_cgroup_manager(&cli, v) != 0)
				return 1;
		}
		else if (missing)
			return 1;
		else if (strcmp(a, "--debug") == 0)
			debug = true;
		else if (strcmp(a, "--systemd-cgroup") == 0) {
			cli.cgroup_manager = MR_CGROUP_MANAGER_SYSTEMD;
			cli.cgroup_manager_flag = "--systemd-cgroup";
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			print_usage(stdout);
			return 0;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--version") == 0) {
			fputs(mr_version_text(), stdout);
			return 0;
		} else
			return mr_cli_failf(&cli, "unknown global option %s (see 'minirun --help')", a);
	}
	if (strcmp(log_format, "text") != 0 && strcmp(log_format, "json") != 0)
		return mr_cli_failf(&cli, "--log-format: unknown format \"%s\" (expected text or json; see 'minirun --help')",
				    log_format);
	if (mr_log_open(&cli.log, log_path, strcmp(log_format, "json") == 0, debug) < 0)
		return mr_cli_failf(&cli, "--log: cannot open %s: %m", log_path);

	if (cli.root == NULL)
		cli.root = mr_state_default_root();
	cli.debug_fault = getenv("MINIRUN_DEBUG_FAULT");
	cli.listen_fds = listen_fds_report(&cli, listen, holes);
	cli.notify_socket = getenv("NOTIFY_SOCKET");
	if (cli.notify_socket && cli.notify_socket[0] == '\0')
		cli.notify_socket = NULL;
	cli.cgroup_parent = getenv("MINIRUN_CGROUP_PARENT");
	if (i >= argc) {
		ret = mr_cli_failf(&cli, "no command given (see 'minirun --help')");
	} else if (strcmp(argv[i], "help") == 0) {
		ret = help(&cli, argc - i, argv + i);
	} else if ((cmd = find_command(argv[i])) != NULL) {
		optind = 1;
		ret = cmd->run(&cli, argc - i, argv + i);
	} else {
		ret = mr_cli_failf(&cli, "unknown command \"%s\" (see 'minirun --help')", argv[i]);
	}
	mr_log_close(&cli.log);
	return ret;
}
