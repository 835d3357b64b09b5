/* minirun-shim: the per-container shim (see minirun-shim(8)). main() parses
 * the options, detaches, and runs the event loop with the container and
 * its control socket until the container is deleted. `ctl` is the small
 * client of the control socket (ctl.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shim/container.h"
#include "shim/ctl.h"
#include "shim/detach.h"
#include "shim/options.h"
#include "shim/proto.h"
#include "shim/server.h"
#include "state.h"
#include "version.h"

struct shim_main {
	struct shim_options o;
	char *runtime;
	char *oom_before;
	int report_fd;
	struct shim_loop *loop;
	struct shim_container *c;
	struct shim_server *srv;
	char *sock_path, *pid_path;
	int exit_status;
};

static int fail(const char *msg)
{
	fprintf(stderr, "minirun-shim: %s\n", msg);
	return 1;
}

/* mkdir -p, 0700 for what is made. */
static int make_dirs(const char *path, struct mr_error **err)
{
	char *p = strdup(path);
	int ret = 0;

	if (p == NULL)
		return mr_error_sys(err, ENOMEM, "state dir");
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST) {
			ret = mr_error_sys(err, errno, "--state-dir: mkdir %s", p);
			break;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return ret;
}

static int write_pid_file(const char *path, struct mr_error **err)
{
	char buf[32], tmp[4096];
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid()), fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return mr_error_sys(err, errno, "write %s", path);
	if (write(fd, buf, (size_t)n) != n || close(fd) < 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		return mr_error_sys(err, errno ? errno : EIO, "write %s", path);
	}
	return 0;
}

static void created(void *data, const char *error)
{
	struct shim_main *m = data;

	shim_report(m->report_fd, error);
	m->report_fd = -1;
	if (error) {
		/* state.json keeps the error; nothing else of the shim stays */
		m->exit_status = 1;
		shim_loop_quit(m->loop);
	}
}

static void quit(void *data)
{
	struct shim_main *m = data;

	shim_loop_quit(m->loop);
}

/* SIGTERM, SIGINT: the shim goes, the container stays (as after a kill -9
 * of the shim, but with the socket removed). */
static void on_signal(struct shim_loop *loop, int sig, void *data)
{
	(void)sig;
	(void)data;
	shim_loop_quit(loop);
}

static int start(struct shim_main *m, struct mr_error **err)
{
	bool zombie;
	struct shim_container_opts co = {
		.id = m->o.id, .bundle = m->o.bundle, .state_dir = m->o.state_dir, .runtime = m->runtime,
		.runtime_root = m->o.runtime_root, .log_path = m->o.log, .log_max_size = m->o.log_max_size,
		.terminal = m->o.terminal, .stdin = m->o.stdin, .preserve_fds = m->o.preserve_fds,
		.exit_command = m->o.exit_command,
		.oom_score_adj = m->oom_before, .shim_pid = getpid(), .shim_start_time = mr_proc_start_time(getpid(), &zombie),
	};

	if ((m->loop = shim_loop_new(err)) == NULL)
		return -1;
	shim_loop_on_signal(m->loop, on_signal, m);
	if ((m->c = shim_container_new(m->loop, &co, err)) == NULL)
		return -1;
	if (asprintf(&m->sock_path, "%s/shim.sock", m->o.state_dir) < 0 ||
	    asprintf(&m->pid_path, "%s/shim.pid", m->o.state_dir) < 0)
		return mr_error_sys(err, ENOMEM, "paths");
	if (write_pid_file(m->pid_path, err) < 0 || shim_container_save(m->c, err) < 0)
		return -1;
	if ((m->srv = shim_server_new(m->loop, m->c, m->sock_path, err)) == NULL)
		return -1;
	shim_server_on_quit(m->srv, quit, m);
	shim_container_create(m->c, created, m);
	return 0;
}

static void finish(struct shim_main *m)
{
	if (m->srv)
		shim_server_free(m->srv); /* removes shim.sock */
	if (m->c)
		shim_container_free(m->c);
	if (m->loop)
		shim_loop_free(m->loop);
	if (m->pid_path)
		unlink(m->pid_path);
	free(m->sock_path);
	free(m->pid_path);
	free(m->runtime);
	free(m->oom_before);
	shim_options_free(&m->o);
}

static int check_bundle(const char *bundle, struct mr_error **err)
{
	struct stat st;

	if (stat(bundle, &st) < 0)
		return mr_error_sys(err, errno, "--bundle %s", bundle);
	if (!S_ISDIR(st.st_mode))
		return mr_error_set(err, 0, "--bundle %s: not a directory", bundle);
	return 0;
}

static int run_shim(struct shim_main *m)
{
	struct mr_error *err = NULL;

	m->report_fd = -1;
	if ((m->runtime = shim_find_runtime(m->o.runtime, &err)) == NULL || check_bundle(m->o.bundle, &err) < 0 ||
	    make_dirs(m->o.state_dir, &err) < 0)
		goto failed;
	if (!m->o.foreground && (m->report_fd = shim_detach(m->o.state_dir, &err)) < 0)
		goto failed;
	if (shim_daemon_setup(m->o.foreground, m->report_fd, m->o.preserve_fds, &m->oom_before, &err) < 0 || start(m, &err) < 0)
		goto failed;
	if (shim_loop_run(m->loop, &err) < 0)
		goto failed;
	shim_report(m->report_fd, m->exit_status ? "minirun-shim: the create did not finish" : NULL);
	finish(m);
	return m->exit_status;
failed:
	if (m->report_fd >= 0) {
		char line[4096];
		snprintf(line, sizeof(line), "minirun-shim: %s", err->msg);
		shim_report(m->report_fd, line);
	} else {
		fail(err->msg);
	}
	mr_error_free(err);
	finish(m);
	return 1;
}

int main(int argc, char **argv)
{
	struct shim_main m = { 0 };
	struct mr_error *err = NULL;
	int ret;

	if (argc > 1 && strcmp(argv[1], "ctl") == 0)
		return shim_ctl_main(argc - 1, argv + 1);
	if (shim_options_parse(&m.o, argc, argv, &err) < 0) {
		ret = fail(err->msg);
		mr_error_free(err);
		shim_options_free(&m.o);
		return ret;
	}
	if (m.o.help) {
		shim_print_usage();
		shim_options_free(&m.o);
		return 0;
	}
	if (m.o.version) {
		printf("minirun-shim %s\n", PACKAGE_VERSION);
		shim_options_free(&m.o);
		return 0;
	}
	return run_shim(&m);
}
