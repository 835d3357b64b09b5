/* The process attributes of config.json `process` (and the exec process
 * file), applied by the init (or exec) to itself just before execve, in this
 * order: rlimits, oomScoreAdj, personality, ioPriority, scheduler, umask,
 * groups/gid/uid keeping capabilities, capabilities (all 5 sets), then
 * noNewPrivileges, then seccomp last (seccomp.h). Errors name the field at fault
 * ("process.rlimits[1] (RLIMIT_NPROC): setrlimit: Operation not permitted"). */
#ifndef MINIRUN_PROCESS_H
#define MINIRUN_PROCESS_H

#include <stdbool.h>

#include "spec/oci-model.gen.h"
#include "util/error.h"

/* Everything above except seccomp. keep_groups: the supplementary groups
 * are the runtime's own, no setgroups (mr_process_keep_groups). */
int mr_process_apply(const struct oci_process *p, bool keep_groups, struct mr_error **err);

/* The run.oci.keep_original_groups annotation (podman --group-add
 * keep-groups), as crun reads it: present with any value but "0". */
bool mr_process_keep_groups(const struct oci_map_string *annotations);

/* `name` (process.args[0]) as the PATH of `env` (the prepared environment,
 * see process-env.h) finds it, in the caller's root: run after pivot_root
 * or setns. Errors in runc's words ("exec: \"x\": executable file not found
 * in $PATH"), which podman maps to exit status 127. */
char *mr_process_find_executable(const char *name, char *const *env, struct mr_error **err);

/* process.user.uid, 0 when not given. */
uint32_t mr_process_uid(const struct oci_process *p);

/* linux.personality (before mr_process_apply). */
int mr_personality_apply(const struct oci_linux_personality *pers, struct mr_error **err);

/* process.execCPUAffinity.final, just before execve. */
int mr_process_apply_final_affinity(const struct oci_process *p, struct mr_error **err);

#endif
