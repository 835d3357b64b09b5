#include "util/signals.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct {
	const char *name;
	int sig;
} names[] = {
	{ "ABRT", SIGABRT }, { "ALRM", SIGALRM }, { "BUS", SIGBUS },	   { "CHLD", SIGCHLD },	  { "CONT", SIGCONT },
	{ "FPE", SIGFPE },   { "HUP", SIGHUP },	  { "ILL", SIGILL },	   { "INT", SIGINT },	  { "IO", SIGIO },
	{ "IOT", SIGIOT },   { "KILL", SIGKILL }, { "PIPE", SIGPIPE },	   { "POLL", SIGPOLL },	  { "PROF", SIGPROF },
	{ "PWR", SIGPWR },   { "QUIT", SIGQUIT }, { "SEGV", SIGSEGV },	   { "STKFLT", SIGSTKFLT }, { "STOP", SIGSTOP },
	{ "SYS", SIGSYS },   { "TERM", SIGTERM }, { "TRAP", SIGTRAP },	   { "TSTP", SIGTSTP },	  { "TTIN", SIGTTIN },
	{ "TTOU", SIGTTOU }, { "URG", SIGURG },	  { "USR1", SIGUSR1 },	   { "USR2", SIGUSR2 },	  { "VTALRM", SIGVTALRM },
	{ "WINCH", SIGWINCH }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
};

int mr_signal_parse(const char *text, struct mr_error **err)
{
	const char *s = text;
	char *end;
	long n;

	if (s == NULL || *s == '\0')
		return mr_error_set(err, EINVAL, "invalid signal: empty");
	if (*s >= '0' && *s <= '9') {
		errno = 0;
		n = strtol(s, &end, 10);
		if (errno || *end || n <= 0 || n > SIGRTMAX)
			return mr_error_set(err, EINVAL, "invalid signal \"%.32s\"", text);
		return (int)n;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(s, names[i].name) == 0)
			return names[i].sig;
	/* RTMIN, RTMIN+3, RTMAX-2 */
	if (strncasecmp(s, "RTMIN", 5) == 0 || strncasecmp(s, "RTMAX", 5) == 0) {
		int base = strncasecmp(s, "RTMIN", 5) == 0 ? SIGRTMIN : SIGRTMAX;
		if (s[5] == '\0')
			return base;
		n = strtol(s + 5, &end, 10);
		/* bound n first: base + n must not overflow */
		if (*end == '\0' && n >= -64 && n <= 64 &&
		    ((s[5] == '+' && base == SIGRTMIN) || (s[5] == '-' && base == SIGRTMAX)) &&
		    base + n >= SIGRTMIN && base + n <= SIGRTMAX)
			return base + (int)n;
	}
	return mr_error_set(err, EINVAL, "unknown signal \"%.32s\"", text);
}

const char *mr_signal_name(int sig)
{
	static char buf[32];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].sig == sig && strcmp(names[i].name, "IOT") != 0 && strcmp(names[i].name, "POLL") != 0) {
			snprintf(buf, sizeof(buf), "SIG%s", names[i].name);
			return buf;
		}
	snprintf(buf, sizeof(buf), "signal %d", sig);
	return buf;
}

/* The kernel's struct sigaction (not glibc's). */
struct kernel_sigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask;
};

void mr_signals_reset_all(void)
{
	struct kernel_sigaction dfl = { .handler = SIG_DFL };
	unsigned long none = 0;

	for (int sig = 1; sig <= 64; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(unsigned long));
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof(unsigned long));
}
