/* The JSON reader (util/json.c) and the generic model engine (spec/model.c)
 * through the generated config type: every scalar kind and its bounds,
 * arrays, maps, null, duplicate keys, unknown and required properties, the
 * syntax error positions, the depth and size limits, and the round trip
 * parse -> emit -> parse -> emit on real client configs.
 *
 * Most cases go through mr_model_parse() directly so that the rules of
 * validate.c do not get in the way; the round trips use config.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/config.h"
#include "spec/model.h"
#include "tap.h"
#include "util/json.h"

/* ---- helpers ---- */

/* Reader + engine, no validation. NULL on error, with the message in *msg. */
static struct oci_config *model_parse_len(const char *text, size_t len, char **msg)
{
	struct mr_error *err = NULL;
	struct mr_json *json = mr_json_parse(text, len, &err);
	struct oci_config *cfg = NULL;

	*msg = NULL;
	if (json != NULL) {
		cfg = calloc(1, sizeof(*cfg));
		if (cfg == NULL)
			bail_out("out of memory");
		if (mr_model_parse(&mr_type_oci_config, json, cfg, &err) < 0) {
			mr_config_free(cfg);
			cfg = NULL;
		}
		mr_json_free(json);
	}
	if (err != NULL) {
		*msg = strdup(err->msg);
		mr_error_free(err);
	} else if (cfg == NULL) {
		*msg = strdup("(failed without a message)");
	}
	return cfg;
}

static struct oci_config *model_parse(const char *text, char **msg)
{
	return model_parse_len(text, strlen(text), msg);
}

/* Must parse; the config (or NULL after a failed test). */
static struct oci_config *parses(const char *name, const char *text)
{
	char *msg;
	struct oci_config *cfg = model_parse(text, &msg);

	if (!ok(cfg != NULL, "%s", name))
		diag("  error: %s", msg);
	free(msg);
	return cfg;
}

/* Must fail with exactly `expected`. */
static void fails_with(const char *name, const char *text, const char *expected)
{
	char *msg;
	struct oci_config *cfg = model_parse(text, &msg);

	is_str(msg, expected, name);
	mr_config_free(cfg);
	free(msg);
}

/* Must fail with a message containing `needle`. */
static void fails_like(const char *name, const char *text, const char *needle)
{
	char *msg;
	struct oci_config *cfg = model_parse(text, &msg);

	like(cfg == NULL ? msg : "(it parsed)", needle, name);
	mr_config_free(cfg);
	free(msg);
}

/* Compact JSON of a config. */
static char *emit(const struct oci_config *cfg)
{
	struct mr_error *err = NULL;
	char *s = mr_model_to_string(&mr_type_oci_config, cfg, false, &err);

	if (s == NULL)
		diag("emit failed: %s", err ? err->msg : "(no message)");
	mr_error_free(err);
	return s;
}

/* Parse `text` and check its compact emission. */
static void emits(const char *name, const char *text, const char *expected)
{
	char *msg, *out = NULL;
	struct oci_config *cfg = model_parse(text, &msg);

	if (cfg == NULL) {
		ok(false, "%s", name);
		diag("  error: %s", msg);
	} else {
		out = emit(cfg);
		is_str(out, expected, name);
	}
	free(out);
	free(msg);
	mr_config_free(cfg);
}

static char *cat(const char *a, const char *b, const char *c)
{
	char *s = NULL;

	if (asprintf(&s, "%s%s%s", a, b, c) < 0)
		bail_out("out of memory");
	return s;
}

#define DOC(members)  "{\"ociVersion\": \"1.2.0\", " members "}"
#define MEMORY(limit) DOC("\"linux\": {\"resources\": {\"memory\": {\"limit\": " limit "}}}")
#define RLIMIT(soft)                                                                                                   \
	DOC("\"process\": {\"cwd\": \"/\", \"rlimits\": [{\"type\": \"RLIMIT_CORE\", \"soft\": " soft                  \
	    ", \"hard\": 0}]}")
#define UID(uid) DOC("\"process\": {\"cwd\": \"/\", \"user\": {\"uid\": " uid ", \"gid\": 0}}")
#define NICE(nice)                                                                                                     \
	DOC("\"process\": {\"cwd\": \"/\", \"scheduler\": {\"policy\": \"SCHED_OTHER\", \"nice\": " nice "}}")
#define WEIGHT(w) DOC("\"linux\": {\"resources\": {\"blockIO\": {\"weight\": " w "}}}")

/* Structural equality of two JSON trees, object members in any order,
 * numbers compared as written. */
