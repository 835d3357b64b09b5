#include "http/router.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SEGMENTS 64

const char *mrd_route_strip_version(const char *path, int *major, int *minor)
{
	const char *p = path;
	long ma = 0, mi = 0;
	int digits = 0;

	*major = 0;
	*minor = 0;
	if (p[0] != '/' || p[1] != 'v')
		return path;
	p += 2;
	for (digits = 0; *p >= '0' && *p <= '9'; p++, digits++)
		if (digits < 6)
			ma = ma * 10 + (*p - '0');
	if (digits == 0 || digits > 5 || *p != '.')
		return path;
	p++;
	for (digits = 0; *p >= '0' && *p <= '9'; p++, digits++)
		if (digits < 6)
			mi = mi * 10 + (*p - '0');
	if (digits == 0 || digits > 5 || (*p != '/' && *p != '\0'))
		return path;
	*major = (int)ma;
	*minor = (int)mi;
	return *p == '\0' ? "/" : p;
}

struct segs {
	size_t n;
	const char *s[MAX_SEGMENTS];
	size_t len[MAX_SEGMENTS];
};

/* Split "/a/b/c" into its segments; an empty segment ("//", a trailing
 * slash) is kept, as it makes the path match nothing. */
static int split(const char *path, struct segs *out)
{
	out->n = 0;
	if (*path != '/')
		return -1;
	path++;
	for (;;) {
		const char *slash = strchr(path, '/');
		size_t len = slash ? (size_t)(slash - path) : strlen(path);
		if (out->n == MAX_SEGMENTS)
			return -1;
		out->s[out->n] = path;
		out->len[out->n++] = len;
		if (slash == NULL)
			return 0;
		path = slash + 1;
	}
}

static bool is_param(const char *s, size_t len, bool *greedy)
{
	if (len < 3 || s[0] != '{' || s[len - 1] != '}')
		return false;
	*greedy = s[len - 2] == '*';
	return true;
}

static void set_param(struct mrd_route_match *m, const char *name, size_t nlen, const char *v, size_t vlen)
{
	if (m->nparams == MRD_ROUTE_MAX_PARAMS)
		return;
	m->names[m->nparams] = strndup(name, nlen);
	m->values[m->nparams] = strndup(v, vlen);
	m->nparams++;
}

/* Match pattern segments pi.. against path segments si..; a greedy
 * parameter takes the most segments that still let the rest match. */
static bool match(const struct segs *pat, size_t pi, const struct segs *path, size_t si, struct mrd_route_match *m)
{
	bool greedy;

	if (pi == pat->n)
		return si == path->n;
	if (si == path->n)
		return false;
	if (!is_param(pat->s[pi], pat->len[pi], &greedy)) {
		if (pat->len[pi] != path->len[si] || memcmp(pat->s[pi], path->s[si], pat->len[pi]) != 0)
			return false;
		return match(pat, pi + 1, path, si + 1, m);
	}
	const char *name = pat->s[pi] + 1;
	size_t nlen = pat->len[pi] - 2 - (greedy ? 1 : 0);
	size_t max_take = greedy ? path->n - si : 1;
	for (size_t take = max_take; take >= 1; take--) {
		size_t last = si + take - 1;
		bool empty = false;
		for (size_t k = si; k <= last; k++)
			empty |= path->len[k] == 0;
		if (empty)
			continue;
		size_t before = m->nparams;
		if (match(pat, pi + 1, path, si + take, m)) {
			const char *v = path->s[si];
			size_t vlen = (size_t)(path->s[last] + path->len[last] - v);
			/* parameters are set innermost first; keep pattern order */
			set_param(m, name, nlen, v, vlen);
			if (m->nparams > before + 1) {
				char *n0 = m->names[m->nparams - 1], *v0 = m->values[m->nparams - 1];
				memmove(&m->names[before + 1], &m->names[before], (m->nparams - 1 - before) * sizeof(char *));
				memmove(&m->values[before + 1], &m->values[before], (m->nparams - 1 - before) * sizeof(char *));
				m->names[before] = n0;
				m->values[before] = v0;
			}
			return true;
		}
	}
	return false;
}

int mrd_route_find(const struct mrd_route_table *const *tables, const char *method, const char *path,
		   struct mrd_route_match *m)
{
	struct segs ps, pp;

	memset(m, 0, sizeof(*m));
	if (split(path, &ps) < 0)
		return -1;
	for (size_t t = 0; tables[t] != NULL; t++)
		for (const struct mrd_route *r = tables[t]->routes; r->pattern != NULL; r++) {
			if (split(r->pattern, &pp) < 0 || !match(&pp, 0, &ps, 0, m)) {
				mrd_route_match_clear(m);
				continue;
			}
			bool same = strcmp(r->method, method) == 0 || strcmp(r->method, "*") == 0 ||
				    (strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0);
			if (same) {
				m->route = r;
				return 0;
			}
			mrd_route_match_clear(m);
			m->method_mismatch = 1;
		}
	return -1;
}

void mrd_route_match_clear(struct mrd_route_match *m)
{
	int mismatch = m->method_mismatch;

	for (size_t i = 0; i < m->nparams; i++) {
		free(m->names[i]);
		free(m->values[i]);
	}
	memset(m, 0, sizeof(*m));
	m->method_mismatch = mismatch;
}
