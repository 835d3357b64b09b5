/* runtime-spec hooks: fork, feed the state on stdin, exec, wait (with a
 * deadline), and turn the outcome into one error line.
 *
 * The child is made with clone3(CLONE_PIDFD) so that waiting, the timeout and
 * the kill all go through a pidfd: no SIGCHLD handler, no pid reuse race, no
 * global state. Everything the child needs (argv, envp) is built before the
 * clone: the child only makes async-signal-safe calls, so this also works
 * from a multithreaded caller (minirund). */
#include "hooks.h"
#include "util/signals.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"

extern char **environ;
#include "util/syscalls.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2) /* Linux 5.11 */
#endif

/* Most state JSON fits in one pipe buffer once it is grown to this size (the
 * default /proc/sys/fs/pipe-max-size), so it is written before the hook even
 * exists and the hook cannot make the write fail. Larger states are written
 * in the wait loop. */
#define STATE_PIPE_SIZE (1024 * 1024)

struct hook_run {
	const struct oci_hook *hook;
	const char *kind;
	char **argv; /* NULL-terminated; the strings belong to the hook */
	char **envp;
	const char *state; /* what is left to write to the hook's stdin */
	size_t state_left;
	int stdin_w; /* write end of the hook's stdin, -1 once closed */
	int pidfd;
	pid_t pid;
};

/* A NULL-terminated copy of the array of pointers (not of the strings). */
static char **string_vector(char *const *items, size_t n, const char *fallback)
{
	char **v = calloc(n + 2, sizeof(*v));

	if (v == NULL)
		return NULL;
	if (n == 0 && fallback != NULL)
		v[0] = (char *)fallback;
	else if (n > 0)
		memcpy(v, items, n * sizeof(*v));
	return v;
}

/* Move fd to 3 or above: the child dup2s onto 0 and must not clobber the
 * other pipe when the caller runs with some of 0-2 closed. */
static int fd_above_stdio(int fd)
{
	int moved;

	if (fd > 2)
		return fd;
	moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return moved;
}

static int cloexec_pipe(int fds[2])
{
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	fds[0] = fd_above_stdio(fds[0]);
	fds[1] = fd_above_stdio(fds[1]);
	if (fds[0] < 0 || fds[1] < 0) {
		int saved = errno;
		if (fds[0] >= 0)
			close(fds[0]);
		if (fds[1] >= 0)
			close(fds[1]);
		errno = saved;
		return -1;
	}
	return 0;
}

