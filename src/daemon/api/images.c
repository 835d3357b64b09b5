/* /images: list, inspect, history, tag, remove, prune, load, save, import. */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "api/filters.h"
#include "fsutil.h"
#include "image/archive.h"
#include "image/images.h"
#include "image/layers.h"
#include "times.h"
#include "util/jsonw.h"
#include "manager/ctrs.h"
#include "manager/events.h"
#include "util/cleanup.h"

static struct mrd_image *find_or_404(struct mrd_req *req, const char *name)
{
	struct mrd_daemon *d = mrd_req_app(req);
	struct mrd_image *img = mrd_images_find(d->images, name);

	if (img == NULL)
		mrd_reply_error(req, errno == EINVAL ? 400 : 404, "No such image: %s", name);
	return img;
}

static int64_t image_created(const struct mrd_image *img)
{
	int64_t t = mrd_parse_time(mrd_image_str(img, "created"));
	return t > 0 ? t : img->loaded;
}

static bool tag_matches(const char *tag, const char *const *pats, size_t n)
{
	char repo[512];

	snprintf(repo, sizeof(repo), "%.*s", (int)(strrchr(tag, ':') - tag), tag);
	for (size_t p = 0; p < n; p++)
		if (fnmatch(pats[p], tag, 0) == 0 || fnmatch(pats[p], repo, 0) == 0)
			return true;
	return false;
}

/* refs: the reference filter's patterns (n 0: every tag is listed). */
static void image_summary(yajl_gen g, struct mrd_daemon *d, const struct mrd_image *img, const char *const *refs,
			  size_t nrefs)
{
	const struct mr_json *labels = mrd_image_config(img, "Labels");
	int containers = 0;

	for (struct mrd_ctr *c = mrd_ctrs_first(d->ctrs); c; c = c->next)
		containers += strcmp(c->image_id, img->id) == 0;
	mr_jw_obj(g, NULL);
	mr_jw_str(g, "Id", img->id);
	mr_jw_str(g, "ParentId", "");
	mr_jw_arr(g, "RepoTags");
	for (size_t i = 0; i < img->ntags; i++)
		if (nrefs == 0 || tag_matches(img->tags[i], refs, nrefs))
			mr_jw_str(g, NULL, img->tags[i]);
	if (img->ntags == 0)
		mr_jw_str(g, NULL, "<none>:<none>");
	mr_jw_arr_end(g);
	mr_jw_arr(g, "RepoDigests");
	if (img->ntags == 0)
		mr_jw_str(g, NULL, "<none>@<none>");
	mr_jw_arr_end(g);
	mr_jw_int(g, "Created", image_created(img) / 1000000000);
	mr_jw_int(g, "Size", img->size);
	mr_jw_int(g, "VirtualSize", img->size);
	mr_jw_int(g, "SharedSize", -1);
	mr_jw_tree(g, "Labels", labels && labels->kind == MR_JSON_OBJECT ? labels : NULL);
	mr_jw_int(g, "Containers", containers);
	mr_jw_obj_end(g);
}

void mrd_api_image_summary(yajl_gen g, struct mrd_daemon *d, const struct mrd_image *img)
{
	image_summary(g, d, img, NULL, 0);
}

static const char *image_label(const char *key, void *data)
{
	const struct mr_json *v = mr_json_get(mrd_image_config(data, "Labels"), key);
	return v != NULL && v->kind == MR_JSON_STRING ? v->text : NULL;
}

static bool reference_matches(const struct mrd_image *img, const struct mrd_filters *f)
{
	size_t n;
	const char *const *pats = mrd_filters_get(f, "reference", &n);

	if (n == 0)
		return true;
	for (size_t t = 0; t < img->ntags; t++)
		if (tag_matches(img->tags[t], pats, n))
			return true;
	return false;
}

