/* /containers: create, list, inspect, rename, update, changes, top, prune. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <dirent.h>
#include <unistd.h>

#include "api/api.h"
#include "api/containers.h"
#include "api/filters.h"
#include "image/images.h"
#include "image/layers.h"
#include "util/jsonw.h"
#include "manager/ctrs.h"
#include "oci/spec.h"
#include "util/cleanup.h"

struct mrd_ctr *mrd_api_find_ctr(struct mrd_req *req)
{
	struct mrd_daemon *d = mrd_req_app(req);
	const char *ref = mrd_req_param(req, "id");
	struct mrd_ctr *c = mrd_ctrs_find(d->ctrs, ref);

	if (c == NULL) {
		if (errno == EINVAL)
			mrd_reply_error(req, 400, "multiple containers match %s: give more of the id", ref);
		else
			mrd_reply_error(req, 404, "No such container: %s", ref);
	}
	return c;
}

static void create(struct mrd_req *req)
{
	struct mrd_daemon *d = mrd_req_app(req);
	cleanup_error struct mr_error *err = NULL;
	struct mr_json *body = mrd_api_body(req, false);
	char **warnings;
	size_t nwarnings;
	struct mrd_ctr *c;
	yajl_gen g;

	if (body == NULL)
		return;
	c = mrd_ctrs_create(d->ctrs, body, mrd_query(req, "name"), &warnings, &nwarnings, &err);
	mr_json_free(body);
	if (c == NULL) {
		mrd_api_reply_err(req, err);
		return;
	}
	g = mr_jw_new();
	mr_jw_obj(g, NULL);
	mr_jw_str(g, "Id", c->id);
	mr_jw_strv(g, "Warnings", warnings ? warnings : (char *[]){NULL}, nwarnings);
	mr_jw_obj_end(g);
	for (size_t i = 0; i < nwarnings; i++)
		free(warnings[i]);
	free(warnings);
	mrd_api_reply_gen(req, 201, g);
}

static void command_line(const struct mrd_ctr *c, char *buf, size_t size)
{
	const char **args;
	size_t n = mrd_spec_args(c->cfg, &args), o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && o + 1 < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? " " : "", args[i]);
	free(args);
}

/* Bytes of the files under path (the upperdir: what the container wrote). */
static int64_t tree_size(int dir_fd, const char *name, int depth)
{
	struct stat st;
	int64_t total = 0;

	if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if (!S_ISDIR(st.st_mode))
		return S_ISREG(st.st_mode) ? st.st_size : 0;
	int fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while (depth < 256 && (de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			total += tree_size(dirfd(d), de->d_name, depth + 1);
	closedir(d);
	return total;
}

int64_t mrd_api_ctr_size_rw(const struct mrd_ctr *c)
{
	cleanup_free char *upper = mrd_ctr_data_path(c, "upper");
	return upper ? tree_size(AT_FDCWD, upper, 0) : 0;
}

void mrd_api_ctr_summary(yajl_gen g, struct mrd_ctr *c, bool with_size)
{
	struct mrd_daemon *d = c->d;
	char cmd[4096], status[128], name[300];
	struct mrd_image *img = mrd_images_find(d->images, c->image_id);

	command_line(c, cmd, sizeof(cmd));
	mrd_ctr_status_text(c, status, sizeof(status));
	snprintf(name, sizeof(name), "/%s", c->name);
	mr_jw_obj(g, NULL);
	mr_jw_str(g, "Id", c->id);
	mr_jw_arr(g, "Names");
	mr_jw_str(g, NULL, name);
	mr_jw_arr_end(g);
	mr_jw_str(g, "Image", c->cfg->image ? c->cfg->image : c->image_id);
	mr_jw_str(g, "ImageID", c->image_id);
	mr_jw_str(g, "Command", cmd);
	mr_jw_int(g, "Created", c->created / 1000000000);
	mr_jw_arr(g, "Ports");
	mr_jw_arr_end(g);
	if (with_size) {
		int64_t rw = mrd_api_ctr_size_rw(c);
		mr_jw_int(g, "SizeRw", rw);
		mr_jw_int(g, "SizeRootFs", rw + (img ? img->size : 0));
	}
	mr_jw_obj(g, "Labels");
	for (size_t i = 0; i < c->cfg->labels.n; i++)
		mr_jw_str(g, c->cfg->labels.k[i], c->cfg->labels.v[i]);
	mr_jw_obj_end(g);
	mr_jw_str(g, "State", mrd_status_name(c->status));
	mr_jw_str(g, "Status", status);
	mr_jw_obj(g, "HostConfig");
	mr_jw_str(g, "NetworkMode", c->cfg->network_mode);
	mr_jw_obj_end(g);
	mr_jw_obj(g, "NetworkSettings");
	mr_jw_obj(g, "Networks");
	mr_jw_obj_end(g);
	mr_jw_obj_end(g);
	mrd_api_ctr_mounts(g, c);
	mr_jw_obj_end(g);
}

void mrd_api_ctr_mounts(yajl_gen g, const struct mrd_ctr *c)
{
	mr_jw_arr(g, "Mounts");
	for (size_t i = 0; i < c->cfg->binds.n; i++) {
		cleanup_free char *b = strdup(c->cfg->binds.v[i]);
		char *dst = strchr(b, ':'), *opts;
		*dst++ = '\0';
		opts = strchr(dst, ':');
		if (opts)
			*opts++ = '\0';
		mr_jw_obj(g, NULL);
		mr_jw_str(g, "Type", "bind");
		mr_jw_str(g, "Source", b);
		mr_jw_str(g, "Destination", dst);
		mr_jw_str(g, "Mode", opts ? opts : "");
		bool rw = true;
		char prop[16] = "rprivate";
		for (char *save = NULL, *o = opts ? strtok_r(opts, ",", &save) : NULL; o; o = strtok_r(NULL, ",", &save)) {
			if (strcmp(o, "ro") == 0)
				rw = false;
			else if (strstr(o, "shared") || strstr(o, "slave") || strstr(o, "private"))
				snprintf(prop, sizeof(prop), "%s", o);
		}
		mr_jw_bool(g, "RW", rw);
		mr_jw_str(g, "Propagation", prop);
		mr_jw_obj_end(g);
	}
	for (size_t i = 0; i < c->cfg->nmounts; i++) {
		const struct mrd_mount *m = &c->cfg->mounts[i];
		mr_jw_obj(g, NULL);
		mr_jw_str(g, "Type", m->type);
		mr_jw_str(g, "Source", m->source ? m->source : "");
		mr_jw_str(g, "Destination", m->target);
		mr_jw_str(g, "Mode", "");
		mr_jw_bool(g, "RW", !m->readonly);
		mr_jw_str(g, "Propagation", strcmp(m->type, "bind") == 0 ? "rprivate" : "");
		mr_jw_obj_end(g);
	}
	mr_jw_arr_end(g);
}

static const char *ctr_label(const char *key, void *data)
{
	return mrd_kvs_get(&((struct mrd_ctr *)data)->cfg->labels, key);
}

static bool id_or_prefix(const struct mrd_filters *f, const char *key, const struct mrd_ctr *c)
{
	size_t n;
	const char *const *v = mrd_filters_get(f, key, &n);
	for (size_t i = 0; i < n; i++)
		if (strncmp(c->id, v[i], strlen(v[i])) == 0)
			return true;
	return n == 0;
}

/* name filters are substrings (Docker: regular expressions; a plain name
 * matches the same) */
static bool name_match(const struct mrd_filters *f, const struct mrd_ctr *c)
{
	size_t n;
	const char *const *v = mrd_filters_get(f, "name", &n);
	for (size_t i = 0; i < n; i++) {
		const char *want = v[i][0] == '/' ? v[i] + 1 : v[i];
		if (want[0] == '^') {
			size_t len = strlen(want + 1);
			bool anchored = len > 0 && want[len] == '$';
			if (strncmp(c->name, want + 1, anchored ? len - 1 : len) == 0 &&
			    (!anchored || strlen(c->name) == len - 1))
				return true;
		} else if (strstr(c->name, want) != NULL) {
			return true;
		}
	}
	return n == 0;
}

static bool ctr_matches(struct mrd_ctr *c, const struct mrd_filters *f)
{
	char code[16];

	snprintf(code, sizeof(code), "%d", c->exit_code);
	if (!mrd_filters_match(f, "status", mrd_status_name(c->status)) || !id_or_prefix(f, "id", c) ||
	    !name_match(f, c) || !mrd_filters_match_labels(f, "label", ctr_label, c) ||
	    !mrd_filters_match_labels(f, "label!", ctr_label, c))
		return false;
	if (mrd_filters_has(f, "exited") && (c->status != MRD_EXITED || !mrd_filters_match(f, "exited", code)))
		return false;
	if (mrd_filters_has(f, "ancestor")) {
		size_t n;
		const char *const *v = mrd_filters_get(f, "ancestor", &n);
		bool ok = false;
		for (size_t i = 0; i < n && !ok; i++) {
			struct mrd_image *img = mrd_images_find(c->d->images, v[i]);
			ok = img != NULL && strcmp(img->id, c->image_id) == 0;
		}
		if (!ok)
			return false;
	}
	if (mrd_filters_has(f, "network") && !mrd_filters_match(f, "network", c->cfg->network_mode))
		return false;
	return true;
}

static bool time_bounds(struct mrd_req *req, const struct mrd_filters *f, int64_t *before, int64_t *since)
{
	struct mrd_daemon *d = mrd_req_app(req);
	const char *keys[] = {"before", "since"};
	int64_t *out[] = {before, since};

	*before = *since = 0;
	for (int k = 0; k < 2; k++) {
		size_t n;
		const char *const *v = mrd_filters_get(f, keys[k], &n);
		for (size_t i = 0; i < n; i++) {
			struct mrd_ctr *ref = mrd_ctrs_find(d->ctrs, v[i]);
			if (ref == NULL) {
				mrd_reply_error(req, 404, "No such container: %s", v[i]);
				return false;
			}
			*out[k] = ref->created;
		}
	}
	return true;
}

static void list(struct mrd_req *req)
{
	static const char *const allowed[] = {"status", "label", "label!", "name", "id", "ancestor", "exited",
					      "before", "since", "network", "health", "volume", "publish", "expose",
					      "isolation", "is-task", NULL};
	struct mrd_daemon *d = mrd_req_app(req);
	cleanup_error struct mr_error *err = NULL;
	struct mrd_filters *f = mrd_filters_parse(mrd_query(req, "filters"), allowed, &err);
	bool all = mrd_query_bool(req, "all"), size = mrd_query_bool(req, "size");
	int64_t limit, before, since;
	size_t n = 0, k = 0;
	yajl_gen g;

	if (f == NULL) {
		mrd_api_reply_err(req, err);
		return;
	}
	if (mrd_query_int(req, "limit", -1, &limit) < 0 || !time_bounds(req, f, &before, &since)) {
		mrd_filters_free(f);
		return;
	}
	if (limit > 0 || before > 0 || since > 0 || mrd_filters_has(f, "status") || mrd_filters_has(f, "exited"))
		all = true;
	cleanup_free struct mrd_ctr **v = calloc(mrd_ctrs_count(d->ctrs) + 1, sizeof(*v));
	for (struct mrd_ctr *c = mrd_ctrs_first(d->ctrs); v && c; c = c->next)
		v[n++] = c;
	g = mr_jw_new();
	mr_jw_arr(g, NULL);
	/* newest first */
	for (size_t i = n; i-- > 0;) {
		struct mrd_ctr *c = v[i];
		if (limit > 0 && k >= (size_t)limit)
			break;
		if ((!all && !mrd_ctr_running(c)) || !ctr_matches(c, f) || (before > 0 && c->created >= before) ||
		    (since > 0 && c->created <= since))
			continue;
		mrd_api_ctr_summary(g, c, size);
		k++;
	}
	mr_jw_arr_end(g);
	mrd_filters_free(f);
	mrd_api_reply_gen(req, 200, g);
}

static void write_state(yajl_gen g, const struct mrd_ctr *c)
{
	mr_jw_obj(g, "State");
	mr_jw_str(g, "Status", mrd_status_name(c->status));
	mr_jw_bool(g, "Running", c->status == MRD_RUNNING || c->status == MRD_PAUSED);
	mr_jw_bool(g, "Paused", c->status == MRD_PAUSED);
	mr_jw_bool(g, "Restarting", c->status == MRD_RESTARTING);
	mr_jw_bool(g, "OOMKilled", c->oom_killed);
	mr_jw_bool(g, "Dead", c->status == MRD_DEAD);
	mr_jw_int(g, "Pid", mrd_ctr_running(c) ? c->pid : 0);
	mr_jw_int(g, "ExitCode", c->exit_code);
	mr_jw_str(g, "Error", c->error ? c->error : "");
	mr_jw_time(g, "StartedAt", c->started_at);
	mr_jw_time(g, "FinishedAt", c->finished_at);
	mr_jw_obj_end(g);
}

static void write_paths(yajl_gen g, const struct mrd_ctr *c)
{
	const char *keys[] = {"ResolvConfPath", "resolv.conf", "HostnamePath", "hostname", "HostsPath", "hosts",
			      "LogPath", "ctr.log"};
	for (int i = 0; i < 8; i += 2) {
		cleanup_free char *p = mrd_ctr_data_path(c, keys[i + 1]);
		mr_jw_str(g, keys[i], p);
	}
}

static void write_graph_driver(yajl_gen g, struct mrd_ctr *c)
{
	struct mrd_image *img = mrd_images_find(c->d->images, c->image_id);
	cleanup_free char *lower = NULL, *merged = mrd_ctr_exec_path(c, "rootfs");
	cleanup_free char *upper = mrd_ctr_data_path(c, "upper"), *work = mrd_ctr_data_path(c, "work");
	size_t len = 0;
	FILE *f = open_memstream(&lower, &len);

	for (size_t i = img ? img->nlayers : 0; f && i-- > 0;) {
		cleanup_free char *p = mrd_layers_diff_path(c->d->layers, img->diff_ids[i]);
		fprintf(f, "%s%s", i + 1 < img->nlayers ? ":" : "", p);
	}
	if (f)
		fclose(f);
	mr_jw_obj(g, "GraphDriver");
	mr_jw_obj(g, "Data");
	mr_jw_str(g, "LowerDir", lower ? lower : "");
	mr_jw_str(g, "MergedDir", merged);
	mr_jw_str(g, "UpperDir", upper);
	mr_jw_str(g, "WorkDir", work);
	mr_jw_obj_end(g);
	mr_jw_str(g, "Name", "overlay2");
	mr_jw_obj_end(g);
}

/* Until networks exist (no bridge yet): dockerd's fields, all empty. */
static void write_network_settings(yajl_gen g)
{
	static const char *const empty[] = {"Bridge", "SandboxID", "LinkLocalIPv6Address", "SandboxKey", "EndpointID",
					    "Gateway", "GlobalIPv6Address", "IPAddress", "IPv6Gateway", "MacAddress",
					    NULL};

	mr_jw_obj(g, "NetworkSettings");
	for (size_t i = 0; empty[i] != NULL; i++)
		mr_jw_str(g, empty[i], "");
	mr_jw_bool(g, "HairpinMode", false);
	mr_jw_int(g, "LinkLocalIPv6PrefixLen", 0);
	mr_jw_int(g, "GlobalIPv6PrefixLen", 0);
	mr_jw_int(g, "IPPrefixLen", 0);
	mr_jw_null(g, "SecondaryIPAddresses");
	mr_jw_null(g, "SecondaryIPv6Addresses");
	mr_jw_obj(g, "Ports");
	mr_jw_obj_end(g);
	mr_jw_obj(g, "Networks");
	mr_jw_obj_end(g);
	mr_jw_obj_end(g);
}

static void inspect(struct mrd_req *req)
{
	struct mrd_ctr *c = mrd_api_find_ctr(req);
	const char **args;
	size_t nargs;
	char name[300];
	yajl_gen g;

	if (c == NULL)
		return;
	g = mr_jw_new();
	nargs = mrd_spec_args(c->cfg, &args);
	snprintf(name, sizeof(name), "/%s", c->name);
	mr_jw_obj(g, NULL);
	mr_jw_str(g, "Id", c->id);
	mr_jw_time(g, "Created", c->created);
	mr_jw_str(g, "Path", nargs ? args[0] : "");
	mr_jw_arr(g, "Args");
	for (size_t i = 1; i < nargs; i++)
		mr_jw_str(g, NULL, args[i]);
	mr_jw_arr_end(g);
	free(args);
	write_state(g, c);
	mr_jw_str(g, "Image", c->image_id);
	write_paths(g, c);
	mr_jw_str(g, "Name", name);
	mr_jw_int(g, "RestartCount", c->restart_count);
	mr_jw_str(g, "Driver", "overlay2");
	mr_jw_str(g, "Platform", "linux");
	mr_jw_str(g, "MountLabel", "");
	mr_jw_str(g, "ProcessLabel", "");
	mr_jw_str(g, "AppArmorProfile", "");
	mrd_api_ctr_exec_ids(g, c);
	mrd_ctr_config_write_host(g, "HostConfig", c->cfg);
	write_graph_driver(g, c);
	if (mrd_query_bool(req, "size")) {
		mr_jw_int(g, "SizeRw", mrd_api_ctr_size_rw(c));
	}
	mrd_api_ctr_mounts(g, c);
	mrd_ctr_config_write_config(g, "Config", c->cfg);
	write_network_settings(g);
	mr_jw_obj_end(g);
	mrd_api_reply_gen(req, 200, g);
}

static void rename_ctr(struct mrd_req *req)
{
	struct mrd_ctr *c = mrd_api_find_ctr(req);
	const char *name = mrd_query(req, "name");
	cleanup_error struct mr_error *err = NULL;

	if (c == NULL)
		return;
	if (name == NULL || *name == '\0') {
		mrd_reply_error(req, 400, "name: the new name is missing");
		return;
	}
	if (mrd_ctr_rename(c, name, &err) < 0) {
		mrd_api_reply_err(req, err);
		return;
	}
	mrd_reply_empty(req, 204);
}

struct changes_out {
	yajl_gen g;
};

static void on_change(const char *path, int kind, void *data)
{
	struct changes_out *o = data;
	mr_jw_obj(o->g, NULL);
	mr_jw_str(o->g, "Path", path);
	mr_jw_int(o->g, "Kind", kind);
	mr_jw_obj_end(o->g);
}

static void changes(struct mrd_req *req)
{
	struct mrd_ctr *c = mrd_api_find_ctr(req);
	cleanup_error struct mr_error *err = NULL;
	struct changes_out o;

	if (c == NULL)
		return;
	o.g = mr_jw_new();
	mr_jw_arr(o.g, NULL);
	if (mrd_ctr_changes(c, on_change, &o, &err) < 0) {
		yajl_gen_free(o.g);
		mrd_api_reply_err(req, err);
		return;
	}
	mr_jw_arr_end(o.g);
	mrd_api_reply_gen(req, 200, o.g);
}

static void top(struct mrd_req *req)
{
	struct mrd_ctr *c = mrd_api_find_ctr(req);
	cleanup_error struct mr_error *err = NULL;
	struct mrd_top t = {0};
	yajl_gen g;

	if (c == NULL)
		return;
	if (!mrd_ctr_running(c) || c->status == MRD_RESTARTING) {
		mrd_reply_error(req, 409, "Container %s is not running", c->id);
		return;
	}
	if (mrd_ctr_top(c, mrd_query(req, "ps_args"), &t, &err) < 0) {
		mrd_api_reply_err(req, err);
		return;
	}
	g = mr_jw_new();
	mr_jw_obj(g, NULL);
	mr_jw_strv(g, "Titles", t.titles, t.ntitles);
	mr_jw_arr(g, "Processes");
	for (size_t i = 0; i < t.nrows; i++)
		mr_jw_strv(g, NULL, t.rows[i], t.ntitles);
	mr_jw_arr_end(g);
	mr_jw_obj_end(g);
	mrd_top_clear(&t);
	mrd_api_reply_gen(req, 200, g);
}

struct prune_job {
	struct mrd_req *req;
	yajl_gen g;
	struct mrd_ctr **todo;
	size_t n, next;
	int64_t reclaimed;
	char **ids;
};

static void prune_next(void *data, const struct mr_error *err);

static void prune_step(struct prune_job *p)
{
	while (p->next < p->n) {
		struct mrd_ctr *c = p->todo[p->next];
		p->ids[p->next] = strdup(c->id);
		p->reclaimed += mrd_api_ctr_size_rw(c);
		p->next++;
		mrd_ctr_remove(c, false, false, prune_next, p);
		return;
	}
	mr_jw_arr(p->g, "ContainersDeleted");
	for (size_t i = 0; i < p->n; i++)
		if (p->ids[i] != NULL)
			mr_jw_str(p->g, NULL, p->ids[i]);
	mr_jw_arr_end(p->g);
	mr_jw_int(p->g, "SpaceReclaimed", p->reclaimed);
	mr_jw_obj_end(p->g);
	mrd_api_reply_gen(p->req, 200, p->g);
	for (size_t i = 0; i < p->n; i++)
		free(p->ids[i]);
	free(p->ids);
	free(p->todo);
	free(p);
}

static void prune_next(void *data, const struct mr_error *err)
{
	struct prune_job *p = data;
	if (err != NULL) {
		free(p->ids[p->next - 1]);
		p->ids[p->next - 1] = NULL;
	}
	prune_step(p);
}

static void prune(struct mrd_req *req)
{
	static const char *const allowed[] = {"label", "label!", "until", NULL};
	struct mrd_daemon *d = mrd_req_app(req);
	cleanup_error struct mr_error *err = NULL;
	struct mrd_filters *f = mrd_filters_parse(mrd_query(req, "filters"), allowed, &err);
	struct prune_job *p;

	if (f == NULL) {
		mrd_api_reply_err(req, err);
		return;
	}
	p = calloc(1, sizeof(*p));
	p->req = req;
	p->todo = calloc(mrd_ctrs_count(d->ctrs) + 1, sizeof(*p->todo));
	p->ids = calloc(mrd_ctrs_count(d->ctrs) + 1, sizeof(char *));
	for (struct mrd_ctr *c = mrd_ctrs_first(d->ctrs); c; c = c->next)
		if ((c->status == MRD_EXITED || c->status == MRD_CREATED || c->status == MRD_DEAD) &&
		    mrd_filters_match_labels(f, "label", ctr_label, c) && mrd_filters_match_labels(f, "label!", ctr_label, c))
			p->todo[p->n++] = c;
	mrd_filters_free(f);
	p->g = mr_jw_new();
	mr_jw_obj(p->g, NULL);
	prune_step(p);
}

struct update_job {
	struct mrd_req *req;
};

static void updated(void *data, const struct mr_error *err)
{
	struct mrd_req *req = data;
	yajl_gen g;

	if (err != NULL) {
		mrd_api_reply_err(req, err);
		return;
	}
	g = mr_jw_new();
	mr_jw_obj(g, NULL);
	mr_jw_arr(g, "Warnings");
	mr_jw_arr_end(g);
	mr_jw_obj_end(g);
	mrd_api_reply_gen(req, 200, g);
}

static void update(struct mrd_req *req)
{
	struct mrd_ctr *c = mrd_api_find_ctr(req);
	struct mr_json *body;

	if (c == NULL)
		return;
	body = mrd_api_body(req, false);
	if (body == NULL)
		return;
	mrd_ctr_update(c, body, updated, req);
	mr_json_free(body);
}

static const struct mrd_route routes[] = {
	{"POST", "/containers/create", MRD_BODY_JSON, create},
	{"GET", "/containers/json", MRD_BODY_NONE, list},
	{"POST", "/containers/prune", MRD_BODY_NONE, prune},
	{"GET", "/containers/{id}/json", MRD_BODY_NONE, inspect},
	{"POST", "/containers/{id}/rename", MRD_BODY_NONE, rename_ctr},
	{"POST", "/containers/{id}/update", MRD_BODY_JSON, update},
	{"GET", "/containers/{id}/changes", MRD_BODY_NONE, changes},
	{"GET", "/containers/{id}/top", MRD_BODY_NONE, top},
	{NULL, NULL, 0, NULL},
};

const struct mrd_route_table mrd_api_containers = {routes};
