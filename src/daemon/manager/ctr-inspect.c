/* What is read from a container's files and processes: docker diff (its
 * upperdir against its image's layers) and docker top (ps on the host,
 * filtered to the container's cgroup). */
#include "manager/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "image/images.h"
#include "image/layers.h"
#include "util/cleanup.h"

struct diff {
	struct mrd_ctr *c;
	char **lowers; /* top first */
	size_t nlowers;
	mrd_change_fn fn;
	void *data;
};

/* Whether path exists in the image: the topmost layer that has it (or a
 * whiteout of it) decides. */
static bool in_image(const struct diff *df, const char *path)
{
	char p[8192];
	struct stat st;

	for (size_t i = 0; i < df->nlowers; i++) {
		snprintf(p, sizeof(p), "%s%s", df->lowers[i], path);
		if (lstat(p, &st) == 0)
			return !(S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0));
	}
	return false;
}

static void walk(struct diff *df, int dir_fd, const char *rel, int depth)
{
	DIR *d;
	struct dirent *de;
	int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || depth > 256 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		char path[8192];
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", rel, de->d_name);
		bool whiteout = S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0);
		bool existed = in_image(df, path);
		if (whiteout) {
			if (existed)
				df->fn(path, 2, df->data);
			continue;
		}
		df->fn(path, existed ? 0 : 1, df->data);
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0) {
				walk(df, sub, path, depth + 1);
				close(sub);
			}
		}
	}
	closedir(d);
}

int mrd_ctr_changes(struct mrd_ctr *c, mrd_change_fn fn, void *data, struct mr_error **err)
{
	struct mrd_image *img = mrd_images_find(c->d->images, c->image_id);
	cleanup_free char *upper = mrd_ctr_data_path(c, "upper");
	struct diff df = {.c = c, .fn = fn, .data = data};
	int fd, ret = 0;

	if (img == NULL)
		return mr_error_set(err, ENOENT, "the image of container %s is gone", c->id);
	df.lowers = calloc(img->nlayers + 1, sizeof(char *));
	for (size_t i = img->nlayers; df.lowers && i-- > 0;)
		df.lowers[df.nlowers++] = mrd_layers_diff_path(c->d->layers, img->diff_ids[i]);
	fd = upper ? open(upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (fd < 0)
		ret = mr_error_sys(err, errno, "container %s: its upper directory", c->id);
	else
		walk(&df, fd, "", 0);
	if (fd >= 0)
		close(fd);
	for (size_t i = 0; i < df.nlowers; i++)
		free(df.lowers[i]);
	free(df.lowers);
	return ret;
}

int *mrd_ctr_pids(struct mrd_ctr *c, size_t *n, struct mr_error **err)
{
	cleanup_free char *path = mrd_ctr_cgroups_path(c);
	struct mr_cgroup *cg = mr_cgroup_open(path, c->id, err);
	pid_t *pids;

	if (cg == NULL)
		return NULL;
	pids = mr_cgroup_pids(cg, n, err);
	mr_cgroup_free(cg);
	return (int *)pids;
}

void mrd_top_clear(struct mrd_top *t)
{
	for (size_t i = 0; i < t->ntitles; i++)
		free(t->titles[i]);
	free(t->titles);
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t i = 0; i < t->ntitles; i++)
			free(t->rows[r][i]);
		free(t->rows[r]);
	}
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

/* Run ps with the arguments (split at spaces), its output in *out. */
static char *run_ps(const char *ps_args, struct mr_error **err)
{
	char *argv[64] = {"ps"}, *out = NULL;
	cleanup_free char *copy = strdup(ps_args);
	size_t argc = 1, len = 0, cap = 0;
	int pipefd[2], status;
	pid_t pid;
	posix_spawn_file_actions_t fa;

	for (char *save = NULL, *a = strtok_r(copy, " \t", &save); a && argc < 63; a = strtok_r(NULL, " \t", &save))
		argv[argc++] = a;
	argv[argc] = NULL;
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		mr_error_sys(err, errno, "pipe");
		return NULL;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	int r = posix_spawnp(&pid, "ps", &fa, NULL, argv, (char *[]){"PATH=/usr/bin:/bin", "LC_ALL=C", NULL});
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (r != 0) {
		close(pipefd[0]);
		mr_error_sys(err, r, "run ps");
		return NULL;
	}
	for (;;) {
		if (len + 4096 + 1 > cap) {
			char *p = realloc(out, cap = cap ? cap * 2 : 16384);
			if (p == NULL)
				break;
			out = p;
		}
		ssize_t n = read(pipefd[0], out + len, cap - len - 1);
		if (n <= 0 || len > (16u << 20))
			break;
		len += (size_t)n;
	}
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	if (out != NULL)
		out[len] = '\0';
	if (out == NULL || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		mr_error_set(err, EINVAL, "ps %s failed (exit status %d)", ps_args,
			     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		free(out);
		return NULL;
	}
	return out;
}

/* Split a line into at most n fields, the last taking the rest. */
static size_t split_fields(char *line, char **out, size_t n)
{
	size_t k = 0;
	char *p = line;

	while (k < n) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if (k == n - 1) {
			out[k++] = p;
			break;
		}
		out[k++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = '\0';
	}
	return k;
}

static int push_row(struct mrd_top *t, char **fields)
{
	char ***p = realloc(t->rows, (t->nrows + 1) * sizeof(char **));
	if (p == NULL)
		return -1;
	t->rows = p;
	t->rows[t->nrows] = calloc(t->ntitles, sizeof(char *));
	if (t->rows[t->nrows] == NULL)
		return -1;
	for (size_t i = 0; i < t->ntitles; i++)
		t->rows[t->nrows][i] = strdup(fields[i]);
	t->nrows++;
	return 0;
}

int mrd_ctr_top(struct mrd_ctr *c, const char *ps_args, struct mrd_top *t, struct mr_error **err)
{
	cleanup_free char *out = NULL;
	cleanup_free int *pids = NULL;
	size_t npids, pid_col = (size_t)-1;
	char *line, *save = NULL, *fields[64];

	memset(t, 0, sizeof(*t));
	pids = mrd_ctr_pids(c, &npids, err);
	if (pids == NULL)
		return -1;
	out = run_ps(ps_args && *ps_args ? ps_args : "-ef", err);
	if (out == NULL)
		return -1;
	line = strtok_r(out, "\n", &save);
	if (line == NULL)
		return mr_error_set(err, EINVAL, "ps printed nothing");
	size_t n = split_fields(line, fields, 64);
	t->titles = calloc(n + 1, sizeof(char *));
	for (size_t i = 0; t->titles && i < n; i++) {
		t->titles[t->ntitles++] = strdup(fields[i]);
		if (strcmp(fields[i], "PID") == 0)
			pid_col = i;
	}
	if (pid_col == (size_t)-1) {
		mrd_top_clear(t);
		return mr_error_set(err, EINVAL, "ps %s: no PID column in its output", ps_args ? ps_args : "-ef");
	}
	while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
		if (split_fields(line, fields, t->ntitles) != t->ntitles)
			continue;
		int pid = atoi(fields[pid_col]);
		for (size_t i = 0; i < npids; i++)
			if (pids[i] == pid) {
				if (push_row(t, fields) < 0) {
					mrd_top_clear(t);
					return mr_error_set(err, ENOMEM, "out of memory");
				}
				break;
			}
	}
	return 0;
}
