#include "image/extract.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "image/decompress.h"
#include "image/tar.h"
#include "util/cleanup.h"

/* ---- the source: decompressed by libarchive, digested as it goes */

struct source {
	struct mrd_unzip *z;
	struct sha256_ctx sha;
};

static ssize_t source_read(void *ctx, void *buf, size_t n)
{
	struct source *s = ctx;
	ssize_t r = mrd_unzip_read(s->z, buf, n);
	if (r > 0)
		sha256_update(&s->sha, (size_t)r, buf);
	return r;
}

static int source_open(struct source *s, int fd, struct mr_error **err)
{
	sha256_init(&s->sha);
	s->z = mrd_unzip_open(fd);
	if (s->z == NULL)
		return mr_error_set(err, ENOMEM, "cannot read the archive: out of memory");
	return 0;
}

/* ---- the split file */

struct extractor {
	int root_fd;
	const struct mrd_extract_opts *o;
	struct mrd_tar *tar;
	char *raw;
	size_t raw_len, raw_cap;
	int split_failed;
	uint32_t record; /* regular files with content so far */
	/* path -> record of the files with content, for replaced ones */
	char **paths;
	uint32_t *records;
	size_t nfiles, cap_files;
};

static void put_u32(FILE *f, uint32_t v)
{
	unsigned char b[4] = {v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24};
	fwrite(b, 1, 4, f);
}

static void flush_raw(struct extractor *x)
{
	if (x->o->split == NULL || x->raw_len == 0)
		return;
	fputc('R', x->o->split);
	put_u32(x->o->split, (uint32_t)x->raw_len);
	fwrite(x->raw, 1, x->raw_len, x->o->split);
	x->raw_len = 0;
}

static void on_raw(void *ctx, const void *buf, size_t n)
{
	struct extractor *x = ctx;

	if (x->o->split == NULL)
		return;
	if (x->raw_len + n > x->raw_cap) {
		size_t cap = x->raw_cap ? x->raw_cap : 65536;
		while (cap < x->raw_len + n)
			cap *= 2;
		char *p = realloc(x->raw, cap);
		if (p == NULL) {
			x->split_failed = ENOMEM;
			return;
		}
		x->raw = p;
		x->raw_cap = cap;
	}
	memcpy(x->raw + x->raw_len, buf, n);
	x->raw_len += n;
	if (x->raw_len >= (1u << 20))
		flush_raw(x);
}

static void split_file(struct extractor *x, const char *path, uint64_t size)
{
	FILE *f = x->o->split;
	unsigned char b[8];
	size_t plen = strlen(path);

	if (f == NULL)
		return;
	flush_raw(x);
	fputc('F', f);
	put_u32(f, x->record);
	b[0] = plen & 0xff;
	b[1] = (plen >> 8) & 0xff;
	fwrite(b, 1, 2, f);
	fwrite(path, 1, plen, f);
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(size >> (8 * i));
	fwrite(b, 1, 8, f);
}

/* ---- names */

/* "./a//b/" -> "a/b"; "" for the root itself. Refuses absolute names and
 * "..". Returns a malloc'ed string or NULL with *err. */
static char *clean_name(const char *name, struct mr_error **err)
{
	char *out, *o;

	if (name[0] == '/') {
		mr_error_set(err, EINVAL, "%s: absolute path in the archive", name);
		return NULL;
	}
	out = malloc(strlen(name) + 1);
	if (out == NULL) {
		mr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	o = out;
	for (const char *p = name; *p;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			free(out);
			mr_error_set(err, EINVAL, "%s: \"..\" in a path of the archive", name);
			return NULL;
		}
		if (len > 0 && !(len == 1 && p[0] == '.')) {
			if (o != out)
				*o++ = '/';
			memcpy(o, p, len);
			o += len;
		}
		p += len;
		if (*p == '/')
			p++;
	}
	*o = '\0';
	return out;
}

/* An O_PATH fd of the directory that holds `path`'s last component, the
 * missing directories made (0755), never through a symlink; *base points
 * at the last component inside path. */
