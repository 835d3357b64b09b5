/* The driver-independent front end of cgroup.h: opening the container's
 * cgroup (layout.c finds the hierarchies, cgroups-path.c places it in
 * each) and handing what differs between v1 and v2 to the driver's vtable
 * (driver.h). The rest of the common part: dirs.c (mkdir/rmdir), procs.c
 * (cgroup.procs, kill), describe.c (the line kept in state), stats-json.c. */
#include "cgroup/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/cleanup.h"

struct mr_cgroup *mr_cgroup_open(const char *cgroups_path, const char *id, struct mr_error **err)
{
	struct mr_cgroup *cg = calloc(1, sizeof(*cg));
	cleanup_free char *norm = NULL;
	bool relative = false;

	if (cg == NULL) {
		mr_error_sys(err, ENOMEM, "cgroup");
		return NULL;
	}
	cg->device_defaults = true;
	if (mr_cg_normalize_path(cgroups_path, id, &norm, &relative, err) < 0 || mr_cg_detect(cg, err) < 0 ||
	    mr_cg_place(cg, norm, relative, err) < 0) {
		mr_cgroup_free(cg);
		return NULL;
	}
	return cg;
}

struct mr_cgroup *mr_cgroup_open_config(const struct oci_config *cfg, const char *id, const char *parent,
				       struct mr_error **err)
{
	const char *path = cfg->linux ? cfg->linux->cgroups_path : NULL;
	cleanup_free char *below_parent = NULL;

	if ((path == NULL || *path == '\0') && parent && *parent) {
		if (asprintf(&below_parent, "%s/%s", parent, id) < 0) {
			mr_error_sys(err, ENOMEM, "cgroup");
			return NULL;
		}
		path = below_parent;
	}
	return mr_cgroup_open(path, id, err);
}

void mr_cgroup_free(struct mr_cgroup *cg)
{
	if (cg == NULL)
		return;
	for (size_t i = 0; i < cg->n; i++)
		mr_cg_hier_clear(&cg->h[i]);
	free(cg->h);
	free(cg->path);
	free(cg);
}

enum mr_cgroup_layout mr_cgroup_layout(const struct mr_cgroup *cg)
{
	return cg->layout;
}

const char *mr_cgroup_path(const struct mr_cgroup *cg)
{
	return cg->path;
}

void mr_cgroup_set_device_defaults(struct mr_cgroup *cg, bool on)
{
	cg->device_defaults = on;
}

size_t mr_cgroup_hierarchy_count(const struct mr_cgroup *cg)
{
	return cg->layout == MR_CGROUP_V2 ? 0 : cg->n;
}

void mr_cgroup_hierarchy(const struct mr_cgroup *cg, size_t i, const char **name, bool *v2, const char **controllers)
{
	*name = cg->h[i].name;
	*v2 = cg->h[i].v2;
	*controllers = cg->h[i].controllers;
}

int mr_cgroup_apply(struct mr_cgroup *cg, const struct oci_linux_resources *r, struct mr_error **err)
{
	static const struct oci_linux_resources none;
	int ret;

	/* Without resources a new cgroup still gets its device rules (deny
	 * all but the standard devices), as runc does. */
	if (r == NULL && !cg->fresh)
		return 0;
	ret = cg->drv->apply(cg, r ? r : &none, err);
	cg->fresh = false;
	return ret;
}

int mr_cgroup_freeze(const struct mr_cgroup *cg, bool frozen, struct mr_error **err)
{
	return cg->drv->freeze(cg, frozen, err);
}

bool mr_cgroup_is_frozen(const struct mr_cgroup *cg)
{
	return cg->drv->frozen(cg) == 1;
}

int mr_cgroup_oom_fd(const struct mr_cgroup *cg, struct mr_error **err)
{
	return cg->drv->oom_fd(cg, err);
}

uint64_t mr_cgroup_oom_count(const struct mr_cgroup *cg)
{
	return cg->drv->oom_count(cg);
}
