/* Shared by the manager's files. */
#ifndef MINIRUND_MANAGER_INTERNAL_H
#define MINIRUND_MANAGER_INTERNAL_H

#include "manager/ctrs.h"

struct mrd_ctrs {
	struct mrd_daemon *d;
	struct mrd_ctr *list;
	size_t count;
};

void mrd_ctrs_link(struct mrd_ctrs *cs, struct mrd_ctr *c);
void mrd_ctrs_unlink(struct mrd_ctrs *cs, struct mrd_ctr *c);
void mrd_ctr_free(struct mrd_ctr *c);
/* The in-memory runtime part (ctr-run.c). */
void mrd_ctr_rt_free(struct mrd_ctr *c);

/* The container's files at create and at each start. */
int mrd_ctr_make_dirs(struct mrd_ctr *c, struct mr_error **err);
int mrd_ctr_write_etc_files(struct mrd_ctr *c, struct mr_error **err);
/* Remove every file of the container (after its mount is gone). */
int mrd_ctr_remove_files(struct mrd_ctr *c, struct mr_error **err);

#endif
