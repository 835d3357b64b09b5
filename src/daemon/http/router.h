/* Routing of a request path to a handler: the optional API version prefix
 * (/v1.41/...), then the first route of the tables whose method and
 * pattern match. Pure functions, no I/O (unit-tested and fuzzed). */
#ifndef MINIRUND_HTTP_ROUTER_H
#define MINIRUND_HTTP_ROUTER_H

#include <stddef.h>

#include "http/request.h"

#define MRD_ROUTE_MAX_PARAMS 4

/* Split "/v1.41/containers/json" into the version (1, 41) and the rest.
 * Returns the rest of the path (a pointer into path); *major is 0 when
 * there is no version prefix. A prefix that is not "v<digits>.<digits>"
 * is no prefix. */
const char *mrd_route_strip_version(const char *path, int *major, int *minor);

struct mrd_route_match {
	const struct mrd_route *route;
	size_t nparams;
	char *names[MRD_ROUTE_MAX_PARAMS];
	char *values[MRD_ROUTE_MAX_PARAMS]; /* malloc'ed */
	int method_mismatch; /* a pattern matched, but for other methods */
};

/* 0 and m->route set on a match; -1 with m->method_mismatch telling a 405
 * from a 404. Free with mrd_route_match_clear. */
int mrd_route_find(const struct mrd_route_table *const *tables, const char *method, const char *path,
		   struct mrd_route_match *m);
void mrd_route_match_clear(struct mrd_route_match *m);

#endif
