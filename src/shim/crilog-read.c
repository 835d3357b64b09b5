/* Reading the CRI log back: record parsing, where the last N lines
 * start, and a reader that walks FILE.1 and FILE in bounded steps. */
#include "shim/crilog.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/text.h"

#define RECORD_MAX (1u << 20) /* longer "records" (not ours) are skipped */

int shim_cri_parse(const char *line, size_t len, struct shim_cri_record *r)
{
	const char *sp1 = memchr(line, ' ', len), *sp2, *tag, *end = line + len;

	if (sp1 == NULL)
		return -1;
	r->time = line;
	r->time_len = (size_t)(sp1 - line);
	if (mr_time_parse(line, r->time_len, &r->time_ns) < 0)
		return -1;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1));
	if (sp2 == NULL)
		return -1;
	if (sp2 - sp1 - 1 == 6 && memcmp(sp1 + 1, "stdout", 6) == 0)
		r->stream = "stdout";
	else if (sp2 - sp1 - 1 == 6 && memcmp(sp1 + 1, "stderr", 6) == 0)
		r->stream = "stderr";
	else
		return -1;
	tag = sp2 + 1;
	if (tag >= end || (*tag != 'F' && *tag != 'P'))
		return -1;
	r->partial = *tag == 'P';
	/* the tag may carry more (F:x) up to the next space */
	while (tag < end && *tag != ' ')
		tag++;
	r->data = tag < end ? tag + 1 : end;
	r->len = (size_t)(end - r->data);
	return 0;
}

struct tail_walk {
	long want;
	long lines;
	bool seen_any;
	bool done;
	off_t start;
};

/* One record [from, to) met walking backwards: a line begins (from the
 * back) at each F record, and at a trailing P record that no F ends yet. */
static void tail_record(int fd, off_t from, off_t to, struct tail_walk *t)
{
	char head[80];
	ssize_t n = pread(fd, head, sizeof(head), from);
	bool begins;
	const char *sp;

	if (n <= 0)
		return;
	sp = memchr(head, ' ', (size_t)n);
	sp = sp ? memchr(sp + 1, ' ', (size_t)(head + n - sp - 1)) : NULL;
	begins = !t->seen_any || (sp && sp + 1 < head + n && sp[1] == 'F');
	t->seen_any = true;
	if (!begins)
		return;
	if (t->lines == t->want) {
		t->start = to;
		t->done = true;
		return;
	}
	t->lines++;
}

static int tail_file(int fd, struct tail_walk *t)
{
	char block[8192];
	struct stat st;
	off_t pos, rec_end;

	if (fstat(fd, &st) < 0)
		return -1;
	pos = rec_end = st.st_size;
	while (pos > 0 && !t->done) {
		size_t len = pos > (off_t)sizeof(block) ? sizeof(block) : (size_t)pos;
		ssize_t n;
		pos -= (off_t)len;
		n = pread(fd, block, len, pos);
		if (n != (ssize_t)len)
			return -1;
		for (char *q = block + len; !t->done && (q = memrchr(block, '\n', (size_t)(q - block))) != NULL;) {
			off_t at = pos + (q - block) + 1;
			if (at < rec_end)
				tail_record(fd, at, rec_end, t);
			rec_end = at;
		}
	}
	if (!t->done && rec_end > 0)
		tail_record(fd, 0, rec_end, t);
	if (!t->done)
		t->start = 0;
	return 0;
}

static int reader_open_gen(struct shim_cri_reader *rd, unsigned gen, off_t off, struct mr_error **err)
{
	const char *path = shim_crilog_gen_path(rd->log, gen);

	if (rd->fd >= 0)
		close(rd->fd);
	rd->fd = -1;
	shim_buf_free(&rd->pending);
	rd->gen = gen;
	rd->off = off;
	if (path == NULL)
		return mr_error_set(err, ENOENT, "log generation %u is gone", gen);
	rd->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (rd->fd < 0) {
		if (errno == ENOENT && gen != shim_crilog_gen(rd->log))
			return reader_open_gen(rd, gen + 1, 0, err); /* no FILE.1 yet */
		return mr_error_sys(err, errno, "open %s", path);
	}
	return 0;
}

