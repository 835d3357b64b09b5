/* The parts of the Engine API minirund does not have (yet): a clear error
 * for each, never a silent success. */
#include <string.h>

#include "api/api.h"

struct area {
	const char *prefix;
	const char *what;
};

static const struct area areas[] = {
	{"/networks", "networks (--network none and host work; user-defined networks come later)"},
	{"/volumes", "named volumes (bind mounts work: -v /host/path:/path)"},
	{"/swarm", "swarm mode"},
	{"/nodes", "swarm mode"},
	{"/services", "swarm mode"},
	{"/tasks", "swarm mode"},
	{"/secrets", "swarm mode"},
	{"/configs", "swarm mode"},
	{"/plugins", "plugins"},
	{"/build", "building images (docker build); use docker import or docker load"},
	{"/session", "building images (docker build); use docker import or docker load"},
	{"/distribution", "registries"},
	{"/auth", "registries (docker login)"},
	{"/commit", "docker commit"},
	{"/containers/", "this container operation"},
	{NULL, NULL},
};

static void unsupported(struct mrd_req *req)
{
	const char *path = mrd_req_path(req);
	const char *what = "this endpoint";

	for (const struct area *a = areas; a->prefix; a++)
		if (strncmp(path, a->prefix, strlen(a->prefix)) == 0) {
			what = a->what;
			break;
		}
	if (strstr(path, "/archive") != NULL)
		what = "copying files in and out of containers (docker cp)";
	else if (strstr(path, "/export") != NULL)
		what = "docker export";
	mrd_reply_error(req, 501, "minirund does not support %s", what);
}

static void no_volumes(struct mrd_req *req)
{
	static const char body[] = "{\"Volumes\":[],\"Warnings\":[]}";
	mrd_reply_json(req, 200, body, sizeof(body) - 1);
}

/* docker inspect asks every kind of object in turn: a name that is no
 * network or volume is a 404 for it to go on. */
static void no_such_network(struct mrd_req *req)
{
	mrd_reply_error(req, 404, "network %s not found", mrd_req_param(req, "id"));
}

static void no_such_volume(struct mrd_req *req)
{
	mrd_reply_error(req, 404, "get %s: no such volume", mrd_req_param(req, "id"));
}

static void no_such_plugin(struct mrd_req *req)
{
	mrd_reply_error(req, 404, "plugin \"%s\" not found", mrd_req_param(req, "id"));
}

static const struct mrd_route routes[] = {
	{"GET", "/volumes", MRD_BODY_NONE, no_volumes},
	{"GET", "/networks/{id}", MRD_BODY_NONE, no_such_network},
	{"GET", "/volumes/{id}", MRD_BODY_NONE, no_such_volume},
	{"GET", "/plugins/{id*}/json", MRD_BODY_NONE, no_such_plugin},
	{"*", "/networks", MRD_BODY_NONE, unsupported},
	{"*", "/networks/{rest*}", MRD_BODY_NONE, unsupported},
	{"*", "/volumes/{rest*}", MRD_BODY_NONE, unsupported},
	{"*", "/swarm", MRD_BODY_NONE, unsupported},
	{"*", "/swarm/{rest*}", MRD_BODY_NONE, unsupported},
	{"*", "/nodes", MRD_BODY_NONE, unsupported},
	{"*", "/nodes/{rest*}", MRD_BODY_NONE, unsupported},
	{"*", "/services", MRD_BODY_NONE, unsupported},
	{"*", "/services/{rest*}", MRD_BODY_NONE, unsupported},
	{"*", "/tasks", MRD_BODY_NONE, unsupported},
	{"*", "/tasks/{rest*}", MRD_BODY_NONE, unsupported},
	{"*", "/secrets", MRD_BODY_NONE, unsupported},
	{"*", "/secrets/{rest*}", MRD_BODY_NONE, unsupported},
	{"*", "/configs", MRD_BODY_NONE, unsupported},
	{"*", "/configs/{rest*}", MRD_BODY_NONE, unsupported},
	{"*", "/plugins", MRD_BODY_NONE, unsupported},
	{"*", "/plugins/{rest*}", MRD_BODY_NONE, unsupported},
	{"*", "/build", MRD_BODY_NONE, unsupported},
	{"*", "/build/{rest*}", MRD_BODY_NONE, unsupported},
	{"*", "/session", MRD_BODY_NONE, unsupported},
	{"*", "/distribution/{rest*}", MRD_BODY_NONE, unsupported},
	{"*", "/auth", MRD_BODY_NONE, unsupported},
	{"*", "/commit", MRD_BODY_NONE, unsupported},
	{"*", "/containers/{id}/archive", MRD_BODY_NONE, unsupported},
	{"*", "/containers/{id}/export", MRD_BODY_NONE, unsupported},
	{NULL, NULL, 0, NULL},
};

const struct mrd_route_table mrd_api_unsupported = {routes};
