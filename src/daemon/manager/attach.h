/* docker attach (and the attach of docker run): a hijacked client
 * connection joined to the container's stdio through its shim's attach.
 * Sessions made before the container starts join at its start (after the
 * runtime created it, before its process runs), so no output is lost. */
#ifndef MINIRUND_MANAGER_ATTACH_H
#define MINIRUND_MANAGER_ATTACH_H

#include <stdbool.h>

#include "conn.h"
#include "manager/ctrs.h"

struct mrd_attach_opts {
	bool in, out, err; /* streams */
	bool logs;         /* replay the log first (attach?logs=1) */
	const char *detach_keys;
};

/* The client connection is the session's from now on. */
int mrd_attach_start(struct mrd_ctr *c, struct mrd_conn *client, const char *extra, size_t extra_len,
		     const struct mrd_attach_opts *o, struct mr_error **err);
void mrd_attach_connect_all(struct mrd_ctr *c);
void mrd_attach_detach_all(struct mrd_ctr *c);
/* The tty size of the container (POST /containers/{id}/resize). */
void mrd_ctr_resize(struct mrd_ctr *c, int rows, int cols, mrd_done_fn done, void *data);

#endif
