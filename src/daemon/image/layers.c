#include "image/layers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "image/extract.h"
#include "util/cleanup.h"

struct mrd_layers {
	char *dir;
	int dir_fd;
};

struct mrd_layers *mrd_layers_open(const char *data_root, struct mr_error **err)
{
	struct mrd_layers *l = calloc(1, sizeof(*l));
	DIR *d;
	struct dirent *de;

	if (l == NULL || asprintf(&l->dir, "%s/layers", data_root) < 0) {
		free(l);
		mr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	if (mkdir(l->dir, 0700) < 0 && errno != EEXIST) {
		mr_error_sys(err, errno, "mkdir %s", l->dir);
		goto fail;
	}
	l->dir_fd = open(l->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (l->dir_fd < 0) {
		mr_error_sys(err, errno, "open %s", l->dir);
		goto fail;
	}
	/* what a crash left half-done */
	d = opendir(l->dir);
	while (d != NULL && (de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "tmp-", 4) == 0)
			mrd_remove_tree(l->dir_fd, de->d_name, NULL);
	if (d != NULL)
		closedir(d);
	return l;
fail:
	free(l->dir);
	free(l);
	return NULL;
}

void mrd_layers_free(struct mrd_layers *l)
{
	if (l == NULL)
		return;
	close(l->dir_fd);
	free(l->dir);
	free(l);
}

const char *mrd_layers_dir(const struct mrd_layers *l)
{
	return l->dir;
}

bool mrd_layers_has(const struct mrd_layers *l, const char *diff_id)
{
	struct stat st;
	char path[80 + 8];

	if (!mrd_digest_valid(diff_id))
		return false;
	snprintf(path, sizeof(path), "%s/diff", mrd_digest_hex(diff_id));
	return fstatat(l->dir_fd, path, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

char *mrd_layers_diff_path(const struct mrd_layers *l, const char *diff_id)
{
	char *p = NULL;
	if (asprintf(&p, "%s/%s/diff", l->dir, mrd_digest_hex(diff_id)) < 0)
		return NULL;
	return p;
}

static int extract_into(struct mrd_layers *l, int fd, const char *tmp, struct mrd_extract_result *res,
			struct mr_error **err)
{
	cleanup_close int tfd = -1, diff_fd = -1, aux_fd = -1, split_fd = -1;
	FILE *split;
	int ret;

	if (mkdirat(l->dir_fd, tmp, 0700) < 0)
		return mr_error_sys(err, errno, "mkdir %s/%s", l->dir, tmp);
	tfd = openat(l->dir_fd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tfd < 0 || mkdirat(tfd, "diff", 0755) < 0 || mkdirat(tfd, "aux", 0700) < 0)
		return mr_error_sys(err, errno, "mkdir %s/%s", l->dir, tmp);
	diff_fd = openat(tfd, "diff", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	aux_fd = openat(tfd, "aux", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	split_fd = openat(tfd, "split", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (diff_fd < 0 || aux_fd < 0 || split_fd < 0)
		return mr_error_sys(err, errno, "open %s/%s", l->dir, tmp);
	split = fdopen(split_fd, "w");
	if (split == NULL)
		return mr_error_sys(err, errno, "open %s/%s/split", l->dir, tmp);
	split_fd = -1;
	struct mrd_extract_opts o = {.layer = true, .aux_fd = aux_fd, .split = split};
	ret = mrd_extract(fd, diff_fd, &o, res, err);
	if (ret == 0 && (fflush(split) != 0 || fsync(fileno(split)) < 0))
		ret = mr_error_sys(err, errno, "write %s/%s/split", l->dir, tmp);
	fclose(split);
	if (ret == 0)
		syncfs(diff_fd);
	return ret;
}

int mrd_layers_add(struct mrd_layers *l, int fd, const char *want, char got[MRD_DIGEST_LEN + 1], uint64_t *size,
		   struct mr_error **err)
{
	char tmp[32];
	struct mrd_extract_result res;

	if (want != NULL && mrd_layers_has(l, want)) {
		snprintf(got, MRD_DIGEST_LEN + 1, "%s", want);
		return 0;
	}
	snprintf(tmp, sizeof(tmp), "tmp-%d-%lx", (int)getpid(), (unsigned long)random());
	if (extract_into(l, fd, tmp, &res, err) < 0) {
		mrd_remove_tree(l->dir_fd, tmp, NULL);
		return -1;
	}
	snprintf(got, MRD_DIGEST_LEN + 1, "%s", res.digest);
	*size = res.size;
	if (want != NULL && strcmp(want, res.digest) != 0) {
		mrd_remove_tree(l->dir_fd, tmp, NULL);
		return mr_error_set(err, EINVAL, "layer digest mismatch: the image says %s, its content is %s", want,
				    res.digest);
	}
	if (mrd_layers_has(l, res.digest)) {
		mrd_remove_tree(l->dir_fd, tmp, NULL);
		return 0;
	}
	if (renameat(l->dir_fd, tmp, l->dir_fd, mrd_digest_hex(res.digest)) < 0) {
		int e = errno;
		mrd_remove_tree(l->dir_fd, tmp, NULL);
		return mr_error_sys(err, e, "rename layer %s", res.digest);
	}
	fsync(l->dir_fd);
	return 0;
}

int mrd_layers_remove(struct mrd_layers *l, const char *diff_id, struct mr_error **err)
{
	char tmp[32];

	if (!mrd_digest_valid(diff_id))
		return 0;
	/* out of its name first: a crash half-way leaves only a tmp- dir */
	snprintf(tmp, sizeof(tmp), "tmp-rm-%lx", (unsigned long)random());
	if (renameat(l->dir_fd, mrd_digest_hex(diff_id), l->dir_fd, tmp) < 0)
		return errno == ENOENT ? 0 : mr_error_sys(err, errno, "remove layer %s", diff_id);
	return mrd_remove_tree(l->dir_fd, tmp, err);
}

void mrd_layers_gc(struct mrd_layers *l, mrd_layer_keep_fn keep, void *data)
{
	DIR *d = opendir(l->dir);
	struct dirent *de;
	char id[MRD_DIGEST_LEN + 1];

	while (d != NULL && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strlen(de->d_name) != 64)
			continue;
		memcpy(id, "sha256:", 7);
		memcpy(id + 7, de->d_name, 65);
		if (!mrd_digest_valid(id) || !keep(id, data))
			mrd_layers_remove(l, id, NULL);
	}
	if (d != NULL)
		closedir(d);
}
