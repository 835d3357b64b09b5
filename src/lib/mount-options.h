/* The mount options of config.json mounts[].options and what each means:
 * a flag of mount(2), a propagation change, a recursive attribute applied
 * with mount_setattr(2), or a minirun extension. Anything not in the table
 * is passed to the filesystem as data (size=, mode=, lowerdir=, ...). */
#ifndef MINIRUN_MOUNT_OPTIONS_H
#define MINIRUN_MOUNT_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "spec/oci-model.gen.h"

enum mr_mount_option_kind {
	MR_MOUNT_FLAG, /* mount(2) flag: set (or clear when `clear`) */
	MR_MOUNT_PROPAGATION, /* MS_SHARED, MS_SLAVE, ... (+ MS_REC) */
	MR_MOUNT_RECURSIVE_ATTR, /* mount_setattr(2) MOUNT_ATTR_* on the whole tree */
	MR_MOUNT_EXTENSION, /* tmpcopyup, idmap, ridmap */
};

struct mr_mount_option {
	const char *name;
	enum mr_mount_option_kind kind;
	bool clear; /* the flag is removed ("rw", "suid", ...) */
	uint64_t value; /* MS_* or MOUNT_ATTR_* */
};

/* NULL when `name` is not a known option (then it is filesystem data). */
const struct mr_mount_option *mr_mount_option_find(const char *name);

/* The whole table, for `minirun features`. */
const struct mr_mount_option *mr_mount_options(unsigned *count);

/* mounts[i].options has `name`. */
bool mr_mount_has_option(const struct oci_mount *m, const char *name);

/* A bind mount: type "bind", or a "bind" or "rbind" option. */
bool mr_mount_is_bind(const struct oci_mount *m);

/* An idmapped bind: uidMappings/gidMappings, "idmap" or "ridmap". */
bool mr_mount_is_idmapped(const struct oci_mount *m);

#endif
