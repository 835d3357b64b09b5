/* What every API file shares: JSON replies and errors by errno. */
#include <errno.h>
#include <string.h>

#include "api/api.h"
#include "util/jsonw.h"

void mrd_api_reply_gen(struct mrd_req *req, int status, yajl_gen g)
{
	size_t len;
	const char *buf = mr_jw_buf(g, &len);
	mrd_reply_json(req, status, buf, len);
	yajl_gen_free(g);
}

int mrd_api_status_of(int errnum)
{
	switch (errnum) {
	case ENOENT:
		return 404;
	case EEXIST:
	case EBUSY:
	case EALREADY:
		return 409;
	case EINVAL:
	case E2BIG:
	case ERANGE:
	case EFBIG:
		return 400;
	case ENOTSUP:
		return 501;
	case EPERM:
		return 403;
	default:
		return 500;
	}
}

void mrd_api_reply_err(struct mrd_req *req, const struct mr_error *err)
{
	if (err == NULL) {
		mrd_reply_error(req, 500, "internal error");
		return;
	}
	mrd_reply_error(req, mrd_api_status_of(err->errnum), "%s", err->msg ? err->msg : "error");
}

struct mr_json *mrd_api_body(struct mrd_req *req, bool empty_ok)
{
	size_t len;
	const char *body = mrd_req_body(req, &len);
	struct mr_json *j;
	struct mr_error *err = NULL;

	if (len == 0 || (len == 4 && memcmp(body, "null", 4) == 0)) {
		if (empty_ok)
			return mr_json_parse("{}", 2, NULL);
		mrd_reply_error(req, 400, "the request needs a JSON body");
		return NULL;
	}
	j = mr_json_parse(body, len, &err);
	if (j == NULL) {
		mrd_reply_error(req, 400, "malformed JSON body: %s", err ? err->msg : "parse error");
		mr_error_free(err);
	}
	return j;
}
