#include "http/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "fsutil.h"
#include "util/cleanup.h"

#define MRD_FILE_BODY_MAX (64ull << 30)
#define MRD_MAX_CONNECTIONS 1024

/* ---- listeners */

static int listen_unix(const char *path, struct mr_error **err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	cleanup_close int fd = -1;
	int ret;

	if (strlen(path) >= sizeof(addr.sun_path))
		return mr_error_set(err, ENAMETOOLONG, "--host unix://%s: path too long", path);
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return mr_error_sys(err, errno, "socket");
	/* A socket file left by a daemon that died is replaced; a live
	 * daemon's is not (connect succeeds). */
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
		return mr_error_set(err, EADDRINUSE, "%s: another daemon is listening there", path);
	close(fd);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return mr_error_sys(err, errno, "socket");
	unlink(path);
	mode_t old = umask(0117);
	ret = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
	umask(old);
	if (ret < 0)
		return mr_error_sys(err, errno, "bind %s", path);
	if (listen(fd, 128) < 0)
		return mr_error_sys(err, errno, "listen %s", path);
	ret = fd;
	fd = -1;
	return ret;
}

/* "127.0.0.1:2375", "[::1]:2375", "localhost:2375": loopback only. */
static int listen_tcp(const char *hostport, int *port_out, struct mr_error **err)
{
	struct sockaddr_storage ss = {0};
	socklen_t len;
	cleanup_free char *host = NULL;
	const char *colon = strrchr(hostport, ':');
	cleanup_close int fd = -1;
	int one = 1, ret;
	char *end;

	if (colon == NULL)
		return mr_error_set(err, EINVAL, "--tcp %s: expected HOST:PORT", hostport);
	long port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || end == colon + 1 || port < 0 || port > 65535)
		return mr_error_set(err, EINVAL, "--tcp %s: bad port", hostport);
	host = strndup(hostport, (size_t)(colon - hostport));
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	if (strcmp(host, "localhost") == 0)
		strcpy(host, "127.0.0.1");
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		len = sizeof(*in4);
		if ((ntohl(in4->sin_addr.s_addr) >> 24) != 127)
			return mr_error_set(err, EINVAL, "--tcp %s: only loopback addresses (127.0.0.0/8, ::1)", hostport);
	} else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		len = sizeof(*in6);
		if (!IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
			return mr_error_set(err, EINVAL, "--tcp %s: only loopback addresses (127.0.0.0/8, ::1)", hostport);
	} else {
		return mr_error_set(err, EINVAL, "--tcp %s: not an IP address", hostport);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return mr_error_sys(err, errno, "socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		return mr_error_sys(err, errno, "--tcp %s: bind", hostport);
	if (listen(fd, 128) < 0)
		return mr_error_sys(err, errno, "--tcp %s: listen", hostport);
	len = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &len);
	*port_out = ntohs(ss.ss_family == AF_INET ? in4->sin_port : in6->sin6_port);
	ret = fd;
	fd = -1;
	return ret;
}

static void on_accept(struct mrd_watch *w, uint32_t events, void *data)
{
	struct mrd_http *h = data;

	for (int i = 0; i < 32; i++) {
		struct sockaddr_storage addr;
		socklen_t len = sizeof(addr);
		int fd = accept4(mrd_watch_fd(w), (struct sockaddr *)&addr, &len, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0)
			return;
		/* the library closes fd itself when it refuses it */
		MHD_add_connection(h->mhd, fd, (struct sockaddr *)&addr, len);
	}
}

/* The library's epoll fd is only watched to wake the loop: its work is
 * done in the round's tick. */
static void on_mhd(struct mrd_watch *w, uint32_t events, void *data)
{
}

static void mhd_tick(void *data)
{
	struct mrd_http *h = data;
	MHD_run(h->mhd);
}

static int mhd_timeout(void *data)
{
	struct mrd_http *h = data;
	MHD_UNSIGNED_LONG_LONG ms;

	if (MHD_get_timeout(h->mhd, &ms) != MHD_YES)
		return -1;
	return ms > 60000 ? 60000 : (int)ms;
}

/* ---- the request's life */

static void req_free(struct mrd_req *req)
{
	mrd_watch_del(req->gone_watch);
	mrd_route_match_clear(&req->match);
	if (req->resp != NULL)
		MHD_destroy_response(req->resp);
	if (req->stream != NULL)
		mrd_stream_free(req->stream);
	for (size_t i = 0; i < req->nheaders; i++)
		free(req->headers[i]);
	free(req->headers);
	if (req->body_fd >= 0)
		close(req->body_fd);
	free(req->body);
	free(req->early_msg);
	free(req->method);
	free(req->path);
	free(req);
}

static void set_early(struct mrd_req *req, int status, const char *msg)
{
	if (req->early_status != 0)
		return;
	req->early_status = status;
	req->early_msg = strdup(msg);
}

