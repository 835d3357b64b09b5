/* The shim's one event loop: epoll over file descriptors, a signalfd
 * (SIGCHLD, SIGTERM, SIGINT), timerfd timers and deferred calls, on one
 * thread. Children are reaped here (the shim is a child subreaper): an
 * exit goes to whoever watches that pid, and an exit nobody watches yet is
 * kept a while, because a pid is often learnt (from a pid file) only after
 * the process has already died.
 *
 * Watches, timers, child watches and deferred calls are structs that the
 * caller embeds in its own objects; the loop allocates nothing per event.
 * A watch removed while its events are pending gets no more callbacks, so
 * an object may free itself from any callback. */
#ifndef MINIRUN_SHIM_LOOP_H
#define MINIRUN_SHIM_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/types.h>

#include "util/error.h"

struct shim_loop;

struct shim_watch;
typedef void (*shim_watch_fn)(struct shim_watch *w, uint32_t events);
struct shim_watch {
	int fd;
	uint32_t events;
	shim_watch_fn fn;
	void *data;
	bool added;
};

/* Blocks SIGCHLD, SIGTERM and SIGINT and reads them from a signalfd. */
struct shim_loop *shim_loop_new(struct mr_error **err);
void shim_loop_free(struct shim_loop *loop);

int shim_loop_add(struct shim_loop *loop, struct shim_watch *w, int fd, uint32_t events, shim_watch_fn fn,
		  void *data, struct mr_error **err);
/* New interest set (EPOLLIN, EPOLLOUT; 0 keeps the fd but mutes it). */
void shim_loop_mod(struct shim_loop *loop, struct shim_watch *w, uint32_t events);
/* Forget the watch (the caller still owns and closes the fd). */
void shim_loop_del(struct shim_loop *loop, struct shim_watch *w);

/* Run until shim_loop_quit(). Returns 0, or -1 when epoll itself fails. */
int shim_loop_run(struct shim_loop *loop, struct mr_error **err);
void shim_loop_quit(struct shim_loop *loop);

/* SIGTERM and SIGINT go to fn (one handler; NULL: they are ignored). */
typedef void (*shim_signal_fn)(struct shim_loop *loop, int sig, void *data);
void shim_loop_on_signal(struct shim_loop *loop, shim_signal_fn fn, void *data);

/* Deferred calls: run after the current batch of events. */
struct shim_defer;
typedef void (*shim_defer_fn)(struct shim_defer *d);
struct shim_defer {
	shim_defer_fn fn;
	void *data;
	struct shim_defer *next;
	bool queued;
};
void shim_loop_defer(struct shim_loop *loop, struct shim_defer *d, shim_defer_fn fn, void *data);
void shim_loop_cancel(struct shim_loop *loop, struct shim_defer *d);

/* Children. exited() gets the wait status; the watch is gone by then. If
 * the pid was reaped before the watch was set, exited() comes as a
 * deferred call. */
struct shim_child;
typedef void (*shim_child_fn)(struct shim_child *c, int status);
struct shim_child {
	pid_t pid;
	shim_child_fn exited;
	void *data;
	struct shim_child *next;
	struct shim_defer late; /* for an exit reaped before the watch */
	int late_status;
};
void shim_loop_watch_child(struct shim_loop *loop, struct shim_child *c, pid_t pid, shim_child_fn fn, void *data);
void shim_loop_unwatch_child(struct shim_loop *loop, struct shim_child *c);

/* Timers (a timerfd each): first after first_ms, then every interval_ms
 * (0: once). */
struct shim_timer;
typedef void (*shim_timer_fn)(struct shim_timer *t);
struct shim_timer {
	struct shim_watch w;
	shim_timer_fn fn;
	void *data;
};
int shim_timer_start(struct shim_loop *loop, struct shim_timer *t, unsigned first_ms, unsigned interval_ms,
		     shim_timer_fn fn, void *data, struct mr_error **err);
void shim_timer_stop(struct shim_loop *loop, struct shim_timer *t);

/* Exit code as shells and runc report it: the status, or 128+signal. */
int shim_exit_code(int wait_status);

#endif
