/* Reading /proc/self/mountinfo: one parser for the cgroup driver (which
 * hierarchies the host has), the mounts (what holds the rootfs, which cgroup
 * hierarchies to show) and the undo of a create without a mount namespace
 * (what it mounted on the host). */
#ifndef MINIRUN_UTIL_MOUNTINFO_H
#define MINIRUN_UTIL_MOUNTINFO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "util/error.h"

/* One line:
 *   id parent major:minor root mount_point options [optional...] - fstype source super_options
 * The strings point into the reader's line buffer: valid until the next
 * mr_mountinfo_next. root and mount_point are unescaped (the kernel writes
 * space, tab, newline and backslash as \ooo). */
struct mr_mountinfo {
	uint64_t id, parent_id;
	char *root;
	char *mount_point;
	char *options; /* per-mount: "rw,nosuid,relatime" */
	char *optional; /* "shared:1 master:2", "" for none */
	char *fstype;
	char *source;
	char *super_opts;
};

struct mr_mountinfo_reader {
	FILE *f;
	char *line;
	size_t cap;
};

/* Open our /proc/self/mountinfo. */
int mr_mountinfo_open(struct mr_mountinfo_reader *r, struct mr_error **err);

/* The next well-formed line (malformed ones are skipped); false at the end. */
bool mr_mountinfo_next(struct mr_mountinfo_reader *r, struct mr_mountinfo *mi);

void mr_mountinfo_close(struct mr_mountinfo_reader *r);

/* A reader closed when it goes out of scope (initialize it with {0}). */
#define cleanup_mountinfo __attribute__((cleanup(mr_mountinfo_close)))

/* Split one mountinfo line (without or with its "\n") in place; false when
 * it is not one. */
bool mr_mountinfo_parse(char *line, struct mr_mountinfo *mi);

/* `prefix` is the absolute path `path` or one of its parent directories. */
bool mr_mountinfo_path_under(const char *path, const char *prefix);

/* The mount point holding `path` (malloc'ed; of mounts stacked there, the
 * top one) and whether it is shared. */
int mr_mountinfo_holder(const char *path, char **mount_point, bool *shared, struct mr_error **err);

#endif
