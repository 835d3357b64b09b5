/* The request's accessors: path parameters, query, headers, body. */
#include "http/internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void *mrd_req_app(const struct mrd_req *req)
{
	return req->http->app;
}

const char *mrd_req_method(const struct mrd_req *req)
{
	return req->method;
}

const char *mrd_req_path(const struct mrd_req *req)
{
	return req->path;
}

int mrd_req_api_minor(const struct mrd_req *req)
{
	return req->api_minor;
}

bool mrd_req_trusted(const struct mrd_req *req)
{
	return req->trusted;
}

const char *mrd_req_param(const struct mrd_req *req, const char *name)
{
	for (size_t i = 0; i < req->match.nparams; i++)
		if (strcmp(req->match.names[i], name) == 0)
			return req->match.values[i];
	return NULL;
}

const char *mrd_req_header(const struct mrd_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *mrd_query(const struct mrd_req *req, const char *key)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, key);
}

bool mrd_query_bool(const struct mrd_req *req, const char *key)
{
	const char *v = mrd_query(req, key);
	char low[8];
	size_t n = 0;

	if (v == NULL)
		return false;
	while (isspace((unsigned char)*v))
		v++;
	for (; v[n] != '\0' && !isspace((unsigned char)v[n]) && n < sizeof(low) - 1; n++)
		low[n] = (char)tolower((unsigned char)v[n]);
	low[n] = '\0';
	return !(n == 0 || strcmp(low, "0") == 0 || strcmp(low, "no") == 0 || strcmp(low, "false") == 0 ||
		 strcmp(low, "none") == 0);
}

int mrd_query_int(struct mrd_req *req, const char *key, int64_t def, int64_t *out)
{
	const char *v = mrd_query(req, key);
	char *end;
	long long n;

	*out = def;
	if (v == NULL || *v == '\0')
		return 0;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0') {
		mrd_reply_error(req, 400, "invalid value for query parameter %s: \"%.64s\" is not an integer", key, v);
		return -1;
	}
	*out = n;
	return 0;
}

const char *mrd_req_body(const struct mrd_req *req, size_t *len)
{
	*len = req->body_len;
	return req->body ? req->body : "";
}

int mrd_req_body_fd(const struct mrd_req *req, uint64_t *size)
{
	*size = req->body_size;
	return req->body_fd;
}

struct collect {
	const char *key;
	const char **v;
	size_t n;
};

static enum MHD_Result collect_value(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct collect *c = cls;
	if (strcmp(key, c->key) == 0 && value != NULL) {
		const char **p = realloc(c->v, (c->n + 1) * sizeof(char *));
		if (p == NULL)
			return MHD_NO;
		c->v = p;
		c->v[c->n++] = value;
	}
	return MHD_YES;
}

const char **mrd_query_all(const struct mrd_req *req, const char *key, size_t *n)
{
	struct collect c = {key, NULL, 0};
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, collect_value, &c);
	*n = c.n;
	return c.v;
}
