/* start, state, kill, delete, list, run. create is in container-create.c. */
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
#include "hooks.h"
#include "spec/config.h"
#include "state.h"
#include "terminal.h"
#include "util/cleanup.h"
#include "util/syscalls.h"

char *mr_record_state_json(const struct mr_record *r, enum mr_status s, struct mr_error **err)
{
	struct oci_state *st = mr_state_public(r, s, err);
	char *json;

	if (st == NULL)
		return NULL;
	json = mr_model_to_string(&mr_type_oci_state, st, false, err);
	oci_state_free(st);
	return json;
}

int mr_container_load(const struct mr_context *ctx, const char *id, struct mr_loaded *l, struct mr_error **err)
{
	memset(l, 0, sizeof(*l));
	if (mr_state_open(ctx->root, id, &l->dir, err) < 0)
		return -1;
	l->rec = mr_state_read(&l->dir, err);
	if (l->rec == NULL)
		goto fail;
	if (l->rec->cgroup && (l->cg = mr_cgroup_load(l->rec->cgroup, err)) == NULL)
		goto fail;
	l->status = mr_state_status(&l->dir, l->rec);
	if ((l->status == MR_STATUS_RUNNING || l->status == MR_STATUS_CREATED) && l->cg && mr_cgroup_is_frozen(l->cg))
		l->status = MR_STATUS_PAUSED;
	return 0;
fail:
	mr_container_unload(l);
	return -1;
}

void mr_container_unload(struct mr_loaded *l)
{
	mr_cgroup_free(l->cg);
	l->cg = NULL;
	mr_record_free(l->rec);
	l->rec = NULL;
	if (l->dir.dir_fd >= 0 || l->dir.root)
		mr_state_close(&l->dir);
}

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

