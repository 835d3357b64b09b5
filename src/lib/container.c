/* start, state, kill, delete, list. create is in container-create.c, run in
 * container-run.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "container-internal.h"
#include "debug-fault.h"
#include "hooks.h"
#include "notify.h"
#include "spec/config.h"
#include "state.h"
#include "terminal.h"
#include "util/cleanup.h"
#include "util/syscalls.h"

/* The container's config, as create saved it. */
static struct oci_config *load_config(const struct mr_loaded *l, struct mr_error **err)
{
	return mr_state_read_config(&l->dir, err);
}

/* The record says whether the config has hooks of a kind (records of
 * earlier builds do not: then it may). Parsing the config is most of the
 * user-space CPU of start and delete. */
static bool may_have_hooks(bool has_flag, bool flag)
{
	return !has_flag || flag;
}

/* Wait until the init's end of the fifo is closed: at execve (it is
 * close-on-exec) or when it exits. A writer sees POLLERR once no reader is
 * left. If a startContainer hook failed, the init left the error in the
 * fifo before exiting: read it through a second open of the same pipe. */
static int wait_exec(int fifo, struct mr_error **err)
{
	struct pollfd pfd = { .fd = fifo, .events = POLLOUT };
	cleanup_close int rd = -1;
	char path[64], buf[1025];
	ssize_t n = -1;

	for (;;) {
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			break;
		if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL))
			break;
		pfd.events = 0; /* POLLOUT alone: the init has not read our byte yet */
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fifo);
	rd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (rd >= 0)
		n = read(rd, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		return mr_error_set(err, EINVAL, "%s", buf);
	}
	return 0;
}

/* runc's answers to a start of a container that is not created. */
static int not_startable(const struct mr_loaded *l, struct mr_error **err)
{
	switch (l->status) {
	case MR_STATUS_STOPPED:
		return mr_error_set(err, EINVAL, "cannot start a container that has stopped");
	case MR_STATUS_RUNNING:
		return mr_error_set(err, EINVAL, "cannot start an already running container");
	default:
		return mr_error_set(err, EINVAL, "cannot start a container in the %s state", mr_status_name(l->status));
	}
}

/* runtime-spec lifecycle step 9: a failing poststart hook is a warning;
 * the other hooks run, the container runs on. */
static void run_poststart(const struct mr_context *ctx, const struct oci_config *cfg, const struct mr_record *rec)
{
	cleanup_free char *state = NULL;
	struct mr_error *err = NULL;

	if (cfg == NULL || cfg->hooks == NULL || cfg->hooks->poststart_len == 0)
		return;
	state = mr_record_state_json(rec, MR_STATUS_RUNNING, &err);
	for (size_t i = 0; state && i < cfg->hooks->poststart_len; i++) {
		if (mr_hooks_run(&cfg->hooks->poststart[i], 1, "poststart", state, &err) < 0)
			mr_log_write(&ctx->log, "warning", err->msg);
		mr_error_cleanup(&err);
	}
	if (err)
		mr_log_write(&ctx->log, "warning", err->msg);
	mr_error_free(err);
}

/* NOTIFY_SOCKET: wait for the process' READY=1 and forward it, here or
 * (forwarder non-NULL) in a child whose pid goes to *forwarder. A failure
 * is a warning: the container runs. */
static void forward_ready(const struct mr_context *ctx, pid_t pid, int sock, pid_t *forwarder)
{
	cleanup_close int pidfd = mr_pidfd_open(pid, 0);
	struct mr_error *err = NULL;

	if (pidfd < 0)
		return; /* gone already */
	if (forwarder) {
		pid_t child = fork();
		if (child != 0) {
			if (child < 0)
				mr_log_write(&ctx->log, "warning", "NOTIFY_SOCKET: fork failed: READY=1 is not forwarded");
			*forwarder = child > 0 ? child : 0;
			return;
		}
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	}
	if (mr_notify_forward(sock, pidfd, ctx->notify_socket, &err) < 0) {
		mr_log_write(&ctx->log, "warning", err->msg);
		mr_error_free(err);
	}
	if (forwarder)
		_exit(0);
}

