/* process.terminal: the container's pty, its hand-off over --console-socket,
 * and the foreground proxy of `run`.
 *
 * The pty is allocated from the container's own devpts instance (mounted with
 * newinstance by mr_mount_all), so its slave is a /dev/pts/N that exists
 * inside the container and its number does not leak the host's pty count. */
#include "terminal.h"
#include "util/fdpass.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/path.h"
#include "util/unix-addr.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/* The slave of `master`. TIOCGPTPEER (Linux 4.13) opens it through the
 * master, so no path is looked up in a rootfs the container controls; the
 * fallback opens dev/pts/N of the same devpts inside the rootfs. */
static int open_slave(int master, int rootfd, const char *rootfs, struct mr_error **err)
{
	char path[32];
	unsigned n;
	int fd;

	fd = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0 || (errno != EINVAL && errno != ENOTTY))
		return fd >= 0 ? fd : mr_error_sys(err, errno, "terminal: open the pty slave");
	if (ioctl(master, TIOCGPTN, &n) < 0)
		return mr_error_sys(err, errno, "terminal: TIOCGPTN");
	snprintf(path, sizeof(path), "dev/pts/%u", n);
	fd = mr_path_open_in_root(rootfd, path, O_RDWR | O_NOCTTY, err);
	return fd < 0 ? mr_error_prefix(err, "terminal: %s", rootfs) : fd;
}

/* An fd for <rootfs>/dev/console to mount over: the existing file or device
 * node, or a new empty file. A symlink there (the rootfs is untrusted) is
 * replaced, never followed: the console is ours to place. */
static int console_target(int rootfd, const char *rootfs, struct mr_error **err)
{
	cleanup_free char *name = NULL;
	cleanup_close int dev = mr_path_open_parent_in_root(rootfd, "dev/console", &name, err);
	struct stat st;
	int fd;

	if (dev < 0)
		return mr_error_prefix(err, "terminal: %s", rootfs);
	fd = openat(dev, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		if (fstat(fd, &st) < 0) {
			close(fd);
			return mr_error_sys(err, errno, "terminal: stat %s/dev/console", rootfs);
		}
		if (S_ISREG(st.st_mode) || S_ISCHR(st.st_mode))
			return fd;
		close(fd);
		if (!S_ISLNK(st.st_mode))
			return mr_error_set(err, EEXIST, "terminal: %s/dev/console: not a file or device", rootfs);
		if (unlinkat(dev, name, 0) < 0)
			return mr_error_sys(err, errno, "terminal: remove the symlink %s/dev/console", rootfs);
	} else if (errno != ENOENT) {
		return mr_error_sys(err, errno, "terminal: open %s/dev/console", rootfs);
	}
	fd = openat(dev, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0)
		return mr_error_sys(err, errno, "terminal: create %s/dev/console", rootfs);
	return fd;
}

/* Bind the slave over dev/console. Both ends are named by fd through
 * /proc/self/fd (the host's /proc: this runs before pivot_root), so the
 * mount lands on the inode that was checked, whatever the path points at
 * by now. */
static int bind_console(int slave, int rootfd, const char *rootfs, struct mr_error **err)
{
	cleanup_close int target = console_target(rootfd, rootfs, err);
	char src[32], dst[32];

	if (target < 0)
		return -1;
	if (mount(mr_path_fd(src, sizeof(src), slave), mr_path_fd(dst, sizeof(dst), target), NULL, MS_BIND, NULL) < 0)
		return mr_error_sys(err, errno, "terminal: bind the pty over %s/dev/console", rootfs);
	return 0;
}

static int fd_above_stdio(int *fd)
{
	int moved;

	if (*fd > 2)
		return 0;
	moved = fcntl(*fd, F_DUPFD_CLOEXEC, 3);
	if (moved < 0)
		return -1;
	close(*fd);
	*fd = moved;
	return 0;
}

