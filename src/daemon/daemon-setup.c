#include "daemon-setup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "fsutil.h"
#include "http/server.h"
#include "image/images.h"
#include "image/layers.h"
#include "manager/ctrs.h"
#include "manager/events.h"
#include "manager/logs.h"
#include "store/store.h"
#include "util/cleanup.h"

int mrd_read_token(const char *path, char **token, struct mr_error **err)
{
	size_t len;
	char *t = mrd_read_file(path, 4096, &len, err);
	struct stat st;

	if (t == NULL)
		return mr_error_prefix(err, "--token-file");
	while (len > 0 && (t[len - 1] == '\n' || t[len - 1] == '\r' || t[len - 1] == ' '))
		t[--len] = '\0';
	if (len < 16) {
		free(t);
		return mr_error_set(err, EINVAL, "--token-file %s: the token must have at least 16 characters", path);
	}
	if (stat(path, &st) == 0 && (st.st_mode & 077) != 0)
		fprintf(stderr, "minirund: warning: --token-file %s can be read by others (mode %o)\n", path,
			st.st_mode & 0777);
	*token = t;
	return 0;
}

/* name beside the running binary, else in PATH (NULL: not found). */
static char *find_program(const char *argv0, const char *name)
{
	char self[PATH_MAX], *p = NULL, *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash != NULL) {
			*slash = '\0';
			if (asprintf(&p, "%s/%s", self, name) >= 0 && access(p, X_OK) == 0)
				return p;
			free(p);
			p = NULL;
		}
	}
	const char *path = getenv("PATH");
	cleanup_free char *copy = strdup(path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	for (char *save = NULL, *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		if (asprintf(&p, "%s/%s", dir, name) >= 0 && access(p, X_OK) == 0)
			return p;
		free(p);
		p = NULL;
	}
	(void)argv0;
	return NULL;
}

static int set_default(char **slot, const char *v, struct mr_error **err)
{
	if (*slot == NULL && (*slot = strdup(v)) == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	return 0;
}

/* Paths are kept absolute and without a trailing slash. */
static int check_dir_option(const char *opt, char *v, struct mr_error **err)
{
	size_t n = strlen(v);
	if (v[0] != '/')
		return mr_error_set(err, EINVAL, "%s %s: must be an absolute path", opt, v);
	while (n > 1 && v[n - 1] == '/')
		v[--n] = '\0';
	return 0;
}

int mrd_options_defaults(struct mrd_options *o, const char *argv0, struct mr_error **err)
{
	if (set_default(&o->host, "/run/minirund.sock", err) < 0 ||
	    set_default(&o->data_root, "/var/lib/minirund", err) < 0 ||
	    set_default(&o->exec_root, "/run/minirund", err) < 0 ||
	    set_default(&o->cgroup_parent, "/minirund", err) < 0)
		return -1;
	if (check_dir_option("--data-root", o->data_root, err) < 0 ||
	    check_dir_option("--exec-root", o->exec_root, err) < 0 ||
	    check_dir_option("--cgroup-parent", o->cgroup_parent, err) < 0)
		return -1;
	if (o->runtime == NULL && (o->runtime = find_program(argv0, "minirun")) == NULL)
		return mr_error_set(err, ENOENT, "minirun not found beside minirund or in PATH (use --runtime)");
	if (access(o->runtime, X_OK) < 0)
		return mr_error_sys(err, errno, "--runtime %s", o->runtime);
	if (o->shim == NULL && (o->shim = find_program(argv0, "minirun-shim")) == NULL) {
		/* images and records work without it; starting a container
		 * then says what is missing */
		fprintf(stderr, "minirund: warning: minirun-shim not found beside minirund or in PATH (--shim): containers cannot start\n");
		o->shim = strdup("/nonexistent/minirun-shim");
		return 0;
	}
	if (access(o->shim, X_OK) < 0)
		return mr_error_sys(err, errno, "--shim %s", o->shim);
	return 0;
}

void mrd_options_free(struct mrd_options *o)
{
	free(o->host);
	free(o->tcp);
	free(o->token);
	free(o->data_root);
	free(o->exec_root);
	free(o->runtime);
	free(o->shim);
	free(o->cgroup_parent);
}

static int make_dirs(struct mrd_daemon *d, struct mr_error **err)
{
	cleanup_free char *ctrs = NULL, *ectrs = NULL;

	if (asprintf(&d->tmp_dir, "%s/tmp", d->opt.data_root) < 0 ||
	    asprintf(&ctrs, "%s/containers", d->opt.data_root) < 0 ||
	    asprintf(&ectrs, "%s/containers", d->opt.exec_root) < 0)
		return mr_error_set(err, ENOMEM, "out of memory");
	if (mrd_mkdir_p(d->opt.data_root, 0700, err) < 0 || mrd_mkdir_p(d->opt.exec_root, 0700, err) < 0 ||
	    mrd_mkdir_p(ctrs, 0700, err) < 0 || mrd_mkdir_p(ectrs, 0700, err) < 0)
		return -1;
	/* spooled uploads of a previous run */
	mrd_remove_tree(AT_FDCWD, d->tmp_dir, NULL);
	return mrd_mkdir_p(d->tmp_dir, 0700, err);
}

int mrd_daemon_start(struct mrd_daemon *d, struct mr_error **err)
{
	static const struct mrd_route_table *const tables[] = {
		&mrd_api_system, &mrd_api_containers, &mrd_api_containers_run, &mrd_api_exec, &mrd_api_images, &mrd_api_unsupported, NULL,
	};
	cleanup_free char *db = NULL;

	d->started_ns = mrd_now_real_ns();
	srandom((unsigned)(d->started_ns ^ getpid()));
	if (make_dirs(d, err) < 0)
		return -1;
	if (asprintf(&db, "%s/minirund.db", d->opt.data_root) < 0)
		return mr_error_set(err, ENOMEM, "out of memory");
	d->store = mrd_store_open(db, err);
	if (d->store == NULL)
		return -1;
	d->events = mrd_events_new(d);
	if (mrd_logs_init(d) < 0)
		return mr_error_sys(err, errno, "inotify");
	d->layers = mrd_layers_open(d->opt.data_root, err);
	if (d->layers == NULL || d->events == NULL)
		return -1;
	d->images = mrd_images_load(d, err);
	if (d->images == NULL)
		return -1;
	d->ctrs = mrd_ctrs_load(d, err);
	if (d->ctrs == NULL)
		return -1;
	struct mrd_http_config hc = {
		.unix_path = d->opt.host,
		.tcp = d->opt.tcp,
		.token = d->opt.token,
		.tmp_dir = d->tmp_dir,
		.app = d,
		.tables = tables,
	};
	d->http = mrd_http_new(d->loop, &hc, err);
	if (d->http == NULL)
		return -1;
	mrd_ctrs_reconcile(d->ctrs);
	return 0;
}

void mrd_daemon_stop(struct mrd_daemon *d)
{
	mrd_http_free(d->http);
	d->http = NULL;
	mrd_ctrs_shutdown(d->ctrs);
	mrd_loop_flush(d->loop);
	mrd_ctrs_free(d->ctrs);
	mrd_images_free(d->images);
	mrd_layers_free(d->layers);
	mrd_events_free(d->events);
	mrd_logs_fini(d);
	mrd_store_close(d->store);
	free(d->tmp_dir);
}