static bool token_ok(const struct mrd_http *h, struct MHD_Connection *conn)
{
	const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
	size_t n, m;
	unsigned char diff = 0;

	if (h->token == NULL || auth == NULL || strncmp(auth, "Bearer ", 7) != 0)
		return false;
	auth += 7;
	n = strlen(auth);
	m = strlen(h->token);
	/* constant time in the token's content */
	for (size_t i = 0; i < m; i++)
		diff |= (unsigned char)h->token[i] ^ (unsigned char)(i < n ? auth[i] : 0);
	return diff == 0 && n == m;
}

static void route(struct mrd_req *req)
{
	int major, minor;
	char msg[256];
	const char *rest = mrd_route_strip_version(req->path, &major, &minor);

	if (major != 0) {
		if (major != 1 || minor > MRD_API_MAX_MINOR) {
			snprintf(msg, sizeof(msg), "client version %d.%d is too new. Maximum supported API version is %s",
				 major, minor, MRD_API_VERSION);
			set_early(req, 400, msg);
			return;
		}
		if (minor < MRD_API_MIN_MINOR) {
			snprintf(msg, sizeof(msg),
				 "client version %d.%d is too old. Minimum supported API version is %s, please upgrade your client to a newer version",
				 major, minor, MRD_API_MIN_VERSION);
			set_early(req, 400, msg);
			return;
		}
		req->api_minor = minor;
		memmove(req->path, rest, strlen(rest) + 1);
	}
	if (mrd_route_find(req->http->tables, req->method, req->path, &req->match) < 0) {
		if (req->match.method_mismatch) {
			snprintf(msg, sizeof(msg), "method %.16s is not allowed on %.200s", req->method, req->path);
			set_early(req, 405, msg);
		} else {
			set_early(req, 404, "page not found");
		}
	}
}

static struct mrd_req *req_new(struct mrd_http *h, struct MHD_Connection *conn, const char *url, const char *method)
{
	struct mrd_req *req = calloc(1, sizeof(*req));
	const union MHD_ConnectionInfo *ci;
	const char *cl;

	if (req == NULL)
		return NULL;
	req->http = h;
	req->conn = conn;
	req->body_fd = -1;
	req->api_minor = MRD_API_MAX_MINOR;
	req->method = strdup(method);
	req->path = strdup(url);
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	req->trusted = ci != NULL && ci->client_addr != NULL && ci->client_addr->sa_family == AF_UNIX;
	if (req->method == NULL || req->path == NULL) {
		req_free(req);
		return NULL;
	}
	route(req);
	if (!req->trusted && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 && !token_ok(h, conn)) {
		free(req->early_msg);
		req->early_msg = NULL;
		req->early_status = 0;
		set_early(req, 401, "this request needs the token: Authorization: Bearer TOKEN (see --token-file)");
	}
	cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL && req->match.route != NULL) {
		unsigned long long n = strtoull(cl, NULL, 10);
		if (req->match.route->body == MRD_BODY_JSON && n > MRD_JSON_BODY_MAX)
			set_early(req, 413, "request body too large: the limit is 1048576 bytes");
		else if (req->match.route->body == MRD_BODY_FILE && n > MRD_FILE_BODY_MAX)
			set_early(req, 413, "request body too large");
	}
	return req;
}

static int open_spool(struct mrd_req *req)
{
	const char *dir = req->http->tmp_dir ? req->http->tmp_dir : "/tmp";
	req->body_fd = mrd_tmpfile(dir);
	return req->body_fd;
}

static void take_body(struct mrd_req *req, const char *data, size_t size)
{
	enum mrd_body mode = req->match.route ? req->match.route->body : MRD_BODY_NONE;

	if (req->early_status != 0 || mode == MRD_BODY_NONE)
		return;
	if (mode == MRD_BODY_FILE) {
		if (req->body_fd < 0 && open_spool(req) < 0) {
			set_early(req, 500, "cannot spool the request body: no temporary file");
			return;
		}
		if (req->body_size + size > MRD_FILE_BODY_MAX) {
			set_early(req, 413, "request body too large");
			return;
		}
		for (size_t off = 0; off < size;) {
			ssize_t n = write(req->body_fd, data + off, size - off);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				set_early(req, 500, "cannot spool the request body: write failed (disk full?)");
				return;
			}
			off += (size_t)n;
		}
		req->body_size += size;
		return;
	}
	if (req->body_len + size > MRD_JSON_BODY_MAX) {
		set_early(req, 413, "request body too large: the limit is 1048576 bytes");
		return;
	}
	if (req->body_len + size + 1 > req->body_cap) {
		size_t cap = req->body_cap ? req->body_cap : 1024;
		while (cap < req->body_len + size + 1)
			cap *= 2;
		char *p = realloc(req->body, cap);
		if (p == NULL) {
			set_early(req, 500, "out of memory");
			return;
		}
		req->body = p;
		req->body_cap = cap;
	}
	memcpy(req->body + req->body_len, data, size);
	req->body_len += size;
	req->body[req->body_len] = '\0';
}