static bool json_equal(const struct mr_json *a, const struct mr_json *b)
{
	if (a->kind != b->kind || a->len != b->len)
		return false;
	switch (a->kind) {
	case MR_JSON_NULL:
	case MR_JSON_BOOL:
		return a->boolean == b->boolean;
	case MR_JSON_NUMBER:
	case MR_JSON_STRING:
		return strcmp(a->text, b->text) == 0;
	case MR_JSON_ARRAY:
		for (size_t i = 0; i < a->len; i++)
			if (!json_equal(a->items[i], b->items[i]))
				return false;
		return true;
	case MR_JSON_OBJECT:
		for (size_t i = 0; i < a->len; i++) {
			const struct mr_json *v = mr_json_get(b, a->keys[i]);
			if (v == NULL || !json_equal(a->items[i], v))
				return false;
		}
		return true;
	}
	return false;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0) {
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/* ---- strings ---- */

static void test_strings(void)
{
	struct oci_config *cfg;

	cfg = parses("string: escapes and UTF-8 are decoded",
		     DOC("\"hostname\": \"h\\u00e9 \\\"q\\\" \\\\ \\/ \\t \\ud83d\\ude00 \xe2\x98\x83\""));
	if (cfg)
		is_str(cfg->hostname, "h\xc3\xa9 \"q\" \\ / \t \xf0\x9f\x98\x80 \xe2\x98\x83", "string: decoded value");
	mr_config_free(cfg);
	emits("string: emitted with JSON escapes, '/' and UTF-8 as is",
	      DOC("\"hostname\": \"\\u00e9\\\"\\\\\\/\\n\\t\\u0001\""),
	      "{\"ociVersion\":\"1.2.0\",\"hostname\":\"\xc3\xa9\\\"\\\\/\\n\\t\\u0001\"}");

	cfg = parses("string: empty string", DOC("\"hostname\": \"\""));
	ok(cfg && cfg->hostname && cfg->hostname[0] == '\0', "string: an empty string is present, not absent");
	mr_config_free(cfg);
	emits("string: an empty string round-trips", DOC("\"hostname\": \"\""),
	      "{\"ociVersion\":\"1.2.0\",\"hostname\":\"\"}");

	fails_with("string: a number is not a string", DOC("\"hostname\": 42"),
		   "hostname: expected string, got number 42");
	fails_with("string: an object is not a string", DOC("\"hostname\": {}"),
		   "hostname: expected string, got object");
	fails_with("string: an array is not a string", DOC("\"hostname\": [\"a\"]"),
		   "hostname: expected string, got array");
	fails_with("string: a boolean is not a string", DOC("\"hostname\": false"),
		   "hostname: expected string, got boolean false");
	fails_with("string: a long wrong value is shortened in the message",
		   MEMORY("\"0123456789012345678901234567890123456789012345678901234567890123456789\""),
		   "linux.resources.memory.limit: expected integer, got string "
		   "\"0123456789012345678901234567890123456789...\"");
	fails_like("string: invalid UTF-8 is a lexical error", DOC("\"hostname\": \"a\xff\""), "UTF8");

	fails_like(
	    "enum: an unknown value names what it is", DOC("\"linux\": {\"rootfsPropagation\": \"sideways\"}"),
	    "linux.rootfsPropagation: unknown rootfs propagation \"sideways\" (expected one of: private, shared,");
	fails_like("enum: values are case-sensitive", DOC("\"linux\": {\"namespaces\": [{\"type\": \"PID\"}]}"),
		   "linux.namespaces[0].type: unknown namespace \"PID\"");
	fails_like("enum: array items are checked too",
		   DOC("\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": "
		       "[\"SCMP_ARCH_Z80\"]}}"),
		   "linux.seccomp.architectures[0]: unknown seccomp architecture \"SCMP_ARCH_Z80\"");
	emits("enum: a known value round-trips", DOC("\"linux\": {\"rootfsPropagation\": \"rslave\"}"),
	      "{\"ociVersion\":\"1.2.0\",\"linux\":{\"rootfsPropagation\":\"rslave\"}}");
}

/* ---- booleans ---- */

static void test_booleans(void)
{
	struct oci_config *cfg;

	cfg = parses("bool: true", DOC("\"root\": {\"path\": \"r\", \"readonly\": true}"));
	ok(cfg && cfg->root && cfg->root->has_readonly && cfg->root->readonly,
	   "bool: true is stored and marked present");
	mr_config_free(cfg);
	cfg = parses("bool: false", DOC("\"root\": {\"path\": \"r\", \"readonly\": false}"));
	ok(cfg && cfg->root && cfg->root->has_readonly && !cfg->root->readonly,
	   "bool: false is stored and marked present");
	mr_config_free(cfg);
	cfg = parses("bool: absent", DOC("\"root\": {\"path\": \"r\"}"));
	ok(cfg && cfg->root && !cfg->root->has_readonly, "bool: absent is not marked present");
	mr_config_free(cfg);
	emits("bool: false round-trips (present)", DOC("\"root\": {\"path\": \"r\", \"readonly\": false}"),
	      "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\",\"readonly\":false}}");
	fails_with("bool: a string is not a boolean", DOC("\"root\": {\"path\": \"r\", \"readonly\": \"true\"}"),
		   "root.readonly: expected boolean, got string \"true\"");
	fails_with("bool: a number is not a boolean", DOC("\"root\": {\"path\": \"r\", \"readonly\": 1}"),
		   "root.readonly: expected boolean, got number 1");
}

/* ---- integers ---- */

static void test_int32(void)
{
	struct oci_config *cfg;

	cfg = parses("int32: minimum", NICE("-2147483648"));
	ok(cfg && cfg->process->scheduler->has_nice && cfg->process->scheduler->nice == INT32_MIN,
	   "int32: minimum stored");
	mr_config_free(cfg);
	cfg = parses("int32: maximum", NICE("2147483647"));
	ok(cfg && cfg->process->scheduler->nice == INT32_MAX, "int32: maximum stored");
	mr_config_free(cfg);
	emits("int32: bounds round-trip", NICE("-2147483648"),
	      "{\"ociVersion\":\"1.2.0\",\"process\":{\"cwd\":\"/\",\"scheduler\":{\"policy\":\"SCHED_OTHER\","
	      "\"nice\":-2147483648}}}");
	fails_with(
	    "int32: maximum + 1", NICE("2147483648"),
	    "process.scheduler.nice: expected integer between -2147483648 and 2147483647, got number 2147483648");
	fails_with(
	    "int32: minimum - 1", NICE("-2147483649"),
	    "process.scheduler.nice: expected integer between -2147483648 and 2147483647, got number -2147483649");
}

static void test_uint32(void)
{
	struct oci_config *cfg;

	cfg = parses("uint32: maximum", UID("4294967295"));
	ok(cfg && cfg->process->user->has_uid && cfg->process->user->uid == UINT32_MAX, "uint32: maximum stored");
	mr_config_free(cfg);
	cfg = parses("uint32: zero", UID("0"));
	ok(cfg && cfg->process->user->has_uid && cfg->process->user->uid == 0, "uint32: zero stored and present");
	mr_config_free(cfg);
	fails_with("uint32: maximum + 1", UID("4294967296"),
		   "process.user.uid: expected integer between 0 and 4294967295, got number 4294967296");
	fails_with("uint32: -1 is an error naming the range", UID("-1"),
		   "process.user.uid: expected integer between 0 and 4294967295, got number -1");
	fails_with("uint32: -0 is not unsigned either", UID("-0"),
		   "process.user.uid: expected integer between 0 and 4294967295, got number -0");
	emits("uint32: array items",
	      DOC("\"process\": {\"cwd\": \"/\", \"user\": {\"uid\": 1, \"gid\": 2, "
		  "\"additionalGids\": [0, 4294967295]}}"),
	      "{\"ociVersion\":\"1.2.0\",\"process\":{\"user\":{\"uid\":1,\"gid\":2,\"additionalGids\":[0,4294967295]},"
	      "\"cwd\":\"/\"}}");
	fails_with(
	    "uint32: a bad array item names its index",
	    DOC("\"process\": {\"cwd\": \"/\", \"user\": {\"uid\": 1, \"gid\": 2, \"additionalGids\": [0, -5]}}"),
	    "process.user.additionalGids[1]: expected integer between 0 and 4294967295, got number -5");
}

static void test_uint16(void)
{
	struct oci_config *cfg = parses("uint16: maximum", WEIGHT("65535"));

	ok(cfg && cfg->linux->resources->block_io->weight == UINT16_MAX, "uint16: maximum stored");
	mr_config_free(cfg);
	fails_with("uint16: maximum + 1", WEIGHT("65536"),
		   "linux.resources.blockIO.weight: expected integer between 0 and 65535, got number 65536");
}

static void test_int64(void)
{
	struct oci_config *cfg;

	cfg = parses("int64: minimum", MEMORY("-9223372036854775808"));
	ok(cfg && cfg->linux->resources->memory->has_limit && cfg->linux->resources->memory->limit == INT64_MIN,
	   "int64: minimum stored");
	mr_config_free(cfg);
	cfg = parses("int64: maximum", MEMORY("9223372036854775807"));
	ok(cfg && cfg->linux->resources->memory->limit == INT64_MAX, "int64: maximum stored");
	mr_config_free(cfg);
	emits("int64: minimum round-trips", MEMORY("-9223372036854775808"),
	      "{\"ociVersion\":\"1.2.0\",\"linux\":{\"resources\":{\"memory\":{\"limit\":-9223372036854775808}}}}");
	emits("int64: maximum round-trips", MEMORY("9223372036854775807"),
	      "{\"ociVersion\":\"1.2.0\",\"linux\":{\"resources\":{\"memory\":{\"limit\":9223372036854775807}}}}");
	emits("int64: -1 (unlimited) round-trips", MEMORY("-1"),
	      "{\"ociVersion\":\"1.2.0\",\"linux\":{\"resources\":{\"memory\":{\"limit\":-1}}}}");
	emits("int64: -0 reads as 0", MEMORY("-0"),
	      "{\"ociVersion\":\"1.2.0\",\"linux\":{\"resources\":{\"memory\":{\"limit\":0}}}}");
	fails_with(
	    "int64: maximum + 1", MEMORY("9223372036854775808"),
	    "linux.resources.memory.limit: expected integer between -9223372036854775808 and 9223372036854775807, "
	    "got number 9223372036854775808");
	fails_with(
	    "int64: minimum - 1", MEMORY("-9223372036854775809"),
	    "linux.resources.memory.limit: expected integer between -9223372036854775808 and 9223372036854775807, "
	    "got number -9223372036854775809");
	fails_with(
	    "int64: far too many digits", MEMORY("100000000000000000000000000000000000000000000000000000000000"),
	    "linux.resources.memory.limit: expected integer between -9223372036854775808 and 9223372036854775807, "
	    "got number 1000000000000000000000000000000000000000...");
}

static void test_uint64(void)
{
	struct oci_config *cfg;

	cfg = parses("uint64: maximum", RLIMIT("18446744073709551615"));
	ok(cfg && cfg->process->rlimits_len == 1 && cfg->process->rlimits[0].has_soft &&
	       cfg->process->rlimits[0].soft == UINT64_MAX,
	   "uint64: maximum stored");
	mr_config_free(cfg);
	emits("uint64: 18446744073709551615 round-trips", RLIMIT("18446744073709551615"),
	      "{\"ociVersion\":\"1.2.0\",\"process\":{\"cwd\":\"/\",\"rlimits\":[{\"type\":\"RLIMIT_CORE\","
	      "\"soft\":18446744073709551615,\"hard\":0}]}}");
	emits("uint64: above INT64_MAX round-trips", RLIMIT("9223372036854775808"),
	      "{\"ociVersion\":\"1.2.0\",\"process\":{\"cwd\":\"/\",\"rlimits\":[{\"type\":\"RLIMIT_CORE\","
	      "\"soft\":9223372036854775808,\"hard\":0}]}}");
	fails_with("uint64: maximum + 1", RLIMIT("18446744073709551616"),
		   "process.rlimits[0].soft: expected integer between 0 and 18446744073709551615, "
		   "got number 18446744073709551616");
	fails_with("uint64: -1 is an error naming the range", RLIMIT("-1"),
		   "process.rlimits[0].soft: expected integer between 0 and 18446744073709551615, got number -1");
}

static void test_not_integers(void)
{
	struct oci_config *cfg;

	fails_with("integer: 1.5 is rejected", MEMORY("1.5"),
		   "linux.resources.memory.limit: expected integer, got number 1.5");
	fails_with("integer: 1e3 is rejected", MEMORY("1e3"),
		   "linux.resources.memory.limit: expected integer, got number 1e3");
	fails_with("integer: 1E3 is rejected", MEMORY("1E3"),
		   "linux.resources.memory.limit: expected integer, got number 1E3");
	fails_with("integer: 10.0 is rejected", MEMORY("10.0"),
		   "linux.resources.memory.limit: expected integer, got number 10.0");
	fails_with("integer: 1.5 for unsigned is rejected the same way", UID("1.5"),
		   "process.user.uid: expected integer, got number 1.5");
	fails_with("integer: a string is not an integer", MEMORY("\"abc\""),
		   "linux.resources.memory.limit: expected integer, got string \"abc\"");
	fails_with("integer: a numeric string is not an integer", MEMORY("\"512\""),
		   "linux.resources.memory.limit: expected integer, got string \"512\"");
	fails_with("integer: a boolean is not an integer", MEMORY("true"),
		   "linux.resources.memory.limit: expected integer, got boolean true");
	cfg = parses("integer: null is absent", MEMORY("null"));
	ok(cfg && cfg->linux->resources->memory != NULL && !cfg->linux->resources->memory->has_limit,
	   "integer: null leaves has_limit false");
	mr_config_free(cfg);
}

/* ---- arrays ---- */

static void test_arrays(void)
{
	struct oci_config *cfg;

	cfg = parses("array: empty", DOC("\"process\": {\"cwd\": \"/\", \"env\": []}, \"mounts\": []"));
	ok(cfg && cfg->process->env != NULL && cfg->process->env_len == 0, "array: an empty array stays present");
	ok(cfg && cfg->mounts != NULL && cfg->mounts_len == 0, "array: an empty array of objects stays present");
	ok(cfg && cfg->process->args == NULL && cfg->process->args_len == 0, "array: an absent array is NULL");
	mr_config_free(cfg);
	emits("array: empty arrays round-trip", DOC("\"process\": {\"cwd\": \"/\", \"env\": []}, \"mounts\": []"),
	      "{\"ociVersion\":\"1.2.0\",\"process\":{\"env\":[],\"cwd\":\"/\"},\"mounts\":[]}");

	cfg = parses("array: of objects", DOC("\"mounts\": [{\"destination\": \"/a\"}, {\"destination\": \"/b\", "
					      "\"options\": [\"ro\", \"nosuid\"]}]"));
	ok(cfg && cfg->mounts_len == 2 && strcmp(cfg->mounts[1].destination, "/b") == 0 &&
	       cfg->mounts[1].options_len == 2 && strcmp(cfg->mounts[1].options[1], "nosuid") == 0 &&
	       cfg->mounts[0].options == NULL,
	   "array: items and nested arrays are stored in order");
	mr_config_free(cfg);

	fails_with("array: a string is not an array", DOC("\"process\": {\"cwd\": \"/\", \"env\": \"A=1\"}"),
		   "process.env: expected array, got string \"A=1\"");
	fails_with("array: an object is not an array", DOC("\"mounts\": {}"), "mounts: expected array, got object");
	fails_with("array: a bad item names its index", DOC("\"process\": {\"cwd\": \"/\", \"env\": [\"A=1\", 2]}"),
		   "process.env[1]: expected string, got number 2");
	fails_with("array: a null item is an error", DOC("\"process\": {\"cwd\": \"/\", \"env\": [null]}"),
		   "process.env[0]: expected string, got null");
	fails_with("array: an item of the wrong kind in an array of objects",
		   DOC("\"mounts\": [{\"destination\": \"/a\"}, \"/b\"]"),
		   "mounts[1]: expected object, got string \"/b\"");
	fails_with("array: the path goes through nested arrays",
		   DOC("\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
		       "{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ALLOW\"},"
		       "{\"names\": [\"b\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": -1, \"value\": 0, "
		       "\"op\": \"SCMP_CMP_EQ\"}]}]}}"),
		   "linux.seccomp.syscalls[1].args[0].index: expected integer between 0 and 4294967295, got number -1");
}

/* ---- maps ---- */

static void test_maps(void)
{
	struct oci_config *cfg;

	cfg = parses("map: annotations", DOC("\"annotations\": {\"b\": \"2\", \"a\": \"1\", \"io.k8s/x y\": \"\"}"));
	ok(cfg && cfg->annotations && cfg->annotations->len == 3 && strcmp(cfg->annotations->keys[0], "b") == 0 &&
	       strcmp(cfg->annotations->values[1], "1") == 0 && strcmp(cfg->annotations->keys[2], "io.k8s/x y") == 0,
	   "map: keys and values are kept in document order");
	mr_config_free(cfg);
	emits("map: round-trips in document order", DOC("\"annotations\": {\"b\": \"2\", \"a\": \"1\"}"),
	      "{\"ociVersion\":\"1.2.0\",\"annotations\":{\"b\":\"2\",\"a\":\"1\"}}");

	cfg = parses("map: empty", DOC("\"annotations\": {}"));
	ok(cfg && cfg->annotations != NULL && cfg->annotations->len == 0, "map: an empty map stays present");
	mr_config_free(cfg);
	emits("map: an empty map round-trips", DOC("\"annotations\": {}"),
	      "{\"ociVersion\":\"1.2.0\",\"annotations\":{}}");

	cfg = parses("map: sysctl with dotted keys", DOC("\"linux\": {\"sysctl\": {\"net.ipv4.ip_forward\": \"1\"}}"));
	ok(cfg && cfg->linux->sysctl->len == 1 && strcmp(cfg->linux->sysctl->keys[0], "net.ipv4.ip_forward") == 0 &&
	       strcmp(cfg->linux->sysctl->values[0], "1") == 0,
	   "map: a dotted key is one key");
	mr_config_free(cfg);
	fails_with("map: a dotted key is quoted in the path",
		   DOC("\"linux\": {\"sysctl\": {\"net.ipv4.ip_forward\": 1}}"),
		   "linux.sysctl[\"net.ipv4.ip_forward\"]: expected string, got number 1");
	fails_with("map: an identifier key is a path member", DOC("\"annotations\": {\"foo\": true}"),
		   "annotations.foo: expected string, got boolean true");
	fails_with("map: an array is not a map", DOC("\"annotations\": [\"a=b\"]"),
		   "annotations: expected object, got array");

	cfg = parses("map: of objects",
		     DOC("\"linux\": {\"timeOffsets\": {\"monotonic\": {\"secs\": -5, \"nanosecs\": 7}, "
			 "\"boottime\": {}}}"));
	ok(cfg && cfg->linux->time_offsets->len == 2 && cfg->linux->time_offsets->values[0].secs == -5 &&
	       cfg->linux->time_offsets->values[0].nanosecs == 7 && !cfg->linux->time_offsets->values[1].has_secs,
	   "map: object values are stored inline");
	mr_config_free(cfg);
	fails_with("map: the path goes into object values",
		   DOC("\"linux\": {\"timeOffsets\": {\"monotonic\": {}, \"boot time\": {\"secs\": \"1\"}}}"),
		   "linux.timeOffsets[\"boot time\"].secs: expected integer, got string \"1\"");

	cfg = parses("map: duplicate keys", DOC("\"annotations\": {\"a\": \"1\", \"b\": \"2\", \"a\": \"3\"}"));
	ok(cfg && cfg->annotations->len == 2 && strcmp(cfg->annotations->keys[0], "a") == 0 &&
	       strcmp(cfg->annotations->values[0], "3") == 0,
	   "map: a duplicate key keeps one entry, with the last value");
	mr_config_free(cfg);
	cfg = parses(
	    "map: duplicate keys with object values",
	    DOC("\"linux\": {\"timeOffsets\": {\"monotonic\": {\"secs\": 1}, \"monotonic\": {\"nanosecs\": 2}}}"));
	ok(cfg && cfg->linux->time_offsets->len == 1 && !cfg->linux->time_offsets->values[0].has_secs &&
	       cfg->linux->time_offsets->values[0].nanosecs == 2,
	   "map: the last object replaces the first (no merge)");
	mr_config_free(cfg);
	fails_with("map: a bad duplicate value is still checked", DOC("\"annotations\": {\"a\": \"1\", \"a\": 2}"),
		   "annotations.a: expected string, got number 2");
}

/* ---- null, duplicates, unknown and required properties ---- */

static void test_properties(void)
{
	struct oci_config *cfg;

	cfg = parses("null: members",
		     DOC("\"hostname\": null, \"process\": null, \"mounts\": null, \"annotations\": null, "
			 "\"root\": {\"path\": \"r\", \"readonly\": null}"));
	ok(cfg && cfg->hostname == NULL && cfg->process == NULL && cfg->mounts == NULL && cfg->annotations == NULL &&
	       !cfg->root->has_readonly,
	   "null: a null member is absent");
	mr_config_free(cfg);
	emits("null: absent members are not emitted",
	      DOC("\"hostname\": null, \"hooks\": null, \"root\": {\"path\": \"r\", \"readonly\": null}"),
	      "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"}}");
	fails_with("null: a required member that is null is missing", DOC("\"root\": {\"path\": null}"),
		   "root: missing required property \"path\"");

	cfg = parses("duplicate: top-level keys", "{\"ociVersion\": \"1.0.0\", \"ociVersion\": \"1.2.0\"}");
	is_str(cfg ? cfg->oci_version : NULL, "1.2.0", "duplicate: the last one wins");
	mr_config_free(cfg);
	cfg = parses("duplicate: an earlier bad value is ignored", DOC("\"hostname\": 1, \"hostname\": \"b\""));
	is_str(cfg ? cfg->hostname : NULL, "b", "duplicate: only the last value is read");
	mr_config_free(cfg);
	fails_with("duplicate: a later bad value fails", DOC("\"hostname\": \"b\", \"hostname\": 1"),
		   "hostname: expected string, got number 1");
	cfg = parses("duplicate: objects are replaced, not merged",
		     DOC("\"root\": {\"path\": \"a\", \"readonly\": true}, \"root\": {\"path\": \"b\"}"));
	ok(cfg && strcmp(cfg->root->path, "b") == 0 && !cfg->root->has_readonly,
	   "duplicate: the last object wins whole");
	mr_config_free(cfg);

	emits("unknown: properties are ignored and not emitted",
	      DOC("\"bogus\": {\"deep\": [1, {\"x\": null}, 2.5e10]}, \"root\": {\"path\": \"r\", \"extra\": 1}, "
		  "\"process\": {\"cwd\": \"/\", \"futureField\": true}, \"windows\": {\"layerFolders\": []}"),
	      "{\"ociVersion\":\"1.2.0\",\"process\":{\"cwd\":\"/\"},\"root\":{\"path\":\"r\"}}");

	fails_with("required: ociVersion", "{}", "missing required property \"ociVersion\"");
	fails_with("required: ociVersion null", "{\"ociVersion\": null}", "missing required property \"ociVersion\"");
	fails_with("required: in an object", DOC("\"process\": {\"args\": [\"sh\"]}"),
		   "process: missing required property \"cwd\"");
	fails_with("required: in an array item", DOC("\"mounts\": [{\"destination\": \"/a\"}, {\"type\": \"proc\"}]"),
		   "mounts[1]: missing required property \"destination\"");
	fails_with("required: in a nested array item",
		   DOC("\"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"path\": \"/proc/1/ns/net\"}]}"),
		   "linux.namespaces[1]: missing required property \"type\"");
	fails_with("required: the first missing one in schema order", DOC("\"linux\": {\"uidMappings\": [{}]}"),
		   "linux.uidMappings[0]: missing required property \"containerID\"");

	fails_with("top level: array", "[]", "expected object at top level, got array");
	fails_with("top level: string", "\"config\"", "expected object at top level, got string \"config\"");
	fails_with("top level: number", "42", "expected object at top level, got number 42");
	fails_with("top level: boolean", "true", "expected object at top level, got boolean true");
	fails_with("top level: null", "null", "expected object at top level, got null");
}

