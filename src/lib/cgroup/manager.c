/* The cgroup managers: cgroupfs (cgroup.h's driver) and disabled. */
#include "cgroup/manager.h"

#include <errno.h>

#include "cgroup/resources.h"

#define R "linux.resources."

static int cgroupfs_open(const struct oci_config *cfg, const char *id, const char *parent, struct mr_cgroup **out,
			 struct mr_error **err)
{
	*out = mr_cgroup_open_config(cfg, id, parent, err);
	return *out ? 0 : -1;
}

static int cgroupfs_create(struct mr_cgroup *cg, const struct oci_linux_resources *r, struct mr_error **err)
{
	return mr_cgroup_create(cg, err) < 0 || mr_cgroup_apply(cg, r, err) < 0 ? -1 : 0;
}

static int cgroupfs_destroy(struct mr_cgroup *cg, struct mr_error **err)
{
	return mr_cgroup_destroy(cg, err);
}

static const struct mr_cgroup_manager cgroupfs = {
	.name = "cgroupfs",
	.open = cgroupfs_open,
	.create = cgroupfs_create,
	.enter = mr_cgroup_enter,
	.destroy = cgroupfs_destroy,
};

/* The first resource that only a cgroup can apply, or NULL. The device
 * rules are not among them: without a cgroup the container's /dev holds
 * the nodes minirun makes (linux.devices and the standard ones), and the
 * rules are left unenforced, as crun leaves them. */
static const char *needs_cgroup(const struct oci_linux_resources *r)
{
	if (r == NULL)
		return NULL;
	if (mr_cg_memory_set(r->memory))
		return "memory";
	if (mr_cg_cpu_set(r->cpu) || mr_cg_cpuset_set(r->cpu))
		return "cpu";
	if (mr_cg_blkio_set(r->block_io))
		return "blockIO";
	if (r->pids && r->pids->has_limit)
		return "pids";
	if (r->hugepage_limits_len)
		return "hugepageLimits";
	if (r->rdma && r->rdma->len)
		return "rdma";
	if (r->network && (r->network->has_class_id || r->network->priorities_len))
		return "network";
	if (r->unified && r->unified->len)
		return "unified";
	return NULL;
}

/* crun's "disabled" makes no cgroup and ignores every resource; minirun
 * refuses the limits instead (a resource the runtime cannot apply is an
 * error, runtime.md), and takes the device rules as crun does. */
static int disabled_open(const struct oci_config *cfg, const char *id, const char *parent, struct mr_cgroup **out,
			 struct mr_error **err)
{
	const char *field = needs_cgroup(cfg->linux ? cfg->linux->resources : NULL);

	(void)id;
	(void)parent;
	*out = NULL;
	if (field)
		return mr_error_set(err, 0,
				    R "%s: --cgroup-manager disabled makes no cgroup to apply it in (drop it, or use "
				      "--cgroup-manager cgroupfs)",
				    field);
	return 0;
}

static const struct mr_cgroup_manager disabled = {
	.name = "disabled",
	.open = disabled_open,
};

const struct mr_cgroup_manager *mr_cgroup_manager_get(const struct mr_context *ctx, struct mr_error **err)
{
	switch (ctx->cgroup_manager) {
	case MR_CGROUP_MANAGER_CGROUPFS:
		return &cgroupfs;
	case MR_CGROUP_MANAGER_DISABLED:
		return &disabled;
	case MR_CGROUP_MANAGER_SYSTEMD:
		break;
	}
	mr_error_set(err, ENOTSUP, "%s: minirun has no systemd cgroup manager; use --cgroup-manager cgroupfs (the default) or disabled",
		     ctx->cgroup_manager_flag ? ctx->cgroup_manager_flag : "--cgroup-manager systemd");
	return NULL;
}
