/* mr_cgroup_purge (cgroup.h): a container's cgroup removed from its config
 * alone, for delete --force when its state cannot be read. */
#include "cgroup/internal.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* Keep the hierarchies where the cgroup exists, each as made by create
 * (the leaf only: delete removes it), and say whether there is any. */
static bool keep_existing(struct mr_cgroup *cg)
{
	bool any = false;

	for (size_t i = 0; i < cg->n; i++) {
		struct mr_cg_hier *h = &cg->h[i];
		if (h->path == NULL)
			continue;
		if (access(h->dir, F_OK) < 0) {
			free(h->path);
			h->path = NULL;
			continue;
		}
		h->created = 1;
		any = true;
	}
	return any;
}

/* Until the killed processes are gone (a dead process counts until its
 * parent reaps it), for a few seconds at most. */
static void wait_empty(const struct mr_cgroup *cg)
{
	for (int i = 0; i < 300; i++) {
		size_t n = 1;
		free(mr_cgroup_pids(cg, &n, NULL));
		if (n == 0)
			return;
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
	}
}

int mr_cgroup_purge(const struct oci_config *cfg, const char *id, const char *parent, struct mr_error **err)
{
	struct mr_cgroup *cg = mr_cgroup_open_config(cfg, id, parent, err);
	int ret = 0;

	if (cg == NULL)
		return -1;
	if (keep_existing(cg)) {
		/* Thawed first: a frozen process acts on SIGKILL only then. */
		mr_cgroup_freeze(cg, false, NULL);
		ret = mr_cgroup_kill_all(cg, SIGKILL, err);
		wait_empty(cg);
		if (mr_cgroup_destroy(cg, ret < 0 ? NULL : err) < 0)
			ret = -1;
	}
	mr_cgroup_free(cg);
	return ret;
}