static int open_parent(int root_fd, const char *path, bool create, const char **base, struct mr_error **err)
{
	const char *p = path, *slash;
	int fd = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);

	while ((slash = strchr(p, '/')) != NULL) {
		char comp[256];
		size_t len = (size_t)(slash - p);
		if (len >= sizeof(comp)) {
			close(fd);
			return mr_error_set(err, ENAMETOOLONG, "%s: a name component is too long", path);
		}
		memcpy(comp, p, len);
		comp[len] = '\0';
		int next = openat(fd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT && create) {
			if (mkdirat(fd, comp, 0755) < 0 && errno != EEXIST) {
				int e = errno;
				close(fd);
				return mr_error_sys(err, e, "%s: mkdir", path);
			}
			next = openat(fd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (next < 0) {
			int e = errno;
			close(fd);
			if (e == ENOTDIR || e == ELOOP)
				return mr_error_set(err, e, "%s: goes through a symlink or a non-directory in the archive", path);
			return mr_error_sys(err, e, "%s", path);
		}
		close(fd);
		fd = next;
		p = slash + 1;
	}
	*base = p;
	return fd;
}

/* ---- replaced files */

static ssize_t find_file(struct extractor *x, const char *path)
{
	for (size_t i = x->nfiles; i-- > 0;)
		if (x->paths[i] != NULL && strcmp(x->paths[i], path) == 0)
			return (ssize_t)i;
	return -1;
}

static int remember_file(struct extractor *x, const char *path)
{
	if (x->o->split == NULL)
		return 0;
	if (x->nfiles == x->cap_files) {
		size_t cap = x->cap_files ? x->cap_files * 2 : 256;
		char **p = realloc(x->paths, cap * sizeof(char *));
		uint32_t *r = p ? realloc(x->records, cap * sizeof(uint32_t)) : NULL;
		if (p != NULL)
			x->paths = p;
		if (r == NULL)
			return -1;
		x->records = r;
		x->cap_files = cap;
	}
	x->paths[x->nfiles] = strdup(path);
	x->records[x->nfiles++] = x->record;
	return 0;
}

/* Make room for a new entry at pfd/name: a directory stays (a directory
 * entry updates it; anything else over it is refused), anything else goes;
 * a file whose content the split refers to is kept aside in aux. */
static int clear_place(struct extractor *x, int pfd, const char *name, const char *path, bool is_dir,
		       struct mr_error **err)
{
	struct stat st;

	if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : mr_error_sys(err, errno, "%s", path);
	if (S_ISDIR(st.st_mode)) {
		if (is_dir)
			return 1;
		return mr_error_set(err, EINVAL, "%s: replaces a directory of the same archive", path);
	}
	ssize_t i = S_ISREG(st.st_mode) ? find_file(x, path) : -1;
	if (i >= 0 && x->o->aux_fd >= 0) {
		char aux[16];
		snprintf(aux, sizeof(aux), "%u", x->records[i]);
		free(x->paths[i]);
		x->paths[i] = NULL;
		if (renameat(pfd, name, x->o->aux_fd, aux) < 0)
			return mr_error_sys(err, errno, "%s: keep the replaced file", path);
		return 0;
	}
	if (unlinkat(pfd, name, 0) < 0)
		return mr_error_sys(err, errno, "%s: remove", path);
	return 0;
}

static int apply_xattrs(int fd, const struct mrd_tar_entry *e, const char *path, struct mr_error **err)
{
	for (size_t i = 0; i < e->nxattrs; i++) {
		const char *n = e->xattrs[i].name;
		if (strncmp(n, "trusted.overlay.", 16) == 0)
			return mr_error_set(err, EPERM, "%s: attribute %s is not allowed in an image", path, n);
		if (strncmp(n, "user.", 5) != 0 && strncmp(n, "security.", 9) != 0)
			continue;
		if (fsetxattr(fd, n, e->xattrs[i].value, e->xattrs[i].len, 0) < 0 && errno != ENOTSUP)
			return mr_error_sys(err, errno, "%s: set attribute %s", path, n);
	}
	return 0;
}

/* Owner, then mode (chown clears setuid), then times. */
static int apply_meta(int fd, const struct mrd_tar_entry *e, const char *path, struct mr_error **err)
{
	struct timespec ts[2] = {{e->mtime, 0}, {e->mtime, 0}};

	if (fchown(fd, e->uid, e->gid) < 0)
		return mr_error_sys(err, errno, "%s: chown", path);
	if (fchmod(fd, e->mode) < 0)
		return mr_error_sys(err, errno, "%s: chmod", path);
	if (apply_xattrs(fd, e, path, err) < 0)
		return -1;
	if (e->type != '5')
		futimens(fd, ts);
	return 0;
}

static int copy_content(struct extractor *x, int fd, const char *path, struct mr_error **err)
{
	char buf[65536];
	ssize_t n;

	while ((n = mrd_tar_read(x->tar, buf, sizeof(buf), err)) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = fd >= 0 ? write(fd, buf + off, (size_t)(n - off)) : n - off;
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return mr_error_sys(err, errno, "%s: write", path);
			off += w;
		}
		if (fd < 0)
			on_raw(x, buf, (size_t)n); /* content not kept: the split holds it */
	}
	return n < 0 ? -1 : 0;
}

