#include "util/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *vformat(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static char *vformat(const char *fmt, va_list ap)
{
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	return s;
}

/* Length of the valid UTF-8 sequence at s, 0 if it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* An error is one line of valid UTF-8, whatever the config or the kernel
 * put in it: control characters become \n-style escapes, bytes that are
 * not UTF-8 (a cut in the middle of a character) become \xNN. So a message
 * can neither break the log format nor forge a log line. */
static char *sanitize(char *msg)
{
	size_t len, o = 0;
	char *out;

	if (msg == NULL)
		return NULL;
	len = strlen(msg);
	out = malloc(4 * len + 1);
	if (out == NULL)
		return msg;
	for (const unsigned char *s = (const unsigned char *)msg; *s;) {
		size_t n = utf8_len(s);
		if (n == 1 && *s >= 0x20 && *s != 0x7f) {
			out[o++] = (char)*s++;
		} else if (n > 1) {
			memcpy(out + o, s, n);
			o += n;
			s += n;
		} else if (*s == '\n' || *s == '\t' || *s == '\r') {
			out[o++] = '\\';
			out[o++] = *s == '\n' ? 'n' : *s == '\t' ? 't' : 'r';
			s++;
		} else {
			o += sprintf(out + o, "\\x%02x", *s++);
		}
	}
	out[o] = '\0';
	free(msg);
	return out;
}

/* What an error becomes when there is no memory for it: never freed, and
 * never written to (a later error on top of it replaces it). */
static struct mr_error out_of_memory = { .errnum = ENOMEM, .msg = (char *)"out of memory" };

/* A second error on top of one that is set does not vanish (an
 * out-of-memory after an error that a caller chose to go on from would
 * otherwise be reported as that stale error): it goes in front, as context
 * does, and its errnum is the one callers see. */
static int stack_msg(struct mr_error *e, int errnum, char *msg)
{
	char *both = NULL;

	if (msg == NULL || asprintf(&both, "%s: %s", msg, e->msg) < 0) {
		free(msg);
		return -1;
	}
	free(msg);
	free(e->msg);
	e->msg = sanitize(both);
	e->errnum = errnum;
	return -1;
}

static int set_msg(struct mr_error **err, int errnum, char *msg)
{
	struct mr_error *e;

	if (err == NULL) {
		free(msg);
		return -1;
	}
	if (*err == &out_of_memory)
		*err = NULL;
	if (*err != NULL)
		return stack_msg(*err, errnum, msg);
	e = calloc(1, sizeof(*e));
	if (e == NULL || (msg == NULL && (msg = strdup("out of memory")) == NULL)) {
		free(e);
		free(msg);
		*err = &out_of_memory;
		return -1;
	}
	e->errnum = errnum;
	e->msg = sanitize(msg);
	*err = e;
	return -1;
}

int mr_error_set(struct mr_error **err, int errnum, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = vformat(fmt, ap);
	va_end(ap);
	return set_msg(err, errnum, msg);
}

int mr_error_sys(struct mr_error **err, int errnum, const char *fmt, ...)
{
	va_list ap;
	char *head, *msg = NULL;

	va_start(ap, fmt);
	head = vformat(fmt, ap);
	va_end(ap);
	if (head != NULL && asprintf(&msg, "%s: %s", head, strerror(errnum)) < 0)
		msg = NULL;
	free(head);
	return set_msg(err, errnum, msg);
}

int mr_error_prefix(struct mr_error **err, const char *fmt, ...)
{
	va_list ap;
	char *head, *msg = NULL;

	if (err == NULL || *err == NULL || *err == &out_of_memory)
		return -1;
	va_start(ap, fmt);
	head = vformat(fmt, ap);
	va_end(ap);
	if (head != NULL && asprintf(&msg, "%s: %s", head, (*err)->msg) >= 0) {
		free((*err)->msg);
		(*err)->msg = sanitize(msg);
	}
	free(head);
	return -1;
}

void mr_error_free(struct mr_error *err)
{
	if (err == NULL || err == &out_of_memory)
		return;
	free(err->msg);
	free(err);
}
