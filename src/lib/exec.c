/* exec: one more process in a running container. The caller forks C1,
 * which joins the init's namespaces through its pidfd (one setns for all,
 * atomically) and forks C2: joining a pid namespace only applies to
 * children. C2 is the new process; it applies the process' attributes and
 * the container's seccomp filter and execs. C1 reports C2's pid and exits,
 * so C2 is reparented to us (a subreaper in the foreground) or the
 * caller's subreaper (conmon, the containerd shim) with --detach. */
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capability-names.h"
#include "cgroup/cgroup.h"
#include "container.h"
#include "process.h"
#include "spec/config.h"
#include "spec/validate.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"
#include "trampoline.h"
#include "util/cleanup.h"
#include "util/preserve-fds.h"
#include "util/json.h"
#include "util/signals.h"
#include "util/syscalls.h"

/* ---- the process to run ---- */

static int strv_append(char ***v, size_t *n, const char *s)
{
	char **grown = realloc(*v, (*n + 2) * sizeof(char *));

	if (grown == NULL)
		return -1;
	*v = grown;
	if ((grown[*n] = strdup(s)) == NULL)
		return -1;
	grown[++*n] = NULL; /* model arrays are NULL-terminated */
	return 0;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static struct oci_process *read_process_file(const char *path, struct mr_error **err)
{
	struct mr_json *json = mr_json_parse_file(path, err);
	struct oci_process *p;

	if (json == NULL) {
		mr_error_prefix(err, "--process %s", path);
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL || mr_model_parse(&mr_type_oci_process, json, p, err) < 0 || mr_process_validate(p, err) < 0) {
		if (p == NULL)
			mr_error_set(err, ENOMEM, "out of memory");
		mr_error_prefix(err, "--process %s", path);
		if (p)
			mr_model_clear(&mr_type_oci_process, p);
		free(p);
		p = NULL;
	}
	mr_json_free(json);
	return p;
}

/* A user or group id: decimal digits only, below 4294967295 ((uid_t)-1
 * means "unchanged" to the kernel). */
static int parse_id(const char *text, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (text[0] < '0' || text[0] > '9')
		return -1;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || *end != '\0' || v >= UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* The container's process, with the command line's changes. */
static int apply_flags(struct oci_process *p, const struct mr_exec_opts *o, struct mr_error **err)
{
	if (o->n_args > 0) {
		strv_free(p->args, p->args_len);
		p->args = NULL;
		p->args_len = 0;
		for (int i = 0; i < o->n_args; i++)
			if (strv_append(&p->args, &p->args_len, o->args[i]) < 0)
				return mr_error_set(err, ENOMEM, "out of memory");
	}
	if (o->cwd) {
		free(p->cwd);
		if ((p->cwd = strdup(o->cwd)) == NULL)
			return mr_error_set(err, ENOMEM, "out of memory");
	}
	for (int i = 0; i < o->n_env; i++) {
		if (strchr(o->env[i], '=') == NULL)
			return mr_error_set(err, EINVAL, "--env: expected KEY=value, got \"%s\"", o->env[i]);
		if (strv_append(&p->env, &p->env_len, o->env[i]) < 0)
			return mr_error_set(err, ENOMEM, "out of memory");
	}
	if (o->user) {
		char *colon = strchr(o->user, ':');
		cleanup_free char *uid = strndup(o->user, colon ? (size_t)(colon - o->user) : strlen(o->user));
		if (p->user == NULL && (p->user = calloc(1, sizeof(*p->user))) == NULL)
			return mr_error_set(err, ENOMEM, "out of memory");
		if (uid == NULL || parse_id(uid, &p->user->uid) < 0 || (colon && parse_id(colon + 1, &p->user->gid) < 0))
			return mr_error_set(err, EINVAL, "--user: expected UID[:GID] (numbers), got \"%s\"", o->user);
		p->user->has_uid = true;
		p->user->has_gid = p->user->has_gid || colon != NULL;
	}
	for (int i = 0; i < o->n_gids; i++) {
		uint32_t gid;
		uint32_t *grown;
		if (parse_id(o->additional_gids[i], &gid) < 0)
			return mr_error_set(err, EINVAL, "--additional-gids: expected a number, got \"%s\"", o->additional_gids[i]);
		if (p->user == NULL && (p->user = calloc(1, sizeof(*p->user))) == NULL)
			return mr_error_set(err, ENOMEM, "out of memory");
		grown = realloc(p->user->additional_gids, (p->user->additional_gids_len + 2) * sizeof(uint32_t));
		if (grown == NULL)
			return mr_error_set(err, ENOMEM, "out of memory");
		p->user->additional_gids = grown;
		grown[p->user->additional_gids_len++] = gid;
	}
	/* --cap: bounding, effective, permitted; never inheritable (nor
	 * ambient), so an unprivileged exec'd program cannot pass it on
	 * (CVE-2022-29162). */
	for (int i = 0; i < o->n_caps; i++) {
		struct oci_process_capabilities *c = p->capabilities;
		if (mr_cap_from_name(o->caps[i]) < 0)
			return mr_error_set(err, EINVAL, "--cap: unknown capability \"%s\"", o->caps[i]);
		if (c == NULL && (c = p->capabilities = calloc(1, sizeof(*c))) == NULL)
			return mr_error_set(err, ENOMEM, "out of memory");
		if (strv_append(&c->bounding, &c->bounding_len, o->caps[i]) < 0 ||
		    strv_append(&c->effective, &c->effective_len, o->caps[i]) < 0 ||
		    strv_append(&c->permitted, &c->permitted_len, o->caps[i]) < 0)
			return mr_error_set(err, ENOMEM, "out of memory");
	}
	if (o->tty) {
		p->terminal = true;
		p->has_terminal = true;
	}
	if (o->no_new_privs) {
		p->no_new_privileges = true;
		p->has_no_new_privileges = true;
	}
	if (o->apparmor) {
		free(p->apparmor_profile);
		p->apparmor_profile = strdup(o->apparmor);
	}
	if (o->process_label) {
		free(p->selinux_label);
		p->selinux_label = strdup(o->process_label);
	}
	return 0;
}

static struct oci_process *build_process(const struct mr_exec_opts *o, const struct oci_config *cfg,
					 struct mr_error **err)
{
	struct oci_process *p;

	if (o->process_file)
		return read_process_file(o->process_file, err);
	if (o->n_args == 0) {
		mr_error_set(err, EINVAL, "exec: give the command to run, or --process FILE");
		return NULL;
	}
	p = cfg->process ? mr_model_dup(&mr_type_oci_process, cfg->process, err) : calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	if (p->cwd == NULL)
		p->cwd = strdup("/");
	/* the container's own terminal setting is not the exec's */
	p->terminal = false;
	p->has_terminal = false;
	if (apply_flags(p, o, err) < 0 || mr_process_validate(p, err) < 0) {
		mr_model_clear(&mr_type_oci_process, p);
		free(p);
		return NULL;
	}
	return p;
}

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

/* C2: inside every namespace of the container. */
static _Noreturn void become_process(const struct child *c)
{
	const struct oci_process *p = c->p;
	struct mr_error *err = NULL;
	cleanup_free char *exe = NULL;
	char cwd[4096];
	bool nnp = p->has_no_new_privileges && p->no_new_privileges;
	int listener = -1;

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
	exe = mr_process_find_executable(p, &err);
	if (exe == NULL)
		child_fail(c, err);
	if (!nnp && c->cfg->linux && c->cfg->linux->seccomp && mr_seccomp_load(c->cfg->linux->seccomp, &listener, &err) < 0)
		child_fail(c, err);
	if ((c->cfg->linux && mr_personality_apply(c->cfg->linux->personality, &err) < 0) || mr_process_apply(p, &err) < 0)
		child_fail(c, err);
	if (nnp && c->cfg->linux && c->cfg->linux->seccomp && mr_seccomp_load(c->cfg->linux->seccomp, &listener, &err) < 0)
		child_fail(c, err);
	if (listener >= 0)
		close(listener); /* the agent was handed the init's listener at create */
	if (mr_process_apply_final_affinity(p, &err) < 0)
		child_fail(c, err);
	mr_trampoline_execve(exe, p->args, p->env ? p->env : (char *[]){ NULL });
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

static const struct {
	const char *type;
	int flag;
} ns_kinds[] = {
	{ "user", CLONE_NEWUSER }, { "mount", CLONE_NEWNS },	 { "pid", CLONE_NEWPID },     { "network", CLONE_NEWNET },
	{ "ipc", CLONE_NEWIPC },   { "uts", CLONE_NEWUTS },	 { "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
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

static int container_ns_flags(const struct oci_config *cfg)
{
	int flags = 0;

	for (size_t i = 0; cfg->linux && i < cfg->linux->namespaces_len; i++)
		for (size_t k = 0; k < sizeof(ns_kinds) / sizeof(ns_kinds[0]); k++)
			if (strcmp(cfg->linux->namespaces[i].type, ns_kinds[k].type) == 0)
				flags |= ns_kinds[k].flag;
	return flags;
}

int mr_container_exec(const struct mr_context *ctx, const struct mr_exec_opts *o, int *status, struct mr_error **err)
{
	struct mr_container_dir dir = { .dir_fd = -1, .root_fd = -1 };
	struct mr_record *rec = NULL;
	struct oci_config *cfg = NULL;
	struct oci_process *p = NULL;
	struct mr_sync_msg *msg = NULL;
	int sync[2] = { -1, -1 }, pipefd[2] = { -1, -1 }, pidfd = -1, root_fd = -1, master = -1, ret = -1;
	bool blocked = false;
	sigset_t all, old;
	pid_t c1 = -1, pid = -1;

	*status = 1;
	if (mr_preserve_fds_check(o->preserve_fds, ctx->log.fd, err) < 0 ||
	    mr_state_open(ctx->root, o->id, &dir, err) < 0)
		return -1;
	rec = mr_state_read(&dir, err);
	if (rec == NULL)
		goto out;
	switch (mr_state_status(&dir, rec)) {
	case MR_STATUS_CREATED:
	case MR_STATUS_RUNNING:
		break;
	default:
		mr_error_set(err, EINVAL, "cannot exec in container \"%s\": it is %s", o->id,
			     mr_status_name(mr_state_status(&dir, rec)));
		goto out;
	}
	cfg = mr_state_read_config(&dir, err);
	/* The lock only guards the reading: the exec may run for long. */
	mr_state_close(&dir);
	if (cfg == NULL || (p = build_process(o, cfg, err)) == NULL)
		goto out;
	if (p->has_terminal && p->terminal && o->console_socket == NULL && o->detach) {
		mr_error_set(err, EINVAL, "exec: a terminal needs --console-socket with --detach");
		goto out;
	}
	pidfd = mr_pidfd_open(rec->pid, 0);
	if (pidfd < 0) {
		mr_error_set(err, ESRCH, "container not running");
		goto out;
	}
	if ((root_fd = open_init_root(cfg, rec->pid, pidfd, err)) < -1)
		goto out;
	msg = malloc(sizeof(*msg));
	if (msg == NULL || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) < 0 ||
	    pipe2(pipefd, O_CLOEXEC) < 0) {
		mr_error_sys(err, errno, "exec: set up");
		goto out;
	}
	if (!o->detach) {
		/* the exec'd process becomes our child when C1 exits */
		prctl(PR_SET_CHILD_SUBREAPER, 1);
		sigfillset(&all);
		sigprocmask(SIG_BLOCK, &all, &old);
		blocked = true;
	}
	c1 = fork();
	if (c1 < 0) {
		mr_error_sys(err, errno, "exec: fork");
		goto out;
	}
	if (c1 == 0) {
		struct child c = { .p = p, .cfg = cfg, .pidfd = pidfd, .ns_flags = container_ns_flags(cfg), .root_fd = root_fd,
				   .sync_fd = sync[1], .pid_pipe = pipefd[1], .preserve_fds = o->preserve_fds };
		close(sync[0]);
		close(pipefd[0]);
		join_and_fork(&c);
	}
	close(sync[1]);
	sync[1] = -1;
	close(pipefd[1]);
	pipefd[1] = -1;
	if (read(pipefd[0], &pid, sizeof(pid)) != sizeof(pid))
		pid = -1;
	waitpid(c1, NULL, 0);
	/* The process joins the container's cgroup before it goes on. */
	if (pid > 0 && rec->cgroup) {
		struct mr_cgroup *cg = mr_cgroup_load(rec->cgroup, err);
		int r = cg ? mr_cgroup_enter(cg, pid, err) : -1;
		mr_cgroup_free(cg);
		if (r < 0)
			goto out;
	}
	if (pid > 0 && mr_sync_send(sync[0], MR_SYNC_GO, NULL, -1, err) < 0)
		goto out;
	/* Until the process execs: its console, or its error. EOF is success
	 * (the socket is close-on-exec). */
	for (;;) {
		struct mr_error *e = NULL;
		if (mr_sync_recv(sync[0], msg, &e) < 0) {
			bool eof = e->errnum == EPIPE;
			if (eof && pid > 0) {
				mr_error_free(e);
				break;
			}
			*err = e;
			goto out;
		}
		if (msg->type == MR_SYNC_ERROR) {
			mr_error_set(err, EINVAL, "%s", msg->data);
			goto out;
		}
		if (msg->type == MR_SYNC_CONSOLE && msg->fd >= 0) {
			if (o->console_socket) {
				int r = mr_terminal_send(o->console_socket, msg->fd, err);
				close(msg->fd);
				if (r < 0)
					goto out;
			} else {
				master = msg->fd;
			}
		}
	}
	if (o->pid_file && mr_pid_file_write(o->pid_file, pid, err) < 0)
		goto out;
	if (o->detach) {
		*status = 0;
		ret = 0;
		goto out;
	}
	ret = mr_foreground_wait(ctx, pid, master, status);
	if (ret < 0)
		mr_error_sys(err, errno, "exec: wait");
out:
	if (ret < 0 && pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (blocked)
		sigprocmask(SIG_SETMASK, &old, NULL);
	if (master >= 0)
		close(master);
	for (int i = 0; i < 2; i++) {
		if (sync[i] >= 0)
			close(sync[i]);
		if (pipefd[i] >= 0)
			close(pipefd[i]);
	}
	if (pidfd >= 0)
		close(pidfd);
	if (root_fd >= 0)
		close(root_fd);
	free(msg);
	if (p)
		mr_model_clear(&mr_type_oci_process, p);
	free(p);
	mr_config_free(cfg);
	mr_record_free(rec);
	if (dir.dir_fd >= 0 || dir.root)
		mr_state_close(&dir);
	return ret;
}