/* ---- syntax errors, limits ---- */

static void test_syntax(void)
{
	fails_like("syntax: trailing comma (position)", "{\"a\": 1,}", "line 1, column 9: parse error: ");
	fails_like("syntax: trailing comma on its own line",
		   "{\n\t\"ociVersion\": \"1.2.0\",\n\t\"root\": {\"path\": \"r\"},\n}\n",
		   "line 4, column 1: parse error: ");
	fails_like("syntax: bare word (position)",
		   "{\n\t\"ociVersion\": \"1.2.0\",\n\t\"root\": {\"path\": rootfs}\n}\n",
		   "line 3, column 19: lexical error: invalid char in json text.");
	fails_like("syntax: trailing garbage", "{}\n{}", "line 2, column 1: parse error: trailing garbage");
	fails_with("syntax: empty document", "", "line 1, column 1: parse error: premature EOF");
	fails_like("syntax: truncated document", "{\n\t\"ociVersion\": \"1.2.0\",\n\t\"root\": {", "premature EOF");
	fails_like("syntax: truncated document (position is the end)", "{\n\t\"ociVersion\": \"1.2.0\",\n\t\"root\": {",
		   "line 3, column 11: parse error: premature EOF");
	fails_like("syntax: comments are not JSON", "{\n\t/* c */ \"ociVersion\": \"1.2.0\"}", "line 2, column 2: lexical error");
	fails_like("syntax: single quotes", "{'ociVersion': '1.2.0'}", "lexical error");
	fails_like("syntax: leading zero", MEMORY("0123"), "parse error");
	fails_like("syntax: hexadecimal", MEMORY("0x10"), "lexical error");
	fails_like("syntax: NaN", MEMORY("NaN"), "lexical error");

	{
		/* the reader must stop at len, not at a NUL */
		const char *text = DOC("\"hostname\": \"a\"") "garbage";
		char *msg;
		struct oci_config *cfg = model_parse_len(text, strlen(text) - 7, &msg);
		ok(cfg && strcmp(cfg->hostname, "a") == 0, "syntax: only len bytes are read");
		mr_config_free(cfg);
		free(msg);
	}
}