static int make_file(struct extractor *x, int pfd, const char *name, const char *path, const struct mrd_tar_entry *e,
		     struct mr_error **err)
{
	cleanup_close int fd = -1;

	if (clear_place(x, pfd, name, path, false, err) < 0)
		return -1;
	fd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return mr_error_sys(err, errno, "%s: create", path);
	if (e->size > 0) {
		split_file(x, path, e->size);
		if (remember_file(x, path) < 0)
			return mr_error_set(err, ENOMEM, "out of memory");
		x->record++;
	}
	if (copy_content(x, fd, path, err) < 0)
		return -1;
	return apply_meta(fd, e, path, err);
}

static int make_dir(struct extractor *x, int pfd, const char *name, const char *path, const struct mrd_tar_entry *e,
		    struct mr_error **err)
{
	cleanup_close int fd = -1;
	int r = clear_place(x, pfd, name, path, true, err);

	if (r < 0)
		return -1;
	if (r == 0 && mkdirat(pfd, name, 0700) < 0)
		return mr_error_sys(err, errno, "%s: mkdir", path);
	fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return mr_error_sys(err, errno, "%s: open", path);
	return apply_meta(fd, e, path, err);
}

static int make_link(struct extractor *x, int pfd, const char *name, const char *path, const struct mrd_tar_entry *e,
		     struct mr_error **err)
{
	cleanup_free char *target = NULL;
	cleanup_close int tfd = -1;
	const char *tbase;
	struct stat st;

