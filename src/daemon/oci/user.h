/* Config.User ("uid", "uid:gid", "name", "name:group") resolved in the
 * container's own /etc/passwd and /etc/group, as Docker does. */
#ifndef MINIRUND_OCI_USER_H
#define MINIRUND_OCI_USER_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct mrd_user {
	uint32_t uid, gid;
	uint32_t *gids; /* supplementary: the user's groups and GroupAdd */
	size_t ngids;
	char *home;     /* from passwd, "/" when none */
};

/* rootfs_fd: the mounted root file system. group_add: names or numbers. */
int mrd_user_resolve(int rootfs_fd, const char *spec, char *const *group_add, size_t ngroup_add,
		     struct mrd_user *out, struct mr_error **err);
void mrd_user_clear(struct mrd_user *u);

#endif