/* A document whose "x" member nests `depth` arrays (the top object is one level more). */
static char *nested(size_t depth)
{
	const char *head = "{\"ociVersion\": \"1.2.0\", \"x\": ";
	size_t h = strlen(head);
	char *s = malloc(h + 2 * depth + 2);

	if (s == NULL)
		bail_out("out of memory");
	memcpy(s, head, h);
	memset(s + h, '[', depth);
	memset(s + h + depth, ']', depth);
	strcpy(s + h + 2 * depth, "}");
	return s;
}

static void test_depth(void)
{
	char *s, *p, *msg;
	struct oci_config *cfg;

	s = nested(MR_JSON_MAX_DEPTH - 1);
	cfg = model_parse(s, &msg);
	if (!ok(cfg != NULL, "depth: 64 levels are accepted"))
		diag("  error: %s", msg);
	mr_config_free(cfg);
	free(msg);
	free(s);

	s = nested(MR_JSON_MAX_DEPTH);
	fails_with("depth: 65 levels are an error", s, "line 1, column 93: nesting deeper than 64 levels");
	free(s);

	s = nested(200000);
	fails_like("depth: 200000 levels are an error, not a stack overflow", s, "nesting deeper than 64 levels");
	free(s);

	s = malloc(200000 * 5 + 64);
	if (s == NULL)
		bail_out("out of memory");
	p = s + sprintf(s, "{\"ociVersion\": \"1.2.0\", \"x\": ");
	for (int i = 0; i < 200000; i++, p += 5)
		memcpy(p, "{\"a\":", 5);
	*p = '\0';
	fails_like("depth: deep objects too", s, "nesting deeper than 64 levels");
	free(s);
}

