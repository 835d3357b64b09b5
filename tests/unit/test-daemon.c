/* Unit tests of minirund's pure parts: the router, image references, the
 * create body and its record, CRI log lines, times, filters, stats. */
#include "tap.h"

#include "api/filters.h"
#include "http/router.h"
#include "image/images.h"
#include "times.h"
#include "util/jsonw.h"
#include "manager/config.h"
#include "manager/logs.h"
#include "manager/stats.h"
#include "oci/seccomp-profile.h"
#include "oci/spec.h"

static void nothing(struct mrd_req *req)
{
	(void)req;
}

static const struct mrd_route routes[] = {
	{"GET", "/containers/json", MRD_BODY_NONE, nothing},
	{"GET", "/containers/{id}/json", MRD_BODY_NONE, nothing},
	{"GET", "/images/{name*}/json", MRD_BODY_NONE, nothing},
	{"DELETE", "/images/{name*}", MRD_BODY_NONE, nothing},
	{NULL, NULL, 0, NULL},
};
static const struct mrd_route_table table = {routes};
static const struct mrd_route_table *const tables[] = {&table, NULL};

static void test_router(void)
{
	struct mrd_route_match m;
	int major, minor;

	is_str(mrd_route_strip_version("/v1.41/containers/json", &major, &minor), "/containers/json", "version stripped");
	ok(major == 1 && minor == 41, "version 1.41 read");
	is_str(mrd_route_strip_version("/vx.1/a", &major, &minor), "/vx.1/a", "not a version: kept");
	ok(major == 0, "no version");
	ok(mrd_route_find(tables, "GET", "/containers/json", &m) == 0 && m.route == &routes[0], "literal route first");
	mrd_route_match_clear(&m);
	ok(mrd_route_find(tables, "GET", "/containers/abc/json", &m) == 0 && m.nparams == 1, "one parameter");
	is_str(m.values[0], "abc", "its value");
	mrd_route_match_clear(&m);
	ok(mrd_route_find(tables, "GET", "/images/docker.io/library/busybox:1/json", &m) == 0, "greedy parameter");
	is_str(m.values[0], "docker.io/library/busybox:1", "it takes the slashes");
	mrd_route_match_clear(&m);
	ok(mrd_route_find(tables, "DELETE", "/images/a/b", &m) == 0, "greedy at the end");
	is_str(m.values[0], "a/b", "its value");
	mrd_route_match_clear(&m);
	ok(mrd_route_find(tables, "PUT", "/containers/json", &m) < 0 && m.method_mismatch, "wrong method: a 405");
	mrd_route_match_clear(&m);
	ok(mrd_route_find(tables, "GET", "/containers//json", &m) < 0 && !m.method_mismatch, "empty segment: a 404");
	mrd_route_match_clear(&m);
	ok(mrd_route_find(tables, "HEAD", "/containers/json", &m) == 0, "HEAD takes a GET route");
	mrd_route_match_clear(&m);
}

static void ref(const char *in, const char *want)
{
	char *out = NULL;
	struct mr_error *err = NULL;

	if (mrd_ref_normalize(in, &out, &err) < 0) {
		ok(want == NULL, "%s refused: %s", in, err->msg);
		mr_error_free(err);
		return;
	}
	is_str(out, want ? want : "(refused)", in);
	free(out);
}

static void test_references(void)
{
	ref("busybox", "busybox:latest");
	ref("docker.io/library/busybox:1.36", "busybox:1.36");
	ref("library/busybox", "busybox:latest");
	ref("docker.io/someone/app", "someone/app:latest");
	ref("localhost:5000/app:v1", "localhost:5000/app:v1");
	ref("registry.example/a/b/c:x", "registry.example/a/b/c:x");
	ref("Busybox", NULL);
	ref("busybox:", NULL);
	ref("bu--sy", "bu--sy:latest");
	ref("a..b", NULL);
	ref("busybox:bad tag", NULL);
}

static struct mrd_ctr_config *parse(const char *json, struct mr_error **err)
{
	struct mr_json *j = mr_json_parse(json, strlen(json), err);
	struct mrd_ctr_config *c = j ? mrd_ctr_config_parse(j, err) : NULL;
	mr_json_free(j);
	return c;
}

