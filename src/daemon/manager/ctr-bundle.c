/* A container's OCI bundle, made at each start: its /etc files, the
 * overlay rootfs over its image's layers, config.json. Released (the
 * overlay unmounted) when it has exited. */
#include "manager/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "image/images.h"
#include "image/layers.h"
#include "image/overlay.h"
#include "oci/spec.h"
#include "oci/user.h"
#include "util/cleanup.h"

static int mount_rootfs(struct mrd_ctr *c, const char *rootfs, struct mr_error **err)
{
	struct mrd_image *img = mrd_images_find(c->d->images, c->image_id);
	cleanup_free char *upper = mrd_ctr_data_path(c, "upper"), *work = mrd_ctr_data_path(c, "work");
	char **lowers;
	int ret;

	if (img == NULL)
		return mr_error_set(err, ENOENT, "container %s: its image %s is gone", c->id, c->image_id);
	if (mrd_is_mountpoint(rootfs))
		return 0; /* still mounted from a start that failed half-way */
	lowers = calloc(img->nlayers + 1, sizeof(char *));
	if (lowers == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < img->nlayers; i++)
		lowers[i] = mrd_layers_diff_path(c->d->layers, img->diff_ids[img->nlayers - 1 - i]);
	ret = mrd_overlay_mount(rootfs, lowers, img->nlayers, upper, work, err);
	for (size_t i = 0; i < img->nlayers; i++)
		free(lowers[i]);
	free(lowers);
	return ret;
}

static int write_config(struct mrd_ctr *c, const char *rootfs, struct mr_error **err)
{
	cleanup_free char *files = mrd_ctr_data_path(c, NULL), *cgpath = mrd_ctr_cgroups_path(c);
	cleanup_free char *config_path = mrd_ctr_exec_path(c, "config.json"), *json = NULL;
	cleanup_close int root_fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct mrd_user user;
	char host[256] = "";
	size_t len;
	int ret;

	if (root_fd < 0)
		return mr_error_sys(err, errno, "open %s", rootfs);
	if (mrd_user_resolve(root_fd, c->cfg->user, c->cfg->group_add.v, c->cfg->group_add.n, &user, err) < 0)
		return -1;
	gethostname(host, sizeof(host) - 1);
	struct mrd_spec_input in = {
		.id = c->id,
		.cfg = c->cfg,
		.rootfs = rootfs,
		.files_dir = files,
		.cgroups_path = cgpath,
		.cgroup_v2 = mrd_host_cgroup_v2(),
		.swap_limit = mrd_host_swap_limit(),
		.user = &user,
		.host_hostname = host,
	};
	json = mrd_spec_generate(&in, &len, err);
	mrd_user_clear(&user);
	if (json == NULL)
		return -1;
	ret = mrd_write_file(config_path, json, len, 0600, err);
	return ret;
}

int mrd_ctr_prepare_bundle(struct mrd_ctr *c, struct mr_error **err)
{
	cleanup_free char *rootfs = mrd_ctr_exec_path(c, "rootfs");

	if (rootfs == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	if (mrd_ctr_make_dirs(c, err) < 0 || mrd_ctr_write_etc_files(c, err) < 0 || mount_rootfs(c, rootfs, err) < 0)
		return -1;
	if (write_config(c, rootfs, err) < 0) {
		mrd_overlay_umount(rootfs, NULL);
		return -1;
	}
	return 0;
}

void mrd_ctr_release_bundle(struct mrd_ctr *c)
{
	cleanup_free char *rootfs = mrd_ctr_exec_path(c, "rootfs");
	cleanup_error struct mr_error *err = NULL;

	if (rootfs != NULL && mrd_overlay_umount(rootfs, &err) < 0)
		fprintf(stderr, "minirund: container %s: %s\n", c->id, err->msg);
}
