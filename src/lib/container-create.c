/* create: parse and validate, make the state dir, clone the init into its
 * namespaces, answer its requests (user namespace maps, runtime hooks, the
 * console), record the state, write the pid file. Any failure undoes it all. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "cgroup/cgroup.h"
#include "caps.h"
#include "cgroup/manager.h"
#include "cgroup/memory.h"
#include "container-internal.h"
#include "debug-fault.h"
#include "hooks.h"
#include "init.h"
#include "mount.h"
#include "notify.h"
#include "ns.h"
#include "process.h"
#include "seccomp-filter.h"
#include "spec/config.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"
#include "util/cleanup.h"
#include "util/id.h"
#include "util/json.h"
#include "util/preserve-fds.h"
#include "util/log.h"
#include "util/syscalls.h"

struct create {
	const struct mr_context *ctx;
	const struct mr_create_opts *o;
	struct oci_config *cfg;
	char *bundle;
	char *rootfs;
	struct mr_container_dir dir;
	struct mr_record *rec;
	struct mr_cgroup *cg; /* NULL: the manager makes none (disabled) */
	const struct mr_cgroup_manager *mgr;
	char *config_json; /* saved in the state dir: later verbs use it */
	struct mr_mount_sources sources; /* bind sources opened here, on the host side */
	struct mr_mount_ids host_mounts; /* no mount namespace: what was below the rootfs before */
	int sync[2];
	int fifo_fd;
	int pidfd;
	pid_t pid;
	/* the init forks into a pid or time namespace it made after joining a
	 * user namespace by path: pid and pidfd become the real init's when it
	 * reports (MR_SYNC_PID) */
	bool init_forks;
	bool pid_file_written;
	bool cgroup_pending; /* the init is not in its cgroup yet (see serve_init) */
	bool keep_groups; /* run.oci.keep_original_groups, read before the record takes the annotations */
	char *notify_env; /* the process' NOTIFY_SOCKET=..., or NULL (notify.h) */
};

/* What the spec leaves to the runtime, checked before any side effect. */
static int check_runnable(const struct create *c, struct mr_error **err)
{
	const struct oci_process *p = c->cfg->process;
	bool terminal = p && p->has_terminal && p->terminal;

	/* no process is fine until start (config.md) */
	if (p && p->args_len == 0)
		return mr_error_set(err, EINVAL, "config.json: process.args: must not be empty");
	if (terminal && c->o->console_socket == NULL && c->o->console_master == NULL)
		/* runc's words, and the hint crun's tests look for */
		return mr_error_set(err, EINVAL,
				    "cannot allocate tty if minirun will detach without setting console socket: "
				    "use --console-socket when process.terminal is true (or run in the foreground)");
	if (!terminal && c->o->console_socket != NULL)
		return mr_error_set(err, EINVAL, "--console-socket given but process.terminal is false in config.json");
	return 0;
}

static int resolve_paths(struct create *c, struct mr_error **err)
{
	const char *b = c->o->bundle ? c->o->bundle : ".";
	cleanup_free char *joined = NULL;
	const char *root = c->cfg->root->path;

	c->bundle = realpath(b, NULL);
	if (c->bundle == NULL)
		return mr_error_sys(err, errno, "bundle %s", b);
	if (root[0] != '/') {
		if (asprintf(&joined, "%s/%s", c->bundle, root) < 0)
			return mr_error_set(err, ENOMEM, "out of memory");
		root = joined;
	}
	c->rootfs = realpath(root, NULL);
	if (c->rootfs == NULL)
		return mr_error_sys(err, errno, "config.json: root.path %s", root);
	return 0;
}

