/* linux.cgroupsPath: validating it, and the container's cgroup it names in
 * each hierarchy (a relative path is relative to our own cgroup, which may
 * differ from one hierarchy to the next). */
#include "cgroup/internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

int mr_cg_normalize_path(const char *cgroups_path, const char *id, char **out, bool *relative,
			 struct mr_error **err)
{
	const char *p = cgroups_path ? cgroups_path : "";
	size_t len = strlen(p);
	char *buf, *o;
	int colons = 0;

	*out = NULL;
	if (*p == '\0') {
		if (id == NULL || *id == '\0' || strchr(id, '/') || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
			return mr_error_set(err, 0, "linux.cgroupsPath: no path and no usable container id");
		if (asprintf(out, "/minirun/%s", id) < 0)
			return mr_error_sys(err, ENOMEM, "linux.cgroupsPath");
		*relative = false;
		return 0;
	}
	for (const char *c = p; *c; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return mr_error_set(err, 0, "linux.cgroupsPath: control character in \"%s\"", p);
		colons += *c == ':';
	}
	/* runc and crun read "slice:prefix:name" as a systemd unit. */
	if (colons == 2 && p[0] != '/')
		return mr_error_set(err, 0,
				    "linux.cgroupsPath \"%s\": the systemd form slice:prefix:name needs a systemd "
				    "cgroup driver, which minirun does not have; use a path such as /machine/%s",
				    p, id ? id : "name");
	if (len >= PATH_MAX / 2)
		return mr_error_set(err, 0, "linux.cgroupsPath: too long");
	*relative = p[0] != '/';
	buf = malloc(len + 2);
	if (buf == NULL)
		return mr_error_sys(err, ENOMEM, "linux.cgroupsPath");
	o = buf;
	while (*p) {
		size_t n;
		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			free(buf);
			return mr_error_set(err, 0, "linux.cgroupsPath \"%s\": \"..\" is not allowed", cgroups_path);
		}
		if (!(n == 1 && p[0] == '.')) {
			if (o != buf || !*relative)
				*o++ = '/';
			memcpy(o, p, n);
			o += n;
		}
		p += n;
	}
	*o = '\0';
	if (*buf == '\0') {
		free(buf);
		return mr_error_set(err, 0, "linux.cgroupsPath \"%s\": that is the root cgroup itself", cgroups_path);
	}
	*out = buf;
	return 0;
}

char *mr_cg_concat(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 1);

	if (s) {
		memcpy(s, a, la);
		memcpy(s + la, b, lb + 1);
	}
	return s;
}

int mr_cg_set_hier_path(struct mr_cg_hier *h, const char *path)
{
	free(h->path);
	free(h->dir);
	h->path = strdup(path);
	h->dir = h->path ? mr_cg_concat(h->mount, path) : NULL;
	return h->dir ? 0 : -1;
}

/* The path cgroup.h reports: the v2 one, else the first v1 one. */
static int set_main_path(struct mr_cgroup *cg)
{
	const struct mr_cg_hier *main = NULL;

	for (size_t i = 0; i < cg->n && main == NULL; i++)
		if (cg->h[i].path && (cg->layout == MR_CGROUP_V2 || !cg->h[i].v2))
			main = &cg->h[i];
	if (main == NULL)
		return -1;
	cg->path = strdup(main->path);
	return cg->path ? 0 : -1;
}

int mr_cg_place(struct mr_cgroup *cg, const char *norm, bool relative, struct mr_error **err)
{
	for (size_t i = 0; i < cg->n; i++) {
		struct mr_cg_hier *h = &cg->h[i];
		cleanup_free char *own = NULL, *joined = NULL;
		if (relative) {
			/* Relative to our own cgroup in each hierarchy, as runc:
			 * they may differ from one hierarchy to the next. */
			own = mr_cgroup_own(h->v2 ? NULL : h->controllers);
			if (own == NULL)
				return mr_error_sys(err, errno, "linux.cgroupsPath: our own cgroup in the %s hierarchy",
						    *h->name ? h->name : "cgroup2");
			if (asprintf(&joined, "%s/%s", strcmp(own, "/") == 0 ? "" : own, norm) < 0) {
				joined = NULL;
				return mr_error_sys(err, ENOMEM, "cgroup");
			}
		}
		if (mr_cg_set_hier_path(h, joined ? joined : norm) < 0)
			return mr_error_sys(err, ENOMEM, "cgroup");
	}
	if (set_main_path(cg) < 0)
		return mr_error_sys(err, ENOMEM, "cgroup");
	return 0;
}
