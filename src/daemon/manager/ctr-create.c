/* create: the body is checked, merged with the image's config (as dockerd
 * merges it), and recorded; the container's directories are made. Also
 * rename and update, which only change records. */
#include "manager/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "fsutil.h"
#include "image/images.h"
#include "image/layers.h"
#include "util/jsonw.h"
#include "loop.h"
#include "oci/spec.h"
#include "store/store.h"
#include "util/cleanup.h"

static bool name_ok(const char *n)
{
	if (!((*n >= 'a' && *n <= 'z') || (*n >= 'A' && *n <= 'Z') || (*n >= '0' && *n <= '9')))
		return false;
	for (const char *p = n + 1; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		      *p == '.' || *p == '-'))
			return false;
	return strlen(n) >= 2 && strlen(n) <= 253;
}

static int check_name(struct mrd_ctrs *cs, const char *name, const struct mrd_ctr *self, struct mr_error **err)
{
	if (!name_ok(name))
		return mr_error_set(err, EINVAL, "Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
				    name);
	for (struct mrd_ctr *c = mrd_ctrs_first(cs); c; c = c->next)
		if (c != self && strcmp(c->name, name) == 0)
			return mr_error_set(err, EEXIST,
					    "Conflict. The container name \"/%s\" is already in use by container \"%s\". You have to remove (or rename) that container to be able to reuse that name.",
					    name, c->id);
	return 0;
}

static const char *const adjectives[] = {
	"brave", "calm", "clever", "eager", "fond", "gentle", "happy", "jolly", "keen", "kind", "lucid", "merry",
	"nimble", "proud", "quick", "quiet", "sharp", "steady", "sunny", "swift", "tidy", "vivid", "warm", "witty",
};
static const char *const nouns[] = {
	"otter", "heron", "lynx", "badger", "falcon", "marten", "beaver", "ibex", "puffin", "stoat", "plover", "hare",
	"wren", "vole", "bison", "crane", "gecko", "koala", "lemur", "newt", "okapi", "raven", "tapir", "yak",
};

static char *make_name(struct mrd_ctrs *cs)
{
	char name[64];
	unsigned r;

	for (int attempt = 0; attempt < 16; attempt++) {
		if (getrandom(&r, sizeof(r), 0) != sizeof(r))
			r = (unsigned)random();
		snprintf(name, sizeof(name), "%s_%s", adjectives[r % 24], nouns[(r / 24) % 24]);
		if (attempt > 4)
			snprintf(name + strlen(name), sizeof(name) - strlen(name), "%u", (r >> 16) % 1000);
		if (check_name(cs, name, NULL, NULL) == 0)
			return strdup(name);
	}
	return NULL;
}

static void make_id(char id[65])
{
	unsigned char b[32];
	if (getrandom(b, sizeof(b), 0) != sizeof(b))
		for (size_t i = 0; i < sizeof(b); i++)
			b[i] = (unsigned char)random();
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(id + 2 * i, 3, "%02x", b[i]);
}

/* ---- merging the image's config in */

static int strv_from_json(struct mrd_strv *out, const struct mr_json *arr)
{
	if (arr == NULL || arr->kind != MR_JSON_ARRAY)
		return 0;
	mrd_strv_clear(out);
	out->set = true;
	for (size_t i = 0; i < arr->len; i++)
		if (arr->items[i]->kind == MR_JSON_STRING && mrd_strv_push(out, arr->items[i]->text) < 0)
			return -1;
	return 0;
}

static const char *img_str(const struct mrd_image *img, const char *key)
{
	const struct mr_json *v = mrd_image_config(img, key);
	return v != NULL && v->kind == MR_JSON_STRING && v->len > 0 ? v->text : NULL;
}

static bool env_key_in(const struct mrd_strv *env, const char *kv)
{
	size_t n = strcspn(kv, "=");
	for (size_t i = 0; i < env->n; i++)
		if (strncmp(env->v[i], kv, n) == 0 && (env->v[i][n] == '=' || env->v[i][n] == '\0'))
			return true;
	return false;
}

static int merge_env(struct mrd_ctr_config *c, const struct mrd_image *img)
{
	const struct mr_json *ienv = mrd_image_config(img, "Env");
	struct mrd_strv merged = {0};

	if (ienv == NULL || ienv->kind != MR_JSON_ARRAY)
		return 0;
	for (size_t i = 0; i < ienv->len; i++)
		if (ienv->items[i]->kind == MR_JSON_STRING && !env_key_in(&c->env, ienv->items[i]->text) &&
		    mrd_strv_push(&merged, ienv->items[i]->text) < 0)
			return -1;
	for (size_t i = 0; i < c->env.n; i++)
		if (mrd_strv_push(&merged, c->env.v[i]) < 0)
			return -1;
	merged.set = true;
	mrd_strv_clear(&c->env);
	c->env = merged;
	return 0;
}

