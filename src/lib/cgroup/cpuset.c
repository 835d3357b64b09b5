/* The cpuset controller: cpuset.cpus and cpuset.mems (the same files on
 * v1 and v2), and v1's filling of a new cgroup's empty sets. */
#include "cgroup/cpuset.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/files.h"
#include "util/cleanup.h"

#define R "linux.resources."

static bool cpuset_empty(const char *v)
{
	return *v == '\0' || *v == '\n';
}

/* Fill one of cpuset.cpus, cpuset.mems at every empty level of h->path
 * from its parent, top down. `above` is what the level above holds, once
 * known: a level create just made holds nothing (or, below a parent with
 * cgroup.clone_children, that same value), so it is written, not read. */
static int cpuset_fill_file(const struct mr_cg_hier *h, const char *file, struct mr_error **err)
{
	cleanup_free char *dir = strdup(h->dir), *above = NULL;
	size_t mlen = strlen(h->mount);
	int levels = 0, level = 0;

	if (dir == NULL)
		return mr_error_sys(err, ENOMEM, "cgroup");
	for (const char *c = dir + mlen; *c; c++)
		levels += *c == '/';
	for (char *p = strchr(dir + mlen + 1, '/');; p = strchr(p + 1, '/')) {
		cleanup_free char *cur = NULL;
		if (p)
			*p = '\0';
		level++;
		if (level > levels - h->created && above) {
			if (!cpuset_empty(above) && mr_cg_write(dir, file, above, "cgroup: cpuset", err) < 0)
				return -1;
		} else if ((cur = mr_cg_read(dir, file)) == NULL) {
			above = (free(above), NULL);
		} else if (!cpuset_empty(cur)) {
			free(above);
			above = cur;
			cur = NULL;
		} else {
			if (above == NULL) {
				char *slash = strrchr(dir, '/');
				*slash = '\0';
				above = mr_cg_read(dir, file);
				*slash = '/';
			}
			if (above && !cpuset_empty(above) && mr_cg_write(dir, file, above, "cgroup: cpuset", err) < 0)
				return -1;
		}
		if (p == NULL)
			break;
		*p = '/';
	}
	return 0;
}

/* A new v1 cpuset cgroup starts with no cpus and no mems, and a process
 * cannot join it then (ENOSPC): fill every empty level from its parent,
 * top down, as runc's cpuset ensureParent. */
int mr_cg_v1_cpuset_fill(const struct mr_cg_hier *h, struct mr_error **err)
{
	if (cpuset_fill_file(h, "cpuset.cpus", err) < 0 || cpuset_fill_file(h, "cpuset.mems", err) < 0)
		return -1;
	return 0;
}

int mr_cg_cpuset(const char *dir, const struct oci_linux_resources_cpu *c, struct mr_error **err)
{
	if (c == NULL)
		return 0;
	if (c->cpus && *c->cpus && mr_cg_write(dir, "cpuset.cpus", c->cpus, R "cpu.cpus", err) < 0)
		return -1;
	if (c->mems && *c->mems && mr_cg_write(dir, "cpuset.mems", c->mems, R "cpu.mems", err) < 0)
		return -1;
	return 0;
}
