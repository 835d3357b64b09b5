/* run (create + start + the foreground wait) and the wait that run and
 * exec share: signals forwarded to the container's process, its exit
 * status as the caller's. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "terminal.h"
#include "util/cleanup.h"
#include "util/syscalls.h"

int mr_wait_forwarding(pid_t pid, int *status)
{
	cleanup_close int pidfd = mr_pidfd_open(pid, 0);
	cleanup_close int sigfd = -1;
	struct pollfd pfd[2];
	sigset_t all;

	/* the caller blocked every signal; they queue here */
	sigfillset(&all);
	sigfd = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
	if (pidfd < 0 || sigfd < 0)
		return -1;
	pfd[0] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
	for (;;) {
		int ws;
		pid_t p;

		/* reap the orphans we inherit as a subreaper, too */
		while ((p = waitpid(-1, &ws, WNOHANG)) > 0) {
			if (p == pid) {
				*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
				return 0;
			}
		}
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			return -1;
		if (pfd[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sigfd, &si, sizeof(si)) == sizeof(si))
				if (si.ssi_signo != SIGCHLD)
					mr_pidfd_send_signal(pidfd, (int)si.ssi_signo, NULL, 0);
		}
	}
}

int mr_foreground_wait(const struct mr_context *ctx, pid_t pid, int master, int *status)
{
	if (master >= 0) {
		struct mr_error *perr = NULL;
		if (mr_terminal_proxy(master, &perr) < 0) {
			mr_log_write(&ctx->log, "warning", perr->msg);
			mr_error_free(perr);
		}
	}
	return mr_wait_forwarding(pid, status);
}

int mr_container_run(const struct mr_context *ctx, const struct mr_run_opts *o, int *status, struct mr_error **err)
{
	struct mr_create_opts co = o->create;
	int master = -1, ret = -1;
	sigset_t all, old;
	pid_t pid, forwarder = 0;

	*status = 1;
	if (!o->detach && co.console_socket == NULL)
		co.console_master = &master;
	if (!o->detach && !o->no_subreaper)
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	/* Block signals now, so none is lost between start and the wait; the
	 * init resets its mask. */
	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	if (!o->detach)
		sigprocmask(SIG_BLOCK, &all, &old);
	if (mr_container_create(ctx, &co, &pid, err) < 0)
		goto out;
	if (mr_container_start(ctx, co.id, o->detach ? NULL : &forwarder, err) < 0) {
		mr_container_delete(ctx, co.id, true, NULL);
		goto out;
	}
	if (o->detach) {
		*status = 0;
		ret = 0;
		goto out;
	}
	if (mr_foreground_wait(ctx, pid, master, status) < 0) {
		mr_error_sys(err, errno, "run: wait");
		goto out;
	}
	/* The forwarder ends once the init has: let it pass a READY=1 the
	 * process sent just before its end (its death signal would drop it). */
	if (forwarder > 0)
		while (waitpid(forwarder, NULL, 0) < 0 && errno == EINTR)
			;
	ret = 0;
	if (!o->keep)
		ret = mr_container_delete(ctx, co.id, true, err);
out:
	if (master >= 0)
		close(master);
	if (!o->detach)
		sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
