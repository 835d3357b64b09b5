/* The state store: <root>/<id>/ holds one container's record (state.json,
 * written atomically), its exec fifo while it waits for `start`, and the
 * lock that serializes commands on the same id (flock on the directory). */
#ifndef MINIRUN_STATE_H
#define MINIRUN_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "spec/oci-model.gen.h"
#include "util/error.h"

#define MR_FIFO_NAME "exec.fifo"
#define MR_CONFIG_NAME "config.json"

struct mr_container_dir {
	char *root; /* the state root */
	char *id;
	int root_fd;
	int dir_fd; /* <root>/<id>, locked */
};

enum mr_status {
	MR_STATUS_CREATING,
	MR_STATUS_CREATED,
	MR_STATUS_RUNNING,
	MR_STATUS_PAUSED,
	MR_STATUS_STOPPED,
};

/* The default state root: /run/minirun for root; for others
 * $XDG_RUNTIME_DIR/minirun (an empty value counts as unset), else
 * /tmp/minirun-<uid>. Never from PATH or HOME. Returns static storage. */
const char *mr_state_default_root(void);

/* Make <root>/<id>/ exclusively and lock it: "container \"x\" already exists". */
int mr_state_create(const char *root, const char *id, struct mr_container_dir *d, struct mr_error **err);

/* Open and lock an existing container: "container \"x\" does not exist". */
int mr_state_open(const char *root, const char *id, struct mr_container_dir *d, struct mr_error **err);

/* Release the lock and the fds (keeps the directory). */
void mr_state_close(struct mr_container_dir *d);

/* Remove <root>/<id>/ and everything in it, then close. */
int mr_state_remove(struct mr_container_dir *d, struct mr_error **err);

/* Read / write state.json (write: to a temp file, then rename). */
struct mr_record *mr_state_read(const struct mr_container_dir *d, struct mr_error **err);
int mr_state_write(const struct mr_container_dir *d, const struct mr_record *r, struct mr_error **err);

/* The config as create read it (the runtime-spec: changes to the bundle's
 * config.json after create have no effect). */
int mr_state_write_config(const struct mr_container_dir *d, const char *json, struct mr_error **err);
struct oci_config *mr_state_read_config(const struct mr_container_dir *d, struct mr_error **err);

/* The ids in the root, sorted; NULL-terminated. *n gets the count. */
char **mr_state_list(const char *root, size_t *n, struct mr_error **err);

/* Field 22 of /proc/<pid>/stat (start time in clock ticks since boot);
 * 0 when the process is gone. *zombie tells a process that has exited but
 * was not reaped yet. */
unsigned long long mr_proc_start_time(pid_t pid, bool *zombie);

/* The pid of a pidfd's process as our /proc numbers it (its pid namespace
 * may be another: a new one, or one joined by path), from the pidfd's
 * fdinfo. -1 (errno ESRCH) when it is gone or not visible there. */
pid_t mr_pidfd_pid(int pidfd);

/* The status from the record and the system: is the init still the same
 * process (pid + start time), is it waiting on the fifo, is it frozen. */
enum mr_status mr_state_status(const struct mr_container_dir *d, const struct mr_record *r);
const char *mr_status_name(enum mr_status s);

/* The public OCI state (`minirun state`) for a record and its status. */
struct oci_state *mr_state_public(const struct mr_record *r, enum mr_status s, struct mr_error **err);

/* The same, compact, as a string: what hooks get on stdin. (malloc'ed) */
char *mr_record_state_json(const struct mr_record *r, enum mr_status s, struct mr_error **err);

/* --pid-file: the pid in decimal, no newline, replaced atomically. */
int mr_pid_file_write(const char *path, pid_t pid, struct mr_error **err);

#endif
