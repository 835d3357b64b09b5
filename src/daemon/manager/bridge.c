#include "manager/bridge.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shim/client.h"
#include "util/cleanup.h"

#define PENDING_MAX (256u << 10)

struct mrd_bridge {
	struct mrd_conn *client;
	struct mrd_shim_call *shim;
	struct mrd_bridge_opts o;
	bool released, ended, shim_done, stdin_eof;
	unsigned char keys[16];
	size_t nkeys, matched;
	char *pending;
	size_t pending_len;
	int refs; /* the owner, the client connection, the shim call */
};

static void unref(struct mrd_bridge *b)
{
	if (--b->refs == 0) {
		free(b->pending);
		free(b);
	}
}

/* Docker's detach keys: "ctrl-p,ctrl-q", single characters, ctrl-@ .. ctrl-_. */
static int parse_keys(const char *s, unsigned char *out, size_t *n)
{
	cleanup_free char *copy = strdup(s && *s ? s : "ctrl-p,ctrl-q");

	*n = 0;
	for (char *save = NULL, *k = copy ? strtok_r(copy, ",", &save) : NULL; k; k = strtok_r(NULL, ",", &save)) {
		if (*n == 16)
			return -1;
		if (strncmp(k, "ctrl-", 5) == 0 && strlen(k) == 6) {
			int c = toupper((unsigned char)k[5]);
			if (c < '@' || c > '_')
				return -1;
			out[(*n)++] = (unsigned char)(c - '@');
		} else if (strlen(k) == 1) {
			out[(*n)++] = (unsigned char)k[0];
		} else {
			return -1;
		}
	}
	return *n > 0 ? 0 : -1;
}

static void close_client(struct mrd_bridge *b)
{
	if (b->client != NULL) {
		struct mrd_conn *c = b->client;
		b->client = NULL;
		mrd_conn_close(c); /* after what is queued */
	}
}

static void hang_up_shim(struct mrd_bridge *b)
{
	if (b->shim != NULL) {
		struct mrd_shim_call *s = b->shim;
		b->shim = NULL;
		mrd_shim_hangup(s);
	}
}

void mrd_bridge_end(struct mrd_bridge *b)
{
	if (b->ended)
		return;
	b->ended = true;
	hang_up_shim(b);
	if (!b->o.delay_close || b->shim_done)
		close_client(b);
}

void mrd_bridge_finish(struct mrd_bridge *b)
{
	close_client(b);
}

static void shim_over(struct mrd_bridge *b)
{
	if (b->shim_done)
		return;
	b->shim_done = true;
	hang_up_shim(b);
	if (!b->released && b->o.on_shim_end != NULL)
		b->o.on_shim_end(b, b->o.data);
	b->ended = true;
	if (!b->o.delay_close)
		close_client(b);
}

static void frame(struct mrd_bridge *b, int stream, const char *buf, size_t len)
{
	unsigned char h[8] = {(unsigned char)stream, 0, 0, 0, (unsigned char)(len >> 24), (unsigned char)(len >> 16),
			      (unsigned char)(len >> 8), (unsigned char)len};

	if (b->client == NULL || len == 0 || (stream == 1 && !b->o.out) || (stream == 2 && !b->o.err))
		return;
	if (!b->o.tty && mrd_conn_write(b->client, h, 8) < 0)
		return;
	mrd_conn_write(b->client, buf, len);
}

void mrd_bridge_write_raw(struct mrd_bridge *b, const char *buf, size_t len)
{
	if (b->client != NULL)
		mrd_conn_write(b->client, buf, len);
}

static void shim_line(struct mrd_shim_call *call, const struct mr_json *msg, void *data)
{
	struct mrd_bridge *b = data;
	char *bytes = NULL;
	size_t len;
	int stream;
	int r = mrd_shim_msg_output(msg, &stream, &bytes, &len);

	if (r > 0) {
		frame(b, stream, bytes, len);
		free(bytes);
		return;
	}
	if (r < 0 || msg == NULL)
		return;
	if (b->o.on_msg != NULL && !b->released && !b->o.on_msg(b, msg, b->o.data)) {
		shim_over(b);
		return;
	}
	const struct mr_json *ok = mr_json_get(msg, "ok");
	if ((ok != NULL && ok->kind == MR_JSON_BOOL && !ok->boolean) || mrd_shim_msg_end(msg))
		shim_over(b);
}

