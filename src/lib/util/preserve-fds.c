#include "util/preserve-fds.h"

#include <errno.h>
#include <fcntl.h>

static int check_range(int first, int n, int own_fd, struct mr_error **err)
{
	for (int fd = first; fd < first + n; fd++) {
		if (fd == own_fd)
			return mr_error_set(err, EBADF,
					    "--preserve-fds %d: fd %d was not passed by the caller (it is minirun's --log)",
					    n, fd);
		if (fcntl(fd, F_GETFD) < 0)
			return mr_error_sys(err, errno, "--preserve-fds %d: unable to stat preserved-fd %d", n, fd);
	}
	return 0;
}

int mr_inherited_fds_check(int listen, int n, int own_fd, struct mr_error **err)
{
	if (n < 0)
		return mr_error_set(err, EINVAL, "--preserve-fds: must not be negative");
	/* the CLI filled the holes of the LISTEN_FDS range before it opened
	 * anything (main.c) */
	for (int fd = 3; fd < 3 + listen; fd++)
		if (fd == own_fd || fcntl(fd, F_GETFD) < 0)
			return mr_error_set(err, EBADF, "LISTEN_FDS=%d: fd %d is not one passed to minirun", listen, fd);
	return check_range(3 + listen, n, own_fd, err);
}

int mr_preserve_fds_check(int n, int own_fd, struct mr_error **err)
{
	return mr_inherited_fds_check(0, n, own_fd, err);
}