static void dispatch(struct mrd_req *req)
{
	req->dispatched = true;
	if (req->early_status != 0) {
		mrd_reply_error(req, req->early_status, "%s", req->early_msg);
		return;
	}
	if (req->body_fd >= 0)
		lseek(req->body_fd, 0, SEEK_SET);
	req->in_handler = true;
	req->match.route->fn(req);
	req->in_handler = false;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct mrd_http *h = cls;
	struct mrd_req *req = *con_cls;

	if (req == NULL) {
		req = req_new(h, conn, url, method);
		if (req == NULL)
			return MHD_NO;
		*con_cls = req;
		/* refuse before the body is read: the library then closes */
		if (req->early_status != 0 && req->early_status != 500)
			dispatch(req);
		else
			return MHD_YES;
	} else if (*upload_size > 0) {
		take_body(req, upload_data, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	} else if (!req->dispatched) {
		dispatch(req);
	} else if (req->hijack_done) {
		return MHD_NO; /* its hijacked stream is over: the library closes the socket */
	}
	if (req->resp != NULL && !req->queued) {
		enum MHD_Result r = MHD_queue_response(conn, (unsigned int)req->resp_status, req->resp);
		MHD_destroy_response(req->resp);
		req->resp = NULL;
		req->queued = true;
		return r;
	}
	if (!req->replied && !req->suspended)
		mrd_req_suspend(req);
	return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct mrd_req *req = *con_cls;

	if (req == NULL)
		return;
	*con_cls = NULL;
	if (req->hijack != NULL)
		mrd_req_hijack_orphan(req);
	if (!req->upgraded && (!req->replied || (req->stream != NULL && !req->stream->ended)))
		mrd_req_abort(req);
	else if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && req->stream != NULL)
		mrd_req_abort(req);
	req_free(req);
}

struct mrd_http *mrd_http_new(struct mrd_loop *loop, const struct mrd_http_config *cfg, struct mr_error **err)
{
	struct mrd_http *h = calloc(1, sizeof(*h));
	const union MHD_DaemonInfo *info;

	if (h == NULL) {
		mr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	h->loop = loop;
	h->unix_fd = h->tcp_fd = -1;
	h->app = cfg->app;
	h->tables = cfg->tables;
	h->token = cfg->token ? strdup(cfg->token) : NULL;
	h->tmp_dir = cfg->tmp_dir ? strdup(cfg->tmp_dir) : NULL;
	/* No connection timeout: a `wait` or `logs --follow` may last for days,
	 * as with dockerd. */
	h->mhd = MHD_start_daemon(MHD_USE_NO_LISTEN_SOCKET | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
					  MHD_ALLOW_UPGRADE,
				  0, NULL, NULL, on_request, h, MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned int)MRD_MAX_CONNECTIONS,
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_END);
	if (h->mhd == NULL) {
		mr_error_set(err, 0, "cannot start the HTTP server (libmicrohttpd)");
		goto fail;
	}
	info = MHD_get_daemon_info(h->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	h->mhd_watch = mrd_watch_add(loop, info->epoll_fd, EPOLLIN, on_mhd, h);
	mrd_loop_set_timeout_source(loop, mhd_timeout, mhd_tick, h);
	if (cfg->unix_path != NULL) {
		h->unix_fd = listen_unix(cfg->unix_path, err);
		if (h->unix_fd < 0)
			goto fail;
		h->unix_path = strdup(cfg->unix_path);
		h->unix_watch = mrd_watch_add(loop, h->unix_fd, EPOLLIN, on_accept, h);
	}
	if (cfg->tcp != NULL) {
		h->tcp_fd = listen_tcp(cfg->tcp, &h->tcp_port, err);
		if (h->tcp_fd < 0)
			goto fail;
		h->tcp_watch = mrd_watch_add(loop, h->tcp_fd, EPOLLIN, on_accept, h);
	}
	return h;
fail:
	mrd_http_free(h);
	return NULL;
}

int mrd_http_tcp_port(const struct mrd_http *h)
{
	return h->tcp_port;
}

void mrd_http_free(struct mrd_http *h)
{
	if (h == NULL)
		return;
	mrd_watch_del(h->unix_watch);
	mrd_watch_del(h->tcp_watch);
	mrd_watch_del(h->mhd_watch);
	if (h->mhd != NULL)
		MHD_stop_daemon(h->mhd);
	if (h->unix_fd >= 0) {
		close(h->unix_fd);
		unlink(h->unix_path);
	}
	if (h->tcp_fd >= 0)
		close(h->tcp_fd);
	free(h->unix_path);
	free(h->token);
	free(h->tmp_dir);
	free(h);
}
