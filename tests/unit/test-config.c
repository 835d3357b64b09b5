/* The config corpus: every tests/configs/valid/NAME.json must load, every
 * tests/configs/invalid/NAME.json must fail with a one-line message that
 * contains each line of NAME.err. Plus mr_config_load() on a real bundle.
 *
 * The corpus directory is $TOP_SRCDIR/tests/configs (make check sets
 * TOP_SRCDIR), or tests/configs relative to the current directory. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spec/config.h"
#include "tap.h"

static char *corpus_dir(void)
{
	const char *top = getenv("TOP_SRCDIR");
	char *dir = NULL;

	if (top == NULL || *top == '\0')
		return strdup("tests/configs");
	if (asprintf(&dir, "%s/tests/configs", top) < 0)
		return NULL;
	return dir;
}

/* The whole file, NUL-terminated; NULL with errno set on failure. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (f == NULL)
		return NULL;
	for (;;) {
		size_t r;
		if (cap - n < 4096) {
			char *nb = realloc(buf, cap + 65536);
			if (nb == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap += 65536;
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	if (fputs(text, f) < 0) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

/* "<dir>/<name><suffix>", malloc'ed; exits on out of memory. */
static char *path_join(const char *dir, const char *name, int name_len, const char *suffix)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%.*s%s", dir, name_len, name, suffix) < 0)
		bail_out("out of memory");
	return p;
}

static int json_only(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 5 && strcmp(d->d_name + n - 5, ".json") == 0;
}

/* The sorted *.json names of a corpus directory; -1 if it cannot be read. */
static int list_json(const char *dir, struct dirent ***names)
{
	return scandir(dir, names, json_only, alphasort);
}

