/* minirund's records in SQLite: what must survive a crash or kill -9.
 *
 * WAL journal, synchronous=FULL (a commit is on disk when it returns: no
 * acknowledged change is lost), BEGIN IMMEDIATE for every write (the
 * write lock is taken up front, so a write never fails half-way on a
 * lock), foreign keys on, a schema_version table for upgrades.
 *
 * Per container, as podman does, an immutable config row (what create was
 * given, never rewritten) apart from a mutable state row (name, status,
 * exit code, times, restart count, the HostConfig changes of update).
 * Images: the config JSON byte-exact (its sha256 is the image id), the
 * ordered layers by diff id, the tags. */
#ifndef MINIRUND_STORE_H
#define MINIRUND_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct mrd_store;

#define MRD_STORE_SCHEMA_VERSION 1

struct mrd_store *mrd_store_open(const char *path, struct mr_error **err);
void mrd_store_close(struct mrd_store *s);

/* One write transaction (BEGIN IMMEDIATE ... COMMIT). commit returns -1
 * (and rolls back) when the commit itself failed. */
int mrd_store_begin(struct mrd_store *s, struct mr_error **err);
int mrd_store_commit(struct mrd_store *s, struct mr_error **err);
void mrd_store_rollback(struct mrd_store *s);

/* ---- containers */
struct mrd_ctr_row {
	const char *id;
	int64_t created; /* unix ns */
	const char *image_id;
	const char *config; /* JSON */
};

struct mrd_ctr_state_row {
	const char *name;
	const char *status; /* created running paused restarting exited dead removing */
	int64_t pid;
	int64_t exit_code;
	int64_t started_at, finished_at; /* unix ns, 0 never */
	int64_t restart_count;
	bool oom_killed;
	bool manual_stop; /* stopped by a user: no restart (unless-stopped, always until start) */
	bool has_started;
	const char *error;
	const char *updates; /* JSON object */
};

/* Insert both rows (in the caller's transaction). A name already taken
 * fails with errno EEXIST. */
int mrd_store_ctr_insert(struct mrd_store *s, const struct mrd_ctr_row *c, const struct mrd_ctr_state_row *st,
			 struct mr_error **err);
/* Replace the state row (its own transaction when none is open). */
int mrd_store_ctr_put_state(struct mrd_store *s, const char *id, const struct mrd_ctr_state_row *st,
			    struct mr_error **err);
int mrd_store_ctr_delete(struct mrd_store *s, const char *id, struct mr_error **err);

typedef int (*mrd_store_ctr_fn)(const struct mrd_ctr_row *c, const struct mrd_ctr_state_row *st, void *data);
int mrd_store_ctr_each(struct mrd_store *s, mrd_store_ctr_fn fn, void *data, struct mr_error **err);

/* ---- images */
struct mrd_image_row {
	const char *id; /* sha256:... */
	const char *config;
	size_t config_len;
	int64_t created; /* when it came here, unix ns */
	int64_t size;    /* sum of its layers' extracted sizes */
	size_t nlayers;
	const char *const *diff_ids; /* bottom first */
};

int mrd_store_image_insert(struct mrd_store *s, const struct mrd_image_row *img, struct mr_error **err);
int mrd_store_image_delete(struct mrd_store *s, const char *id, struct mr_error **err);
typedef int (*mrd_store_image_fn)(const struct mrd_image_row *img, void *data);
int mrd_store_image_each(struct mrd_store *s, mrd_store_image_fn fn, void *data, struct mr_error **err);

int mrd_store_layer_insert(struct mrd_store *s, const char *diff_id, int64_t size, struct mr_error **err);
int mrd_store_layer_delete(struct mrd_store *s, const char *diff_id, struct mr_error **err);
/* The layer's extracted size (-1 when it is not recorded). */
int64_t mrd_store_layer_size(struct mrd_store *s, const char *diff_id);
/* How many images use the layer. */
int64_t mrd_store_layer_users(struct mrd_store *s, const char *diff_id);
typedef int (*mrd_store_layer_fn)(const char *diff_id, int64_t size, void *data);
int mrd_store_layer_each(struct mrd_store *s, mrd_store_layer_fn fn, void *data, struct mr_error **err);

/* name is "repo:tag"; a tag moves to the new image. */
int mrd_store_tag_put(struct mrd_store *s, const char *name, const char *image_id, struct mr_error **err);
int mrd_store_tag_delete(struct mrd_store *s, const char *name, struct mr_error **err);
typedef int (*mrd_store_tag_fn)(const char *name, const char *image_id, void *data);
int mrd_store_tag_each(struct mrd_store *s, mrd_store_tag_fn fn, void *data, struct mr_error **err);

#endif
