/* Loading a container for a verb: its record, its status, its cgroup, and
 * for the verbs that change it the lock, taken so that nothing waits for a
 * create (state.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "container-internal.h"
#include "util/syscalls.h"

/* Read the record (again) and the status it gives. Without one: creating
 * while another process holds the lock (a create in its first steps),
 * stopped otherwise (a create or a delete that died). */
static void read_state(struct mr_loaded *l)
{
	mr_record_free(l->rec);
	mr_error_free(l->broken);
	l->broken = NULL;
	l->rec = mr_state_read(&l->dir, &l->broken);
	if (l->rec)
		l->status = mr_state_status(&l->dir, l->rec);
	else if (l->broken->errnum == ENOENT && mr_state_locked_elsewhere(&l->dir))
		l->status = MR_STATUS_CREATING;
	else
		l->status = MR_STATUS_STOPPED;
}

/* The lock of a container we read: wait for another verb, which holds it
 * briefly; never for a create, which holds it throughout. Without a record
 * the holder may be a create in its first steps: it writes its first
 * record within a few syscalls, so poll for that or for the lock. Returns
 * 0 locked, 1 to read again (a record appeared), -1 on error. */
static int take_lock(struct mr_loaded *l, struct mr_error **err)
{
	if (l->rec || l->broken->errnum != ENOENT)
		return mr_state_lock(&l->dir, true, err);
	for (int i = 0; i < 2000; i++) {
		int r = mr_state_lock(&l->dir, false, err);
		if (r <= 0)
			return r;
		if (faccessat(l->dir.dir_fd, MR_STATE_NAME, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
			return 1;
		nanosleep(&(struct timespec){ .tv_nsec = 1000 * 1000 }, NULL);
	}
	return 1;
}

int mr_container_load_flags(const struct mr_context *ctx, const char *id, struct mr_loaded *l, unsigned flags,
			    struct mr_error **err)
{
	memset(l, 0, sizeof(*l));
	if (mr_state_open(ctx->root, id, &l->dir, err) < 0)
		return -1;
	for (int pass = 0;; pass++) {
		int r;

		read_state(l);
		/* a creating container is answered at once, unlocked */
		if (!(flags & MR_LOAD_LOCK) || l->dir.locked || (l->status == MR_STATUS_CREATING && l->rec) || pass > 4)
			break;
		r = take_lock(l, err);
		if (r < 0)
			goto fail;
	}
	if (l->rec == NULL && !(flags & MR_LOAD_ANY)) {
		*err = l->broken;
		l->broken = NULL;
		goto fail;
	}
	if (l->rec && l->rec->cgroup && (l->cg = mr_cgroup_load(l->rec->cgroup, &l->broken)) == NULL &&
	    !(flags & MR_LOAD_ANY)) {
		*err = l->broken;
		l->broken = NULL;
		goto fail;
	}
	if ((l->status == MR_STATUS_RUNNING || l->status == MR_STATUS_CREATED) && l->cg && mr_cgroup_is_frozen(l->cg))
		l->status = MR_STATUS_PAUSED;
	return 0;
fail:
	mr_container_unload(l);
	return -1;
}

int mr_container_load(const struct mr_context *ctx, const char *id, struct mr_loaded *l, struct mr_error **err)
{
	return mr_container_load_flags(ctx, id, l, MR_LOAD_LOCK, err);
}

void mr_container_unload(struct mr_loaded *l)
{
	mr_cgroup_free(l->cg);
	l->cg = NULL;
	mr_record_free(l->rec);
	l->rec = NULL;
	mr_error_free(l->broken);
	l->broken = NULL;
	if (l->dir.dir_fd >= 0 || l->dir.root)
		mr_state_close(&l->dir);
}

int mr_container_open_init(const struct mr_record *r, struct mr_error **err)
{
	int fd = mr_pidfd_open(r->pid, 0);

	if (fd < 0 || !mr_proc_is(r->pid, r->pid_start_time)) {
		if (fd >= 0)
			close(fd);
		return mr_error_set(err, ESRCH, "container not running");
	}
	return fd;
}
