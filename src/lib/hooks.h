/* runtime-spec hooks: each runs with the container's state JSON on stdin,
 * its args and env (without env: the runtime's environment), in the namespace the spec gives its kind (the caller
 * runs it from the right process), and is killed after `timeout` seconds.
 * A failing hook fails the operation, except poststop ones (a warning). */
#ifndef MINIRUN_HOOKS_H
#define MINIRUN_HOOKS_H

#include <stddef.h>

#include "spec/oci-model.gen.h"
#include "util/error.h"

/* Run hooks[0..n) in order; kind names them in errors:
 * "createRuntime hook /usr/bin/x: exited with status 3". */
int mr_hooks_run(const struct oci_hook *hooks, size_t n, const char *kind, const char *state_json,
		 struct mr_error **err);

#endif
