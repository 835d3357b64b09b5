/* The logs request: the CRI log read back (all, the last N lines, since a
 * time) and, with follow, its new records as they are written, until the
 * container's output is over. A follower that falls behind is not given
 * more memory: it reads on from the file where it left off. */
#include "shim/server-internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/jsonw.h"

#define STEP (64u << 10) /* bytes read from the file per step */

struct shim_logs {
	struct shim_crilog *log;
	struct shim_cri_reader rd;
	bool reading;  /* from the file (else live, from the writer) */
	bool follow;
	bool out, err;
	int64_t since;
	struct shim_cri_listener live;
	unsigned next_gen; /* where a live follower that fell behind goes on */
	off_t next_off;
};

static void send_record(struct shim_client *cl, const struct shim_cri_record *r)
{
	struct shim_logs *lg = cl->logs;
	yajl_gen g;

	if ((r->stream[4] == 'o' && !lg->out) || (r->stream[4] == 'e' && !lg->err))
		return;
	if (lg->since && r->time_ns < lg->since)
		return;
	g = mr_jw_new();
	mr_jw_obj(g, NULL);
	mr_jw_strn(g, "time", r->time, r->time_len);
	mr_jw_str(g, "stream", r->stream);
	mr_jw_bool(g, "partial", r->partial);
	mr_jw_bytes(g, r->data, r->len);
	mr_jw_obj_end(g);
	shim_client_send_gen(cl, g);
}

static void from_file(struct shim_cri_listener *l, const struct shim_cri_record *r)
{
	send_record(l->data, r);
}

static void go_live(struct shim_client *cl);

static void from_writer(struct shim_cri_listener *l, const struct shim_cri_record *r)
{
	struct shim_client *cl = l->data;
	struct shim_logs *lg = cl->logs;
	struct mr_error *err = NULL;

	if (shim_client_queued(cl) <= SHIM_CLIENT_OUT_SOFT) {
		send_record(cl, r);
		return;
	}
	/* behind: this record and what follows are read from the file later */
	shim_crilog_unlisten(&lg->live);
	if (shim_cri_reader_seek(&lg->rd, lg->log, r->gen, r->off, &err) < 0) {
		mr_error_free(err);
		shim_client_end(cl, NULL);
		return;
	}
	lg->reading = true;
}

static void go_live(struct shim_client *cl)
{
	struct shim_logs *lg = cl->logs;

	shim_cri_reader_close(&lg->rd);
	lg->reading = false;
	shim_crilog_listen(lg->log, &lg->live, from_writer, cl);
}

void shim_logs_pump(struct shim_client *cl)
{
	struct shim_logs *lg = cl->logs;
	struct shim_container *c = cl->srv->c;

	if (lg == NULL || !lg->reading)
		return;
	while (cl->fd >= 0 && shim_client_queued(cl) <= SHIM_CLIENT_OUT_SOFT) {
		int r = shim_cri_reader_step(&lg->rd, STEP, from_file, &lg->live);
		if (r > 0)
			continue;
		if (r < 0 || !lg->follow || shim_container_over(c)) {
			shim_client_end(cl, NULL);
			return;
		}
		go_live(cl); /* caught up with the writer */
		return;
	}
}

static void logs_exited(struct shim_notify *n)
{
	struct shim_client *cl = n->data;

	/* the last records reached live followers before the exit did */
	if (cl->logs && !cl->logs->reading)
		shim_client_end(cl, NULL);
}

void shim_logs_start(struct shim_client *cl, struct shim_request *req)
{
	struct shim_container *c = cl->srv->c;
	struct shim_crilog *log = shim_container_log(c);
	struct mr_error *err = NULL;
	struct shim_logs *lg;

	if (log == NULL) {
		shim_client_error(cl, "logs: the shim keeps no log (it was started without --log)");
		return;
	}
	lg = calloc(1, sizeof(*lg));
	if (lg == NULL) {
		shim_client_error(cl, "out of memory");
		return;
	}
	lg->log = log;
	lg->follow = req->follow;
	lg->out = req->want_stdout;
	lg->err = req->want_stderr;
	lg->since = req->since;
	lg->live.data = cl;
	if (shim_cri_reader_open(&lg->rd, log, req->tail, &err) < 0) {
		shim_client_error(cl, err->msg);
		mr_error_free(err);
		free(lg);
		return;
	}
	lg->reading = true;
	cl->logs = lg;
	cl->state = CL_LOGS;
	shim_client_ok(cl);
	if (lg->follow)
		shim_proc_on_exit(shim_container_init(c), &cl->exit_n, logs_exited, cl);
	shim_logs_pump(cl);
}

void shim_logs_stop(struct shim_client *cl)
{
	struct shim_logs *lg = cl->logs;

	if (lg == NULL)
		return;
	shim_crilog_unlisten(&lg->live);
	shim_cri_reader_close(&lg->rd);
	free(lg);
	cl->logs = NULL;
}
