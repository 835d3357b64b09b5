#include "util/path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/syscalls.h"

char *mr_path_fd(char *buf, size_t size, int fd)
{
	snprintf(buf, size, "/proc/self/fd/%d", fd);
	return buf;
}

/* The target of the symlink `fd` (an O_PATH fd of the link itself). */
static char *read_link_fd(int fd)
{
	char buf[PATH_MAX];
	ssize_t n = readlinkat(fd, "", buf, sizeof(buf) - 1);

	if (n < 0)
		return NULL;
	if (n == 0) {
		/* An empty target resolves to nothing: the kernel says ENOENT. */
		errno = ENOENT;
		return NULL;
	}
	buf[n] = '\0';
	return strdup(buf);
}

/* The directories walked so far, as O_PATH fds; dirs[0] is the root (not
 * ours to close). ".." pops, so it can never climb above the root. */
struct walk_stack {
	int *dirs;
	size_t len, cap;
};

static void stack_reset(struct walk_stack *s)
{
	while (s->len > 1)
		close(s->dirs[--s->len]);
}

static void stack_free(struct walk_stack *s)
{
	stack_reset(s);
	free(s->dirs);
}

static int stack_push(struct walk_stack *s, int fd)
{
	if (s->len == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		int *dirs = realloc(s->dirs, cap * sizeof(*dirs));
		if (dirs == NULL)
			return -1;
		s->dirs = dirs;
		s->cap = cap;
	}
	s->dirs[s->len++] = fd;
	return 0;
}

/* Open the object the walk ended on with the caller's flags. `fd` is an
 * O_PATH fd of it; a non-directory is reopened by name from its parent with
 * O_NOFOLLOW and checked to be the same inode, so a swap in between fails
 * instead of opening something else. */
static int walk_finish(int parent, const char *name, int fd, int flags)
{
	struct stat before, after;
	int ret;

	if (fstat(fd, &before) < 0)
		return -1;
	if (S_ISDIR(before.st_mode))
		return openat(fd, ".", (flags & ~O_NOFOLLOW) | O_CLOEXEC);
	if (flags & O_DIRECTORY) {
		errno = ENOTDIR;
		return -1;
	}
	if (flags & O_PATH)
		return fcntl(fd, F_DUPFD_CLOEXEC, 3);
	ret = openat(parent, name, flags | O_NOFOLLOW | O_CLOEXEC);
	if (ret < 0)
		return -1;
	if (fstat(ret, &after) < 0 || after.st_dev != before.st_dev || after.st_ino != before.st_ino) {
		close(ret);
		errno = EAGAIN;
		return -1;
	}
	return ret;
}

/* One component of a path: its name, where it ends (at a '/' or the end of
 * the path), whether only slashes follow and whether one does. */
struct component {
	char name[NAME_MAX + 1];
	const char *end;
	bool last, trailing_slash;
};

/* The component at *p (leading slashes skipped; *p moves past it): 1, or 0
 * at the end of the path, or -1 (ENAMETOOLONG). */
