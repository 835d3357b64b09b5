/* Scope-bound cleanup helpers (__attribute__((cleanup))). Hand ownership
 * off explicitly: `ret = fd; fd = -1;` or `ret = p; p = NULL;`. */
#ifndef MINIRUN_UTIL_CLEANUP_H
#define MINIRUN_UTIL_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void mr_freep(void *p)
{
	free(*(void **)p);
}

static inline void mr_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void mr_fclosep(FILE **f)
{
	if (*f != NULL)
		fclose(*f);
}

#define cleanup_free __attribute__((cleanup(mr_freep)))
#define cleanup_close __attribute__((cleanup(mr_closep)))
#define cleanup_fclose __attribute__((cleanup(mr_fclosep)))

#endif
