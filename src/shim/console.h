/* The console socket of a runtime call with a terminal: a unix socket the
 * runtime connects to and sends the pty master over (SCM_RIGHTS), as
 * conmon and containerd's shim take it. It lives in the state dir, or in a
 * private directory under $TMPDIR (/tmp) when that path would not fit a
 * socket address. */
#ifndef MINIRUN_SHIM_CONSOLE_H
#define MINIRUN_SHIM_CONSOLE_H

#include "shim/loop.h"
#include "util/error.h"

struct shim_console {
	struct shim_loop *loop;
	char *path;    /* the socket, for --console-socket */
	char *tmpdir;  /* the private directory made for it, or NULL */
	int listen_fd;
	int conn_fd;
	int master;    /* -1 until received */
	struct shim_watch listen_w, conn_w;
};

/* Listen at <state_dir>/<name>.sock (or the fallback). */
int shim_console_open(struct shim_console *con, struct shim_loop *loop, const char *state_dir, const char *name,
		      struct mr_error **err);
/* The master once the runtime has sent it (tried once more at once, for a
 * runtime that has just exited): the caller owns it; -1 when none came. */
int shim_console_take(struct shim_console *con);
/* Stop listening and remove the socket (and its directory). */
void shim_console_close(struct shim_console *con);

#endif
