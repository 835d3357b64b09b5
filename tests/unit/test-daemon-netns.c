/* Unit test of mrd_netns_loopback_up (src/daemon/manager/netns.c): a
 * child in a new network namespace gets its lo up, and the caller is back
 * in its own namespace. Needs CAP_SYS_ADMIN (skipped without). */
#include "tap.h"

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "manager/netns.h"

/* Exit status of the child: 0 lo up, 1 down, 2 error. */
static int lo_state(void)
{
	struct ifreq ifr = {0};
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return 2;
	return ifr.ifr_flags & IFF_UP ? 0 : 1;
}

static void child(int ready, int go)
{
	char c = lo_state() == 1 ? 'd' : 'x'; /* a new namespace: lo down */

	if (write(ready, &c, 1) != 1 || read(go, &c, 1) != 1)
		_exit(2);
	_exit(lo_state());
}

int main(void)
{
	int ready[2], go[2], status;
	struct stat before, after;
	struct mr_error *err = NULL;
	char c;
	pid_t pid;

	if (unshare(CLONE_NEWNET) < 0 && (errno == EPERM || errno == EINVAL)) {
		printf("1..0 # SKIP no network namespaces here (needs CAP_SYS_ADMIN): runs as root in CI\n");
		return 0;
	}
	/* that namespace is ours now: take a fresh one per child instead */
	if (pipe(ready) < 0 || pipe(go) < 0)
		return 1;
	stat("/proc/thread-self/ns/net", &before);
	pid = fork();
	if (pid == 0) {
		if (unshare(CLONE_NEWNET) < 0)
			_exit(2);
		child(ready[1], go[0]);
	}
	ok(read(ready[0], &c, 1) == 1 && c == 'd', "the child's new namespace has lo down");
	ok(mrd_netns_loopback_up(pid, &err) == 0, "lo up in the child's namespace%s%s", err ? ": " : "",
	   err ? err->msg : "");
	stat("/proc/thread-self/ns/net", &after);
	ok(before.st_ino == after.st_ino, "the caller is back in its own namespace");
	ok(write(go[1], "g", 1) == 1 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		   WEXITSTATUS(status) == 0,
	   "the child sees its lo up");
	mr_error_free(err);
	err = NULL;
	ok(mrd_netns_loopback_up(pid, &err) < 0 && err && strstr(err->msg, "/ns/net") != NULL,
	   "a process that is gone: an error naming its namespace");
	mr_error_free(err);
	return done_testing();
}
