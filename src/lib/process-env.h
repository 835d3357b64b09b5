/* The environment the container's process (and an exec'd one) gets, made
 * as runc makes it from process.env: a key given more than once keeps its
 * last value, an empty HOME counts as none, and without HOME it comes from
 * the passwd entry of the process' uid in the container's /etc/passwd ("/"
 * when there is none). */
#ifndef MINIRUN_PROCESS_ENV_H
#define MINIRUN_PROCESS_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* The environment built from env[0..n) (KEY=value each, as validated), with
 * extra[0..n_extra) after it (the runtime's own: they win over env), then
 * HOME looked up for `uid` in /etc/passwd of the caller's root (read after
 * pivot_root or setns) when none is set. NULL-terminated; free with
 * mr_env_free. */
char **mr_env_prepare(char *const *env, size_t n, char *const *extra, size_t n_extra, uint32_t uid,
		      struct mr_error **err);
void mr_env_free(char **env);

/* The value of KEY in a NULL-terminated environment, or NULL. */
const char *mr_env_get(char *const *env, const char *key);

/* The home directory of `uid` in passwd(5) text (the first entry with that
 * uid, as getpwuid reads a file): *home points into text, *len bytes. */
bool mr_passwd_home(const char *text, size_t len, uint32_t uid, const char **home, size_t *home_len);

#endif