static void reader_init(struct shim_cri_reader *rd, struct shim_crilog *log)
{
	memset(rd, 0, sizeof(*rd));
	rd->log = log;
	rd->fd = -1;
}

int shim_cri_reader_open(struct shim_cri_reader *rd, struct shim_crilog *log, long tail, struct mr_error **err)
{
	unsigned cur = shim_crilog_gen(log);
	struct tail_walk t = { .want = tail };
	int fd;

	reader_init(rd, log);
	if (tail < 0)
		return reader_open_gen(rd, cur - 1, 0, err);
	if (reader_open_gen(rd, cur, 0, err) < 0)
		return -1;
	if (tail_file(rd->fd, &t) < 0)
		return mr_error_sys(err, errno, "read %s", shim_crilog_path(log));
	if (t.done) {
		rd->off = t.start;
		return 0;
	}
	/* Not enough lines in FILE: go on into FILE.1. */
	fd = open(shim_crilog_gen_path(log, cur - 1), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0; /* from the start of FILE */
	if (tail_file(fd, &t) < 0) {
		close(fd);
		return mr_error_sys(err, errno, "read %s", shim_crilog_gen_path(log, cur - 1));
	}
	if (t.done && t.start == lseek(fd, 0, SEEK_END)) {
		close(fd); /* FILE.1 adds nothing */
		return 0;
	}
	close(rd->fd);
	rd->fd = fd;
	rd->gen = cur - 1;
	rd->off = t.start;
	return 0;
}

int shim_cri_reader_seek(struct shim_cri_reader *rd, struct shim_crilog *log, unsigned gen, off_t off,
			 struct mr_error **err)
{
	unsigned cur = shim_crilog_gen(log);

	reader_init(rd, log);
	if (gen + 1 < cur) /* rotated away meanwhile */
		return reader_open_gen(rd, cur - 1, 0, err);
	return reader_open_gen(rd, gen, off, err);
}

static void emit_lines(struct shim_cri_reader *rd, shim_cri_fn fn, struct shim_cri_listener *l)
{
	const char *p = shim_buf_head(&rd->pending), *end = p + shim_buf_used(&rd->pending), *nl;
	struct shim_cri_record r;

	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (shim_cri_parse(p, (size_t)(nl - p), &r) == 0) {
			r.gen = rd->gen;
			r.off = rd->off - (off_t)(end - p);
			fn(l, &r);
		}
		p = nl + 1;
	}
	shim_buf_consume(&rd->pending, (size_t)(p - shim_buf_head(&rd->pending)));
	if (shim_buf_used(&rd->pending) > RECORD_MAX)
		shim_buf_free(&rd->pending);
}

int shim_cri_reader_step(struct shim_cri_reader *rd, size_t budget, shim_cri_fn fn, struct shim_cri_listener *l)
{
	ssize_t n;

	if (rd->fd < 0)
		return 0;
	if (shim_buf_reserve(&rd->pending, budget) < 0)
		return -1;
	n = pread(rd->fd, shim_buf_tail(&rd->pending), budget, rd->off);
	if (n < 0)
		return errno == EINTR ? 1 : -1;
	if (n == 0) {
		struct mr_error *err = NULL;
		unsigned cur = shim_crilog_gen(rd->log), next = rd->gen + 1;
		if (rd->gen == cur)
			return 0;
		/* FILE after FILE.1; what rotated away meanwhile is lost */
		if (next + 1 < cur)
			next = cur - 1;
		if (reader_open_gen(rd, next, 0, &err) < 0) {
			mr_error_free(err);
			return -1;
		}
		return 1;
	}
	shim_buf_commit(&rd->pending, (size_t)n);
	rd->off += n;
	emit_lines(rd, fn, l);
	return 1;
}

void shim_cri_reader_close(struct shim_cri_reader *rd)
{
	if (rd->fd >= 0)
		close(rd->fd);
	rd->fd = -1;
	shim_buf_free(&rd->pending);
}
