/* The bridge between a hijacked client connection and a shim stream
 * (attach, exec): the process' output to the client, framed with Docker's
 * 8-byte header (stream, 0, 0, 0, big-endian length) without a tty and raw
 * with one; the client's bytes to the process' stdin, held while the shim
 * is not joined yet (bounded), until the detach keys (ctrl-p ctrl-q by
 * default). Ends when either side does: the other is closed after what is
 * queued for it. */
#ifndef MINIRUND_MANAGER_BRIDGE_H
#define MINIRUND_MANAGER_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>

#include "conn.h"
#include "loop.h"
#include "util/json.h"

struct mrd_bridge;

struct mrd_bridge_opts {
	bool tty, in, out, err;
	bool close_stdin_at_eof; /* the client's EOF closes the process' stdin */
	const char *detach_keys; /* NULL: ctrl-p,ctrl-q */
	/* messages of the shim that are not output (exec's first answer);
	 * return false to end the bridge */
	bool (*on_msg)(struct mrd_bridge *b, const struct mr_json *msg, void *data);
	/* once, when the shim's stream ended (before the client is closed:
	 * delay_close holds it open until mrd_bridge_finish) */
	void (*on_shim_end)(struct mrd_bridge *b, void *data);
	bool delay_close;
	void *data;
};

/* client may be NULL (a detached exec). extra: bytes the client sent with
 * its request. */
struct mrd_bridge *mrd_bridge_new(struct mrd_conn *client, const struct mrd_bridge_opts *o, const char *extra,
				  size_t extra_len);
/* Join the shim: connect and send request. -1 when the shim cannot be reached. */
int mrd_bridge_connect(struct mrd_bridge *b, struct mrd_loop *loop, const char *socket, const char *request);
bool mrd_bridge_joined(const struct mrd_bridge *b);
/* Write bytes to the client as they are (replayed logs). */
void mrd_bridge_write_raw(struct mrd_bridge *b, const char *buf, size_t len);
/* End it now (the container went, a detach); with delay_close, close the
 * client after on_shim_end. */
void mrd_bridge_end(struct mrd_bridge *b);
void mrd_bridge_finish(struct mrd_bridge *b);
/* The owner forgets it: no more callbacks; memory goes when both sides are closed. */
void mrd_bridge_release(struct mrd_bridge *b);

#endif
