/* Capability sets of process.capabilities, applied with raw capset(2) and
 * prctl(2) (no libcap: one syscall each, nothing to load).
 *
 * The order matters and is the caller's (mr_process_apply):
 *   mr_caps_drop_bounding()   while still root with CAP_SETPCAP effective
 *   PR_SET_KEEPCAPS, setresgid/setresuid, clear KEEPCAPS
 *   mr_caps_set()             effective/permitted/inheritable, then ambient
 * because a uid change away from 0 clears the effective and ambient sets. */
#ifndef MINIRUN_CAPS_H
#define MINIRUN_CAPS_H

#include <stdint.h>

#include "spec/oci-model.gen.h"
#include "util/error.h"
#include "util/log.h"

/* One bit per capability number, as the kernel counts them (<= 63). */
struct mr_caps {
	uint64_t bounding;
	uint64_t effective;
	uint64_t permitted;
	uint64_t inheritable;
	uint64_t ambient;
};

/* The highest capability number the running kernel knows
 * (/proc/sys/kernel/cap_last_cap, else probed with PR_CAPBSET_READ). */
int mr_caps_last_cap(void);

/* Names to bits. Names unknown to this build, and names this build knows
 * but the kernel does not (newer than it, above `last_cap`, from
 * mr_caps_last_cap()), are skipped: runtime-spec says a capability that
 * cannot be granted is a warning, not a failure (the runtime warned with
 * mr_caps_warn_unavailable before starting the process). */
void mr_caps_from_spec(const struct oci_process_capabilities *c, int last_cap, struct mr_caps *out);

/* One warning (stderr and --log) listing the names in c that cannot be
 * granted, in runc's words: "ignoring unknown or unavailable capabilities:
 * [CAP_X CAP_Y]"; nothing when every name can be. */
void mr_caps_warn_unavailable(const struct mr_log *log, const struct oci_process_capabilities *c);

/* PR_CAPBSET_DROP every capability not in caps->bounding. Needs CAP_SETPCAP
 * in the effective set, so it runs before the uid change. */
int mr_caps_drop_bounding(const struct mr_caps *caps, int last_cap, struct mr_error **err);

/* capset(2) the effective, permitted and inheritable sets, then clear the
 * ambient set and raise each ambient capability. The kernel refuses one that
 * is not both permitted and inheritable: those are skipped, as runc does.
 * Errors name the set and capability: "process.capabilities.permitted:
 * CAP_X: the runtime does not hold it ...". */
int mr_caps_set(const struct mr_caps *caps, int last_cap, struct mr_error **err);

#endif