static void test_config(void)
{
	struct mr_error *err = NULL;
	struct mrd_ctr_config *c = parse("{\"Image\":\"bb\",\"Cmd\":\"echo hi\",\"Env\":[\"A=1\"],\"Labels\":{\"k\":\"v\"},"
					 "\"HostConfig\":{\"Memory\":67108864,\"NanoCpus\":500000000,\"PidsLimit\":20,"
					 "\"RestartPolicy\":{\"Name\":\"on-failure\",\"MaximumRetryCount\":3},"
					 "\"Binds\":[\"/a:/b:ro\"],\"Tmpfs\":{\"/t\":\"size=1m\"}}}",
					 &err);
	ok(c != NULL, "a create body parses");
	if (c == NULL) {
		diag("%s", err->msg);
		return;
	}
	ok(c->cmd.n == 1 && strcmp(c->cmd.v[0], "echo hi") == 0, "Cmd as a string is one argument");
	ok(c->res.memory == 67108864 && c->res.nano_cpus == 500000000 && c->res.pids_limit == 20, "resources");
	ok(strcmp(c->restart_name, "on-failure") == 0 && c->restart_max == 3, "restart policy");
	ok(strcmp(mrd_kvs_get(&c->labels, "k"), "v") == 0, "labels");
	char *r1 = mrd_ctr_config_record(c);
	struct mrd_ctr_config *c2 = parse(r1, &err);
	char *r2 = c2 ? mrd_ctr_config_record(c2) : NULL;
	ok(r2 != NULL && strcmp(r1, r2) == 0, "the record reads back to itself");
	const char *u = "{\"Memory\":134217728,\"CpuShares\":0}";
	struct mr_json *upd = mr_json_parse(u, strlen(u), NULL);
	ok(mrd_ctr_config_update(c, upd, &err) == 0 && c->res.memory == 134217728 && c->res.nano_cpus == 500000000,
	   "update changes what is set, keeps what is zero");
	mr_json_free(upd);
	free(r1);
	free(r2);
	mrd_ctr_config_free(c);
	mrd_ctr_config_free(c2);

	ok(parse("{\"Image\":\"bb\",\"HostConfig\":{\"Memory\":true}}", &err) == NULL &&
		   strstr(err->msg, "HostConfig.Memory: expected an integer, got") != NULL,
	   "a wrong type names the field");
	mr_error_free(err);
	err = NULL;
	ok(parse("{\"Image\":\"bb\",\"Nope\":1}", &err) == NULL && strcmp(err->msg, "Nope: unknown field") == 0,
	   "an unknown field names it");
	mr_error_free(err);
	err = NULL;
	c2 = parse("{\"Image\":\"bb\",\"HostConfig\":{\"PortBindings\":{}}}", &err);
	ok(c2 != NULL, "an unsupported field at its default passes");
	mrd_ctr_config_free(c2);
	ok(parse("{\"Image\":\"bb\",\"HostConfig\":{\"Links\":[\"a:b\"]}}", &err) == NULL &&
		   strstr(err->msg, "HostConfig.Links: not supported") != NULL,
	   "an unsupported field with a value is refused");
	mr_error_free(err);
}

static void test_caps(void)
{
	struct mr_error *err = NULL;
	struct mrd_ctr_config *c = parse("{\"Image\":\"bb\",\"Cmd\":[\"x\"],\"HostConfig\":{\"CapDrop\":[\"ALL\"],\"CapAdd\":[\"net_admin\"]}}", &err);
	size_t n;
	char **caps = mrd_spec_caps(c, &n, &err);

	ok(caps != NULL && n == 1 && strcmp(caps[0], "CAP_NET_ADMIN") == 0, "drop ALL then add one: that one");
	for (size_t i = 0; i < n; i++)
		free(caps[i]);
	free(caps);
	mrd_ctr_config_free(c);
	c = parse("{\"Image\":\"bb\",\"Cmd\":[\"x\"]}", &err);
	caps = mrd_spec_caps(c, &n, &err);
	ok(n == 14, "Docker's 14 default capabilities");
	for (size_t i = 0; i < n; i++)
		free(caps[i]);
	free(caps);
	mrd_ctr_config_free(c);
}

static bool cap_sys_admin(const char *cap, void *data)
{
	return data != NULL && strcmp(cap, "CAP_SYS_ADMIN") == 0;
}

static struct mr_json *profile(bool sys_admin)
{
	yajl_gen g = mr_jw_new();
	size_t len;
	const char *buf;
	struct mr_json *j;

	mr_jw_obj(g, NULL);
	mrd_seccomp_default_write(g, "seccomp", cap_sys_admin, sys_admin ? "yes" : NULL);
	mr_jw_obj_end(g);
	buf = mr_jw_buf(g, &len);
	j = mr_json_parse(buf, len, NULL);
	yajl_gen_free(g);
	return j;
}

static bool names_has(const struct mr_json *rule, const char *name)
{
	const struct mr_json *names = mr_json_get(rule, "names");
	for (size_t i = 0; names && i < names->len; i++)
		if (strcmp(names->items[i]->text, name) == 0)
			return true;
	return false;
}

/* Would the profile refuse name(arg0)? Each rule is one comparison. */
static bool denies(const struct mr_json *p, const char *name, uint64_t arg0)
{
	const struct mr_json *rules = mr_json_get(mr_json_get(p, "seccomp"), "syscalls");
	for (size_t i = 0; rules && i < rules->len; i++) {
		const struct mr_json *r = rules->items[i], *args = mr_json_get(r, "args"), *a, *v2;
		if (!names_has(r, name))
			continue;
		if (args == NULL || args->len == 0)
			return true;
		a = args->items[0];
		uint64_t v = strtoull(mr_json_get(a, "value")->text, NULL, 10);
		const char *op = mr_json_get(a, "op")->text;
		v2 = mr_json_get(a, "valueTwo");
		if ((strcmp(op, "SCMP_CMP_EQ") == 0 && arg0 == v) || (strcmp(op, "SCMP_CMP_GT") == 0 && arg0 > v) ||
		    (strcmp(op, "SCMP_CMP_MASKED_EQ") == 0 && (arg0 & v) == strtoull(v2->text, NULL, 10)))
			return true;
	}
	return false;
}

