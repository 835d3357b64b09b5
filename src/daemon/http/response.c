/* Replies: whole bodies, JSON errors, chunked streams; and the suspension
 * of requests that wait for theirs. */
#include "http/internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>


void mrd_req_each_header(const struct mrd_req *req, void (*fn)(void *ctx, const char *name, const char *value),
			 void *ctx)
{
	fn(ctx, "Api-Version", MRD_API_VERSION);
	fn(ctx, "Docker-Experimental", "false");
	fn(ctx, "Ostype", "linux");
	fn(ctx, "Server", "minirund/" PACKAGE_VERSION " (linux)");
	for (size_t i = 0; i + 1 < req->nheaders; i += 2)
		fn(ctx, req->headers[i], req->headers[i + 1]);
}

static void add_to_response(void *ctx, const char *name, const char *value)
{
	MHD_add_response_header(ctx, name, value);
}

static void add_common_headers(struct mrd_req *req, struct MHD_Response *resp)
{
	mrd_req_each_header(req, add_to_response, resp);
}

void mrd_req_add_header(struct mrd_req *req, const char *name, const char *value)
{
	char **p = realloc(req->headers, (req->nheaders + 2) * sizeof(char *));
	if (p == NULL)
		return;
	req->headers = p;
	req->headers[req->nheaders++] = strdup(name);
	req->headers[req->nheaders++] = strdup(value);
}

void mrd_req_set_response(struct mrd_req *req, struct MHD_Response *resp, int status)
{
	if (req->replied) { /* a second reply is a bug; keep the first */
		MHD_destroy_response(resp);
		return;
	}
	add_common_headers(req, resp);
	req->replied = true;
	req->resp = resp;
	req->resp_status = status;
	if (req->suspended)
		mrd_req_resume(req);
}

void mrd_reply(struct mrd_req *req, int status, const char *content_type, const char *body, size_t len)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return;
	if (content_type != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	mrd_req_set_response(req, resp, status);
}

void mrd_reply_json(struct mrd_req *req, int status, const char *json, size_t len)
{
	mrd_reply(req, status, "application/json", json, len);
}

/* JSON string escaping for the error message. */
static void put_escaped(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
}

void mrd_reply_error(struct mrd_req *req, int status, const char *fmt, ...)
{
	char *msg = NULL, *body = NULL;
	size_t len = 0;
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	f = open_memstream(&body, &len);
	if (f == NULL) {
		free(msg);
		return;
	}
	fputs("{\"message\":\"", f);
	put_escaped(f, msg ? msg : "out of memory");
	fputs("\"}\n", f);
	fclose(f);
	mrd_reply_json(req, status, body, len);
	free(body);
	free(msg);
}

void mrd_reply_empty(struct mrd_req *req, int status)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (resp != NULL)
		mrd_req_set_response(req, resp, status);
}

void mrd_reply_fd(struct mrd_req *req, int status, const char *content_type, int fd, uint64_t size)
{
	struct MHD_Response *resp = MHD_create_response_from_fd64(size, fd);
	if (resp == NULL) {
		close(fd);
		mrd_reply_error(req, 500, "cannot send the file");
		return;
	}
	if (content_type != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	mrd_req_set_response(req, resp, status);
}

void mrd_req_on_abort(struct mrd_req *req, mrd_abort_fn fn, void *data)
{
	req->abort_fn = fn;
	req->abort_data = data;
}

void mrd_req_abort(struct mrd_req *req)
{
	mrd_abort_fn fn = req->abort_fn;

	if (req->aborted)
		return;
	req->aborted = true;
	req->abort_fn = NULL;
	if (req->stream != NULL)
		req->stream->broken = true;
	if (fn != NULL)
		fn(req, req->abort_data);
}

/* While suspended the library does not look at the socket, so we watch it
 * for the client hanging up (EPOLLRDHUP: it shut down or closed). */
static void on_gone(struct mrd_watch *w, uint32_t events, void *data)
{
	struct mrd_req *req = data;

	mrd_watch_del(req->gone_watch);
	req->gone_watch = NULL;
	mrd_req_abort(req);
	if (!req->replied)
		mrd_reply_error(req, 499, "client closed the connection");
	else if (req->suspended)
		mrd_req_resume(req);
}

void mrd_req_suspend(struct mrd_req *req)
{
	const union MHD_ConnectionInfo *ci;

	if (req->suspended)
		return;
	MHD_suspend_connection(req->conn);
	req->suspended = true;
	ci = MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci != NULL && req->gone_watch == NULL && !req->aborted)
		req->gone_watch = mrd_watch_add(req->http->loop, ci->connect_fd, EPOLLRDHUP, on_gone, req);
}

