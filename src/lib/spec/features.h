/* The features document of runtime-spec features.md (`minirun features`):
 * what this build and this host support, probed where it depends on them
 * (libseccomp's architectures and actions, the kernel's seccomp flags,
 * AppArmor and SELinux). */
#ifndef MINIRUN_SPEC_FEATURES_H
#define MINIRUN_SPEC_FEATURES_H

#include "spec/oci-model.gen.h"
#include "util/error.h"

struct oci_features *mr_features_build(struct mr_error **err);
void mr_features_free(struct oci_features *f);

#endif