static int make_record(struct create *c, struct mr_error **err)
{
	const struct oci_namespace *pidns = mr_config_namespace(c->cfg->linux, "pid");
	char now[64];

	mr_rfc3339_now(now, sizeof(now));
	c->rec = calloc(1, sizeof(*c->rec));
	if (c->rec == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	c->rec->oci_version = strdup(c->cfg->oci_version);
	c->rec->id = strdup(c->o->id);
	c->rec->bundle = strdup(c->bundle);
	c->rec->rootfs = strdup(c->rootfs);
	c->rec->created = strdup(now);
	c->rec->owner = strdup("");
	c->rec->pid_namespace = pidns != NULL && pidns->path == NULL;
	c->rec->has_pid_namespace = true;
	/* start and delete parse the saved config only for these */
	c->rec->poststart_hooks = c->cfg->hooks && c->cfg->hooks->poststart_len;
	c->rec->has_poststart_hooks = true;
	c->rec->poststop_hooks = c->cfg->hooks && c->cfg->hooks->poststop_len;
	c->rec->has_poststop_hooks = true;
	c->rec->no_process = c->cfg->process == NULL;
	c->rec->has_no_process = c->rec->no_process;
	/* who is creating it: while we live and there is no pid, "creating" */
	c->rec->creator_pid = getpid();
	c->rec->has_creator_pid = true;
	c->rec->creator_start_time = mr_proc_start_time(getpid(), &(bool){ false });
	c->rec->has_creator_start_time = true;
	if (!c->rec->oci_version || !c->rec->id || !c->rec->bundle || !c->rec->rootfs || !c->rec->created ||
	    !c->rec->owner)
		return mr_error_set(err, ENOMEM, "out of memory");
	c->keep_groups = mr_process_keep_groups(c->cfg->annotations);
	if (c->cfg->annotations) {
		/* the record owns a copy: take the config's map over */
		c->rec->annotations = (struct oci_map_string *)c->cfg->annotations;
		c->cfg->annotations = NULL;
	}
	return 0;
}

/* What spawn_init sets up around the clone and undoes after it. */
struct spawn {
	struct mr_clone_args args;
	int saved_pidns, saved_timens, cgfd; /* -1: none */
	int late_ns; /* CLONE_NEW* the init makes after joining a user namespace by path */
	bool unshare_cgroupns;
};

/* The namespaces: joining a pid namespace applies to children only, so
 * join it here, clone, come back. Joining a user namespace by path:
 * namespaces clone3 made would be owned by ours. The init makes them once
 * it has joined it (init.c), and forks into a new pid or time namespace,
 * which only its children enter. Only then: the common case keeps its
 * single clone. */
static int plan_namespaces(struct create *c, struct spawn *s, struct mr_error **err)
{
	const struct oci_namespace *pidns = mr_config_namespace(c->cfg->linux, "pid");
	const struct oci_namespace *user = mr_config_namespace(c->cfg->linux, "user");
	uint64_t new_ns = mr_ns_new_flags(c->cfg->linux);

	if (pidns && pidns->path) {
		s->saved_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		if (s->saved_pidns < 0)
			return mr_error_sys(err, errno, "open /proc/self/ns/pid");
		if (mr_ns_join(c->cfg->linux, (size_t)(pidns - c->cfg->linux->namespaces), CLONE_NEWPID, err) < 0)
			return -1;
	}
	if (user && user->path) {
		s->late_ns = (int)new_ns;
		new_ns = 0;
		c->init_forks = (s->late_ns & (CLONE_NEWPID | CLONE_NEWTIME)) != 0;
	}
	s->args.flags = new_ns | CLONE_PIDFD;
	return 0;
}

/* v2: born in its cgroup. Everything the init then makes is charged to
 * the container: its mounts, tmpfs inodes and dentries (~60 KiB that live
 * as long as the container), the pages it copies on write. With a memory
 * limit that is the runtime's memory counted against the container, so it
 * enters its cgroup later, as on v1; at the price of an RCU grace period in
 * the cgroup.procs write (some ms of wall time, no CPU) that
 * CLONE_INTO_CGROUP does not pay. */
static void plan_cgroup(struct create *c, struct spawn *s)
{
	if (c->cg == NULL)
		return; /* no cgroup: the init stays in ours */
	s->cgfd = mr_cgroup_fd(c->cg);
	if (s->cgfd >= 0 && mr_cgroup_memory_limited(c->cfg->linux ? c->cfg->linux->resources : NULL)) {
		close(s->cgfd);
		s->cgfd = -1;
	}
	if (s->cgfd >= 0) {
		s->args.flags |= CLONE_INTO_CGROUP;
		s->args.cgroup = (uint64_t)s->cgfd;
		return;
	}
	/* v1, or a memory limit: the init enters its cgroups after its mounts
	 * (serve_init); a cgroup namespace made now would be rooted at ours.
	 * It unshares one once it is in place (as runc does); after joining a
	 * user namespace by path too, inside the joined namespace. */
	c->cgroup_pending = true;
	if (s->args.flags & CLONE_NEWCGROUP) {
		s->args.flags &= ~(uint64_t)CLONE_NEWCGROUP;
		s->unshare_cgroupns = true;
	}
	if (s->late_ns & CLONE_NEWCGROUP) {
		s->late_ns &= ~CLONE_NEWCGROUP;
		s->unshare_cgroupns = true;
	}
}

/* Time namespace offsets can only be set before any process enters the
 * namespace: make it for our children (unshare), write them, and let clone
 * put the init in it. */
static int plan_timens(struct create *c, struct spawn *s, struct mr_error **err)
{
	if (!(s->args.flags & CLONE_NEWTIME))
		return 0;
	s->saved_timens = open("/proc/self/ns/time", O_RDONLY | O_CLOEXEC);
	if (s->saved_timens < 0 || unshare(CLONE_NEWTIME) < 0)
		return mr_error_sys(err, errno, "linux.namespaces (time): unshare");
	if (mr_ns_write_time_offsets(c->cfg->linux->time_offsets, err) < 0)
		return -1;
	s->args.flags &= ~(uint64_t)CLONE_NEWTIME;
	return 0;
}

/* In the child: become the init. */
static _Noreturn void become_init(struct create *c, const struct spawn *s)
{
	struct mr_init_args ia = {
		.cfg = c->cfg,
		.rootfs = c->rootfs,
		.bundle = c->bundle,
		.sources = &c->sources,
		.sync_fd = c->sync[1],
		.fifo_fd = c->fifo_fd,
		.preserve_fds = c->ctx->listen_fds + c->o->preserve_fds,
		.listen_fds = c->ctx->listen_fds,
		.notify_env = c->notify_env,
		.new_userns = (s->args.flags & CLONE_NEWUSER) != 0,
		.no_pivot = c->o->no_pivot,
		.no_new_keyring = c->o->no_new_keyring,
		.keep_groups = c->keep_groups,
		.unshare_cgroupns = s->unshare_cgroupns,
		.late_ns_flags = s->late_ns,
		.cg = c->cg,
		.cgroup_pending = c->cgroup_pending,
	};
	close(c->sync[0]);
	/* the state directory's lock is the create's alone: a create that
	 * dies releases it at once, whatever the init does */
	close(c->dir.dir_fd);
	close(c->dir.root_fd);
	mr_init_main(&ia);
}

/* Back in our own pid and time namespaces (the init's are set). */
static int restore_namespaces(struct create *c, struct spawn *s, struct mr_error **err)
{
	int ret = 0;

	if (s->saved_pidns >= 0 && setns(s->saved_pidns, CLONE_NEWPID) < 0 && c->pid > 0)
		ret = mr_error_sys(err, errno, "cannot return to the runtime's pid namespace");
	if (s->saved_timens >= 0 && setns(s->saved_timens, CLONE_NEWTIME) < 0 && c->pid > 0 && ret == 0)
		ret = mr_error_sys(err, errno, "cannot return to the runtime's time namespace");
	return ret;
}

/* Clone the init; in the child, become it. */
static int spawn_init(struct create *c, struct mr_error **err)
{
	struct spawn s = { .saved_pidns = -1, .saved_timens = -1, .cgfd = -1 };
	int pidfd = -1, ret = -1;

	if (mr_mount_sources_prepare(c->cfg, c->bundle, &c->sources, err) < 0)
		return -1;
	if (plan_namespaces(c, &s, err) < 0)
		goto out;
	plan_cgroup(c, &s);
	if (plan_timens(c, &s, err) < 0)
		goto out;
	s.args.pidfd = (uint64_t)(uintptr_t)&pidfd;
	s.args.exit_signal = SIGCHLD;
	c->pid = mr_clone3(&s.args);
	if (c->pid == 0)
		become_init(c, &s);
	if (c->pid < 0)
		mr_error_sys(err, errno, "clone3 (namespaces: 0x%llx)", (unsigned long long)s.args.flags);
	else
		c->pidfd = pidfd;
	ret = c->pid < 0 ? -1 : 0;
out:
	if (restore_namespaces(c, &s, err) < 0)
		ret = -1;
	/* the init has its own copies of the sources now */
	mr_mount_sources_close(&c->sources);
	if (s.saved_pidns >= 0)
		close(s.saved_pidns);
	if (s.saved_timens >= 0)
		close(s.saved_timens);
	if (s.cgfd >= 0)
		close(s.cgfd);
	return ret;
}

/* The init forked the real one into its new pid or time namespace (init.c
 * fork_real_init): our child too (CLONE_PARENT), it sent its pidfd. The
 * first one exits: reap it, and take the real one over (the pid from here
 * on, in the state, the pid file, what undo kills) before letting it go on.
 * It is in the cgroup already: it was forked there. */
static int adopt_real_init(struct create *c, int pidfd, struct mr_error **err)
{
	bool zombie;
	pid_t pid;

	if (pidfd < 0 || !c->init_forks) {
		if (pidfd >= 0)
			close(pidfd);
		return mr_error_set(err, EPROTO, "sync: unexpected pid message from the init");
	}
	c->init_forks = false;
	waitpid(c->pid, NULL, 0);
	close(c->pidfd);
	c->pidfd = pidfd;
	pid = mr_pidfd_pid(pidfd);
	c->pid = pid;
	if (pid < 0)
		return mr_error_sys(err, errno, "cannot find the container's init in /proc");
	c->rec->pid = pid;
	c->rec->pid_start_time = mr_proc_start_time(pid, &zombie);
	return mr_sync_send(c->sync[0], MR_SYNC_GO, NULL, -1, err);
}

/* prestart and createRuntime, for the init: it is in its cgroup first. */
static int run_runtime_hooks(struct create *c, struct mr_error **err)
{
	const struct oci_hooks *h = c->cfg->hooks;
	cleanup_free char *state = NULL;

	/* Not born in its cgroup (spawn_init): into every hierarchy now that
	 * the mounts and /dev are made. What the kernel allocated for them is
	 * charged to us, not to the container's memory limit; the hooks, and
	 * all that runs in the container, find the init in its cgroup. */
	if (c->cgroup_pending && c->mgr->enter(c->cg, c->pid, err) < 0)
		return -1;
	c->cgroup_pending = false;
	/* the status the spec gives these hooks' step, as crun */
	state = mr_record_state_json(c->rec, MR_STATUS_CREATED, err);
	if (state == NULL)
		return -1;
	if (h && (mr_hooks_run(h->prestart, h->prestart_len, "prestart", state, err) < 0 ||
		  mr_hooks_run(h->create_runtime, h->create_runtime_len, "createRuntime", state, err) < 0))
		return -1;
	/* the state the hooks in the container get */
	return mr_sync_send(c->sync[0], MR_SYNC_HOOKS_DONE, state, -1, err);
}

/* The pty master: to the console socket, or back to run. */
static int take_console(struct create *c, int fd, struct mr_error **err)
{
	int r;

	if (fd < 0)
		return mr_error_set(err, EPROTO, "sync: console message without a terminal");
	if (c->o->console_master) {
		*c->o->console_master = fd;
		return 0;
	}
	r = mr_terminal_send(c->o->console_socket, fd, err);
	close(fd);
	return r;
}

static int send_seccomp_listener(struct create *c, int fd, struct mr_error **err)
{
	cleanup_free char *state = mr_record_state_json(c->rec, MR_STATUS_CREATING, err);
	int r = state ? mr_seccomp_send_listener(c->cfg->linux->seccomp, fd, c->rec->pid, state, err) : -1;

	if (fd >= 0)
		close(fd);
	return r < 0 || fd < 0 ? -1 : 0;
}

/* One request of the init: 0 to wait for the next, 1 when it is ready. */
static int answer(struct create *c, struct mr_sync_msg *msg, struct mr_error **err)
{
	switch (msg->type) {
	case MR_SYNC_HOOKS_RUNTIME:
		return run_runtime_hooks(c, err);
	case MR_SYNC_CONSOLE:
		return take_console(c, msg->fd, err);
	case MR_SYNC_SECCOMP:
		return send_seccomp_listener(c, msg->fd, err);
	case MR_SYNC_PID:
		return adopt_real_init(c, msg->fd, err);
	case MR_SYNC_READY:
		return 1;
	case MR_SYNC_ERROR:
		return mr_error_set(err, EINVAL, "%s", msg->data);
	default:
		if (msg->fd >= 0)
			close(msg->fd);
		return mr_error_set(err, EPROTO, "sync: unexpected message %u from the init", msg->type);
	}
}

static int serve_init(struct create *c, struct mr_error **err)
{
	const struct oci_linux *l = c->cfg->linux;
	const struct oci_namespace *user = mr_config_namespace(l, "user");
	struct mr_sync_msg *msg = malloc(sizeof(*msg));
	bool zombie;
	int ret = -1;

	if (msg == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	c->rec->pid = c->pid;
	c->rec->has_pid = true;
	c->rec->pid_start_time = mr_proc_start_time(c->pid, &zombie);
	c->rec->has_pid_start_time = true;
	/* both maps before the init does anything that needs an id */
	if (user && user->path == NULL &&
	    mr_ns_write_id_maps(c->pid, l->uid_mappings, l->uid_mappings_len, l->gid_mappings, l->gid_mappings_len,
				"linux.", err) < 0)
		goto out;
	if (mr_sync_send(c->sync[0], MR_SYNC_GO, NULL, -1, err) < 0)
		goto out;
	do {
		ret = mr_sync_recv(c->sync[0], msg, err) < 0 ? -1 : answer(c, msg, err);
	} while (ret == 0);
	ret = ret > 0 ? 0 : -1;
out:
	free(msg);
	return ret;
}

static void undo(struct create *c)
{
	siginfo_t si;

	/* the pidfd alone when the real init's pid could not be read */
	if (c->pidfd >= 0) {
		mr_pidfd_send_signal(c->pidfd, SIGKILL, NULL, 0);
		waitid(P_PIDFD, (id_t)c->pidfd, &si, WEXITED);
	} else if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
	}
	if (c->o->console_master && *c->o->console_master >= 0) {
		close(*c->o->console_master);
		*c->o->console_master = -1;
	}
	if (c->pid_file_written)
		unlink(c->o->pid_file);
	/* the init is gone: what it mounted in our namespace goes too */
	if (c->host_mounts.taken)
		mr_mount_host_undo(c->rootfs, &c->host_mounts);
	if (c->cg)
		c->mgr->destroy(c->cg, NULL);
	if (c->dir.dir_fd >= 0 && mr_state_remove_files(&c->dir, NULL) == 0)
		mr_state_remove(&c->dir, NULL);
}

/* The saved config names the cgroup that create used when the config left
 * it to us (MINIRUN_CGROUP_PARENT or the default), so that delete --force
 * finds it from the config alone when the record is lost. The running
 * config is left as it was. */
static int save_config_json(struct create *c, struct mr_error **err)
{
	struct oci_linux none = { 0 }, *l = c->cfg->linux ? c->cfg->linux : &none;
	char *given = l->cgroups_path;

	if ((given == NULL || given[0] == '\0') && c->cg)
		l->cgroups_path = (char *)mr_cgroup_path(c->cg);
	c->cfg->linux = l;
	c->config_json = mr_config_to_json(c->cfg, false, err);
	l->cgroups_path = given;
	if (l == &none)
		c->cfg->linux = NULL;
	return c->config_json ? 0 : -1;
}

/* What create writes must read back: the record (its annotations, above
 * all) within MR_STATE_MAX_BYTES, with room for what is added later. */
static int check_sizes(const struct create *c, struct mr_error **err)
{
	cleanup_free char *rec = mr_model_to_string(&mr_type_mr_record, c->rec, false, err);
	size_t room = MR_STATE_MAX_BYTES - 64 * 1024;

	if (rec == NULL)
		return -1;
	if (strlen(rec) > room)
		return mr_error_set(err, EFBIG,
				    "config.json: annotations: %zu bytes of state with them, more than the %zu "
				    "minirun keeps for a container",
				    strlen(rec), room);
	if (strlen(c->config_json) > MR_JSON_MAX_BYTES)
		return mr_error_set(err, EFBIG, "config.json: %zu bytes once saved, more than the %u minirun reads back",
				    strlen(c->config_json), MR_JSON_MAX_BYTES);
	return 0;
}

/* 1. Everything that can be wrong with the input, before any effect. */
static int prepare(struct create *c, struct mr_error **err)
{
	const struct mr_create_opts *o = c->o;

	if (mr_id_validate(o->id, err) < 0 || mr_inherited_fds_check(c->ctx->listen_fds, o->preserve_fds, c->ctx->log.fd, err) < 0)
		return -1;
	if ((c->mgr = mr_cgroup_manager_get(c->ctx, err)) == NULL)
		return -1;
	c->cfg = mr_config_load(o->bundle, err);
	if (c->cfg == NULL || check_runnable(c, err) < 0 || resolve_paths(c, err) < 0)
		return -1;
	mr_caps_warn_unavailable(&c->ctx->log, c->cfg->process ? c->cfg->process->capabilities : NULL);
	if (c->mgr->open(c->cfg, o->id, c->ctx->cgroup_parent, &c->cg, err) < 0)
		return mr_error_prefix(err, "config.json");
	if (save_config_json(c, err) < 0 || make_record(c, err) < 0)
		return -1;
	/* where the cgroup will be, before it is: a create that dies after
	 * making it leaves this for delete --force */
	if (c->cg && (c->rec->cgroup = mr_cgroup_describe(c->cg)) == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	return check_sizes(c, err);
}

/* 2. The state dir (exclusive) with the first record, the saved config,
 * the fifo start will open, the sync socket; the cgroup, with its limits,
 * before any process is in it. */
static int make_state(struct create *c, struct mr_error **err)
{
	const struct mr_context *ctx = c->ctx;

	if (mr_state_create(ctx->root, c->o->id, c->rec, &c->dir, err) < 0)
		return -1;
	mr_fault_point(ctx, "create-dir");
	if (mr_state_write_config(&c->dir, c->config_json, err) < 0)
		return -1;
	if (mkfifoat(c->dir.dir_fd, MR_FIFO_NAME, 0600) < 0)
		return mr_error_sys(err, errno, "cannot make %s/%s/%s", ctx->root, c->o->id, MR_FIFO_NAME);
	/* O_RDWR never blocks on a fifo; the init's read() then blocks until
	 * start writes, and start's open fails (ENXIO) once the init is gone. */
	c->fifo_fd = openat(c->dir.dir_fd, MR_FIFO_NAME, O_RDWR | O_CLOEXEC);
	if (c->fifo_fd < 0 || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, c->sync) < 0)
		return mr_error_sys(err, errno, "cannot set up the init's channels");
	mr_fault_point(ctx, "create-files");
	if (c->cg == NULL)
		return 0;
	if (c->mgr->create(c->cg, c->cfg->linux ? c->cfg->linux->resources : NULL, err) < 0)
		return -1;
	mr_fault_point(ctx, "create-cgroup");
	free(c->rec->cgroup);
	if ((c->rec->cgroup = mr_cgroup_describe(c->cg)) == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	return 0;
}

/* NOTIFY_SOCKET: the directory the container's socket will be in, bound
 * into the container (after the config was saved: it is the runtime's
 * mount, not the bundle's). */
static int prepare_notify(struct create *c, struct mr_error **err)
{
	cleanup_free char *dir = NULL;
	char cwd[PATH_MAX];

	if (c->dir.root[0] != '/' && getcwd(cwd, sizeof(cwd)) == NULL)
		return mr_error_sys(err, errno, "getcwd");
	if (asprintf(&dir, "%s%s%s/%s", c->dir.root[0] == '/' ? "" : cwd, c->dir.root[0] == '/' ? "" : "/",
		     c->dir.root, c->dir.id) < 0) {
		dir = NULL;
		return mr_error_set(err, ENOMEM, "out of memory");
	}
	return mr_notify_prepare(c->dir.dir_fd, dir, c->ctx->notify_socket, c->cfg, &c->notify_env, err);
}

/* 3. The init, and what it asks of us until it is ready. */
static int make_init(struct create *c, struct mr_error **err)
{
	/* no mount namespace: what the container mounts lands on the host,
	 * below its rootfs; delete detaches it by the mark saved here */
	if (!mr_mount_own_namespace(c->cfg) &&
	    (mr_mount_host_mark(c->rootfs, &c->host_mounts, err) < 0 ||
	     mr_mount_host_save(c->dir.dir_fd, c->rootfs, &c->host_mounts, err) < 0))
		return -1;
	if (c->ctx->notify_socket && prepare_notify(c, err) < 0)
		return -1;
	if (spawn_init(c, err) < 0)
		return -1;
	mr_fault_point(c->ctx, "create-init");
	close(c->sync[1]);
	c->sync[1] = -1;
	close(c->fifo_fd);
	c->fifo_fd = -1;
	if (serve_init(c, err) < 0)
		return -1;
	mr_fault_point(c->ctx, "create-ready");
	return 0;
}

/* 4. Record it (created: the record no longer names a create), let the
 * other verbs at it (the lock), and let the init go: it waits for start
 * from now on, and no longer dies with us. */
static int record(struct create *c, struct mr_error **err)
{
	c->rec->has_creator_pid = c->rec->has_creator_start_time = false;
	if (mr_state_write(&c->dir, c->rec, err) < 0)
		return -1;
	mr_state_unlock(&c->dir);
	mr_fault_point(c->ctx, "create-state");
	if (c->o->pid_file) {
		if (mr_pid_file_write(c->o->pid_file, c->pid, err) < 0)
			return -1;
		c->pid_file_written = true;
	}
	mr_fault_point(c->ctx, "create-pid-file");
	if (mr_sync_send(c->sync[0], MR_SYNC_GO, NULL, -1, err) < 0)
		return -1;
	mr_fault_point(c->ctx, "create-done");
	return 0;
}

int mr_container_create(const struct mr_context *ctx, const struct mr_create_opts *o, pid_t *pid,
			struct mr_error **err)
{
	struct create c = { .ctx = ctx, .o = o, .sync = { -1, -1 }, .fifo_fd = -1, .pidfd = -1 };
	int ret = -1;

	c.dir.dir_fd = c.dir.root_fd = -1;
	if (o->console_master)
		*o->console_master = -1;
	if (prepare(&c, err) < 0)
		goto out;
	if (make_state(&c, err) < 0 || make_init(&c, err) < 0 || record(&c, err) < 0) {
		undo(&c);
		goto out;
	}
	*pid = c.pid;
	ret = 0;
	mr_state_close(&c.dir);
out:
	if (c.sync[0] >= 0)
		close(c.sync[0]);
	if (c.sync[1] >= 0)
		close(c.sync[1]);
	if (c.fifo_fd >= 0)
		close(c.fifo_fd);
	if (c.pidfd >= 0)
		close(c.pidfd);
	mr_mount_ids_clear(&c.host_mounts);
	mr_mount_sources_close(&c.sources);
	mr_config_free(c.cfg);
	free(c.notify_env);
	mr_record_free(c.rec);
	mr_cgroup_free(c.cg);
	free(c.config_json);
	free(c.bundle);
	free(c.rootfs);
	return ret;
}
