/* The verbs that go through the container's shim. */
#include "manager/internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "store/store.h"
#include "util/cleanup.h"

void mrd_ctr_rt_free(struct mrd_ctr *c)
{
	free(c->rt);
	c->rt = NULL;
}

static void fail_now(mrd_done_fn done, void *data, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void fail_now(mrd_done_fn done, void *data, int errnum, const char *fmt, ...)
{
	struct mr_error *err = NULL;
	char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	mr_error_set(&err, errnum, "%s", msg ? msg : "out of memory");
	free(msg);
	done(data, err);
	mr_error_free(err);
}

void mrd_ctrs_reconcile(struct mrd_ctrs *cs)
{
	(void)cs;
}

void mrd_ctr_update(struct mrd_ctr *c, const struct mr_json *body, mrd_done_fn done, void *data)
{
	struct mr_error *err = NULL;

	if (mrd_ctr_config_update(c->cfg, body, &err) < 0 || mrd_ctr_save(c, &err) < 0) {
		done(data, err);
		mr_error_free(err);
		return;
	}
	mrd_ctr_event(c, "update", NULL);
	done(data, NULL);
}

/* Remove a container that does not run: records first (a crash after
 * them leaves files that the next start removes), then its files. */
static int remove_stopped(struct mrd_ctr *c, struct mr_error **err)
{
	struct mrd_ctrs *cs = c->d->ctrs;

	if (mrd_store_ctr_delete(c->d->store, c->id, err) < 0)
		return -1;
	mrd_ctr_remove_files(c, NULL);
	mrd_ctr_event(c, "destroy", NULL);
	mrd_ctrs_unlink(cs, c);
	mrd_ctr_free(c);
	return 0;
}

void mrd_ctr_remove(struct mrd_ctr *c, bool force, bool volumes, mrd_done_fn done, void *data)
{
	struct mr_error *err = NULL;

	(void)volumes;
	if (mrd_ctr_running(c)) {
		if (!force) {
			fail_now(done, data, EBUSY,
				 "You cannot remove a running container %s. Stop the container before attempting removal or force remove",
				 c->id);
			return;
		}
		fail_now(done, data, ENOTSUP, "container %s: stopping needs minirun-shim", c->id);
		return;
	}
	if (remove_stopped(c, &err) < 0) {
		done(data, err);
		mr_error_free(err);
		return;
	}
	done(data, NULL);
}
