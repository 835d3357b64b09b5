/* hooks.c and terminal.c: hooks run for real (/bin/sh, /bin/sleep), ptys
 * from /dev/ptmx, --console-socket over a temporary unix socket. The
 * mr_terminal_setup test needs root (a private mount namespace with its own
 * devpts) and is skipped without it. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "hooks.h"
#include "tap.h"
#include "terminal.h"
#include "util/cleanup.h"

static char tmpdir[] = "/tmp/mr-test-hooks.XXXXXX";

static char *tmp_path(const char *name)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%s", tmpdir, name) < 0)
		bail_out("out of memory");
	return p;
}

/* The whole file as a string ("" if missing), for comparisons. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, len = 0;

	if (f != NULL) {
		for (;;) {
			if (cap - len < 4096) {
				cap = cap * 2 + 8192;
				buf = realloc(buf, cap);
				if (buf == NULL)
					bail_out("out of memory");
			}
			size_t n = fread(buf + len, 1, cap - len - 1, f);
			len += n;
			if (n == 0)
				break;
		}
		fclose(f);
	}
	if (buf == NULL)
		buf = calloc(1, 1);
	buf[len] = '\0';
	return buf;
}

static void put_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0 || chmod(path, mode) < 0)
		bail_out("cannot write a test file");
}

static struct oci_hook sh_hook(const char *script)
{
	char **args = calloc(4, sizeof(*args));

	args[0] = strdup("sh");
	args[1] = strdup("-c");
	args[2] = strdup(script);
	return (struct oci_hook){ .path = strdup("/bin/sh"), .args = args, .args_len = 3 };
}

static void hook_clear(struct oci_hook *h)
{
	for (size_t i = 0; i < h->args_len; i++)
		free(h->args[i]);
	for (size_t i = 0; i < h->env_len; i++)
		free(h->env[i]);
	free(h->args);
	free(h->env);
	free(h->path);
}

/* Run one hook; the error message (malloc'ed) or NULL on success. */
static char *run1(struct oci_hook *h, const char *kind, const char *state)
{
	struct mr_error *err = NULL;
	char *msg = NULL;

	if (mr_hooks_run(h, 1, kind, state, &err) < 0)
		msg = strdup(err && err->msg ? err->msg : "(no message)");
	else if (err != NULL)
		msg = strdup("(success with an error set)");
	mr_error_free(err);
	return msg;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_args_env(void)
{
	cleanup_free char *out = tmp_path("args");
	cleanup_free char *script = NULL;
	cleanup_free char *got = NULL;
	cleanup_free char *msg = NULL;
	struct oci_hook h;

	if (asprintf(&script, "printf '%%s|%%s|%%s|' \"$0\" \"$1\" \"$FOO\" > %s; tr '\\0' ' ' < /proc/$$/cmdline >> %s",
		     out, out) < 0)
		bail_out("out of memory");
	h = sh_hook(script);
	h.args = realloc(h.args, 6 * sizeof(char *));
	free(h.args[0]);
	h.args[0] = strdup("my-argv0");
	h.args[3] = strdup("zero");
	h.args[4] = strdup("one");
	h.args_len = 5;
	h.env = calloc(2, sizeof(char *));
	h.env[0] = strdup("FOO=bar baz");
	h.env_len = 1;
	msg = run1(&h, "createRuntime", "{}");
	is_str(msg, NULL, "hook with args and env succeeds");
	got = slurp(out);
	like(got, "zero|one|bar baz|my-argv0 -c ", "args are argv (args[0] is argv[0]) and env is the environment");
	hook_clear(&h);
}

static void test_no_args_no_env(void)
{
	cleanup_free char *script = tmp_path("hook.sh");
	cleanup_free char *out = tmp_path("noargs");
	cleanup_free char *text = NULL;
	cleanup_free char *want = NULL;
	cleanup_free char *got = NULL;
	cleanup_free char *msg = NULL;
	struct oci_hook h = { .path = script };

	if (asprintf(&text, "#!/bin/sh\necho \"[$0][${MR_HOOK_TEST_ENV-unset}][$#]\" > %s\n", out) < 0 ||
	    asprintf(&want, "[%s][inherited][0]\n", script) < 0)
		bail_out("out of memory");
	put_file(script, text, 0755);
	setenv("MR_HOOK_TEST_ENV", "inherited", 1);
	msg = run1(&h, "poststart", "{}");
	is_str(msg, NULL, "hook without args or env succeeds");
	got = slurp(out);
	is_str(got, want, "no args: argv is [path]; no env: the runtime's environment (as runc and crun)");

	/* an empty env list is an empty environment */
	free(got);
	free(msg);
	free(want);
	h.env = calloc(1, sizeof(char *));
	if (asprintf(&want, "[%s][unset][0]\n", script) < 0 || h.env == NULL)
		bail_out("out of memory");
	msg = run1(&h, "poststart", "{}");
	unsetenv("MR_HOOK_TEST_ENV");
	is_str(msg, NULL, "hook with an empty env succeeds");
	got = slurp(out);
	is_str(got, want, "env: []: nothing of ours leaks in");
	free(h.env);
}

static void test_stdin(void)
{
	const char *state = "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":42,"
			    "\"bundle\":\"/b\"}";
	cleanup_free char *out = tmp_path("stdin");
	cleanup_free char *script = NULL;
	cleanup_free char *got = NULL;
	cleanup_free char *msg = NULL;
	cleanup_free char *big = NULL;
	size_t big_len = 3 * 1024 * 1024 + 17;
	struct oci_hook h;
	struct stat st;

	if (asprintf(&script, "cat > %s", out) < 0)
		bail_out("out of memory");
	h = sh_hook(script);
	msg = run1(&h, "createRuntime", state);
	is_str(msg, NULL, "hook reading stdin succeeds");
	got = slurp(out);
	is_str(got, state, "stdin carries the state JSON");

	/* Larger than any pipe buffer: written while the hook runs. */
	big = malloc(big_len + 1);
	memset(big, 'x', big_len);
	big[big_len] = '\0';
	free(msg);
	msg = run1(&h, "createRuntime", big);
	is_str(msg, NULL, "hook reading a 3 MiB state succeeds");
	ok(stat(out, &st) == 0 && (size_t)st.st_size == big_len, "all of a 3 MiB state arrives");
	hook_clear(&h);

	/* A hook that never reads: no SIGPIPE for us, no error. */
	h = sh_hook("exit 0");
	free(msg);
	msg = run1(&h, "createRuntime", big);
	is_str(msg, NULL, "hook ignoring a 3 MiB state on stdin succeeds (EPIPE ignored)");
	hook_clear(&h);
}

static void test_failures(void)
{
	cleanup_free char *msg = NULL;
	cleanup_free char *noexec = tmp_path("noexec.sh");
	struct oci_hook h;
	struct mr_error *err = NULL;
	double t0;

	h = sh_hook("exit 3");
	msg = run1(&h, "createRuntime", "{}");
	is_str(msg, "createRuntime hook /bin/sh: exited with status 3", "non-zero exit status");
	hook_clear(&h);

	h = sh_hook("kill -TERM $$");
	free(msg);
	msg = run1(&h, "prestart", "{}");
	is_str(msg, "prestart hook /bin/sh: killed by signal SIGTERM", "killed by a signal");
	hook_clear(&h);

	h = (struct oci_hook){ .path = strdup("/bin/sleep"), .args = calloc(3, sizeof(char *)), .args_len = 2,
			       .timeout = 1, .has_timeout = true };
	h.args[0] = strdup("sleep");
	h.args[1] = strdup("10");
	t0 = now();
	free(msg);
	msg = run1(&h, "poststart", "{}");
	is_str(msg, "poststart hook /bin/sleep: timed out after 1 seconds", "timeout kills the hook");
	ok(now() - t0 > 0.9 && now() - t0 < 3.0, "timeout fires after about 1 s (%.2f s)", now() - t0);
	free(h.args[1]);
	h.args[1] = strdup("0.1");
	h.timeout = 5;
	free(msg);
	msg = run1(&h, "poststart", "{}");
	is_str(msg, NULL, "a hook that ends before its timeout succeeds");
	hook_clear(&h);

	h = (struct oci_hook){ .path = "/nonexistent/hook" };
	if (mr_hooks_run(&h, 1, "createContainer", "{}", &err) < 0 && err != NULL) {
		is_str(err->msg, "createContainer hook /nonexistent/hook: exec: No such file or directory",
		       "missing binary: exec error");
		is_int(err->errnum, ENOENT, "missing binary: errnum is ENOENT");
	} else {
		ok(false, "missing binary: exec error");
		ok(false, "missing binary: errnum is ENOENT");
	}
	mr_error_free(err);
	err = NULL;

	put_file(noexec, "#!/bin/sh\nexit 0\n", 0644);
	h = (struct oci_hook){ .path = noexec };
	free(msg);
	msg = run1(&h, "startContainer", "{}");
	like(msg, "noexec.sh: exec: Permission denied", "not executable: exec error");
}

static void test_order(void)
{
	cleanup_free char *out = tmp_path("order");
	cleanup_free char *msg = NULL;
	cleanup_free char *got = NULL;
	struct oci_hook hooks[3];
	char *script;

	for (int i = 0; i < 3; i++) {
		if (asprintf(&script, "echo %d >> %s", i + 1, out) < 0)
			bail_out("out of memory");
		hooks[i] = sh_hook(script);
		free(script);
	}
	ok(mr_hooks_run(hooks, 3, "prestart", "{}", NULL) == 0, "three hooks succeed");
	got = slurp(out);
	is_str(got, "1\n2\n3\n", "hooks run in order, each once");

	unlink(out);
	free(hooks[1].args[2]);
	if (asprintf(&hooks[1].args[2], "echo 2 >> %s; exit 7", out) < 0)
		bail_out("out of memory");
	{
		struct mr_error *err = NULL;
		ok(mr_hooks_run(hooks, 3, "prestart", "{}", &err) < 0, "a failing hook fails the run");
		is_str(err ? err->msg : NULL, "prestart hook /bin/sh: exited with status 7", "the error names it");
		mr_error_free(err);
	}
	free(got);
	got = slurp(out);
	is_str(got, "1\n2\n", "hooks after the failing one do not run");
	for (int i = 0; i < 3; i++)
		hook_clear(&hooks[i]);
	ok(mr_hooks_run(NULL, 0, "prestart", "{}", NULL) == 0, "no hooks: nothing to do");
	(void)msg;
}

/* The hook starts clean whatever state the runtime is in. (The mask is
 * read by an exec'd grep: dash blocks signals while it waits for a child.) */
static void test_inheritance(void)
{
	cleanup_free char *out = tmp_path("inherit");
	cleanup_free char *script = NULL;
	cleanup_free char *msg = NULL;
	cleanup_free char *got = NULL;
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_hup;
	sigset_t usr1, old_mask;
	struct oci_hook h;
	int fd = open("/dev/null", O_RDONLY);

	if (fd < 0 || dup2(fd, 50) < 0)
		bail_out("cannot open /dev/null");
	close(fd);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old_mask);
	sigaction(SIGHUP, &ign, &old_hup);
	if (asprintf(&script,
		     "{ test -e /proc/$$/fd/50 && echo open || echo closed; } > %s; "
		     "exec grep -E '^Sig(Blk|Ign)' /proc/self/status >> %s",
		     out, out) < 0)
		bail_out("out of memory");
	h = sh_hook(script);
	msg = run1(&h, "createRuntime", "{}");
	is_str(msg, NULL, "hook succeeds");
	got = slurp(out);
	is_str(got, "closed\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n",
	       "no inherited fds past 2, empty signal mask, no ignored signals");
	hook_clear(&h);
	sigaction(SIGHUP, &old_hup, NULL);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	close(50);
}

