/* delete: remove what create made, from a stopped or created container,
 * and with --force from any: a running one (killed first), one whose
 * create is still running (killed, then taken over), one whose create or
 * delete died half-way, one whose state.json is unreadable. Every step can
 * be redone: the processes go first, then the cgroup, the files, and the
 * record last. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "container-internal.h"
#include "debug-fault.h"
#include "hooks.h"
#include "mount.h"
#include "spec/config.h"
#include "util/cleanup.h"
#include "util/syscalls.h"

/* A process we may not be the parent of: its pidfd turns readable when it
 * exits. */
static void wait_pidfd(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (poll(&pfd, 1, 10000) < 0 && errno == EINTR)
		;
}

static void wait_gone(const struct mr_record *r)
{
	int fd = mr_container_open_init(r, NULL);

	if (fd < 0)
		return;
	wait_pidfd(fd);
	/* reap it if it is ours (run) */
	waitpid(r->pid, NULL, WNOHANG);
	close(fd);
}

/* A create that still runs (the record's creator, checked by pid and start
 * time): kill it and wait for it to die. Its init dies with it. */
static void stop_creator(const struct mr_record *r)
{
	int fd = mr_pidfd_open(r->creator_pid, 0);

	if (fd < 0)
		return;
	if (mr_proc_is(r->creator_pid, r->creator_start_time) && mr_pidfd_send_signal(fd, SIGKILL, NULL, 0) == 0)
		wait_pidfd(fd);
	close(fd);
}

/* A cgroup that could not be removed (ret -1, *err says which and what is
 * in it): an error, and the record stays so that delete can be tried
 * again; with --force a warning, and the container goes all the same, as
 * crun does. */
static int cgroup_left(const struct mr_context *ctx, bool force, int ret, struct mr_error **err)
{
	if (ret == 0 || !force)
		return ret;
	mr_log_write(&ctx->log, "warning", (*err)->msg);
	mr_error_cleanup(err);
	return 0;
}

/* The cgroup, the files, the record, the directory: a delete that dies
 * between two of them leaves what the next one finds. */
static int remove_all(struct mr_loaded *l, const struct mr_context *ctx, bool force, struct mr_error **err)
{
	struct mr_error *mount_err = NULL;

	/* a container without a mount namespace mounted on the host, below its
	 * rootfs; a mark a crash cut short was saved before the init ran, so
	 * there is nothing of it to detach */
	if (mr_mount_host_cleanup(l->dir.dir_fd, &mount_err) < 0)
		mr_log_write(&ctx->log, "warning", mount_err->msg);
	mr_error_free(mount_err);
	mr_fault_point(ctx, "delete-mounts");
	if (l->cg && cgroup_left(ctx, force, mr_cgroup_destroy(l->cg, err), err) < 0)
		return -1;
	mr_fault_point(ctx, "delete-cgroup");
	if (mr_state_remove_files(&l->dir, err) < 0)
		return -1;
	mr_fault_point(ctx, "delete-files");
	return mr_state_remove(&l->dir, err);
}

/* poststop hooks only warn, and each runs even if one before failed
 * (runtime-spec): the container is gone either way. */
static void run_poststop(const struct mr_context *ctx, const struct oci_config *cfg, const struct mr_record *rec)
{
	cleanup_free char *state = NULL;

	if (cfg == NULL || cfg->hooks == NULL || cfg->hooks->poststop_len == 0)
		return;
	state = mr_record_state_json(rec, MR_STATUS_STOPPED, NULL);
	for (size_t i = 0; state && i < cfg->hooks->poststop_len; i++) {
		struct mr_error *hook_err = NULL;
		if (mr_hooks_run(&cfg->hooks->poststop[i], 1, "poststop", state, &hook_err) < 0)
			mr_log_write(&ctx->log, "warning", hook_err->msg);
		mr_error_free(hook_err);
	}
}

static int destroy(struct mr_loaded *l, const struct mr_context *ctx, bool force, struct mr_error **err)
{
	/* the record says whether the config has poststop hooks (earlier
	 * builds' do not: then it may); parsing it is most of delete's CPU */
	bool hooks = !l->rec->has_poststop_hooks || l->rec->poststop_hooks;
	struct oci_config *cfg = hooks ? mr_state_read_config(&l->dir, NULL) : NULL;
	int ret = remove_all(l, ctx, force, err);

	run_poststop(ctx, cfg, l->rec);
	mr_config_free(cfg);
	return ret;
}

/* The cgroup of a container whose record does not say what create made of
 * it: the record's line, written before the cgroup was made, or without a
 * record the one the saved config names (create saves the path it used;
 * an older one's config may leave it to MINIRUN_CGROUP_PARENT). */
