/* What the front-end files of the cgroup driver (cgroup.c, layout.c,
 * cgroups-path.c, dirs.c, procs.c, describe.c, files.c, stats-json.c)
 * share among themselves, on top of driver.h. Not for v1.c and v2.c, nor
 * for the rest of the library (use cgroup.h). */
#ifndef MINIRUN_CGROUP_INTERNAL_H
#define MINIRUN_CGROUP_INTERNAL_H

#include <stddef.h>
#include <sys/types.h>

#include "cgroup/driver.h"
#include "cgroup/stats-json.h"

/* layout.c: the hierarchies mounted at /sys/fs/cgroup into cg->h (no
 * paths yet), cg->layout and cg->drv. */
int mr_cg_detect(struct mr_cgroup *cg, struct mr_error **err);
/* Frees what a hierarchy holds (not h itself). */
void mr_cg_hier_clear(struct mr_cg_hier *h);

/* cgroups-path.c: the container's path in every hierarchy from the
 * normalized cgroupsPath (mr_cg_normalize_path), and cg->path. */
int mr_cg_place(struct mr_cgroup *cg, const char *norm, bool relative, struct mr_error **err);
/* h->path = path, h->dir = mount + path. -1 on ENOMEM. */
int mr_cg_set_hier_path(struct mr_cg_hier *h, const char *path);
/* a followed by b, malloc'ed (NULL on ENOMEM): asprintf's work without
 * its format parsing, for the paths every verb builds per hierarchy. */
char *mr_cg_concat(const char *a, const char *b);

/* layout.c: mr_cgroup_own for process pid (0: this one). */
char *mr_cg_proc_cgroup(pid_t pid, const char *controllers);

/* procs.c: how many processes cgroup directory dir and those below it
 * hold (*n); -1 with errno when it cannot be read. */
int mr_cg_dir_procs(const char *dir, size_t *n);

#endif
