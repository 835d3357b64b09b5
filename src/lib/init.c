#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hooks.h"
#include "mount.h"
#include "ns.h"
#include "process.h"
#include "process-env.h"
#include "seccomp-filter.h"
#include "sysctl.h"
#include "spec/config.h"
#include "sync.h"
#include "terminal.h"
#include "trampoline.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/path.h"
#include "util/signals.h"
#include "util/syscalls.h"

/* Report the error to the parent, which prints it, and die. */
static _Noreturn void fail(const struct mr_init_args *a, struct mr_error *err)
{
	mr_sync_send(a->sync_fd, MR_SYNC_ERROR, err && err->msg ? err->msg : "container init failed", -1, NULL);
	_exit(1);
}

/* Close every fd but 0-2, the --preserve-fds range and the two we still
 * need; those two are close-on-exec. The preserved ones are made
 * inheritable. A leaked host fd must not reach the container
 * (CVE-2024-21626: a cwd through /proc/self/fd/N of a host directory). */
static void close_stray_fds(const struct mr_init_args *a)
{
	unsigned first = 3 + (unsigned)a->preserve_fds;
	unsigned lo = (unsigned)(a->sync_fd < a->fifo_fd ? a->sync_fd : a->fifo_fd);
	unsigned hi = (unsigned)(a->sync_fd < a->fifo_fd ? a->fifo_fd : a->sync_fd);

	for (int fd = 3; fd < (int)first; fd++)
		if (fd != a->sync_fd && fd != a->fifo_fd)
			fcntl(fd, F_SETFD, 0);
	if (lo >= first) {
		if (lo > first)
			mr_close_range(first, lo - 1, 0);
		if (hi > lo + 1)
			mr_close_range(lo + 1, hi - 1, 0);
		mr_close_range(hi + 1, ~0U, 0);
	} else if (hi >= first) {
		if (hi > first)
			mr_close_range(first, hi - 1, 0);
		mr_close_range(hi + 1, ~0U, 0);
	} else {
		mr_close_range(first, ~0U, 0);
	}
}

/* The working directory must be inside the container's root: after pivot
 * getcwd() reports "(unreachable)" or fails for one outside it. */
static int enter_cwd(const char *cwd, struct mr_error **err)
{
	char buf[4096];

	if (chdir(cwd) < 0)
		return mr_error_sys(err, errno, "process.cwd: chdir %s", cwd);
	if (getcwd(buf, sizeof(buf)) == NULL || buf[0] != '/')
		return mr_error_set(err, EPERM, "process.cwd: %s is outside the container's root filesystem", cwd);
	return 0;
}

static int run_hooks_here(const struct oci_hook *h, size_t n, const char *kind, const char *state,
			  struct mr_error **err)
{
	return n ? mr_hooks_run(h, n, kind, state, err) : 0;
}

static int make_cwd(const char *rootfs, const char *cwd, struct mr_error **err)
{
	cleanup_close int root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int fd = -1;

	struct mr_error *probe = NULL;

	if (root < 0)
		return mr_error_sys(err, errno, "open %s", rootfs);
	/* Only a missing one: anything else (a magic link...) is for the
	 * checks after pivot_root to judge. */
	fd = mr_path_open_in_root(root, cwd, O_PATH, &probe);
	if (fd >= 0 || probe == NULL || probe->errnum != ENOENT) {
		mr_error_free(probe);
		return 0;
	}
	mr_error_free(probe);
	fd = mr_path_mkdir_in_root(root, cwd, 0755, false, err);
	return fd < 0 ? mr_error_prefix(err, "process.cwd") : 0;
}

/* Ready: tell the parent, then wait until it has recorded us (state.json
 * in place) and lets go. Until then we die with it: its death closes the
 * socket, and we exit. A plain read: the seccomp filter may be loaded. */
