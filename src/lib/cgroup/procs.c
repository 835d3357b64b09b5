/* The processes in the container's cgroup: moving one in, listing them
 * all (sub-cgroups included), signalling them. */
#include "cgroup/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

int mr_cgroup_fd(const struct mr_cgroup *cg)
{
	const struct mr_cg_hier *h = mr_cg_unified(cg);

	if (cg->layout != MR_CGROUP_V2 || h == NULL)
		return -1;
	return open(h->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

int mr_cgroup_enter(const struct mr_cgroup *cg, pid_t pid, struct mr_error **err)
{
	for (size_t i = 0; i < cg->n; i++) {
		const struct mr_cg_hier *h = &cg->h[i];
		if (h->path == NULL)
			continue;
		if (mr_cg_writef(h->dir, "cgroup.procs", "cgroup", err, "%d", (int)pid) < 0)
			return mr_error_prefix(err, "move %d into %s%s%s", (int)pid, h->path, *h->name ? " of " : "",
					       h->name);
	}
	return 0;
}

/* The hierarchy whose cgroup.procs lists the container's processes. */
static const struct mr_cg_hier *procs_hier(const struct mr_cgroup *cg)
{
	static const char *const pref[] = { "pids", "freezer", "memory", "devices", "cpu", NULL };
	const struct mr_cg_hier *h;

	if (cg->layout == MR_CGROUP_V2)
		return mr_cg_unified(cg);
	for (size_t i = 0; pref[i]; i++)
		if ((h = mr_cg_v1(cg, pref[i])) != NULL)
			return h;
	for (size_t i = 0; i < cg->n; i++)
		if (cg->h[i].path)
			return &cg->h[i];
	return NULL;
}

static int collect_pids(const char *dir, pid_t **v, size_t *n, size_t *cap)
{
	cleanup_free char *s = mr_cg_read(dir, "cgroup.procs");
	DIR *d;
	struct dirent *e;

	if (s == NULL)
		return errno == ENOENT ? 0 : -1;
	for (char *p = s; *p;) {
		char *end;
		long pid = strtol(p, &end, 10);
		if (end == p)
			break;
		if (*n == *cap) {
			pid_t *grown = realloc(*v, (*cap = *cap ? *cap * 2 : 16) * sizeof(**v));
			if (grown == NULL)
				return -1;
			*v = grown;
		}
		(*v)[(*n)++] = (pid_t)pid;
		p = end + strspn(end, "\n");
	}
	d = opendir(dir);
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		char sub[PATH_MAX];
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		if (mr_cg_join_path(sub, sizeof(sub), dir, e->d_name) == 0 && collect_pids(sub, v, n, cap) < 0) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	return 0;
}

int mr_cg_dir_procs(const char *dir, size_t *n)
{
	cleanup_free pid_t *v = NULL;
	size_t cap = 0;

	*n = 0;
	return collect_pids(dir, &v, n, &cap);
}

static int pid_cmp(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

pid_t *mr_cgroup_pids(const struct mr_cgroup *cg, size_t *n, struct mr_error **err)
{
	const struct mr_cg_hier *h = procs_hier(cg);
	pid_t *v = NULL;
	size_t cap = 0, len = 0, out = 0;

	*n = 0;
	if (h == NULL) {
		mr_error_set(err, 0, "cgroup: no hierarchy to list processes from");
		return NULL;
	}
	if (collect_pids(h->dir, &v, &len, &cap) < 0) {
		mr_error_sys(err, errno, "cgroup: read %s/cgroup.procs", h->path);
		free(v);
		return NULL;
	}
	if (v == NULL && (v = malloc(sizeof(*v))) == NULL) {
		mr_error_sys(err, ENOMEM, "cgroup");
		return NULL;
	}
	qsort(v, len, sizeof(*v), pid_cmp);
	for (size_t i = 0; i < len; i++)
		if (out == 0 || v[out - 1] != v[i])
			v[out++] = v[i];
	*n = out;
	return v;
}

/* No process in the cgroup nor below it, told by one file: v2's
 * cgroup.events "populated 0", or v1's pids.current 0 (the pids controller
 * charges every task of the subtree until it is reaped). false when that
 * is not known; then the listing tells. */
static bool surely_empty(const struct mr_cgroup *cg)
{
	const struct mr_cg_hier *h = cg->layout == MR_CGROUP_V2 ? mr_cg_unified(cg) : mr_cg_v1(cg, "pids");
	uint64_t v = 1;

	if (h == NULL)
		return false;
	if (cg->layout == MR_CGROUP_V2)
		return mr_cg_read_key(h->dir, "cgroup.events", "populated", &v) == 0 && v == 0;
	return mr_cg_read_u64(h->dir, "pids.current", &v) == 0 && v == 0;
}

/* v1: a process of the container that sits frozen in a freezer cgroup we
 * cannot thaw (someone else's, or below a frozen parent of ours) would never
 * act on SIGKILL: move it to the freezer hierarchy's root, which thaws it
 * (v1 freezer_attach) without touching the cgroup that froze it. Best
 * effort: what still cannot die is told when its cgroup cannot be removed. */
static void release_frozen(const struct mr_cgroup *cg, const pid_t *pids, size_t n)
{
	const struct mr_cg_hier *f = mr_cg_v1(cg, "freezer");

	for (size_t i = 0; f && i < n; i++) {
		cleanup_free char *where = mr_cg_proc_cgroup(pids[i], f->controllers), *dir = NULL, *state = NULL;
		if (where == NULL || (dir = mr_cg_concat(f->mount, where)) == NULL)
			continue;
		state = mr_cg_read(dir, "freezer.state");
		if (state && strncmp(state, "THAWED", 6) != 0)
			mr_cg_writef(f->mount, "cgroup.procs", "cgroup", NULL, "%d", (int)pids[i]);
	}
}

int mr_cgroup_kill_all(const struct mr_cgroup *cg, int sig, struct mr_error **err)
{
	const struct mr_cg_hier *u = mr_cg_unified(cg);
	cleanup_free pid_t *pids = NULL;
	size_t n = 0;
	int was_frozen = cg->drv->frozen(cg);
	bool froze = false;

	/* cgroup.kill (5.14) kills everything in the v2 subtree at once, frozen
	 * or not, and nothing can fork away from it. */
	if (sig == SIGKILL && cg->layout == MR_CGROUP_V2 && u && mr_cg_exists(u->dir, "cgroup.kill")) {
		if (mr_cg_write(u->dir, "cgroup.kill", "1", "cgroup", err) < 0)
			return -1;
		/* They die frozen or not; thawed, the cgroup does not read as
		 * paused afterwards. */
		return was_frozen == 1 ? cg->drv->freeze(cg, false, err) : 0;
	}
	/* Otherwise as runc: freeze so that no new process escapes the list,
	 * signal each, thaw. An empty cgroup (delete of a stopped container)
	 * has no process to fork another: nothing to freeze or signal. */
	if (surely_empty(cg) || ((pids = mr_cgroup_pids(cg, &n, NULL)) != NULL && n == 0))
		return was_frozen == 1 && sig == SIGKILL ? cg->drv->freeze(cg, false, err) : 0;
	pids = (free(pids), NULL);
	if (was_frozen == 0) {
		if (cg->drv->freeze(cg, true, err) < 0)
			return -1;
		froze = true;
	}
	pids = mr_cgroup_pids(cg, &n, err);
	if (pids == NULL)
		goto thaw;
	for (size_t i = 0; i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH) {
			mr_error_sys(err, errno, "kill %d", (int)pids[i]);
			pids = (free(pids), NULL);
			goto thaw;
		}
thaw:
	/* A frozen process only acts on SIGKILL once thawed. */
	if ((froze || (was_frozen == 1 && sig == SIGKILL)) && cg->drv->freeze(cg, false, pids ? err : NULL) < 0) {
		if (sig == SIGKILL && pids)
			release_frozen(cg, pids, n);
		return -1;
	}
	if (sig == SIGKILL && pids)
		release_frozen(cg, pids, n);
	return pids ? 0 : -1;
}
