/* The cgroup hierarchies this host has mounted at /sys/fs/cgroup, and so
 * its layout (v1, hybrid, pure v2); which hierarchy holds a controller;
 * where this process is in each one. */
#include "cgroup/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/mountinfo.h"

static const char *const v1_controllers[] = {
	"cpuset", "cpu",     "cpuacct", "blkio", "memory", "devices", "freezer", "net_cls",
	"perf_event", "net_prio", "hugetlb", "pids", "rdma",   "misc",	  "debug",   NULL,
};

/* "rw,cpu,cpuacct" -> "cpu,cpuacct": the controllers (and name=) of a v1
 * mount's super options. */
static char *super_controllers(const char *opts)
{
	cleanup_free char *copy = strdup(opts);
	char *out = calloc(1, strlen(opts) + 1), *save = NULL;

	if (copy == NULL || out == NULL) {
		free(out);
		return NULL;
	}
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		bool known = strncmp(t, "name=", 5) == 0;
		for (size_t i = 0; !known && v1_controllers[i]; i++)
			known = strcmp(t, v1_controllers[i]) == 0;
		if (!known)
			continue;
		if (*out)
			strcat(out, ",");
		strcat(out, t);
	}
	return out;
}

static bool list_has(const char *list, const char *item, char sep)
{
	size_t n = strlen(item);

	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, sep);
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && strncmp(p, item, n) == 0)
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

static bool same_set(const char *a, const char *b)
{
	cleanup_free char *copy = strdup(a);
	char *save = NULL;
	size_t na = 0, nb = 0;

	if (copy == NULL)
		return false;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save), na++)
		if (!list_has(b, t, ','))
			return false;
	for (const char *p = b; *p; p++)
		nb += *p == ',';
	return na == (*b ? nb + 1 : 0);
}

void mr_cg_hier_clear(struct mr_cg_hier *h)
{
	free(h->name);
	free(h->mount);
	free(h->controllers);
	free(h->path);
	free(h->dir);
}

/* The cgroup mounts at /sys/fs/cgroup (pure v2) or directly below it. */
int mr_cg_detect(struct mr_cgroup *cg, struct mr_error **err)
{
	cleanup_mountinfo struct mr_mountinfo_reader r = { 0 };
	struct mr_mountinfo mi;
	bool pure_v2 = false, any_v2 = false, any_v1 = false;

	if (mr_mountinfo_open(&r, err) < 0)
		return mr_error_prefix(err, "cgroup");
	while (mr_mountinfo_next(&r, &mi)) {
		const char *fstype = mi.fstype, *opts = mi.super_opts;
		char *const mount_point = mi.mount_point;
		struct mr_cg_hier *grown, *h;
		const char *name;
		bool v2;

		v2 = strcmp(fstype, "cgroup2") == 0;
		if (!v2 && strcmp(fstype, "cgroup") != 0)
			continue;
		if (strcmp(mount_point, MR_CGROUP_ROOT) == 0 && v2) {
			name = "";
		} else if (strncmp(mount_point, MR_CGROUP_ROOT "/", sizeof(MR_CGROUP_ROOT)) == 0) {
			name = mount_point + sizeof(MR_CGROUP_ROOT);
			if (*name == '\0' || strchr(name, '/'))
				continue;
		} else {
			continue;
		}
		if (*name == '\0') {
			/* A pure v2 host: cgroup2 is the only hierarchy. */
			for (size_t i = 0; i < cg->n; i++)
				mr_cg_hier_clear(&cg->h[i]);
			cg->n = 0;
			pure_v2 = true;
		} else if (pure_v2) {
			continue;
		}
		grown = realloc(cg->h, (cg->n + 1) * sizeof(*cg->h));
		if (grown == NULL)
			return mr_error_sys(err, ENOMEM, "cgroup hierarchies");
		cg->h = grown;
		h = &cg->h[cg->n];
		memset(h, 0, sizeof(*h));
		h->v2 = v2;
		h->name = strdup(name);
		h->mount = strdup(mount_point);
		h->controllers = v2 ? strdup("") : super_controllers(opts);
		cg->n++;
		if (!h->name || !h->mount || !h->controllers)
			return mr_error_sys(err, ENOMEM, "cgroup hierarchies");
		/* The same hierarchy mounted twice: keep the first. */
		for (size_t i = 0; i + 1 < cg->n; i++) {
			if (cg->h[i].v2 == v2 && strcmp(cg->h[i].controllers, h->controllers) == 0) {
				mr_cg_hier_clear(h);
				cg->n--;
				break;
			}
		}
		any_v2 |= v2;
		any_v1 |= !v2;
	}
	if (pure_v2)
		cg->layout = MR_CGROUP_V2;
	else if (any_v1)
		cg->layout = any_v2 ? MR_CGROUP_HYBRID : MR_CGROUP_V1;
	else
		return mr_error_set(err, 0, "cgroup: no cgroup hierarchy is mounted at " MR_CGROUP_ROOT);
	cg->drv = cg->layout == MR_CGROUP_V2 ? &mr_cgroup_v2_driver : &mr_cgroup_v1_driver;
	return 0;
}

