/* A container without a mount namespace of its own. config-linux.md: a
 * namespace type that linux.namespaces does not list is the runtime's
 * ("MUST inherit"). Then there is nothing to pivot_root out of: the init
 * chroots into the rootfs, as runc and crun do, and whatever it mounts
 * (mounts[], /dev, maskedPaths, readonlyPaths) lands in the runtime's mount
 * table, below the rootfs, and stays there after the container is gone, as
 * with runc and crun. What the host's mount table must not get is a change
 * outside the rootfs: the propagation of "/" and the bind of the rootfs on
 * itself (mr_mount_prepare_rootfs) are skipped, and root.readonly and
 * linux.rootfsPropagation, which would act on the mount holding the rootfs,
 * are refused by the validation. A create that fails detaches what it
 * mounted (mr_mount_host_undo). */
#include "mount.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "mount-internal.h"
#include "spec/config.h"
#include "util/cleanup.h"
#include "util/mountinfo.h"
#include "util/path.h"

bool mr_mount_own_namespace(const struct oci_config *cfg)
{
	return mr_config_namespace(cfg->linux, "mount") != NULL;
}

int mr_mount_chroot(const char *rootfs, struct mr_error **err)
{
	cleanup_close int root = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (root < 0)
		return mr_error_sys(err, errno, "open rootfs %s", rootfs);
	if (fchdir(root) < 0 || chroot(".") < 0 || chdir("/") < 0)
		return mr_error_sys(err, errno, "chroot to the rootfs %s (no mount namespace)", rootfs);
	return 0;
}

void mr_mount_ids_clear(struct mr_mount_ids *ids)
{
	free(ids->ids);
	ids->ids = NULL;
	ids->n = 0;
	ids->taken = false;
}

int mr_mount_host_mark(const char *rootfs, struct mr_mount_ids *ids, struct mr_error **err)
{
	cleanup_mountinfo struct mr_mountinfo_reader r = { 0 };
	struct mr_mountinfo mi;

	mr_mount_ids_clear(ids);
	if (mr_mountinfo_open(&r, err) < 0)
		return -1;
	while (mr_mountinfo_next(&r, &mi)) {
		uint64_t *grown;

		if (!mr_mountinfo_path_under(mi.mount_point, rootfs))
			continue;
		grown = realloc(ids->ids, (ids->n + 1) * sizeof(*grown));
		if (grown == NULL) {
			mr_mount_ids_clear(ids);
			return mr_error_set(err, ENOMEM, "out of memory");
		}
		ids->ids = grown;
		ids->ids[ids->n++] = mi.id;
	}
	ids->taken = true;
	return 0;
}

static bool marked(const struct mr_mount_ids *ids, uint64_t id)
{
	for (size_t i = 0; i < ids->n; i++)
		if (ids->ids[i] == id)
			return true;
	return false;
}

/* Detach the mount `id` at `path`, if it is still that mount (a parent
 * detached before took it along). */
static void detach(const char *path, uint64_t id)
{
	cleanup_close int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	char target[MR_PATH_FD_SIZE];
	uint64_t now;

	if (fd < 0 || mr_mount_id(fd, &now) < 0 || now != id)
		return;
	umount2(mr_path_fd(target, sizeof(target), fd), MNT_DETACH);
}

void mr_mount_host_undo(const char *rootfs, const struct mr_mount_ids *ids)
{
	cleanup_mountinfo struct mr_mountinfo_reader r = { 0 };
	struct mr_mountinfo mi;
	struct {
		uint64_t id;
		char *path;
	} *made = NULL, *grown;
	size_t n = 0;

	if (!ids->taken || mr_mountinfo_open(&r, NULL) < 0)
		return;
	while (mr_mountinfo_next(&r, &mi)) {
		if (!mr_mountinfo_path_under(mi.mount_point, rootfs) || marked(ids, mi.id))
			continue;
		grown = realloc(made, (n + 1) * sizeof(*made));
		if (grown == NULL)
			break;
		made = grown;
		made[n].id = mi.id;
		made[n].path = strdup(mi.mount_point);
		if (made[n].path != NULL)
			n++;
	}
	mr_mountinfo_close(&r);
	/* mountinfo lists a mount after the one it is on: newest first */
	while (n-- > 0) {
		detach(made[n].path, made[n].id);
		free(made[n].path);
	}
	free(made);
}

int mr_mount_host_save(int dir_fd, const char *rootfs, const struct mr_mount_ids *ids, struct mr_error **err)
{
	cleanup_fclose FILE *f = NULL;
	int fd = openat(dir_fd, MR_HOST_MOUNTS_NAME, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return mr_error_sys(err, e, "cannot save the host's mounts below %s", rootfs);
	}
	fprintf(f, "%s\n", rootfs);
	for (size_t i = 0; i < ids->n; i++)
		fprintf(f, "%" PRIu64 "\n", ids->ids[i]);
	if (fflush(f) != 0 || ferror(f))
		return mr_error_sys(err, errno, "cannot save the host's mounts below %s", rootfs);
	return 0;
}

/* Read a saved mark: the rootfs (malloc'ed) and the ids. */
static int host_load(int dir_fd, char **rootfs, struct mr_mount_ids *ids, struct mr_error **err)
{
	cleanup_fclose FILE *f = NULL;
	cleanup_free char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int fd = openat(dir_fd, MR_HOST_MOUNTS_NAME, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? 0 : mr_error_sys(err, errno, "cannot read %s", MR_HOST_MOUNTS_NAME);
	if ((f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return mr_error_sys(err, errno, "cannot read %s", MR_HOST_MOUNTS_NAME);
	}
	/* the rootfs, absolute; a mark cut short by a crash is not trusted */
	if ((n = getline(&line, &cap, f)) < 2 || line[0] != '/' || line[n - 1] != '\n')
		return mr_error_set(err, EINVAL, "%s: no rootfs path in it", MR_HOST_MOUNTS_NAME);
	line[n - 1] = '\0';
	*rootfs = strdup(line);
	while (*rootfs && (n = getline(&line, &cap, f)) > 0) {
		uint64_t *grown = realloc(ids->ids, (ids->n + 1) * sizeof(*grown));
		if (grown == NULL)
			break;
		ids->ids = grown;
		ids->ids[ids->n++] = strtoull(line, NULL, 10);
	}
	if (*rootfs == NULL || !feof(f)) {
		free(*rootfs);
		*rootfs = NULL;
		mr_mount_ids_clear(ids);
		return mr_error_set(err, ENOMEM, "out of memory");
	}
	ids->taken = true;
	return 1;
}

int mr_mount_host_cleanup(int dir_fd, struct mr_error **err)
{
	struct mr_mount_ids ids = { 0 };
	cleanup_free char *rootfs = NULL;
	int ret = host_load(dir_fd, &rootfs, &ids, err);

	if (ret > 0)
		mr_mount_host_undo(rootfs, &ids);
	mr_mount_ids_clear(&ids);
	return ret < 0 ? -1 : 0;
}
