/* Starting and stopping the daemon's parts, in order. */
#ifndef MINIRUND_DAEMON_SETUP_H
#define MINIRUND_DAEMON_SETUP_H

#include "daemon.h"
#include "util/error.h"

int mrd_read_token(const char *path, char **token, struct mr_error **err);
/* Fill what the command line left unset; argv0 finds minirun and
 * minirun-shim beside minirund. */
int mrd_options_defaults(struct mrd_options *o, const char *argv0, struct mr_error **err);
void mrd_options_free(struct mrd_options *o);

/* Directories, records, images, containers (reconciled with their shims),
 * then the HTTP listeners. */
int mrd_daemon_start(struct mrd_daemon *d, struct mr_error **err);
void mrd_daemon_stop(struct mrd_daemon *d);

#endif
