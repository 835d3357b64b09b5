#include "debug-fault.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

void mr_fault_point(const struct mr_context *ctx, const char *step)
{
	const char *spec = ctx->debug_fault;
	size_t n = strlen(step);

	if (spec == NULL || strncmp(spec, step, n) != 0 || spec[n] != ':')
		return;
	if (strcmp(spec + n + 1, "kill") == 0)
		kill(getpid(), SIGKILL);
	else if (strcmp(spec + n + 1, "stop") == 0)
		kill(getpid(), SIGSTOP);
}
