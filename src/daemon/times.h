/* Times in Docker's answers and the images' configs: RFC 3339 through the
 * project's codec (util/text.h), with Docker's "no time" as 0. */
#ifndef MINIRUND_TIMES_H
#define MINIRUND_TIMES_H

#include <stdint.h>
#include <string.h>

#include "util/text.h"

/* RFC 3339 (any offset, any fraction) to unix ns; 0 when s is NULL or not
 * one (or outside the years int64 nanoseconds hold). */
static inline int64_t mrd_parse_time(const char *s)
{
	int64_t ns;
	return s != NULL && mr_time_parse(s, strlen(s), &ns) == 0 ? ns : 0;
}

#endif
