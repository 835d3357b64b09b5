/* Container ids: [A-Za-z0-9_+-][A-Za-z0-9_+.-]*, at most 255 bytes (NAME_MAX:
 * the id names the container's directory in the state root and its cgroup),
 * so an id is always one safe path component ("..", "a/b" and "" are
 * refused). */
#ifndef MINIRUN_UTIL_ID_H
#define MINIRUN_UTIL_ID_H

#include "util/error.h"

#define MR_ID_MAX 255

int mr_id_validate(const char *id, struct mr_error **err);

#endif
