/* Attach sessions: a hijacked client connection joined to the container's
 * stdio through its shim. */
#include "manager/attach.h"

#include <errno.h>
#include <stdlib.h>

#include "manager/internal.h"

int mrd_attach_start(struct mrd_ctr *c, struct mrd_conn *client, const char *extra, size_t extra_len,
		     const struct mrd_attach_opts *o, struct mr_error **err)
{
	return mr_error_set(err, ENOTSUP, "attach: not yet");
}

void mrd_attach_connect_all(struct mrd_ctr *c)
{
}

void mrd_attach_detach_all(struct mrd_ctr *c)
{
}

void mrd_ctr_resize(struct mrd_ctr *c, int rows, int cols, mrd_done_fn done, void *data)
{
	struct mr_error *err = NULL;
	mr_error_set(&err, ENOTSUP, "resize: not yet");
	done(data, err);
	mr_error_free(err);
}
