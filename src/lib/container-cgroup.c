/* update, pause, resume, ps, events: each loads the container, checks its
 * status, and asks the cgroup driver. */
#include "container-cgroup.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container-internal.h"
#include "util/cleanup.h"

/* Load a container that must have a cgroup and be in one of `allowed`. */
static int load_with_cgroup(const struct mr_context *ctx, const char *id, const char *verb, unsigned allowed,
			    struct mr_loaded *l, struct mr_error **err)
{
	if (mr_container_load(ctx, id, l, err) < 0)
		return -1;
	if (!(allowed & (1u << l->status))) {
		mr_error_set(err, EINVAL, "cannot %s container \"%s\": it is %s", verb, id, mr_status_name(l->status));
		mr_container_unload(l);
		return -1;
	}
	if (l->cg == NULL) {
		mr_error_set(err, ENOTSUP, "cannot %s container \"%s\": it has no cgroup", verb, id);
		mr_container_unload(l);
		return -1;
	}
	return 0;
}

#define LIVE ((1u << MR_STATUS_CREATED) | (1u << MR_STATUS_RUNNING) | (1u << MR_STATUS_PAUSED))

int mr_container_update(const struct mr_context *ctx, const char *id, const struct oci_linux_resources *r,
			struct mr_error **err)
{
	struct mr_loaded l;
	int ret;

	if (load_with_cgroup(ctx, id, "update", LIVE, &l, err) < 0)
		return -1;
	ret = mr_cgroup_apply(l.cg, r, err);
	mr_container_unload(&l);
	return ret;
}

static int freeze(const struct mr_context *ctx, const char *id, bool frozen, struct mr_error **err)
{
	struct mr_loaded l;
	unsigned allowed = frozen ? (1u << MR_STATUS_RUNNING) : (1u << MR_STATUS_PAUSED);
	int ret;

	if (load_with_cgroup(ctx, id, frozen ? "pause" : "resume", allowed, &l, err) < 0)
		return -1;
	ret = mr_cgroup_freeze(l.cg, frozen, err);
	mr_container_unload(&l);
	return ret;
}

int mr_container_pause(const struct mr_context *ctx, const char *id, struct mr_error **err)
{
	return freeze(ctx, id, true, err);
}

int mr_container_resume(const struct mr_context *ctx, const char *id, struct mr_error **err)
{
	return freeze(ctx, id, false, err);
}

pid_t *mr_container_pids(const struct mr_context *ctx, const char *id, size_t *n, struct mr_error **err)
{
	struct mr_loaded l;
	pid_t *pids;

	if (load_with_cgroup(ctx, id, "list the processes of", LIVE | (1u << MR_STATUS_STOPPED), &l, err) < 0)
		return NULL;
	pids = mr_cgroup_pids(l.cg, n, err);
	mr_container_unload(&l);
	return pids;
}

static int print_stats(const struct mr_cgroup *cg, const char *id, FILE *out, struct mr_error **err)
{
	cleanup_free char *data = mr_cgroup_stats_json(cg, err);

	if (data == NULL)
		return -1;
	/* runc's event: {"type":"stats","id":...,"data":{...}} (the id is a
	 * valid container id: no quoting needed) */
	fprintf(out, "{\"type\":\"stats\",\"id\":\"%s\",\"data\":%s}\n", id, data);
	fflush(out);
	return 0;
}

static bool still_running(const struct mr_record *r)
{
	bool zombie;
	return mr_proc_start_time(r->pid, &zombie) == r->pid_start_time && !zombie;
}

int mr_container_events(const struct mr_context *ctx, const char *id, bool once, int interval_ms, FILE *out,
			struct mr_error **err)
{
	struct mr_loaded l;
	cleanup_close int oom = -1;
	uint64_t ooms;
	int ret = -1;

	if (load_with_cgroup(ctx, id, "watch", LIVE, &l, err) < 0)
		return -1;
	if (once) {
		ret = print_stats(l.cg, id, out, err);
		mr_container_unload(&l);
		return ret;
	}
	/* The stream may last: do not hold the container's lock. */
	mr_state_close(&l.dir);
	oom = mr_cgroup_oom_fd(l.cg, NULL);
	ooms = mr_cgroup_oom_count(l.cg);
	for (;;) {
		struct pollfd pfd = { .fd = oom, .events = POLLIN };
		uint64_t now;
		int r;

		if (print_stats(l.cg, id, out, err) < 0)
			break;
		r = poll(&pfd, oom >= 0 ? 1 : 0, interval_ms);
		if (r < 0 && errno != EINTR) {
			mr_error_sys(err, errno, "events: poll");
			break;
		}
		if (r > 0 && (pfd.revents & POLLIN)) {
			char buf[64];
			if (read(oom, buf, sizeof(buf)) < 0 && errno != EAGAIN)
				break;
		}
		now = mr_cgroup_oom_count(l.cg);
		for (; ooms < now; ooms++) {
			fprintf(out, "{\"type\":\"oom\",\"id\":\"%s\"}\n", id);
			fflush(out);
		}
		if (!still_running(l.rec)) {
			ret = 0;
			break;
		}
	}
	mr_container_unload(&l);
	return ret;
}