/* In the child: only async-signal-safe calls from here to execve. */
static __attribute__((noreturn)) void hook_child(const struct hook_run *r, int stdin_r, int exec_err_w)
{
	int e;

	/* A hook must not start with the runtime's SIGPIPE ignored or its
	 * SIGCHLD blocked. */
	mr_signals_reset_all();

	if (dup2(stdin_r, STDIN_FILENO) < 0)
		goto fail;
	/* Everything from 3 up is closed by execve; the exec error pipe stays
	 * open until then, which is how the parent learns of a failed exec. */
	if (mr_close_range(3, UINT_MAX, CLOSE_RANGE_CLOEXEC) < 0) {
		long max = sysconf(_SC_OPEN_MAX);
		for (long fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
			fcntl((int)fd, F_SETFD, FD_CLOEXEC);
	}
	execve(r->hook->path, r->argv, r->envp);
fail:
	e = errno;
	if (write(exec_err_w, &e, sizeof(e)) < 0) {
		/* nothing left to report with */
	}
	_exit(127);
}

static pid_t hook_spawn(struct hook_run *r, int stdin_r, int exec_err_w)
{
	struct mr_clone_args ca = {
		.flags = CLONE_PIDFD,
		.pidfd = (uint64_t)(uintptr_t)&r->pidfd,
		.exit_signal = SIGCHLD,
	};
	pid_t pid;

	r->pidfd = -1;
	pid = mr_clone3(&ca);
	if (pid < 0 && (errno == ENOSYS || errno == EINVAL || errno == EPERM)) {
		/* Before Linux 5.3, under valgrind, or under a seccomp filter
		 * that refuses clone3 (Docker's profile answers ENOSYS, and the
		 * init runs startContainer hooks under the container's filter):
		 * fork, then a pidfd for the child (ours and not reaped, so its
		 * pid cannot be reused). Without any pidfd (valgrind 3.19 lacks
		 * pidfd_open too) r->pidfd stays -1 and hook_wait polls. */
		pid = fork();
		if (pid > 0)
			r->pidfd = mr_pidfd_open(pid, 0);
	}
	if (pid == 0)
		hook_child(r, stdin_r, exec_err_w);
	return pid;
}

/* Write what fits into the hook's stdin without blocking. A hook may exit or
 * close stdin without reading: EPIPE then just ends the writing. SIGPIPE is
 * blocked around the write (per thread, no disposition change) and a SIGPIPE
 * raised by it is taken off the pending set again. */
static void feed_stdin(struct hook_run *r)
{
	sigset_t pipe_set, old_mask, pending;
	bool was_pending;
	ssize_t n;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask);
	while (r->state_left > 0) {
		n = write(r->stdin_w, r->state, r->state_left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			if (errno == EPIPE && !was_pending) {
				struct timespec zero = { 0, 0 };
				while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
					;
			}
			r->state_left = 0;
			break;
		}
		r->state += n;
		r->state_left -= (size_t)n;
	}
	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	if (r->state_left == 0) {
		close(r->stdin_w);
		r->stdin_w = -1;
	}
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Has the hook exited? Without a pidfd: reaps it if so. */
static bool hook_exited(struct hook_run *r, const struct pollfd *pidfd_poll, siginfo_t *info)
{
	if (r->pidfd >= 0)
		return pidfd_poll->revents & POLLIN;
	memset(info, 0, sizeof(*info));
	return waitid(P_PID, (id_t)r->pid, info, WEXITED | WNOHANG) == 0 && info->si_pid != 0;
}

/* Wait for the hook to exit while feeding its stdin. Returns 0 when it
 * exited (status in *info), 1 when the deadline passed, -1 on error. The
 * pidfd turns readable when the hook exits; without one (old kernels,
 * valgrind) the wait polls, with steps growing from 1 to 50 ms. */
static int hook_wait(struct hook_run *r, siginfo_t *info, struct mr_error **err)
{
	bool timed = r->hook->has_timeout && r->hook->timeout > 0;
	int64_t deadline = timed ? now_ms() + (int64_t)r->hook->timeout * 1000 : 0;
	int step = 1;

	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = r->pidfd, .events = POLLIN }, /* fd -1: ignored by poll */
			{ .fd = r->stdin_w, .events = POLLOUT },
		};
		int timeout = -1, n;

		if (timed) {
			int64_t left = deadline - now_ms();
			if (left <= 0)
				return 1;
			timeout = left > INT_MAX ? INT_MAX : (int)left;
		}
		if (r->pidfd < 0) {
			if (hook_exited(r, NULL, info))
				break;
			if (timeout < 0 || timeout > step)
				timeout = step;
			step = step < 25 ? step * 2 : 50;
		}
		n = poll(pfd, 2, timeout);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return mr_error_sys(err, errno, "%s hook %s: poll", r->kind, r->hook->path);
		if (r->stdin_w >= 0 && pfd[1].revents)
			feed_stdin(r);
		if (r->pidfd >= 0 && hook_exited(r, &pfd[0], info))
			break;
	}
	if (r->pidfd >= 0) {
		memset(info, 0, sizeof(*info));
		while (waitid((idtype_t)P_PIDFD, (id_t)r->pidfd, info, WEXITED) < 0) {
			if (errno != EINTR)
				return mr_error_sys(err, errno, "%s hook %s: wait", r->kind, r->hook->path);
		}
	}
	r->pid = 0;
	return 0;
}

/* SIGKILL and reap a hook that is still running (not reaped yet, so the
 * pid still names it even without a pidfd). */
static void hook_kill(struct hook_run *r)
{
	siginfo_t info;
	int ret;

	if (r->pid <= 0)
		return;
	if (r->pidfd >= 0)
		mr_pidfd_send_signal(r->pidfd, SIGKILL, NULL, 0);
	else
		kill(r->pid, SIGKILL);
	do
		ret = r->pidfd >= 0 ? waitid((idtype_t)P_PIDFD, (id_t)r->pidfd, &info, WEXITED)
				    : waitid(P_PID, (id_t)r->pid, &info, WEXITED);
	while (ret < 0 && errno == EINTR);
	r->pid = 0;
}

/* The errno the child sent before _exit(127), or 0 if execve worked (then
 * the pipe was closed by it and reads EOF). */
