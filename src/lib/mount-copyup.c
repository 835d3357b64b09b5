/* tmpcopyup: a tmpfs mounted over a rootfs directory starts with a copy of
 * what it hides (contents, modes, owners, times, symlinks, nodes). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mount-internal.h"
#include "util/cleanup.h"

/* A regular file's bytes, then its owner, mode (after chown, which drops
 * setuid bits) and times. */
static int copy_file(int from_dir, int to_dir, const char *name, const struct stat *st)
{
	cleanup_close int in = openat(from_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_close int out = -1;
	struct timespec times[2] = { st->st_atim, st->st_mtim };
	char buf[65536];

	if (in < 0)
		return -1;
	out = openat(to_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return -1;
	for (;;) {
		ssize_t n = sendfile(out, in, NULL, 1 << 30);

		if (n == 0)
			break;
		if (n > 0)
			continue;
		if (errno != EINVAL && errno != ENOSYS)
			return -1;
		/* No sendfile between these two: plain copy. */
		while ((n = read(in, buf, sizeof(buf))) != 0) {
			if (n < 0 || write(out, buf, n) != n)
				return -1;
		}
		break;
	}
	if (fchown(out, st->st_uid, st->st_gid) < 0 || fchmod(out, st->st_mode & 07777) < 0)
		return -1;
	return futimens(out, times);
}

static int copy_tree(int from, int to, struct mr_error **err);

static int copy_entry(int from, int to, const char *name, struct mr_error **err)
{
	struct stat st;
	struct timespec times[2];

	if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return mr_error_sys(err, errno, "stat %s", name);
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	if (S_ISREG(st.st_mode)) {
		if (copy_file(from, to, name, &st) < 0)
			return mr_error_sys(err, errno, "copy %s", name);
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		cleanup_close int sub_from = -1;
		cleanup_close int sub_to = -1;

		if (mkdirat(to, name, 0700) < 0)
			return mr_error_sys(err, errno, "mkdir %s", name);
		sub_from = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		sub_to = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub_from < 0 || sub_to < 0)
			return mr_error_sys(err, errno, "open %s", name);
		if (copy_tree(sub_from, sub_to, err) < 0)
			return mr_error_prefix(err, "%s", name);
		/* Mode and times last: a read-only directory was filled first. */
		if (fchown(sub_to, st.st_uid, st.st_gid) < 0 || fchmod(sub_to, st.st_mode & 07777) < 0 ||
		    futimens(sub_to, times) < 0)
			return mr_error_sys(err, errno, "set owner and mode of %s", name);
		return 0;
	}
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(from, name, target, sizeof(target) - 1);

		if (n < 0)
			return mr_error_sys(err, errno, "readlink %s", name);
		target[n] = '\0';
		if (symlinkat(target, to, name) < 0)
			return mr_error_sys(err, errno, "symlink %s", name);
	} else if (mknodat(to, name, st.st_mode & ~07777, st.st_rdev) < 0) {
		return mr_error_sys(err, errno, "mknod %s", name);
	}
	if (fchownat(to, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
	    (!S_ISLNK(st.st_mode) && fchmodat(to, name, st.st_mode & 07777, 0) < 0) ||
	    utimensat(to, name, times, AT_SYMLINK_NOFOLLOW) < 0)
		return mr_error_sys(err, errno, "set owner and mode of %s", name);
	return 0;
}

static int copy_tree(int from, int to, struct mr_error **err)
{
	int fd = openat(from, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	DIR *dir;
	int ret = 0;

	if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return mr_error_sys(err, errno, "read directory");
	}
	while (ret == 0 && (errno = 0, de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		ret = copy_entry(from, to, de->d_name, err);
	}
	if (ret == 0 && errno != 0)
		ret = mr_error_sys(err, errno, "read directory");
	closedir(dir);
	return ret;
}

int mr_mount_copy_up(int from, int to, struct mr_error **err)
{
	cleanup_close int to_dir = openat(to, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (to_dir < 0)
		return mr_error_sys(err, errno, "open the new tmpfs");
	return copy_tree(from, to_dir, err);
}
