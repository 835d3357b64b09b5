/* 101 Switching Protocols: the library sends the response head and then
 * hands us the socket, which becomes an mrd_conn on our loop. Closing it
 * goes back through the library (MHD_upgrade_action), which then ends the
 * request.
 *
 * dockerd hijacks attach and exec start without an Upgrade header too (curl,
 * plain HTTP clients): a 200 head of its own, then the raw stream until
 * either side closes. The library has no such reply, so the request stays
 * suspended (the library leaves a suspended connection's socket alone), the
 * stream runs on a duplicate of the socket's fd, and at its end the socket
 * is shut down and the request resumed, to be dropped (server.c). */
#include "http/internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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

static void hijack_release(int fd, void *data)
{
	struct mrd_req *req = data;

	shutdown(fd, SHUT_RDWR);
	close(fd);
	req->hijack = NULL;
	req->hijack_done = true;
	mrd_req_resume(req);
}

void mrd_req_hijack_orphan(struct mrd_req *req)
{
	mrd_conn_set_release(req->hijack, NULL, NULL);
	req->hijack = NULL;
}

static void head_line(void *ctx, const char *name, const char *value)
{
	fprintf(ctx, "%s: %s\r\n", name, value);
}

static int write_head(struct mrd_conn *c, const struct mrd_req *req, const char *const *headers)
{
	char *head = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&head, &len);
	int rc;

	if (f == NULL)
		return -1;
	fputs("HTTP/1.1 200 OK\r\n", f);
	for (size_t i = 0; headers != NULL && headers[i] != NULL && headers[i + 1] != NULL; i += 2)
		head_line(f, headers[i], headers[i + 1]);
	mrd_req_each_header(req, head_line, f);
	fputs("\r\n", f);
	if (fclose(f) != 0) {
		free(head);
		return -1;
	}
	rc = mrd_conn_write(c, head, len);
	free(head);
	return rc;
}

static void hijack_plain(struct mrd_req *req, const char *const *headers, mrd_upgrade_fn fn, void *data)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct mrd_conn *c;
	int fd = ci != NULL ? fcntl(ci->connect_fd, F_DUPFD_CLOEXEC, 3) : -1;

	if (fd < 0 || (c = mrd_conn_new(req->http->loop, fd, &placeholder_ops, NULL, 4u << 20)) == NULL) {
		if (fd >= 0)
			close(fd);
		mrd_req_abort(req); /* the owner frees what it gave us */
		mrd_reply_error(req, 500, "cannot take over the connection");
		return;
	}
	if (!req->suspended) {
		MHD_suspend_connection(req->conn);
		req->suspended = true;
	}
	mrd_watch_del(req->gone_watch); /* the stream sees the client go */
	req->gone_watch = NULL;
	req->replied = true;
	req->upgraded = true;
	req->hijack = c;
	mrd_conn_set_release(c, hijack_release, req);
	if (write_head(c, req, headers) < 0) {
		mrd_req_abort(req);
		mrd_conn_abort(c);
		return;
	}
	req->abort_fn = NULL;
	fn(c, NULL, 0, data);
}

void mrd_reply_hijack(struct mrd_req *req, const char *const *headers, mrd_upgrade_fn fn, void *data)
{
	if (mrd_req_header(req, "Upgrade") != NULL)
		mrd_reply_upgrade(req, "tcp", headers, fn, data);
	else
		hijack_plain(req, headers, fn, data);
}
