/* util/error.c: one line per error, context on the way up, and no error
 * hidden by an earlier one. */
#include <errno.h>
#include <string.h>

#include "tap.h"
#include "util/error.h"

static void test_set_and_prefix(void)
{
	struct mr_error *err = NULL;

	ok(mr_error_set(&err, EINVAL, "bad %s", "thing") == -1, "set returns -1");
	is_str(err->msg, "bad thing", "the message");
	ok(err->errnum == EINVAL, "the errnum");
	mr_error_prefix(&err, "config.json");
	is_str(err->msg, "config.json: bad thing", "prefix puts context in front");
	mr_error_free(err);

	err = NULL;
	mr_error_sys(&err, ENOENT, "open %s", "/x");
	is_str(err->msg, "open /x: No such file or directory", "sys appends strerror");
	mr_error_free(err);

	ok(mr_error_set(NULL, EINVAL, "nowhere") == -1, "a NULL err is allowed");
	ok(mr_error_prefix(NULL, "x") == -1, "prefix of nothing is allowed");
	err = NULL;
	ok(mr_error_prefix(&err, "x") == -1 && err == NULL, "prefix of an empty error sets none");
}

static void test_later_error_not_hidden(void)
{
	struct mr_error *err = NULL;

	/* a callee's error that its caller went on from, then a real failure */
	mr_error_set(&err, ENOENT, "probe: missing");
	mr_error_set(&err, ENOMEM, "out of memory");
	is_str(err->msg, "out of memory: probe: missing", "the later error goes in front, the earlier stays");
	ok(err->errnum == ENOMEM, "the later errnum wins");
	mr_error_sys(&err, EIO, "write");
	is_str(err->msg, "write: Input/output error: out of memory: probe: missing", "and again");
	ok(err->errnum == EIO, "errnum of the last");
	mr_error_free(err);
}

static void test_one_line(void)
{
	struct mr_error *err = NULL;

	mr_error_set(&err, 0, "a\nb\tc\x01 \xff");
	is_str(err->msg, "a\\nb\\tc\\x01 \\xff", "control characters and bad UTF-8 are escaped");
	mr_error_set(&err, 0, "x\ny");
	is_str(err->msg, "x\\ny: a\\nb\\tc\\x01 \\xff", "a stacked message is escaped too");
	mr_error_free(err);
}

int main(void)
{
	test_set_and_prefix();
	test_later_error_not_hidden();
	test_one_line();
	return done_testing();
}
