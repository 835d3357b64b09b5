/* exec: one more process in a running container. The caller forks C1,
 * which joins the init's namespaces through its pidfd (one setns for all,
 * atomically) and forks C2: joining a pid namespace only applies to
 * children. C2 is the new process; it applies the process' attributes and
 * the container's seccomp filter and execs. C1 reports C2's pid and exits,
 * so C2 is reparented to us (a subreaper in the foreground) or the
 * caller's subreaper (conmon, the containerd shim) with --detach. */
#include "exec.h"
#include "exec-process.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "cgroup/cgroup.h"
#include "container.h"
#include "container-internal.h"
#include "ns.h"
#include "process.h"
#include "process-env.h"
#include "seccomp-filter.h"
#include "spec/config.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"
#include "trampoline.h"
#include "util/cleanup.h"
#include "util/preserve-fds.h"
#include "util/signals.h"
#include "util/syscalls.h"

/* ---- in the new process ---- */

struct child {
	const struct oci_process *p;
	const struct oci_config *cfg;
	int pidfd; /* the init's */
	int ns_flags;
	int root_fd; /* the init's root, to chroot to when it has no mount namespace; or -1 */
	int sync_fd; /* C2 -> us: console, errors */
	int pid_pipe; /* C1 -> us: C2's pid */
	int preserve_fds;
};

static _Noreturn void child_fail(const struct child *c, struct mr_error *err)
{
	mr_sync_send(c->sync_fd, MR_SYNC_ERROR, err && err->msg ? err->msg : "exec failed", -1, NULL);
	_exit(127);
}

/* C2: inside every namespace of the container. The container's seccomp
 * filter is loaded anew for it (a filter belongs to a process tree: the
 * init's listener does not see us), and its listener goes to the caller for
 * the agent, as runc does for exec. */
static _Noreturn void become_process(const struct child *c)
{
	const struct oci_process *p = c->p;
	struct mr_error *err = NULL;
	cleanup_free char *exe = NULL;
	char **env;
	char cwd[4096];
	bool nnp = p->has_no_new_privileges && p->no_new_privileges;

	mr_signals_reset_all();
	/* Nothing before the caller has put us in the container's cgroup. */
	{
		struct mr_sync_msg *go = malloc(sizeof(*go));
		if (go == NULL || mr_sync_expect(c->sync_fd, MR_SYNC_GO, go, &err) < 0)
			_exit(127);
		free(go);
	}
	if (p->has_terminal && p->terminal) {
		int master = mr_terminal_setup_exec(p, &err);
		if (master < 0 || mr_sync_send(c->sync_fd, MR_SYNC_CONSOLE, NULL, master, &err) < 0)
			child_fail(c, err);
		close(master);
	}
	/* Only 0-2 and the preserved fds reach the process (the pidfd and
	 * pipes are close-on-exec). */
	mr_close_range(3 + (unsigned)c->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC);
	for (int fd = 3; fd < 3 + c->preserve_fds; fd++)
		if (fd != c->sync_fd && fd != c->pidfd)
			fcntl(fd, F_SETFD, 0);
	if (chdir(p->cwd) < 0) {
		mr_error_sys(&err, errno, "process.cwd: chdir %s", p->cwd);
		child_fail(c, err);
	}
	if (getcwd(cwd, sizeof(cwd)) == NULL || cwd[0] != '/') {
		mr_error_set(&err, EPERM, "process.cwd: %s is outside the container's root filesystem", p->cwd);
		child_fail(c, err);
	}
	env = mr_env_prepare(p->env, p->env_len, NULL, 0, mr_process_uid(p), &err);
	if (env == NULL)
		child_fail(c, err);
	exe = mr_process_find_executable(p->args[0], env, &err);
	if (exe == NULL)
		child_fail(c, err);
	if (!nnp && mr_seccomp_load_passing(c->cfg->linux, c->sync_fd, &err) < 0)
		child_fail(c, err);
	if ((c->cfg->linux && mr_personality_apply(c->cfg->linux->personality, &err) < 0) || mr_process_apply(p, mr_process_keep_groups(c->cfg->annotations), &err) < 0)
		child_fail(c, err);
	if (nnp && mr_seccomp_load_passing(c->cfg->linux, c->sync_fd, &err) < 0)
		child_fail(c, err);
	if (mr_process_apply_final_affinity(p, &err) < 0)
		child_fail(c, err);
	mr_trampoline_execve(exe, p->args, env);
	mr_error_sys(&err, errno, "exec %s", exe);
	child_fail(c, err);
}

