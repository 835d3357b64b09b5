/* console-receiver SOCKET_PATH OUTFILE [INPUT]
 *
 * The receiving end of --console-socket, for the bats tests: listen on
 * SOCKET_PATH, accept one connection, take the pty master it carries
 * (SCM_RIGHTS), write INPUT (if given) to it, then copy everything the
 * container writes to its terminal into OUTFILE until the container's side
 * is closed (EIO/EOF). Exits 0 and prints nothing on success.
 *
 * The socket appears at SOCKET_PATH only once it is listening (bound under a
 * temporary name, then renamed), so a test can wait for `-S SOCKET_PATH` and
 * then connect without a race. Gives up after 120 s (SIGALRM) so a broken
 * test cannot hang the suite. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "console-receiver: %s: %s\n", what, strerror(errno));
	return 1;
}

static int listen_at(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char tmp[sizeof(sa.sun_path)];
	int sock;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, tmp);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return -1;
	unlink(tmp);
	if (bind(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(sock, 1) < 0 || rename(tmp, path) < 0) {
		int saved = errno;
		unlink(tmp);
		close(sock);
		errno = saved;
		return -1;
	}
	return sock;
}

static int receive_fd(int conn)
{
	char name[4096];
	struct iovec iov = { .iov_base = name, .iov_len = sizeof(name) };
	union {
		char raw[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.raw,
			     .msg_controllen = sizeof(ctl.raw) };
	struct cmsghdr *c;
	ssize_t n;
	int fd;

	do
		n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	c = CMSG_FIRSTHDR(&mh);
	if (n == 0 || c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int))) {
		errno = EPROTO;
		return -1;
	}
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char buf[16384];
	int sock, conn, master, out;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: console-receiver SOCKET_PATH OUTFILE [INPUT]\n");
		return 2;
	}
	alarm(120);
	out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0)
		return die(argv[2]);
	sock = listen_at(argv[1]);
	if (sock < 0)
		return die(argv[1]);
	do
		conn = accept4(sock, NULL, NULL, SOCK_CLOEXEC);
	while (conn < 0 && errno == EINTR);
	if (conn < 0)
		return die("accept");
	master = receive_fd(conn);
	if (master < 0)
		return die("receive the console fd");
	close(conn);
	close(sock);
	unlink(argv[1]);
	if (argc == 4 && write_all(master, argv[3], strlen(argv[3])) < 0)
		return die("write the input");
	for (;;) {
		ssize_t n = read(master, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || (n < 0 && errno == EIO))
			break; /* no slave fd left open: the container is done */
		if (n < 0)
			return die("read the console");
		if (write_all(out, buf, (size_t)n) < 0)
			return die(argv[2]);
	}
	if (close(out) < 0)
		return die(argv[2]);
	return 0;
}
