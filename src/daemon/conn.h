/* A non-blocking stream connection on the loop: a hijacked HTTP connection
 * (attach, exec, WebSocket) or a socket to a shim. Reads go to a callback
 * as they come; writes are queued up to a bound and sent as the peer takes
 * them, so a slow peer never blocks the loop. A peer that lets more than
 * the bound pile up is cut off (its write returns -1 and it is closed).
 *
 * Every connection ends with exactly one `closed` callback (peer gone, an
 * error, or mrd_conn_close() after its output went out); the owner forgets
 * the pointer there. Callbacks may call any mrd_conn_* on the connection,
 * mrd_conn_close() included. */
#ifndef MINIRUND_CONN_H
#define MINIRUND_CONN_H

#include <stdbool.h>
#include <stddef.h>

#include "loop.h"

struct mrd_conn;

struct mrd_conn_ops {
	void (*data)(struct mrd_conn *c, const char *buf, size_t len, void *ud);
	/* The peer shut down its writing side; we may still write. NULL:
	 * treat it as the end of the connection. */
	void (*eof)(struct mrd_conn *c, void *ud);
	/* The queue went empty after being over half the bound (optional). */
	void (*drained)(struct mrd_conn *c, void *ud);
	/* The connection is gone; err is 0 or an errno. The last callback. */
	void (*closed)(struct mrd_conn *c, int err, void *ud);
};

/* The release of the fd at the end (default close(2)): hijacked HTTP
 * connections hand it back to the HTTP library instead. */
typedef void (*mrd_conn_release_fn)(int fd, void *data);

/* Takes over fd (made non-blocking here). max_out bounds the write queue. */
struct mrd_conn *mrd_conn_new(struct mrd_loop *loop, int fd, const struct mrd_conn_ops *ops, void *ud,
			      size_t max_out);
void mrd_conn_set_release(struct mrd_conn *c, mrd_conn_release_fn fn, void *data);
void mrd_conn_set_ud(struct mrd_conn *c, const struct mrd_conn_ops *ops, void *ud);

/* Queue bytes. -1 when the queue would pass its bound: then the
 * connection is closed (closed callback with ENOBUFS, after this returns). */
int mrd_conn_write(struct mrd_conn *c, const void *buf, size_t len);
size_t mrd_conn_queued(const struct mrd_conn *c);
/* Shut down our writing side once the queue is out. */
void mrd_conn_shutdown_write(struct mrd_conn *c);
/* Close once the queue is out (the closed callback follows). */
void mrd_conn_close(struct mrd_conn *c);
/* Close now, dropping what is queued (the closed callback follows). */
void mrd_conn_abort(struct mrd_conn *c);
/* Stop or resume reading (back-pressure towards the peer). */
void mrd_conn_pause_read(struct mrd_conn *c, bool paused);

/* Connect to a unix socket, non-blocking. */
int mrd_connect_unix(const char *path);

#endif