static void find_unrecorded_cgroup(struct mr_loaded *l, const struct mr_context *ctx)
{
	struct mr_error *e = NULL;
	struct oci_config *cfg;

	if (l->cg)
		return;
	if ((cfg = mr_state_read_config(&l->dir, &e)) != NULL)
		l->cg = mr_cgroup_open_config(cfg, l->dir.id, ctx->cgroup_parent, &e);
	/* no config: the create died before it made a cgroup, or a delete
	 * after it removed it */
	if (l->cg == NULL && e && e->errnum != ENOENT)
		mr_log_write(&ctx->log, "warning", e->msg);
	mr_error_free(e);
	mr_config_free(cfg);
}

/* A container whose create died before it recorded the init, or whose
 * record (or its cgroup line) is lost: its cgroup is purged (what is in it
 * killed, even frozen, and removed), then the recorded init is killed if
 * there is one (an init not recorded yet dies with its create anyway), and
 * what else can be found is removed. */
static int destroy_unrecorded(struct mr_loaded *l, const struct mr_context *ctx, bool force, struct mr_error **err)
{
	find_unrecorded_cgroup(l, ctx);
	if (l->cg) {
		int ret = cgroup_left(ctx, force, mr_cgroup_purge(l->cg, err), err);
		/* removed, or said: nothing more to do with it */
		mr_cgroup_free(l->cg);
		l->cg = NULL;
		if (ret < 0)
			return -1;
	}
	if (l->rec && l->rec->has_pid) {
		int pidfd = mr_container_open_init(l->rec, NULL);
		if (pidfd >= 0) {
			mr_pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
			close(pidfd);
			wait_gone(l->rec);
		}
	}
	mr_fault_point(ctx, "delete-kill");
	return remove_all(l, ctx, force, err);
}

/* The processes of a recorded container: its init and what its cgroup
 * holds. */
static void kill_recorded(struct mr_loaded *l)
{
	switch (l->status) {
	case MR_STATUS_RUNNING:
	case MR_STATUS_PAUSED:
		mr_container_signal(l, SIGKILL, true, NULL);
		wait_gone(l->rec);
		break;
	case MR_STATUS_CREATED:
		/* never started: its init only waits, kill it (runc does too) */
		mr_container_signal(l, SIGKILL, l->cg != NULL, NULL);
		wait_gone(l->rec);
		break;
	default:
		/* stopped: processes it left in its own cgroup go too */
		if (l->cg && mr_cgroup_owned(l->cg))
			mr_cgroup_kill_all(l->cg, SIGKILL, NULL);
		break;
	}
}

static int load(const struct mr_context *ctx, const char *id, bool force, struct mr_loaded *l, struct mr_error **err)
{
	if (mr_container_load_flags(ctx, id, l, MR_LOAD_LOCK | MR_LOAD_ANY, err) == 0)
		return 0;
	/* --force: an unknown id is done already; only a create that died
	 * before its directory was in place may have left one in the root */
	if (force && *err && (*err)->errnum == ENOENT) {
		mr_error_cleanup(err);
		mr_state_sweep(ctx->root);
		return 1;
	}
	return -1;
}

int mr_container_delete(const struct mr_context *ctx, const char *id, bool force, struct mr_error **err)
{
	struct mr_loaded l;
	int ret = load(ctx, id, force, &l, err);

	if (ret != 0)
		return ret < 0 ? -1 : 0;
	if (l.status == MR_STATUS_CREATING && force && l.rec) {
		/* a create still at work: stop it, and take over what it made */
		stop_creator(l.rec);
		mr_container_unload(&l);
		if ((ret = load(ctx, id, force, &l, err)) != 0)
			return ret < 0 ? -1 : 0;
	}
	if (l.status == MR_STATUS_CREATING) {
		ret = mr_error_set(err, EBUSY, "cannot delete container \"%s\" that is not stopped: creating", id);
	} else if (l.rec == NULL && l.broken->errnum != ENOENT && !force) {
		ret = mr_error_set(err, l.broken->errnum, "%s (delete --force removes what can be found of it)",
				   l.broken->msg);
	} else if (!force && (l.status == MR_STATUS_RUNNING || l.status == MR_STATUS_PAUSED)) {
		ret = mr_error_set(err, EBUSY, "cannot delete container \"%s\" that is not stopped: %s", id,
				   mr_status_name(l.status));
	} else if (l.rec == NULL || !l.rec->has_pid || (l.cg == NULL && l.rec->cgroup)) {
		ret = destroy_unrecorded(&l, ctx, force, err);
	} else {
		kill_recorded(&l);
		mr_fault_point(ctx, "delete-kill");
		ret = destroy(&l, ctx, force, err);
	}
	mr_container_unload(&l);
	return ret;
}
