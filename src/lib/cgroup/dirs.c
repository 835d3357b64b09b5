/* The container's cgroup directories in each hierarchy: create makes the
 * missing ones and remembers how many it made, destroy removes exactly
 * those (and the sub-cgroups the container made below its own). */
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

/* Remove dir and what the container made below it (sub-cgroups). */
static int remove_tree(const char *dir)
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
			remove_tree(sub);
	}
	closedir(d);
	/* A process that just died may still be counted for a moment (v1
	 * drops it only when it is reaped): retry for a while on EBUSY. */
	for (int i = 0; i < 200; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -1;
		nanosleep(&(struct timespec){ .tv_nsec = 5 * 1000 * 1000 }, NULL);
	}
	return -1;
}

static int destroy_hier(struct mr_cg_hier *h, struct mr_error **err)
{
	cleanup_free char *dir = NULL;

	if (h->path == NULL || h->created <= 0)
		return 0;
	if (remove_tree(h->dir) < 0)
		return mr_error_sys(err, errno, "cgroup: remove %s", h->dir);
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

int mr_cgroup_create(struct mr_cgroup *cg, struct mr_error **err)
{
	for (size_t i = 0; i < cg->n; i++) {
		if (cg->h[i].path && make_dirs(&cg->h[i], err) < 0)
			goto undo;
	}
	if (cg->drv->prepare(cg, err) < 0)
		goto undo;
	cg->fresh = true;
	return 0;
undo:
	for (size_t i = 0; i < cg->n; i++)
		destroy_hier(&cg->h[i], NULL);
	return -1;
}

int mr_cgroup_destroy(struct mr_cgroup *cg, struct mr_error **err)
{
	int ret = 0;

	for (size_t i = 0; i < cg->n; i++)
		if (destroy_hier(&cg->h[i], ret < 0 ? NULL : err) < 0)
			ret = -1;
	return ret;
}

void mr_cgroup_assume_owned(struct mr_cgroup *cg)
{
	struct stat st;

	for (size_t i = 0; i < cg->n; i++) {
		struct mr_cg_hier *h = &cg->h[i];
		/* never a hierarchy's root: it holds every process */
		if (h->path && strcmp(h->path, "/") != 0 && h->created <= 0 && stat(h->dir, &st) == 0 &&
		    S_ISDIR(st.st_mode))
			h->created = 1;
	}
}

bool mr_cgroup_owned(const struct mr_cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		if (cg->h[i].path && cg->h[i].created > 0)
			return true;
	return false;
}