static int exec_errno(int exec_err_r)
{
	int e = 0;
	ssize_t n;

	do
		n = read(exec_err_r, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(e) ? e : 0;
}

static int hook_outcome(const struct hook_run *r, const siginfo_t *info, int exec_err_r, struct mr_error **err)
{
	const char *kind = r->kind, *path = r->hook->path;
	int e = exec_errno(exec_err_r);

	if (e != 0)
		return mr_error_sys(err, e, "%s hook %s: exec", kind, path);
	if (info->si_code == CLD_EXITED) {
		if (info->si_status == 0)
			return 0;
		return mr_error_set(err, 0, "%s hook %s: exited with status %d", kind, path, info->si_status);
	}
	if (info->si_code == CLD_KILLED || info->si_code == CLD_DUMPED) {
		const char *abbrev = sigabbrev_np(info->si_status);
		if (abbrev != NULL)
			return mr_error_set(err, 0, "%s hook %s: killed by signal SIG%s", kind, path, abbrev);
		return mr_error_set(err, 0, "%s hook %s: killed by signal %d", kind, path, info->si_status);
	}
	return mr_error_set(err, 0, "%s hook %s: ended with wait code %d", kind, path, info->si_code);
}

static int hook_run_one(const struct oci_hook *h, const char *kind, const char *state_json, struct mr_error **err)
{
	cleanup_free char **argv = NULL;
	cleanup_free char **envp = NULL;
	struct hook_run r = { .hook = h, .kind = kind, .stdin_w = -1, .pidfd = -1 };
	int in[2] = { -1, -1 }, ex[2] = { -1, -1 };
	siginfo_t info;
	int ret = -1, waited;

	if (h->path == NULL)
		return mr_error_set(err, EINVAL, "%s hook: no path", kind);
	/* args[0] is argv[0] (spec: "same semantics as IEEE Std 1003.1-2008
	 * execv's argv"); the environment is exactly `env` when it is given
	 * (an empty list is an empty environment), the runtime's own when it
	 * is not (the spec is silent; runc and crun do that). */
	argv = string_vector(h->args, h->args_len, h->path);
	envp = h->env ? string_vector(h->env, h->env_len, NULL) : NULL;
	if (argv == NULL || (h->env && envp == NULL))
		return mr_error_sys(err, ENOMEM, "%s hook %s", kind, h->path);
	r.argv = argv;
	r.envp = envp ? envp : environ;
	r.state = state_json ? state_json : "";
	r.state_left = strlen(r.state);

	if (cloexec_pipe(in) < 0 || cloexec_pipe(ex) < 0) {
		mr_error_sys(err, errno, "%s hook %s: pipe", kind, h->path);
		goto out;
	}
	r.stdin_w = in[1];
	in[1] = -1;
	if (r.state_left > 65536)
		fcntl(r.stdin_w, F_SETPIPE_SZ, STATE_PIPE_SIZE); /* best effort */
	/* Non-blocking so the wait loop never stalls on a hook that does not
	 * read; while we hold the read end this write cannot raise EPIPE. */
	fcntl(r.stdin_w, F_SETFL, O_NONBLOCK);
	feed_stdin(&r);

	r.pid = hook_spawn(&r, in[0], ex[1]);
	if (r.pid < 0) {
		r.pid = 0;
		mr_error_sys(err, errno, "%s hook %s: clone", kind, h->path);
		goto out;
	}
	close(in[0]);
	in[0] = -1;
	close(ex[1]);
	ex[1] = -1;

	waited = hook_wait(&r, &info, err);
	if (waited == 1) {
		hook_kill(&r);
		mr_error_set(err, ETIMEDOUT, "%s hook %s: timed out after %d seconds", kind, h->path, h->timeout);
	} else if (waited == 0) {
		ret = hook_outcome(&r, &info, ex[0], err);
	}
out:
	hook_kill(&r);
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (ex[i] >= 0)
			close(ex[i]);
	}
	if (r.stdin_w >= 0)
		close(r.stdin_w);
	if (r.pidfd >= 0)
		close(r.pidfd);
	return ret;
}

int mr_hooks_run(const struct oci_hook *hooks, size_t n, const char *kind, const char *state_json,
		 struct mr_error **err)
{
	for (size_t i = 0; i < n; i++)
		if (hook_run_one(&hooks[i], kind, state_json, err) < 0)
			return -1;
	return 0;
}
