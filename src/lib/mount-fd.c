/* How a mount reaches its destination. Every destination is resolved inside
 * the rootfs (util/path.c) to an O_PATH fd, and mount(2) is pointed at
 * "/proc/self/fd/N": that magic link resolves to exactly the dentry the fd
 * holds, so a symlink swapped in afterwards cannot redirect the mount; a
 * detached mount (an idmapped bind, a source or a device node the runtime
 * opened) is attached with move_mount(MOVE_MOUNT_T_EMPTY_PATH) onto it.
 *
 * The fd we mounted on still names the dentry *under* the new mount, so what
 * must act on the new mount (remount, propagation, mount_setattr, copy-up)
 * resolves the destination again and checks that it landed on another mount
 * (mr_mount_reopen). */
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "mount-internal.h"
#include "util/path.h"


int mr_mount_at(const char *source, int dst_fd, const char *type, unsigned long flags, const char *data)
{
	char target[MR_PATH_FD_SIZE];

	return mount(source, mr_path_fd(target, sizeof(target), dst_fd), type, flags, data);
}

/* The per-mount flags the mount at fd has now, as MS_* (statfs reports them
 * as ST_*, mostly the same bits but not all). */
static int current_flags(int fd, unsigned long *flags)
{
	static const struct {
		unsigned long st, ms;
	} map[] = {
		{ ST_RDONLY, MS_RDONLY },	{ ST_NOSUID, MS_NOSUID },	  { ST_NODEV, MS_NODEV },
		{ ST_NOEXEC, MS_NOEXEC },	{ ST_SYNCHRONOUS, MS_SYNCHRONOUS }, { ST_MANDLOCK, MS_MANDLOCK },
		{ ST_NOATIME, MS_NOATIME },	{ ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME },
	};
	struct statfs sfs;

	if (fstatfs(fd, &sfs) < 0)
		return -1;
	*flags = 0;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if ((unsigned long)sfs.f_flags & map[i].st)
			*flags |= map[i].ms;
	return 0;
}

int mr_mount_remount_bind(int fd, unsigned long flags)
{
	unsigned long have;

	/* MS_REMOUNT|MS_BIND sets the per-mount flags to exactly `flags`. A
	 * mount copied from a more privileged namespace has its flags locked
	 * (MNT_LOCK_*): clearing one fails with EPERM. Then keep what the mount
	 * already has, as runc does. */
	flags = (flags & ~MS_REC) | MS_REMOUNT | MS_BIND;
	if (mr_mount_at(NULL, fd, NULL, flags, NULL) == 0)
		return 0;
	if (errno != EPERM || current_flags(fd, &have) < 0)
		return -1;
	if (flags & (MS_NOATIME | MS_RELATIME | MS_STRICTATIME))
		have &= ~(MS_NOATIME | MS_RELATIME);
	return mr_mount_at(NULL, fd, NULL, flags | have, NULL);
}

int mr_mount_id(int fd, uint64_t *id)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0)
		return -1;
	if (!(stx.stx_mask & STATX_MNT_ID)) {
		errno = ENOSYS;
		return -1;
	}
	*id = stx.stx_mnt_id;
	return 0;
}

int mr_mount_reopen(int root_fd, const char *dest, int old_fd, struct mr_error **err)
{
	uint64_t before, after;
	int fd = mr_path_open_in_root(root_fd, dest, O_PATH, err);

	if (fd < 0)
		return -1;
	if (mr_mount_id(old_fd, &before) == 0 && mr_mount_id(fd, &after) == 0 && before == after) {
		close(fd);
		return mr_error_set(err, EAGAIN, "%s changed while it was being mounted on", dest);
	}
	return fd;
}

int mr_mount_attach_tree(int tree, int dst_fd, const char *what, const char *source, struct mr_error **err)
{
	if (move_mount(tree, "", dst_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return mr_error_sys(err, errno, "attach %s %s", what, source);
	return 0;
}
