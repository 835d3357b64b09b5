/* The OCI config.json of a container, made from its Docker config (merged
 * with the image's) the way dockerd and containerd make it: Docker's
 * default capabilities, mounts, masked and read-only paths, minirund's
 * default seccomp profile, the resources as linux.resources. */
#ifndef MINIRUND_OCI_SPEC_H
#define MINIRUND_OCI_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <yajl/yajl_gen.h>

#include "manager/config.h"
#include "oci/user.h"
#include "util/error.h"

struct mrd_spec_input {
	const char *id;
	const struct mrd_ctr_config *cfg;
	const char *rootfs;       /* the mounted overlay */
	const char *files_dir;    /* holds hostname, hosts, resolv.conf */
	const char *cgroups_path; /* "/minirund/<id>" */
	bool cgroup_v2;
	bool swap_limit; /* the host can limit swap (mrd_host_swap_limit) */
	const struct mrd_user *user;
	const char *host_hostname; /* NetworkMode host */
};

/* The config.json text (malloc'ed). Errors name the field at fault. */
char *mrd_spec_generate(const struct mrd_spec_input *in, size_t *len, struct mr_error **err);

/* Checks of a config that need no rootfs (run at create, so a bad
 * container is refused before it exists): capabilities, security options,
 * binds, tmpfs, sysctls, namespaces modes, the command. */
int mrd_spec_check(const struct mrd_ctr_config *cfg, struct mr_error **err);

/* The process' capabilities (CAP_ names), malloc'ed array. */
char **mrd_spec_caps(const struct mrd_ctr_config *cfg, size_t *n, struct mr_error **err);

/* linux.resources alone (an update of a running container). */
void mrd_spec_resources_write(yajl_gen g, const struct mrd_ctr_config *cfg, bool swap_limit);

/* --security-opt no-new-privileges. */
bool mrd_spec_no_new_privs(const struct mrd_ctr_config *cfg);

/* The args: Entrypoint + Cmd. */
size_t mrd_spec_args(const struct mrd_ctr_config *cfg, const char ***out);

#endif
