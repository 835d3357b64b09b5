/* What an API handler sees of an HTTP request, and how it answers.
 *
 * Every request gets exactly one reply: mrd_reply_*() right in the handler,
 * or later (the handler returns without replying: the request is pending,
 * its connection suspended). A pending request whose client goes away calls
 * the abort callback (mrd_req_on_abort); after that, or after the reply,
 * the handler's code must forget the request. */
#ifndef MINIRUND_HTTP_REQUEST_H
#define MINIRUND_HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "conn.h"

struct mrd_req;
struct mrd_stream;

/* The API versions answered: 1.24 .. 1.41 (unversioned paths are 1.41). */
#define MRD_API_MIN_MINOR 24
#define MRD_API_MAX_MINOR 41
#define MRD_API_VERSION "1.41"
#define MRD_API_MIN_VERSION "1.24"

enum mrd_body {
	MRD_BODY_NONE,   /* a body is drained and ignored (clients send "{}" or nothing) */
	MRD_BODY_JSON,   /* in memory, at most MRD_JSON_BODY_MAX bytes */
	MRD_BODY_FILE,   /* spooled to an unlinked temp file (image tars) */
};
#define MRD_JSON_BODY_MAX (1u << 20)

typedef void (*mrd_handler_fn)(struct mrd_req *req);

struct mrd_route {
	const char *method;
	/* "/containers/{id}/json": {x} is one path segment, {x*} one or more
	 * (image names hold slashes) */
	const char *pattern;
	enum mrd_body body;
	mrd_handler_fn fn;
};

/* A NULL-pattern-terminated array of routes, from one api/ file. */
struct mrd_route_table {
	const struct mrd_route *routes;
};

/* ---- the request */
void *mrd_req_app(const struct mrd_req *req);
const char *mrd_req_method(const struct mrd_req *req);
const char *mrd_req_path(const struct mrd_req *req); /* without the /v1.NN prefix */
int mrd_req_api_minor(const struct mrd_req *req);     /* 41 for 1.41 */
const char *mrd_req_param(const struct mrd_req *req, const char *name);
const char *mrd_req_header(const struct mrd_req *req, const char *name);
bool mrd_req_trusted(const struct mrd_req *req); /* came over the unix socket */

/* Query parameters. A missing key is NULL / false / the default. */
const char *mrd_query(const struct mrd_req *req, const char *key);
/* Every value of a repeated parameter (names=a&names=b), malloc'ed array
 * of pointers into the request (n 0: none). */
const char **mrd_query_all(const struct mrd_req *req, const char *key, size_t *n);
/* Docker's rule: "", "0", "no", "false", "none" are false, any other value true. */
bool mrd_query_bool(const struct mrd_req *req, const char *key);
/* An integer parameter; on a bad value replies 400 naming it and returns -1. */
int mrd_query_int(struct mrd_req *req, const char *key, int64_t def, int64_t *out);

/* The body: JSON routes get it in memory (NUL-terminated, len 0 when empty),
 * file routes an fd at offset 0 (-1 when there was none) and its size. */
const char *mrd_req_body(const struct mrd_req *req, size_t *len);
int mrd_req_body_fd(const struct mrd_req *req, uint64_t *size);

/* ---- replies */
/* Body copied. Adds Content-Type. */
void mrd_reply(struct mrd_req *req, int status, const char *content_type, const char *body, size_t len);
void mrd_reply_json(struct mrd_req *req, int status, const char *json, size_t len);
/* {"message": "..."} */
void mrd_reply_error(struct mrd_req *req, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void mrd_reply_empty(struct mrd_req *req, int status); /* 204, 304, or a 200 without body */
/* The content of a file (its fd is taken, and closed when sent). */
void mrd_reply_fd(struct mrd_req *req, int status, const char *content_type, int fd, uint64_t size);
/* An extra response header for the reply still to come. */
void mrd_req_add_header(struct mrd_req *req, const char *name, const char *value);

typedef void (*mrd_abort_fn)(struct mrd_req *req, void *data);
/* The client left while the request was pending (or a stream was open). */
void mrd_req_on_abort(struct mrd_req *req, mrd_abort_fn fn, void *data);

/* A chunked response fed as data comes (logs --follow, events, stats).
 * At most max_queue bytes wait for a slow client; past that the stream
 * is cut (write returns -1) and the abort callback runs. The stream is the
 * request's: once ended or aborted, forget both. */
struct mrd_stream *mrd_reply_stream(struct mrd_req *req, int status, const char *content_type, size_t max_queue);
int mrd_stream_write(struct mrd_stream *s, const void *buf, size_t len);
size_t mrd_stream_queued(const struct mrd_stream *s);
void mrd_stream_end(struct mrd_stream *s);
struct mrd_req *mrd_stream_req(struct mrd_stream *s);

/* A chunked response pulled from a producer as the client takes it (big
 * or growing bodies: logs). fn fills buf: >0 bytes, 0 nothing yet (call
 * mrd_stream_wake when there is), -1 the end. free_fn(ctx) runs once the
 * request is over, however it ended. */
typedef ssize_t (*mrd_pull_fn)(void *ctx, char *buf, size_t max);
struct mrd_stream *mrd_reply_pull(struct mrd_req *req, int status, const char *content_type, mrd_pull_fn fn,
				  void *ctx, void (*free_fn)(void *ctx));
void mrd_stream_wake(struct mrd_stream *s);

/* Switch protocols (101) and take the raw connection: Docker's hijacked
 * attach/exec streams ("tcp"), WebSocket. fn gets the connection (its ops
 * still to be set with mrd_conn_set_ud) and the bytes the client sent
 * after the request. If the client is gone first, the abort callback runs
 * instead. headers: name, value, ..., NULL. */
typedef void (*mrd_upgrade_fn)(struct mrd_conn *c, const char *extra, size_t extra_len, void *data);
void mrd_reply_upgrade(struct mrd_req *req, const char *protocol, const char *const *headers, mrd_upgrade_fn fn,
		       void *data);
/* Docker's hijack (attach, exec start): a request with an Upgrade header
 * gets the 101 of mrd_reply_upgrade ("tcp"); one without, as from dockerd,
 * a 200 whose body is the raw connection from then on, both ways, until
 * either side closes it. Called from the route's handler. */
void mrd_reply_hijack(struct mrd_req *req, const char *const *headers, mrd_upgrade_fn fn, void *data);

#endif
