/* The Docker Engine API's resources, one file each: the route tables the
 * HTTP server dispatches to, and what the handlers share. */
#ifndef MINIRUND_API_H
#define MINIRUND_API_H

#include <yajl/yajl_gen.h>

#include "daemon.h"
#include "http/request.h"
#include "util/error.h"

extern const struct mrd_route_table mrd_api_system;
extern const struct mrd_route_table mrd_api_containers;
extern const struct mrd_route_table mrd_api_containers_run;
extern const struct mrd_route_table mrd_api_exec;
extern const struct mrd_route_table mrd_api_images;
extern const struct mrd_route_table mrd_api_unsupported;

/* Reply with the JSON written to g (and free g). */
void mrd_api_reply_gen(struct mrd_req *req, int status, yajl_gen g);
/* Reply with an error whose status follows its errno: ENOENT 404,
 * EEXIST/EBUSY 409, EINVAL 400, ENOTSUP 501, others 500. */
void mrd_api_reply_err(struct mrd_req *req, const struct mr_error *err);
int mrd_api_status_of(int errnum);

struct mrd_image;
struct mrd_ctr;
/* The summaries of GET /images/json and GET /containers/json (also in
 * /system/df; with_size: SizeRw and SizeRootFs). */
void mrd_api_image_summary(yajl_gen g, struct mrd_daemon *d, const struct mrd_image *img);
void mrd_api_ctr_summary(yajl_gen g, struct mrd_ctr *c, bool with_size);
/* The parsed JSON body (400 replied and NULL on a bad one; an empty body
 * is {} when empty_ok). */
struct mr_json *mrd_api_body(struct mrd_req *req, bool empty_ok);

#endif
