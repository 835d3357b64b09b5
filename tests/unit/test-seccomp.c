/* linux.seccomp translation, for real: each case parses a small config with
 * mr_config_parse, forks, loads the filter in the child with
 * mr_seccomp_load (after PR_SET_NO_NEW_PRIVS, so no privilege is needed)
 * and makes raw syscalls whose results come back over a pipe.
 * The SCMP_ACT_NOTIFY case also runs mr_seccomp_send_listener against an
 * agent in the parent, which answers the notification. */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "seccomp-filter.h"
#include "seccomp-filter.h"
#include "spec/config.h"
#include "tap.h"
#include "util/json.h"

#define MAX_CALLS 8

/* One raw syscall the child makes after loading the filter. */
struct call {
	long nr;
	long a0, a1, a2;
};

struct result {
	long ret;
	int err;
};

static struct oci_config *parse_seccomp(const char *seccomp_json, struct mr_error **err)
{
	char *doc = NULL;
	struct oci_config *cfg;

	if (asprintf(&doc,
		     "{\"ociVersion\": \"1.2.1\", \"root\": {\"path\": \"rootfs\"}, "
		     "\"linux\": {\"seccomp\": %s}}",
		     seccomp_json) < 0)
		bail_out("out of memory");
	cfg = mr_config_parse(doc, strlen(doc), NULL, err);
	free(doc);
	return cfg;
}

/* Fork, load the filter, make the calls. Returns the wait status; results
 * (one per call made before anything killed the child) in res, their count
 * in *n_res. load_err receives the child's mr_seccomp_load error, if any. */
