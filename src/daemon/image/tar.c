#include "image/tar.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 512

struct mrd_tar {
	mrd_tar_read_fn read;
	void *ctx;
	mrd_tar_raw_fn raw;
	void *raw_ctx;
	struct mrd_tar_entry e;
	uint64_t left;    /* content bytes of the current entry still unread */
	uint64_t padding; /* bytes after the content up to the block */
	bool ended;
	/* pending from pax 'x' / GNU 'L' 'K' headers, for the next entry */
	char *pax_path, *pax_link, *gnu_path, *gnu_link;
	bool pax_size_set, pax_uid_set, pax_gid_set, pax_mtime_set;
	uint64_t pax_size;
	uint32_t pax_uid, pax_gid;
	int64_t pax_mtime;
	size_t npax_xattrs;
	struct mrd_tar_xattr pax_xattrs[MRD_TAR_XATTRS_MAX];
};

struct mrd_tar *mrd_tar_new(mrd_tar_read_fn read, void *ctx, mrd_tar_raw_fn raw, void *raw_ctx)
{
	struct mrd_tar *t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->read = read;
	t->ctx = ctx;
	t->raw = raw;
	t->raw_ctx = raw_ctx;
	return t;
}

static void clear_xattrs(struct mrd_tar_xattr *x, size_t *n)
{
	for (size_t i = 0; i < *n; i++) {
		free(x[i].name);
		free(x[i].value);
	}
	*n = 0;
}

static void clear_entry(struct mrd_tar *t)
{
	free(t->e.path);
	free(t->e.linkname);
	clear_xattrs(t->e.xattrs, &t->e.nxattrs);
	memset(&t->e, 0, sizeof(t->e));
}

static void clear_pending(struct mrd_tar *t)
{
	free(t->pax_path);
	free(t->pax_link);
	free(t->gnu_path);
	free(t->gnu_link);
	t->pax_path = t->pax_link = t->gnu_path = t->gnu_link = NULL;
	t->pax_size_set = t->pax_uid_set = t->pax_gid_set = t->pax_mtime_set = false;
	clear_xattrs(t->pax_xattrs, &t->npax_xattrs);
}

void mrd_tar_free(struct mrd_tar *t)
{
	if (t == NULL)
		return;
	clear_entry(t);
	clear_pending(t);
	free(t);
}

/* Read exactly n bytes (raw ones go to the raw callback). 0, or -1 at a
 * short read (a truncated archive) or an error. */
static int read_full(struct mrd_tar *t, void *buf, size_t n, bool raw, struct mr_error **err)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = t->read(t->ctx, (char *)buf + got, n - got);
		if (r < 0)
			return errno == EIO ? mr_error_set(err, EIO, "corrupt or truncated compressed data")
					    : mr_error_sys(err, errno, "tar: read");
		if (r == 0)
			return mr_error_set(err, EINVAL, "tar: unexpected end of the archive");
		got += (size_t)r;
	}
	if (raw && t->raw != NULL)
		t->raw(t->raw_ctx, buf, n);
	return 0;
}

static int skip(struct mrd_tar *t, uint64_t n, bool raw, struct mr_error **err)
{
	char buf[BLOCK * 16];
	while (n > 0) {
		size_t k = n < sizeof(buf) ? (size_t)n : sizeof(buf);
		if (read_full(t, buf, k, raw, err) < 0)
			return -1;
		n -= k;
	}
	return 0;
}

/* A numeric field: octal (spaces and NULs around it), or base-256 when the
 * first byte has its high bit (GNU, for values that do not fit). */