static void free_names(struct dirent **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* A bundle directory holding an empty rootfs/. */
static char *make_bundle(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = NULL, *rootfs = NULL;

	if (asprintf(&dir, "%s/minirun-test-config.XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0)
		return NULL;
	if (mkdtemp(dir) == NULL || asprintf(&rootfs, "%s/rootfs", dir) < 0 || mkdir(rootfs, 0755) < 0) {
		free(rootfs);
		free(dir);
		return NULL;
	}
	free(rootfs);
	return dir;
}

static void unlink_config(const char *bundle)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/config.json", bundle);
	if (unlink(path) < 0 && errno != ENOENT)
		bail_out("cannot remove config.json from the test bundle");
}

static void remove_bundle(const char *dir)
{
	char path[PATH_MAX];

	unlink_config(dir);
	snprintf(path, sizeof(path), "%s/rootfs", dir);
	if (rmdir(path) < 0)
		diag("cannot remove %s: %s", path, strerror(errno));
	if (rmdir(dir) < 0)
		diag("cannot remove %s: %s", dir, strerror(errno));
}

/* emit(parse(emit(cfg))) == emit(cfg) */
static void round_trip(const char *name, const struct oci_config *cfg)
{
	struct mr_error *err = NULL;
	char *first = mr_config_to_json(cfg, true, &err), *second = NULL;
	struct oci_config *again = first ? mr_config_parse(first, strlen(first), NULL, &err) : NULL;

	if (again)
		second = mr_config_to_json(again, true, &err);
	if (!ok(second && strcmp(first, second) == 0, "valid/%s round-trips through its emitted JSON", name))
		diag("error: %s", err ? err->msg : "the two emissions differ");
	mr_config_free(again);
	mr_error_free(err);
	free(first);
	free(second);
}

static void test_valid(const char *corpus, const char *bundle)
{
	char *dir = path_join(corpus, "valid", 5, "");
	struct dirent **names;
	int n;

	n = list_json(dir, &names);
	if (!ok(n >= 12, "valid corpus %s has at least 12 configs (%d)", dir, n))
		diag("scandir %s: %s", dir, n < 0 ? strerror(errno) : "too few files");
	for (int i = 0; i < n; i++) {
		char *path = path_join(dir, names[i]->d_name, (int)strlen(names[i]->d_name), "");
		struct mr_error *err = NULL;
		struct oci_config *cfg;
		char *buf;
		size_t len = 0;

		buf = read_file(path, &len);
		if (buf == NULL) {
			ok(false, "valid/%s: read", names[i]->d_name);
			diag("%s: %s", path, strerror(errno));
			free(path);
			continue;
		}
		free(path);
		cfg = mr_config_parse(buf, len, bundle, &err);
		if (!ok(cfg != NULL && err == NULL, "valid/%s loads", names[i]->d_name))
			diag("error: %s", err ? err->msg : "(none)");
		else
			round_trip(names[i]->d_name, cfg);
		mr_config_free(cfg);
		mr_error_free(err);
		free(buf);
	}
	if (n >= 0)
		free_names(names, n);
	free(dir);
}

/* Every non-empty line of `expect` appears in `msg`. */
static void check_expected(const char *name, const char *msg, char *expect)
{
	char *save = NULL, label[512];
	int lines = 0;

	for (char *line = strtok_r(expect, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		lines++;
		snprintf(label, sizeof(label), "%s: says %s", name, line);
		like(msg, line, label);
	}
	ok(lines >= 1 && lines <= 3, "%s: its .err has 1 to 3 lines (%d)", name, lines);
}

static void test_invalid(const char *corpus, const char *bundle)
{
	char *dir = path_join(corpus, "invalid", 7, "");
	struct dirent **names;
	int n;

	n = list_json(dir, &names);
	if (!ok(n >= 45, "invalid corpus %s has at least 45 configs (%d)", dir, n))
		diag("scandir %s: %s", dir, n < 0 ? strerror(errno) : "too few files");
	for (int i = 0; i < n; i++) {
		const char *file = names[i]->d_name;
		char *path = path_join(dir, file, (int)strlen(file), "");
		char *err_path = path_join(dir, file, (int)strlen(file) - 5, ".err");
		char *name = path_join("invalid", file, (int)strlen(file), "");
		struct mr_error *err = NULL;
		struct oci_config *cfg;
		char *buf, *expect = NULL;
		size_t len = 0, elen = 0;

		buf = read_file(path, &len);
		if (buf != NULL)
			expect = read_file(err_path, &elen);
		if (buf == NULL || expect == NULL) {
			ok(false, "%s: read the config and its .err", name);
			diag("%s: %s", buf ? err_path : path, strerror(errno));
			free(buf);
			free(path);
			free(err_path);
			free(name);
			continue;
		}
		free(path);
		free(err_path);
		cfg = mr_config_parse(buf, len, bundle, &err);
		if (!ok(cfg == NULL && err != NULL && err->msg != NULL, "%s is rejected", name)) {
			mr_config_free(cfg);
			mr_error_free(err);
			free(buf);
			free(expect);
			free(name);
			continue;
		}
		if (!ok(strchr(err->msg, '\n') == NULL && *err->msg != '\0', "%s: the message is one line", name))
			diag("message: %s", err->msg);
		check_expected(name, err->msg, expect);
		mr_error_free(err);
		free(buf);
		free(expect);
		free(name);
	}
	if (n >= 0)
		free_names(names, n);
	free(dir);
}

/* Load <bundle>/config.json after writing `text` there (NULL: leave the
 * file as it is); the error message or NULL. */
static char *load(const char *bundle, const char *text, bool *loaded)
{
	char path[PATH_MAX];
	struct mr_error *err = NULL;
	struct oci_config *cfg;
	char *msg = NULL;

	snprintf(path, sizeof(path), "%s/config.json", bundle);
	if (text && write_file(path, text) < 0)
		bail_out("cannot write config.json in the test bundle");
	cfg = mr_config_load(bundle, &err);
	*loaded = cfg != NULL;
	if (err)
		msg = strdup(err->msg);
	mr_config_free(cfg);
	mr_error_free(err);
	return msg;
}

#define GOOD_CONFIG                                                                                                    \
	"{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, \"process\": {\"args\": [\"sh\"], \"cwd\": "    \
	"\"/\"}}"

static void test_load(const char *bundle)
{
	bool loaded;
	char *msg;
	char cwd[PATH_MAX];

	msg = load(bundle, GOOD_CONFIG, &loaded);
	if (!ok(loaded && msg == NULL, "load: a good config.json loads; rootfs is found in the bundle"))
		diag("error: %s", msg);
	free(msg);

	/* bundle NULL means the current directory */
	if (getcwd(cwd, sizeof(cwd)) == NULL || chdir(bundle) < 0)
		bail_out("cannot change to the test bundle");
	{
		struct mr_error *err = NULL;
		struct oci_config *cfg = mr_config_load(NULL, &err);
		if (!ok(cfg != NULL, "load: bundle NULL reads ./config.json"))
			diag("error: %s", err ? err->msg : "(none)");
		mr_config_free(cfg);
		mr_error_free(err);
	}
	if (chdir(cwd) < 0)
		bail_out("cannot change back to the test directory");

	msg = load(bundle, "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, \"hostname\": 5}", &loaded);
	ok(!loaded, "load: a type error fails");
	is_str(msg, "config.json: hostname: expected string, got number 5",
	       "load: type errors start with config.json:");
	free(msg);

	msg = load(bundle, "{\n\t\"ociVersion\": \"1.2.0\",\n}\n", &loaded);
	ok(!loaded, "load: a syntax error fails");
	if (!ok(msg && strncmp(msg, "config.json: line 3, column ", 28) == 0,
		"load: syntax errors start with config.json: line 3, column"))
		diag("got: %s", msg ? msg : "NULL");
	free(msg);

	msg = load(bundle, "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"nosuchdir\"}}", &loaded);
	ok(!loaded, "load: a missing rootfs fails");
	like(msg, "config.json: root.path: \"nosuchdir\" does not exist",
	     "load: the rootfs is looked up in the bundle");
	free(msg);

	msg = load(bundle, "", &loaded);
	ok(!loaded, "load: an empty config.json fails");
	if (!ok(msg && strncmp(msg, "config.json: ", 13) == 0,
		"load: the error of an empty file starts with config.json:"))
		diag("got: %s", msg ? msg : "NULL");
	free(msg);

	{
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/config.json", bundle);
		if (write_file(path, "{\"ociVersion\": \"1.2.0\", \"annotations\": {\"a\": \"") < 0 ||
		    truncate(path, (off_t)70 << 20) < 0)
			bail_out("cannot write a 70 MiB config.json");
		msg = load(bundle, NULL, &loaded);
		ok(!loaded, "load: a 70 MiB config.json is rejected");
		if (!ok(msg && strncmp(msg, "config.json: ", 13) == 0 && strstr(msg, "larger than"),
			"load: ... with config.json: <file larger than ...>"))
			diag("got: %s", msg ? msg : "NULL");
		free(msg);
	}

	unlink_config(bundle);
	msg = load(bundle, NULL, &loaded);
	ok(!loaded, "load: a bundle without config.json fails");
	like(msg, "config.json", "load: the error of a missing config.json names it");
	like(msg, strerror(ENOENT), "load: ... and says why");
	free(msg);

	{
		struct mr_error *err = NULL;
		struct oci_config *cfg = mr_config_load("/nonexistent/minirun-bundle", &err);
		ok(cfg == NULL, "load: a missing bundle directory fails");
		like(err ? err->msg : NULL, "config.json", "load: ... naming config.json");
		mr_config_free(cfg);
		mr_error_free(err);
	}
}

int main(void)
{
	char *corpus = corpus_dir();
	char *bundle = make_bundle();

	if (corpus == NULL || bundle == NULL)
		bail_out("cannot set up the corpus path or the temporary bundle");
	diag("corpus: %s, bundle: %s", corpus, bundle);
	test_valid(corpus, bundle);
	test_invalid(corpus, bundle);
	test_load(bundle);
	remove_bundle(bundle);
	free(bundle);
	free(corpus);
	return done_testing();
}
