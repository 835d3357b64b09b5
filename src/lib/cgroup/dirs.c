/* The container's cgroup directories in each hierarchy: create makes the
 * missing ones and remembers how many it made (an existing empty leaf
 * counts as made: it is taken), destroy removes exactly those (and the
 * sub-cgroups the container made below its own). */
#include "cgroup/internal.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"

/* mkdir every missing component of h->path; h->created counts them.
 * Another container's delete may remove an empty parent between two of
 * our mkdirs (ENOENT): then start again from the top. */
static int make_dirs_once(struct mr_cg_hier *h, struct mr_error **err);

static int make_dirs(struct mr_cg_hier *h, struct mr_error **err)
{
	for (int tries = 0;; tries++) {
		struct mr_error *e = NULL;
		if (make_dirs_once(h, &e) == 0)
			return 0;
		if (e->errnum != ENOENT || tries >= 20) {
			*err = e;
			return -1;
		}
		mr_error_free(e);
	}
}

static int make_dirs_once(struct mr_cg_hier *h, struct mr_error **err)
{
	size_t mlen = strlen(h->mount);
	cleanup_free char *dir = NULL;
	int created = 0;

	/* Mostly the parents are there already: one mkdir, and the walk from
	 * the top only when one is missing. */
	if (mkdir(h->dir, 0755) == 0) {
		h->created = 1;
		return 0;
	}
	if (errno == EEXIST) {
		h->created = 0;
		return 0;
	}
	if (errno != ENOENT)
		return mr_error_sys(err, errno, "cgroup: mkdir %s", h->dir);
	dir = strdup(h->dir);
	if (dir == NULL)
		return mr_error_sys(err, ENOMEM, "cgroup");
	for (char *p = strchr(dir + mlen + 1, '/');; p = strchr(p + 1, '/')) {
		if (p)
			*p = '\0';
		if (mkdir(dir, 0755) == 0)
			created++;
		else if (errno == EEXIST)
			created = 0; /* something we did not make lies under it */
		else
			return mr_error_sys(err, errno, "cgroup: mkdir %s", dir);
		if (p == NULL)
			break;
		*p = '/';
	}
	h->created = created;
	return 0;
}

/* Remove dir and what the container made below it (sub-cgroups). *tries
 * is how many more 5 ms waits for a busy cgroup are left, for all the
 * hierarchies of one destroy together. */
static int remove_tree(const char *dir, int *tries)
{
	DIR *d;
	struct dirent *e;

	/* Mostly it has no sub-cgroups and no process left: then rmdir is
	 * all; EBUSY says there are, or that one is still counted. */
	if (rmdir(dir) == 0 || errno == ENOENT)
		return 0;
	if (errno != EBUSY)
		return -1;
	d = opendir(dir);
	if (d == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d)) != NULL) {
		char sub[PATH_MAX];
		if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (mr_cg_join_path(sub, sizeof(sub), dir, e->d_name) == 0)
			remove_tree(sub, tries);
	}
	closedir(d);
	/* A process that just died may still be counted for a moment (v1
	 * drops it only when it is reaped): retry for a while on EBUSY. */
	for (;;) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY || *tries <= 0)
			return -1;
		--*tries;
		nanosleep(&(struct timespec){ .tv_nsec = 5 * 1000 * 1000 }, NULL);
	}
}

/* Why a cgroup directory stays: the processes still in it (one by pid). */
static int left_error(const struct mr_cg_hier *h, int errnum, struct mr_error **err)
{
	size_t n = 0;

	if (errnum == EBUSY && mr_cg_dir_procs(h->dir, &n) == 0 && n)
		return mr_error_sys(err, errnum, "cgroup %s left in %s (%zu process%s still in it, which could not be killed)",
				    h->path, h->dir, n, n == 1 ? "" : "es");
	return mr_error_sys(err, errnum, "cgroup %s left in %s", h->path, h->dir);
}

static int destroy_hier(struct mr_cg_hier *h, int *tries, struct mr_error **err)
{
	cleanup_free char *dir = NULL;

	if (h->path == NULL || h->created <= 0)
		return 0;
	if (remove_tree(h->dir, tries) < 0)
		return left_error(h, errno, err);
	dir = strdup(h->dir);
	if (dir == NULL)
		return mr_error_sys(err, ENOMEM, "cgroup");
	/* The parents create made, while nothing else uses them. */
	for (int i = 1; i < h->created; i++) {
		char *slash = strrchr(dir, '/');
		if (slash == NULL || (size_t)(slash - dir) <= strlen(h->mount))
			break;
		*slash = '\0';
		if (rmdir(dir) < 0)
			break;
	}
	h->created = 0;
	return 0;
}

/* An existing cgroup (one hierarchy's) that create may take: no process in
 * it or below it, not frozen (runc refuses both). */
static int check_existing(const struct mr_cgroup *cg, const struct mr_cg_hier *h, struct mr_error **err)
{
	cleanup_free char *state = NULL;
	size_t n = 0;
	uint64_t frozen = 0;

	if (mr_cg_dir_procs(h->dir, &n) < 0)
		return mr_error_sys(err, errno, "linux.cgroupsPath: the cgroup %s exists: read %s/cgroup.procs", cg->path,
				    h->dir);
	if (n)
		return mr_error_set(err, EBUSY,
				    "linux.cgroupsPath: the cgroup %s exists and is not empty: %zu process%s in it "
				    "(another container's?)",
				    cg->path, n, n == 1 ? "" : "es");
	if (h->v2 ? mr_cg_read_u64(h->dir, "cgroup.freeze", &frozen) == 0 && frozen
		  : mr_cg_v1(cg, "freezer") == h && (state = mr_cg_read(h->dir, "freezer.state")) != NULL &&
			    strncmp(state, "THAWED", 6) != 0)
		return mr_error_set(err, EBUSY, "linux.cgroupsPath: the cgroup %s exists and is frozen", cg->path);
	return 0;
}

/* Make the cgroup in every hierarchy. One that exists already is taken if
 * it is empty and not frozen, as runc does, and is the container's from
 * then on: delete removes it (not the parents create did not make). */
int mr_cgroup_create(struct mr_cgroup *cg, struct mr_error **err)
{
	for (size_t i = 0; i < cg->n; i++) {
		if (cg->h[i].path && make_dirs(&cg->h[i], err) < 0)
			goto undo;
	}
	for (size_t i = 0; i < cg->n; i++)
		if (cg->h[i].path && cg->h[i].created == 0 && check_existing(cg, &cg->h[i], err) < 0)
			goto undo;
	/* (before the existing ones count as made: v1's cpuset fill reads what
	 * they hold) */
	if (cg->drv->prepare(cg, err) < 0)
		goto undo;
	for (size_t i = 0; i < cg->n; i++)
		if (cg->h[i].path && cg->h[i].created == 0)
			cg->h[i].created = 1;
	cg->fresh = true;
	return 0;
undo:
	/* (nothing is in them yet: no waiting) */
	for (size_t i = 0; i < cg->n; i++)
		destroy_hier(&cg->h[i], &(int){ 0 }, NULL);
	return -1;
}

int mr_cgroup_destroy(struct mr_cgroup *cg, struct mr_error **err)
{
	int ret = 0, tries = 200; /* 1 s of EBUSY at most, in all */

	for (size_t i = 0; i < cg->n; i++)
		if (destroy_hier(&cg->h[i], &tries, ret < 0 ? NULL : err) < 0)
			ret = -1;
	return ret;
}

bool mr_cgroup_owned(const struct mr_cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		if (cg->h[i].path && cg->h[i].created > 0)
			return true;
	return false;
}
