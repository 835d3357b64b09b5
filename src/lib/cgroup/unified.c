/* linux.resources.unified: cgroup v2 files by name, and which of their
 * controllers a cgroup2 directory lacks. */
#include "cgroup/unified.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/driver.h"
#include "cgroup/files.h"
#include "util/cleanup.h"

#define R "linux.resources."

int mr_cg_v2_unified(const char *dir, const struct oci_map_string *u, struct mr_error **err)
{
	for (size_t i = 0; u && i < u->len; i++) {
		const char *k = u->keys[i];
		char what[300];
		snprintf(what, sizeof(what), R "unified[\"%s\"]", k);
		if (strchr(k, '/') || strchr(k, '.') == NULL || k[0] == '.')
			return mr_error_set(err, 0, "%s: expected a file name of the form <controller>.<name>", what);
		if (mr_cg_write(dir, k, u->values[i] ? u->values[i] : "", what, err) < 0)
			return -1;
	}
	return 0;
}

int mr_cg_v2_unified_missing(const char *dir, const struct oci_map_string *u, char *ctl, size_t size)
{
	cleanup_free char *avail = NULL;

	for (size_t i = 0; u && i < u->len; i++) {
		const char *k = u->keys[i], *dot = strchr(k, '.');
		if (dot == NULL || dot == k || (size_t)(dot - k) >= size)
			continue;
		memcpy(ctl, k, (size_t)(dot - k));
		ctl[dot - k] = '\0';
		if (strcmp(ctl, "cgroup") == 0)
			continue;
		if (avail == NULL && (avail = mr_cg_read(dir, "cgroup.controllers")) == NULL)
			return (int)i;
		if (!mr_cg_list_has(avail, ctl))
			return (int)i;
	}
	return -1;
}