static void test_nul(void)
{
	fails_with("NUL: a string with \\u0000 is rejected", DOC("\"hostname\": \"a\\u0000b\""),
		   "hostname: expected string, got string containing a NUL byte");
	fails_with("NUL: only \\u0000", DOC("\"hostname\": \"\\u0000\""),
		   "hostname: expected string, got string containing a NUL byte");
	fails_with("NUL: in an array item", DOC("\"process\": {\"cwd\": \"/\", \"args\": [\"sh\", \"-c\\u0000x\"]}"),
		   "process.args[1]: expected string, got string containing a NUL byte");
	fails_with("NUL: in a map value", DOC("\"annotations\": {\"k\": \"v\\u0000\"}"),
		   "annotations.k: expected string, got string containing a NUL byte");
	fails_like("NUL: in an enum member", DOC("\"linux\": {\"namespaces\": [{\"type\": \"pid\\u0000\"}]}"),
		   "linux.namespaces[0].type: expected string, got string containing a NUL byte");
	fails_with("NUL: where a boolean is expected", DOC("\"root\": {\"path\": \"r\", \"readonly\": \"\\u0000\"}"),
		   "root.readonly: expected boolean, got string containing a NUL byte");
	fails_with("NUL: a required member holding one is not 'missing'", DOC("\"root\": {\"path\": \"\\u0000\"}"),
		   "root.path: expected string, got string containing a NUL byte");
	fails_like("NUL: in a map key", DOC("\"annotations\": {\"a\\u0000b\": \"v\"}"), "NUL");
	fails_like("NUL: a key with a NUL must not match a property", DOC("\"hostname\\u0000x\": 5"), "NUL");
}