static int next_component(const char **p, struct component *c)
{
	const char *rest;

	while (**p == '/')
		(*p)++;
	if (**p == '\0')
		return 0;
	c->end = strchrnul(*p, '/');
	if ((size_t)(c->end - *p) > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(c->name, *p, c->end - *p);
	c->name[c->end - *p] = '\0';
	for (rest = c->end; *rest == '/'; rest++)
		;
	c->last = *rest == '\0';
	c->trailing_slash = *c->end == '/';
	*p = c->end;
	return 1;
}

/* The path to resolve instead, once the symlink `fd` (closed) is followed:
 * its target, then `rest` (from the component after the link, with its
 * trailing slash), after `dir` (a prefix of up to dir_len bytes) for a
 * relative target. NULL with errno (ELOOP past MR_PATH_MAX_SYMLINKS). */
static char *follow_link(int fd, const char *dir, size_t dir_len, const char *rest, int *links, bool *absolute)
{
	cleanup_free char *target = NULL;
	char *next;
	int n;

	if (++*links > MR_PATH_MAX_SYMLINKS) {
		close(fd);
		errno = ELOOP;
		return NULL;
	}
	target = read_link_fd(fd);
	close(fd);
	if (target == NULL)
		return NULL;
	*absolute = target[0] == '/';
	if (*absolute || dir == NULL)
		n = asprintf(&next, "%s%s", target, rest);
	else
		n = asprintf(&next, "%.*s/%s%s", (int)dir_len, dir, target, rest);
	return n < 0 ? NULL : next;
}

/* The walk's step on the component c below `top`: 0 to go on (a directory
 * pushed, a symlink expanded into *todo), 1 when it ended on the object
 * (*ret: its fd, or -1), -1 on failure; errno set. */
static int walk_step(struct walk_stack *stack, const struct component *c, int flags, char **todo, const char **p,
		     int *links, int *ret)
{
	int top = stack->dirs[stack->len - 1];
	int fd = openat(top, c->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		if (stack_push(stack, fd) < 0) {
			close(fd);
			return -1;
		}
		return 0;
	}
	if (S_ISLNK(st.st_mode) && !(c->last && !c->trailing_slash && (flags & O_NOFOLLOW))) {
		bool absolute;
		char *next = follow_link(fd, NULL, 0, c->end, links, &absolute);

		if (next == NULL)
			return -1;
		free(*todo);
		*todo = next;
		*p = next;
		if (absolute)
			stack_reset(stack);
		return 0;
	}
	if (!c->last || c->trailing_slash) {
		close(fd);
		errno = ENOTDIR;
		return -1;
	}
	*ret = walk_finish(top, c->name, fd, flags);
	close(fd);
	return 1;
}

/* The walk proper; -1 with errno set. */
static int walk(int root_fd, const char *path, int flags)
{
	struct walk_stack stack = { 0 };
	char *todo = strdup(path);
	const char *p = todo;
	int links = 0, ret = -1, saved, r;

	if (todo == NULL || stack_push(&stack, root_fd) < 0)
		goto out;
	for (;;) {
		struct component c;

		r = next_component(&p, &c);
		if (r < 0)
			goto out;
		if (r == 0) {
			int top = stack.dirs[stack.len - 1];

			ret = walk_finish(top, ".", top, flags);
			goto out;
		}
		if (strcmp(c.name, ".") == 0)
			continue;
		if (strcmp(c.name, "..") == 0) {
			if (stack.len > 1)
				close(stack.dirs[--stack.len]);
			continue;
		}
		r = walk_step(&stack, &c, flags, &todo, &p, &links, &ret);
		if (r != 0)
			goto out;
	}
out:
	saved = errno;
	free(todo);
	stack_free(&stack);
	errno = saved;
	return ret;
}

int mr_path_open_in_root_walk(int root_fd, const char *path, int flags, struct mr_error **err)
{
	int fd = walk(root_fd, path, flags);

	if (fd < 0)
		return mr_error_sys(err, errno, "open %s in the rootfs", path);
	return fd;
}

int mr_path_open_in_root(int root_fd, const char *path, int flags, struct mr_error **err)
{
	int fd = -1;

	/* EAGAIN: the kernel saw a rename or mount race on ".." and refused to
	 * guess; trying again is what it asks for. */
	for (int tries = 0; tries < 32; tries++) {
		fd = mr_openat2(root_fd, path, (uint64_t)(flags | O_CLOEXEC), 0,
				RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	if (fd < 0 && errno == ENOSYS)
		return mr_path_open_in_root_walk(root_fd, path, flags, err);
	if (fd < 0)
		return mr_error_sys(err, errno, "open %s in the rootfs", path);
	return fd;
}

/* Open `path` in root (following symlinks inside it); -1 with errno. */
static int open_quiet(int root_fd, const char *path, int flags)
{
	struct mr_error *e = NULL;
	int fd = mr_path_open_in_root(root_fd, path, flags, &e);

	if (fd < 0) {
		int saved = e ? e->errnum : EIO;
		mr_error_free(e);
		errno = saved;
	}
	return fd;
}

/* The component c is missing below `cur`: create it (a directory of
 * `mode`, or an empty file for the last one with last_is_file) and return
 * an O_PATH fd of it; -2 when there is something (a dangling symlink:
 * *path becomes its expansion; or it appeared since we looked), for the
 * caller to start again; -1 with errno. */
static int create_component(int cur, const struct component *c, const char *prefix, size_t prefix_len, char **path,
			    mode_t mode, bool last_is_file, int *links)
{
	bool file = c->last && last_is_file;
	int fd = openat(cur, c->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd >= 0) {
		bool absolute;
		char *next;

		if (fstat(fd, &st) < 0 || !S_ISLNK(st.st_mode)) {
			close(fd);
			return ++*links > MR_PATH_MAX_SYMLINKS ? (errno = ELOOP, -1) : -2;
		}
		/* create what it points to, inside the root */
		next = follow_link(fd, prefix, prefix_len, c->end, links, &absolute);
		if (next == NULL)
			return -1;
		free(*path);
		*path = next;
		return -2;
	}
	if (file) {
		fd = openat(cur, c->name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode & 0666);
		if (fd >= 0)
			close(fd);
	} else {
		fd = mkdirat(cur, c->name, mode);
	}
	if (fd < 0 && errno == EEXIST) {
		/* Lost a race with someone creating it: look again. */
		if (++*links > MR_PATH_MAX_SYMLINKS) {
			errno = ELOOP;
			return -1;
		}
		return -2;
	}
	if (fd < 0)
		return -1;
	return openat(cur, c->name, O_PATH | O_NOFOLLOW | O_CLOEXEC | (file ? 0 : O_DIRECTORY));
}

/* One pass of mkdir_in_root over `path`. Returns the fd, -1 with errno on
 * failure, or -2 after replacing *path with the expansion of a dangling
 * symlink (or after losing a race): the caller starts again. */
static int mkdir_pass(int root_fd, char **path, mode_t mode, bool last_is_file, int *links)
{
	cleanup_free char *prefix = malloc(strlen(*path) + 2);
	const char *p = *path;
	int cur, fd, saved, r;

	if (prefix == NULL)
		return -1;
	prefix[0] = '\0';
	cur = openat(root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0)
		return -1;
	for (;;) {
		size_t prefix_len = strlen(prefix);
		struct component c;
		struct stat st;

		r = next_component(&p, &c);
		if (r == 0)
			return cur;
		if (r < 0)
			goto fail;
		sprintf(prefix + prefix_len, "/%s", c.name);
		/* Resolved from the root each time, so that every symlink on the way
		 * (absolute or with "..") is contained. */
		fd = open_quiet(root_fd, prefix, O_PATH);
		if (fd < 0 && (errno != ENOENT || strcmp(c.name, ".") == 0 || strcmp(c.name, "..") == 0))
			goto fail;
		if (fd < 0)
			fd = create_component(cur, &c, prefix, prefix_len, path, mode, last_is_file, links);
		if (fd == -2) {
			close(cur);
			return -2;
		}
		if (fd < 0)
			goto fail;
		close(cur);
		cur = fd;
		if (!c.last && (fstat(cur, &st) < 0 || !S_ISDIR(st.st_mode))) {
			errno = ENOTDIR;
			goto fail;
		}
	}
fail:
	saved = errno;
	close(cur);
	errno = saved;
	return -1;
}

int mr_path_mkdir_in_root(int root_fd, const char *path, mode_t mode, bool last_is_file, struct mr_error **err)
{
	cleanup_free char *todo = strdup(path);
	int links = 0, fd;

	if (todo == NULL)
		return mr_error_sys(err, ENOMEM, "create %s in the rootfs", path);
	do
		fd = mkdir_pass(root_fd, &todo, mode, last_is_file, &links);
	while (fd == -2);
	if (fd < 0)
		return mr_error_sys(err, errno, "create %s in the rootfs", path);
	return fd;
}

int mr_path_open_parent_in_root(int root_fd, const char *path, char **name, struct mr_error **err)
{
	size_t len = strlen(path);
	const char *base;
	cleanup_free char *dir = NULL;
	int fd;

	while (len > 1 && path[len - 1] == '/')
		len--;
	base = memrchr(path, '/', len);
	base = base ? base + 1 : path;
	if (base == path + len || (path + len - base == 1 && base[0] == '.') ||
	    (path + len - base == 2 && base[0] == '.' && base[1] == '.'))
		return mr_error_set(err, EINVAL, "%s: not a path to a file", path);
	dir = strndup(path, base - path);
	*name = strndup(base, path + len - base);
	if (dir == NULL || *name == NULL) {
		free(*name);
		*name = NULL;
		return mr_error_sys(err, ENOMEM, "create %s in the rootfs", path);
	}
	fd = mr_path_mkdir_in_root(root_fd, dir, 0755, false, err);
	if (fd < 0) {
		free(*name);
		*name = NULL;
	}
	return fd;
}
