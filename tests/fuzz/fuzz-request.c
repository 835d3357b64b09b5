/* libFuzzer target: minirund's parsers of what a client sends. The first
 * byte picks the parser, the rest is its input:
 *   0  a request line "METHOD PATH": version prefix and routing
 *   1  a create body: parsed, written back as a record, parsed again (the
 *      same record must come out), checked as a config, given to update
 *   2  a `filters` query value
 *   3  an image reference
 *   4  a line of a container's CRI log
 * Nothing may crash or leak; every failure is one line.
 * Build: ./configure --enable-fuzzing CC=clang && make
 * Run:   tests/fuzz/fuzz-request -max_total_time=60 corpus/ tests/fuzz/seeds/fuzz-request */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/filters.h"
#include "http/router.h"
#include "image/images.h"
#include "util/jsonw.h"
#include "manager/config.h"
#include "manager/logs.h"
#include "oci/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void nothing(struct mrd_req *req)
{
	(void)req;
}

static const struct mrd_route routes[] = {
	{"GET", "/containers/{id}/json", MRD_BODY_NONE, nothing},
	{"POST", "/containers/{id}/attach", MRD_BODY_NONE, nothing},
	{"GET", "/images/{name*}/json", MRD_BODY_NONE, nothing},
	{"DELETE", "/images/{name*}", MRD_BODY_NONE, nothing},
	{"*", "/networks/{rest*}", MRD_BODY_NONE, nothing},
	{"GET", "/a/{x}/{y*}/b/{z}", MRD_BODY_NONE, nothing},
	{NULL, NULL, 0, NULL},
};
static const struct mrd_route_table table = {routes};
static const struct mrd_route_table *const tables[] = {&table, NULL};

static void check_error(struct mr_error *err)
{
	if (err == NULL || err->msg == NULL || strchr(err->msg, '\n') != NULL)
		abort();
	mr_error_free(err);
}

static void route(const char *s)
{
	const char *sp = strchr(s, ' ');
	char method[16];
	struct mrd_route_match m;
	int major, minor;

	if (sp == NULL || sp - s >= (long)sizeof(method))
		return;
	memcpy(method, s, (size_t)(sp - s));
	method[sp - s] = '\0';
	const char *path = mrd_route_strip_version(sp + 1, &major, &minor);
	if (mrd_route_find(tables, method, path, &m) == 0) {
		if (m.route == NULL)
			abort();
		for (size_t i = 0; i < m.nparams; i++)
			if (m.values[i] == NULL || m.values[i][0] == '\0' || strstr(path, m.values[i]) == NULL)
				abort();
	}
	mrd_route_match_clear(&m);
}

static void create_body(const char *s, size_t len)
{
	struct mr_error *err = NULL;
	struct mr_json *j = mr_json_parse(s, len, &err), *again;
	struct mrd_ctr_config *c, *c2;
	char *r1, *r2;

	if (j == NULL) {
		check_error(err);
		return;
	}
	c = mrd_ctr_config_parse(j, &err);
	if (c == NULL) {
		check_error(err);
		mr_json_free(j);
		return;
	}
	/* the record reads back to itself */
	r1 = mrd_ctr_config_record(c);
	again = mr_json_parse(r1, strlen(r1), NULL);
	c2 = again ? mrd_ctr_config_parse(again, NULL) : NULL;
	if (c2 == NULL)
		abort();
	r2 = mrd_ctr_config_record(c2);
	if (strcmp(r1, r2) != 0)
		abort();
	if (mrd_spec_check(c, &err) < 0)
		check_error(err);
	err = NULL;
	if (mrd_ctr_config_update(c, j, &err) < 0)
		check_error(err);
	free(r1);
	free(r2);
	mr_json_free(again);
	mrd_ctr_config_free(c2);
	mrd_ctr_config_free(c);
	mr_json_free(j);
}

static void filters(const char *s)
{
	static const char *const allowed[] = {"status", "label", "name", "id", NULL};
	struct mr_error *err = NULL;
	struct mrd_filters *f = mrd_filters_parse(s, allowed, &err);
	size_t n;

	if (f == NULL) {
		check_error(err);
		return;
	}
	mrd_filters_get(f, "label", &n);
	mrd_filters_match(f, "status", "running");
	mrd_filters_free(f);
}

static void reference(const char *s)
{
	struct mr_error *err = NULL;
	char *out = NULL;

	if (mrd_ref_normalize(s, &out, &err) < 0) {
		check_error(err);
		return;
	}
	if (strchr(out, ':') == NULL)
		abort();
	/* normal forms are fixed points */
	char *again = NULL;
	if (mrd_ref_normalize(out, &again, NULL) < 0 || strcmp(again, out) != 0)
		abort();
	free(again);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1 || size > (1u << 20))
		return 0;
	s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 5) {
	case 0:
		route(s);
		break;
	case 1:
		create_body(s, size - 1);
		break;
	case 2:
		filters(s);
		break;
	case 3:
		reference(s);
		break;
	case 4: {
		struct mrd_cri_line l;
		if (mrd_cri_parse(s, size - 1, &l) == 0 && (l.text < s || l.text + l.len > s + size - 1))
			abort();
		break;
	}
	}
	free(s);
	return 0;
}