static int setup(const struct oci_process *p, const char *rootfs, bool console, struct mr_error **err)
{
	cleanup_close int rootfd = -1;
	cleanup_close int master = -1;
	cleanup_close int slave = -1;
	int ret;

	rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return mr_error_sys(err, errno, "terminal: open %s", rootfs);
	/* The ptmx of the container's devpts (ptmxmode=0666), not /dev/ptmx:
	 * that may be the host's, or a symlink not made yet. */
	master = mr_path_open_in_root(rootfd, "dev/pts/ptmx", O_RDWR | O_NOCTTY, err);
	if (master < 0 && err && *err && (*err)->errnum == ENOENT)
		return mr_error_prefix(err, "terminal: process.terminal needs a devpts mount at /dev/pts: %s", rootfs);
	if (master < 0)
		return mr_error_prefix(err, "terminal: %s", rootfs);
	if (unlockpt(master) < 0)
		return mr_error_sys(err, errno, "terminal: unlockpt");
	slave = open_slave(master, rootfd, rootfs, err);
	if (slave < 0)
		return -1;
	/* With some of 0-2 closed in the init, the pty fds could land there
	 * and be clobbered by the dup2s below. */
	if (fd_above_stdio(&master) < 0 || fd_above_stdio(&slave) < 0)
		return mr_error_sys(err, errno, "terminal: dup the pty");
	if (p->console_size != NULL) {
		struct winsize ws = {
			.ws_row = (unsigned short)p->console_size->height,
			.ws_col = (unsigned short)p->console_size->width,
		};
		if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
			return mr_error_sys(err, errno, "terminal: process.consoleSize: TIOCSWINSZ");
	}
	if (console && bind_console(slave, rootfd, rootfs, err) < 0)
		return -1;
	/* A new session without a controlling terminal, then the slave as its
	 * controlling terminal: job control and ^C work in the container. */
	if (setsid() < 0)
		return mr_error_sys(err, errno, "terminal: setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return mr_error_sys(err, errno, "terminal: TIOCSCTTY");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return mr_error_sys(err, errno, "terminal: dup2 the pty to fd %d", fd);
	ret = master;
	master = -1;
	return ret;
}

/* The sockaddr for `path`. A path longer than sun_path is reached through
 * its directory's fd: /proc/self/fd/N/name (conmon's sockets can be long). */
static int socket_address(const char *path, struct sockaddr_un *sa, int *dirfd, struct mr_error **err)
{
	if (mr_unix_address(path, sa, dirfd) < 0)
		return mr_error_sys(err, errno, "--console-socket %s", path);
	return 0;
}

int mr_terminal_send(const char *path, int master, struct mr_error **err)
{
	cleanup_close int sock = -1;
	cleanup_close int dirfd = -1;
	struct sockaddr_un sa;
	char name[32] = "/dev/ptmx";
	unsigned n;

	if (socket_address(path, &sa, &dirfd, err) < 0)
		return -1;
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return mr_error_sys(err, errno, "--console-socket %s: socket", path);
	if (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return mr_error_sys(err, errno, "--console-socket %s: connect", path);

	/* The payload is the pty's name as the container sees it, as runc's
	 * utils.SendFd sends it; receivers (containerd, conmon) read the fd and
	 * at most log the name. */
	if (ioctl(master, TIOCGPTN, &n) == 0)
		snprintf(name, sizeof(name), "/dev/pts/%u", n);
	if (mr_send_with_fd(sock, name, strlen(name), master) < 0)
		return mr_error_sys(err, errno, "--console-socket %s: send", path);
	return 0;
}

int mr_terminal_setup(const struct oci_process *p, const char *rootfs, struct mr_error **err)
{
	return setup(p, rootfs, true, err);
}

int mr_terminal_setup_exec(const struct oci_process *p, struct mr_error **err)
{
	return setup(p, "/", false, err);
}

/* ---- the foreground proxy ---- */

struct proxy {
	int master;
	int tty; /* the caller's terminal, for its size; -1 if none */
	int sigfd; /* SIGWINCH; -1 without a terminal */
	bool stdin_open;
	bool send_eof; /* stdin ended: pass an EOF on once its data is out */
	char in[4096]; /* stdin data not yet accepted by the master */
	size_t in_off, in_len;
};

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EAGAIN) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };
			poll(&pfd, 1, -1);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static void copy_size(const struct proxy *px)
{
	struct winsize ws;

	if (px->tty >= 0 && ioctl(px->tty, TIOCGWINSZ, &ws) == 0)
		ioctl(px->master, TIOCSWINSZ, &ws);
}

/* Master -> stdout. Returns 1 when the container's side is closed: the
 * master reads EIO (Linux) or EOF once no slave fd is left open. */
static int pump_output(struct proxy *px, struct mr_error **err)
{
	char buf[16384];
	ssize_t n = read(px->master, buf, sizeof(buf));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n == 0 || (n < 0 && errno == EIO))
		return 1;
	if (n < 0)
		return mr_error_sys(err, errno, "terminal: read the pty");
	if (write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
		return mr_error_sys(err, errno, "terminal: write to stdout");
	return 0;
}

