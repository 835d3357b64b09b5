/* A container's root file system: overlayfs of its image's layers (lower,
 * read-only, shared by every container of the image) and its own upper and
 * work directories. */
#ifndef MINIRUND_IMAGE_OVERLAY_H
#define MINIRUND_IMAGE_OVERLAY_H

#include <stddef.h>

#include "util/error.h"

/* lowers: the layer directories, topmost first. */
int mrd_overlay_mount(const char *target, char *const *lowers, size_t n, const char *upper, const char *work,
		      struct mr_error **err);
/* Unmount (lazily: a process of the container that lingers in it keeps
 * its view); not mounted is no error. */
int mrd_overlay_umount(const char *target, struct mr_error **err);
/* Whether target is a mount point now. */
int mrd_is_mountpoint(const char *target);

#endif
