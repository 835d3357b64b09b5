/* minirun-shim's options (options.h). */
#include "shim/options.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shim/proto.h"
#include "util/id.h"

static const char usage[] =
	"Usage: minirun-shim --id ID --bundle DIR --state-dir DIR [options]\n"
	"       minirun-shim ctl --socket PATH OP [JSON-ARGS]\n"
	"\n"
	"Starts the shim of one container: it detaches, runs `RUNTIME create` with\n"
	"the container's stdio wired to itself, and exits 0 once the container is\n"
	"created (1 with the runtime's error line otherwise). The shim then keeps\n"
	"the container's output, state and exit status, and answers requests on\n"
	"STATE-DIR/shim.sock (one JSON object per line, see minirun-shim(8)).\n"
	"\n"
	"Options:\n"
	"  --id ID                     the container's id\n"
	"  --bundle DIR                its OCI bundle\n"
	"  --state-dir DIR             where shim.sock, state.json and shim.pid go\n"
	"  --runtime PATH              the OCI runtime (default: minirun)\n"
	"  --runtime-root DIR          the runtime's --root\n"
	"  --log FILE                  the container's output, in the CRI log format\n"
	"  --log-max-size BYTES        rotate FILE to FILE.1 beyond this size (k, M, G)\n"
	"  --terminal                  give the container a pty (console socket)\n"
	"  --stdin                     keep the container's stdin open for attach\n"
	"  --exit-command PATH         run PATH after the container exited\n"
	"  --exit-command-arg ARG      an argument of the exit command (repeatable)\n"
	"  --preserve-fds N            pass fds 3 .. 3+N-1 on to the container\n"
	"  --foreground                do not detach (debugging)\n"
	"  -h, --help                  this help\n"
	"  -v, --version               the version\n"
	"\n"
	"Requests: ";

void shim_print_usage(void)
{
	printf("%s%s.\n", usage, shim_op_names());
}

enum { OPT_ID = 256, OPT_BUNDLE, OPT_STATE_DIR, OPT_RUNTIME, OPT_RUNTIME_ROOT, OPT_LOG, OPT_LOG_MAX,
       OPT_TERMINAL, OPT_STDIN, OPT_EXIT_CMD, OPT_EXIT_ARG, OPT_FOREGROUND, OPT_PRESERVE_FDS };

