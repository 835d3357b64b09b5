/* libFuzzer target: any path through the in-root resolver (util/path.h),
 * against a small tree of directories, files and hostile symlinks made once
 * in LLVMFuzzerInitialize (absolute links, "..", links out of the root,
 * loops, dangling links). Whatever fd comes back must be an object inside
 * the root: its dev:ino is one of the tree's, and /proc/self/fd/N names a
 * path under the root. openat2(RESOLVE_IN_ROOT) and the userspace walk (the
 * fallback for kernels without openat2) must agree. mr_path_mkdir_in_root
 * and mr_path_open_parent_in_root run against a scratch root rebuilt for
 * each input; nothing they make may land outside it.
 *
 * Input: byte 0 picks the open flags, byte 1 the function (% 8: 0-4 both
 * open functions, 5 mkdir, 6 mkdir of a file, 7 open_parent), the rest is
 * the path (up to its first NUL). The trees live in $TMPDIR, else /dev/shm.
 * Build: ./configure --enable-fuzzing CC=clang && make
 * Run:   tests/fuzz/fuzz-path -max_total_time=60 corpus/ tests/fuzz/seeds/fuzz-path */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/path.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char base[1024]; /* the temp dir: root/, scratch/, outside/, outside-dir/ */
static char root_path[PATH_MAX], scratch_path[PATH_MAX], outside_path[PATH_MAX], outside_dir[PATH_MAX];
static int root_fd = -1;
static size_t root_entries;

static struct {
	dev_t dev;
	ino_t ino;
} inside[128];
static size_t n_inside;

static const int flag_sets[] = {
	O_PATH,
	O_PATH | O_NOFOLLOW,
	O_RDONLY,
	O_RDONLY | O_DIRECTORY,
	O_PATH | O_DIRECTORY,
	O_RDONLY | O_NOFOLLOW,
	O_PATH | O_DIRECTORY | O_NOFOLLOW,
	O_RDONLY | O_DIRECTORY | O_NOFOLLOW,
};

static void die(const char *what, const char *path)
{
	fprintf(stderr, "fuzz-path: %s: %s (%s)\n", what, path, strerror(errno));
	abort();
}

static void mk(const char *dir, const char *rel, char kind, const char *target)
{
	char p[PATH_MAX];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	switch (kind) {
	case 'd':
		if (mkdir(p, 0755) < 0)
			die("mkdir", p);
		break;
	case 'f':
		fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, "x\n", 2) != 2)
			die("create", p);
		close(fd);
		break;
	case 'l':
		if (symlink(target, p) < 0)
			die("symlink", p);
		break;
	}
}

/* The hostile tree: the same in the fixed root and in each scratch root. */
static void build_tree(const char *dir)
{
	if (mkdir(dir, 0755) < 0)
		die("mkdir", dir);
	mk(dir, "a", 'd', NULL);
	mk(dir, "a/b", 'd', NULL);
	mk(dir, "a/b/file", 'f', NULL);
	mk(dir, "a/file", 'f', NULL);
	mk(dir, "etc", 'd', NULL);
	mk(dir, "etc/passwd", 'f', NULL);
	mk(dir, "dir-link", 'l', "a");
	mk(dir, "file-link", 'l', "a/file");
	mk(dir, "abs-link", 'l', "/etc/passwd");
	mk(dir, "abs-dir", 'l', "/a/b");
	mk(dir, "up-link", 'l', "../../../..");
	mk(dir, "deep-up", 'l', "a/b/../../../../..");
	mk(dir, "escape", 'l', "../outside");
	mk(dir, "escape-file", 'l', "../outside/secret");
	mk(dir, "escape-abs", 'l', outside_dir);
	mk(dir, "a/b/back", 'l', "../../../../outside/secret");
	mk(dir, "loop1", 'l', "loop2");
	mk(dir, "loop2", 'l', "loop1");
	mk(dir, "self", 'l', "self");
	mk(dir, "dangling", 'l', "/made/by/fuzz");
	mk(dir, "dangling-up", 'l', "../../made-outside");
	mk(dir, "chain1", 'l', "chain2");
	mk(dir, "chain2", 'l', "/chain3");
	mk(dir, "chain3", 'l', "a/b");
	mk(dir, "slash", 'l', "/");
	mk(dir, "proc-self", 'l', "/proc/self/root");
	mk(dir, "dotdot-file", 'l', "a/file/..");
}

static int collect(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)path;
	(void)type; /* symlinks too: O_PATH | O_NOFOLLOW opens the link itself */
	(void)ftw;
	if (n_inside == sizeof(inside) / sizeof(inside[0]))
		abort();
	inside[n_inside].dev = st->st_dev;
	inside[n_inside].ino = st->st_ino;
	n_inside++;
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

static void rm_rf(const char *dir)
{
	if (nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT)
		die("remove", dir);
}

