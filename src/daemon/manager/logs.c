#include "manager/logs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "times.h"
#include "util/jsonw.h"
#include "loop.h"
#include "manager/internal.h"
#include "util/cleanup.h"

#define LINE_MAX_BYTES (1u << 20)

struct mrd_log_reader {
	struct mrd_ctr *c;
	struct mrd_logs_opts o;
	bool tty;
	void (*wake)(void *data);
	void *wake_data;
	char *path;   /* the log file */
	int fd;
	int gen;      /* 0: FILE.1, 1: FILE */
	ino_t ino;
	char *line;   /* bytes of an unfinished line */
	size_t line_len;
	char *out;    /* framed bytes not handed out yet */
	size_t out_off, out_len, out_cap;
	bool ended, waiting;
	struct mrd_logs *w;
	struct mrd_log_reader *next; /* the followers */
};

/* the followers of every container: few, so one list */
struct mrd_logs {
	int ifd;
	struct mrd_watch *watch;
	struct mrd_log_reader *readers;
	struct follow_dir {
		int wd;
		char id[65];
		int users;
	} dirs[256];
	size_t ndirs;
};


/* ---- CRI lines */

int mrd_cri_parse(const char *line, size_t len, struct mrd_cri_line *out)
{
	const char *sp1 = memchr(line, ' ', len), *sp2, *sp3;

	if (sp1 == NULL)
		return -1;
	sp2 = memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - line));
	if (sp2 == NULL)
		return -1;
	sp3 = memchr(sp2 + 1, ' ', len - (size_t)(sp2 + 1 - line));
	if (sp3 == NULL || sp3 - sp2 != 2 || (sp2[1] != 'F' && sp2[1] != 'P'))
		return -1;
	if ((size_t)(sp2 - sp1 - 1) == 6 && memcmp(sp1 + 1, "stdout", 6) == 0)
		out->stream = 1;
	else if ((size_t)(sp2 - sp1 - 1) == 6 && memcmp(sp1 + 1, "stderr", 6) == 0)
		out->stream = 2;
	else
		return -1;
	char stamp[64];
	size_t slen = (size_t)(sp1 - line);
	if (slen == 0 || slen >= sizeof(stamp))
		return -1;
	memcpy(stamp, line, slen);
	stamp[slen] = '\0';
	out->time_ns = mrd_parse_time(stamp);
	out->stamp = line;
	out->stamp_len = slen;
	out->partial = sp2[1] == 'P';
	out->text = sp3 + 1;
	out->len = len - (size_t)(sp3 + 1 - line);
	return 0;
}

/* ---- output */

static int out_put(struct mrd_log_reader *r, const void *buf, size_t n)
{
	if (n == 0)
		return 0; /* an empty record: out may still be NULL, memcpy must not see it */
	if (r->out_off + r->out_len + n > r->out_cap) {
		if (r->out_off > 0) {
			memmove(r->out, r->out + r->out_off, r->out_len);
			r->out_off = 0;
		}
		if (r->out_len + n > r->out_cap) {
			size_t cap = r->out_cap ? r->out_cap : 65536;
			while (cap < r->out_len + n)
				cap *= 2;
			char *p = realloc(r->out, cap);
			if (p == NULL)
				return -1;
			r->out = p;
			r->out_cap = cap;
		}
	}
	memcpy(r->out + r->out_off + r->out_len, buf, n);
	r->out_len += n;
	return 0;
}

/* Docker's timestamps: RFC 3339 with 9 digits of nanoseconds. */
static void stamp_of(int64_t ns, char *buf, size_t size)
{
	char t[MR_TIME_LEN + 1];
	mr_time_format(ns, t);
	snprintf(buf, size, "%s ", t);
}

static void emit(struct mrd_log_reader *r, const struct mrd_cri_line *l)
{
	char ts[80] = "";
	size_t tlen = 0, n;
	unsigned char h[8] = {0};

	if ((l->stream == 1 && !r->o.out) || (l->stream == 2 && !r->o.err))
		return;
	if (r->o.since_ns > 0 && l->time_ns < r->o.since_ns)
		return;
	if (r->o.timestamps) {
		stamp_of(l->time_ns, ts, sizeof(ts));
		tlen = strlen(ts);
	}
	n = tlen + l->len + (l->partial ? 0 : 1);
	if (!r->tty) {
		h[0] = (unsigned char)l->stream;
		h[4] = (unsigned char)(n >> 24);
		h[5] = (unsigned char)(n >> 16);
		h[6] = (unsigned char)(n >> 8);
		h[7] = (unsigned char)n;
		out_put(r, h, 8);
	}
	out_put(r, ts, tlen);
	out_put(r, l->text, l->len);
	if (!l->partial)
		out_put(r, "\n", 1);
}

