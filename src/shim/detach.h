/* Leaving the caller: the double fork that turns minirun-shim into a
 * daemon of its own session (so it survives the death of its caller and
 * its terminal), with a pipe back to the foreground part, which waits for
 * the one line that says whether the container was created. */
#ifndef MINIRUN_SHIM_DETACH_H
#define MINIRUN_SHIM_DETACH_H

#include <stdbool.h>

#include "util/error.h"

/* Fork twice. The caller's process waits for the report and exits with
 * it (0, or 1 after printing the error line): it never returns. The
 * returned fd (in the detached grandchild, a new session leader's child)
 * is where shim_report goes. -1 with an error when the fork fails. */
int shim_detach(const char *state_dir, struct mr_error **err);

/* Tell the foreground part how the create went (error NULL: created) and
 * close fd. Without a foreground part (fd -1) the error goes to stderr. */
void shim_report(int fd, const char *error);

/* What a detached daemon does to itself: child subreaper, SIGHUP and
 * SIGPIPE ignored, oom_score_adj -999 where allowed, cwd /, stdio on
 * /dev/null (keep_stderr: stderr left, for --foreground), every other
 * inherited fd closed but report_fd (-1: none) and 3 .. 3+preserve-1 (above
 * them: they are checked open before report_fd is made). The previous
 * oom_score_adj (text, malloc'ed; NULL if unreadable) goes to *oom_before,
 * for the programs the shim starts. */
int shim_daemon_setup(bool keep_stderr, int report_fd, unsigned preserve, char **oom_before, struct mr_error **err);

#endif
