/* A tiny seccomp notify agent for the tests (runtime-spec's seccomp
 * listener, linux.seccomp.listenerPath).
 *
 *   seccomp-agent SOCKET OUTDIR MODE [ERRNO]
 *
 * Listens on the unix socket SOCKET, accepts one connection from the runtime
 * and receives one message: the container process state JSON with the
 * listener fd attached (SCM_RIGHTS). Writes OUTDIR/state.json (the JSON as
 * received) and OUTDIR/nfds (the number of fds received). Then, by MODE:
 *
 *   close   close the listener fd at once: the kernel fails every notified
 *           system call with ENOSYS from then on
 *   answer  wait (20 s at most) for one notification, write
 *           OUTDIR/notif.json ({"id", "pid", "nr", "arch", "args"}), answer
 *           it with -ERRNO (SECCOMP_IOCTL_NOTIF_SEND, default EPERM), close
 *
 * Exits 0 when all went as asked; on failure writes the reason to
 * OUTDIR/error (and stderr) and exits 1. Gives up after 30 s without a
 * connection. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_FDS 16

static const char *outdir;

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static void die(const char *fmt, ...)
{
	char path[4096], msg[512];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "seccomp-agent: %s\n", msg);
	snprintf(path, sizeof(path), "%s/error", outdir);
	if ((f = fopen(path, "w")) != NULL) {
		fprintf(f, "%s\n", msg);
		fclose(f);
	}
	exit(1);
}

static void write_out(const char *name, const char *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	f = fopen(path, "w");
	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		die("write %s: %s", path, strerror(errno));
}

/* Accept one connection on `path`; its first message and the fds with it. */
static size_t receive_state(const char *path, char *buf, size_t size, int *fds, int *n_fds)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	union {
		char buf[CMSG_SPACE(MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf) };
	struct pollfd pfd;
	int srv, conn;
	ssize_t n;

	if (strlen(path) >= sizeof(addr.sun_path))
		die("socket path too long: %s", path);
	strcpy(addr.sun_path, path);
	srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (srv < 0 || bind(srv, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(srv, 1) < 0)
		die("listen on %s: %s", path, strerror(errno));
	pfd = (struct pollfd){ .fd = srv, .events = POLLIN };
	if (poll(&pfd, 1, 30000) != 1)
		die("no connection within 30 s");
	conn = accept4(srv, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		die("accept: %s", strerror(errno));
	n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0)
		die("recvmsg: %s", strerror(errno));
	*n_fds = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			memcpy(fds + *n_fds, CMSG_DATA(c), (size_t)k * sizeof(int));
			*n_fds += k;
		}
	close(conn);
	close(srv);
	return (size_t)n;
}

/* Wait for one notification on fd, record it, answer it with -err. */
static void answer_one(int fd, int err)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char json[512];
	int len;

	if (poll(&pfd, 1, 20000) != 1)
		die("no notification within 20 s");
	memset(&req, 0, sizeof(req)); /* the kernel wants it zeroed */
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		die("SECCOMP_IOCTL_NOTIF_RECV: %s", strerror(errno));
	len = snprintf(json, sizeof(json),
		       "{\"id\": %llu, \"pid\": %u, \"nr\": %d, \"arch\": %u, \"args\": [%llu, %llu, %llu, %llu, %llu, %llu]}\n",
		       (unsigned long long)req.id, req.pid, req.data.nr, req.data.arch,
		       (unsigned long long)req.data.args[0], (unsigned long long)req.data.args[1],
		       (unsigned long long)req.data.args[2], (unsigned long long)req.data.args[3],
		       (unsigned long long)req.data.args[4], (unsigned long long)req.data.args[5]);
	write_out("notif.json", json, (size_t)len);
	resp = (struct seccomp_notif_resp){ .id = req.id, .val = 0, .error = -err, .flags = 0 };
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
		die("SECCOMP_IOCTL_NOTIF_SEND: %s", strerror(errno));
}

int main(int argc, char **argv)
{
	static char state[1 << 16];
	int fds[MAX_FDS], n_fds;
	char count[16];
	size_t len;

	if (argc < 4 || argc > 5 || (strcmp(argv[3], "close") != 0 && strcmp(argv[3], "answer") != 0)) {
		fprintf(stderr, "usage: seccomp-agent SOCKET OUTDIR close|answer [ERRNO]\n");
		return 2;
	}
	outdir = argv[2];
	len = receive_state(argv[1], state, sizeof(state), fds, &n_fds);
	write_out("state.json", state, len);
	write_out("nfds", count, (size_t)snprintf(count, sizeof(count), "%d\n", n_fds));
	if (n_fds != 1)
		die("expected one fd, got %d", n_fds);
	if (strcmp(argv[3], "answer") == 0)
		answer_one(fds[0], argc > 4 ? atoi(argv[4]) : EPERM);
	close(fds[0]);
	return 0;
}
