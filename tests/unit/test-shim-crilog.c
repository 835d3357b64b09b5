/* minirun-shim's CRI log (src/shim/crilog.c, crilog-read.c): the records a
 * write makes (F and P), the record parser, reading back (all, a tail,
 * across a rotation), rotation at the size limit with one generation kept,
 * and listeners. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shim/crilog.h"
#include "tap.h"

static char dir[] = "/tmp/test-shim-crilog.XXXXXX";

/* Records as "stream TAG data" lines, collected by a listener or a reader. */
struct seen {
	char text[65536];
	size_t len;
	unsigned n;
	bool offsets_ok;
	off_t last_off;
	unsigned last_gen;
};

static void collect(struct shim_cri_listener *l, const struct shim_cri_record *r)
{
	struct seen *s = l->data;
	int n = snprintf(s->text + s->len, sizeof(s->text) - s->len, "%s %c %.*s|", r->stream, r->partial ? 'P' : 'F',
			 (int)r->len, r->data);

	if (n > 0 && (size_t)n < sizeof(s->text) - s->len)
		s->len += (size_t)n;
	if (s->n > 0 && r->gen == s->last_gen && r->off <= s->last_off)
		s->offsets_ok = false;
	s->last_gen = r->gen;
	s->last_off = r->off;
	s->n++;
}

static void seen_init(struct seen *s)
{
	memset(s, 0, sizeof(*s));
	s->offsets_ok = true;
}

static char *path_of(const char *name)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		bail_out("out of memory");
	return p;
}

/* Every line of the file parsed, as collect() shows them. */
static void parse_file(const char *path, struct seen *s, bool *all_parse)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	struct shim_cri_listener l = { .data = s };

	*all_parse = f != NULL;
	while (f && fgets(line, sizeof(line), f)) {
		struct shim_cri_record r;
		size_t n = strcspn(line, "\n");
		if (shim_cri_parse(line, n, &r) < 0) {
			diag("not a record: %s", line);
			*all_parse = false;
			continue;
		}
		collect(&l, &r);
	}
	if (f)
		fclose(f);
}

/* The reader from tail (-1: all) to the end. */
static int read_back(struct shim_crilog *log, long tail, struct seen *s)
{
	struct shim_cri_reader rd;
	struct shim_cri_listener l = { .data = s };
	struct mr_error *err = NULL;
	int r;

	if (shim_cri_reader_open(&rd, log, tail, &err) < 0) {
		diag("reader: %s", err->msg);
		mr_error_free(err);
		return -1;
	}
	while ((r = shim_cri_reader_step(&rd, 100, collect, &l)) == 1)
		;
	shim_cri_reader_close(&rd);
	return r;
}

static void test_records(void)
{
	char *path = path_of("records.log");
	struct mr_error *err = NULL;
	struct shim_crilog *log = shim_crilog_open(path, 0, &err);
	struct seen file, listened, back;
	struct shim_cri_listener l;
	bool parsed;

	if (!ok(log != NULL, "open a log")) {
		diag("%s", err ? err->msg : "?");
		mr_error_free(err);
		free(path);
		return;
	}
	seen_init(&listened);
	shim_crilog_listen(log, &l, collect, &listened);
	shim_crilog_write(log, "stdout", "a\nbc", 4);
	shim_crilog_write(log, "stdout", "d\n", 2);
	shim_crilog_write(log, "stderr", "e\n\n", 3);
	shim_crilog_write(log, "stdout", "", 0);
	shim_crilog_unlisten(&l);
	shim_crilog_write(log, "stdout", "after\n", 6);

	seen_init(&file);
	parse_file(path, &file, &parsed);
	ok(parsed, "every line of the file is a record");
	is_str(file.text, "stdout F a|stdout P bc|stdout F d|stderr F e|stderr F |stdout F after|",
	       "F for whole lines, P for the unended one, an empty line kept");
	is_str(listened.text, "stdout F a|stdout P bc|stdout F d|stderr F e|stderr F |",
	       "a listener sees each record until it leaves");
	ok(listened.offsets_ok, "  at growing offsets");

	seen_init(&back);
	ok(read_back(log, -1, &back) == 0, "read back everything");
	is_str(back.text, file.text, "  the same records");
	seen_init(&back);
	read_back(log, 2, &back);
	is_str(back.text, "stderr F |stdout F after|", "tail 2: the last two lines");
	seen_init(&back);
	read_back(log, 4, &back);
	is_str(back.text, "stdout P bc|stdout F d|stderr F e|stderr F |stdout F after|",
	       "tail 4: a P record and its F are one line");
	is_int(shim_crilog_write_errors(log), 0, "no write errors");
	shim_crilog_close(log);
	free(path);
}

