/* Files in a cgroup directory: one value per write(2), whole reads, the
 * number and "key value" forms the kernel uses. */
#include "cgroup/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"

int mr_cg_join_path(char *buf, size_t size, const char *dir, const char *file)
{
	int n = snprintf(buf, size, "%s/%s", dir, file);

	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int mr_cg_open_write(const char *dir, const char *file, const char *what, struct mr_error **err)
{
	char path[PATH_MAX];
	int fd;

	if (mr_cg_join_path(path, sizeof(path), dir, file) < 0)
		return mr_error_sys(err, errno, "%s: %s", what, file);
	/* No O_CREAT: a file the kernel does not have is an error (ENOENT),
	 * not a new file (cgroupfs would answer EACCES, which misleads). */
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return mr_error_sys(err, errno, "%s: open %s", what, file);
	return fd;
}

int mr_cg_write_fd(int fd, const char *file, const char *value, const char *what, struct mr_error **err)
{
	size_t len = strlen(value);
	/* One write: cgroup files take a value per write(2). */
	ssize_t n = write(fd, value, len);

	if (n < 0)
		return mr_error_sys(err, errno, "%s: write \"%s\" to %s", what, value, file);
	if ((size_t)n != len)
		return mr_error_set(err, 0, "%s: write \"%s\" to %s: short write", what, value, file);
	return 0;
}

int mr_cg_write(const char *dir, const char *file, const char *value, const char *what, struct mr_error **err)
{
	cleanup_close int fd = mr_cg_open_write(dir, file, what, err);

	if (fd < 0)
		return -1;
	return mr_cg_write_fd(fd, file, value, what, err);
}

int mr_cg_writef(const char *dir, const char *file, const char *what, struct mr_error **err, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return mr_error_set(err, 0, "%s: value for %s too long", what, file);
	return mr_cg_write(dir, file, buf, what, err);
}

char *mr_cg_read(const char *dir, const char *file)
{
	char path[PATH_MAX];
	cleanup_close int fd = -1;
	char *buf = NULL;
	size_t len = 0, cap = 0;

	if (mr_cg_join_path(path, sizeof(path), dir, file) < 0)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	for (;;) {
		ssize_t n;
		if (cap - len < 4096) {
			char *grown;
			if (cap >= (16u << 20)) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			grown = realloc(buf, cap + 4096 + 1);
			if (grown == NULL) {
				free(buf);
				return NULL;
			}
			buf = grown;
			cap += 4096;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return buf;
}

bool mr_cg_exists(const char *dir, const char *file)
{
	char path[PATH_MAX];

	return mr_cg_join_path(path, sizeof(path), dir, file) == 0 && access(path, F_OK) == 0;
}

int mr_cg_need_file(const char *dir, const char *file, const char *field, const char *why, struct mr_error **err)
{
	if (mr_cg_exists(dir, file))
		return 0;
	return mr_error_set(err, 0, "linux.resources.%s: this host has no %s (%s)", field, file, why);
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	if (strncmp(s, "max", 3) == 0 || strncmp(s, "-1", 2) == 0) {
		*v = UINT64_MAX;
		return 0;
	}
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (end == s || errno) {
		errno = errno ? errno : EINVAL;
		return -1;
	}
	return 0;
}

int mr_cg_read_u64(const char *dir, const char *file, uint64_t *v)
{
	cleanup_free char *s = mr_cg_read(dir, file);

	if (s == NULL)
		return -1;
	return parse_u64(s, v);
}

int mr_cg_read_key(const char *dir, const char *file, const char *key, uint64_t *v)
{
	cleanup_free char *s = mr_cg_read(dir, file);
	size_t klen = strlen(key);

	if (s == NULL)
		return -1;
	for (char *line = s; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ')
			return parse_u64(line + klen + 1, v);
	}
	errno = ENOENT;
	return -1;
}