/* A whole line of the file (without its newline). */
static void take_line(struct mrd_log_reader *r, const char *line, size_t len)
{
	struct mrd_cri_line l;

	if (mrd_cri_parse(line, len, &l) < 0)
		return;
	if (r->o.until_ns > 0 && l.time_ns > r->o.until_ns) {
		r->ended = true;
		return;
	}
	emit(r, &l);
}

/* ---- the files */

static int open_gen(struct mrd_log_reader *r, int gen)
{
	cleanup_free char *p = NULL;
	struct stat st;

	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->gen = gen;
	if (asprintf(&p, "%s%s", r->path, gen == 0 ? ".1" : "") < 0)
		return -1;
	r->fd = open(p, O_RDONLY | O_CLOEXEC);
	if (r->fd >= 0 && fstat(r->fd, &st) == 0)
		r->ino = st.st_ino;
	return r->fd;
}

/* Where the last `want` records of fd start; *found: how many of them
 * the file has (fewer: the offset is 0). */
static off_t tail_offset(int fd, int64_t want, int64_t *found)
{
	char buf[65536];
	off_t end = lseek(fd, 0, SEEK_END), pos = end;
	int64_t count = 0;

	*found = 0;
	if (want <= 0 || end <= 0)
		return end > 0 ? end : 0;
	while (pos > 0) {
		size_t k = pos > (off_t)sizeof(buf) ? sizeof(buf) : (size_t)pos;
		pos -= (off_t)k;
		if (pread(fd, buf, k, pos) != (ssize_t)k)
			return 0;
		for (size_t i = k; i-- > 0;) {
			if (buf[i] != '\n' || pos + (off_t)i == end - 1)
				continue; /* the newline of the last record ends it, starts none */
			if (++count == want) {
				*found = want;
				return pos + (off_t)i + 1;
			}
		}
	}
	*found = count + 1; /* the first record has no newline before it */
	return 0;
}

/* Position the reader for --tail: in FILE, or back in FILE.1. */
static void seek_tail(struct mrd_log_reader *r)
{
	int64_t found = 0, found1;

	if (open_gen(r, 1) >= 0) {
		off_t off = tail_offset(r->fd, r->o.tail, &found);
		if (found >= r->o.tail) {
			lseek(r->fd, off, SEEK_SET);
			return;
		}
		lseek(r->fd, 0, SEEK_SET);
	}
	if (open_gen(r, 0) >= 0) {
		lseek(r->fd, tail_offset(r->fd, r->o.tail - found, &found1), SEEK_SET);
		return;
	}
	open_gen(r, 1);
}

/* Read what the current file has; false at its end. */
static bool read_more(struct mrd_log_reader *r)
{
	char buf[65536];
	ssize_t n;

	if (r->fd < 0)
		return false;
	n = read(r->fd, buf, sizeof(buf));
	if (n <= 0)
		return false;
	for (ssize_t i = 0, start = 0; i < n; i++) {
		if (buf[i] != '\n' && i + 1 < n)
			continue;
		size_t seg = (size_t)(i - start + (buf[i] == '\n' ? 0 : 1));
		if (r->line_len + seg > LINE_MAX_BYTES)
			r->line_len = 0; /* a "line" this long is no log line: dropped */
		char *p = realloc(r->line, r->line_len + seg + 1);
		if (p == NULL)
			return false;
		r->line = p;
		memcpy(r->line + r->line_len, buf + start, seg);
		r->line_len += seg;
		if (buf[i] == '\n') {
			take_line(r, r->line, r->line_len);
			r->line_len = 0;
		}
		start = i + 1;
	}
	return true;
}

/* At the end of the current file: the next one, if there is a next. */
static bool next_file(struct mrd_log_reader *r)
{
	struct stat st;

	if (r->gen == 0)
		return open_gen(r, 1) >= 0 || true;
	/* rotated under us: the old file is drained, go on in the new one */
	if (stat(r->path, &st) == 0 && st.st_ino != r->ino) {
		open_gen(r, 1);
		return true;
	}
	if (r->fd < 0 && stat(r->path, &st) == 0) {
		open_gen(r, 1);
		return true;
	}
	return false;
}

/* ---- following */

static void on_inotify(struct mrd_watch *watch, uint32_t events, void *data)
{
	struct mrd_logs *W = data;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(W->ifd, buf, sizeof(buf))) > 0)
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			for (size_t i = 0; i < W->ndirs; i++)
				if (W->dirs[i].wd == ev->wd)
					for (struct mrd_log_reader *r = W->readers; r; r = r->next)
						if (r->c != NULL && strcmp(r->c->id, W->dirs[i].id) == 0 && r->waiting) {
							r->waiting = false;
							r->wake(r->wake_data);
						}
			p += sizeof(*ev) + ev->len;
		}
}

