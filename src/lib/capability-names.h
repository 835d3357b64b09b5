/* Capability names as the spec writes them ("CAP_SYS_ADMIN"). */
#ifndef MINIRUN_CAPABILITY_NAMES_H
#define MINIRUN_CAPABILITY_NAMES_H

#include <stddef.h>

/* The capability number, or -1 when the name is unknown to this build. */
int mr_cap_from_name(const char *name);

/* Number of capabilities this build knows (0 .. n-1). */
int mr_cap_count(void);

/* "CAP_CHOWN" for 0 ...; NULL when out of range. */
const char *mr_cap_name(int cap);

#endif
