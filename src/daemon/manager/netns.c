/* lo up in a container's network namespace. setns() only moves the
 * calling thread (minirund has one) and only sockets made afterwards are
 * in the new namespace: the daemon's listeners and connections stay where
 * they are, and the thread goes back before anything else runs. */
#include "manager/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int set_lo_up(struct mr_error **err)
{
	struct ifreq ifr = {0};
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = 0;

	if (s < 0)
		return mr_error_sys(err, errno, "socket");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
		ret = mr_error_sys(err, errno, "lo: get flags");
	} else if (!(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
			ret = mr_error_sys(err, errno, "lo: up");
	}
	close(s);
	return ret;
}

int mrd_netns_loopback_up(pid_t pid, struct mr_error **err)
{
	char path[64];
	int own, theirs, ret;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	own = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (own < 0)
		return mr_error_sys(err, errno, "open /proc/thread-self/ns/net");
	theirs = open(path, O_RDONLY | O_CLOEXEC);
	if (theirs < 0) {
		close(own);
		return mr_error_sys(err, errno, "open %s", path);
	}
	if (setns(theirs, CLONE_NEWNET) < 0) {
		ret = mr_error_sys(err, errno, "setns %s", path);
	} else {
		ret = set_lo_up(err);
		if (setns(own, CLONE_NEWNET) < 0) {
			/* cannot happen with the fd of our own namespace; if it
			 * did, every later socket would be the container's */
			perror("minirund: setns back to its own network namespace");
			_exit(70);
		}
	}
	close(theirs);
	close(own);
	return ret;
}