void mrd_req_resume(struct mrd_req *req)
{
	if (!req->suspended)
		return;
	mrd_watch_del(req->gone_watch);
	req->gone_watch = NULL;
	req->suspended = false;
	MHD_resume_connection(req->conn);
}

/* ---- streams */

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct mrd_stream *s = cls;

	if (s->pull != NULL && !s->broken) {
		ssize_t n = s->pull(s->pull_ctx, buf, max);
		if (n > 0)
			return n;
		if (n < 0)
			return MHD_CONTENT_READER_END_OF_STREAM;
		s->waiting = true;
		mrd_req_suspend(s->req);
		return 0;
	}
	if (s->len > 0) {
		size_t n = s->len < max ? s->len : max;
		memcpy(buf, s->buf + s->off, n);
		s->off += n;
		s->len -= n;
		if (s->len == 0)
			s->off = 0;
		return (ssize_t)n;
	}
	if (s->broken)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	if (s->ended)
		return MHD_CONTENT_READER_END_OF_STREAM;
	s->waiting = true;
	mrd_req_suspend(s->req);
	return 0;
}

void mrd_stream_free(struct mrd_stream *s)
{
	if (s->pull_free != NULL)
		s->pull_free(s->pull_ctx);
	free(s->buf);
	free(s);
}

struct mrd_stream *mrd_reply_stream(struct mrd_req *req, int status, const char *content_type, size_t max_queue)
{
	struct mrd_stream *s = calloc(1, sizeof(*s));
	struct MHD_Response *resp;

	if (s == NULL)
		return NULL;
	s->req = req;
	s->max = max_queue;
	/* the stream lives as long as the request; the response only reads it */
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, stream_read, s, NULL);
	if (resp == NULL) {
		free(s);
		return NULL;
	}
	if (content_type != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	req->stream = s;
	mrd_req_set_response(req, resp, status);
	return s;
}

struct mrd_stream *mrd_reply_pull(struct mrd_req *req, int status, const char *content_type, mrd_pull_fn fn,
				  void *ctx, void (*free_fn)(void *ctx))
{
	struct mrd_stream *s = mrd_reply_stream(req, status, content_type, 0);

	if (s == NULL) {
		free_fn(ctx);
		return NULL;
	}
	s->pull = fn;
	s->pull_ctx = ctx;
	s->pull_free = free_fn;
	return s;
}

void mrd_stream_wake(struct mrd_stream *s)
{
	if (s->waiting) {
		s->waiting = false;
		mrd_req_resume(s->req);
	}
}

int mrd_stream_write(struct mrd_stream *s, const void *buf, size_t len)
{
	if (s->broken || s->ended)
		return -1;
	if (s->len + len > s->max) {
		/* the client does not keep up: cut it off rather than grow */
		mrd_req_abort(s->req);
		if (s->req->suspended)
			mrd_req_resume(s->req);
		return -1;
	}
	if (s->off + s->len + len > s->cap) {
		if (s->off > 0) {
			memmove(s->buf, s->buf + s->off, s->len);
			s->off = 0;
		}
		if (s->len + len > s->cap) {
			size_t cap = s->cap ? s->cap : 4096;
			while (cap < s->len + len)
				cap *= 2;
			char *p = realloc(s->buf, cap);
			if (p == NULL)
				return -1;
			s->buf = p;
			s->cap = cap;
		}
	}
	memcpy(s->buf + s->off + s->len, buf, len);
	s->len += len;
	if (s->waiting) {
		s->waiting = false;
		mrd_req_resume(s->req);
	}
	return 0;
}

size_t mrd_stream_queued(const struct mrd_stream *s)
{
	return s->len;
}

void mrd_stream_end(struct mrd_stream *s)
{
	s->ended = true;
	s->req->abort_fn = NULL;
	if (s->waiting) {
		s->waiting = false;
		mrd_req_resume(s->req);
	}
}

struct mrd_req *mrd_stream_req(struct mrd_stream *s)
{
	return s->req;
}
