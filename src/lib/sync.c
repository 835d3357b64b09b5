#include "sync.h"

#include "util/fdpass.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct wire {
	uint32_t type;
	uint32_t len;
};

int mr_sync_send(int sock, enum mr_sync_type type, const char *data, int fd, struct mr_error **err)
{
	size_t len = data ? strnlen(data, MR_SYNC_MAX_PAYLOAD) : 0;
	struct wire w = { .type = type, .len = (uint32_t)len };
	char *buf = malloc(sizeof(w) + len);
	int r;

	if (buf == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	memcpy(buf, &w, sizeof(w));
	if (len)
		memcpy(buf + sizeof(w), data, len);
	r = mr_send_with_fd(sock, buf, sizeof(w) + len, fd);
	free(buf);
	return r < 0 ? mr_error_sys(err, errno, "sync: send") : 0;
}

int mr_sync_decode(const void *buf, size_t len, struct mr_sync_msg *msg, struct mr_error **err)
{
	struct wire w;

	msg->fd = -1;
	if (len < sizeof(w))
		return mr_error_set(err, EPROTO, "sync: short message (%zu bytes)", len);
	memcpy(&w, buf, sizeof(w));
	if (w.type < MR_SYNC_GO || w.type > MR_SYNC_LAST)
		return mr_error_set(err, EPROTO, "sync: unknown message type %u", w.type);
	if (w.len > MR_SYNC_MAX_PAYLOAD || w.len != len - sizeof(w))
		return mr_error_set(err, EPROTO, "sync: bad message length %u", w.len);
	msg->type = w.type;
	msg->len = w.len;
	memcpy(msg->data, (const char *)buf + sizeof(w), w.len);
	msg->data[w.len] = '\0';
	return 0;
}

int mr_sync_recv(int sock, struct mr_sync_msg *msg, struct mr_error **err)
{
	char buf[sizeof(struct wire) + MR_SYNC_MAX_PAYLOAD + 1];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	union {
		char raw[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.raw, .msg_controllen = sizeof(ctl.raw) };
	int received_fd = -1, extra = 0;
	ssize_t n;

	msg->fd = -1;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return mr_error_sys(err, errno, "sync: receive");
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (received_fd < 0) {
				received_fd = fd;
			} else {
				close(fd);
				extra++;
			}
		}
	}
	if (n == 0) {
		if (received_fd >= 0)
			close(received_fd);
		return mr_error_set(err, EPIPE, "the container init exited during setup");
	}
	if (extra || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || mr_sync_decode(buf, (size_t)n, msg, err) < 0) {
		if (received_fd >= 0)
			close(received_fd);
		return mr_error_set(err, EPROTO, "sync: malformed message");
	}
	msg->fd = received_fd;
	return 0;
}

int mr_sync_expect(int sock, enum mr_sync_type type, struct mr_sync_msg *msg, struct mr_error **err)
{
	if (mr_sync_recv(sock, msg, err) < 0)
		return -1;
	if (msg->type == MR_SYNC_ERROR)
		return mr_error_set(err, EINVAL, "%s", msg->data);
	if (msg->type != type) {
		if (msg->fd >= 0)
			close(msg->fd);
		msg->fd = -1;
		return mr_error_set(err, EPROTO, "sync: expected message %d, got %u", type, msg->type);
	}
	return 0;
}
