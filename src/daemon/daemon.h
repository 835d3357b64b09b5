/* The daemon's parts, as every layer sees them (api/ handlers get it
 * from mrd_req_app()). */
#ifndef MINIRUND_DAEMON_H
#define MINIRUND_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include "loop.h"

struct mrd_http;
struct mrd_store;
struct mrd_layers;
struct mrd_images;
struct mrd_ctrs;
struct mrd_events;
struct mrd_logs;

struct mrd_options {
	char *host;      /* unix socket path */
	char *tcp;       /* loopback HOST:PORT or NULL */
	char *token;     /* from --token-file */
	char *data_root; /* records, layers, container files, logs */
	char *exec_root; /* bundles, mounts, shim state: what a reboot clears */
	char *runtime;   /* the OCI runtime the shims run */
	char *shim;      /* minirun-shim */
	char *cgroup_parent;
};

struct mrd_daemon {
	struct mrd_loop *loop;
	struct mrd_http *http;
	struct mrd_store *store;
	struct mrd_layers *layers;
	struct mrd_images *images;
	struct mrd_ctrs *ctrs;
	struct mrd_events *events;
	struct mrd_logs *logs;
	struct mrd_options opt;
	int64_t started_ns;
	char *tmp_dir; /* <data-root>/tmp */
};

#endif