static int merge_keys(struct mrd_strv *dst, const struct mr_json *obj)
{
	if (obj == NULL || obj->kind != MR_JSON_OBJECT)
		return 0;
	for (size_t i = 0; i < obj->len; i++) {
		bool have = false;
		for (size_t k = 0; k < dst->n; k++)
			have |= strcmp(dst->v[k], obj->keys[i]) == 0;
		if (!have && mrd_strv_push(dst, obj->keys[i]) < 0)
			return -1;
		dst->set = true;
	}
	return 0;
}

static int merge_image(struct mrd_ctr_config *c, const struct mrd_image *img)
{
	const struct mr_json *labels = mrd_image_config(img, "Labels");

	if ((c->user == NULL || !*c->user) && img_str(img, "User")) {
		free(c->user);
		c->user = strdup(img_str(img, "User"));
	}
	if ((c->workdir == NULL || !*c->workdir) && img_str(img, "WorkingDir")) {
		free(c->workdir);
		c->workdir = strdup(img_str(img, "WorkingDir"));
	}
	if (c->stop_signal == NULL && img_str(img, "StopSignal"))
		c->stop_signal = strdup(img_str(img, "StopSignal"));
	if (merge_env(c, img) < 0 || merge_keys(&c->exposed, mrd_image_config(img, "ExposedPorts")) < 0 ||
	    merge_keys(&c->volumes, mrd_image_config(img, "Volumes")) < 0)
		return -1;
	/* image labels first, the container's win */
	if (labels != NULL && labels->kind == MR_JSON_OBJECT)
		for (size_t i = 0; i < labels->len; i++)
			if (labels->items[i]->kind == MR_JSON_STRING && mrd_kvs_get(&c->labels, labels->keys[i]) == NULL &&
			    mrd_kvs_set(&c->labels, labels->keys[i], labels->items[i]->text) < 0)
				return -1;
	/* Entrypoint [""] resets the image's; no Entrypoint takes the image's
	 * and, with no Cmd either, its Cmd */
	if (c->entrypoint.n == 1 && c->entrypoint.v[0][0] == '\0') {
		mrd_strv_clear(&c->entrypoint);
		c->entrypoint.set = true;
	} else if (c->entrypoint.n == 0) {
		if (c->cmd.n == 0 && strv_from_json(&c->cmd, mrd_image_config(img, "Cmd")) < 0)
			return -1;
		if (!c->entrypoint.set && strv_from_json(&c->entrypoint, mrd_image_config(img, "Entrypoint")) < 0)
			return -1;
	}
	return 0;
}

int mrd_ctr_make_dirs(struct mrd_ctr *c, struct mr_error **err)
{
	static const char *const data[] = {"", "upper", "work", NULL};
	static const char *const exec[] = {"", "rootfs", NULL};

	for (size_t i = 0; data[i]; i++) {
		cleanup_free char *p = mrd_ctr_data_path(c, data[i]);
		if (p == NULL || (mkdir(p, 0700) < 0 && errno != EEXIST))
			return mr_error_sys(err, errno, "mkdir %s", p ? p : data[i]);
	}
	for (size_t i = 0; exec[i]; i++) {
		cleanup_free char *p = mrd_ctr_exec_path(c, exec[i]);
		if (p == NULL || (mkdir(p, 0700) < 0 && errno != EEXIST))
			return mr_error_sys(err, errno, "mkdir %s", p ? p : exec[i]);
	}
	return 0;
}

static int write_in(struct mrd_ctr *c, const char *name, const char *text, struct mr_error **err)
{
	cleanup_free char *p = mrd_ctr_data_path(c, name);
	return p ? mrd_write_file(p, text, strlen(text), 0644, err) : mr_error_set(err, ENOMEM, "out of memory");
}

/* /etc/hostname, /etc/hosts, /etc/resolv.conf of the container, bound over
 * the image's (as Docker does). With the host's network, the host's. */