static int run_filter(const char *seccomp_json, const struct call *calls, size_t n_calls, struct result *res,
		      size_t *n_res, char *load_err, size_t load_err_size)
{
	struct mr_error *err = NULL;
	struct oci_config *cfg = parse_seccomp(seccomp_json, &err);
	int out[2], status = 0;
	char buf[1024];
	ssize_t n;
	size_t got = 0;
	pid_t pid;

	*n_res = 0;
	load_err[0] = '\0';
	if (cfg == NULL) {
		snprintf(load_err, load_err_size, "parse: %s", err ? err->msg : "?");
		mr_error_free(err);
		return -1;
	}
	if (pipe2(out, O_CLOEXEC) < 0)
		bail_out("pipe");
	pid = fork();
	if (pid < 0)
		bail_out("fork");
	if (pid == 0) {
		int listener = -1;
		close(out[0]);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(120);
		if (mr_seccomp_load(cfg->linux->seccomp, &listener, &err) < 0) {
			/* A leading 'E' marks an error message instead of results. */
			dprintf(out[1], "E%s", err->msg);
			_exit(121);
		}
		for (size_t i = 0; i < n_calls; i++) {
			struct result r;
			memset(&r, 0, sizeof(r)); /* padding too: it goes through a pipe */
			r.ret = syscall(calls[i].nr, calls[i].a0, calls[i].a1, calls[i].a2);
			r.err = r.ret < 0 ? errno : 0;
			if (write(out[1], &r, sizeof(r)) != sizeof(r))
				_exit(122);
		}
		_exit(0);
	}
	close(out[1]);
	while ((n = read(out[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	close(out[0]);
	waitpid(pid, &status, 0);
	mr_config_free(cfg);
	if (got > 0 && buf[0] == 'E') {
		buf[got] = '\0';
		size_t cut = strnlen(buf + 1, load_err_size - 1); /* cut to fit */
		memcpy(load_err, buf + 1, cut);
		load_err[cut] = 0;
		return status;
	}
	*n_res = got / sizeof(struct result);
	memcpy(res, buf, *n_res * sizeof(struct result));
	return status;
}

/* The child's exit status as text for diagnostics. */
static void diag_status(int status, const char *load_err)
{
	if (load_err[0])
		diag("load error: %s", load_err);
	if (WIFSIGNALED(status))
		diag("child killed by signal %d", WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status))
		diag("child exited %d", WEXITSTATUS(status));
}

/* Run `json` with one call and check its errno (0: it succeeded). */
static void check_one(const char *name, const char *json, struct call c, int want_errno)
{
	struct result res[MAX_CALLS];
	char load_err[512];
	size_t n;
	int st = run_filter(json, &c, 1, res, &n, load_err, sizeof(load_err));
	bool good = n == 1 && (want_errno ? res[0].ret == -1 && res[0].err == want_errno : res[0].ret >= 0);

	if (!ok(good, "%s", name)) {
		diag_status(st, load_err);
		if (n == 1)
			diag("got ret %ld errno %d, expected errno %d", res[0].ret, res[0].err, want_errno);
	}
}

/* getcwd(cwd_buf, size): succeeds when the filter lets it through. */
static char cwd_buf[4096];
#define GETCWD_CALL ((struct call){ SYS_getcwd, (long)cwd_buf, sizeof(cwd_buf), 0 })

static const char *const allow_basics =
	"{\"names\": [\"write\", \"exit_group\", \"exit\"], \"action\": \"SCMP_ACT_ALLOW\"}";

static void test_errno_actions(void)
{
	char json[1024];
	struct call getcwd_call = GETCWD_CALL;

	check_one("errnoRet 42 on getcwd",
		  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getcwd\"], "
		  "\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 42}]}",
		  getcwd_call, 42);
	check_one("SCMP_ACT_ERRNO without errnoRet is EPERM",
		  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getcwd\"], "
		  "\"action\": \"SCMP_ACT_ERRNO\"}]}",
		  getcwd_call, EPERM);
	snprintf(json, sizeof(json),
		 "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38, \"syscalls\": [%s]}", allow_basics);
	check_one("defaultErrnoRet 38 for everything not allowed", json, getcwd_call, 38);
	snprintf(json, sizeof(json), "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [%s]}", allow_basics);
	check_one("default SCMP_ACT_ERRNO without defaultErrnoRet is EPERM", json, getcwd_call, EPERM);
	check_one("unknown syscall names are skipped, the others still filtered",
		  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"no_such_syscall_ever\", "
		  "\"getcwd\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 7}]}",
		  getcwd_call, 7);
	check_one("a rule with the default action is skipped, not an error",
		  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getcwd\"], "
		  "\"action\": \"SCMP_ACT_ALLOW\"}]}",
		  getcwd_call, 0);
	check_one("SCMP_ACT_TRACE with errnoRet and no tracer: ENOSYS",
		  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getcwd\"], "
		  "\"action\": \"SCMP_ACT_TRACE\", \"errnoRet\": 5}]}",
		  getcwd_call, ENOSYS);
	check_one("architectures x86_64, x86, x32 (and unknown ones skipped)",
		  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86_64\", "
		  "\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\", \"SCMP_ARCH_M68K\"], \"syscalls\": [{\"names\": [\"getcwd\"], "
		  "\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 9}]}",
		  getcwd_call, 9);
	check_one("SECCOMP_FILTER_FLAG_LOG and SPEC_ALLOW load",
		  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\", "
		  "\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"], \"syscalls\": [{\"names\": [\"getcwd\"], "
		  "\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 11}]}",
		  getcwd_call, 11);
}

static void test_args(void)
{
	/* personality(0xffffffff) only queries the persona: harmless. */
	const char *only_query = "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{"
				 "\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": ["
				 "{\"index\": 0, \"value\": 4294967295, \"op\": \"SCMP_CMP_NE\"}]}]}";
	/* Two conditions on arg 0 in one rule: one rule each (OR), as runc. */
	const char *either = "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"personality\"], "
			     "\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 33, \"args\": ["
			     "{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}, "
			     "{\"index\": 0, \"value\": 2, \"op\": \"SCMP_CMP_EQ\"}]}]}";
	/* Conditions on different args: one rule, all must hold (AND). For
	 * SCMP_CMP_MASKED_EQ value is the mask, valueTwo the datum:
	 * (mode & 070) == 050. */
	const char *both = "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mkdirat\"], "
			   "\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 77, \"args\": ["
			   "{\"index\": 0, \"value\": 12345, \"op\": \"SCMP_CMP_EQ\"}, "
			   "{\"index\": 2, \"value\": 56, \"valueTwo\": 40, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}]}";

	check_one("args: personality(0xffffffff) allowed by NE rule", only_query,
		  (struct call){ SYS_personality, 0xffffffffL, 0, 0 }, 0);
	check_one("args: personality(0x20000) refused with EPERM", only_query,
		  (struct call){ SYS_personality, 0x20000L, 0, 0 }, EPERM);
	check_one("same arg twice: first condition matches", either, (struct call){ SYS_personality, 1, 0, 0 }, 33);
	check_one("same arg twice: second condition matches", either, (struct call){ SYS_personality, 2, 0, 0 }, 33);
	check_one("same arg twice: neither matches", either, (struct call){ SYS_personality, 0xffffffffL, 0, 0 }, 0);
	check_one("two args AND'ed, masked eq: both match", both,
		  (struct call){ SYS_mkdirat, 12345, (long)"x", 0755 }, 77);
	check_one("two args AND'ed: masked eq fails -> real syscall (EBADF)", both,
		  (struct call){ SYS_mkdirat, 12345, (long)"x", 0700 }, EBADF);
	check_one("two args AND'ed: fd differs -> real syscall (EBADF)", both,
		  (struct call){ SYS_mkdirat, 12346, (long)"x", 0755 }, EBADF);
}

static void test_kill(void)
{
	struct call c = GETCWD_CALL;
	struct result res[MAX_CALLS];
	char json[1024], load_err[512];
	size_t n;
	int st;

	snprintf(json, sizeof(json), "{\"defaultAction\": \"SCMP_ACT_KILL\", \"syscalls\": [%s]}", allow_basics);
	st = run_filter(json, &c, 1, res, &n, load_err, sizeof(load_err));
	if (!ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS && n == 0, "default SCMP_ACT_KILL kills with SIGSYS"))
		diag_status(st, load_err);
	snprintf(json, sizeof(json), "{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\", \"syscalls\": [%s]}",
		 allow_basics);
	st = run_filter(json, &c, 1, res, &n, load_err, sizeof(load_err));
	if (!ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS && n == 0, "default SCMP_ACT_KILL_PROCESS kills with SIGSYS"))
		diag_status(st, load_err);
	st = run_filter("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getcwd\"], "
			"\"action\": \"SCMP_ACT_KILL\"}]}",
			&c, 1, res, &n, load_err, sizeof(load_err));
	if (!ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "a SCMP_ACT_KILL rule kills"))
		diag_status(st, load_err);
}