static const struct option long_opts[] = {
	{ "id", required_argument, NULL, OPT_ID },
	{ "bundle", required_argument, NULL, OPT_BUNDLE },
	{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
	{ "runtime", required_argument, NULL, OPT_RUNTIME },
	{ "runtime-root", required_argument, NULL, OPT_RUNTIME_ROOT },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "log-max-size", required_argument, NULL, OPT_LOG_MAX },
	{ "terminal", no_argument, NULL, OPT_TERMINAL },
	{ "stdin", no_argument, NULL, OPT_STDIN },
	{ "exit-command", required_argument, NULL, OPT_EXIT_CMD },
	{ "exit-command-arg", required_argument, NULL, OPT_EXIT_ARG },
	{ "foreground", no_argument, NULL, OPT_FOREGROUND },
	{ "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{ NULL, 0, NULL, 0 },
};

/* "1048576", "512k", "10M", "1G". */
static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (*end == 'k' || *end == 'K')
		shift = 10;
	else if (*end == 'm' || *end == 'M')
		shift = 20;
	else if (*end == 'g' || *end == 'G')
		shift = 30;
	if (shift)
		end++;
	if ((*end == 'b' || *end == 'B') && end[1] == '\0')
		end++;
	if (*end != '\0' || (shift && v > (UINT64_MAX >> shift)))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

/* path made absolute against the cwd (not resolved: it may not exist). */
static char *absolute(const char *path)
{
	char cwd[PATH_MAX], *out = NULL;

	if (path[0] == '/')
		return strdup(path);
	if (getcwd(cwd, sizeof(cwd)) == NULL || asprintf(&out, "%s/%s", cwd, path) < 0)
		return NULL;
	return out;
}

static int set_path(char **slot, const char *opt, const char *arg, struct mr_error **err)
{
	if (arg[0] == '\0')
		return mr_error_set(err, 0, "--%s: an empty path", opt);
	free(*slot);
	*slot = absolute(arg);
	return *slot ? 0 : mr_error_sys(err, ENOMEM, "--%s", opt);
}

/* exit_command[0] is the path, set at the end (NULL until then). */
static int add_exit_arg(struct shim_options *o, const char *arg, struct mr_error **err)
{
	bool first = o->exit_command == NULL;
	char **v = realloc(o->exit_command, sizeof(char *) * (size_t)(o->n_exit_command + 3));

	if (v == NULL)
		return mr_error_sys(err, ENOMEM, "--exit-command-arg");
	o->exit_command = v;
	if (first)
		v[0] = NULL;
	if ((v[o->n_exit_command + 1] = strdup(arg)) == NULL)
		return mr_error_sys(err, ENOMEM, "--exit-command-arg");
	v[++o->n_exit_command + 1] = NULL;
	return 0;
}

static int set_exit_command(struct shim_options *o, const char *path, struct mr_error **err)
{
	if (path[0] == '\0')
		return mr_error_set(err, 0, "--exit-command: an empty path");
	if (o->exit_command == NULL) {
		if ((o->exit_command = calloc(2, sizeof(char *))) == NULL)
			return mr_error_sys(err, ENOMEM, "--exit-command");
	} else if (o->exit_command[0] != NULL) {
		return mr_error_set(err, 0, "--exit-command given twice");
	}
	o->exit_command[0] = strdup(path);
	return o->exit_command[0] ? 0 : mr_error_sys(err, ENOMEM, "--exit-command");
}

/* N, and fds 3 .. 3+N-1 all open: a hole would be filled by the shim's
 * own fds (its report pipe) and so be passed in their place. */
static int parse_preserve(struct shim_options *o, const char *arg, struct mr_error **err)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || n > SHIM_PRESERVE_FDS_MAX)
		return mr_error_set(err, 0, "--preserve-fds: \"%s\" is not a number of fds (0 to %d)", arg,
				    SHIM_PRESERVE_FDS_MAX);
	for (unsigned long fd = 3; fd < 3 + n; fd++)
		if (fcntl((int)fd, F_GETFD) < 0)
			return mr_error_set(err, 0, "--preserve-fds %lu: fd %lu is not open", n, fd);
	o->preserve_fds = (unsigned)n;
	return 0;
}

static int one_option(struct shim_options *o, int c, const char *arg, struct mr_error **err)
{
	switch (c) {
	case OPT_ID:
		free(o->id);
		o->id = strdup(arg);
		return o->id ? 0 : mr_error_sys(err, ENOMEM, "--id");
	case OPT_BUNDLE:
		return set_path(&o->bundle, "bundle", arg, err);
	case OPT_STATE_DIR:
		return set_path(&o->state_dir, "state-dir", arg, err);
	case OPT_RUNTIME:
		free(o->runtime);
		o->runtime = strdup(arg);
		return o->runtime ? 0 : mr_error_sys(err, ENOMEM, "--runtime");
	case OPT_RUNTIME_ROOT:
		return set_path(&o->runtime_root, "runtime-root", arg, err);
	case OPT_LOG:
		return set_path(&o->log, "log", arg, err);
	case OPT_LOG_MAX:
		if (parse_size(arg, &o->log_max_size) < 0)
			return mr_error_set(err, 0, "--log-max-size: \"%s\" is not a size in bytes", arg);
		return 0;
	case OPT_TERMINAL:
		o->terminal = true;
		return 0;
	case OPT_STDIN:
		o->stdin = true;
		return 0;
	case OPT_EXIT_CMD:
		return set_exit_command(o, arg, err);
	case OPT_EXIT_ARG:
		return add_exit_arg(o, arg, err);
	case OPT_FOREGROUND:
		o->foreground = true;
		return 0;
	case OPT_PRESERVE_FDS:
		return parse_preserve(o, arg, err);
	case 'h':
		o->help = true;
		return 0;
	case 'v':
		o->version = true;
		return 0;
	default:
		return mr_error_set(err, 0, "unknown option (see --help)");
	}
}

