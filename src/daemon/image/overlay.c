#include "image/overlay.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"

/* The mount API takes the layers one by one ("lowerdir+", Linux 6.8), so
 * their number is not bound by the page-sized option string. */
static int mount_new_api(const char *target, char *const *lowers, size_t n, const char *upper, const char *work)
{
	cleanup_close int fs = fsopen("overlay", FSOPEN_CLOEXEC), mnt = -1;

	if (fs < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir+", lowers[i], 0) < 0)
			return -1;
	if (fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "workdir", work, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -1;
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, 0);
	if (mnt < 0)
		return -1;
	return move_mount(mnt, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH);
}

static int mount_classic(const char *target, char *const *lowers, size_t n, const char *upper, const char *work,
			 struct mr_error **err)
{
	cleanup_free char *opts = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&opts, &len);

	if (f == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	fputs("lowerdir=", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? ":" : "", lowers[i]);
	fprintf(f, ",upperdir=%s,workdir=%s", upper, work);
	fclose(f);
	if (len >= (size_t)sysconf(_SC_PAGESIZE) - 1)
		return mr_error_set(err, E2BIG, "overlay mount of %s: %zu layers do not fit one mount's options", target, n);
	if (mount("overlay", target, "overlay", 0, opts) < 0)
		return mr_error_sys(err, errno, "mount overlay on %s", target);
	return 0;
}

int mrd_overlay_mount(const char *target, char *const *lowers, size_t n, const char *upper, const char *work,
		      struct mr_error **err)
{
	if (n == 0)
		return mr_error_set(err, EINVAL, "overlay mount of %s: the image has no layer", target);
	if (mount_new_api(target, lowers, n, upper, work) == 0)
		return 0;
	return mount_classic(target, lowers, n, upper, work, err);
}

int mrd_is_mountpoint(const char *target)
{
	struct stat a, b;
	cleanup_free char *parent = NULL;

	if (asprintf(&parent, "%s/..", target) < 0 || stat(target, &a) < 0 || stat(parent, &b) < 0)
		return 0;
	return a.st_dev != b.st_dev || a.st_ino == b.st_ino;
}

int mrd_overlay_umount(const char *target, struct mr_error **err)
{
	for (int i = 0; i < 8 && mrd_is_mountpoint(target); i++)
		if (umount2(target, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
			return mr_error_sys(err, errno, "unmount %s", target);
	return 0;
}
