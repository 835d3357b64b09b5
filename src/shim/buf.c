#include "shim/buf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int shim_buf_reserve(struct shim_buf *b, size_t n)
{
	size_t need, cap;
	char *p;

	if (b->off > 0 && b->off == b->len) {
		b->off = b->len = 0;
	}
	need = shim_buf_used(b) + n;
	if (b->max && need > b->max)
		return -1;
	if (b->len + n <= b->cap)
		return 0;
	/* Slide the unread bytes to the front before growing. */
	if (b->off > 0) {
		memmove(b->data, b->data + b->off, shim_buf_used(b));
		b->len -= b->off;
		b->off = 0;
		if (b->len + n <= b->cap)
			return 0;
	}
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	if (b->max && cap > b->max)
		cap = b->max;
	p = realloc(b->data, cap);
	if (p == NULL)
		return -1;
	b->data = p;
	b->cap = cap;
	return 0;
}

int shim_buf_append(struct shim_buf *b, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (shim_buf_reserve(b, n) < 0)
		return -1;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

void shim_buf_consume(struct shim_buf *b, size_t n)
{
	b->off += n;
	if (b->off >= b->len)
		shim_buf_free(b);
}

int shim_buf_flush(struct shim_buf *b, int fd)
{
	while (shim_buf_used(b) > 0) {
		ssize_t n = send(fd, shim_buf_head(b), shim_buf_used(b), MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == ENOTSOCK)
			n = write(fd, shim_buf_head(b), shim_buf_used(b));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0)
			return -1;
		shim_buf_consume(b, (size_t)n);
	}
	return 1;
}

void shim_buf_free(struct shim_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->off = b->len = b->cap = 0;
}