/* ---- terminal ---- */

static int open_pty(int *slave)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
		bail_out("cannot open a pty");
	*slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0)
		bail_out("cannot open the pty slave");
	return master;
}

/* A listening socket at `path`, which may be longer than sun_path. */
static int listen_at(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *dir = strdup(path), *slash = strrchr(dir, '/');
	int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), dfd;

	*slash = '\0';
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", dfd, slash + 1);
	if (sock < 0 || dfd < 0 || bind(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(sock, 1) < 0)
		bail_out("cannot listen on a test socket");
	close(dfd);
	free(dir);
	return sock;
}

static int recv_fd(int conn, char *name, size_t name_size)
{
	struct iovec iov = { .iov_base = name, .iov_len = name_size - 1 };
	union {
		char raw[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.raw,
			     .msg_controllen = sizeof(ctl.raw) };
	struct cmsghdr *c;
	ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
	int fd;

	if (n < 0)
		return -1;
	name[n] = '\0';
	c = CMSG_FIRSTHDR(&mh);
	if (c == NULL || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

static void send_and_receive(const char *sock_path, const char *what)
{
	int slave, master = open_pty(&slave);
	int sock = listen_at(sock_path), conn, got;
	struct mr_error *err = NULL;
	char name[256], want[64], buf[16] = "";
	unsigned n = 0;

	/* connect() completes against the backlog, so one thread suffices. */
	ok(mr_terminal_send(sock_path, master, &err) == 0, "%s: mr_terminal_send succeeds", what);
	if (err)
		diag("%s", err->msg);
	mr_error_free(err);
	conn = accept4(sock, NULL, NULL, SOCK_CLOEXEC);
	got = conn < 0 ? -1 : recv_fd(conn, name, sizeof(name));
	ok(got >= 0, "%s: the receiver gets an fd", what);
	ioctl(master, TIOCGPTN, &n);
	snprintf(want, sizeof(want), "/dev/pts/%u", n);
	is_str(got >= 0 ? name : NULL, want, "the payload names the pty");
	if (got >= 0) {
		unsigned m = 0;
		ioctl(got, TIOCGPTN, &m);
		ok(m == n && write(slave, "hi", 2) == 2 && read(got, buf, sizeof(buf) - 1) == 2 &&
			   strcmp(buf, "hi") == 0,
		   "%s: the fd received is that pty's master", what);
		close(got);
	} else {
		ok(false, "%s: the fd received is that pty's master", what);
	}
	if (conn >= 0)
		close(conn);
	close(sock);
	unlink(sock_path);
	close(master);
	close(slave);
}

static void test_send(void)
{
	cleanup_free char *sock_path = tmp_path("console.sock");
	cleanup_free char *missing = tmp_path("missing.sock");
	cleanup_free char *long_dir = NULL;
	cleanup_free char *long_sock = NULL;
	cleanup_free char *want = NULL;
	struct mr_error *err = NULL;
	int slave, master;

	send_and_receive(sock_path, "short path");

	if (asprintf(&long_dir, "%s/%0120d", tmpdir, 0) < 0 || asprintf(&long_sock, "%s/console.sock", long_dir) < 0)
		bail_out("out of memory");
	if (mkdir(long_dir, 0700) < 0)
		bail_out("mkdir");
	send_and_receive(long_sock, "path longer than sun_path");
	rmdir(long_dir);

	master = open_pty(&slave);
	if (asprintf(&want, "--console-socket %s: connect: No such file or directory", missing) < 0)
		bail_out("out of memory");
	ok(mr_terminal_send(missing, master, &err) < 0, "no socket: fails");
	is_str(err ? err->msg : NULL, want, "no socket: the error names --console-socket");
	mr_error_free(err);
	close(master);
	close(slave);
}

/* A line "1 name" or "0 name" per check, from a child that cannot print. */
static void report(int fd, bool cond, const char *name)
{
	dprintf(fd, "%d %s\n", cond ? 1 : 0, name);
}

static void setup_child(int res, const char *rootfs)
{
	struct oci_process_console_size size = { .height = 24, .has_height = true, .width = 80, .has_width = true };
	struct oci_process p = { .terminal = true, .has_terminal = true, .console_size = &size };
	struct mr_error *err = NULL;
	char path[4096], buf[8] = "";
	struct stat st_console, st_0, st_host;
	struct winsize ws = { 0 };
	int master;

	snprintf(path, sizeof(path), "%s/dev/pts", rootfs);
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("devpts", path, "devpts", 0, "newinstance,ptmxmode=0666,mode=0620") < 0) {
		dprintf(res, "skip %s\n", strerror(errno));
		_exit(0);
	}
	master = mr_terminal_setup(&p, rootfs, &err);
	report(res, master >= 0, "mr_terminal_setup succeeds");
	if (master < 0) {
		dprintf(res, "# %s\n", err->msg);
		_exit(0);
	}
	report(res, master > 2 && (fcntl(master, F_GETFD) & FD_CLOEXEC), "the master is close-on-exec, above stdio");
	report(res, isatty(0) && isatty(1) && isatty(2), "fds 0-2 are the terminal");
	report(res, ioctl(0, TIOCGWINSZ, &ws) == 0 && ws.ws_row == 24 && ws.ws_col == 80, "consoleSize is applied");
	report(res, getsid(0) == getpid() && tcgetpgrp(0) == getpid(), "new session, pty is its controlling tty");
	snprintf(path, sizeof(path), "%s/dev/console", rootfs);
	report(res, stat(path, &st_console) == 0 && fstat(0, &st_0) == 0 && S_ISCHR(st_console.st_mode) &&
			    st_console.st_rdev == st_0.st_rdev,
	       "the slave is bind-mounted over dev/console");
	snprintf(path, sizeof(path), "%s/host-file", tmpdir);
	report(res, stat(path, &st_host) == 0 && S_ISREG(st_host.st_mode),
	       "a dev/console symlink to the host is replaced, not followed");
	report(res, write(1, "out", 3) == 3 && read(master, buf, sizeof(buf) - 1) == 3 && strcmp(buf, "out") == 0,
	       "what the container writes comes out of the master");
	_exit(0);
}

static void test_setup(void)
{
	cleanup_free char *rootfs = tmp_path("rootfs");
	cleanup_free char *dev = tmp_path("rootfs/dev");
	cleanup_free char *pts = tmp_path("rootfs/dev/pts");
	cleanup_free char *console = tmp_path("rootfs/dev/console");
	cleanup_free char *host_file = tmp_path("host-file");
	char line[4096];
	int res[2], status, checks = 0;
	pid_t pid;
	FILE *f;

	if (geteuid() != 0) {
		ok(true, "mr_terminal_setup (skipped: needs root)");
		return;
	}
	/* An absolute symlink at dev/console to a host file: followed on the
	 * host, the pty would be mounted over it. */
	put_file(host_file, "host\n", 0644);
	if (mkdir(rootfs, 0755) < 0 || mkdir(dev, 0755) < 0 || mkdir(pts, 0755) < 0 ||
	    symlink(host_file, console) < 0 || pipe2(res, O_CLOEXEC) < 0)
		bail_out("cannot make the test rootfs");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(res[0]);
		setup_child(res[1], rootfs);
	}
	close(res[1]);
	f = fdopen(res[0], "r");
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "skip ", 5) == 0)
			ok(true, "mr_terminal_setup (skipped: %s)", line + 5);
		else if (line[0] == '#')
			diag("%s", line + 2);
		else
			ok(line[0] == '1', "%s", line + 2);
		checks++;
	}
	if (f)
		fclose(f);
	waitpid(pid, &status, 0);
	ok(checks > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0, "the setup child ran to its end");
	unlink(console);
	rmdir(pts);
	rmdir(dev);
	rmdir(rootfs);
}

