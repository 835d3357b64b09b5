/* The process an exec runs, built from its options and the container's
 * config (see exec-process.c). */
#ifndef MINIRUN_EXEC_PROCESS_H
#define MINIRUN_EXEC_PROCESS_H

#include "exec.h"
#include "spec/oci-model.gen.h"

/* The --process file as it is, or cfg->process with o's changes, validated.
 * The caller frees it (mr_model_clear, free). */
struct oci_process *mr_exec_process(const struct mr_exec_opts *o, const struct oci_config *cfg, struct mr_error **err);

#endif
