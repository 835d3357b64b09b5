#include "conn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/unix-addr.h"

struct mrd_conn {
	struct mrd_loop *loop;
	int fd;
	struct mrd_watch *watch;
	const struct mrd_conn_ops *ops;
	void *ud;
	mrd_conn_release_fn release;
	void *release_data;
	char *out;
	size_t out_off, out_len, out_cap, max_out;
	bool read_paused, read_eof, want_shutdown, shut, want_close, closed;
	bool was_full;
	int close_err; /* set when it is to end */
	bool ending;
};

static void update_events(struct mrd_conn *c);
static void finish(void *data);

static void release_fd(struct mrd_conn *c)
{
	if (c->fd < 0)
		return;
	mrd_watch_del(c->watch);
	c->watch = NULL;
	if (c->release != NULL)
		c->release(c->fd, c->release_data);
	else
		close(c->fd);
	c->fd = -1;
}

/* Mark the connection as ending: the fd goes now, the closed callback and
 * the free come in the next round, so that no caller ever sees its own
 * connection vanish under it. */
static void end(struct mrd_conn *c, int err)
{
	if (c->ending)
		return;
	c->ending = true;
	c->close_err = err;
	release_fd(c);
	if (mrd_timer_add(c->loop, 0, finish, c) == NULL)
		finish(c);
}

static void finish(void *data)
{
	struct mrd_conn *c = data;

	if (c->closed)
		return;
	c->closed = true;
	if (c->ops->closed != NULL)
		c->ops->closed(c, c->close_err, c->ud);
	free(c->out);
	free(c);
}

static void flush(struct mrd_conn *c)
{
	while (c->out_len > 0) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			end(c, errno);
			return;
		}
		c->out_off += (size_t)n;
		c->out_len -= (size_t)n;
	}
	if (c->out_len == 0) {
		c->out_off = 0;
		if (c->want_shutdown && !c->shut) {
			shutdown(c->fd, SHUT_WR);
			c->shut = true;
		}
		if (c->want_close) {
			end(c, 0);
			return;
		}
		if (c->was_full) {
			c->was_full = false;
			if (c->ops->drained != NULL)
				c->ops->drained(c, c->ud);
		}
	}
}

static void do_read(struct mrd_conn *c)
{
	char buf[16384];

	for (int rounds = 0; rounds < 16 && !c->ending && !c->read_paused && !c->read_eof; rounds++) {
		ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == EINTR)
				continue;
			end(c, errno);
			return;
		}
		if (n == 0) {
			c->read_eof = true;
			if (c->ops->eof != NULL)
				c->ops->eof(c, c->ud);
			else
				end(c, 0);
			return;
		}
		c->ops->data(c, buf, (size_t)n, c->ud);
	}
}

static void on_io(struct mrd_watch *w, uint32_t events, void *data)
{
	struct mrd_conn *c = data;

	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		do_read(c);
	if (!c->ending && (events & EPOLLOUT))
		flush(c);
	if (!c->ending && (events & (EPOLLHUP | EPOLLERR)) && (c->read_eof || c->read_paused))
		end(c, (events & EPOLLERR) ? EPIPE : 0);
	update_events(c);
}

static void update_events(struct mrd_conn *c)
{
	uint32_t ev = 0;

	if (c->fd < 0 || c->ending)
		return;
	if (!c->read_paused && !c->read_eof)
		ev |= EPOLLIN | EPOLLRDHUP;
	if (c->out_len > 0)
		ev |= EPOLLOUT;
	mrd_watch_events(c->watch, ev);
}

struct mrd_conn *mrd_conn_new(struct mrd_loop *loop, int fd, const struct mrd_conn_ops *ops, void *ud,
			      size_t max_out)
{
	struct mrd_conn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	*c = (struct mrd_conn){.loop = loop, .fd = fd, .ops = ops, .ud = ud, .max_out = max_out};
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	c->watch = mrd_watch_add(loop, fd, EPOLLIN | EPOLLRDHUP, on_io, c);
	if (c->watch == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

void mrd_conn_set_release(struct mrd_conn *c, mrd_conn_release_fn fn, void *data)
{
	c->release = fn;
	c->release_data = data;
}

void mrd_conn_set_ud(struct mrd_conn *c, const struct mrd_conn_ops *ops, void *ud)
{
	c->ops = ops;
	c->ud = ud;
}

int mrd_conn_write(struct mrd_conn *c, const void *buf, size_t len)
{
	if (c->ending || c->want_close || c->want_shutdown)
		return -1;
	if (c->out_len + len > c->max_out) {
		end(c, ENOBUFS);
		return -1;
	}
	if (c->out_off + c->out_len + len > c->out_cap) {
		if (c->out_off > 0) {
			memmove(c->out, c->out + c->out_off, c->out_len);
			c->out_off = 0;
		}
		if (c->out_len + len > c->out_cap) {
			size_t cap = c->out_cap ? c->out_cap : 4096;
			while (cap < c->out_len + len)
				cap *= 2;
			char *p = realloc(c->out, cap);
			if (p == NULL) {
				end(c, ENOMEM);
				return -1;
			}
			c->out = p;
			c->out_cap = cap;
		}
	}
	memcpy(c->out + c->out_off + c->out_len, buf, len);
	c->out_len += len;
	if (c->out_len > c->max_out / 2)
		c->was_full = true;
	flush(c);
	update_events(c);
	return c->ending ? -1 : 0;
}

size_t mrd_conn_queued(const struct mrd_conn *c)
{
	return c->out_len;
}

static void close_when_out(struct mrd_conn *c)
{
	flush(c);
	update_events(c);
}

void mrd_conn_shutdown_write(struct mrd_conn *c)
{
	if (c->ending)
		return;
	c->want_shutdown = true;
	close_when_out(c);
}

void mrd_conn_close(struct mrd_conn *c)
{
	if (c->ending)
		return;
	c->want_close = true;
	close_when_out(c);
}

void mrd_conn_abort(struct mrd_conn *c)
{
	if (c->ending)
		return;
	c->out_len = 0;
	end(c, 0);
}

void mrd_conn_pause_read(struct mrd_conn *c, bool paused)
{
	if (c->ending)
		return;
	c->read_paused = paused;
	update_events(c);
}

int mrd_connect_unix(const char *path)
{
	struct sockaddr_un addr;
	int fd, dirfd, saved;

	if (mr_unix_address(path, &addr, &dirfd) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	/* A unix socket connects at once or not at all (EAGAIN: the backlog
	 * is full, which a shim's never is for long). */
	if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		saved = errno;
		close(fd);
		fd = -1;
		errno = saved;
	}
	saved = errno;
	if (dirfd >= 0)
		close(dirfd);
	errno = saved;
	return fd;
}