static void test_size(void)
{
	const char *head = "{\"ociVersion\": \"1.2.0\", \"annotations\": {\"big\": \"";
	const char *tail = "\"}}";
	size_t total = (size_t)70 << 20, h = strlen(head), t = strlen(tail);
	char *buf = malloc(total + 1), *msg;
	struct mr_error *err = NULL;
	struct oci_config *cfg;
	struct mr_json *json;

	if (buf == NULL)
		bail_out("out of memory");
	memcpy(buf, head, h);
	memset(buf + h, 'x', total - h - t);
	memcpy(buf + total - t, tail, t + 1);

	json = mr_json_parse(buf, total, &err);
	ok(json == NULL, "size: a 70 MiB document is rejected");
	like(err ? err->msg : NULL, "too large", "size: ... as too large");
	mr_json_free(json);
	mr_error_free(err);
	err = NULL;

	cfg = mr_config_parse(buf, total, NULL, &err);
	ok(cfg == NULL, "size: mr_config_parse rejects it too");
	like(err ? err->msg : NULL, "too large", "size: ... as too large");
	mr_config_free(cfg);
	mr_error_free(err);
	err = NULL;

	/* one byte over the limit */
	memcpy(buf + MR_JSON_MAX_BYTES + 1 - t, tail, t + 1);
	cfg = model_parse_len(buf, MR_JSON_MAX_BYTES + 1, &msg);
	ok(cfg == NULL && msg && strstr(msg, "too large"), "size: MR_JSON_MAX_BYTES + 1 is rejected");
	mr_config_free(cfg);
	free(msg);

	/* exactly the limit is fine */
	memcpy(buf + MR_JSON_MAX_BYTES - t, tail, t + 1);
	cfg = model_parse_len(buf, MR_JSON_MAX_BYTES, &msg);
	if (!ok(cfg && cfg->annotations && strlen(cfg->annotations->values[0]) == MR_JSON_MAX_BYTES - h - t,
		"size: a document of exactly MR_JSON_MAX_BYTES is read whole"))
		diag("  error: %s", msg ? msg : "(none)");
	mr_config_free(cfg);
	free(msg);
	free(buf);
}

