/* Image archives: `docker load` of what `docker save`, `podman save` and
 * `skopeo copy` write (docker-archive: manifest.json; OCI image layout:
 * index.json), `docker save` (docker-archive), `docker import` of a plain
 * root file system tar. */
#ifndef MINIRUND_IMAGE_ARCHIVE_H
#define MINIRUND_IMAGE_ARCHIVE_H

#include <stddef.h>

#include "daemon.h"
#include "image/images.h"
#include "util/error.h"

/* One line per image loaded ("Loaded image: bb:latest"), to fn. */
typedef void (*mrd_load_line_fn)(const char *line, void *data);

/* Load every image of the archive read from fd (maybe compressed). All or
 * nothing per image: an image is recorded once all its layers are in. */
int mrd_archive_load(struct mrd_daemon *d, int fd, mrd_load_line_fn fn, void *data, struct mr_error **err);

/* Write a docker-archive of the images (with the tags that named them, or
 * all their tags) into fd. */
int mrd_archive_save(struct mrd_daemon *d, struct mrd_image *const *imgs, char *const *names, size_t n, int fd,
		     struct mr_error **err);

/* A single-layer image from a root file system tar (docker import),
 * with Dockerfile-like changes applied (CMD, ENTRYPOINT, ENV, WORKDIR,
 * USER, LABEL, EXPOSE) and an optional tag. */
struct mrd_import_opts {
	const char *tag;     /* NULL: untagged */
	char **changes;      /* "CMD [\"sh\"]", ... */
	size_t nchanges;
	const char *message; /* history comment */
	const char *platform;
};
struct mrd_image *mrd_archive_import(struct mrd_daemon *d, int fd, const struct mrd_import_opts *o,
				     struct mr_error **err);

#endif
