/* Detaching from the caller (detach.h). */
#include "shim/detach.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/syscalls.h"

#define REPORT_MAX 4096

/* The foreground part: the report line, or EOF when the shim died. */
static void __attribute__((noreturn)) wait_report(int fd, pid_t middle, const char *state_dir)
{
	char buf[REPORT_MAX + 1];
	size_t len = 0;
	ssize_t n;
	int status;

	while (waitpid(middle, &status, 0) < 0 && errno == EINTR)
		;
	while (len < REPORT_MAX && ((n = read(fd, buf + len, REPORT_MAX - len)) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			len += (size_t)n;
	buf[len] = '\0';
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (len > 0 && buf[0] == '0')
		_exit(0);
	if (len > 1)
		fprintf(stderr, "%s\n", buf + 1);
	else
		fprintf(stderr, "minirun-shim: the shim exited before the container was created (see %s/state.json)\n",
			state_dir);
	_exit(1);
}

int shim_detach(const char *state_dir, struct mr_error **err)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return mr_error_sys(err, errno, "pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return mr_error_sys(err, errno, "fork");
	}
	if (pid > 0) {
		close(p[1]);
		wait_report(p[0], pid, state_dir);
	}
	close(p[0]);
	if (setsid() < 0)
		_exit(1);
	pid = fork();
	if (pid < 0)
		_exit(1); /* the foreground part sees EOF */
	if (pid > 0)
		_exit(0);
	return p[1];
}

void shim_report(int fd, const char *error)
{
	char buf[REPORT_MAX];
	int n;

	if (fd < 0) {
		if (error)
			fprintf(stderr, "%s\n", error);
		return;
	}
	n = error ? snprintf(buf, sizeof(buf), "1%s\n", error) : snprintf(buf, sizeof(buf), "0\n");
	if (n >= (int)sizeof(buf))
		n = (int)sizeof(buf) - 1;
	if (write(fd, buf, (size_t)n) < 0) {
		/* the caller is gone: nobody to tell */
	}
	close(fd);
}

static char *read_oom_score_adj(void)
{
	char buf[32];
	ssize_t n;
	int fd = open("/proc/self/oom_score_adj", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return strdup(buf);
}

/* -999: the OOM killer takes the container before its shim, never the
 * shim first (that would lose the exit status). Refused without
 * CAP_SYS_RESOURCE below the current value: then left as it is. */
static void protect_from_oom(void)
{
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, "-999", 4) < 0) {
		/* not allowed: keep the inherited value */
	}
	close(fd);
}

static int stdio_to_null(bool keep_stderr, struct mr_error **err)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return mr_error_sys(err, errno, "/dev/null");
	if (dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || (!keep_stderr && dup2(fd, 2) < 0)) {
		close(fd);
		return mr_error_sys(err, errno, "dup2");
	}
	if (fd > 2)
		close(fd);
	return 0;
}

/* What the caller left open (a pipe of its own, a lock, a socket) would
 * stay open for the shim's whole life: its peer never sees EOF, its file
 * stays busy. Only the report pipe and the fds to pass on stay. */
static void close_inherited(int report_fd, unsigned preserve)
{
	unsigned first = 3 + preserve;

	if (report_fd > (int)first)
		mr_close_range(first, (unsigned)report_fd - 1, 0);
	mr_close_range(report_fd >= (int)first ? (unsigned)report_fd + 1 : first, ~0U, 0);
}

int shim_daemon_setup(bool keep_stderr, int report_fd, unsigned preserve, char **oom_before, struct mr_error **err)
{
	close_inherited(report_fd, preserve);
	*oom_before = read_oom_score_adj();
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		return mr_error_sys(err, errno, "prctl(PR_SET_CHILD_SUBREAPER)");
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	protect_from_oom();
	if (chdir("/") < 0)
		return mr_error_sys(err, errno, "chdir /");
	return stdio_to_null(keep_stderr, err);
}
