/* minirund's HTTP server: libmicrohttpd in external-epoll mode, run by
 * minirund's own loop, on a unix socket and an optional loopback TCP port.
 *
 * We accept connections ourselves and hand them to the library
 * (MHD_add_connection), so one library instance serves every listener and
 * a request knows whether it came over the unix socket (trusted: the
 * socket's mode guards it) or over TCP (anything but GET/HEAD needs the
 * token, "Authorization: Bearer TOKEN").
 *
 * A request is routed (router.h) before its body is read, so that the body
 * is bounded by what the route takes (JSON in memory, or a tar to a file).
 * A handler replies at once or later (response.h); while a reply is pending
 * the connection is suspended and watched for the client leaving. */
#ifndef MINIRUND_HTTP_SERVER_H
#define MINIRUND_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loop.h"
#include "util/error.h"

struct mrd_http;
struct mrd_route_table;

struct mrd_http_config {
	const char *unix_path; /* socket to listen on (NULL: none) */
	const char *tcp;       /* "127.0.0.1:PORT" (NULL: none) */
	const char *token;     /* required on TCP for anything but GET/HEAD */
	const char *tmp_dir;   /* where tar bodies are spooled */
	void *app;             /* handed to every handler (mrd_req_app) */
	const struct mrd_route_table *const *tables; /* NULL-terminated */
};

struct mrd_http *mrd_http_new(struct mrd_loop *loop, const struct mrd_http_config *cfg, struct mr_error **err);
/* The TCP port really bound (useful with port 0). */
int mrd_http_tcp_port(const struct mrd_http *h);
/* Stop accepting; open connections are closed. The socket file is removed. */
void mrd_http_free(struct mrd_http *h);

#endif