/* before= and since= name images; the list is in load order. */
static bool time_filter(struct mrd_req *req, struct mrd_filters *f, const struct mrd_image *img, bool *bad)
{
	struct mrd_daemon *d = mrd_req_app(req);
	const char *keys[] = {"before", "since"};

	for (int k = 0; k < 2; k++) {
		size_t n;
		const char *const *v = mrd_filters_get(f, keys[k], &n);
		for (size_t i = 0; i < n; i++) {
			struct mrd_image *ref = mrd_images_find(d->images, v[i]);
			if (ref == NULL) {
				*bad = true;
				mrd_reply_error(req, 404, "No such image: %s", v[i]);
				return false;
			}
			if (k == 0 ? image_created(img) >= image_created(ref) : image_created(img) <= image_created(ref))
				return false;
		}
	}
	return true;
}

static void list(struct mrd_req *req)
{
	static const char *const allowed[] = {"dangling", "label", "label!", "reference", "before", "since", NULL};
	struct mrd_daemon *d = mrd_req_app(req);
	cleanup_error struct mr_error *err = NULL;
	struct mrd_filters *f = mrd_filters_parse(mrd_query(req, "filters"), allowed, &err);
	yajl_gen g;
	bool bad = false;

	if (f == NULL) {
		mrd_api_reply_err(req, err);
		return;
	}
	size_t nd;
	const char *const *dangling = mrd_filters_get(f, "dangling", &nd);
	if (nd > 0 && strcmp(dangling[0], "true") != 0 && strcmp(dangling[0], "false") != 0) {
		mrd_filters_free(f);
		mrd_reply_error(req, 400, "invalid filter 'dangling=%s'", dangling[0]);
		return;
	}
	g = mr_jw_new();
	mr_jw_arr(g, NULL);
	for (struct mrd_image *i = mrd_images_first(d->images); i && !bad; i = i->next) {
		if (nd > 0 && (strcmp(dangling[0], "true") == 0) != (i->ntags == 0))
			continue;
		if (!reference_matches(i, f) || !mrd_filters_match_labels(f, "label", image_label, i) ||
		    !mrd_filters_match_labels(f, "label!", image_label, i) || !time_filter(req, f, i, &bad))
			continue;
		size_t nrefs;
		const char *const *refs = mrd_filters_get(f, "reference", &nrefs);
		image_summary(g, d, i, refs, nrefs);
	}
	mr_jw_arr_end(g);
	mrd_filters_free(f);
	if (bad)
		yajl_gen_free(g);
	else
		mrd_api_reply_gen(req, 200, g);
}

static void inspect(struct mrd_req *req)
{
	struct mrd_daemon *d = mrd_req_app(req);
	struct mrd_image *img = find_or_404(req, mrd_req_param(req, "name"));
	const char *keys[] = {"Comment", "comment", "DockerVersion", "docker_version", "Author", "author"};
	yajl_gen g;

	if (img == NULL)
		return;
	g = mr_jw_new();
	mr_jw_obj(g, NULL);
	mr_jw_str(g, "Id", img->id);
	mr_jw_strv(g, "RepoTags", img->tags, img->ntags);
	mr_jw_arr(g, "RepoDigests");
	mr_jw_arr_end(g);
	mr_jw_str(g, "Parent", "");
	for (int k = 0; k < 6; k += 2) {
		const char *v = mrd_image_str(img, keys[k + 1]);
		mr_jw_str(g, keys[k], v ? v : "");
	}
	mr_jw_str(g, "Created", mrd_image_str(img, "created") ? mrd_image_str(img, "created") : "");
	mr_jw_str(g, "Container", "");
	mr_jw_tree(g, "ContainerConfig", mr_json_get(img->cfg, "container_config"));
	mr_jw_tree(g, "Config", mr_json_get(img->cfg, "config"));
	mr_jw_str(g, "Architecture", mrd_image_str(img, "architecture") ? mrd_image_str(img, "architecture") : "");
	if (mrd_image_str(img, "variant"))
		mr_jw_str(g, "Variant", mrd_image_str(img, "variant"));
	mr_jw_str(g, "Os", mrd_image_str(img, "os") ? mrd_image_str(img, "os") : "linux");
	mr_jw_int(g, "Size", img->size);
	mr_jw_int(g, "VirtualSize", img->size);
	mr_jw_obj(g, "GraphDriver");
	mr_jw_obj(g, "Data");
	{
		cleanup_free char *lower = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&lower, &len);
		for (size_t i = img->nlayers; f && i-- > 0;) {
			cleanup_free char *p = mrd_layers_diff_path(d->layers, img->diff_ids[i]);
			fprintf(f, "%s%s", i + 1 < img->nlayers ? ":" : "", p);
		}
		if (f)
			fclose(f);
		mr_jw_str(g, "LowerDir", lower ? lower : "");
	}
	mr_jw_obj_end(g);
	mr_jw_str(g, "Name", "overlay2");
	mr_jw_obj_end(g);
	mr_jw_obj(g, "RootFS");
	mr_jw_str(g, "Type", "layers");
	mr_jw_strv(g, "Layers", img->diff_ids, img->nlayers);
	mr_jw_obj_end(g);
	mr_jw_obj(g, "Metadata");
	mr_jw_time(g, "LastTagTime", 0);
	mr_jw_obj_end(g);
	mr_jw_obj_end(g);
	mrd_api_reply_gen(req, 200, g);
}

