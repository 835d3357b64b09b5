#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/id.h"
#include "spec/config.h"
#include "util/json.h"


const char *mr_state_default_root(void)
{
	static char buf[4096];
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (geteuid() == 0)
		return "/run/minirun";
	if (xdg != NULL && xdg[0] != '\0')
		snprintf(buf, sizeof(buf), "%s/minirun", xdg);
	else
		snprintf(buf, sizeof(buf), "/tmp/minirun-%u", (unsigned)geteuid());
	return buf;
}

static int mkdir_p(const char *path, mode_t mode)
{
	char tmp[4096];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(tmp, path, len + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, mode) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

static int open_root(const char *root, bool create, struct mr_error **err)
{
	int fd;

	if (create && mkdir_p(root, 0711) < 0)
		return mr_error_sys(err, errno, "cannot create the state directory %s", root);
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && !(errno == ENOENT && !create))
		return mr_error_sys(err, errno, "cannot open the state directory %s", root);
	return fd; /* -1 with ENOENT: no root, so no container */
}

static int fill(struct mr_container_dir *d, const char *root, const char *id, int root_fd, int dir_fd,
		struct mr_error **err)
{
	d->root = strdup(root);
	d->id = strdup(id);
	d->root_fd = root_fd;
	d->dir_fd = dir_fd;
	if (d->root == NULL || d->id == NULL) {
		mr_state_close(d);
		return mr_error_set(err, ENOMEM, "out of memory");
	}
	return 0;
}

static void reset(struct mr_container_dir *d)
{
	memset(d, 0, sizeof(*d));
	d->root_fd = d->dir_fd = -1;
}

#define TEMP_PREFIX ".creating-"

/* A new directory under a temporary name in the root, opened and locked.
 * A sweep (mr_state_sweep) that found it before our flock may have
 * removed it: then make another. */
static int make_temp_dir(int root_fd, const char *root, char *name, size_t size, struct mr_error **err)
{
	for (int tries = 0; tries < 100; tries++) {
		struct timespec ts;
		struct stat st;
		int fd;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		snprintf(name, size, TEMP_PREFIX "%d-%lx", (int)getpid(), (unsigned long)ts.tv_nsec ^ (unsigned long)tries);
		if (mkdirat(root_fd, name, 0711) < 0) {
			if (errno == EEXIST)
				continue;
			return mr_error_sys(err, errno, "cannot create a directory in %s", root);
		}
		fd = openat(root_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0 || flock(fd, LOCK_EX) < 0 || fstat(fd, &st) < 0) {
			int saved = errno;
			if (fd >= 0)
				close(fd);
			unlinkat(root_fd, name, AT_REMOVEDIR);
			return mr_error_sys(err, saved, "cannot open %s/%s", root, name);
		}
		if (st.st_nlink > 0)
			return fd;
		close(fd);
	}
	return mr_error_set(err, EAGAIN, "cannot create a directory in %s: removed again and again", root);
}

static int remove_entry(int dir_fd, const char *name);

/* Empty the directory dir_fd (named `name` in the root) and remove it. */
static void remove_dir(int root_fd, int dir_fd, const char *name)
{
	int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;

	if (dir == NULL && fd >= 0)
		close(fd);
	for (struct dirent *e; dir && (e = readdir(dir)) != NULL;)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			remove_entry(dir_fd, e->d_name);
	if (dir)
		closedir(dir);
	unlinkat(root_fd, name, AT_REMOVEDIR);
}

/* Put the temporary directory in place as <root>/<id>: of two creates of
 * an id, one wins. Without RENAME_NOREPLACE (a file system that lacks it)
 * an empty directory claims the id first, and the rename replaces it. */