/* Messages are one line (util/error.h), whatever the document holds. */
static void one_line(const char *name, const char *text)
{
	struct mr_error *err = NULL;
	struct oci_config *cfg = mr_config_parse(text, strlen(text), NULL, &err);

	if (!ok(cfg == NULL && err && strchr(err->msg, '\n') == NULL, "%s", name))
		diag("  got: %s", err ? err->msg : "(no error)");
	mr_config_free(cfg);
	mr_error_free(err);
}

static void test_one_line(void)
{
	one_line("one line: a newline in an enum value (model.c)",
		 DOC("\"root\": {\"path\": \"r\"}, \"linux\": {\"namespaces\": [{\"type\": \"mou\\nt\"}]}"));
	one_line("one line: a newline in a described value (json.c)",
		 DOC("\"root\": {\"path\": \"r\"}, "
		     "\"process\": {\"cwd\": \"/\", \"terminal\": \"a\\nb\"}"));
	one_line("one line: a newline in a map key (the JSON path)",
		 DOC("\"root\": {\"path\": \"r\"}, \"annotations\": {\"a\\nb\": 1}"));
	one_line("one line: a newline in a checked value (validate.c)",
		 DOC("\"root\": {\"path\": \"r\"}, \"process\": {\"args\": [\"sh\"], \"cwd\": \"a\\nb\"}"));
	one_line(
	    "one line: a newline in an unchecked value is harmless",
	    DOC("\"root\": {\"path\": \"r\"}, \"hostname\": \"a\\nb\", \"process\": {\"args\": [], \"cwd\": \"/\"}"));
}

