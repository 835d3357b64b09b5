/* Growable byte buffers with a hard limit: a client's output queue, a
 * request line being read, a process' pending stdin. Memory is given back
 * when a buffer empties, so an idle shim holds none. */
#ifndef MINIRUN_SHIM_BUF_H
#define MINIRUN_SHIM_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct shim_buf {
	char *data;
	size_t off; /* bytes before off are consumed */
	size_t len; /* bytes up to len are filled */
	size_t cap;
	size_t max; /* 0: no limit beyond what malloc gives */
};

/* Bytes waiting (len - off). */
static inline size_t shim_buf_used(const struct shim_buf *b)
{
	return b->len - b->off;
}

static inline const char *shim_buf_head(const struct shim_buf *b)
{
	return b->data + b->off;
}

/* The first c among the waiting bytes, or NULL. An empty buffer may have
 * no storage at all (data NULL), which memchr must not be given. */
static inline const char *shim_buf_find(const struct shim_buf *b, char c)
{
	return shim_buf_used(b) ? memchr(shim_buf_head(b), c, shim_buf_used(b)) : NULL;
}

/* Append; -1 (nothing appended) when it would exceed max or malloc fails. */
int shim_buf_append(struct shim_buf *b, const void *p, size_t n);

/* Room for n more bytes at shim_buf_tail(); -1 as above. The caller then
 * calls shim_buf_commit with what it filled. */
int shim_buf_reserve(struct shim_buf *b, size_t n);
static inline char *shim_buf_tail(struct shim_buf *b)
{
	return b->data + b->len;
}
static inline void shim_buf_commit(struct shim_buf *b, size_t n)
{
	b->len += n;
}

/* Drop n bytes from the front; an empty buffer frees its memory. */
void shim_buf_consume(struct shim_buf *b, size_t n);

/* Write the front to fd (non-blocking): 1 when empty afterwards, 0 when
 * bytes remain (EAGAIN), -1 on a write error (errno set). */
int shim_buf_flush(struct shim_buf *b, int fd);

void shim_buf_free(struct shim_buf *b);

#endif