static void test_parse(void)
{
	struct shim_cri_record r;
	const char *good = "2024-05-01T12:00:00.123456789Z stderr P some text";
	const char *tagged = "2024-05-01T12:00:00Z stdout F:x more";

	ok(shim_cri_parse(good, strlen(good), &r) == 0, "a record parses");
	ok(strcmp(r.stream, "stderr") == 0 && r.partial, "  stderr, partial");
	ok(r.len == 9 && memcmp(r.data, "some text", 9) == 0, "  its text");
	is_int(r.time_ns, 1714564800123456789LL, "  its time in ns");
	is_int((long)r.time_len, 30, "  the time's length");
	ok(shim_cri_parse(tagged, strlen(tagged), &r) == 0 && !r.partial && r.len == 4, "a tag with more (F:x)");
	ok(shim_cri_parse("x stdout F a", 12, &r) < 0, "refused: not a time");
	ok(shim_cri_parse("2024-05-01T12:00:00Z stdin F a", 30, &r) < 0, "refused: not a stream");
	ok(shim_cri_parse("2024-05-01T12:00:00Z stdout X a", 31, &r) < 0, "refused: not F or P");
	ok(shim_cri_parse("2024-05-01T12:00:00Z stdout", 27, &r) < 0, "refused: no tag");
	ok(shim_cri_parse("", 0, &r) < 0, "refused: empty");
}

static off_t size_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_size : -1;
}

static void test_rotation(void)
{
	char *path = path_of("rot.log"), *old = path_of("rot.log.1");
	struct mr_error *err = NULL;
	struct shim_crilog *log = shim_crilog_open(path, 300, &err);
	struct seen back;
	char line[32], want_tail[256] = "";
	bool fits = true;
	unsigned gen0;

	if (!ok(log != NULL, "open a log with a 300-byte limit")) {
		mr_error_free(err);
		free(path);
		free(old);
		return;
	}
	gen0 = shim_crilog_gen(log);
	for (int i = 0; i < 40; i++) {
		snprintf(line, sizeof(line), "line %02d\n", i);
		shim_crilog_write(log, "stdout", line, strlen(line));
		fits = fits && size_of(path) <= 300 && size_of(old) <= 300;
	}
	ok(shim_crilog_gen(log) > gen0, "the log rotated");
	ok(fits, "neither FILE nor FILE.1 passed the limit");
	ok(size_of(old) > 0, "FILE.1 is kept");
	ok(shim_crilog_gen_path(log, shim_crilog_gen(log) - 2) == NULL, "an older generation is gone");
	is_str(shim_crilog_gen_path(log, shim_crilog_gen(log) - 1), old, "the previous generation is FILE.1");

	seen_init(&back);
	ok(read_back(log, -1, &back) == 0, "read back across FILE.1 and FILE");
	for (int i = 40 - (int)back.n; i < 40; i++) {
		char one[32];
		snprintf(one, sizeof(one), "stdout F line %02d|", i);
		strcat(want_tail, one);
	}
	ok(back.n > 0, "  some records (%u)", back.n);
	is_str(back.text, want_tail, "  the newest ones, in order, none lost between the two files");
	seen_init(&back);
	read_back(log, 3, &back);
	is_str(back.text, "stdout F line 37|stdout F line 38|stdout F line 39|", "tail 3 after a rotation");
	shim_crilog_close(log);
	free(path);
	free(old);
}

int main(void)
{
	if (mkdtemp(dir) == NULL)
		bail_out("mkdtemp");
	test_records();
	test_parse();
	test_rotation();
	{
		char cmd[sizeof(dir) + 16];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			diag("could not remove %s", dir);
	}
	return done_testing();
}