/* ---- the public API and round trips ---- */

static void test_api(void)
{
	struct mr_error *err = NULL;
	struct oci_config *cfg;
	char *out;
	const char *text =
	    DOC("\"root\": {\"path\": \"nosuchdir\"}, \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\"}");

	cfg = mr_config_parse(text, strlen(text), NULL, &err);
	if (!ok(cfg != NULL, "api: bundle NULL skips the filesystem checks"))
		diag("  error: %s", err ? err->msg : "(none)");
	out = cfg ? mr_config_to_json(cfg, true, &err) : NULL;
	is_str(out,
	       "{\n\t\"ociVersion\": \"1.2.0\",\n\t\"process\": {\n\t\t\"args\": [\n\t\t\t\"sh\"\n\t\t],\n"
	       "\t\t\"cwd\": \"/\"\n\t},\n\t\"root\": {\n\t\t\"path\": \"nosuchdir\"\n\t}\n}\n",
	       "api: pretty output is tab-indented and ends with a newline");
	free(out);
	mr_config_free(cfg);
	mr_error_free(err);
	err = NULL;

	cfg = mr_config_parse("{", 1, NULL, NULL);
	ok(cfg == NULL, "api: err may be NULL");
	mr_config_free(NULL);
	ok(true, "api: mr_config_free(NULL) is a no-op");

	text = DOC("\"root\": {\"path\": \"r\"}, \"process\": {\"args\": [], \"cwd\": \"/\"}");
	cfg = mr_config_parse(text, strlen(text), NULL, &err);
	ok(cfg == NULL, "api: mr_config_parse validates");
	is_str(err ? err->msg : NULL, "process.args: must not be empty", "api: ... with unprefixed messages");
	mr_config_free(cfg);
	mr_error_free(err);
	err = NULL;

	/* partial parses are freed (LeakSanitizer checks) */
	fails_like(
	    "api: a failure deep inside is cleaned up",
	    DOC("\"mounts\": [{\"destination\": \"/a\", \"options\": [\"x\"]}, {\"destination\": \"/b\", "
		"\"uidMappings\": [{\"containerID\": 0, \"hostID\": 0, \"size\": 1}], \"options\": [\"y\", 3]}], "
		"\"annotations\": {\"a\": \"b\"}"),
	    "mounts[1].options[1]: expected string, got number 3");
}

static void round_trip(const char *dir, const char *file)
{
	char *path = NULL, *text, *first = NULL, *second = NULL, *compact = NULL;
	struct mr_error *err = NULL;
	struct oci_config *a = NULL, *b = NULL;
	struct mr_json *orig = NULL, *emitted = NULL;
	size_t len = 0;

	if (asprintf(&path, "%s/%s", dir, file) < 0)
		bail_out("out of memory");
	text = read_file(path, &len);
	if (!ok(text != NULL, "round trip %s: read", file)) {
		diag("  %s: %s", path, strerror(errno));
		free(path);
		return;
	}
	a = mr_config_parse(text, len, NULL, &err);
	if (a)
		first = mr_config_to_json(a, true, &err);
	if (first)
		b = mr_config_parse(first, strlen(first), NULL, &err);
	if (b)
		second = mr_config_to_json(b, true, &err);
	if (!ok(second != NULL, "round trip %s: parse, emit, parse, emit", file))
		diag("  error: %s", err ? err->msg : "(none)");
	if (second)
		is_str(second, first, "round trip: the second emission is byte-identical");
	if (a)
		compact = mr_config_to_json(a, false, &err);
	ok(compact && strchr(compact, '\n') == NULL, "round trip %s: compact output is one line", file);

	orig = mr_json_parse(text, len, &err);
	if (compact)
		emitted = mr_json_parse(compact, strlen(compact), &err);
	ok(orig && emitted && json_equal(orig, emitted), "round trip %s: nothing is lost or changed", file);

	mr_json_free(orig);
	mr_json_free(emitted);
	mr_config_free(a);
	mr_config_free(b);
	mr_error_free(err);
	free(first);
	free(second);
	free(compact);
	free(text);
	free(path);
}

int main(void)
{
	const char *top = getenv("TOP_SRCDIR");
	char *valid = cat(top && *top ? top : ".", "/tests/configs/valid", "");

	test_strings();
	test_booleans();
	test_int32();
	test_uint32();
	test_uint16();
	test_int64();
	test_uint64();
	test_not_integers();
	test_arrays();
	test_maps();
	test_properties();
	test_syntax();
	test_depth();
	test_nul();
	test_size();
	test_one_line();
	test_api();
	round_trip(valid, "podman.json");
	round_trip(valid, "containerd.json");
	round_trip(valid, "runc-spec.json");
	free(valid);
	return done_testing();
}
