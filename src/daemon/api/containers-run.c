/* /containers/{id}/...: the operations on a container's processes. */
#include "api/api.h"
#include "api/containers.h"

static void removed(void *data, const struct mr_error *err)
{
	struct mrd_req *req = data;
	if (err != NULL)
		mrd_api_reply_err(req, err);
	else
		mrd_reply_empty(req, 204);
}

static void remove_ctr(struct mrd_req *req)
{
	struct mrd_ctr *c = mrd_api_find_ctr(req);
	if (c != NULL)
		mrd_ctr_remove(c, mrd_query_bool(req, "force"), mrd_query_bool(req, "v"), removed, req);
}

static const struct mrd_route routes[] = {
	{"DELETE", "/containers/{id}", MRD_BODY_NONE, remove_ctr},
	{NULL, NULL, 0, NULL},
};
const struct mrd_route_table mrd_api_containers_run = {routes};
