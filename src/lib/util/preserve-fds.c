#include "util/preserve-fds.h"

#include <errno.h>
#include <fcntl.h>

int mr_preserve_fds_check(int n, int own_fd, struct mr_error **err)
{
	if (n < 0)
		return mr_error_set(err, EINVAL, "--preserve-fds: must not be negative");
	for (int fd = 3; fd < 3 + n; fd++) {
		if (fd == own_fd)
			return mr_error_set(err, EBADF,
					    "--preserve-fds %d: fd %d was not passed by the caller (it is minirun's --log)",
					    n, fd);
		if (fcntl(fd, F_GETFD) < 0)
			return mr_error_sys(err, errno, "--preserve-fds %d: unable to stat preserved-fd %d", n, fd);
	}
	return 0;
}
