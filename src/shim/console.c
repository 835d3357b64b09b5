#include "shim/console.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void close_conn(struct shim_console *con)
{
	if (con->conn_fd < 0)
		return;
	shim_loop_del(con->loop, &con->conn_w);
	close(con->conn_fd);
	con->conn_fd = -1;
}

/* One message with the fd; anything else (a second fd, none) is dropped. */
static void receive(struct shim_console *con)
{
	char byte[256], ctl[CMSG_SPACE(sizeof(int) * 4)];
	struct iovec iov = { byte, sizeof(byte) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	ssize_t n;

	do
		n = recvmsg(con->conn_fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return;
	for (struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL; c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		int *fds = (int *)CMSG_DATA(c);
		for (size_t i = 0; i < nfd; i++) {
			if (con->master < 0)
				con->master = fds[i];
			else
				close(fds[i]);
		}
	}
	close_conn(con);
}

static void on_conn(struct shim_watch *w, uint32_t events)
{
	receive(w->data);
}

static void accept_one(struct shim_console *con)
{
	struct mr_error *err = NULL;
	int fd = accept4(con->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	if (con->master >= 0 || con->conn_fd >= 0) {
		close(fd); /* one runtime, one terminal */
		return;
	}
	con->conn_fd = fd;
	if (shim_loop_add(con->loop, &con->conn_w, fd, EPOLLIN, on_conn, con, &err) < 0) {
		mr_error_free(err);
		close(fd);
		con->conn_fd = -1;
		return;
	}
	receive(con);
}

static void on_listen(struct shim_watch *w, uint32_t events)
{
	accept_one(w->data);
}

static int socket_path(struct shim_console *con, const char *state_dir, const char *name, struct mr_error **err)
{
	struct sockaddr_un sa;
	const char *tmp = getenv("TMPDIR");

	if (asprintf(&con->path, "%s/%s.sock", state_dir, name) < 0)
		return mr_error_sys(err, ENOMEM, "console socket");
	if (strlen(con->path) < sizeof(sa.sun_path))
		return 0;
	free(con->path);
	con->path = NULL;
	if (asprintf(&con->tmpdir, "%s/minirun-shim-XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp") < 0) {
		con->tmpdir = NULL;
		return mr_error_sys(err, ENOMEM, "console socket");
	}
	if (mkdtemp(con->tmpdir) == NULL) {
		mr_error_sys(err, errno, "console socket: mkdtemp %s", con->tmpdir);
		free(con->tmpdir);
		con->tmpdir = NULL;
		return -1;
	}
	if (asprintf(&con->path, "%s/console.sock", con->tmpdir) < 0 || strlen(con->path) >= sizeof(sa.sun_path)) {
		free(con->path);
		con->path = NULL;
		return mr_error_set(err, ENAMETOOLONG, "console socket: no short enough path (TMPDIR)");
	}
	return 0;
}

int shim_console_open(struct shim_console *con, struct shim_loop *loop, const char *state_dir, const char *name,
		      struct mr_error **err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	memset(con, 0, sizeof(*con));
	con->loop = loop;
	con->listen_fd = con->conn_fd = con->master = -1;
	if (socket_path(con, state_dir, name, err) < 0)
		goto fail;
	memcpy(sa.sun_path, con->path, strlen(con->path) + 1);
	unlink(con->path);
	con->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (con->listen_fd < 0 || bind(con->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(con->listen_fd, 2) < 0) {
		mr_error_sys(err, errno, "console socket %s", con->path);
		goto fail;
	}
	if (shim_loop_add(loop, &con->listen_w, con->listen_fd, EPOLLIN, on_listen, con, err) < 0)
		goto fail;
	return 0;
fail:
	shim_console_close(con);
	return -1;
}

int shim_console_take(struct shim_console *con)
{
	int fd;

	if (con->master < 0 && con->conn_fd < 0 && con->listen_fd >= 0)
		accept_one(con);
	if (con->master < 0 && con->conn_fd >= 0)
		receive(con);
	fd = con->master;
	con->master = -1;
	return fd;
}

void shim_console_close(struct shim_console *con)
{
	close_conn(con);
	if (con->listen_fd >= 0) {
		shim_loop_del(con->loop, &con->listen_w);
		close(con->listen_fd);
		con->listen_fd = -1;
	}
	if (con->master >= 0)
		close(con->master);
	con->master = -1;
	if (con->path)
		unlink(con->path);
	if (con->tmpdir)
		rmdir(con->tmpdir);
	free(con->path);
	free(con->tmpdir);
	con->path = con->tmpdir = NULL;
}