int mrd_ctr_write_etc_files(struct mrd_ctr *c, struct mr_error **err)
{
	char host[256] = "", line[1024];
	cleanup_free char *hosts = NULL, *resolv = NULL;
	size_t len;
	bool host_net = strcmp(c->cfg->network_mode, "host") == 0;

	if (c->cfg->hostname && *c->cfg->hostname)
		snprintf(host, sizeof(host), "%s", c->cfg->hostname);
	else if (host_net)
		gethostname(host, sizeof(host) - 1);
	else
		snprintf(host, sizeof(host), "%.12s", c->id);
	snprintf(line, sizeof(line), "%s\n", host);
	if (write_in(c, "hostname", line, err) < 0)
		return -1;
	if (host_net && (hosts = mrd_read_file("/etc/hosts", 1 << 20, &len, NULL)) != NULL) {
		if (write_in(c, "hosts", hosts, err) < 0)
			return -1;
	} else {
		cleanup_free char *text = NULL;
		if (asprintf(&text, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t%s\n",
			     host) < 0 || write_in(c, "hosts", text, err) < 0)
			return mr_error_set(err, errno ? errno : ENOMEM, "write hosts");
	}
	resolv = mrd_read_file("/etc/resolv.conf", 1 << 20, &len, NULL);
	/* a loopback resolver of the host is not reachable from a network
	 * namespace of its own: none is better than a dead one */
	if (resolv == NULL || (!host_net && strstr(resolv, "nameserver 127.") != NULL)) {
		free(resolv);
		resolv = strdup("");
	}
	if (c->cfg->dns.n > 0 || c->cfg->dns_search.n > 0 || c->cfg->dns_options.n > 0) {
		free(resolv);
		resolv = NULL;
		FILE *f = open_memstream(&resolv, &len);
		for (size_t i = 0; f && i < c->cfg->dns.n; i++)
			fprintf(f, "nameserver %s\n", c->cfg->dns.v[i]);
		for (size_t i = 0; f && i < c->cfg->dns_search.n; i++)
			fprintf(f, "%s%s", i ? " " : "search ", c->cfg->dns_search.v[i]);
		if (f && c->cfg->dns_search.n)
			fputc('\n', f);
		for (size_t i = 0; f && i < c->cfg->dns_options.n; i++)
			fprintf(f, "%s%s", i ? " " : "options ", c->cfg->dns_options.v[i]);
		if (f && c->cfg->dns_options.n)
			fputc('\n', f);
		if (f)
			fclose(f);
	}
	return write_in(c, "resolv.conf", resolv ? resolv : "", err);
}