static int parse_num(const char *f, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if ((unsigned char)f[0] & 0x80) {
		if ((unsigned char)f[0] != 0x80)
			return -1; /* negative, or too large */
		for (i = 1; i < len; i++) {
			if (v > (UINT64_MAX >> 8))
				return -1;
			v = (v << 8) | (unsigned char)f[i];
		}
		if (v > max)
			return -1;
		*out = v;
		return 0;
	}
	while (i < len && (f[i] == ' ' || f[i] == '\0'))
		i++;
	if (i == len) {
		*out = 0;
		return 0;
	}
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v > (max >> 3))
			return -1;
		v = (v << 3) | (uint64_t)(f[i] - '0');
	}
	for (; i < len; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

static bool checksum_ok(const unsigned char *h)
{
	uint64_t want;
	unsigned long u = 0;
	long s = 0;

	if (parse_num((const char *)h + 148, 8, 0xffffff, &want) < 0)
		return false;
	for (int i = 0; i < BLOCK; i++) {
		unsigned char c = (i >= 148 && i < 156) ? ' ' : h[i];
		u += c;
		s += (signed char)c;
	}
	return u == want || (uint64_t)s == want;
}

static bool all_zero(const unsigned char *b)
{
	for (int i = 0; i < BLOCK; i++)
		if (b[i] != 0)
			return false;
	return true;
}

static char *field_str(const unsigned char *f, size_t len)
{
	size_t n = strnlen((const char *)f, len);
	return strndup((const char *)f, n);
}

/* Read an entry's whole content into memory (pax records, GNU names). */
static char *read_blob(struct mrd_tar *t, uint64_t size, size_t max, const char *what, struct mr_error **err)
{
	char *buf;
	uint64_t pad = (BLOCK - size % BLOCK) % BLOCK;

	if (size > max) {
		mr_error_set(err, EINVAL, "tar: %s header of %llu bytes: more than %zu", what, (unsigned long long)size,
			     max);
		return NULL;
	}
	buf = malloc((size_t)size + 1);
	if (buf == NULL) {
		mr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	if (read_full(t, buf, (size_t)size, true, err) < 0 || skip(t, pad, true, err) < 0) {
		free(buf);
		return NULL;
	}
	buf[size] = '\0';
	return buf;
}

static int add_xattr(struct mrd_tar_xattr *x, size_t *n, const char *name, const char *value, size_t len,
		     struct mr_error **err)
{
	if (*n == MRD_TAR_XATTRS_MAX)
		return mr_error_set(err, EINVAL, "tar: more than %d extended attributes on one entry", MRD_TAR_XATTRS_MAX);
	x[*n].name = strdup(name);
	x[*n].value = malloc(len + 1);
	if (x[*n].name == NULL || x[*n].value == NULL) {
		free(x[*n].name);
		free(x[*n].value);
		return mr_error_set(err, ENOMEM, "out of memory");
	}
	memcpy(x[*n].value, value, len);
	x[*n].value[len] = '\0';
	x[*n].len = len;
	(*n)++;
	return 0;
}

static int pax_decimal(const char *v, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t n = 0;
	size_t i = 0;

	if (len == 0)
		return -1;
	for (; i < len && v[i] >= '0' && v[i] <= '9'; i++) {
		if (n > (max - (uint64_t)(v[i] - '0')) / 10)
			return -1;
		n = n * 10 + (uint64_t)(v[i] - '0');
	}
	/* mtime may have a fraction: ignored */
	if (i < len && v[i] != '.')
		return -1;
	*out = n;
	return 0;
}

/* One "LEN KEY=VALUE\n" record after another. */
static int parse_pax(struct mrd_tar *t, char *buf, size_t size, struct mr_error **err)
{
	size_t off = 0;

	while (off < size) {
		size_t reclen = 0, i = off;
		while (i < size && buf[i] >= '0' && buf[i] <= '9' && reclen < size)
			reclen = reclen * 10 + (size_t)(buf[i++] - '0');
		if (i == off || i >= size || buf[i] != ' ' || reclen < 5 || reclen > size - off || buf[off + reclen - 1] != '\n')
			return mr_error_set(err, EINVAL, "tar: malformed pax record at offset %zu", off);
		char *key = buf + i + 1;
		char *end = buf + off + reclen - 1;
		char *eq = memchr(key, '=', (size_t)(end - key));
		if (eq == NULL)
			return mr_error_set(err, EINVAL, "tar: pax record without '='");
		*eq = '\0';
		char *val = eq + 1;
		size_t vlen = (size_t)(end - val);
		uint64_t n;
		if (strcmp(key, "path") == 0) {
			free(t->pax_path);
			t->pax_path = strndup(val, vlen);
		} else if (strcmp(key, "linkpath") == 0) {
			free(t->pax_link);
			t->pax_link = strndup(val, vlen);
		} else if (strcmp(key, "size") == 0) {
			if (pax_decimal(val, vlen, INT64_MAX, &t->pax_size) < 0)
				return mr_error_set(err, EINVAL, "tar: bad pax size");
			t->pax_size_set = true;
		} else if (strcmp(key, "uid") == 0 || strcmp(key, "gid") == 0) {
			if (pax_decimal(val, vlen, UINT32_MAX - 1, &n) < 0)
				return mr_error_set(err, EINVAL, "tar: bad pax %s", key);
			if (key[0] == 'u') {
				t->pax_uid = (uint32_t)n;
				t->pax_uid_set = true;
			} else {
				t->pax_gid = (uint32_t)n;
				t->pax_gid_set = true;
			}
		} else if (strcmp(key, "mtime") == 0) {
			if (pax_decimal(val, vlen, INT64_MAX / 2, &n) == 0) {
				t->pax_mtime = (int64_t)n;
				t->pax_mtime_set = true;
			}
		} else if (strncmp(key, "SCHILY.xattr.", 13) == 0) {
			if (add_xattr(t->pax_xattrs, &t->npax_xattrs, key + 13, val, vlen, err) < 0)
				return -1;
		} else if (strncmp(key, "GNU.sparse.", 11) == 0) {
			return mr_error_set(err, EINVAL, "tar: sparse files are not supported");
		}
		off += reclen;
	}
	return 0;
}

static int check_name(const char *name, const char *what, struct mr_error **err)
{
	if (name == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	if (strlen(name) > MRD_TAR_NAME_MAX)
		return mr_error_set(err, EINVAL, "tar: %s longer than %d bytes", what, MRD_TAR_NAME_MAX);
	return 0;
}

/* The entry from a ustar header block plus what pax/GNU headers said. */
static int fill_entry(struct mrd_tar *t, const unsigned char *h, struct mr_error **err)
{
	uint64_t v;
	struct mrd_tar_entry *e = &t->e;

	e->type = h[156] == '\0' ? '0' : (char)h[156];
	if (e->type == '7')
		e->type = '0'; /* contiguous file: a regular one */
	if (t->pax_path != NULL) {
		e->path = t->pax_path;
		t->pax_path = NULL;
	} else if (t->gnu_path != NULL) {
		e->path = t->gnu_path;
		t->gnu_path = NULL;
	} else if (memcmp(h + 257, "ustar", 5) == 0 && h[345] != '\0') {
		char *prefix = field_str(h + 345, 155), *name = field_str(h, 100);
		if (prefix != NULL && name != NULL && asprintf(&e->path, "%s/%s", prefix, name) < 0)
			e->path = NULL;
		free(prefix);
		free(name);
	} else {
		e->path = field_str(h, 100);
	}
	if (t->pax_link != NULL) {
		e->linkname = t->pax_link;
		t->pax_link = NULL;
	} else if (t->gnu_link != NULL) {
		e->linkname = t->gnu_link;
		t->gnu_link = NULL;
	} else {
		e->linkname = field_str(h + 157, 100);
	}
	if (check_name(e->path, "entry name", err) < 0 || check_name(e->linkname, "link name", err) < 0)
		return -1;
	if (parse_num((const char *)h + 100, 8, 07777777, &v) < 0)
		return mr_error_set(err, EINVAL, "tar: %s: bad mode", e->path);
	e->mode = (uint32_t)(v & 07777);
	if (parse_num((const char *)h + 108, 8, UINT32_MAX - 1, &v) < 0)
		return mr_error_set(err, EINVAL, "tar: %s: bad uid", e->path);
	e->uid = t->pax_uid_set ? t->pax_uid : (uint32_t)v;
	if (parse_num((const char *)h + 116, 8, UINT32_MAX - 1, &v) < 0)
		return mr_error_set(err, EINVAL, "tar: %s: bad gid", e->path);
	e->gid = t->pax_gid_set ? t->pax_gid : (uint32_t)v;
	if (parse_num((const char *)h + 124, 12, INT64_MAX, &v) < 0)
		return mr_error_set(err, EINVAL, "tar: %s: bad size", e->path);
	e->size = t->pax_size_set ? t->pax_size : v;
	if (parse_num((const char *)h + 136, 12, INT64_MAX / 2, &v) < 0)
		v = 0;
	e->mtime = t->pax_mtime_set ? t->pax_mtime : (int64_t)v;
	if (parse_num((const char *)h + 329, 8, 0xfffff, &v) == 0)
		e->devmajor = (uint32_t)v;
	if (parse_num((const char *)h + 337, 8, 0xfffff, &v) == 0)
		e->devminor = (uint32_t)v;
	for (size_t i = 0; i < t->npax_xattrs; i++)
		e->xattrs[i] = t->pax_xattrs[i];
	e->nxattrs = t->npax_xattrs;
	t->npax_xattrs = 0;
	/* only regular files carry content; a size on others is skipped */
	if (strchr("0123456", e->type) == NULL)
		return mr_error_set(err, EINVAL, "tar: %s: unsupported entry type '%c'", e->path,
				    e->type >= 0x20 && e->type < 0x7f ? e->type : '?');
	return 0;
}

int mrd_tar_next(struct mrd_tar *t, const struct mrd_tar_entry **out, struct mr_error **err)
{
	unsigned char h[BLOCK];

	if (t->ended)
		return 0;
	if (skip(t, t->left, false, err) < 0 || skip(t, t->padding, true, err) < 0)
		return -1;
	t->left = t->padding = 0;
	clear_entry(t);
	for (;;) {
		if (read_full(t, h, BLOCK, true, err) < 0)
			return -1;
		if (all_zero(h)) {
			t->ended = true;
			clear_pending(t);
			return 0;
		}
		if (!checksum_ok(h))
			return mr_error_set(err, EINVAL, "tar: bad header checksum (not a tar archive, or corrupt)");
		char type = (char)h[156];
		uint64_t size;
		if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
			if (parse_num((const char *)h + 124, 12, INT64_MAX, &size) < 0)
				return mr_error_set(err, EINVAL, "tar: bad size of an extended header");
			char *blob = read_blob(t, size, type == 'L' || type == 'K' ? MRD_TAR_NAME_MAX : MRD_TAR_PAX_MAX,
					       type == 'x' || type == 'g' ? "pax" : "GNU long name", err);
			if (blob == NULL)
				return -1;
			int r = 0;
			if (type == 'x')
				r = parse_pax(t, blob, (size_t)size, err);
			if (type == 'L') {
				free(t->gnu_path);
				t->gnu_path = strndup(blob, (size_t)size);
			} else if (type == 'K') {
				free(t->gnu_link);
				t->gnu_link = strndup(blob, (size_t)size);
			}
			free(blob);
			if (r < 0)
				return -1;
			continue;
		}
		if (fill_entry(t, h, err) < 0) {
			clear_pending(t);
			return -1;
		}
		clear_pending(t);
		t->left = t->e.size;
		t->padding = (BLOCK - t->e.size % BLOCK) % BLOCK;
		if (t->e.type != '0') {
			/* content of a non-file (a hard link's may be set): not data */
			uint64_t n = t->left + t->padding;
			t->left = t->padding = 0;
			if (skip(t, n, true, err) < 0)
				return -1;
			t->e.size = 0;
		}
		*out = &t->e;
		return 1;
	}
}

ssize_t mrd_tar_read(struct mrd_tar *t, void *buf, size_t n, struct mr_error **err)
{
	if (t->left == 0)
		return 0;
	if (n > t->left)
		n = (size_t)t->left;
	if (read_full(t, buf, n, false, err) < 0)
		return -1;
	t->left -= n;
	return (ssize_t)n;
}

int mrd_tar_drain(struct mrd_tar *t, struct mr_error **err)
{
	char buf[BLOCK * 16];
	for (;;) {
		ssize_t r = t->read(t->ctx, buf, sizeof(buf));
		if (r < 0)
			return mr_error_sys(err, errno, "tar: read");
		if (r == 0)
			return 0;
		if (t->raw != NULL)
			t->raw(t->raw_ctx, buf, (size_t)r);
	}
}
