#include "shim/loop.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#define BATCH 64
#define LATE_EXITS 64 /* exits reaped before anyone watched their pid */

struct late_exit {
	pid_t pid;
	int status;
};

struct shim_loop {
	int epfd;
	int sigfd;
	struct shim_watch sigwatch;
	sigset_t old_mask;
	bool quit;
	struct epoll_event batch[BATCH];
	int batch_n, batch_i;
	struct shim_defer *defer_head, *defer_tail;
	struct shim_child *children;
	struct late_exit late[LATE_EXITS];
	unsigned late_next;
	shim_signal_fn on_signal;
	void *on_signal_data;
};

static void reap(struct shim_loop *loop);

static void on_signalfd(struct shim_watch *w, uint32_t events)
{
	struct shim_loop *loop = w->data;
	struct signalfd_siginfo si[8];
	bool child = false;

	for (;;) {
		ssize_t n = read(loop->sigfd, si, sizeof(si));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (size_t i = 0; i < (size_t)n / sizeof(si[0]); i++) {
			if (si[i].ssi_signo == SIGCHLD)
				child = true;
			else if (loop->on_signal)
				loop->on_signal(loop, (int)si[i].ssi_signo, loop->on_signal_data);
		}
	}
	/* SIGCHLDs merge: one wakeup may stand for many exits. */
	if (child)
		reap(loop);
}

struct shim_loop *shim_loop_new(struct mr_error **err)
{
	struct shim_loop *loop = calloc(1, sizeof(*loop));
	sigset_t mask;

	if (loop == NULL) {
		mr_error_sys(err, ENOMEM, "event loop");
		return NULL;
	}
	loop->sigfd = -1;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		mr_error_sys(err, errno, "epoll_create1");
		free(loop);
		return NULL;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, &loop->old_mask);
	loop->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (loop->sigfd < 0) {
		mr_error_sys(err, errno, "signalfd");
		shim_loop_free(loop);
		return NULL;
	}
	if (shim_loop_add(loop, &loop->sigwatch, loop->sigfd, EPOLLIN, on_signalfd, loop, err) < 0) {
		shim_loop_free(loop);
		return NULL;
	}
	return loop;
}

void shim_loop_free(struct shim_loop *loop)
{
	if (loop == NULL)
		return;
	if (loop->sigfd >= 0)
		close(loop->sigfd);
	close(loop->epfd);
	sigprocmask(SIG_SETMASK, &loop->old_mask, NULL);
	free(loop);
}

int shim_loop_add(struct shim_loop *loop, struct shim_watch *w, int fd, uint32_t events, shim_watch_fn fn,
		  void *data, struct mr_error **err)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	w->fd = fd;
	w->events = events;
	w->fn = fn;
	w->data = data;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return mr_error_sys(err, errno, "epoll_ctl");
	w->added = true;
	return 0;
}

void shim_loop_mod(struct shim_loop *loop, struct shim_watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	if (!w->added || w->events == events)
		return;
	w->events = events;
	epoll_ctl(loop->epfd, EPOLL_CTL_MOD, w->fd, &ev);
}

void shim_loop_del(struct shim_loop *loop, struct shim_watch *w)
{
	if (!w->added)
		return;
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	w->added = false;
	/* Events of this batch still pointing at it are dropped. */
	for (int i = loop->batch_i; i < loop->batch_n; i++)
		if (loop->batch[i].data.ptr == w)
			loop->batch[i].data.ptr = NULL;
}

static void run_deferred(struct shim_loop *loop)
{
	/* Calls queued while these run wait for the next round. */
	struct shim_defer *d = loop->defer_head;

	loop->defer_head = loop->defer_tail = NULL;
	while (d) {
		struct shim_defer *next = d->next;
		d->queued = false;
		d->next = NULL;
		d->fn(d);
		d = next;
	}
}