int mrd_ctr_remove_files(struct mrd_ctr *c, struct mr_error **err)
{
	cleanup_free char *data = mrd_ctr_data_path(c, NULL), *exec = mrd_ctr_exec_path(c, NULL);
	if (data == NULL || exec == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	if (mrd_remove_tree(AT_FDCWD, exec, err) < 0)
		return -1;
	return mrd_remove_tree(AT_FDCWD, data, err);
}

/* The upperdir is the root of the container's overlay: it takes the mode
 * and owner of the image's root, as dockerd's does (not our 0700). */
static int upper_like_image(struct mrd_ctr *c, const struct mrd_image *img, struct mr_error **err)
{
	cleanup_free char *upper = mrd_ctr_data_path(c, "upper"), *top = NULL;
	struct stat st = {.st_mode = 0755};

	if (upper == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	if (img->nlayers > 0) {
		top = mrd_layers_diff_path(c->d->layers, img->diff_ids[img->nlayers - 1]);
		if (top == NULL || stat(top, &st) < 0)
			return mr_error_sys(err, top ? errno : ENOMEM, "image %.12s: its top layer", img->id);
	}
	if (chown(upper, st.st_uid, st.st_gid) < 0 || chmod(upper, st.st_mode & 07777) < 0)
		return mr_error_sys(err, errno, "%s", upper);
	return 0;
}

static int add_warning(char ***warnings, size_t *n, const char *msg, struct mr_error **err)
{
	char **w = realloc(*warnings, (*n + 1) * sizeof(*w));

	if (w == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	*warnings = w;
	if ((w[*n] = strdup(msg)) == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	(*n)++;
	return 0;
}

/* What the host cannot do, as dockerd takes it: a warning, and the config
 * says what the container gets. */
static int host_limits(struct mrd_ctr_config *c, char ***warnings, size_t *n, struct mr_error **err)
{
	if (c->res.memory > 0 && c->res.memory_swap != -1 && !mrd_host_swap_limit()) {
		c->res.memory_swap = -1;
		if (add_warning(warnings, n,
				"Your kernel does not support swap limit capabilities or the cgroup is not mounted. "
				"Memory limited without swap.",
				err) < 0)
			return -1;
	}
	if (c->res.kernel_memory_tcp != 0 && mrd_host_cgroup_v2()) {
		c->res.kernel_memory_tcp = 0;
		if (add_warning(warnings, n,
				"Your kernel does not support kernel memory TCP limit capabilities. Limitation discarded.",
				err) < 0)
			return -1;
	}
	return 0;
}

struct mrd_ctr *mrd_ctrs_create(struct mrd_ctrs *cs, const struct mr_json *body, const char *name,
				char ***warnings, size_t *nwarnings, struct mr_error **err)
{
	struct mrd_daemon *d = cs->d;
	struct mrd_ctr *c = calloc(1, sizeof(*c));
	struct mrd_image *img;

	*warnings = NULL;
	*nwarnings = 0;
	if (c == NULL) {
		mr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	c->d = d;
	c->cfg = mrd_ctr_config_parse(body, err);
	if (c->cfg == NULL)
		goto fail;
	if (c->cfg->image == NULL || !*c->cfg->image) {
		mr_error_set(err, EINVAL, "Image: no image given");
		goto fail;
	}
	img = mrd_images_find(d->images, c->cfg->image);
	if (img == NULL) {
		mr_error_set(err, errno == EINVAL ? EINVAL : ENOENT, "No such image: %s", c->cfg->image);
		goto fail;
	}
	if (merge_image(c->cfg, img) < 0) {
		mr_error_set(err, ENOMEM, "out of memory");
		goto fail;
	}
	if (c->cfg->cgroupns_mode == NULL || !*c->cfg->cgroupns_mode) {
		/* as dockerd: the mode is decided at create, by the host */
		free(c->cfg->cgroupns_mode);
		c->cfg->cgroupns_mode = strdup(mrd_host_cgroup_v2() ? "private" : "host");
	}
	if (mrd_spec_check(c->cfg, err) < 0 || host_limits(c->cfg, warnings, nwarnings, err) < 0)
		goto fail;
	if (name != NULL && *name) {
		if (name[0] == '/')
			name++;
		if (check_name(cs, name, NULL, err) < 0)
			goto fail;
		c->name = strdup(name);
	} else {
		c->name = make_name(cs);
	}
	make_id(c->id);
	if (c->name == NULL)
		c->name = strndup(c->id, 12);
	snprintf(c->image_id, sizeof(c->image_id), "%s", img->id);
	c->created = mrd_now_real_ns();
	c->status = MRD_CREATED;
	c->record = mrd_ctr_config_record(c->cfg);
	/* hostname, hosts and resolv.conf are written at each start, as dockerd does */
	if (c->record == NULL || mrd_ctr_make_dirs(c, err) < 0 || upper_like_image(c, img, err) < 0)
		goto undo;
	struct mrd_ctr_row row = {c->id, c->created, c->image_id, c->record};
	struct mrd_ctr_state_row st = {.name = c->name, .status = "created", .error = "", .updates = "{}"};
	if (mrd_store_begin(d->store, err) < 0)
		goto undo;
	if (mrd_store_ctr_insert(d->store, &row, &st, err) < 0) {
		mrd_store_rollback(d->store);
		goto undo;
	}
	if (mrd_store_commit(d->store, err) < 0 || mrd_ctr_save(c, err) < 0)
		goto undo;
	mrd_ctrs_link(cs, c);
	mrd_ctr_event(c, "create", NULL);
	return c;
undo:
	mrd_ctr_remove_files(c, NULL);
fail:
	mrd_ctr_free(c);
	for (size_t i = 0; i < *nwarnings; i++)
		free((*warnings)[i]);
	free(*warnings);
	*warnings = NULL;
	*nwarnings = 0;
	return NULL;
}

int mrd_ctr_rename(struct mrd_ctr *c, const char *name, struct mr_error **err)
{
	char *old = c->name, *copy;
	const char *attrs[] = {"oldName", NULL, NULL};

	if (name[0] == '/')
		name++;
	if (strcmp(name, c->name) == 0)
		return mr_error_set(err, EINVAL, "Renaming a container with the same name as its current name");
	if (check_name(c->d->ctrs, name, c, err) < 0 || (copy = strdup(name)) == NULL)
		return -1;
	c->name = copy;
	if (mrd_ctr_save(c, err) < 0) {
		c->name = old;
		free(copy);
		return -1;
	}
	char oldname[300];
	snprintf(oldname, sizeof(oldname), "/%s", old);
	attrs[1] = oldname;
	free(old);
	mrd_ctr_event(c, "rename", attrs);
	return 0;
}
