/* Signal names as kill(1) and runc take them: "KILL", "SIGKILL", "9". */
#ifndef MINIRUN_UTIL_SIGNALS_H
#define MINIRUN_UTIL_SIGNALS_H

#include "util/error.h"

/* The signal number, or -1 with an error naming the text. */
int mr_signal_parse(const char *text, struct mr_error **err);

/* "SIGTERM" for 15; "signal 40" style text for others (static storage). */
const char *mr_signal_name(int sig);

/* Every signal back to its default action and none blocked, for a child
 * before execve: execve resets handlers but keeps ignored signals and the
 * mask. Raw syscalls, so it also reaches the signals glibc keeps for itself
 * (32, 33; a caller may have them ignored) and is async-signal-safe. */
void mr_signals_reset_all(void);

#endif
