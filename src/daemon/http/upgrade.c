/* 101 Switching Protocols: the library sends the response head and then
 * hands us the socket, which becomes an mrd_conn on our loop. Closing it
 * goes back through the library (MHD_upgrade_action), which then ends the
 * request. */
#include "http/internal.h"

#include <stdlib.h>
#include <string.h>

struct upgrade {
	struct mrd_req *req;
	struct MHD_UpgradeResponseHandle *urh;
};

static void release(int fd, void *data)
{
	struct MHD_UpgradeResponseHandle *urh = data;
	MHD_upgrade_action(urh, MHD_UPGRADE_ACTION_CLOSE);
}

static void ignore_data(struct mrd_conn *c, const char *buf, size_t len, void *ud)
{
}

static const struct mrd_conn_ops placeholder_ops = {.data = ignore_data};

static void on_upgraded(void *cls, struct MHD_Connection *connection, void *con_cls, const char *extra_in,
			size_t extra_in_size, MHD_socket sock, struct MHD_UpgradeResponseHandle *urh)
{
	struct mrd_req *req = cls;
	struct mrd_conn *c;

	req->upgraded = true;
	req->abort_fn = NULL;
	c = mrd_conn_new(req->http->loop, sock, &placeholder_ops, NULL, 4u << 20);
	if (c == NULL) {
		MHD_upgrade_action(urh, MHD_UPGRADE_ACTION_CLOSE);
		return;
	}
	mrd_conn_set_release(c, release, urh);
	req->up_fn(c, extra_in, extra_in_size, req->up_data);
}

void mrd_reply_upgrade(struct mrd_req *req, const char *protocol, const char *const *headers, mrd_upgrade_fn fn,
		       void *data)
{
	struct MHD_Response *resp = MHD_create_response_for_upgrade(on_upgraded, req);

	if (resp == NULL) {
		mrd_reply_error(req, 500, "cannot switch protocols");
		return;
	}
	req->up_fn = fn;
	req->up_data = data;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_UPGRADE, protocol);
	for (size_t i = 0; headers != NULL && headers[i] != NULL && headers[i + 1] != NULL; i += 2)
		MHD_add_response_header(resp, headers[i], headers[i + 1]);
	mrd_req_set_response(req, resp, MHD_HTTP_SWITCHING_PROTOCOLS);
}