int shim_loop_run(struct shim_loop *loop, struct mr_error **err)
{
	loop->quit = false;
	while (!loop->quit) {
		int n = epoll_wait(loop->epfd, loop->batch, BATCH, loop->defer_head ? 0 : -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return mr_error_sys(err, errno, "epoll_wait");
		loop->batch_n = n;
		for (loop->batch_i = 0; loop->batch_i < loop->batch_n;) {
			struct epoll_event *ev = &loop->batch[loop->batch_i++];
			struct shim_watch *w = ev->data.ptr;
			if (w)
				w->fn(w, ev->events);
		}
		loop->batch_n = loop->batch_i = 0;
		run_deferred(loop);
	}
	return 0;
}

void shim_loop_quit(struct shim_loop *loop)
{
	loop->quit = true;
}

void shim_loop_on_signal(struct shim_loop *loop, shim_signal_fn fn, void *data)
{
	loop->on_signal = fn;
	loop->on_signal_data = data;
}

void shim_loop_defer(struct shim_loop *loop, struct shim_defer *d, shim_defer_fn fn, void *data)
{
	d->fn = fn;
	d->data = data;
	if (d->queued)
		return;
	d->queued = true;
	d->next = NULL;
	if (loop->defer_tail)
		loop->defer_tail->next = d;
	else
		loop->defer_head = d;
	loop->defer_tail = d;
}

void shim_loop_cancel(struct shim_loop *loop, struct shim_defer *d)
{
	struct shim_defer **pp = &loop->defer_head, *prev = NULL;

	if (!d->queued)
		return;
	while (*pp && *pp != d) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (*pp == d) {
		*pp = d->next;
		if (loop->defer_tail == d)
			loop->defer_tail = prev;
	}
	d->queued = false;
	d->next = NULL;
}

static void child_late(struct shim_defer *d)
{
	struct shim_child *c = d->data;
	c->exited(c, c->late_status);
}

void shim_loop_watch_child(struct shim_loop *loop, struct shim_child *c, pid_t pid, shim_child_fn fn, void *data)
{
	c->pid = pid;
	c->exited = fn;
	c->data = data;
	c->late.queued = false;
	for (unsigned i = 0; i < LATE_EXITS; i++) {
		if (loop->late[i].pid == pid && pid > 0) {
			loop->late[i].pid = 0;
			c->late_status = loop->late[i].status;
			c->next = NULL;
			shim_loop_defer(loop, &c->late, child_late, c);
			return;
		}
	}
	c->next = loop->children;
	loop->children = c;
}

void shim_loop_unwatch_child(struct shim_loop *loop, struct shim_child *c)
{
	for (struct shim_child **pp = &loop->children; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	shim_loop_cancel(loop, &c->late);
	c->next = NULL;
}

static void reap(struct shim_loop *loop)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		struct shim_child **pp;

		if (pid < 0 && errno == EINTR)
			continue;
		if (pid <= 0)
			return;
		for (pp = &loop->children; *pp && (*pp)->pid != pid; pp = &(*pp)->next)
			;
		if (*pp) {
			struct shim_child *c = *pp;
			*pp = c->next;
			c->next = NULL;
			c->exited(c, status);
			continue;
		}
		/* Orphans that were reparented to us end here too; only the
		 * most recent exits are kept. */
		loop->late[loop->late_next].pid = pid;
		loop->late[loop->late_next].status = status;
		loop->late_next = (loop->late_next + 1) % LATE_EXITS;
	}
}

static void on_timer(struct shim_watch *w, uint32_t events)
{
	struct shim_timer *t = w->data;
	uint64_t ticks;

	if (read(w->fd, &ticks, sizeof(ticks)) != (ssize_t)sizeof(ticks))
		return;
	t->fn(t);
}

int shim_timer_start(struct shim_loop *loop, struct shim_timer *t, unsigned first_ms, unsigned interval_ms,
		     shim_timer_fn fn, void *data, struct mr_error **err)
{
	struct itimerspec its = {
		.it_value = { first_ms / 1000, (long)(first_ms % 1000) * 1000000L },
		.it_interval = { interval_ms / 1000, (long)(interval_ms % 1000) * 1000000L },
	};
	int fd;

	if (first_ms == 0)
		its.it_value.tv_nsec = 1; /* zero would disarm it */
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd < 0)
		return mr_error_sys(err, errno, "timerfd_create");
	if (timerfd_settime(fd, 0, &its, NULL) < 0) {
		mr_error_sys(err, errno, "timerfd_settime");
		close(fd);
		return -1;
	}
	t->fn = fn;
	t->data = data;
	if (shim_loop_add(loop, &t->w, fd, EPOLLIN, on_timer, t, err) < 0) {
		close(fd);
		return -1;
	}
	return 0;
}

void shim_timer_stop(struct shim_loop *loop, struct shim_timer *t)
{
	if (!t->w.added)
		return;
	shim_loop_del(loop, &t->w);
	close(t->w.fd);
	t->w.fd = -1;
}

int shim_exit_code(int wait_status)
{
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return WEXITSTATUS(wait_status);
}
