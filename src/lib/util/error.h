/* Errors that travel up the call chain.
 *
 * A fallible function takes `struct mr_error **err`, returns <0 (or NULL) on
 * failure and fills *err with one human-readable line that names the thing at
 * fault. Callers add context on the way up with mr_error_prefix(); the CLI
 * prints the final line. The library never prints and never exits. */
#ifndef MINIRUN_UTIL_ERROR_H
#define MINIRUN_UTIL_ERROR_H

#include <stdarg.h>
#include <stddef.h>

struct mr_error {
	int errnum; /* errno at the origin, 0 when not a system error */
	char *msg;
};

/* Set *err (if err is not NULL). On top of an error that is set already,
 * the new message goes in front of it ("new: old") and its errnum wins, so
 * that no failure is hidden by an earlier one. Without memory for the
 * message, *err becomes a static "out of memory" error (mr_error_free
 * knows it). Returns -1 so a caller can write
 * `return mr_error_set(err, 0, "...")`. */
int mr_error_set(struct mr_error **err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like mr_error_set, then appends ": strerror(errnum)". */
int mr_error_sys(struct mr_error **err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prepend "<context>: " to an existing error. Returns -1. */
int mr_error_prefix(struct mr_error **err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void mr_error_free(struct mr_error *err);

static inline void mr_error_cleanup(struct mr_error **err)
{
	mr_error_free(*err);
	*err = NULL;
}
#define cleanup_error __attribute__((cleanup(mr_error_cleanup)))

#endif
