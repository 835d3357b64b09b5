/* The state store: <root>/<id>/ holds one container's record (state.json,
 * always replaced atomically), the config as create read it, and its exec
 * fifo while it waits for `start`.
 *
 * Crash safety: create writes a first record right after making the
 * directory (no pid yet, but the pid of the create itself and where the
 * cgroup will be), and the full one once the init is ready. Whatever step
 * a create dies at, what it made can be found: the first record tells a
 * live create ("creating") from a dead one ("stopped"), and delete --force
 * removes either. delete removes state.json last, so a delete that dies
 * can be done again.
 *
 * Locking: the directory is flock'ed by create until it has written the
 * full record, and by the verbs that change a container (start, delete,
 * pause...) while they do.
 * Readers (state, list, kill, exec) take no lock: the record is never half
 * written. Nothing waits for a create: a verb that would change a creating
 * container answers at once. */
#ifndef MINIRUN_STATE_H
#define MINIRUN_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "spec/oci-model.gen.h"
#include "util/error.h"

#define MR_FIFO_NAME "exec.fifo"
#define MR_CONFIG_NAME "config.json"
#define MR_STATE_NAME "state.json"

/* The most state.json may hold; create refuses a container whose record
 * (its annotations, mostly) would not fit, so that every record it writes
 * can be read back. */
#define MR_STATE_MAX_BYTES (1u << 20)

struct mr_container_dir {
	char *root; /* the state root */
	char *id;
	int root_fd;
	int dir_fd; /* <root>/<id> */
	bool locked;
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

/* Make <root>/<id>/ exclusively ("container \"x\" already exists"), with
 * `first` as its state.json, locked. It is made under a temporary name
 * and renamed into place, so that a container directory always holds a
 * record that names its create. The lock is the create's until
 * mr_state_close. */
int mr_state_create(const char *root, const char *id, const struct mr_record *first, struct mr_container_dir *d,
		    struct mr_error **err);

/* Remove the temporary directories of creates that died before they put
 * theirs in place (unlocked ones). */
void mr_state_sweep(const char *root);

/* Open an existing container's directory, without a lock: "container
 * \"x\" does not exist" (errnum ENOENT). */
int mr_state_open(const char *root, const char *id, struct mr_container_dir *d, struct mr_error **err);

/* Lock it: waiting for it, or not (returns 1 when another process holds
 * it). A directory that was removed meanwhile is "does not exist". */
int mr_state_lock(struct mr_container_dir *d, bool wait, struct mr_error **err);

void mr_state_unlock(struct mr_container_dir *d);

/* Whether another process holds the lock (a create, most likely). */
bool mr_state_locked_elsewhere(const struct mr_container_dir *d);

/* Release the lock and the fds (keeps the directory). */
void mr_state_close(struct mr_container_dir *d);

/* Remove everything in <root>/<id>/ but state.json; then (mr_state_remove)
 * state.json and the directory, and close. Between the two a dying delete
 * leaves a record that the next one reads. */
int mr_state_remove_files(struct mr_container_dir *d, struct mr_error **err);
int mr_state_remove(struct mr_container_dir *d, struct mr_error **err);

/* Read / write state.json (write: to a temp file, then rename). A missing
 * one is an error with errnum ENOENT: a create in its first steps, or one
 * that died there. */
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

/* pid is alive (not a zombie) and is the process that started at `start`. */
bool mr_proc_is(pid_t pid, unsigned long long start);

/* The pid of a pidfd's process as our /proc numbers it (its pid namespace
 * may be another: a new one, or one joined by path), from the pidfd's
 * fdinfo. -1 (errno ESRCH) when it is gone or not visible there. */
pid_t mr_pidfd_pid(int pidfd);

/* The status from the record and the processes: no pid yet is creating
 * while the create that wrote the record lives, stopped once it is gone;
 * then stopped unless the init is still the same process (pid + start
 * time); created while it holds the exec fifo open (it waits for start),
 * running after. (Paused, from the freezer, is the caller's.) */
enum mr_status mr_state_status(const struct mr_container_dir *d, const struct mr_record *r);
const char *mr_status_name(enum mr_status s);

/* The public OCI state (`minirun state`) for a record and its status. */
struct oci_state *mr_state_public(const struct mr_record *r, enum mr_status s, struct mr_error **err);

/* The same, compact, as a string: what hooks get on stdin. (malloc'ed) */
char *mr_record_state_json(const struct mr_record *r, enum mr_status s, struct mr_error **err);

/* --pid-file: the pid in decimal, no newline, replaced atomically through
 * a temporary file next to it that is made exclusively (never through a
 * link someone put there). Errors name `path`. */
int mr_pid_file_write(const char *path, pid_t pid, struct mr_error **err);

#endif
