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

/* An open, locked container with its record and current status. */
struct loaded {
	struct mr_container_dir dir;
	struct mr_record *rec;
	enum mr_status status;
};

static int load(const struct mr_context *ctx, const char *id, struct loaded *l, struct mr_error **err)
{
	memset(l, 0, sizeof(*l));
	if (mr_state_open(ctx->root, id, &l->dir, err) < 0)
		return -1;
	l->rec = mr_state_read(&l->dir, err);
	if (l->rec == NULL) {
		mr_state_close(&l->dir);
		return -1;
	}
	l->status = mr_state_status(&l->dir, l->rec);
	return 0;
}

static void unload(struct loaded *l)
{
	mr_record_free(l->rec);
	l->rec = NULL;
	if (l->dir.dir_fd >= 0 || l->dir.root)
		mr_state_close(&l->dir);
}

/* The container's config as recorded: the bundle's config.json. Needed
 * only by the verbs that run hooks. */
static struct oci_config *load_config(const struct mr_record *r, struct mr_error **err)
{
	return mr_config_load(r->bundle, err);
}

/* A pidfd for the init, after checking it is still the same process. */
static int open_init(const struct mr_record *r, struct mr_error **err)
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

static int run_hooks_of(const struct mr_record *r, enum mr_status s, const char *kind, struct mr_error **err)
{
	cleanup_free char *state = NULL;
	struct oci_config *cfg;
	int ret = 0;

	cfg = load_config(r, err);
	if (cfg == NULL)
		return -1;
	if (cfg->hooks) {
		const struct oci_hooks *h = cfg->hooks;
		bool post_start = strcmp(kind, "poststart") == 0;
		const struct oci_hook *list = post_start ? h->poststart : h->poststop;
		size_t n = post_start ? h->poststart_len : h->poststop_len;
		if (n) {
			state = mr_record_state_json(r, s, err);
			ret = state ? mr_hooks_run(list, n, kind, state, err) : -1;
		}
	}
	mr_config_free(cfg);
	return ret;
}

int mr_container_start(const struct mr_context *ctx, const char *id, struct mr_error **err)
{
	struct loaded l;
	cleanup_close int fifo = -1;
	struct pollfd pfd;
	int ret = -1;

	if (load(ctx, id, &l, err) < 0)
		return -1;
	if (l.status != MR_STATUS_CREATED) {
		mr_error_set(err, EINVAL, "cannot start container \"%s\": it is %s, not created", id,
			     mr_status_name(l.status));
		goto out;
	}
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
	unlinkat(l.dir.dir_fd, MR_FIFO_NAME, 0);
	/* The init's end of the fifo closes on execve (close-on-exec): a
	 * writer sees POLLERR once no reader is left. Then the user process
	 * runs, and the poststart hooks may follow. */
	pfd = (struct pollfd){ .fd = fifo, .events = POLLOUT };
	for (;;) {
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			break;
		if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL))
			break;
		/* POLLOUT alone: the byte is still in the pipe, wait on */
		pfd.events = 0;
	}
	ret = run_hooks_of(l.rec, MR_STATUS_RUNNING, "poststart", err);
	if (ret < 0) {
		int pidfd = open_init(l.rec, NULL);
		if (pidfd >= 0) {
			mr_pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
			close(pidfd);
		}
	}
out:
	unload(&l);
	return ret;
}

char *mr_container_state(const struct mr_context *ctx, const char *id, struct mr_error **err)
{
	struct loaded l;
	struct oci_state *st;
	char *json = NULL;

	if (load(ctx, id, &l, err) < 0)
		return NULL;
	st = mr_state_public(l.rec, l.status, err);
	if (st)
		json = mr_model_to_string(&mr_type_oci_state, st, true, err);
	oci_state_free(st);
	unload(&l);
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

static int signal_container(const struct mr_record *r, int sig, bool all, struct mr_error **err)
{
	cleanup_close int pidfd = open_init(r, err);

	if (pidfd < 0)
		return -1;
	if (all) {
		if (!r->pid_namespace)
			return mr_error_set(err, ENOTSUP,
					    "kill --all: the container shares the host's pid namespace and minirun "
					    "has no cgroup support yet to find its processes");
		return kill_pidns(r, sig, err);
	}
	if (mr_pidfd_send_signal(pidfd, sig, NULL, 0) < 0)
		return mr_error_sys(err, errno, errno == ESRCH ? "container not running" : "kill");
	return 0;
}

int mr_container_kill(const struct mr_context *ctx, const char *id, int sig, bool all, struct mr_error **err)
{
	struct loaded l;
	int ret;

	if (load(ctx, id, &l, err) < 0)
		return -1;
	if (l.status == MR_STATUS_STOPPED)
		ret = mr_error_set(err, ESRCH, "container not running");
	else
		ret = signal_container(l.rec, sig, all, err);
	unload(&l);
	return ret;
}

/* Wait for a process we may not be the parent of: its pidfd turns
 * readable when it exits. */
static void wait_gone(const struct mr_record *r)
{
	int fd = open_init(r, NULL);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (fd < 0)
		return;
	while (poll(&pfd, 1, 10000) < 0 && errno == EINTR)
		;
	/* reap it if it is ours (run) */
	waitpid(r->pid, NULL, WNOHANG);
	close(fd);
}

static int destroy(struct loaded *l, const struct mr_context *ctx, struct mr_error **err)
{
	struct mr_error *hook_err = NULL;
	struct oci_config *cfg;

	/* poststop hooks only warn: the container is gone either way. */
	cfg = load_config(l->rec, NULL);
	if (cfg && cfg->hooks && cfg->hooks->poststop_len) {
		cleanup_free char *state = mr_record_state_json(l->rec, MR_STATUS_STOPPED, &hook_err);
		if (state)
			mr_hooks_run(cfg->hooks->poststop, cfg->hooks->poststop_len, "poststop", state, &hook_err);
		if (hook_err)
			mr_log_write(&ctx->log, "warning", hook_err->msg);
		mr_error_free(hook_err);
	}
	mr_config_free(cfg);
	return mr_state_remove(&l->dir, err);
}

int mr_container_delete(const struct mr_context *ctx, const char *id, bool force, struct mr_error **err)
{
	struct loaded l;
	int ret;

	if (load(ctx, id, &l, err) < 0) {
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
			unload(&l);
			return ret;
		}
		signal_container(l.rec, SIGKILL, l.rec->pid_namespace, NULL);
		wait_gone(l.rec);
		break;
	case MR_STATUS_CREATED:
		/* never started: its init only waits, kill it (runc does too) */
		signal_container(l.rec, SIGKILL, false, NULL);
		wait_gone(l.rec);
		break;
	default:
		break;
	}
	ret = destroy(&l, ctx, err);
	mr_record_free(l.rec);
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
		struct loaded l;
		if (load(ctx, ids[i], &l, NULL) < 0)
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
		unload(&l);
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
