/* util/path.c: resolution inside a root must never leave it. Every lookup
 * runs twice, through openat2 (mr_path_open_in_root) and through the
 * userspace walk used where openat2 is missing, and the two must agree with
 * what the kernel's RESOLVE_IN_ROOT would give. Needs no privileges: the
 * "rootfs" is a scratch directory under $TMPDIR. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "util/path.h"

static char top[PATH_MAX / 2];
static int root_fd = -1;

typedef int (*open_fn)(int, const char *, int, struct mr_error **);

static const struct resolver {
	const char *name;
	open_fn open;
} resolvers[] = {
	{ "openat2", mr_path_open_in_root },
	{ "walk", mr_path_open_in_root_walk },
};

static void make(const char *fmt, const char *path, const char *target)
{
	char full[PATH_MAX];

	snprintf(full, sizeof(full), "%s/%s", top, path);
	if (strcmp(fmt, "dir") == 0 && mkdir(full, 0755) < 0)
		bail_out("mkdir");
	if (strcmp(fmt, "file") == 0) {
		int fd = open(full, O_CREAT | O_WRONLY | O_EXCL, 0644);
		if (fd < 0)
			bail_out("create file");
		close(fd);
	}
	if (strcmp(fmt, "link") == 0 && symlink(target, full) < 0)
		bail_out("symlink");
}

/* Same inode as top/expected (NULL: the root itself). */
static bool same_as(int fd, const char *expected)
{
	char full[PATH_MAX];
	struct stat a, b;

	snprintf(full, sizeof(full), "%s/%s", top, expected ? expected : "");
	if (fstat(fd, &a) < 0 || lstat(full, &b) < 0)
		return false;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* `path` resolves to top/expected with both resolvers. */
static void resolves(const char *path, int flags, const char *expected, const char *what)
{
	for (size_t i = 0; i < sizeof(resolvers) / sizeof(resolvers[0]); i++) {
		struct mr_error *err = NULL;
		int fd = resolvers[i].open(root_fd, path, flags, &err);

		if (!ok(fd >= 0 && same_as(fd, expected), "%s: %s (%s -> %s)", resolvers[i].name, what, path,
			expected ? expected : "/"))
			diag("  error: %s", err ? err->msg : "(resolved elsewhere)");
		if (fd >= 0)
			close(fd);
		mr_error_free(err);
	}
}

/* `path` fails with errno `expected` with both resolvers. */
static void fails(const char *path, int flags, int expected, const char *what)
{
	for (size_t i = 0; i < sizeof(resolvers) / sizeof(resolvers[0]); i++) {
		struct mr_error *err = NULL;
		int fd = resolvers[i].open(root_fd, path, flags, &err);

		if (!ok(fd < 0 && err != NULL && err->errnum == expected, "%s: %s (%s: %s)", resolvers[i].name, what,
			path, strerror(expected)))
			diag("  got fd %d, error: %s", fd, err ? err->msg : "none");
		if (fd >= 0)
			close(fd);
		mr_error_free(err);
	}
}

static void build_tree(void)
{
	char name[64], target[64];

	make("dir", "etc", NULL);
	make("file", "etc/hostname", NULL);
	make("dir", "a", NULL);
	make("dir", "a/b", NULL);
	make("file", "a/b/file", NULL);
	make("link", "abs-etc", "/etc");
	make("link", "up-etc", "../../../../../etc");
	make("link", "a/b/up", "../../etc/hostname");
	make("link", "rel-ab", "a/b");
	make("link", "loop1", "loop2");
	make("link", "loop2", "loop1");
	make("link", "self", "self");
	make("link", "dangling", "/missing/dir");
	make("link", "magic", "/proc/self/root");
	make("link", "to-file", "a/b/file");
	make("link", "a/rel-dangling", "../made-rel/x");
	make("link", "grows", "grows/x");
	make("link", "dangling-file", "/files/target-file");
	/* A chain of 40 links (the limit) and one of 41. */
	for (int i = 0; i < 41; i++) {
		snprintf(name, sizeof(name), "chain%d", i);
		if (i == 0)
			snprintf(target, sizeof(target), "etc");
		else
			snprintf(target, sizeof(target), "chain%d", i - 1);
		make("link", name, target);
	}
}

static void test_open(void)
{
	resolves("/", O_PATH, NULL, "the root");
	resolves("..", O_PATH, NULL, "\"..\" at the root stays at the root");
	resolves("/../../..", O_PATH | O_DIRECTORY, NULL, "many \"..\" stay at the root");
	resolves("/../etc/hostname", O_RDONLY, "etc/hostname", "\"..\" then a name");
	resolves("a/../../../etc", O_PATH, "etc", "\"..\" past the root in the middle");
	resolves("/abs-etc", O_PATH, "etc", "an absolute symlink to /etc stays inside");
	resolves("/abs-etc/hostname", O_RDONLY, "etc/hostname", "through an absolute symlink");
	resolves("up-etc/hostname", O_RDONLY, "etc/hostname", "a symlink full of \"..\" is clamped");
	resolves("a/b/up", O_RDONLY, "etc/hostname", "a relative symlink in a subdirectory");
	resolves("rel-ab/file", O_PATH, "a/b/file", "a relative symlink to a directory");
	resolves("to-file", O_PATH | O_NOFOLLOW, "to-file", "O_NOFOLLOW gives the symlink itself");
	resolves("to-file", O_RDONLY, "a/b/file", "a final symlink is followed");
	resolves("a//b/./file", O_PATH, "a/b/file", "doubled slashes and \".\"");
	resolves("rel-ab/", O_PATH | O_DIRECTORY, "a/b", "a trailing slash through a symlink");
	resolves("chain39", O_PATH, "etc", "40 symlinks in a row are allowed");
	fails("chain40", O_PATH, ELOOP, "41 symlinks in a row are too many");
	fails("loop1", O_PATH, ELOOP, "a symlink loop");
	fails("self/x", O_PATH, ELOOP, "a symlink to itself");
	fails("dangling", O_PATH, ENOENT, "a dangling symlink");
	fails("magic/etc", O_PATH, ENOENT, "/proc/self/root is looked up inside the root");
	fails("a/b/file/", O_PATH, ENOTDIR, "a trailing slash on a file");
	fails("a/b/file/x", O_PATH, ENOTDIR, "a file used as a directory");
	fails("etc/hostname", O_PATH | O_DIRECTORY, ENOTDIR, "O_DIRECTORY on a file");
	fails("missing", O_PATH, ENOENT, "a missing name");
	{
		char longname[NAME_MAX + 3];

		memset(longname, 'n', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		fails(longname, O_PATH, ENAMETOOLONG, "a name longer than NAME_MAX");
	}
}

/* mr_path_mkdir_in_root(path) succeeds and gives top/expected. */
static void creates(const char *path, bool last_is_file, const char *expected, const char *what)
{
	struct mr_error *err = NULL;
	struct stat st;
	int fd = mr_path_mkdir_in_root(root_fd, path, 0755, last_is_file, &err);
	bool good = fd >= 0 && same_as(fd, expected) && fstat(fd, &st) == 0;

	if (good && last_is_file)
		good = S_ISREG(st.st_mode) && (st.st_mode & 0111) == 0;
	if (!ok(good, "mkdir: %s (%s -> %s)", what, path, expected ? expected : "/"))
		diag("  error: %s", err ? err->msg : "(created elsewhere or wrong type)");
	if (fd >= 0)
		close(fd);
	mr_error_free(err);
}

static void refuses(const char *path, int expected, const char *what)
{
	struct mr_error *err = NULL;
	int fd = mr_path_mkdir_in_root(root_fd, path, 0755, false, &err);

	if (!ok(fd < 0 && err != NULL && err->errnum == expected, "mkdir: %s (%s: %s)", what, path, strerror(expected)))
		diag("  got fd %d, error: %s", fd, err ? err->msg : "none");
	if (fd >= 0)
		close(fd);
	mr_error_free(err);
}

static void test_mkdir(void)
{
	struct mr_error *err = NULL;
	char host[PATH_MAX];
	struct stat st;
	char *name = NULL;
	mode_t mask;
	int fd;

	creates("/new/dir/deep", false, "new/dir/deep", "creates missing directories");
	creates("/abs-etc/created-by-test", false, "etc/created-by-test", "through an absolute symlink to /etc");
	ok(stat("/etc/created-by-test", &st) < 0 && errno == ENOENT, "mkdir: nothing created in the host's /etc");
	creates("../../up-etc/x/../y", false, "etc/y", "\"..\" and a clamped symlink while creating");
	creates("/dangling/sub", false, "missing/dir/sub", "a dangling symlink's target is created inside");
	creates("/files/a-file", true, "files/a-file", "last_is_file makes an empty file (no x bits)");
	snprintf(host, sizeof(host), "%s/files", top);
	mask = umask(0);
	umask(mask);
	ok(stat(host, &st) == 0 && (st.st_mode & 0777) == (0755 & ~mask), "mkdir: its parent is a 0755 directory");
	creates("/etc/hostname", false, "etc/hostname", "an existing file is returned as it is");
	creates("/", false, NULL, "the root itself");
	creates("/a/rel-dangling/sub", false, "made-rel/x/sub",
		"a relative dangling symlink in a subdirectory is expanded from there");
	creates("rel-ab/newdir", false, "a/b/newdir", "through a relative symlink to a directory");
	creates("/dangling-file", true, "files/target-file", "last_is_file through a dangling symlink makes its target");
	refuses("/grows/sub", ELOOP, "a dangling symlink that grows at every expansion");
	refuses("/loop1/x", ELOOP, "a symlink loop");
	refuses("/etc/hostname/x", ENOTDIR, "a file in the way");
	{
		char longpath[NAME_MAX + 8];

		memset(longpath, 'n', sizeof(longpath) - 1);
		longpath[0] = '/';
		longpath[sizeof(longpath) - 1] = '\0';
		refuses(longpath, ENAMETOOLONG, "a name longer than NAME_MAX");
	}

	fd = mr_path_open_parent_in_root(root_fd, "/abs-etc/sub/node", &name, &err);
	ok(fd >= 0 && same_as(fd, "etc/sub") && name && strcmp(name, "node") == 0,
	   "open_parent: creates the parent inside, returns the name");
	if (fd >= 0)
		close(fd);
	free(name);
	name = NULL;
	mr_error_free(err);
	err = NULL;

	fd = mr_path_open_parent_in_root(root_fd, "/etc/..", &name, &err);
	ok(fd < 0 && name == NULL && err != NULL, "open_parent: refuses a path ending in \"..\"");
	mr_error_free(err);

	snprintf(host, sizeof(host), "%s/missing/dir/sub", top);
	ok(stat(host, &st) == 0 && S_ISDIR(st.st_mode), "mkdir: the dangling target exists in the scratch root");
}

static int remove_tree(const char *dir)
{
	char cmd[PATH_MAX + 32];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(top, sizeof(top), "%s/test-path.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(top) == NULL)
		bail_out("mkdtemp");
	root_fd = open(top, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		bail_out("open scratch root");
	build_tree();
	test_open();
	test_mkdir();
	close(root_fd);
	if (remove_tree(top) != 0)
		diag("could not remove %s", top);
	return done_testing();
}
