/* Starting a program (the runtime, the exit command) from the shim with
 * exactly the descriptors it should have: the given fds as 0, 1, 2 (and
 * any more given), everything else closed, signals back to their defaults
 * (the shim blocks some and ignores SIGPIPE and SIGHUP, and both would be
 * inherited through execve by the runtime and so by the container), and
 * the shim's own oom_score_adj undone. */
#ifndef MINIRUN_SHIM_SPAWN_H
#define MINIRUN_SHIM_SPAWN_H

#include <sys/types.h>

#include "util/error.h"

#define SHIM_SPAWN_MAX_FDS 4

struct shim_spawn {
	const char *path;  /* with a '/': as is; without: looked up in PATH */
	char *const *argv;
	int fds[SHIM_SPAWN_MAX_FDS]; /* child fd i = fds[i]; -1: /dev/null (0-2) or closed (3+) */
	int nfds;          /* how many of fds[] are meant (at least 3) */
	unsigned keep_fds; /* the caller's fds nfds .. nfds+N-1 stay as they are (not closed) */
	const char *cwd;   /* NULL: the shim's */
	const char *oom_score_adj; /* written to the child's /proc/self/oom_score_adj first; NULL: left */
};

/* Returns the pid, or -1 with an error naming the program (also when
 * execve fails in the child: the child reports errno back first). */
pid_t shim_spawn(const struct shim_spawn *s, struct mr_error **err);

#endif