static void history(struct mrd_req *req)
{
	struct mrd_image *img = find_or_404(req, mrd_req_param(req, "name"));
	const struct mr_json *h;
	yajl_gen g;

	if (img == NULL)
		return;
	h = mr_json_get(img->cfg, "history");
	g = mr_jw_new();
	mr_jw_arr(g, NULL);
	for (size_t i = h && h->kind == MR_JSON_ARRAY ? h->len : 0; i-- > 0;) {
		const struct mr_json *e = h->items[i];
		const struct mr_json *by = mr_json_get(e, "created_by"), *comment = mr_json_get(e, "comment");
		const struct mr_json *created = mr_json_get(e, "created");
		mr_jw_obj(g, NULL);
		mr_jw_str(g, "Id", i + 1 == h->len ? img->id : "<missing>");
		mr_jw_int(g, "Created", mrd_parse_time(created && created->kind == MR_JSON_STRING ? created->text : NULL) /
					     1000000000);
		mr_jw_str(g, "CreatedBy", by && by->kind == MR_JSON_STRING ? by->text : "");
		if (i + 1 == h->len)
			mr_jw_strv(g, "Tags", img->tags, img->ntags);
		else
			mr_jw_null(g, "Tags");
		mr_jw_int(g, "Size", i == 0 ? img->size : 0);
		mr_jw_str(g, "Comment", comment && comment->kind == MR_JSON_STRING ? comment->text : "");
		mr_jw_obj_end(g);
	}
	mr_jw_arr_end(g);
	mrd_api_reply_gen(req, 200, g);
}

static void tag(struct mrd_req *req)
{
	struct mrd_daemon *d = mrd_req_app(req);
	struct mrd_image *img = find_or_404(req, mrd_req_param(req, "name"));
	const char *repo = mrd_query(req, "repo");
	cleanup_free char *t = NULL;
	cleanup_error struct mr_error *err = NULL;
	const char *attrs[] = {"name", NULL, NULL};

	if (img == NULL)
		return;
	if (repo == NULL || *repo == '\0') {
		mrd_reply_error(req, 400, "repo: missing (the name to tag the image with)");
		return;
	}
	if (mrd_ref_join(repo, mrd_query(req, "tag"), &t, &err) < 0 || mrd_images_tag(d->images, img, t, &err) < 0) {
		mrd_api_reply_err(req, err);
		return;
	}
	attrs[1] = t;
	mrd_events_emit(d->events, "image", "tag", img->id, attrs);
	mrd_reply_empty(req, 201);
}

static int using_container(struct mrd_daemon *d, const struct mrd_image *img, char *id12)
{
	for (struct mrd_ctr *c = mrd_ctrs_first(d->ctrs); c; c = c->next)
		if (strcmp(c->image_id, img->id) == 0) {
			memcpy(id12, c->id, 12);
			id12[12] = '\0';
			return 1;
		}
	return 0;
}

