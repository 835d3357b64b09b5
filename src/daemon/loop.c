#include "loop.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

struct mrd_watch {
	struct mrd_loop *loop;
	int fd;
	mrd_io_fn fn;
	void *data;
	bool dead;
	struct mrd_watch *next_dead;
};

struct mrd_timer {
	struct mrd_loop *loop;
	int64_t due; /* monotonic ns */
	mrd_timer_fn fn;
	void *data;
	bool due_now, cancelled; /* in run_timers' list; cancelled there */
	struct mrd_timer *next; /* sorted by due */
};

struct mrd_loop {
	int epfd;
	bool quit;
	struct mrd_watch *dead; /* freed after the round */
	struct mrd_timer *timers;
	mrd_timeout_fn timeout_fn;
	void (*tick)(void *data);
	void *timeout_data;
};

int64_t mrd_now_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t mrd_now_real_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct mrd_loop *mrd_loop_new(void)
{
	struct mrd_loop *loop = calloc(1, sizeof(*loop));
	if (loop == NULL)
		return NULL;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		free(loop);
		return NULL;
	}
	return loop;
}

static void free_dead(struct mrd_loop *loop)
{
	while (loop->dead != NULL) {
		struct mrd_watch *w = loop->dead;
		loop->dead = w->next_dead;
		free(w);
	}
}

void mrd_loop_free(struct mrd_loop *loop)
{
	if (loop == NULL)
		return;
	free_dead(loop);
	while (loop->timers != NULL) {
		struct mrd_timer *t = loop->timers;
		loop->timers = t->next;
		free(t);
	}
	close(loop->epfd);
	free(loop);
}

struct mrd_watch *mrd_watch_add(struct mrd_loop *loop, int fd, uint32_t events, mrd_io_fn fn, void *data)
{
	struct mrd_watch *w = calloc(1, sizeof(*w));
	struct epoll_event ev = {.events = events};

	if (w == NULL)
		return NULL;
	*w = (struct mrd_watch){.loop = loop, .fd = fd, .fn = fn, .data = data};
	ev.data.ptr = w;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int saved = errno;
		free(w);
		errno = saved;
		return NULL;
	}
	return w;
}

int mrd_watch_events(struct mrd_watch *w, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = w};
	return epoll_ctl(w->loop->epfd, EPOLL_CTL_MOD, w->fd, &ev);
}

int mrd_watch_fd(const struct mrd_watch *w)
{
	return w->fd;
}

void mrd_watch_del(struct mrd_watch *w)
{
	if (w == NULL || w->dead)
		return;
	/* The fd may already be closed by its owner: then the kernel dropped
	 * it from the set by itself and this fails harmlessly. */
	epoll_ctl(w->loop->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	w->dead = true;
	w->next_dead = w->loop->dead;
	w->loop->dead = w;
}

struct mrd_timer *mrd_timer_add(struct mrd_loop *loop, uint64_t ms, mrd_timer_fn fn, void *data)
{
	struct mrd_timer *t = calloc(1, sizeof(*t)), **p;

	if (t == NULL)
		return NULL;
	*t = (struct mrd_timer){.loop = loop, .due = mrd_now_mono_ns() + (int64_t)ms * 1000000, .fn = fn, .data = data};
	for (p = &loop->timers; *p != NULL && (*p)->due <= t->due; p = &(*p)->next)
		;
	t->next = *p;
	*p = t;
	return t;
}

void mrd_timer_cancel(struct mrd_timer *t)
{
	struct mrd_timer **p;

	if (t == NULL)
		return;
	if (t->due_now) {
		t->cancelled = true;
		return;
	}
	for (p = &t->loop->timers; *p != NULL; p = &(*p)->next)
		if (*p == t) {
			*p = t->next;
			free(t);
			return;
		}
}

void mrd_loop_set_timeout_source(struct mrd_loop *loop, mrd_timeout_fn fn, void (*tick)(void *data), void *data)
{
	loop->timeout_fn = fn;
	loop->tick = tick;
	loop->timeout_data = data;
}

void mrd_loop_quit(struct mrd_loop *loop)
{
	loop->quit = true;
}

static int next_timeout(struct mrd_loop *loop)
{
	int ms = -1;

	if (loop->timers != NULL) {
		int64_t left = loop->timers->due - mrd_now_mono_ns();
		ms = left <= 0 ? 0 : (int)((left + 999999) / 1000000);
	}
	if (loop->timeout_fn != NULL) {
		int other = loop->timeout_fn(loop->timeout_data);
		if (other >= 0 && (ms < 0 || other < ms))
			ms = other;
	}
	return ms;
}

/* Run the timers that are due, each once; ones added meanwhile wait for
 * the next round. */
static void run_timers(struct mrd_loop *loop)
{
	int64_t now = mrd_now_mono_ns();
	struct mrd_timer *due = NULL, **tail = &due;

	while (loop->timers != NULL && loop->timers->due <= now) {
		struct mrd_timer *t = loop->timers;
		loop->timers = t->next;
		t->next = NULL;
		t->due_now = true;
		*tail = t;
		tail = &t->next;
	}
	while (due != NULL) {
		struct mrd_timer *t = due;
		due = t->next;
		if (!t->cancelled)
			t->fn(t->data);
		free(t);
	}
}

void mrd_loop_flush(struct mrd_loop *loop)
{
	for (int i = 0; i < 64 && loop->timers != NULL && loop->timers->due <= mrd_now_mono_ns(); i++)
		run_timers(loop);
	free_dead(loop);
}

int mrd_loop_run(struct mrd_loop *loop)
{
	struct epoll_event evs[64];

	while (!loop->quit) {
		int n = epoll_wait(loop->epfd, evs, 64, next_timeout(loop));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (int i = 0; i < n && !loop->quit; i++) {
			struct mrd_watch *w = evs[i].data.ptr;
			if (!w->dead)
				w->fn(w, evs[i].events, w->data);
		}
		run_timers(loop);
		if (loop->tick != NULL && !loop->quit)
			loop->tick(loop->timeout_data);
		free_dead(loop);
	}
	return 0;
}