static void read_input(struct proxy *px)
{
	ssize_t n = read(STDIN_FILENO, px->in, sizeof(px->in));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* EOF (or a hung-up stdin). A pty has no half-close: like
		 * script(1), type the EOF character so that `echo cmd | run`
		 * ends instead of leaving a shell waiting forever. */
		px->stdin_open = false;
		px->send_eof = px->tty != STDIN_FILENO;
		return;
	}
	px->in_off = 0;
	px->in_len = (size_t)n;
}

static int push_input(struct proxy *px, struct mr_error **err)
{
	struct termios t;

	if (px->in_len > 0) {
		ssize_t n = write(px->master, px->in + px->in_off, px->in_len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n < 0 && errno == EIO)
			return 0; /* the container's side is gone: pump_output ends the loop */
		if (n < 0)
			return mr_error_sys(err, errno, "terminal: write to the pty");
		px->in_off += (size_t)n;
		px->in_len -= (size_t)n;
	}
	if (px->in_len == 0 && px->send_eof) {
		px->send_eof = false;
		if (tcgetattr(px->master, &t) == 0 && (t.c_lflag & ICANON)) {
			px->in[0] = (char)t.c_cc[VEOF];
			px->in_off = 0;
			px->in_len = 1;
		}
	}
	return 0;
}

static int proxy_loop(struct proxy *px, struct mr_error **err)
{
	for (;;) {
		struct pollfd pfd[3] = {
			{ .fd = px->master, .events = POLLIN | (px->in_len || px->send_eof ? POLLOUT : 0) },
			{ .fd = px->stdin_open && px->in_len == 0 ? STDIN_FILENO : -1, .events = POLLIN },
			{ .fd = px->sigfd, .events = POLLIN },
		};
		int r;

		if (poll(pfd, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return mr_error_sys(err, errno, "terminal: poll");
		}
		if (pfd[2].revents) {
			struct signalfd_siginfo si;
			while (read(px->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				;
			copy_size(px);
		}
		if (pfd[1].revents)
			read_input(px);
		if (pfd[0].revents & POLLOUT && push_input(px, err) < 0)
			return -1;
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			r = pump_output(px, err);
			if (r != 0)
				return r < 0 ? -1 : 0;
		}
	}
}

int mr_terminal_proxy(int master, struct mr_error **err)
{
	struct proxy px = { .master = master, .tty = -1, .sigfd = -1, .stdin_open = true };
	struct termios saved, raw;
	sigset_t winch, old_mask;
	bool restore_tty = false, restore_mask = false;
	int flags, ret = -1;

	flags = fcntl(master, F_GETFL);
	if (flags < 0 || fcntl(master, F_SETFL, flags | O_NONBLOCK) < 0)
		return mr_error_sys(err, errno, "terminal: O_NONBLOCK on the pty");
	if (isatty(STDIN_FILENO)) {
		px.tty = STDIN_FILENO;
		if (tcgetattr(STDIN_FILENO, &saved) < 0)
			return mr_error_sys(err, errno, "terminal: tcgetattr stdin");
		/* Raw: every key, ^C and ^Z included, goes to the container's
		 * pty, whose own line discipline does the terminal work. */
		raw = saved;
		cfmakeraw(&raw);
		if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) < 0)
			return mr_error_sys(err, errno, "terminal: raw mode on stdin");
		restore_tty = true;
	} else if (isatty(STDOUT_FILENO)) {
		px.tty = STDOUT_FILENO;
	}
	if (px.tty >= 0) {
		/* SIGWINCH through a signalfd: blocked in this thread only while
		 * we proxy, and no handler is installed. */
		sigemptyset(&winch);
		sigaddset(&winch, SIGWINCH);
		pthread_sigmask(SIG_BLOCK, &winch, &old_mask);
		restore_mask = true;
		px.sigfd = signalfd(-1, &winch, SFD_CLOEXEC | SFD_NONBLOCK);
		if (px.sigfd < 0) {
			mr_error_sys(err, errno, "terminal: signalfd");
			goto out;
		}
		copy_size(&px);
	}
	ret = proxy_loop(&px, err);
out:
	if (px.sigfd >= 0)
		close(px.sigfd);
	if (restore_mask)
		pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	if (restore_tty)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved);
	return ret;
}