static void test_seccomp(void)
{
	struct mr_json *p = profile(false), *admin = profile(true);
	static const uint64_t allowed[] = {0, 8, 0x20000, 0x20008, 0xffffffff};
	static const uint64_t refused[] = {1, 7, 9, 0x40000, 0x40008, 0x400000, 0x20009, 0x7fffffff, 0x80000000,
					   0xfffffffe, 0xbfffffff, 0x100000000ull, 0x1ffffffffull, 0x100000008ull};
	bool all = true;

	ok(p != NULL && admin != NULL, "the default profile is JSON");
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		all = all && !denies(p, "personality", allowed[i]);
	ok(all, "personality: Docker's values pass (0, 8, 0x20000, 0x20008, the query)");
	all = true;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (denies(p, "personality", refused[i]) == false) {
			diag("personality(0x%llx) passes", (unsigned long long)refused[i]);
			all = false;
		}
	for (unsigned bit = 0; bit < 32; bit++)
		if (bit != 3 && bit != 17 && !denies(p, "personality", 1ull << bit)) {
			diag("personality(1 << %u) passes", bit);
			all = false;
		}
	ok(all, "personality: any other value is refused");
	ok(denies(p, "socket", 40) && !denies(p, "socket", 2) && !denies(p, "socket", 1), "AF_VSOCK refused, others pass");
	ok(denies(p, "sethostname", 0) && denies(p, "unshare", 0) && !denies(admin, "sethostname", 0) &&
		   !denies(admin, "unshare", 0),
	   "sethostname and unshare need CAP_SYS_ADMIN");
	ok(denies(p, "clone", 0x10000000) && !denies(p, "clone", 0x11) && !denies(admin, "clone", 0x10000000),
	   "clone with a namespace flag needs CAP_SYS_ADMIN");
	ok(denies(p, "keyctl", 0) && denies(admin, "keyctl", 0) && denies(p, "io_uring_setup", 0),
	   "keyrings and io_uring are refused even with CAP_SYS_ADMIN");
	ok(!denies(p, "clock_adjtime", 0) && !denies(p, "process_vm_readv", 0) && !denies(p, "name_to_handle_at", 0) &&
		   denies(p, "clock_settime", 0) && denies(p, "pidfd_getfd", 0) && denies(p, "get_mempolicy", 0),
	   "the kernel-checked calls pass, the capability-gated ones do not (as Docker)");
	mr_json_free(p);
	mr_json_free(admin);
}

static void test_cri(void)
{
	struct mrd_cri_line l;
	const char *line = "2024-01-02T03:04:05.123456789Z stderr P part of a line";

	ok(mrd_cri_parse(line, strlen(line), &l) == 0, "a CRI line parses");
	ok(l.stream == 2 && l.partial, "stream and partial tag");
	ok(l.len == 14 && memcmp(l.text, "part of a line", 14) == 0, "its text");
	ok(l.time_ns == 1704164645123456789LL, "its time");
	ok(mrd_cri_parse("x stdout F", 10, &l) < 0, "no text: not a line");
	ok(mrd_cri_parse("t stdin F x", 11, &l) < 0, "bad stream: not a line");
	char buf[64];
	mr_time_format_go(1704164645123000000LL, buf, sizeof(buf));
	is_str(buf, "2024-01-02T03:04:05.123Z", "Go's RFC3339Nano drops trailing zeros");
	mr_time_format_go(0, buf, sizeof(buf));
	is_str(buf, "0001-01-01T00:00:00Z", "zero time as Go writes it");
	ok(mrd_parse_time("2024-01-02T04:04:05+01:00") == 1704164645000000000LL, "an offset is honoured");
}

static void test_filters(void)
{
	static const char *const allowed[] = {"label", "status", NULL};
	struct mr_error *err = NULL;
	struct mrd_filters *f = mrd_filters_parse("{\"status\":{\"running\":true},\"label\":[\"a=b\"]}", allowed, &err);

	ok(f != NULL && mrd_filters_match(f, "status", "running") && !mrd_filters_match(f, "status", "exited"),
	   "both filter forms");
	mrd_filters_free(f);
	ok(mrd_filters_parse("{\"nope\":[\"x\"]}", allowed, &err) == NULL && strcmp(err->msg, "invalid filter 'nope'") == 0,
	   "an unknown filter is refused");
	mr_error_free(err);
}

int main(void)
{
	test_router();
	test_references();
	test_config();
	test_caps();
	test_seccomp();
	test_cri();
	test_filters();
	return done_testing();
}
