/* The rules of the runtime-spec that a JSON Schema cannot express: a
 * namespace type given twice, uid mappings without a user namespace, a
 * relative hook path, an unknown rlimit or capability... Each error names
 * the JSON path at fault. */
#ifndef MINIRUN_SPEC_VALIDATE_H
#define MINIRUN_SPEC_VALIDATE_H

#include "spec/oci-model.gen.h"
#include "util/error.h"

/* bundle: the bundle directory, for root.path; NULL skips filesystem checks. */
int mr_config_validate(const struct oci_config *cfg, const char *bundle, struct mr_error **err);

/* The rules for `process` alone (exec --process files); errors name
 * process.<field>. */
int mr_process_validate(const struct oci_process *p, struct mr_error **err);

/* The rules for linux.resources alone (update); errors name
 * linux.resources.<field>. */
int mr_resources_validate(const struct oci_linux_resources *r, struct mr_error **err);

#endif