	if (e->type == '2') {
		struct timespec ts[2] = {{e->mtime, 0}, {e->mtime, 0}};
		if (clear_place(x, pfd, name, path, false, err) < 0)
			return -1;
		if (symlinkat(e->linkname, pfd, name) < 0)
			return mr_error_sys(err, errno, "%s: symlink", path);
		if (fchownat(pfd, name, e->uid, e->gid, AT_SYMLINK_NOFOLLOW) < 0)
			return mr_error_sys(err, errno, "%s: chown", path);
		utimensat(pfd, name, ts, AT_SYMLINK_NOFOLLOW);
		return 0;
	}
	target = clean_name(e->linkname, err);
	if (target == NULL)
		return mr_error_prefix(err, "hard link %s", path);
	if (target[0] == '\0')
		return mr_error_set(err, EINVAL, "%s: hard link to the root directory", path);
	struct mr_error *perr = NULL;
	tfd = open_parent(x->root_fd, target, false, &tbase, &perr);
	if (tfd < 0 && perr != NULL && perr->errnum == ENOENT) {
		mr_error_free(perr);
		return mr_error_set(err, EINVAL, "%s: hard link to %s, which is not in the archive before it", path,
				    target);
	}
	if (tfd < 0) {
		if (err != NULL && *err == NULL)
			*err = perr;
		else
			mr_error_free(perr);
		return mr_error_prefix(err, "hard link %s", path);
	}
	if (fstatat(tfd, tbase, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return mr_error_set(err, EINVAL, "%s: hard link to %s, which is not in the archive before it", path,
				    target);
	if (S_ISDIR(st.st_mode))
		return mr_error_set(err, EINVAL, "%s: hard link to a directory", path);
	if (strcmp(target, path) == 0)
		return 0;
	if (clear_place(x, pfd, name, path, false, err) < 0)
		return -1;
	if (linkat(tfd, tbase, pfd, name, 0) < 0)
		return mr_error_sys(err, errno, "%s: link to %s", path, target);
	return 0;
}

static int make_fifo(struct extractor *x, int pfd, const char *name, const char *path, const struct mrd_tar_entry *e,
		     struct mr_error **err)
{
	struct timespec ts[2] = {{e->mtime, 0}, {e->mtime, 0}};

	if (clear_place(x, pfd, name, path, false, err) < 0)
		return -1;
	if (mknodat(pfd, name, S_IFIFO | (e->mode & 0777), 0) < 0)
		return mr_error_sys(err, errno, "%s: mkfifo", path);
	if (fchownat(pfd, name, e->uid, e->gid, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(pfd, name, e->mode & 07777, 0) < 0)
		return mr_error_sys(err, errno, "%s: chown", path);
	utimensat(pfd, name, ts, AT_SYMLINK_NOFOLLOW);
	return 0;
}

/* ".wh..wh..opq": the directory hides what is below it. ".wh.NAME": NAME
 * is deleted. Other ".wh..wh." names are aufs bookkeeping: dropped. */
static int whiteout(struct extractor *x, int pfd, const char *name, const char *path, const struct mrd_tar_entry *e,
		    struct mr_error **err)
{
	const char *target = name + 4;

	if (copy_content(x, -1, path, err) < 0)
		return -1;
	if (strcmp(name, ".wh..wh..opq") == 0) {
		cleanup_close int dfd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0 || fsetxattr(dfd, "trusted.overlay.opaque", "y", 1, 0) < 0)
			return mr_error_sys(err, errno, "%s: mark the directory opaque", path);
		return 0;
	}
	if (strncmp(name, ".wh..wh.", 8) == 0)
		return 0;
	if (*target == '\0' || strcmp(target, ".") == 0 || strcmp(target, "..") == 0)
		return mr_error_set(err, EINVAL, "%s: bad whiteout name", path);
	struct stat st;
	if (fstatat(pfd, target, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
		return mr_error_set(err, EINVAL, "%s: whiteout of a directory of the same layer", path);
	if (clear_place(x, pfd, target, path, false, err) < 0)
		return -1;
	if (mknodat(pfd, target, S_IFCHR | 0, makedev(0, 0)) < 0)
		return mr_error_sys(err, errno, "%s: make the whiteout", path);
	if (fchownat(pfd, target, e->uid, e->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return mr_error_sys(err, errno, "%s: chown", path);
	return 0;
}

static int extract_entry(struct extractor *x, const struct mrd_tar_entry *e, struct mr_error **err)
{
	cleanup_free char *path = clean_name(e->path, err);
	cleanup_close int pfd = -1;
	const char *name;

	if (path == NULL)
		return -1;
	if (path[0] == '\0') /* the root directory itself: keep ours */
		return copy_content(x, -1, e->path, err);
	if (e->type == '3' || e->type == '4')
		return mr_error_set(err, EPERM, "%s: device nodes are not allowed in an image", path);
	pfd = open_parent(x->root_fd, path, true, &name, err);
	if (pfd < 0)
		return -1;
	if (x->o->layer && strncmp(name, ".wh.", 4) == 0)
		return whiteout(x, pfd, name, path, e, err);
	switch (e->type) {
	case '0':
		return make_file(x, pfd, name, path, e, err);
	case '5':
		return make_dir(x, pfd, name, path, e, err);
	case '1':
	case '2':
		return make_link(x, pfd, name, path, e, err);
	default:
		return make_fifo(x, pfd, name, path, e, err);
	}
}

int mrd_extract(int in_fd, int root_fd, const struct mrd_extract_opts *opts, struct mrd_extract_result *res,
		struct mr_error **err)
{
	struct source src = {0};
	struct extractor x = {.root_fd = root_fd, .o = opts};
	const struct mrd_tar_entry *e;
	int r, ret = -1;

	memset(res, 0, sizeof(*res));
	if (opts->split != NULL)
		fputs(MRD_SPLIT_MAGIC, opts->split);
	if (source_open(&src, in_fd, err) < 0)
		goto out;
	x.tar = mrd_tar_new(source_read, &src, on_raw, &x);
	if (x.tar == NULL)
		goto out;
	while ((r = mrd_tar_next(x.tar, &e, err)) > 0) {
		if (++res->entries > MRD_EXTRACT_MAX_ENTRIES) {
			mr_error_set(err, EFBIG, "more than %d entries in one archive", MRD_EXTRACT_MAX_ENTRIES);
			goto out;
		}
		if (e->type == '0')
			res->size += e->size;
		if (extract_entry(&x, e, err) < 0)
			goto out;
	}
	if (r < 0 || mrd_tar_drain(x.tar, err) < 0)
		goto out;
	if (x.split_failed) {
		mr_error_set(err, x.split_failed, "out of memory");
		goto out;
	}
	flush_raw(&x);
	if (opts->split != NULL) {
		fputc('E', opts->split);
		if (fflush(opts->split) != 0 || ferror(opts->split)) {
			mr_error_sys(err, errno, "write the layer's split file");
			goto out;
		}
	}
	mrd_digest_finish(&src.sha, res->digest);
	ret = 0;
out:
	mrd_tar_free(x.tar);
	mrd_unzip_close(src.z);
	for (size_t i = 0; i < x.nfiles; i++)
		free(x.paths[i]);
	free(x.paths);
	free(x.records);
	free(x.raw);
	return ret;
}