static void test_errors(void)
{
	struct call c = GETCWD_CALL;
	struct result res[MAX_CALLS];
	char load_err[512];
	size_t n;

	run_filter("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"]}",
		   &c, 1, res, &n, load_err, sizeof(load_err));
#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 6)
	ok(load_err[0] == '\0', "WAIT_KILLABLE_RECV loads with libseccomp >= 2.6");
#else
	like(load_err, "linux.seccomp.flags[0]: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs libseccomp >= 2.6",
	     "WAIT_KILLABLE_RECV without libseccomp 2.6 is a clear error");
#endif
}

/* The agent side: accept one connection, read the state and the fd. */
static int agent_receive(int lsock, char *json, size_t size, int *fd)
{
	int conn = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = json, .iov_len = size - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *cm;
	size_t got;
	ssize_t n;

	*fd = -1;
	if (conn < 0)
		return -1;
	n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
	if (n <= 0) {
		close(conn);
		return -1;
	}
	got = (size_t)n;
	cm = CMSG_FIRSTHDR(&mh);
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(cm), sizeof(int));
	/* The rest of the message, up to EOF. */
	while (got < size - 1 && (n = read(conn, json + got, size - 1 - got)) > 0)
		got += (size_t)n;
	json[got] = '\0';
	close(conn);
	return 0;
}

static const char *json_str(const struct mr_json *obj, const char *key)
{
	const struct mr_json *v = obj ? mr_json_get(obj, key) : NULL;
	return v && v->kind == MR_JSON_STRING ? v->text : NULL;
}

