/* Fault injection for the crash tests: MINIRUN_DEBUG_FAULT=STEP:ACTION makes
 * minirun kill itself (ACTION "kill": SIGKILL) or stop (ACTION "stop":
 * SIGSTOP, so that a test can look at that moment and then let it go on or
 * kill it) when it reaches STEP, one of the named steps of create, start and
 * delete (man page, DEBUGGING). Always compiled in: unset, a step costs one
 * pointer test. */
#ifndef MINIRUN_DEBUG_FAULT_H
#define MINIRUN_DEBUG_FAULT_H

#include "context.h"

void mr_fault_point(const struct mr_context *ctx, const char *step);

#endif