char *mr_cgroup_own(const char *controllers)
{
	return mr_cg_proc_cgroup(0, controllers);
}

char *mr_cg_proc_cgroup(pid_t pid, const char *controllers)
{
	char file[48];
	cleanup_fclose FILE *f = NULL;
	cleanup_free char *line = NULL;
	size_t cap = 0;

	if (pid > 0)
		snprintf(file, sizeof(file), "/proc/%d/cgroup", (int)pid);
	else
		snprintf(file, sizeof(file), "/proc/self/cgroup");
	if ((f = fopen(file, "re")) == NULL)
		return NULL;
	while (getline(&line, &cap, f) > 0) {
		char *p = line, *ctl;
		line[strcspn(line, "\n")] = '\0';
		if (strsep(&p, ":") == NULL || (ctl = strsep(&p, ":")) == NULL || p == NULL)
			continue;
		if (controllers == NULL ? *ctl == '\0' : (*ctl && same_set(ctl, controllers)))
			return strdup(p);
	}
	errno = ENOENT;
	return NULL;
}

struct mr_cg_hier *mr_cg_v1(const struct mr_cgroup *cg, const char *controller)
{
	for (size_t i = 0; i < cg->n; i++)
		if (!cg->h[i].v2 && cg->h[i].path && list_has(cg->h[i].controllers, controller, ','))
			return &cg->h[i];
	return NULL;
}

struct mr_cg_hier *mr_cg_unified(const struct mr_cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		if (cg->h[i].v2 && cg->h[i].path)
			return &cg->h[i];
	return NULL;
}

bool mr_cg_list_has(const char *list, const char *controller)
{
	size_t n = strlen(controller);

	for (const char *p = list; *p;) {
		size_t len = strcspn(p, " \n");
		if (len == n && strncmp(p, controller, n) == 0)
			return true;
		p += len;
		p += strspn(p, " \n");
	}
	return false;
}

bool mr_cg_v2_has(const char *dir, const char *controller)
{
	cleanup_free char *s = mr_cg_read(dir, "cgroup.controllers");

	return s != NULL && mr_cg_list_has(s, controller);
}

const char *mr_cgroup_path_in(const struct mr_cgroup *cg, const char *name, bool v2, const char *controllers)
{
	for (size_t i = 0; i < cg->n; i++)
		if (strcmp(cg->h[i].name, name) == 0)
			return cg->h[i].path;
	/* The same hierarchy mounted under another name as well. */
	for (size_t i = 0; i < cg->n; i++)
		if (cg->h[i].v2 == v2 && (v2 || same_set(controllers, cg->h[i].controllers)))
			return cg->h[i].path;
	return NULL;
}