static void report_ready(const struct mr_init_args *a)
{
	char buf[64];
	ssize_t n;

	if (mr_sync_send(a->sync_fd, MR_SYNC_READY, NULL, -1, NULL) < 0)
		_exit(1);
	do
		n = read(a->sync_fd, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		_exit(1);
	close(a->sync_fd);
}

/* process is optional until start (config.md): without one, set up, be
 * ready and wait. start refuses such a container; a byte written into the
 * fifo by hand gets that answer too. */
static _Noreturn void wait_without_process(const struct mr_init_args *a)
{
	static const char msg[] = "config.json has no process to start";
	char byte;

	prctl(PR_SET_PDEATHSIG, 0);
	report_ready(a);
	while (read(a->fifo_fd, &byte, 1) < 0 && errno == EINTR)
		;
	if (write(a->fifo_fd, msg, sizeof(msg) - 1) < 0)
		_exit(127);
	_exit(127);
}

/* A new pid namespace (or time namespace) made by unshare takes our
 * children only: fork the real init into it. CLONE_PARENT makes it the
 * runtime's child, so that the runtime reaps it and `run` waits for it
 * as for an init it cloned itself; we exit at once. It tells the runtime
 * who it is (its pidfd: the runtime reads its pid in its own pid
 * namespace from it) and waits until the runtime has taken it over. */
static void fork_real_init(const struct mr_init_args *a)
{
	/* with CLONE_PARENT, clone3 wants exit_signal 0: the child gets
	 * ours (SIGCHLD) for its new parent */
	struct mr_clone_args args = { .flags = CLONE_PARENT };
	struct mr_error *err = NULL;
	struct mr_sync_msg msg;
	pid_t pid = mr_clone3(&args);
	int self;

	if (pid < 0) {
		mr_error_sys(&err, errno, "linux.namespaces: fork the init into its new pid or time namespace");
		fail(a, err);
	}
	if (pid > 0)
		_exit(0);
	/* not inherited across fork; the runtime is our parent now. Its
	 * death before this shows as EOF on the sync socket below. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_DUMPABLE, 0);
	self = mr_pidfd_open(getpid(), 0);
	if (self < 0) {
		mr_error_sys(&err, errno, "pidfd_open of the init");
		fail(a, err);
	}
	if (mr_sync_send(a->sync_fd, MR_SYNC_PID, NULL, self, &err) < 0 ||
	    mr_sync_expect(a->sync_fd, MR_SYNC_GO, &msg, &err) < 0)
		_exit(1);
	close(self);
}

/* The namespaces first: wait for the parent to write our user namespace
 * maps, become root in it, join the namespaces given by path, make the
 * late ones, and a session keyring of our own. */
static void enter_namespaces(const struct mr_init_args *a)
{
	const struct oci_config *cfg = a->cfg;
	const struct oci_namespace *userns = mr_config_namespace(cfg->linux, "user");
	const char *userns_path = userns ? userns->path : NULL;
	struct mr_error *err = NULL;
	struct mr_sync_msg msg;

	/* Nothing before the parent has written our user namespace maps. */
	if (mr_sync_expect(a->sync_fd, MR_SYNC_GO, &msg, &err) < 0)
		_exit(1);
	if (a->new_userns) {
		if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
			mr_error_sys(&err, errno, "user namespace: become root");
			fail(a, err);
		}
	}
	if (mr_ns_join_paths(cfg, &err) < 0)
		fail(a, err);
	/* Joined a user namespace by path: the new namespaces are made now,
	 * in it, so that it owns them (the parent cloned us without them).
	 * Before becoming its root: /proc/self/timens_offsets belongs to host
	 * root while we are not dumpable, which its root cannot override. */
	if (a->late_ns_flags && mr_ns_unshare_late(a->late_ns_flags, cfg->linux, userns_path, &err) < 0)
		fail(a, err);
	if (userns_path && mr_ns_become_root(userns_path, &err) < 0)
		fail(a, err);
	if (a->late_ns_flags & (CLONE_NEWPID | CLONE_NEWTIME))
		fork_real_init(a);
	/* A fresh session keyring, so containers do not share the caller's
	 * keys (--no-new-keyring keeps it). */
	if (!a->no_new_keyring && syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS &&
	    errno != EACCES)
		mr_error_sys(&err, errno, "join a new session keyring"), fail(a, err);
}

/* The rootfs, its mounts and /dev, still seen from the host's root. */
static void build_rootfs(const struct mr_init_args *a)
{
	const struct oci_config *cfg = a->cfg;
	const struct oci_namespace *userns = mr_config_namespace(cfg->linux, "user");
	struct mr_error *err = NULL;

	/* relative bind sources are relative to the bundle */
	if (chdir(a->bundle) < 0) {
		mr_error_sys(&err, errno, "bundle %s", a->bundle);
		fail(a, err);
	}
	if (mr_mount_prepare_rootfs(cfg, a->rootfs, &err) < 0 ||
	    mr_mount_all(cfg, a->rootfs, a->sources, a->cg, a->cgroup_pending, &err) < 0)
		fail(a, err);
	/* /dev before the hooks, as runc (and before we enter the cgroup: its
	 * nodes stay charged to the runtime, like the mounts). */
	if (mr_dev_setup(cfg, a->rootfs, a->new_userns || (userns && userns->path), a->sources, &err) < 0)
		fail(a, err);
	/* Out of the cgroup still: look up the paths to mask, so that their
	 * dentries and inodes are charged to the runtime as well. */
	if (a->cgroup_pending)
		mr_mount_warm_paths(cfg, a->rootfs);
}

/* prestart and createRuntime: in the runtime's namespaces, by the parent,
 * which first puts us in our cgroup (if we were not born in it), and
 * answers with the state JSON the other hooks get (returned). Then
 * createContainer here, in the container's namespaces, before pivot_root. */
static char *run_create_hooks(const struct mr_init_args *a)
{
	const struct oci_hooks *h = a->cfg->hooks;
	struct mr_error *err = NULL;
	struct mr_sync_msg msg;
	char *state_json;

	if (mr_sync_send(a->sync_fd, MR_SYNC_HOOKS_RUNTIME, NULL, -1, &err) < 0 ||
	    mr_sync_expect(a->sync_fd, MR_SYNC_HOOKS_DONE, &msg, &err) < 0)
		_exit(1);
	/* A new cgroup namespace is rooted at the cgroup we are in. */
	if (a->unshare_cgroupns && unshare(CLONE_NEWCGROUP) < 0) {
		mr_error_sys(&err, errno, "linux.namespaces (cgroup): unshare");
		fail(a, err);
	}
	state_json = strdup(msg.data);
	if (state_json == NULL)
		_exit(1);
	if (h && run_hooks_here(h->create_container, h->create_container_len, "createContainer", state_json, &err) < 0)
		fail(a, err);
	return state_json;
}

/* The terminal, then into the new root: pivot_root, the kernel settings
 * of the container's namespaces, masked and read-only paths. */
static void enter_rootfs(const struct mr_init_args *a)
{
	const struct oci_config *cfg = a->cfg;
	const struct oci_process *p = cfg->process;
	struct mr_error *err = NULL;

	if (p && p->has_terminal && p->terminal) {
		int master = mr_terminal_setup(p, a->rootfs, &err);
		if (master < 0)
			fail(a, err);
		if (mr_sync_send(a->sync_fd, MR_SYNC_CONSOLE, NULL, master, &err) < 0)
			_exit(1);
		close(master);
	}
	/* A missing cwd is made inside the rootfs (as runc does), before it
	 * may turn read-only. */
	if (p && make_cwd(a->rootfs, p->cwd, &err) < 0)
		fail(a, err);
	/* sysctls go before the read-only paths (/proc/sys is one of them). */
	if (mr_mount_pivot(cfg, a->rootfs, a->no_pivot, &err) < 0 || mr_sysctl_set_names(cfg, &err) < 0 ||
	    (cfg->linux && mr_sysctl_apply(cfg->linux, &err) < 0) || mr_mount_finalize(cfg, &err) < 0)
		fail(a, err);
}

/* Become the container's process but for the execve: only its fds, its
 * cwd, its environment, its attributes and the seccomp filter. Returns
 * the executable, *env the environment. */
static char *become_process(const struct mr_init_args *a, char ***env)
{
	const struct oci_config *cfg = a->cfg;
	const struct oci_process *p = cfg->process;
	struct mr_error *err = NULL;
	char listen_env[2][32], *extra[3];
	size_t n_extra = 0;
	char *exe;
	bool nnp;

	close_stray_fds(a);
	if (p == NULL)
		wait_without_process(a);
	if (enter_cwd(p->cwd, &err) < 0)
		fail(a, err);
	/* HOME from the container's /etc/passwd: before the filter and while
	 * we are still root, who can read it. */
	if (a->listen_fds > 0) {
		/* socket activation: the pid the process will have, ours (1 in
		 * a new pid namespace), as sd_listen_fds(3) checks it */
		snprintf(listen_env[0], sizeof(listen_env[0]), "LISTEN_FDS=%d", a->listen_fds);
		snprintf(listen_env[1], sizeof(listen_env[1]), "LISTEN_PID=%d", (int)getpid());
		extra[n_extra++] = listen_env[0];
		extra[n_extra++] = listen_env[1];
	}
	if (a->notify_env)
		extra[n_extra++] = (char *)a->notify_env;
	*env = mr_env_prepare(p->env, p->env_len, extra, n_extra, mr_process_uid(p), &err);
	if (*env == NULL)
		fail(a, err);
	exe = mr_process_find_executable(p->args[0], *env, &err);
	if (exe == NULL)
		fail(a, err);
	/* The parent exits once it has recorded us: stop dying with it now,
	 * before the filter, which may not allow prctl. From here on the sync
	 * socket tells us of its death (report_ready). */
	prctl(PR_SET_PDEATHSIG, 0);

	/* seccomp as late as possible, so our own setup is not filtered; but
	 * without no_new_privs loading a filter needs CAP_SYS_ADMIN, which the
	 * user process may not keep: then load it before dropping privileges. */
	nnp = p->has_no_new_privileges && p->no_new_privileges;
	if (!nnp && mr_seccomp_load_passing(a->cfg->linux, a->sync_fd, &err) < 0)
		fail(a, err);
	if ((cfg->linux && mr_personality_apply(cfg->linux->personality, &err) < 0) || mr_process_apply(p, a->keep_groups, &err) < 0)
		fail(a, err);
	if (nnp && mr_seccomp_load_passing(a->cfg->linux, a->sync_fd, &err) < 0)
		fail(a, err);
	return exe;
}

/* Wait for `start`, run the startContainer hooks, exec. */
static _Noreturn void wait_start_and_exec(const struct mr_init_args *a, const char *exe, char **env,
					  const char *state_json)
{
	const struct oci_config *cfg = a->cfg;
	const struct oci_process *p = cfg->process;
	struct mr_error *err = NULL;
	char byte;

	/* Blocks until `start` writes a byte. */
	while (read(a->fifo_fd, &byte, 1) < 0 && errno == EINTR)
		;
	/* startContainer hooks: with the state create gave ("created"). A
	 * failure goes back to start through the fifo (start reads it once
	 * our end is closed), and the process never runs. */
	if (cfg->hooks && cfg->hooks->start_container_len &&
	    run_hooks_here(cfg->hooks->start_container, cfg->hooks->start_container_len, "startContainer",
			   state_json, &err) < 0) {
		if (write(a->fifo_fd, err->msg, strnlen(err->msg, 1024)) < 0)
			dprintf(STDERR_FILENO, "minirun: %s\n", err->msg);
		_exit(127);
	}
	close(a->fifo_fd);
	if (mr_process_apply_final_affinity(p, &err) < 0) {
		dprintf(STDERR_FILENO, "minirun: %s\n", err->msg);
		_exit(127);
	}
	mr_trampoline_execve(exe, p->args, env);
	dprintf(STDERR_FILENO, "minirun: exec %s: %s\n", exe, strerror(errno));
	_exit(127);
}

_Noreturn void mr_init_main(const struct mr_init_args *a)
{
	char *exe, *state_json, **env;

	/* CVE-2019-5736: until execve we are the minirun binary. Not
	 * dumpable, no process of the container (nor one sharing a joined pid
	 * namespace) without CAP_SYS_PTRACE over the runtime's user namespace
	 * can open our /proc/<pid>/exe, nor ptrace us; execve of the user's
	 * program makes the process dumpable again. This costs one prctl,
	 * where copying the binary to a memfd and re-executing it costs ms. */
	prctl(PR_SET_DUMPABLE, 0);

	/* What the caller blocked or ignored is not the container's business
	 * (run blocks signals to forward them). */
	mr_signals_reset_all();

	/* Die with the parent while it still supervises the setup. If it died
	 * before the prctl (getppid() cannot tell: it reads 0 in a new pid
	 * namespace, and an orphan may go to a subreaper), the socket does:
	 * the receive below reads EOF, and we exit. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);

	enter_namespaces(a);
	build_rootfs(a);
	state_json = run_create_hooks(a);
	enter_rootfs(a);
	exe = become_process(a, &env);
	report_ready(a);
	wait_start_and_exec(a, exe, env, state_json);
}
