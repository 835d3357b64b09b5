/* minirun-shim's control socket: clients on a unix socket, each with a
 * bounded input line and output buffer, requests answered from the
 * container (container.h) on the event loop. A client that stops reading
 * is dropped (attach), held back from (exec), read to from the log file
 * later (logs), or skipped (stats): never the container blocked. */
#ifndef MINIRUN_SHIM_SERVER_H
#define MINIRUN_SHIM_SERVER_H

#include "shim/container.h"
#include "shim/loop.h"
#include "util/error.h"

struct shim_server;

/* Listen on path (mode 0600; any length: a long one is bound through the
 * directory's fd). */
struct shim_server *shim_server_new(struct shim_loop *loop, struct shim_container *c, const char *path,
				    struct mr_error **err);
/* Close every client and the socket (and remove it). */
void shim_server_free(struct shim_server *s);

/* After a delete: no more clients; streams end; once answers are out and
 * the init's exit is known (or a few seconds passed), fn is called. */
typedef void (*shim_quit_fn)(void *data);
void shim_server_on_quit(struct shim_server *s, shim_quit_fn fn, void *data);
void shim_server_quit(struct shim_server *s);

/* connect(2) to a unix socket at any path length; -1 with errno. */
int shim_connect(const char *path);

#endif
