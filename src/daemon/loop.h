/* minirund's one event loop: epoll over every fd the daemon watches (the
 * listening sockets, the HTTP library's own epoll fd, the shims' sockets,
 * hijacked connections, a signalfd), plus one-shot timers.
 *
 * Callbacks run one at a time on the loop's thread. A watch or timer removed
 * while events for it are still queued in this round is only marked dead and
 * freed after the round, so a callback may remove any watch, its own too. */
#ifndef MINIRUND_LOOP_H
#define MINIRUND_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct mrd_loop;
struct mrd_watch;
struct mrd_timer;

typedef void (*mrd_io_fn)(struct mrd_watch *w, uint32_t events, void *data);
typedef void (*mrd_timer_fn)(void *data);
/* Called before each wait: the longest the loop may sleep in ms (-1 none). */
typedef int (*mrd_timeout_fn)(void *data);

struct mrd_loop *mrd_loop_new(void);
void mrd_loop_free(struct mrd_loop *loop);

/* Watch fd for events (EPOLLIN, EPOLLOUT, ...). The fd stays the caller's. */
struct mrd_watch *mrd_watch_add(struct mrd_loop *loop, int fd, uint32_t events, mrd_io_fn fn, void *data);
int mrd_watch_events(struct mrd_watch *w, uint32_t events);
int mrd_watch_fd(const struct mrd_watch *w);
/* Stop watching (NULL is a no-op). The fd is not closed. */
void mrd_watch_del(struct mrd_watch *w);

/* Call fn(data) once after ms milliseconds (0: in the next round). */
struct mrd_timer *mrd_timer_add(struct mrd_loop *loop, uint64_t ms, mrd_timer_fn fn, void *data);
void mrd_timer_cancel(struct mrd_timer *t); /* NULL is a no-op */

/* A second source of wake-up deadlines (the HTTP library's timeouts),
 * and a function run at the end of every round (where the library does
 * its work: it keeps connections with data still buffered on a list of
 * its own, which no fd event announces). */
void mrd_loop_set_timeout_source(struct mrd_loop *loop, mrd_timeout_fn fn, void (*tick)(void *data), void *data);

/* Run rounds until mrd_loop_quit(). Returns 0, or -1 if epoll failed. */
int mrd_loop_run(struct mrd_loop *loop);
void mrd_loop_quit(struct mrd_loop *loop);
/* At shutdown: run the timers that are due now (the deferred ends of
 * connections), until none is, so that nothing is left half-closed. */
void mrd_loop_flush(struct mrd_loop *loop);

/* Monotonic and wall clocks in nanoseconds. */
int64_t mrd_now_mono_ns(void);
int64_t mrd_now_real_ns(void);

#endif