int mrd_logs_init(struct mrd_daemon *d)
{
	struct mrd_logs *W = calloc(1, sizeof(*W));
	if (W == NULL)
		return -1;
	d->logs = W;
	W->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (W->ifd < 0)
		return -1;
	W->watch = mrd_watch_add(d->loop, W->ifd, EPOLLIN, on_inotify, W);
	return W->watch ? 0 : -1;
}

void mrd_logs_fini(struct mrd_daemon *d)
{
	struct mrd_logs *W = d->logs;
	if (W == NULL)
		return;
	mrd_watch_del(W->watch);
	if (W->ifd >= 0)
		close(W->ifd);
	free(W);
	d->logs = NULL;
}

static int watch_dir(struct mrd_log_reader *r)
{
	struct mrd_logs *W = r->w;
	cleanup_free char *dir = mrd_ctr_data_path(r->c, NULL);
	int wd;

	for (size_t i = 0; i < W->ndirs; i++)
		if (strcmp(W->dirs[i].id, r->c->id) == 0) {
			W->dirs[i].users++;
			return 0;
		}
	if (W->ndirs == sizeof(W->dirs) / sizeof(W->dirs[0]))
		return -1;
	wd = inotify_add_watch(W->ifd, dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE);
	if (wd < 0)
		return -1;
	W->dirs[W->ndirs].wd = wd;
	snprintf(W->dirs[W->ndirs].id, sizeof(W->dirs[0].id), "%s", r->c->id);
	W->dirs[W->ndirs++].users = 1;
	return 0;
}

static void unwatch_dir(struct mrd_logs *W, const char *id)
{
	for (size_t i = 0; i < W->ndirs; i++)
		if (strcmp(W->dirs[i].id, id) == 0 && --W->dirs[i].users == 0) {
			inotify_rm_watch(W->ifd, W->dirs[i].wd);
			W->dirs[i] = W->dirs[--W->ndirs];
			return;
		}
}

struct mrd_log_reader *mrd_log_reader_new(struct mrd_ctr *c, const struct mrd_logs_opts *o,
					  void (*wake)(void *data), void *data, struct mr_error **err)
{
	struct mrd_log_reader *r = calloc(1, sizeof(*r));
	struct mrd_logs *W = c->d->logs;

	if (r == NULL || W == NULL) {
		free(r);
		mr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	*r = (struct mrd_log_reader){.c = c, .o = *o, .tty = c->cfg->tty, .wake = wake, .wake_data = data, .fd = -1,
				     .w = W};
	r->path = mrd_ctr_data_path(c, "ctr.log");
	if (o->tail >= 0) {
		seek_tail(r);
	} else if (open_gen(r, 0) < 0) {
		open_gen(r, 1);
	}
	if (o->follow && watch_dir(r) < 0) {
		mrd_log_reader_free(r);
		mr_error_set(err, ENOSPC, "too many logs followed at once");
		return NULL;
	}
	r->next = W->readers;
	W->readers = r;
	return r;
}

ssize_t mrd_log_reader_read(struct mrd_log_reader *r, char *buf, size_t max)
{
	for (;;) {
		if (r->out_len > 0) {
			size_t n = r->out_len < max ? r->out_len : max;
			memcpy(buf, r->out + r->out_off, n);
			r->out_off += n;
			r->out_len -= n;
			if (r->out_len == 0)
				r->out_off = 0;
			return (ssize_t)n;
		}
		if (r->ended)
			return -1;
		if (read_more(r))
			continue;
		if (next_file(r))
			continue;
		/* at the end of what was written */
		if (!r->o.follow || r->c == NULL || !mrd_ctr_running(r->c) ||
		    (r->o.until_ns > 0 && mrd_now_real_ns() > r->o.until_ns))
			return -1;
		r->waiting = true;
		return 0;
	}
}

void mrd_log_reader_free(struct mrd_log_reader *r)
{
	struct mrd_logs *W;

	if (r == NULL)
		return;
	W = r->w;
	for (struct mrd_log_reader **p = &W->readers; *p; p = &(*p)->next)
		if (*p == r) {
			*p = r->next;
			break;
		}
	if (r->o.follow && r->c != NULL)
		unwatch_dir(W, r->c->id);
	if (r->fd >= 0)
		close(r->fd);
	free(r->path);
	free(r->line);
	free(r->out);
	free(r);
}

void mrd_logs_notify(struct mrd_ctr *c, bool gone)
{
	struct mrd_logs *W = c->d->logs;

	for (struct mrd_log_reader *r = W ? W->readers : NULL; r; r = r->next) {
		if (r->c != c)
			continue;
		if (gone) {
			if (r->o.follow)
				unwatch_dir(W, c->id);
			r->c = NULL;
		}
		if (r->waiting) {
			r->waiting = false;
			r->wake(r->wake_data);
		}
	}
}