static void shim_end(struct mrd_shim_call *call, int err, void *data)
{
	struct mrd_bridge *b = data;
	if (b->shim == call) {
		b->shim = NULL;
		shim_over(b);
	}
	unref(b);
}

static void send_stdin(struct mrd_bridge *b, const char *buf, size_t len)
{
	cleanup_free char *line = NULL;

	if (!b->o.in || len == 0 || b->ended)
		return;
	if (b->shim == NULL) {
		if (b->pending_len + len > PENDING_MAX)
			return; /* bounded, as a pipe is */
		char *p = realloc(b->pending, b->pending_len + len);
		if (p == NULL)
			return;
		b->pending = p;
		memcpy(b->pending + b->pending_len, buf, len);
		b->pending_len += len;
		return;
	}
	line = mrd_shim_stdin_line(buf, len);
	if (line != NULL)
		mrd_shim_send(b->shim, line, strlen(line));
}

static void send_stdin_eof(struct mrd_bridge *b)
{
	if (b->shim != NULL && b->o.in && b->o.close_stdin_at_eof) {
		const char *eof = mrd_shim_stdin_eof_line();
		mrd_shim_send(b->shim, eof, strlen(eof));
	}
}

int mrd_bridge_connect(struct mrd_bridge *b, struct mrd_loop *loop, const char *socket, const char *request)
{
	struct mr_error *err = NULL;

	b->refs++;
	b->shim = mrd_shim_call(loop, socket, request, shim_line, shim_end, b, &err);
	if (b->shim == NULL) {
		/* no call, and no end callback unless the request could not go out */
		bool end_follows = err != NULL && err->errnum == EPIPE;
		mr_error_free(err);
		if (!end_follows) {
			b->refs--;
			shim_over(b);
		}
		return -1;
	}
	if (b->pending_len > 0) {
		char *p = b->pending;
		size_t n = b->pending_len;
		b->pending = NULL;
		b->pending_len = 0;
		send_stdin(b, p, n);
		free(p);
	}
	if (b->stdin_eof)
		send_stdin_eof(b);
	return 0;
}

bool mrd_bridge_joined(const struct mrd_bridge *b)
{
	return b->shim != NULL || b->shim_done;
}

/* Bytes that may begin the detach sequence are held back until they turn
 * out not to be it. */
static void client_data(struct mrd_conn *c, const char *buf, size_t len, void *ud)
{
	struct mrd_bridge *b = ud;
	cleanup_free char *out = NULL;
	size_t n = 0;

	if (!b->o.in || b->ended || (out = malloc(len + sizeof(b->keys))) == NULL)
		return;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)buf[i];
		if (ch == b->keys[b->matched]) {
			if (++b->matched == b->nkeys) {
				send_stdin(b, out, n);
				mrd_bridge_end(b); /* detached: the process goes on */
				return;
			}
			continue;
		}
		if (b->matched > 0) {
			memcpy(out + n, b->keys, b->matched);
			n += b->matched;
			b->matched = 0;
			if (ch == b->keys[0]) {
				b->matched = 1;
				continue;
			}
		}
		out[n++] = (char)ch;
	}
	send_stdin(b, out, n);
}

static void client_eof(struct mrd_conn *c, void *ud)
{
	struct mrd_bridge *b = ud;
	b->stdin_eof = true;
	send_stdin_eof(b);
}

static void client_closed(struct mrd_conn *c, int err, void *ud)
{
	struct mrd_bridge *b = ud;
	b->client = NULL;
	mrd_bridge_end(b);
	unref(b);
}

static const struct mrd_conn_ops client_ops = {
	.data = client_data,
	.eof = client_eof,
	.closed = client_closed,
};

struct mrd_bridge *mrd_bridge_new(struct mrd_conn *client, const struct mrd_bridge_opts *o, const char *extra,
				  size_t extra_len)
{
	struct mrd_bridge *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return NULL;
	b->o = *o;
	b->o.detach_keys = NULL;
	if (parse_keys(o->detach_keys, b->keys, &b->nkeys) < 0)
		parse_keys(NULL, b->keys, &b->nkeys);
	b->refs = 1;
	if (client != NULL) {
		b->client = client;
		b->refs++;
		mrd_conn_set_ud(client, &client_ops, b);
		if (extra_len > 0)
			client_data(client, extra, extra_len, b);
	}
	return b;
}

void mrd_bridge_release(struct mrd_bridge *b)
{
	if (b == NULL)
		return;
	b->released = true;
	unref(b);
}
