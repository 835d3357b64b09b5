/* minirun-shim's control-socket request parser (src/shim/proto.c): each op
 * with its defaults and fields, and an error naming the op and the field
 * for what a client gets wrong. */
#include <signal.h>

#include "shim/proto.h"
#include "tap.h"

/* Parse text; on success the request is left in *req (clear it). */
static int parse(const char *text, struct shim_request *req, char *msg, size_t size)
{
	struct mr_error *err = NULL;
	int r = shim_request_parse(text, strlen(text), req, &err);

	snprintf(msg, size, "%s", err ? err->msg : "");
	mr_error_free(err);
	return r;
}

/* text is refused with an error that holds needle. */
static void refused(const char *text, const char *needle)
{
	struct shim_request req;
	char msg[512];

	if (!ok(parse(text, &req, msg, sizeof(msg)) < 0, "refused: %s", text)) {
		shim_request_clear(&req);
		return;
	}
	like(msg, needle, "  its error names it");
}

static void test_defaults(void)
{
	struct shim_request req;
	char msg[512];

	ok(parse("{\"op\":\"state\"}", &req, msg, sizeof(msg)) == 0, "state parses");
	is_int(req.op, SHIM_OP_STATE, "  op state");
	is_str(req.op_name, "state", "  its name");
	shim_request_clear(&req);

	ok(parse("{\"op\":\"kill\"}", &req, msg, sizeof(msg)) == 0, "kill without a signal");
	is_int(req.signal, SIGTERM, "  SIGTERM by default");
	ok(!req.all && req.exec_id == NULL, "  not all, no exec id");
	shim_request_clear(&req);

	ok(parse("{\"op\":\"logs\"}", &req, msg, sizeof(msg)) == 0, "logs without fields");
	ok(req.tail == -1 && req.since == 0 && !req.follow, "  everything, no since, no follow");
	ok(req.want_stdout && req.want_stderr, "  both streams");
	shim_request_clear(&req);

	ok(parse("{\"op\":\"stats\"}", &req, msg, sizeof(msg)) == 0, "stats without an interval");
	is_int(req.interval_ms, 0, "  one answer");
	shim_request_clear(&req);
}

static void test_fields(void)
{
	struct shim_request req;
	char msg[512];

	ok(parse("{\"op\":\"kill\",\"signal\":\"HUP\",\"all\":true,\"exec\":\"e1\"}", &req, msg, sizeof(msg)) == 0,
	   "kill by name, all, exec");
	is_int(req.signal, SIGHUP, "  SIGHUP");
	ok(req.all, "  all");
	is_str(req.exec_id, "e1", "  exec id");
	shim_request_clear(&req);

	ok(parse("{\"op\":\"kill\",\"signal\":9}", &req, msg, sizeof(msg)) == 0, "kill by number");
	is_int(req.signal, 9, "  9");
	shim_request_clear(&req);

	ok(parse("{\"op\":\"logs\",\"tail\":3,\"since\":\"2024-05-01T12:00:00Z\",\"follow\":true,\"stderr\":false}",
		 &req, msg, sizeof(msg)) == 0,
	   "logs with tail, since, follow, stderr");
	ok(req.tail == 3 && req.follow && req.want_stdout && !req.want_stderr, "  tail 3, follow, stdout only");
	is_int(req.since, 1714564800LL * 1000000000LL, "  since in ns");
	shim_request_clear(&req);

	ok(parse("{\"op\":\"resize\",\"rows\":24,\"cols\":80}", &req, msg, sizeof(msg)) == 0, "resize");
	ok(req.rows == 24 && req.cols == 80, "  24x80");
	shim_request_clear(&req);

	ok(parse("{\"op\":\"exec\",\"id\":\"x\",\"stdin\":true,\"process\":{\"args\":[\"sh\"]}}", &req, msg,
		 sizeof(msg)) == 0,
	   "exec");
	ok(req.want_stdin && req.process != NULL && req.process->kind == MR_JSON_OBJECT, "  stdin, the process");
	is_str(req.exec_id, "x", "  its id");
	shim_request_clear(&req);

	ok(parse("{\"op\":\"stdin\",\"data\":\"a\\tb\\n\"}", &req, msg, sizeof(msg)) == 0, "stdin data");
	ok(req.len == 4 && memcmp(req.data, "a\tb\n", 4) == 0 && !req.eof, "  its 4 bytes");
	shim_request_clear(&req);

	ok(parse("{\"op\":\"stdin\",\"data64\":\"/wA=\"}", &req, msg, sizeof(msg)) == 0, "stdin data64");
	ok(req.len == 2 && (unsigned char)req.data[0] == 0xff && req.data[1] == 0, "  the bytes ff 00");
	shim_request_clear(&req);

	ok(parse("{\"op\":\"stdin\",\"eof\":true}", &req, msg, sizeof(msg)) == 0, "stdin eof");
	ok(req.eof && req.len == 0, "  eof, no data");
	shim_request_clear(&req);

	ok(parse("{\"op\":\"stats\",\"interval\":500}", &req, msg, sizeof(msg)) == 0, "stats every 500 ms");
	is_int(req.interval_ms, 500, "  500");
	shim_request_clear(&req);

	ok(parse("{\"op\":\"delete\",\"force\":true}", &req, msg, sizeof(msg)) == 0, "delete force");
	ok(req.force, "  force");
	shim_request_clear(&req);
}

static void test_errors(void)
{
	refused("", "");
	refused("{\"op\":", "");
	refused("[1]", "expected a JSON object");
	refused("{}", "no \"op\"");
	refused("{\"op\":3}", "op: expected a string");
	refused("{\"op\":\"frobnicate\"}", "unknown op \"frobnicate\"");
	refused("{\"op\":\"state\",\"force\":true}", "state: unknown field \"force\"");
	refused("{\"op\":\"kill\",\"signal\":\"NOSUCH\"}", "kill: signal");
	refused("{\"op\":\"kill\",\"signal\":0}", "kill: signal");
	refused("{\"op\":\"kill\",\"all\":\"yes\"}", "kill: all");
	refused("{\"op\":\"logs\",\"tail\":-2}", "logs: tail");
	refused("{\"op\":\"logs\",\"since\":\"yesterday\"}", "logs: since");
	refused("{\"op\":\"resize\",\"rows\":24}", "resize: \"cols\" is missing");
	refused("{\"op\":\"resize\",\"rows\":-1,\"cols\":80}", "resize: rows");
	refused("{\"op\":\"exec\"}", "exec: \"process\" is missing");
	refused("{\"op\":\"exec\",\"process\":[]}", "exec: process");
	refused("{\"op\":\"update\"}", "update: \"resources\" is missing");
	refused("{\"op\":\"stats\",\"interval\":5}", "stats: interval");
	refused("{\"op\":\"stdin\"}", "stdin: \"data\", \"data64\" or \"eof\"");
	/* bytes that are no text (a NUL) come as data64 */
	refused("{\"op\":\"stdin\",\"data\":\"a\\u0000b\"}", "stdin: data");
	refused("{\"op\":\"stdin\",\"data64\":\"!!!\"}", "stdin: data64");
	refused("{\"op\":\"stdin\",\"data64\":\"abc\"}", "stdin: data64");
	refused("{\"op\":\"wait\",\"exec\":5}", "wait: exec");
}

int main(void)
{
	test_defaults();
	test_fields();
	test_errors();
	ok(strstr(shim_op_names(), "delete") != NULL, "the op names list delete");
	return done_testing();
}
