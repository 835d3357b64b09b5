#include "shim/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/signals.h"
#include "util/syscalls.h"

extern char **environ;

/* In the child: only syscalls from here on (async-signal-safe). */
static void child_fds(const struct shim_spawn *s, int report)
{
	int tmp[SHIM_SPAWN_MAX_FDS];
	int null = -1;

	/* First out of the way of 0..nfds-1, then into place. */
	for (int i = 0; i < s->nfds; i++) {
		int src = s->fds[i];
		if (src < 0 && i < 3) {
			if (null < 0)
				null = open("/dev/null", O_RDWR | O_CLOEXEC);
			src = null;
		}
		tmp[i] = src < 0 ? -1 : fcntl(src, F_DUPFD_CLOEXEC, 64);
	}
	for (int i = 0; i < s->nfds; i++) {
		if (tmp[i] >= 0)
			dup2(tmp[i], i);
		else
			close(i);
	}
	/* Everything above them goes at execve, except the report pipe (and
	 * the fds kept, below it: they were open before it was made). */
	if (report > s->nfds + (int)s->keep_fds)
		mr_close_range((unsigned)s->nfds + s->keep_fds, (unsigned)report - 1, 0);
	mr_close_range((unsigned)report + 1, ~0U, 0);
}

static void child_oom(const char *value)
{
	int fd;

	if (value == NULL)
		return;
	fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, value, strlen(value)) < 0) {
		/* raising it back never needs a privilege; nothing to do */
	}
	close(fd);
}

static void report_errno(int fd)
{
	int e = errno;
	if (write(fd, &e, sizeof(e)) < 0) {
		/* the parent then sees EOF and the child's exit 127 */
	}
	_exit(127);
}

pid_t shim_spawn(const struct shim_spawn *s, struct mr_error **err)
{
	int pipefd[2], child_errno = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return mr_error_sys(err, errno, "%s: pipe", s->path);
	pid = fork();
	if (pid < 0) {
		mr_error_sys(err, errno, "%s: fork", s->path);
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (pid == 0) {
		/* above every fd that child_fds places */
		int report = fcntl(pipefd[1], F_DUPFD_CLOEXEC, 128);
		mr_signals_reset_all();
		child_oom(s->oom_score_adj);
		if (report < 0 || (s->cwd && chdir(s->cwd) < 0))
			report_errno(report < 0 ? pipefd[1] : report);
		child_fds(s, report);
		if (strchr(s->path, '/'))
			execve(s->path, s->argv, environ);
		else
			execvp(s->path, s->argv);
		report_errno(report);
	}
	close(pipefd[1]);
	do
		n = read(pipefd[0], &child_errno, sizeof(child_errno));
	while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n == (ssize_t)sizeof(child_errno)) {
		/* It never ran: reap it here, nobody watches this pid. */
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return mr_error_sys(err, child_errno, "%s", s->path);
	}
	return pid;
}