static void test_notify(void)
{
	char dir[] = "/tmp/mr-test-seccomp.XXXXXX", path[128], seccomp[512], json[8192];
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct mr_error *err = NULL;
	struct oci_config *cfg;
	struct result r = { 0, 0 };
	int lsock, out[2], status, fd = -1;
	pid_t pid;

	if (mkdtemp(dir) == NULL)
		bail_out("mkdtemp");
	snprintf(path, sizeof(path), "%s/agent.sock", dir);
	snprintf(seccomp, sizeof(seccomp),
		 "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"%s\", \"listenerMetadata\": \"meta\", "
		 "\"syscalls\": [{\"names\": [\"getcwd\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}",
		 path);
	cfg = parse_seccomp(seccomp, &err);
	if (cfg == NULL)
		bail_out(err->msg);
	strcpy(addr.sun_path, path);
	lsock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lsock < 0 || bind(lsock, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(lsock, 1) < 0)
		bail_out("agent socket");
	if (pipe2(out, O_CLOEXEC) < 0)
		bail_out("pipe");
	pid = fork();
	if (pid == 0) {
		char state[256];
		int listener = -1;
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		if (mr_seccomp_load(cfg->linux->seccomp, &listener, &err) < 0 || listener < 0)
			_exit(121);
		/* as for an exec'd process: the container's init is another */
		snprintf(state, sizeof(state),
			 "{\"ociVersion\": \"1.2.1\", \"id\": \"t1\", \"status\": \"running\", \"pid\": 4242, "
			 "\"bundle\": \"/b\", \"annotations\": {\"a\": \"1\"}}");
		if (mr_seccomp_send_listener(cfg->linux->seccomp, listener, getpid(), state, &err) < 0)
			_exit(122);
		close(listener);
		r.ret = syscall(SYS_getcwd, 0, 0);
		r.err = r.ret < 0 ? errno : 0;
		if (write(out[1], &r, sizeof(r)) != sizeof(r))
			_exit(123);
		_exit(0);
	}
	close(out[1]);
	if (agent_receive(lsock, json, sizeof(json), &fd) == 0 && fd >= 0) {
		struct mr_json *doc = mr_json_parse(json, strlen(json), &err);
		const struct mr_json *fds = doc ? mr_json_get(doc, "fds") : NULL;
		const struct mr_json *jpid = doc ? mr_json_get(doc, "pid") : NULL;
		const struct mr_json *state = doc ? mr_json_get(doc, "state") : NULL;
		struct seccomp_notif *req = NULL;
		struct seccomp_notif_resp *resp = NULL;

		ok(doc != NULL, "the agent gets a JSON document");
		is_str(json_str(doc, "ociVersion"), OCI_SPEC_VERSION, "containerProcessState.ociVersion");
		ok(fds && fds->kind == MR_JSON_ARRAY && fds->len == 1 && fds->items[0]->kind == MR_JSON_STRING &&
			   strcmp(fds->items[0]->text, "seccompFd") == 0,
		   "containerProcessState.fds is [\"seccompFd\"]");
		ok(jpid && jpid->kind == MR_JSON_NUMBER && atoi(jpid->text) == pid, "containerProcessState.pid");
		ok(state && mr_json_get(state, "pid") && atoi(mr_json_get(state, "pid")->text) == 4242,
		   "containerProcessState.state.pid is the container's, apart from the process' pid");
		is_str(json_str(doc, "metadata"), "meta", "containerProcessState.metadata is listenerMetadata");
		is_str(json_str(state, "id"), "t1", "containerProcessState.state is the container state");
		is_str(json_str(state ? mr_json_get(state, "annotations") : NULL, "a"), "1",
		       "the state keeps its annotations");
		if (seccomp_notify_alloc(&req, &resp) == 0 && seccomp_notify_receive(fd, req) == 0) {
			ok(req->data.nr == SYS_getcwd && (pid_t)req->pid == pid, "the agent is notified of getcwd");
			resp->id = req->id;
			resp->error = -ENOTTY;
			resp->val = 0;
			resp->flags = 0;
			ok(seccomp_notify_respond(fd, resp) == 0, "the agent answers");
		} else {
			ok(false, "the agent is notified of getcwd");
			ok(false, "the agent answers");
		}
		seccomp_notify_free(req, resp);
		mr_json_free(doc);
		close(fd);
	} else {
		ok(false, "the agent gets the state and the notify fd");
	}
	if (read(out[0], &r, sizeof(r)) != sizeof(r))
		r.ret = 0;
	waitpid(pid, &status, 0);
	ok(r.ret == -1 && r.err == ENOTTY, "the notified getcwd returns the agent's errno");
	close(out[0]);
	close(lsock);
	unlink(path);
	rmdir(dir);
	mr_config_free(cfg);
	mr_error_free(err);
}

int main(void)
{
	/* A killed child must not take the test with it through SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	test_errno_actions();
	test_args();
	test_kill();
	test_errors();
	test_notify();
	return done_testing();
}