/* C1: join, fork C2, report its pid. */
static _Noreturn void join_and_fork(const struct child *c)
{
	struct mr_error *err = NULL;
	pid_t pid;

	/* Not dumpable: a process of the container cannot open our
	 * /proc/<pid>/exe (the runtime's binary) or ptrace us while we are
	 * still minirun (CVE-2019-5736); execve makes the user's process
	 * dumpable again. */
	prctl(PR_SET_DUMPABLE, 0);
	/* (setns of a pidfd wants at least one type: none for a container
	 * that has no namespace of its own) */
	if (c->ns_flags && setns(c->pidfd, c->ns_flags) < 0) {
		mr_error_sys(&err, errno, "exec: join the container's namespaces");
		child_fail(c, err);
	}
	/* No mount namespace to join: the init's root is a chroot (mount-host.c). */
	if (c->root_fd >= 0 && (fchdir(c->root_fd) < 0 || chroot(".") < 0)) {
		mr_error_sys(&err, errno, "exec: chroot to the container's root");
		child_fail(c, err);
	}
	pid = fork();
	if (pid < 0) {
		mr_error_sys(&err, errno, "exec: fork");
		child_fail(c, err);
	}
	if (pid == 0)
		become_process(c);
	if (write(c->pid_pipe, &pid, sizeof(pid)) != sizeof(pid))
		_exit(1);
	_exit(0);
}

/* ---- the caller ---- */

/* One exec, from the state dir to the process' exit. */
struct exec_run {
	const struct mr_context *ctx;
	const struct mr_exec_opts *o;
	struct mr_record *rec;
	struct oci_config *cfg;
	struct oci_process *p;
	struct mr_sync_msg *msg;
	int sync[2]; /* [0] ours, [1] C1's and C2's */
	int pid_pipe[2];
	int pidfd; /* the init's */
	int root_fd; /* the init's root without a mount namespace (open_init_root), or -1 */
	int master; /* the pty master, in the foreground without --console-socket */
	bool blocked; /* all signals, until the process has exited */
	sigset_t old_mask;
	pid_t pid; /* the new process */
	enum mr_status status; /* the container's, when the exec began */
};

/* The init's root directory, when its container has no mount namespace of
 * its own; -1 (no error) otherwise. Opened while the pidfd shows it alive,
 * so the pid was not reused. */
static int open_init_root(const struct oci_config *cfg, pid_t pid, int pidfd, struct mr_error **err)
{
	char path[64];
	int fd;

	if (mr_config_namespace(cfg->linux, "mount") != NULL)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || mr_pidfd_send_signal(pidfd, 0, NULL, 0) < 0) {
		mr_error_sys(err, errno, "exec: open the container's root %s", path);
		if (fd >= 0)
			close(fd);
		return -2;
	}
	return fd;
}

/* The container's record and config, and the process to run in it. */
static int load_container(struct exec_run *r, struct mr_error **err)
{
	const struct mr_exec_opts *o = r->o;
	struct mr_container_dir dir = { .dir_fd = -1, .root_fd = -1 };
	enum mr_status st;

	if (mr_preserve_fds_check(o->preserve_fds, r->ctx->log.fd, err) < 0 ||
	    mr_state_open(r->ctx->root, o->id, &dir, err) < 0)
		return -1;
	r->rec = mr_state_read(&dir, err);
	st = r->rec ? mr_state_status(&dir, r->rec) : MR_STATUS_STOPPED;
	r->status = st;
	if (r->rec && st != MR_STATUS_CREATED && st != MR_STATUS_RUNNING)
		mr_error_set(err, EINVAL, "cannot exec in container \"%s\": it is %s", o->id, mr_status_name(st));
	else if (r->rec)
		r->cfg = mr_state_read_config(&dir, err);
	/* The lock only guards the reading: the exec may run for long. */
	mr_state_close(&dir);
	if (r->cfg == NULL || (r->p = mr_exec_process(o, r->cfg, err)) == NULL)
		return -1;
	mr_caps_warn_unavailable(&r->ctx->log, r->p->capabilities);
	if (r->p->has_terminal && r->p->terminal && o->console_socket == NULL && o->detach)
		return mr_error_set(err, EINVAL, "exec: a terminal needs --console-socket with --detach");
	r->pidfd = mr_pidfd_open(r->rec->pid, 0);
	if (r->pidfd < 0)
		return mr_error_set(err, ESRCH, "container not running");
	r->root_fd = open_init_root(r->cfg, r->rec->pid, r->pidfd, err);
	return r->root_fd < -1 ? -1 : 0;
}

/* Fork C1, which joins and forks C2; C2's pid comes back through the pipe. */
static int spawn(struct exec_run *r, struct mr_error **err)
{
	sigset_t all;
	pid_t c1;

	r->msg = malloc(sizeof(*r->msg));
	if (r->msg == NULL || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, r->sync) < 0 ||
	    pipe2(r->pid_pipe, O_CLOEXEC) < 0)
		return mr_error_sys(err, errno, "exec: set up");
	if (!r->o->detach) {
		/* the exec'd process becomes our child when C1 exits */
		prctl(PR_SET_CHILD_SUBREAPER, 1);
		sigfillset(&all);
		sigprocmask(SIG_BLOCK, &all, &r->old_mask);
		r->blocked = true;
	}
	c1 = fork();
	if (c1 < 0)
		return mr_error_sys(err, errno, "exec: fork");
	if (c1 == 0) {
		struct child c = { .p = r->p, .cfg = r->cfg, .pidfd = r->pidfd,
				   .ns_flags = mr_ns_listed_flags(r->cfg->linux), .root_fd = r->root_fd, .sync_fd = r->sync[1],
				   .pid_pipe = r->pid_pipe[1], .preserve_fds = r->o->preserve_fds };
		close(r->sync[0]);
		close(r->pid_pipe[0]);
		join_and_fork(&c);
	}
	close(r->sync[1]);
	r->sync[1] = -1;
	close(r->pid_pipe[1]);
	r->pid_pipe[1] = -1;
	if (read(r->pid_pipe[0], &r->pid, sizeof(r->pid)) != sizeof(r->pid))
		r->pid = -1;
	waitpid(c1, NULL, 0);
	return 0;
}