int mr_container_open_init(const struct mr_record *r, struct mr_error **err)
{
	bool zombie;
	int fd = mr_pidfd_open(r->pid, 0);

	if (fd < 0 || mr_proc_start_time(r->pid, &zombie) != r->pid_start_time || zombie) {
		if (fd >= 0)
			close(fd);
		return mr_error_set(err, ESRCH, "container not running");
	}
	return fd;
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

int mr_container_start(const struct mr_context *ctx, const char *id, struct mr_error **err)
{
	struct mr_loaded l;
	struct oci_config *cfg = NULL;
	cleanup_close int fifo = -1;
	int ret = -1;

	if (mr_container_load(ctx, id, &l, err) < 0)
		return -1;
	if (l.status != MR_STATUS_CREATED) {
		mr_error_set(err, EINVAL, "cannot start container \"%s\": it is %s, not created", id,
			     mr_status_name(l.status));
		goto out;
	}
	if (may_have_hooks(l.rec->has_poststart_hooks, l.rec->poststart_hooks) && (cfg = load_config(&l, err)) == NULL)
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
	/* Started: no longer "created" for anyone. The lock goes too: the
	 * startContainer hooks may take their time, kill or exec must not
	 * wait for them. */
	unlinkat(l.dir.dir_fd, MR_FIFO_NAME, 0);
	mr_state_close(&l.dir);
	if (wait_exec(fifo, err) < 0)
		goto out;
	ret = 0;
	if (cfg && cfg->hooks && cfg->hooks->poststart_len) {
		cleanup_free char *state = mr_record_state_json(l.rec, MR_STATUS_RUNNING, err);
		ret = state ? mr_hooks_run(cfg->hooks->poststart, cfg->hooks->poststart_len, "poststart", state, err)
			    : -1;
	}
	if (ret < 0) {
		int pidfd = mr_container_open_init(l.rec, NULL);
		if (pidfd >= 0) {
			mr_pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
			close(pidfd);
		}
	}
out:
	mr_config_free(cfg);
	mr_container_unload(&l);
	return ret;
}

char *mr_container_state(const struct mr_context *ctx, const char *id, struct mr_error **err)
{
	struct mr_loaded l;
	struct oci_state *st;
	char *json = NULL;

	if (mr_container_load(ctx, id, &l, err) < 0)
		return NULL;
	st = mr_state_public(l.rec, l.status, err);
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
static int signal_container(const struct mr_loaded *l, int sig, bool all, struct mr_error **err)
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

	if (mr_container_load(ctx, id, &l, err) < 0)
		return -1;
	if (l.status == MR_STATUS_STOPPED)
		ret = mr_error_set(err, ESRCH, "container not running");
	else
		ret = signal_container(&l, sig, all, err);
	mr_container_unload(&l);
	return ret;
}

/* Wait for a process we may not be the parent of: its pidfd turns
 * readable when it exits. */
static void wait_gone(const struct mr_record *r)
{
	int fd = mr_container_open_init(r, NULL);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (fd < 0)
		return;
	while (poll(&pfd, 1, 10000) < 0 && errno == EINTR)
		;
	/* reap it if it is ours (run) */
	waitpid(r->pid, NULL, WNOHANG);
	close(fd);
}

/* Remove what create made: the cgroup (once empty), then the state dir;
 * then run the poststop hooks, which only warn: the container is gone
 * either way. */
static int destroy(struct mr_loaded *l, const struct mr_context *ctx, bool force, struct mr_error **err)
{
	struct oci_config *cfg =
		may_have_hooks(l->rec->has_poststop_hooks, l->rec->poststop_hooks) ? load_config(l, NULL) : NULL;
	int ret = 0;

	/* --force: a cgroup that cannot be removed (a process that cannot be
	 * killed) is said, and the container goes all the same, as crun does */
	if (l->cg && mr_cgroup_destroy(l->cg, err) < 0) {
		ret = -1;
		if (force) {
			mr_log_write(&ctx->log, "warning", (*err)->msg);
			mr_error_free(*err);
			*err = NULL;
			ret = 0;
		}
	}
	if (ret == 0)
		ret = mr_state_remove(&l->dir, err);
	/* each one runs even if one before failed (runtime-spec) */
	if (cfg && cfg->hooks && cfg->hooks->poststop_len) {
		cleanup_free char *state = mr_record_state_json(l->rec, MR_STATUS_STOPPED, NULL);
		for (size_t i = 0; state && i < cfg->hooks->poststop_len; i++) {
			struct mr_error *hook_err = NULL;
			if (mr_hooks_run(&cfg->hooks->poststop[i], 1, "poststop", state, &hook_err) < 0)
				mr_log_write(&ctx->log, "warning", hook_err->msg);
			mr_error_free(hook_err);
		}
	}
	mr_config_free(cfg);
	return ret;
}

int mr_container_delete(const struct mr_context *ctx, const char *id, bool force, struct mr_error **err)
{
	struct mr_loaded l;
	int ret;

	if (mr_container_load(ctx, id, &l, err) < 0) {
		if (force && *err && (*err)->errnum == ENOENT) {
			mr_error_free(*err);
			*err = NULL;
			return 0;
		}
		return -1;
	}
	switch (l.status) {
	case MR_STATUS_RUNNING:
	case MR_STATUS_PAUSED:
		if (!force) {
			ret = mr_error_set(err, EBUSY, "cannot delete container \"%s\" that is not stopped: %s", id,
					   mr_status_name(l.status));
			mr_container_unload(&l);
			return ret;
		}
		signal_container(&l, SIGKILL, true, NULL);
		wait_gone(l.rec);
		break;
	case MR_STATUS_CREATED:
		/* never started: its init only waits, kill it (runc does too) */
		signal_container(&l, SIGKILL, l.cg != NULL, NULL);
		wait_gone(l.rec);
		break;
	default:
		/* stopped: processes it left in its own cgroup go too */
		if (l.cg && mr_cgroup_owned(l.cg))
			mr_cgroup_kill_all(l.cg, SIGKILL, NULL);
		break;
	}
	ret = destroy(&l, ctx, force, err);
	mr_container_unload(&l);
	return ret;
}

static int append(char **buf, size_t *len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int append(char **buf, size_t *len, const char *fmt, ...)
{
	va_list ap;
	char *piece = NULL, *grown;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&piece, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	grown = realloc(*buf, *len + n + 1);
	if (grown == NULL) {
		free(piece);
		return -1;
	}
	memcpy(grown + *len, piece, n + 1);
	*buf = grown;
	*len += n;
	free(piece);
	return 0;
}

char *mr_container_list(const struct mr_context *ctx, enum mr_list_format f, struct mr_error **err)
{
	size_t n = 0, len = 0;
	char **ids = mr_state_list(ctx->root, &n, err);
	char *out = NULL;
	bool first = true;

	if (ids == NULL)
		return NULL;
	if (f == MR_LIST_TABLE)
		append(&out, &len, "%-12s %-8s %-10s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED",
		       "OWNER");
	else if (f == MR_LIST_JSON)
		append(&out, &len, "[");
	for (size_t i = 0; i < n; i++) {
		struct mr_loaded l;
		if (mr_container_load(ctx, ids[i], &l, NULL) < 0)
			continue; /* deleted meanwhile, or half-created */
		if (f == MR_LIST_QUIET) {
			append(&out, &len, "%s\n", ids[i]);
		} else if (f == MR_LIST_TABLE) {
			append(&out, &len, "%-12s %-8d %-10s %-40s %-32s %s\n", ids[i],
			       l.status == MR_STATUS_STOPPED ? 0 : l.rec->pid, mr_status_name(l.status), l.rec->bundle,
			       l.rec->created ? l.rec->created : "", l.rec->owner ? l.rec->owner : "");
		} else {
			struct oci_state *st = mr_state_public(l.rec, l.status, NULL);
			char *json = st ? mr_model_to_string(&mr_type_oci_state, st, false, NULL) : NULL;
			if (json)
				append(&out, &len, "%s%s", first ? "" : ",", json);
			first = false;
			free(json);
			oci_state_free(st);
		}
		mr_container_unload(&l);
	}
	if (f == MR_LIST_JSON)
		append(&out, &len, "]\n");
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	if (out == NULL && f != MR_LIST_QUIET)
		mr_error_set(err, ENOMEM, "out of memory");
	if (out == NULL && f == MR_LIST_QUIET)
		out = strdup("");
	return out;
}

int mr_wait_forwarding(pid_t pid, int *status)
{
	cleanup_close int pidfd = mr_pidfd_open(pid, 0);
	cleanup_close int sigfd = -1;
	struct pollfd pfd[2];
	sigset_t all;

	/* the caller blocked every signal; they queue here */
	sigfillset(&all);
	sigfd = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
	if (pidfd < 0 || sigfd < 0)
		return -1;
	pfd[0] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
	for (;;) {
		int ws;
		pid_t p;

		/* reap the orphans we inherit as a subreaper, too */
		while ((p = waitpid(-1, &ws, WNOHANG)) > 0) {
			if (p == pid) {
				*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
				return 0;
			}
		}
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			return -1;
		if (pfd[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sigfd, &si, sizeof(si)) == sizeof(si))
				if (si.ssi_signo != SIGCHLD)
					mr_pidfd_send_signal(pidfd, (int)si.ssi_signo, NULL, 0);
		}
	}
}

int mr_container_run(const struct mr_context *ctx, const struct mr_run_opts *o, int *status, struct mr_error **err)
{
	struct mr_create_opts co = o->create;
	int master = -1, ret = -1;
	sigset_t all, old;
	pid_t pid;

	*status = 1;
	if (!o->detach && co.console_socket == NULL)
		co.console_master = &master;
	if (!o->detach && !o->no_subreaper)
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	/* Block signals now, so none is lost between start and the wait; the
	 * init resets its mask. */
	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	if (!o->detach)
		sigprocmask(SIG_BLOCK, &all, &old);
	if (mr_container_create(ctx, &co, &pid, err) < 0)
		goto out;
	if (mr_container_start(ctx, co.id, err) < 0) {
		mr_container_delete(ctx, co.id, true, NULL);
		goto out;
	}
	if (o->detach) {
		*status = 0;
		ret = 0;
		goto out;
	}
	if (master >= 0) {
		struct mr_error *perr = NULL;
		if (mr_terminal_proxy(master, &perr) < 0) {
			mr_log_write(&ctx->log, "warning", perr->msg);
			mr_error_free(perr);
		}
	}
	if (mr_wait_forwarding(pid, status) < 0) {
		mr_error_sys(err, errno, "run: wait");
		goto out;
	}
	ret = 0;
	if (!o->keep)
		ret = mr_container_delete(ctx, co.id, true, err);
out:
	if (master >= 0)
		close(master);
	if (!o->detach)
		sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
