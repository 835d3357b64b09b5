/* A tiny TAP (Test Anything Protocol) producer for the C unit tests, read by
 * automake's tap-driver.sh:
 *
 *	plan(3);                 or nothing, and done_testing() prints the plan
 *	ok(x == 1, "x is one");  -> "ok 1 - x is one" / "not ok 1 - x is one"
 *	is_str(got, "a", "name") -> on failure "#   got: ..." / "#   expected: ..."
 *	diag("value %d", v);     -> "# value 5"
 *	skip("no BFQ here");     -> "ok 4 # skip no BFQ here"
 *	todo("bug #12");         the next test is expected to fail (TAP TODO)
 *	return done_testing();   exit status 1 if any test failed
 *
 * Everything goes to stdout so that diagnostics stay next to their test. */
#ifndef MINIRUN_TESTS_TAP_H
#define MINIRUN_TESTS_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tap_state {
	int planned; /* -1: no plan yet */
	int run;
	int failed;
	const char *todo; /* reason: the next test may fail */
};

static struct tap_state tap_state __attribute__((unused)) = {.planned = -1};

/* Print `text` as "# " lines (a trailing newline is not needed). */
static inline void tap_comment(const char *text)
{
	const char *line = text;

	for (;;) {
		const char *nl = strchr(line, '\n');
		int n = nl ? (int)(nl - line) : (int)strlen(line);
		printf("# %.*s\n", n, line);
		if (nl == NULL || nl[1] == '\0')
			break;
		line = nl + 1;
	}
	fflush(stdout);
}

/* fmt and its arguments as a malloc'ed string (NULL without memory). */
#define TAP_FORMAT(s, fmt)                         \
	do {                                       \
		va_list ap_;                       \
		va_start(ap_, fmt);                \
		if (vasprintf(&(s), fmt, ap_) < 0) \
			(s) = NULL;                \
		va_end(ap_);                       \
	} while (0)

static inline void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void diag(const char *fmt, ...)
{
	char *s = NULL;

	TAP_FORMAT(s, fmt);
	tap_comment(s ? s : "(out of memory)");
	free(s);
}

static inline void plan(int n)
{
	tap_state.planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

/* Mark the next test as TODO: its failure is expected and not counted. */
static inline void todo(const char *reason)
{
	tap_state.todo = reason;
}

/* Abort the whole run (tap-driver reports an error). */
static inline __attribute__((noreturn)) void bail_out(const char *reason)
{
	printf("Bail out! %s\n", reason);
	fflush(stdout);
	exit(1);
}

static inline bool ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline bool ok(bool cond, const char *fmt, ...)
{
	char *name = NULL;

	TAP_FORMAT(name, fmt);
	/* A '#' in the name would start a directive: TAP escapes it. */
	printf("%sok %d - ", cond ? "" : "not ", ++tap_state.run);
	for (const char *c = name ? name : "?"; *c; c++) {
		if (*c == '#')
			putchar('\\');
		putchar(*c == '\n' ? ' ' : *c);
	}
	if (tap_state.todo)
		printf(" # TODO %s", tap_state.todo);
	putchar('\n');
	if (!cond && tap_state.todo == NULL)
		tap_state.failed++;
	tap_state.todo = NULL;
	fflush(stdout);
	free(name);
	return cond;
}

/* A test that cannot run here: "ok N # skip <reason>" (counts as passed). */
static inline void skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void skip(const char *fmt, ...)
{
	char *reason = NULL;

	TAP_FORMAT(reason, fmt);
	printf("ok %d # skip ", ++tap_state.run);
	for (const char *c = reason ? reason : "?"; *c; c++)
		putchar(*c == '\n' ? ' ' : *c);
	putchar('\n');
	fflush(stdout);
	free(reason);
}

static inline bool is_str(const char *got, const char *expected, const char *name)
{
	bool same = got && expected ? strcmp(got, expected) == 0 : got == expected;

	if (!ok(same, "%s", name)) {
		diag("  got:      %s%s%s", got ? "\"" : "", got ? got : "NULL", got ? "\"" : "");
		diag("  expected: %s%s%s", expected ? "\"" : "", expected ? expected : "NULL", expected ? "\"" : "");
	}
	return same;
}

/* `got` contains `needle`. */
static inline bool like(const char *got, const char *needle, const char *name)
{
	bool found = got && strstr(got, needle) != NULL;

	if (!ok(found, "%s", name)) {
		diag("  got:      %s%s%s", got ? "\"" : "", got ? got : "NULL", got ? "\"" : "");
		diag("  expected to contain: \"%s\"", needle);
	}
	return found;
}

static inline bool is_int(intmax_t got, intmax_t expected, const char *name)
{
	if (!ok(got == expected, "%s", name)) {
		diag("  got:      %jd", got);
		diag("  expected: %jd", expected);
		return false;
	}
	return true;
}

/* Print the plan if there was none; the process exit status. */
static inline int done_testing(void)
{
	if (tap_state.planned < 0)
		printf("1..%d\n", tap_state.run);
	else if (tap_state.planned != tap_state.run)
		diag("planned %d tests but ran %d", tap_state.planned, tap_state.run);
	if (tap_state.failed)
		diag("failed %d of %d tests", tap_state.failed, tap_state.run);
	fflush(stdout);
	return tap_state.failed || (tap_state.planned >= 0 && tap_state.planned != tap_state.run) ? 1 : 0;
}

#endif
