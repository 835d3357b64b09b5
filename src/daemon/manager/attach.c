/* Attach sessions: a hijacked client connection bridged (bridge.c) to the
 * container's stdio through its shim's attach. Sessions made before the
 * container runs join at its start, before its process is let go. */
#include "manager/attach.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manager/bridge.h"
#include "manager/internal.h"
#include "manager/logs.h"
#include "util/cleanup.h"

struct mrd_attach {
	struct mrd_ctr *c;
	struct mrd_bridge *b;
	bool in, out, err;
	struct mrd_attach *next;
};

static void unlink_session(struct mrd_attach *a)
{
	struct mrd_ctr_rt *rt = a->c ? a->c->rt : NULL;

	for (struct mrd_attach **p = rt ? &rt->attaches : NULL; p && *p; p = &(*p)->next)
		if (*p == a) {
			*p = a->next;
			break;
		}
	mrd_bridge_release(a->b);
	free(a);
}

static void shim_ended(struct mrd_bridge *b, void *data)
{
	unlink_session(data);
}

static void connect_shim(struct mrd_attach *a)
{
	cleanup_free char *sock = mrd_ctr_shim_socket(a->c), *req = NULL;

	if (asprintf(&req, "{\"op\":\"attach\",\"stdin\":%s,\"stdout\":%s,\"stderr\":%s}", a->in ? "true" : "false",
		     a->out ? "true" : "false", a->err ? "true" : "false") < 0)
		return;
	mrd_bridge_connect(a->b, a->c->d->loop, sock, req);
}

static void replay_logs(struct mrd_attach *a)
{
	struct mrd_logs_opts o = {.out = a->out, .err = a->err, .tail = -1};
	struct mrd_log_reader *r = mrd_log_reader_new(a->c, &o, NULL, NULL, NULL);
	char buf[65536];
	ssize_t n;

	while (r != NULL && (n = mrd_log_reader_read(r, buf, sizeof(buf))) > 0)
		mrd_bridge_write_raw(a->b, buf, (size_t)n);
	mrd_log_reader_free(r);
}

int mrd_attach_start(struct mrd_ctr *c, struct mrd_conn *client, const char *extra, size_t extra_len,
		     const struct mrd_attach_opts *o, struct mr_error **err)
{
	struct mrd_ctr_rt *rt = mrd_ctr_rt(c);
	struct mrd_attach *a = calloc(1, sizeof(*a));
	struct mrd_bridge_opts bo = {
		.tty = c->cfg->tty,
		.in = o->in,
		.out = o->out,
		.err = o->err,
		/* docker run -i: the container's stdin closes with the client's */
		.close_stdin_at_eof = c->cfg->stdin_once,
		.detach_keys = o->detach_keys,
		.on_shim_end = shim_ended,
		.data = a,
	};

	if (rt == NULL || a == NULL || (a->b = mrd_bridge_new(client, &bo, extra, extra_len)) == NULL) {
		free(a);
		return mr_error_set(err, ENOMEM, "out of memory");
	}
	a->c = c;
	a->in = o->in;
	a->out = o->out;
	a->err = o->err;
	a->next = rt->attaches;
	rt->attaches = a;
	if (o->logs)
		replay_logs(a);
	if (c->status == MRD_RUNNING || c->status == MRD_PAUSED)
		connect_shim(a);
	else if (!(c->status == MRD_CREATED || c->status == MRD_RESTARTING || rt->starting))
		mrd_attach_detach_all(c); /* stopped: the logs were all there is */
	return 0;
}

void mrd_attach_connect_all(struct mrd_ctr *c)
{
	for (struct mrd_attach *a = c->rt ? c->rt->attaches : NULL; a; a = a->next)
		if (!mrd_bridge_joined(a->b))
			connect_shim(a);
}

void mrd_attach_detach_all(struct mrd_ctr *c)
{
	while (c->rt != NULL && c->rt->attaches != NULL) {
		struct mrd_attach *a = c->rt->attaches;
		c->rt->attaches = a->next;
		mrd_bridge_end(a->b);
		mrd_bridge_release(a->b);
		free(a);
	}
}

void mrd_ctr_resize(struct mrd_ctr *c, int rows, int cols, mrd_done_fn done, void *data)
{
	char req[96];

	snprintf(req, sizeof(req), "{\"op\":\"resize\",\"rows\":%d,\"cols\":%d}", rows, cols);
	mrd_ctr_shim_do(c, req, done, data);
}