static int delete_image(struct mrd_daemon *d, struct mrd_image *img, yajl_gen g, struct mr_error **err)
{
	char id[MRD_DIGEST_LEN + 1];
	const char *attrs[] = {"name", NULL, NULL};

	snprintf(id, sizeof(id), "%s", img->id);
	while (img->ntags > 0) {
		cleanup_free char *t = strdup(img->tags[0]);
		if (t == NULL || mrd_images_untag(d->images, img, t, err) < 0)
			return -1;
		mr_jw_obj(g, NULL);
		mr_jw_str(g, "Untagged", t);
		mr_jw_obj_end(g);
		attrs[1] = t;
		mrd_events_emit(d->events, "image", "untag", id, attrs);
	}
	if (mrd_images_remove(d->images, img, err) < 0)
		return -1;
	mr_jw_obj(g, NULL);
	mr_jw_str(g, "Deleted", id);
	mr_jw_obj_end(g);
	mrd_events_emit(d->events, "image", "delete", id, NULL);
	return 0;
}

static void rmi(struct mrd_req *req)
{
	struct mrd_daemon *d = mrd_req_app(req);
	const char *name = mrd_req_param(req, "name");
	struct mrd_image *img = find_or_404(req, name);
	cleanup_free char *t = NULL;
	cleanup_error struct mr_error *err = NULL;
	bool force = mrd_query_bool(req, "force"), by_tag = false;
	char id12[13];
	yajl_gen g;

	if (img == NULL)
		return;
	if (mrd_ref_normalize(name, &t, &err) == 0)
		for (size_t i = 0; i < img->ntags; i++)
			by_tag |= strcmp(img->tags[i], t) == 0;
	g = mr_jw_new();
	mr_jw_arr(g, NULL);
	if (by_tag && img->ntags > 1) {
		const char *attrs[] = {"name", t, NULL};
		if (mrd_images_untag(d->images, img, t, &err) < 0)
			goto fail;
		mr_jw_obj(g, NULL);
		mr_jw_str(g, "Untagged", t);
		mr_jw_obj_end(g);
		mrd_events_emit(d->events, "image", "untag", img->id, attrs);
	} else if (using_container(d, img, id12)) {
		yajl_gen_free(g);
		if (by_tag)
			mrd_reply_error(req, 409,
					"conflict: unable to remove repository reference \"%s\" (must force) - container %s is using its referenced image %.12s",
					name, id12, img->id + 7);
		else
			mrd_reply_error(req, 409, "conflict: unable to delete %.12s (cannot be forced) - image is being used by container %s",
					img->id + 7, id12);
		return;
	} else if (!by_tag && img->ntags > 1 && !force) {
		yajl_gen_free(g);
		mrd_reply_error(req, 409, "conflict: unable to delete %.12s (must be forced) - image is referenced in multiple repositories",
				img->id + 7);
		return;
	} else if (delete_image(d, img, g, &err) < 0) {
		goto fail;
	}
	mr_jw_arr_end(g);
	mrd_api_reply_gen(req, 200, g);
	return;
fail:
	yajl_gen_free(g);
	mrd_api_reply_err(req, err);
}

static void prune(struct mrd_req *req)
{
	static const char *const allowed[] = {"dangling", "label", "label!", "until", NULL};
	struct mrd_daemon *d = mrd_req_app(req);
	cleanup_error struct mr_error *err = NULL;
	struct mrd_filters *f = mrd_filters_parse(mrd_query(req, "filters"), allowed, &err);
	char id12[13];
	int64_t reclaimed = 0;
	yajl_gen g;
	bool all;

	if (f == NULL) {
		mrd_api_reply_err(req, err);
		return;
	}
	all = mrd_filters_match(f, "dangling", "false") && mrd_filters_has(f, "dangling");
	g = mr_jw_new();
	mr_jw_obj(g, NULL);
	mr_jw_arr(g, "ImagesDeleted");
	for (struct mrd_image *i = mrd_images_first(d->images), *next; i; i = next) {
		next = i->next;
		if ((!all && i->ntags > 0) || using_container(d, i, id12) ||
		    !mrd_filters_match_labels(f, "label", image_label, i) || !mrd_filters_match_labels(f, "label!", image_label, i))
			continue;
		int64_t size = i->size;
		if (delete_image(d, i, g, &err) == 0)
			reclaimed += size;
	}
	mr_jw_arr_end(g);
	mr_jw_int(g, "SpaceReclaimed", reclaimed);
	mr_jw_obj_end(g);
	mrd_filters_free(f);
	mrd_api_reply_gen(req, 200, g);
}

