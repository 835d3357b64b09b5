/* Writing a tar (ustar headers; base-256 sizes past 8 GiB) to an fd: the
 * archives of docker save. */
#ifndef MINIRUND_IMAGE_TAR_WRITE_H
#define MINIRUND_IMAGE_TAR_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* A header: type '0' a file of size bytes (its content and padding follow
 * with mrd_tarw_data / mrd_tarw_pad), '5' a directory. Names < 100 bytes. */
int mrd_tarw_header(int fd, const char *name, char type, uint64_t size, uint32_t mode, int64_t mtime,
		    struct mr_error **err);
int mrd_tarw_data(int fd, const void *buf, size_t n, struct mr_error **err);
int mrd_tarw_pad(int fd, uint64_t size, struct mr_error **err);
/* A whole small file. */
int mrd_tarw_file(int fd, const char *name, const void *buf, size_t n, int64_t mtime, struct mr_error **err);
/* The two zero blocks of the end. */
int mrd_tarw_end(int fd, struct mr_error **err);

#endif
