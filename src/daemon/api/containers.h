/* What the /containers files share. */
#ifndef MINIRUND_API_CONTAINERS_H
#define MINIRUND_API_CONTAINERS_H

#include <stdint.h>
#include <yajl/yajl_gen.h>

#include "http/request.h"
#include "manager/ctrs.h"

/* The container named by the {id} parameter; 404 (or 400) replied and NULL. */
struct mrd_ctr *mrd_api_find_ctr(struct mrd_req *req);
void mrd_api_ctr_mounts(yajl_gen g, const struct mrd_ctr *c);
int64_t mrd_api_ctr_size_rw(const struct mrd_ctr *c);
/* "ExecIDs" of the container's inspect (exec.c). */
void mrd_api_ctr_exec_ids(yajl_gen g, const struct mrd_ctr *c);

#endif