/* ---- load, save, import */

/* A stream of {"stream": ...} lines, or an error status if nothing
 * came out before it. */
static void reply_lines(struct mrd_req *req, char *const *lines, size_t n, const struct mr_error *err)
{
	cleanup_free char *body = NULL;
	size_t len = 0;
	FILE *f;

	if (n == 0 && err != NULL) {
		mrd_api_reply_err(req, err);
		return;
	}
	f = open_memstream(&body, &len);
	if (f == NULL) {
		mrd_reply_error(req, 500, "out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\n", lines[i]);
	if (err != NULL) {
		yajl_gen g = mr_jw_new();
		size_t elen;
		mr_jw_obj(g, NULL);
		mr_jw_obj(g, "errorDetail");
		mr_jw_str(g, "message", err->msg);
		mr_jw_obj_end(g);
		mr_jw_str(g, "error", err->msg);
		mr_jw_obj_end(g);
		const char *buf = mr_jw_buf(g, &elen);
		fprintf(f, "%.*s\n", (int)elen, buf);
		yajl_gen_free(g);
	}
	fclose(f);
	mrd_reply_json(req, 200, body, len);
}

struct load_out {
	char **lines;
	size_t n;
};

static void keep_line(const char *line, void *data)
{
	struct load_out *o = data;
	yajl_gen g = mr_jw_new();
	size_t len;
	const char *buf;
	char **p = realloc(o->lines, (o->n + 1) * sizeof(char *));

	if (p != NULL) {
		o->lines = p;
		mr_jw_obj(g, NULL);
		mr_jw_str(g, "stream", line);
		mr_jw_obj_end(g);
		buf = mr_jw_buf(g, &len);
		o->lines[o->n++] = strndup(buf, len);
	}
	yajl_gen_free(g);
}

static void load(struct mrd_req *req)
{
	struct mrd_daemon *d = mrd_req_app(req);
	cleanup_error struct mr_error *err = NULL;
	struct load_out out = {0};
	uint64_t size;
	int fd = mrd_req_body_fd(req, &size);

	if (fd < 0 || size == 0) {
		mrd_reply_error(req, 400, "no archive in the request body");
		return;
	}
	if (mrd_archive_load(d, fd, keep_line, &out, &err) == 0)
		mrd_events_emit(d->events, "image", "load", "", NULL);
	reply_lines(req, out.lines, out.n, err);
	for (size_t i = 0; i < out.n; i++)
		free(out.lines[i]);
	free(out.lines);
}

static void save(struct mrd_req *req)
{
	struct mrd_daemon *d = mrd_req_app(req);
	cleanup_error struct mr_error *err = NULL;
	const char *one = mrd_req_param(req, "name");
	size_t n = 0;
	const char **names = one ? NULL : mrd_query_all(req, "names", &n);
	cleanup_free struct mrd_image **imgs = NULL;
	struct stat st;
	int fd;

	if (one != NULL) {
		names = calloc(1, sizeof(char *));
		if (names != NULL) {
			names[0] = one;
			n = 1;
		}
	}
	if (n == 0) {
		free(names);
		mrd_reply_error(req, 400, "names: no image to save");
		return;
	}
	imgs = calloc(n, sizeof(*imgs));
	for (size_t i = 0; imgs && i < n; i++)
		if ((imgs[i] = find_or_404(req, names[i])) == NULL) {
			free(names);
			return;
		}
	fd = mrd_tmpfile(d->tmp_dir);
	if (fd < 0 || imgs == NULL) {
		free(names);
		mrd_reply_error(req, 500, "cannot make a temporary file in %s", d->tmp_dir);
		return;
	}
	if (mrd_archive_save(d, imgs, (char *const *)names, n, fd, &err) < 0 || fstat(fd, &st) < 0 ||
	    lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		free(names);
		mrd_api_reply_err(req, err);
		return;
	}
	for (size_t i = 0; i < n; i++)
		mrd_events_emit(d->events, "image", "save", imgs[i]->id, NULL);
	free(names);
	mrd_reply_fd(req, 200, "application/x-tar", fd, (uint64_t)st.st_size);
}

/* POST /images/create: fromSrc=- imports the body; fromImage would pull. */
static void create(struct mrd_req *req)
{
	struct mrd_daemon *d = mrd_req_app(req);
	cleanup_error struct mr_error *err = NULL;
	const char *src = mrd_query(req, "fromSrc"), *image = mrd_query(req, "fromImage");
	const char *repo = mrd_query(req, "repo"), *tagv = mrd_query(req, "tag");
	cleanup_free char *ref = NULL;
	size_t nchanges;
	const char **changes;
	uint64_t size;
	int fd = mrd_req_body_fd(req, &size);
	struct mrd_image *img;

	if (src == NULL) {
		mrd_reply_error(req, 501, "pulling %s from a registry is not supported yet: load it with docker load",
				image ? image : "an image");
		return;
	}
	if (strcmp(src, "-") != 0) {
		mrd_reply_error(req, 400, "fromSrc: only \"-\" (the request body) is supported, not %.100s", src);
		return;
	}
	if (fd < 0 || size == 0) {
		mrd_reply_error(req, 400, "no root file system tar in the request body");
		return;
	}
	if (repo != NULL && *repo && asprintf(&ref, "%s%s%s", repo, tagv && *tagv ? ":" : "", tagv ? tagv : "") < 0) {
		mrd_reply_error(req, 500, "out of memory");
		return;
	}
	changes = mrd_query_all(req, "changes", &nchanges);
	struct mrd_import_opts o = {.tag = ref, .changes = (char **)changes, .nchanges = nchanges,
				    .message = mrd_query(req, "message"), .platform = mrd_query(req, "platform")};
	img = mrd_archive_import(d, fd, &o, &err);
	free(changes);
	if (img == NULL) {
		mrd_api_reply_err(req, err);
		return;
	}
	mrd_events_emit(d->events, "image", "import", img->id, NULL);
	yajl_gen g = mr_jw_new();
	mr_jw_obj(g, NULL);
	mr_jw_str(g, "status", img->id);
	mr_jw_obj_end(g);
	size_t len;
	const char *buf = mr_jw_buf(g, &len);
	cleanup_free char *line = NULL;
	if (asprintf(&line, "%.*s\n", (int)len, buf) >= 0)
		mrd_reply_json(req, 200, line, strlen(line));
	yajl_gen_free(g);
}

static void not_yet(struct mrd_req *req)
{
	mrd_reply_error(req, 501, "%s is not supported by minirund yet (images come from docker load and docker import)",
			strstr(mrd_req_path(req), "push") ? "pushing to a registry" : "searching a registry");
}

static const struct mrd_route routes[] = {
	{"GET", "/images/json", MRD_BODY_NONE, list},
	{"POST", "/images/load", MRD_BODY_FILE, load},
	{"GET", "/images/get", MRD_BODY_NONE, save},
	{"POST", "/images/create", MRD_BODY_FILE, create},
	{"POST", "/images/prune", MRD_BODY_NONE, prune},
	{"GET", "/images/search", MRD_BODY_NONE, not_yet},
	{"GET", "/images/{name*}/json", MRD_BODY_NONE, inspect},
	{"GET", "/images/{name*}/history", MRD_BODY_NONE, history},
	{"GET", "/images/{name*}/get", MRD_BODY_NONE, save},
	{"POST", "/images/{name*}/tag", MRD_BODY_NONE, tag},
	{"POST", "/images/{name*}/push", MRD_BODY_NONE, not_yet},
	{"DELETE", "/images/{name*}", MRD_BODY_NONE, rmi},
	{NULL, NULL, 0, NULL},
};

const struct mrd_route_table mrd_api_images = {routes};
