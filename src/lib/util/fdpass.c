#include "util/fdpass.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

int mr_send_with_fd(int sock, const void *buf, size_t len, int fd)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	union {
		char raw[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *c;
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.raw;
		mh.msg_controllen = sizeof(ctl.raw);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	/* A stream socket may take the message in pieces: the fd rides on
	 * the first one. */
	for (size_t sent = 0; sent < len || (len == 0 && sent == 0);) {
		ssize_t n = sendmsg(sock, &mh, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (len == 0)
			break;
		sent += (size_t)n;
		iov.iov_base = (char *)buf + sent;
		iov.iov_len = len - sent;
		mh.msg_control = NULL;
		mh.msg_controllen = 0;
	}
	return 0;
}