static int check(const struct shim_options *o, struct mr_error **err)
{
	if (o->id == NULL)
		return mr_error_set(err, 0, "--id is required");
	if (mr_id_validate(o->id, err) < 0)
		return mr_error_prefix(err, "--id");
	if (o->bundle == NULL)
		return mr_error_set(err, 0, "--bundle is required");
	if (o->state_dir == NULL)
		return mr_error_set(err, 0, "--state-dir is required");
	if (o->exit_command != NULL && o->exit_command[0] == NULL)
		return mr_error_set(err, 0, "--exit-command-arg without --exit-command");
	if (o->log_max_size && o->log == NULL)
		return mr_error_set(err, 0, "--log-max-size without --log");
	return 0;
}

int shim_options_parse(struct shim_options *o, int argc, char **argv, struct mr_error **err)
{
	int c;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+hv", long_opts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			const char *name = argv[optind - 1];
			return mr_error_set(err, 0, "%s: an unknown option or a missing value (see --help)", name);
		}
		if (one_option(o, c, optarg, err) < 0)
			return -1;
	}
	if (optind < argc)
		return mr_error_set(err, 0, "unexpected argument \"%s\" (see --help)", argv[optind]);
	if (o->help || o->version)
		return 0;
	return check(o, err);
}

void shim_options_free(struct shim_options *o)
{
	free(o->id);
	free(o->bundle);
	free(o->state_dir);
	free(o->runtime);
	free(o->runtime_root);
	free(o->log);
	for (int i = 0; o->exit_command && i <= o->n_exit_command; i++)
		free(o->exit_command[i]);
	free(o->exit_command);
	memset(o, 0, sizeof(*o));
}

static char *in_path(const char *name)
{
	const char *path = getenv("PATH");
	char *dirs, *save = NULL, *out = NULL;

	if (path == NULL || *path == '\0')
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	if ((dirs = strdup(path)) == NULL)
		return NULL;
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		if (asprintf(&out, "%s/%s", *d ? d : ".", name) < 0) {
			out = NULL;
			break;
		}
		if (access(out, X_OK) == 0)
			break;
		free(out);
		out = NULL;
	}
	free(dirs);
	return out;
}

/* minirun beside this program: the build tree keeps both in one
 * directory; an install puts the shim in bindir and minirun in sbindir. */
static char *beside_self(void)
{
	char self[PATH_MAX], *slash, *out = NULL;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return NULL;
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) == NULL)
		return NULL;
	*slash = '\0';
	if (asprintf(&out, "%s/minirun", self) >= 0 && access(out, X_OK) == 0)
		return out;
	free(out);
	if ((slash = strrchr(self, '/')) != NULL && strcmp(slash, "/bin") == 0 &&
	    asprintf(&out, "%.*s/sbin/minirun", (int)(slash - self), self) >= 0) {
		if (access(out, X_OK) == 0)
			return out;
		free(out);
	}
	return NULL;
}

char *shim_find_runtime(const char *given, struct mr_error **err)
{
	char *p;

	if (given == NULL) {
		if ((p = beside_self()) == NULL && (p = in_path("minirun")) == NULL)
			mr_error_set(err, 0, "minirun not found beside minirun-shim or in PATH (--runtime)");
		return p;
	}
	if (strchr(given, '/')) {
		p = absolute(given);
		if (p && access(p, X_OK) < 0) {
			mr_error_sys(err, errno, "--runtime %s", given);
			free(p);
			return NULL;
		}
		return p;
	}
	if ((p = in_path(given)) == NULL)
		mr_error_set(err, 0, "--runtime %s: not found in PATH", given);
	return p;
}
