/* exec instances. */
#include "manager/exec.h"

#include <errno.h>
#include <stdlib.h>

#include "manager/internal.h"

struct mrd_exec *mrd_exec_create(struct mrd_ctr *c, const struct mr_json *body, struct mr_error **err)
{
	mr_error_set(err, ENOTSUP, "exec: not yet");
	return NULL;
}

struct mrd_exec *mrd_exec_find(struct mrd_daemon *d, const char *id)
{
	return NULL;
}

int mrd_exec_start(struct mrd_exec *x, struct mrd_conn *client, const char *extra, size_t extra_len,
		   struct mr_error **err)
{
	return mr_error_set(err, ENOTSUP, "exec: not yet");
}

void mrd_exec_resize(struct mrd_exec *x, int rows, int cols, mrd_done_fn done, void *data)
{
}

void mrd_exec_container_exited(struct mrd_ctr *c)
{
}

void mrd_exec_forget_all(struct mrd_ctr *c)
{
}

struct mrd_exec *mrd_exec_first_of(struct mrd_ctr *c)
{
	return NULL;
}
