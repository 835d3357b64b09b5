#include "shim/crilog.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "util/text.h"

#define BATCH 256 /* records per writev (3 iovecs for a P record) */

struct pending_rec {
	const char *data;
	size_t len;
	bool partial;
	off_t off;
};

struct shim_crilog {
	char *path;
	char *path1; /* FILE.1 */
	int fd;
	uint64_t max;
	uint64_t size; /* of the current file */
	unsigned gen;
	uint64_t errors;
	struct shim_cri_listener *listeners;
	/* the batch being built */
	struct iovec iov[3 * BATCH];
	int niov;
	struct pending_rec recs[BATCH];
	int nrec;
	size_t batch_bytes;
	const char *stream;
	char ts[MR_TIME_LEN + 1];
	int64_t ts_ns;
	char prefix_f[MR_TIME_LEN + 12], prefix_p[MR_TIME_LEN + 12];
	size_t prefix_len;
};

static int open_log(struct shim_crilog *log, struct mr_error **err)
{
	struct stat st;

	log->fd = open(log->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (log->fd < 0)
		return mr_error_sys(err, errno, "open log %s", log->path);
	log->size = fstat(log->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	return 0;
}

struct shim_crilog *shim_crilog_open(const char *path, uint64_t max_size, struct mr_error **err)
{
	struct shim_crilog *log = calloc(1, sizeof(*log));

	if (log == NULL || (log->path = strdup(path)) == NULL || asprintf(&log->path1, "%s.1", path) < 0) {
		if (log)
			free(log->path);
		free(log);
		mr_error_sys(err, ENOMEM, "log");
		return NULL;
	}
	log->max = max_size;
	log->gen = 1;
	if (open_log(log, err) < 0) {
		shim_crilog_close(log);
		return NULL;
	}
	return log;
}

void shim_crilog_close(struct shim_crilog *log)
{
	if (log == NULL)
		return;
	while (log->listeners)
		shim_crilog_unlisten(log->listeners);
	if (log->fd >= 0)
		close(log->fd);
	free(log->path);
	free(log->path1);
	free(log);
}

static void write_iov(struct shim_crilog *log)
{
	struct iovec *iov = log->iov;
	int n = log->niov;

	while (n > 0) {
		ssize_t w = writev(log->fd, iov, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			log->errors++;
			return;
		}
		log->size += (uint64_t)w;
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
}

/* Write the batch, then tell the listeners (the records are in the file). */
static void flush(struct shim_crilog *log)
{
	struct shim_cri_record r = {
		.time = log->ts, .time_len = MR_TIME_LEN, .time_ns = log->ts_ns, .stream = log->stream,
		.gen = log->gen,
	};

	if (log->niov == 0)
		return;
	write_iov(log);
	for (int i = 0; i < log->nrec; i++) {
		r.partial = log->recs[i].partial;
		r.data = log->recs[i].data;
		r.len = log->recs[i].len;
		r.off = log->recs[i].off;
		for (struct shim_cri_listener *l = log->listeners, *next; l; l = next) {
			next = l->next; /* a listener may leave */
			l->fn(l, &r);
		}
	}
	log->niov = log->nrec = 0;
	log->batch_bytes = 0;
}

static void rotate(struct shim_crilog *log)
{
	struct mr_error *err = NULL;

	if (rename(log->path, log->path1) < 0) {
		log->errors++;
		return;
	}
	close(log->fd);
	log->gen++;
	if (open_log(log, &err) < 0) {
		log->errors++;
		mr_error_free(err);
	}
}

static void add_record(struct shim_crilog *log, const char *data, size_t len, bool partial)
{
	static char newline[] = "\n";
	size_t bytes = log->prefix_len + len + 1;
	struct pending_rec *rec;

	if (log->nrec == BATCH)
		flush(log);
	if (log->max && log->size + log->batch_bytes + bytes > log->max && log->size + log->batch_bytes > 0) {
		flush(log);
		rotate(log);
	}
	if (log->fd < 0) {
		log->errors++;
		return;
	}
	rec = &log->recs[log->nrec++];
	rec->data = data;
	rec->len = len;
	rec->partial = partial;
	rec->off = (off_t)(log->size + log->batch_bytes);
	log->iov[log->niov].iov_base = partial ? log->prefix_p : log->prefix_f;
	log->iov[log->niov++].iov_len = log->prefix_len;
	/* a whole line brings its own '\n' */
	log->iov[log->niov].iov_base = (char *)data;
	log->iov[log->niov++].iov_len = partial ? len : len + 1;
	if (partial) {
		log->iov[log->niov].iov_base = newline;
		log->iov[log->niov++].iov_len = 1;
	}
	log->batch_bytes += bytes;
}

void shim_crilog_write(struct shim_crilog *log, const char *stream, const char *data, size_t len)
{
	const char *p = data, *end = data + len;

	if (len == 0)
		return;
	log->ts_ns = mr_time_now();
	mr_time_format(log->ts_ns, log->ts);
	log->stream = stream;
	log->prefix_len = (size_t)snprintf(log->prefix_f, sizeof(log->prefix_f), "%s %s F ", log->ts, stream);
	memcpy(log->prefix_p, log->prefix_f, log->prefix_len);
	log->prefix_p[log->prefix_len - 2] = 'P';
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL) {
			add_record(log, p, (size_t)(end - p), true);
			break;
		}
		add_record(log, p, (size_t)(nl - p), false);
		p = nl + 1;
	}
	flush(log);
}

void shim_crilog_listen(struct shim_crilog *log, struct shim_cri_listener *l, shim_cri_fn fn, void *data)
{
	l->fn = fn;
	l->data = data;
	l->next = log->listeners;
	if (l->next)
		l->next->pprev = &l->next;
	l->pprev = &log->listeners;
	log->listeners = l;
}

void shim_crilog_unlisten(struct shim_cri_listener *l)
{
	if (l->pprev == NULL)
		return;
	*l->pprev = l->next;
	if (l->next)
		l->next->pprev = l->pprev;
	l->next = NULL;
	l->pprev = NULL;
}

const char *shim_crilog_path(const struct shim_crilog *log)
{
	return log->path;
}

unsigned shim_crilog_gen(const struct shim_crilog *log)
{
	return log->gen;
}

uint64_t shim_crilog_write_errors(const struct shim_crilog *log)
{
	return log->errors;
}

/* The file of generation gen: FILE (current), FILE.1 (the one before), or
 * none. */
const char *shim_crilog_gen_path(const struct shim_crilog *log, unsigned gen)
{
	if (gen == log->gen)
		return log->path;
	if (gen + 1 == log->gen)
		return log->path1;
	return NULL;
}