/* The process joins the container's cgroup before it goes on. */
static int enter_cgroup(struct exec_run *r, struct mr_error **err)
{
	if (r->pid > 0 && r->rec->cgroup) {
		struct mr_cgroup *cg = mr_cgroup_load(r->rec->cgroup, err);
		int ret = cg ? mr_cgroup_enter(cg, r->pid, err) : -1;
		mr_cgroup_free(cg);
		if (ret < 0)
			return -1;
	}
	if (r->pid > 0 && mr_sync_send(r->sync[0], MR_SYNC_GO, NULL, -1, err) < 0)
		return -1;
	return 0;
}

/* The process' seccomp listener to the agent, with the state runc gives it
 * for an exec: the container's (its status now), the process' own pid. */
static int send_listener(struct exec_run *r, int fd, struct mr_error **err)
{
	cleanup_free char *state = mr_record_state_json(r->rec, r->status, err);
	int ret = state ? mr_seccomp_send_listener(r->cfg->linux->seccomp, fd, r->pid, state, err) : -1;

	close(fd);
	return ret;
}

static int take_console(struct exec_run *r, int fd, struct mr_error **err)
{
	int ret = 0;

	if (r->o->console_socket == NULL) {
		r->master = fd;
		return 0;
	}
	ret = mr_terminal_send(r->o->console_socket, fd, err);
	close(fd);
	return ret;
}

/* Until the process execs: its console, or its error. EOF is success (the
 * socket is close-on-exec). */
static int serve_until_exec(struct exec_run *r, struct mr_error **err)
{
	for (;;) {
		struct mr_error *e = NULL;
		if (mr_sync_recv(r->sync[0], r->msg, &e) < 0) {
			if (e->errnum == EPIPE && r->pid > 0) {
				mr_error_free(e);
				return 0;
			}
			*err = e;
			return -1;
		}
		if (r->msg->type == MR_SYNC_ERROR)
			return mr_error_set(err, EINVAL, "%s", r->msg->data);
		if (r->msg->type == MR_SYNC_CONSOLE && r->msg->fd >= 0 && take_console(r, r->msg->fd, err) < 0)
			return -1;
		if (r->msg->type == MR_SYNC_SECCOMP && r->msg->fd >= 0 && send_listener(r, r->msg->fd, err) < 0)
			return -1;
	}
}

/* The foreground: the terminal proxied, signals forwarded, the status. */
static int wait_foreground(struct exec_run *r, int *status, struct mr_error **err)
{
	int ret = mr_foreground_wait(r->ctx, r->pid, r->master, status);

	if (ret < 0)
		mr_error_sys(err, errno, "exec: wait");
	return ret;
}

/* Everything the run holds; the process too when the exec failed. */
static void release(struct exec_run *r, int ret)
{
	if (ret < 0 && r->pid > 0) {
		kill(r->pid, SIGKILL);
		waitpid(r->pid, NULL, 0);
	}
	if (r->blocked)
		sigprocmask(SIG_SETMASK, &r->old_mask, NULL);
	if (r->master >= 0)
		close(r->master);
	for (int i = 0; i < 2; i++) {
		if (r->sync[i] >= 0)
			close(r->sync[i]);
		if (r->pid_pipe[i] >= 0)
			close(r->pid_pipe[i]);
	}
	if (r->pidfd >= 0)
		close(r->pidfd);
	if (r->root_fd >= 0)
		close(r->root_fd);
	free(r->msg);
	if (r->p)
		mr_model_clear(&mr_type_oci_process, r->p);
	free(r->p);
	mr_config_free(r->cfg);
	mr_record_free(r->rec);
}

int mr_container_exec(const struct mr_context *ctx, const struct mr_exec_opts *o, int *status, struct mr_error **err)
{
	struct exec_run r = { .ctx = ctx, .o = o, .sync = { -1, -1 }, .pid_pipe = { -1, -1 }, .pidfd = -1,
			      .root_fd = -1, .master = -1, .pid = -1 };
	int ret = -1;

	*status = 1;
	if (load_container(&r, err) == 0 && spawn(&r, err) == 0 && enter_cgroup(&r, err) == 0 &&
	    serve_until_exec(&r, err) == 0 && (o->pid_file == NULL || mr_pid_file_write(o->pid_file, r.pid, err) == 0)) {
		if (o->detach) {
			*status = 0;
			ret = 0;
		} else {
			ret = wait_foreground(&r, status, err);
		}
	}
	release(&r, ret);
	return ret;
}