/* mr_terminal_proxy in a child whose stdin/stdout are pipes: stdin reaches
 * the container's side, then an EOF (canonical mode); the container's
 * output reaches stdout; closing the slave ends the proxy. */
static void test_proxy(void)
{
	int slave, master = open_pty(&slave);
	int in[2], out[2], status;
	char buf[64] = "";
	cleanup_free char *got = NULL;
	struct termios t;
	ssize_t n;
	pid_t pid;

	tcgetattr(slave, &t);
	t.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(slave, TCSANOW, &t);
	if (pipe(in) < 0 || pipe(out) < 0)
		bail_out("pipe");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct mr_error *err = NULL;
		close(slave);
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		_exit(mr_terminal_proxy(master, &err) == 0 ? 0 : 1);
	}
	close(master);
	close(in[0]);
	close(out[1]);
	if (write(in[1], "ping\n", 5) != 5)
		bail_out("write");
	close(in[1]);
	n = read(slave, buf, sizeof(buf) - 1);
	is_str(n == 5 ? buf : NULL, "ping\n", "proxy: stdin reaches the container's terminal");
	ok(read(slave, buf, sizeof(buf)) == 0, "proxy: end of stdin becomes an EOF on the terminal");
	if (write(slave, "pong\n", 5) != 5)
		bail_out("write");
	close(slave);
	{
		size_t len = 0, cap = 256;
		got = calloc(1, cap);
		while (len < cap - 1 && (n = read(out[0], got + len, cap - 1 - len)) > 0)
			len += (size_t)n;
	}
	close(out[0]);
	is_str(got, "pong\r\n", "proxy: the container's output reaches stdout");
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "proxy: returns 0 once the container's side closes");
}

static int count_fds(void)
{
	char path[64];
	int n = 0;

	for (int fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n += access(path, F_OK) == 0;
	}
	return n;
}

int main(void)
{
	int fds;

	alarm(120); /* a hung hook or pty must fail the test, not hang it */
	if (mkdtemp(tmpdir) == NULL)
		bail_out("mkdtemp");
	fds = count_fds();
	test_args_env();
	test_no_args_no_env();
	test_stdin();
	test_failures();
	test_order();
	test_inheritance();
	test_send();
	is_int(count_fds(), fds, "no fd leaked by the hooks and mr_terminal_send");
	test_setup();
	test_proxy();
	{
		char *cmd = NULL;
		if (asprintf(&cmd, "rm -rf '%s'", tmpdir) >= 0 && system(cmd) != 0)
			diag("could not remove %s", tmpdir);
		free(cmd);
	}
	return done_testing();
}