int mr_container_start(const struct mr_context *ctx, const char *id, pid_t *notify_forwarder, struct mr_error **err)
{
	struct mr_loaded l;
	struct oci_config *cfg = NULL;
	cleanup_close int fifo = -1;
	cleanup_close int notify = -1;
	int ret = -1;

	if (notify_forwarder)
		*notify_forwarder = 0;
	if (mr_container_load(ctx, id, &l, err) < 0)
		return -1;
	if (l.status != MR_STATUS_CREATED) {
		not_startable(&l, err);
		goto out;
	}
	if (l.rec->has_no_process && l.rec->no_process) {
		mr_error_set(err, EINVAL,
			     "cannot start container \"%s\": its config.json has no process (required to start it)", id);
		goto out;
	}
	if (may_have_hooks(l.rec->has_poststart_hooks, l.rec->poststart_hooks) && (cfg = load_config(&l, err)) == NULL)
		goto out;
	/* the container's socket is there before its process runs */
	if (ctx->notify_socket && (notify = mr_notify_bind(l.dir.dir_fd, err)) < 0 && errno != ENOENT)
		goto out;
	fifo = openat(l.dir.dir_fd, MR_FIFO_NAME, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fifo < 0) {
		if (errno == ENXIO)
			mr_error_set(err, ESRCH, "cannot start container \"%s\": its init is gone", id);
		else
			mr_error_sys(err, errno, "cannot start container \"%s\"", id);
		goto out;
	}
	if (write(fifo, "0", 1) != 1) {
		mr_error_sys(err, errno, "cannot start container \"%s\"", id);
		goto out;
	}
	mr_fault_point(ctx, "start-released");
	/* Started: no longer "created" for anyone (the status comes from the
	 * init, which closes the fifo at exec; this is for earlier builds and
	 * other readers). The lock goes too: the startContainer hooks may take
	 * their time, kill or exec must not wait for them. */
	unlinkat(l.dir.dir_fd, MR_FIFO_NAME, 0);
	mr_state_close(&l.dir);
	if (wait_exec(fifo, err) < 0)
		goto out;
	/* running for the caller once it says so (as crun: poststart after) */
	if (notify >= 0)
		forward_ready(ctx, l.rec->pid, notify, notify_forwarder);
	mr_fault_point(ctx, "start-poststart");
	run_poststart(ctx, cfg, l.rec);
	ret = 0;
out:
	mr_config_free(cfg);
	mr_container_unload(&l);
	return ret;
}

/* The public state of what was loaded; without a record only the id and
 * the status are known. */
static struct oci_state *loaded_state(const struct mr_loaded *l, struct mr_error **err)
{
	struct mr_record bare = { .id = l->dir.id };

	return mr_state_public(l->rec ? l->rec : &bare, l->status, err);
}

char *mr_container_state(const struct mr_context *ctx, const char *id, struct mr_error **err)
{
	struct mr_loaded l;
	struct oci_state *st = NULL;
	char *json = NULL;

	if (mr_container_load_flags(ctx, id, &l, MR_LOAD_ANY, err) < 0)
		return NULL;
	/* no state.json: a create in its first steps, or one that died there */
	if (l.rec == NULL && l.broken->errnum != ENOENT) {
		*err = l.broken;
		l.broken = NULL;
	} else {
		st = loaded_state(&l, err);
	}
	if (st)
		json = mr_model_to_string(&mr_type_oci_state, st, true, err);
	oci_state_free(st);
	mr_container_unload(&l);
	return json;
}

/* Every process in the init's pid namespace: kill --all without a cgroup.
 * (A container without its own pid namespace needs its cgroup for that.) */
