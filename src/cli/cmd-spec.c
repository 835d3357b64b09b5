/* minirun spec: write a default config.json. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "spec/config.h"
#include "spec/default-spec.h"
#include "util/cleanup.h"

static const char usage[] =
	"Usage: minirun spec [--bundle DIR] [--rootless]\n"
	"\n"
	"Write a default config.json into the bundle directory: it runs `sh` in a\n"
	"busybox root filesystem at DIR/rootfs (see bundles/busybox/mkrootfs.sh).\n"
	"An existing config.json is never overwritten.\n"
	"\n"
	"Options:\n"
	"  -b, --bundle DIR   the bundle directory (default: the current directory)\n"
	"      --rootless     a config for an unprivileged user: a user namespace\n"
	"                     mapping your uid and gid to root, no network namespace\n";

static int write_new_file(const char *path, const char *text, struct mr_error **err)
{
	size_t len = strlen(text);
	cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);

	if (fd < 0)
		return mr_error_sys(err, errno, "cannot create %s", path);
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int saved = errno;
			unlink(path);
			return mr_error_sys(err, saved, "cannot write %s", path);
		}
		off += n;
	}
	return 0;
}

static int run_spec(struct mr_context *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "rootless", no_argument, NULL, 'r' },
		{ 0 },
	};
	const char *bundle = ".";
	bool rootless = false;
	cleanup_config struct oci_config *cfg = NULL;
	cleanup_free char *path = NULL, *text = NULL;
	struct mr_error *err = NULL;
	int c;

	while ((c = mr_cli_getopt(cli, &mr_cmd_spec, argc, argv, "b:", longopts)) != -1) {
		if (c < 0)
			return mr_cli_getopt_status(c);
		if (c == 'b')
			bundle = optarg;
		else if (c == 'r')
			rootless = true;
	}
	if (optind < argc)
		return mr_cli_failf(cli, "spec: unexpected argument \"%s\"", argv[optind]);
	if (asprintf(&path, "%s/config.json", bundle) < 0)
		return mr_cli_failf(cli, "out of memory");
	if (access(path, F_OK) == 0)
		return mr_cli_failf(cli, "config.json exists in %s: remove it first", bundle);

	cfg = mr_default_spec(rootless, getuid(), getgid(), &err);
	if (cfg == NULL || (text = mr_config_to_json(cfg, true, &err)) == NULL)
		return mr_cli_fail(cli, err);
	if (write_new_file(path, text, &err) < 0) {
		if (err->errnum == EEXIST) {
			mr_error_free(err);
			return mr_cli_failf(cli, "config.json exists in %s: remove it first", bundle);
		}
		return mr_cli_fail(cli, err);
	}
	return 0;
}

const struct mr_command mr_cmd_spec = {
	.name = "spec",
	.summary = "write a default config.json for a new bundle",
	.usage = usage,
	.run = run_spec,
};
