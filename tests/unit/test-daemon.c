/* Unit tests of minirund's pure parts: the router, image references, the
 * create body and its record, CRI log lines, times, filters, stats. */
#include "tap.h"

#include "api/filters.h"
#include "http/router.h"
#include "image/images.h"
#include "jsonw.h"
#include "manager/config.h"
#include "manager/logs.h"
#include "manager/stats.h"
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
	ok(parse("{\"Image\":\"bb\",\"HostConfig\":{\"PortBindings\":{}}}", &err) != NULL, "an unsupported field at its default passes");
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
	mrd_format_time(1704164645123000000LL, buf, sizeof(buf));
	is_str(buf, "2024-01-02T03:04:05.123Z", "Go's RFC3339Nano drops trailing zeros");
	mrd_format_time(0, buf, sizeof(buf));
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
	test_cri();
	test_filters();
	return done_testing();
}