static void cleanup(void)
{
	if (base[0])
		rm_rf(base);
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (d == NULL)
		die("opendir", dir);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* tmpfs when there is one: the scratch root is rebuilt often */
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NULL;

	(void)argc;
	(void)argv;
	snprintf(base, sizeof(base), "%s/fuzz-path.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(base) == NULL)
		die("mkdtemp", base);
	atexit(cleanup);
	snprintf(root_path, sizeof(root_path), "%s/root", base);
	snprintf(scratch_path, sizeof(scratch_path), "%s/scratch", base);
	snprintf(outside_path, sizeof(outside_path), "%s/outside", base);
	snprintf(outside_dir, sizeof(outside_dir), "%s/outside-dir", base);
	if (mkdir(outside_path, 0755) < 0 || mkdir(outside_dir, 0755) < 0)
		die("mkdir", outside_path);
	mk(outside_path, "secret", 'f', NULL);
	build_tree(root_path);
	if (nftw(root_path, collect, 16, FTW_PHYS) < 0)
		die("walk", root_path);
	root_fd = open(root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		die("open", root_path);
	root_entries = count_entries(root_path);
	return 0;
}

static int is_inside_tree(const struct stat *st)
{
	for (size_t i = 0; i < n_inside; i++)
		if (inside[i].dev == st->st_dev && inside[i].ino == st->st_ino)
			return 1;
	return 0;
}

/* /proc/self/fd/N names `dir` or a path below it. */
static int fd_under(int fd, const char *dir)
{
	char link[64], target[PATH_MAX];
	size_t len = strlen(dir);
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return 0;
	target[n] = '\0';
	return strncmp(target, dir, len) == 0 && (target[len] == '\0' || target[len] == '/');
}

static void check_fd(int fd, const char *path, const char *who)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		die("fstat", path);
	if (!is_inside_tree(&st) || !fd_under(fd, root_path)) {
		fprintf(stderr, "fuzz-path: %s(\"%s\") returned an fd outside the root\n", who, path);
		abort();
	}
}

static void check_error(int fd, struct mr_error *err, const char *path, const char *who)
{
	if (fd != -1 || err == NULL || err->msg == NULL || strchr(err->msg, '\n') != NULL) {
		fprintf(stderr, "fuzz-path: %s(\"%s\"): bad failure\n", who, path);
		abort();
	}
}

/* Both resolvers, which must agree on the object (or both fail). */
static void open_both(const char *path, int flags)
{
	struct mr_error *e1 = NULL, *e2 = NULL;
	int fd1 = mr_path_open_in_root(root_fd, path, flags, &e1);
	int fd2 = mr_path_open_in_root_walk(root_fd, path, flags, &e2);
	struct stat s1, s2;

	if (fd1 >= 0)
		check_fd(fd1, path, "mr_path_open_in_root");
	else
		check_error(fd1, e1, path, "mr_path_open_in_root");
	if (fd2 >= 0)
		check_fd(fd2, path, "mr_path_open_in_root_walk");
	else
		check_error(fd2, e2, path, "mr_path_open_in_root_walk");
	/* Known difference, reported: "" is ENOENT for openat2 but the root
	 * for the walk. */
	if ((fd1 >= 0) != (fd2 >= 0) && path[0] != '\0') {
		fprintf(stderr, "fuzz-path: \"%s\" flags 0%o: openat2 %s, walk %s\n", path, flags,
			fd1 >= 0 ? "opened it" : e1->msg, fd2 >= 0 ? "opened it" : e2->msg);
		abort();
	}
	if (fd1 >= 0 && fd2 >= 0 && (fstat(fd1, &s1) < 0 || fstat(fd2, &s2) < 0 || s1.st_dev != s2.st_dev || s1.st_ino != s2.st_ino)) {
		fprintf(stderr, "fuzz-path: \"%s\": openat2 and the walk opened different files\n", path);
		abort();
	}
	if (fd1 >= 0)
		close(fd1);
	if (fd2 >= 0)
		close(fd2);
	mr_error_free(e1);
	mr_error_free(e2);
}

/* mr_path_mkdir_in_root / mr_path_open_parent_in_root on a fresh scratch
 * root: the fd is under it, and nothing appeared outside it. */
static void make_in_scratch(const char *path, int which)
{
	struct mr_error *err = NULL;
	char *name = NULL;
	int sfd, fd;

	build_tree(scratch_path);
	sfd = open(scratch_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0)
		die("open", scratch_path);
	if (which == 0 || which == 1)
		fd = mr_path_mkdir_in_root(sfd, path, 0755, which == 1, &err);
	else
		fd = mr_path_open_parent_in_root(sfd, path, &name, &err);
	if (fd >= 0) {
		if (!fd_under(fd, scratch_path)) {
			fprintf(stderr, "fuzz-path: make %d (\"%s\") returned an fd outside the root\n", which, path);
			abort();
		}
		if (name && (name[0] == '\0' || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)) {
			fprintf(stderr, "fuzz-path: open_parent(\"%s\") gave the name \"%s\"\n", path, name);
			abort();
		}
		close(fd);
	} else {
		check_error(fd, err, path, which == 2 ? "mr_path_open_parent_in_root" : "mr_path_mkdir_in_root");
		if (name != NULL)
			abort();
	}
	free(name);
	mr_error_free(err);
	close(sfd);
	/* root, scratch, outside (only secret), outside-dir (empty); root as made */
	if (count_entries(base) != 4 || count_entries(outside_path) != 1 || count_entries(outside_dir) != 0 ||
	    count_entries(root_path) != root_entries) {
		fprintf(stderr, "fuzz-path: make %d (\"%s\") created something outside its root\n", which, path);
		abort();
	}
	rm_rf(scratch_path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[PATH_MAX + 64];
	size_t len;
	int flags;

	if (size < 2)
		return 0;
	flags = flag_sets[data[0] % (sizeof(flag_sets) / sizeof(flag_sets[0]))];
	len = size - 2 < sizeof(path) - 1 ? size - 2 : sizeof(path) - 1;
	memcpy(path, data + 2, len);
	path[len] = '\0';
	/* 0-4: open (cheap); 5, 6, 7: mkdir, mkdir of a file, open_parent
	 * (each rebuilds the scratch root) */
	if (data[1] % 8 < 5)
		open_both(path, flags);
	else
		make_in_scratch(path, data[1] % 8 - 5);
	return 0;
}
