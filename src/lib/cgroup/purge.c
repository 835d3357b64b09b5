/* mr_cgroup_purge (cgroup.h): a container's cgroup removed whatever its
 * record says of it, for delete --force of a container whose create died
 * half-way or whose state.json is unreadable. */
#include "cgroup/internal.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Keep the hierarchies where the cgroup exists, each as made by create
 * (the leaf at least: parents the record says create made stay counted),
 * and say whether there is any. Never a hierarchy's root: it holds every
 * process of the host. */
static bool take_existing(struct mr_cgroup *cg)
{
	bool any = false;

	for (size_t i = 0; i < cg->n; i++) {
		struct mr_cg_hier *h = &cg->h[i];
		struct stat st;

		if (h->path == NULL)
			continue;
		if (strcmp(h->path, "/") == 0 || stat(h->dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			free(h->path);
			h->path = NULL;
			continue;
		}
		if (h->created <= 0)
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

int mr_cgroup_purge(struct mr_cgroup *cg, struct mr_error **err)
{
	if (!take_existing(cg))
		return 0;
	/* frozen or not (kill_all thaws, and frees what sits frozen
	 * elsewhere); what still cannot die is said by destroy */
	mr_cgroup_kill_all(cg, SIGKILL, NULL);
	wait_empty(cg);
	return mr_cgroup_destroy(cg, err);
}
