#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/json.h"

static int remove_at(int parent, const char *name, dev_t dev, int depth, struct mr_error **err)
{
	struct stat st;
	int fd;
	DIR *d;
	struct dirent *de;
	int ret = 0;

	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : mr_error_sys(err, errno, "remove %s", name);
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(parent, name, 0) < 0 && errno != ENOENT)
			return mr_error_sys(err, errno, "remove %s", name);
		return 0;
	}
	if (dev != 0 && st.st_dev != dev)
		return mr_error_set(err, EBUSY, "remove %s: a mount is below it", name);
	if (depth > 4096)
		return mr_error_set(err, ELOOP, "remove %s: too deep", name);
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return mr_error_sys(err, errno, "remove %s", name);
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return mr_error_sys(err, errno, "remove %s", name);
	}
	while (ret == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		ret = remove_at(dirfd(d), de->d_name, st.st_dev, depth + 1, err);
	}
	closedir(d);
	if (ret == 0 && unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return mr_error_sys(err, errno, "remove %s", name);
	return ret;
}

int mrd_remove_tree(int dirfd, const char *name, struct mr_error **err)
{
	return remove_at(dirfd, name, 0, 0, err);
}

int mrd_mkdir_p(const char *path, mode_t mode, struct mr_error **err)
{
	cleanup_free char *p = strdup(path);

	if (p == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	for (char *s = p + 1;; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, mode) < 0 && errno != EEXIST)
				return mr_error_sys(err, errno, "mkdir %s", p);
			*s = c;
			if (c == '\0')
				break;
		}
	}
	return 0;
}

int mrd_write_file(const char *path, const void *buf, size_t len, mode_t mode, struct mr_error **err)
{
	cleanup_free char *tmp = NULL;
	int fd;

	if (asprintf(&tmp, "%s.tmp", path) < 0)
		return mr_error_set(err, ENOMEM, "out of memory");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return mr_error_sys(err, errno, "create %s", tmp);
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, (const char *)buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			unlink(tmp);
			return mr_error_sys(err, e, "write %s", tmp);
		}
		off += (size_t)n;
	}
	if (close(fd) < 0) {
		unlink(tmp);
		return mr_error_sys(err, errno, "write %s", tmp);
	}
	if (rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		return mr_error_sys(err, e, "rename %s", path);
	}
	return 0;
}

char *mrd_read_file_at(int dirfd, const char *path, size_t max, size_t *len, struct mr_error **err)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	char *buf;

	if (fd < 0) {
		mr_error_sys(err, errno, "open %s", path);
		return NULL;
	}
	buf = mr_read_fd(fd, max, len, err);
	close(fd);
	if (buf == NULL)
		mr_error_prefix(err, "%s", path);
	return buf;
}

char *mrd_read_file(const char *path, size_t max, size_t *len, struct mr_error **err)
{
	return mrd_read_file_at(AT_FDCWD, path, max, len, err);
}

int mrd_tmpfile(const char *dir)
{
	char *path = NULL;
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600), saved;

	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
	if (asprintf(&path, "%s/.spool-XXXXXX", dir) < 0)
		return -1;
	fd = mkostemp(path, O_CLOEXEC);
	saved = errno;
	if (fd >= 0)
		unlink(path);
	free(path);
	errno = saved;
	return fd;
}

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

bool mrd_host_cgroup_v2(void)
{
	struct statfs s;
	return statfs("/sys/fs/cgroup", &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC;
}

/* v2: the root has no memory files; a child with memory enabled has
 * memory.swap.max unless the kernel has no swap accounting. With no such
 * child to look at, the controller is there and so, by default, is swap. */
static bool v2_swap_limit(void)
{
	size_t len;
	cleanup_free char *ctl = mrd_read_file("/sys/fs/cgroup/cgroup.subtree_control", 4096, &len, NULL);
	DIR *dir;
	struct dirent *e;
	bool seen_memory = false, swap = false;

	if (ctl == NULL || strstr(ctl, "memory") == NULL || (dir = opendir("/sys/fs/cgroup")) == NULL)
		return true;
	while (!swap && (e = readdir(dir)) != NULL) {
		char path[512];
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/memory.max", e->d_name);
		if (access(path, F_OK) < 0)
			continue;
		seen_memory = true;
		snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/memory.swap.max", e->d_name);
		swap = access(path, F_OK) == 0;
	}
	closedir(dir);
	return swap || !seen_memory;
}

bool mrd_host_swap_limit(void)
{
	static int known = -1;

	if (known < 0)
		known = mrd_host_cgroup_v2() ? v2_swap_limit()
					     : access("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes", F_OK) == 0;
	return known;
}
