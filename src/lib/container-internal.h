/* Shared by the lifecycle verbs (container*.c); not a public API. */
#ifndef MINIRUN_CONTAINER_INTERNAL_H
#define MINIRUN_CONTAINER_INTERNAL_H

#include "state.h"

/* The OCI state JSON that hooks get on stdin (compact). */
char *mr_record_state_json(const struct mr_record *r, enum mr_status s, struct mr_error **err);

#endif
