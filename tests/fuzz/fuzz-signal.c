/* libFuzzer target: any string as a signal name or number (`kill ID SIG`,
 * `run`'s forwarding) through mr_signal_parse. A result is a real signal
 * (1..SIGRTMAX), its number and its name parse back to it; a failure says
 * why in one line.
 * Build: ./configure --enable-fuzzing CC=clang && make
 * Run:   tests/fuzz/fuzz-signal -max_total_time=60 corpus/ tests/fuzz/seeds/fuzz-signal */
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/signals.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int parse(const char *s)
{
	struct mr_error *err = NULL;
	int sig = mr_signal_parse(s, &err);

	if (sig < 0 && (sig != -1 || err == NULL || err->msg == NULL || strchr(err->msg, '\n') != NULL))
		abort();
	if (sig >= 0 && err != NULL)
		abort();
	mr_error_free(err);
	return sig;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	char buf[32];
	const char *name;
	int sig;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	sig = parse(text);
	free(text);
	if (sig < 0)
		return 0;
	if (sig < 1 || sig > SIGRTMAX)
		abort();
	/* the number parses back */
	snprintf(buf, sizeof(buf), "%d", sig);
	if (parse(buf) != sig)
		abort();
	/* and so does the name, when it has one */
	name = mr_signal_name(sig);
	if (name == NULL)
		abort();
	if (strncmp(name, "SIG", 3) == 0) {
		snprintf(buf, sizeof(buf), "%s", name);
		if (parse(buf) != sig || parse(buf + 3) != sig)
			abort();
	}
	return 0;
}
