/* At start: the records against the world. Running containers whose shim
 * lives are re-attached; exits that happened while minirund was down are
 * learnt from the shims' state dirs; containers whose shim is gone without
 * telling are marked dead (no exit code is made up); what a crash left
 * half-made (files without a record, a start cut short) is cleaned. */
#include "manager/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "image/overlay.h"
#include "shim/client.h"
#include "util/cleanup.h"

/* Directories under <root>/containers that no record names. */
static void remove_orphans(struct mrd_ctrs *cs, const char *root)
{
	cleanup_free char *dir = NULL;
	DIR *d;
	struct dirent *de;

	if (asprintf(&dir, "%s/containers", root) < 0 || (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || mrd_ctrs_find(cs, de->d_name) != NULL)
			continue;
		cleanup_free char *rootfs = NULL;
		if (strlen(de->d_name) == 64 && asprintf(&rootfs, "%s/%s/rootfs", dir, de->d_name) >= 0)
			mrd_overlay_umount(rootfs, NULL);
		fprintf(stderr, "minirund: removing %s/%s: no container has it\n", dir, de->d_name);
		mrd_remove_tree(dirfd(d), de->d_name, NULL);
	}
	closedir(d);
}

static bool policy_restarts_at_boot(const struct mrd_ctr *c)
{
	const char *p = c->cfg->restart_name;
	return c->has_started &&
	       (strcmp(p, "always") == 0 || (strcmp(p, "unless-stopped") == 0 && !c->manual_stop));
}

static void start_again(struct mrd_ctr *c)
{
	mrd_ctr_release_bundle(c);
	mrd_ctr_start(c, NULL, NULL);
}

static void mark_dead(struct mrd_ctr *c, const char *why, bool restart)
{
	struct mr_error *e = NULL;

	c->status = MRD_DEAD;
	free(c->error);
	c->error = strdup(why);
	mrd_ctr_save(c, &e);
	mr_error_free(e);
	mrd_ctr_runtime_delete(c, restart ? start_again : mrd_ctr_release_bundle);
}

static void reconcile_one(struct mrd_ctr *c)
{
	cleanup_free char *dir = mrd_ctr_shim_dir(c);
	struct mrd_shim_state st;
	struct mr_error *e = NULL;
	bool have_state = mrd_shim_read_state(dir, &st, &e) == 0;

	mr_error_free(e);
	e = NULL;
	if (c->status == MRD_RUNNING || c->status == MRD_PAUSED) {
		if (have_state && st.shim_alive && (strcmp(st.status, "running") == 0 || strcmp(st.status, "paused") == 0)) {
			enum mrd_status now = strcmp(st.status, "paused") == 0 ? MRD_PAUSED : MRD_RUNNING;
			if (now != c->status) {
				c->status = now;
				mrd_ctr_save(c, &e);
				mr_error_free(e);
			}
			if (st.pid > 0)
				c->pid = (int)st.pid;
			mrd_ctr_watch_exit(c); /* re-attached */
			return;
		}
		if (have_state && st.has_exit) {
			mrd_ctr_exited(c, st.exit_code, st.exited_at, st.oom_killed); /* learnt */
			return;
		}
		if (policy_restarts_at_boot(c)) {
			mark_dead(c, "the container's shim was gone at daemon start: started again by its restart policy",
				  true);
			return;
		}
		mark_dead(c, "the container's shim is gone: its exit status is unknown", false);
		return;
	}
	if (c->status == MRD_RESTARTING) {
		mrd_ctr_start(c, NULL, NULL);
		return;
	}
	if (c->status == MRD_REMOVING) {
		mrd_ctr_remove_now(c, &e);
		mr_error_free(e);
		return;
	}
	/* created, exited, dead: a start or a teardown cut short leaves a shim dir */
	if (have_state || access(dir, F_OK) == 0)
		mrd_ctr_teardown(c, false);
	else if ((c->status == MRD_EXITED || c->status == MRD_DEAD) && policy_restarts_at_boot(c))
		mrd_ctr_start(c, NULL, NULL);
}

void mrd_ctrs_reconcile(struct mrd_ctrs *cs)
{
	struct mrd_ctr *next;

	remove_orphans(cs, cs->d->opt.data_root);
	remove_orphans(cs, cs->d->opt.exec_root);
	for (struct mrd_ctr *c = cs->list; c; c = next) {
		next = c->next;
		reconcile_one(c);
	}
}