static int kill_pidns(const struct mr_record *r, int sig, struct mr_error **err)
{
	char path[64];
	struct stat init_ns, st;
	struct dirent *e;
	DIR *proc;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)r->pid);
	if (stat(path, &init_ns) < 0)
		return mr_error_set(err, ESRCH, "container not running");
	proc = opendir("/proc");
	if (proc == NULL)
		return mr_error_sys(err, errno, "open /proc");
	while ((e = readdir(proc)) != NULL) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end != '\0' || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/pid", pid);
		if (stat(path, &st) == 0 && st.st_ino == init_ns.st_ino && st.st_dev == init_ns.st_dev) {
			int fd = mr_pidfd_open((pid_t)pid, 0);
			if (fd >= 0) {
				mr_pidfd_send_signal(fd, sig, NULL, 0);
				close(fd);
			}
		}
	}
	closedir(proc);
	return 0;
}

/* The init, or with `all` every process of the container: its cgroup's,
 * or without one its pid namespace's. SIGKILL to a paused container thaws
 * it afterwards, so that its processes really die (podman kills paused
 * containers that way, and waits for them). */
int mr_container_signal(const struct mr_loaded *l, int sig, bool all, struct mr_error **err)
{
	cleanup_close int pidfd = mr_container_open_init(l->rec, err);

	if (pidfd < 0)
		return -1;
	/* A cgroup the container joined may hold other containers too. The
	 * init gets SIGKILL itself as well: someone may have moved it out of
	 * the container's cgroup (into a frozen one, say). */
	if (all && l->cg && (mr_cgroup_owned(l->cg) || !l->rec->pid_namespace)) {
		int ret = mr_cgroup_kill_all(l->cg, sig, err);
		if (sig == SIGKILL)
			mr_pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
		return ret;
	}
	if (all && !l->rec->pid_namespace)
		return mr_error_set(err, ENOTSUP,
				    "kill --all: the container has neither a cgroup nor a pid namespace of its own");
	if (all)
		return kill_pidns(l->rec, sig, err);
	if (mr_pidfd_send_signal(pidfd, sig, NULL, 0) < 0)
		return mr_error_sys(err, errno, errno == ESRCH ? "container not running" : "kill");
	if (sig == SIGKILL && l->status == MR_STATUS_PAUSED && l->cg)
		return mr_cgroup_freeze(l->cg, false, err);
	return 0;
}

int mr_container_kill(const struct mr_context *ctx, const char *id, int sig, bool all, struct mr_error **err)
{
	struct mr_loaded l;
	int ret;

	/* no lock: the init is checked by pid and start time, and signalled
	 * through a pidfd */
	if (mr_container_load_flags(ctx, id, &l, 0, err) < 0)
		return -1;
	if (l.status == MR_STATUS_STOPPED)
		ret = mr_error_set(err, ESRCH, "container not running");
	else if (l.status == MR_STATUS_CREATING)
		ret = mr_error_set(err, EBUSY, "cannot kill container \"%s\": it is being created", id);
	else
		ret = mr_container_signal(&l, sig, all, err);
	mr_container_unload(&l);
	return ret;
}

struct oci_state **mr_container_list(const struct mr_context *ctx, size_t *count, struct mr_error **err)
{
	size_t n = 0;
	char **ids = mr_state_list(ctx->root, &n, err);
	struct oci_state **states;

	*count = 0;
	if (ids == NULL)
		return NULL;
	states = calloc(n + 1, sizeof(*states));
	for (size_t i = 0; states && i < n; i++) {
		struct mr_loaded l;
		/* every container, whatever its record holds: never hidden */
		if (mr_container_load_flags(ctx, ids[i], &l, MR_LOAD_ANY, NULL) < 0)
			continue; /* deleted meanwhile */
		states[*count] = loaded_state(&l, NULL);
		if (states[*count])
			(*count)++;
		mr_container_unload(&l);
	}
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	if (states == NULL)
		mr_error_set(err, ENOMEM, "out of memory");
	return states;
}

void mr_container_list_free(struct oci_state **states, size_t n)
{
	for (size_t i = 0; states && i < n; i++)
		oci_state_free(states[i]);
	free(states);
}