static int claim_id(int root_fd, const char *tmp, const char *id)
{
	if (renameat2(root_fd, tmp, root_fd, id, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	if (mkdirat(root_fd, id, 0711) < 0)
		return -1;
	return renameat(root_fd, tmp, root_fd, id);
}

int mr_state_create(const char *root, const char *id, const struct mr_record *first, struct mr_container_dir *d,
		    struct mr_error **err)
{
	cleanup_free char *text = NULL;
	cleanup_close int root_fd = -1, dir_fd = -1, fd = -1;
	char tmp[64];
	size_t len;

	reset(d);
	if (mr_id_validate(id, err) < 0 || (text = mr_model_to_string(&mr_type_mr_record, first, false, err)) == NULL)
		return -1;
	len = strlen(text);
	root_fd = open_root(root, true, err);
	if (root_fd < 0)
		return -1;
	/* the common refusal, before any work */
	if (faccessat(root_fd, id, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return mr_error_set(err, EEXIST, "container \"%s\" already exists", id);
	dir_fd = make_temp_dir(root_fd, root, tmp, sizeof(tmp), err);
	if (dir_fd < 0)
		return -1;
	/* The record is in it before it is the container's: a container
	 * directory always says who is creating it. */
	fd = openat(dir_fd, MR_STATE_NAME, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len || claim_id(root_fd, tmp, id) < 0) {
		int saved = errno ? errno : EIO;
		remove_dir(root_fd, dir_fd, tmp);
		if (saved == EEXIST || saved == ENOTEMPTY)
			return mr_error_set(err, EEXIST, "container \"%s\" already exists", id);
		return mr_error_sys(err, saved, "cannot create %s/%s", root, id);
	}
	if (fill(d, root, id, root_fd, dir_fd, err) < 0)
		return -1;
	d->locked = true;
	root_fd = dir_fd = -1;
	return 0;
}

void mr_state_sweep(const char *root)
{
	cleanup_close int root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fd = root_fd >= 0 ? openat(root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;

	if (dir == NULL && fd >= 0)
		close(fd);
	for (struct dirent *e; dir && (e = readdir(dir)) != NULL;) {
		int tmp_fd;
		if (strncmp(e->d_name, TEMP_PREFIX, strlen(TEMP_PREFIX)) != 0)
			continue;
		tmp_fd = openat(root_fd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		/* unlocked: its create is gone */
		if (tmp_fd >= 0 && flock(tmp_fd, LOCK_EX | LOCK_NB) == 0)
			remove_dir(root_fd, tmp_fd, e->d_name);
		if (tmp_fd >= 0)
			close(tmp_fd);
	}
	if (dir)
		closedir(dir);
}

int mr_state_open(const char *root, const char *id, struct mr_container_dir *d, struct mr_error **err)
{
	cleanup_close int root_fd = -1, dir_fd = -1;

	reset(d);
	if (mr_id_validate(id, err) < 0)
		return -1;
	root_fd = open_root(root, false, err);
	if (root_fd < 0 && errno != ENOENT)
		return -1;
	if (root_fd >= 0)
		dir_fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dir_fd < 0) {
		if (root_fd < 0 || errno == ENOENT)
			return mr_error_set(err, ENOENT, "container \"%s\" does not exist", id);
		return mr_error_sys(err, errno, "cannot open %s/%s", root, id);
	}
	if (fill(d, root, id, root_fd, dir_fd, err) < 0)
		return -1;
	root_fd = dir_fd = -1;
	return 0;
}

int mr_state_lock(struct mr_container_dir *d, bool wait, struct mr_error **err)
{
	struct stat st;

	if (d->locked)
		return 0;
	if (flock(d->dir_fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK && !wait)
			return 1;
		return mr_error_sys(err, errno, "cannot lock %s/%s", d->root, d->id);
	}
	d->locked = true;
	/* A delete removed it while we waited. */
	if (fstat(d->dir_fd, &st) == 0 && st.st_nlink == 0)
		return mr_error_set(err, ENOENT, "container \"%s\" does not exist", d->id);
	return 0;
}

void mr_state_unlock(struct mr_container_dir *d)
{
	if (d->locked)
		flock(d->dir_fd, LOCK_UN);
	d->locked = false;
}

bool mr_state_locked_elsewhere(const struct mr_container_dir *d)
{
	if (d->locked)
		return false;
	/* a shared lock for an instant: it conflicts only with an exclusive one */
	if (flock(d->dir_fd, LOCK_SH | LOCK_NB) < 0)
		return errno == EWOULDBLOCK;
	flock(d->dir_fd, LOCK_UN);
	return false;
}

void mr_state_close(struct mr_container_dir *d)
{
	if (d->dir_fd >= 0)
		close(d->dir_fd); /* drops the flock */
	if (d->root_fd >= 0)
		close(d->root_fd);
	free(d->root);
	free(d->id);
	reset(d);
}

/* The files of a directory of the container's directory (the notify
 * socket's, notify.h: one level, no deeper). */
static void empty_subdir(int dir_fd, const char *name)
{
	int fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;

	if (dir == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	for (struct dirent *e; (e = readdir(dir)) != NULL;)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlinkat(fd, e->d_name, 0);
	closedir(dir);
}

/* A file of the container's directory; a directory put there goes too,
 * with its files. ENOENT is success. */
static int remove_entry(int dir_fd, const char *name)
{
	if (unlinkat(dir_fd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR)
		return -1;
	if (unlinkat(dir_fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
		return 0;
	if (errno != ENOTEMPTY)
		return -1;
	empty_subdir(dir_fd, name);
	return unlinkat(dir_fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT ? 0 : -1;
}

int mr_state_remove_files(struct mr_container_dir *d, struct mr_error **err)
{
	int ret = 0;
	DIR *dir;
	int fd = openat(d->dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? 0 : mr_error_sys(err, errno, "cannot read %s/%s", d->root, d->id);
	dir = fdopendir(fd);
	if (dir == NULL) {
		close(fd);
		return mr_error_sys(err, errno, "cannot read %s/%s", d->root, d->id);
	}
	for (struct dirent *e; (e = readdir(dir)) != NULL;) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 || strcmp(e->d_name, MR_STATE_NAME) == 0)
			continue;
		if (remove_entry(d->dir_fd, e->d_name) < 0 && ret == 0)
			ret = mr_error_sys(err, errno, "cannot remove %s/%s/%s", d->root, d->id, e->d_name);
	}
	closedir(dir);
	return ret;
}

int mr_state_remove(struct mr_container_dir *d, struct mr_error **err)
{
	int ret = 0;

	/* the record last: until it goes, a delete that died here is redone */
	if (remove_entry(d->dir_fd, MR_STATE_NAME) < 0)
		ret = mr_error_sys(err, errno, "cannot remove %s/%s/%s", d->root, d->id, MR_STATE_NAME);
	if (ret == 0 && unlinkat(d->root_fd, d->id, AT_REMOVEDIR) < 0 && errno != ENOENT)
		ret = mr_error_sys(err, errno, "cannot remove %s/%s", d->root, d->id);
	mr_state_close(d);
	return ret;
}

struct mr_record *mr_state_read(const struct mr_container_dir *d, struct mr_error **err)
{
	cleanup_close int fd = openat(d->dir_fd, MR_STATE_NAME, O_RDONLY | O_CLOEXEC);
	cleanup_free char *buf = NULL;
	struct mr_json *json;
	struct mr_record *r;
	size_t len;

	if (fd < 0) {
		if (errno == ENOENT)
			mr_error_set(err, ENOENT,
				     "container \"%s\" has no state yet (being created, or its create died: "
				     "delete --force removes it)",
				     d->id);
		else
			mr_error_sys(err, errno, "cannot read the state of \"%s\"", d->id);
		return NULL;
	}
	buf = mr_read_fd(fd, MR_STATE_MAX_BYTES, &len, err);
	if (buf == NULL || (json = mr_json_parse(buf, len, err)) == NULL) {
		mr_error_prefix(err, "%s/%s/%s", d->root, d->id, MR_STATE_NAME);
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (r == NULL || mr_model_parse(&mr_type_mr_record, json, r, err) < 0) {
		mr_json_free(json);
		mr_record_free(r);
		if (r == NULL)
			mr_error_set(err, ENOMEM, "out of memory");
		mr_error_prefix(err, "%s/%s/%s", d->root, d->id, MR_STATE_NAME);
		return NULL;
	}
	mr_json_free(json);
	return r;
}

/* Write name.tmp, then rename it over name: readers see the old file or
 * the new one, never half of one. */
static int write_atomically(const struct mr_container_dir *d, const char *name, const char *text, const char *what,
			    struct mr_error **err)
{
	char tmp[64];
	size_t len = strlen(text);
	cleanup_close int fd = -1;

	snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	fd = openat(d->dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return mr_error_sys(err, errno, "cannot write the %s of \"%s\"", what, d->id);
	if (write(fd, text, len) != (ssize_t)len || renameat(d->dir_fd, tmp, d->dir_fd, name) < 0) {
		int saved = errno ? errno : EIO;
		unlinkat(d->dir_fd, tmp, 0);
		return mr_error_sys(err, saved, "cannot write the %s of \"%s\"", what, d->id);
	}
	return 0;
}

int mr_state_write(const struct mr_container_dir *d, const struct mr_record *r, struct mr_error **err)
{
	cleanup_free char *text = mr_model_to_string(&mr_type_mr_record, r, false, err);

	if (text == NULL)
		return -1;
	if (strlen(text) > MR_STATE_MAX_BYTES)
		return mr_error_set(err, EFBIG, "the state of \"%s\" is %zu bytes, more than the %u it may take", d->id,
				    strlen(text), MR_STATE_MAX_BYTES);
	return write_atomically(d, MR_STATE_NAME, text, "state", err);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **mr_state_list(const char *root, size_t *n, struct mr_error **err)
{
	DIR *dir = opendir(root);
	char **ids = calloc(1, sizeof(char *));
	size_t cap = 1;
	struct dirent *e;

	*n = 0;
	if (ids == NULL) {
		if (dir)
			closedir(dir);
		mr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	if (dir == NULL) {
		if (errno == ENOENT)
			return ids; /* no root yet: no containers */
		free(ids);
		mr_error_sys(err, errno, "cannot open the state directory %s", root);
		return NULL;
	}
	while ((e = readdir(dir)) != NULL) {
		if (e->d_type != DT_DIR || mr_id_validate(e->d_name, NULL) < 0)
			continue;
		if (*n + 1 >= cap) {
			char **more = realloc(ids, (cap *= 2) * sizeof(char *));
			if (more == NULL)
				break;
			ids = more;
		}
		if ((ids[*n] = strdup(e->d_name)) != NULL)
			(*n)++;
	}
	closedir(dir);
	ids[*n] = NULL;
	qsort(ids, *n, sizeof(char *), cmp_str);
	return ids;
}

unsigned long long mr_proc_start_time(pid_t pid, bool *zombie)
{
	char path[64], buf[1024];
	unsigned long long start = 0;
	ssize_t n;
	int fd;
	char *p;

	*zombie = false;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* comm may hold spaces and parentheses: fields start after the last ')'. */
	p = strrchr(buf, ')');
	if (p == NULL || p[1] != ' ')
		return 0;
	p += 2;
	*zombie = (*p == 'Z' || *p == 'X');
	/* p is field 3 (state); start time is field 22. */
	for (int field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (p)
		start = strtoull(p, NULL, 10);
	return start;
}

pid_t mr_pidfd_pid(int pidfd)
{
	char path[64];
	cleanup_fclose FILE *f = NULL;
	cleanup_free char *line = NULL;
	size_t cap = 0;
	int pid;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
	f = fopen(path, "re");
	/* "Pid:" is -1 once the process is gone, 0 when this /proc's pid
	 * namespace does not see it */
	while (f != NULL && getline(&line, &cap, f) > 0)
		if (sscanf(line, "Pid: %d", &pid) == 1 && pid > 0)
			return pid;
	errno = ESRCH;
	return -1;
}

bool mr_proc_is(pid_t pid, unsigned long long start)
{
	bool zombie;

	return pid > 0 && mr_proc_start_time(pid, &zombie) == start && !zombie;
}

/* The init holds the exec fifo open until it execs (or exits): opening it
 * for writing without blocking fails with ENXIO once nobody reads it. So a
 * start that died between its write and its unlink of the fifo leaves a
 * running container, not a created one. */
static bool init_waits_on_fifo(const struct mr_container_dir *d)
{
	int fd = openat(d->dir_fd, MR_FIFO_NAME, O_WRONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return true;
	}
	/* not ours to open (another user): the fifo is there, trust it */
	return errno != ENOENT && errno != ENXIO;
}

enum mr_status mr_state_status(const struct mr_container_dir *d, const struct mr_record *r)
{
	if (!r->has_pid || r->pid <= 0) {
		if (r->has_creator_pid && mr_proc_is(r->creator_pid, r->creator_start_time))
			return MR_STATUS_CREATING;
		return MR_STATUS_STOPPED;
	}
	if (!mr_proc_is(r->pid, r->pid_start_time))
		return MR_STATUS_STOPPED;
	return init_waits_on_fifo(d) ? MR_STATUS_CREATED : MR_STATUS_RUNNING;
}

const char *mr_status_name(enum mr_status s)
{
	static const char *const names[] = { "creating", "created", "running", "paused", "stopped" };
	return names[s];
}

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

struct oci_state *mr_state_public(const struct mr_record *r, enum mr_status s, struct mr_error **err)
{
	struct oci_state *st = calloc(1, sizeof(*st));

	if (st == NULL)
		goto oom;
	st->oci_version = dup_or_empty(r->oci_version);
	st->id = dup_or_empty(r->id);
	st->status = strdup(mr_status_name(s));
	st->pid = s == MR_STATUS_STOPPED ? 0 : r->pid;
	st->has_pid = true;
	st->bundle = dup_or_empty(r->bundle);
	st->rootfs = dup_or_empty(r->rootfs);
	st->created = dup_or_empty(r->created);
	st->owner = dup_or_empty(r->owner);
	if (!st->oci_version || !st->id || !st->status || !st->bundle || !st->rootfs || !st->created || !st->owner)
		goto oom;
	if (r->annotations && r->annotations->len > 0) {
		st->annotations = calloc(1, sizeof(*st->annotations));
		if (st->annotations == NULL)
			goto oom;
		st->annotations->keys = calloc(r->annotations->len, sizeof(char *));
		st->annotations->values = calloc(r->annotations->len, sizeof(char *));
		if (!st->annotations->keys || !st->annotations->values)
			goto oom;
		for (size_t i = 0; i < r->annotations->len; i++) {
			st->annotations->keys[i] = strdup(r->annotations->keys[i]);
			st->annotations->values[i] = strdup(r->annotations->values[i]);
			st->annotations->len = i + 1;
			if (!st->annotations->keys[i] || !st->annotations->values[i])
				goto oom;
		}
	}
	return st;
oom:
	oci_state_free(st);
	mr_error_set(err, ENOMEM, "out of memory");
	return NULL;
}

char *mr_record_state_json(const struct mr_record *r, enum mr_status s, struct mr_error **err)
{
	struct oci_state *st = mr_state_public(r, s, err);
	char *json;

	if (st == NULL)
		return NULL;
	json = mr_model_to_string(&mr_type_oci_state, st, false, err);
	oci_state_free(st);
	return json;
}


/* The temporary file is made exclusively and never through a link: a
 * symlink (or a hard link to another file) that someone put at its name
 * is removed, not written through. */
static int open_pid_tmp(const char *tmp)
{
	for (int tries = 0; tries < 3; tries++) {
		int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			return fd;
		if (unlink(tmp) < 0 && errno != ENOENT)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

int mr_pid_file_write(const char *path, pid_t pid, struct mr_error **err)
{
	cleanup_free char *tmp = NULL;
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%d", (int)pid); /* no newline: containerd uses Atoi */
	cleanup_close int fd = -1;

	if (asprintf(&tmp, "%s.minirun-tmp", path) < 0)
		return mr_error_set(err, ENOMEM, "out of memory");
	fd = open_pid_tmp(tmp);
	if (fd < 0)
		return mr_error_sys(err, errno, "--pid-file %s: cannot make a file next to it", path);
	/* rename: a reader never sees a half-written file */
	if (write(fd, buf, len) != len || rename(tmp, path) < 0) {
		int saved = errno ? errno : EIO;
		unlink(tmp);
		return mr_error_sys(err, saved, "--pid-file %s", path);
	}
	return 0;
}

int mr_state_write_config(const struct mr_container_dir *d, const char *json, struct mr_error **err)
{
	/* whole or absent: delete --force reads it when the record is lost */
	return write_atomically(d, MR_CONFIG_NAME, json, "config", err);
}

struct oci_config *mr_state_read_config(const struct mr_container_dir *d, struct mr_error **err)
{
	cleanup_close int fd = openat(d->dir_fd, MR_CONFIG_NAME, O_RDONLY | O_CLOEXEC);
	cleanup_free char *buf = NULL;
	struct oci_config *cfg;
	size_t len;

	if (fd < 0) {
		mr_error_sys(err, errno, "cannot read the config of \"%s\"", d->id);
		return NULL;
	}
	buf = mr_read_fd(fd, MR_JSON_MAX_BYTES, &len, err);
	/* validated at create already: no bundle, no filesystem checks */
	cfg = buf ? mr_config_parse(buf, len, NULL, err) : NULL;
	if (cfg == NULL)
		mr_error_prefix(err, "%s/%s/%s", d->root, d->id, MR_CONFIG_NAME);
	return cfg;
}
