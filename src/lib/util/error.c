#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *vformat(const char *fmt, va_list ap)
{
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	return s;
}

static int set_msg(struct mr_error **err, int errnum, char *msg)
{
	struct mr_error *e;

	if (err == NULL || *err != NULL) {
		free(msg);
		return -1;
	}
	e = calloc(1, sizeof(*e));
	if (e == NULL) {
		free(msg);
		return -1;
	}
	e->errnum = errnum;
	e->msg = msg ? msg : strdup("out of memory");
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

	if (err == NULL || *err == NULL)
		return -1;
	va_start(ap, fmt);
	head = vformat(fmt, ap);
	va_end(ap);
	if (head != NULL && asprintf(&msg, "%s: %s", head, (*err)->msg) >= 0) {
		free((*err)->msg);
		(*err)->msg = msg;
	}
	free(head);
	return -1;
}

void mr_error_free(struct mr_error *err)
{
	if (err == NULL)
		return;
	free(err->msg);
	free(err);
}
