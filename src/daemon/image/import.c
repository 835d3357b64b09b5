/* docker import: a root file system tar becomes a one-layer image, its
 * config made here with the Dockerfile-like changes given (--change). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "image/archive.h"
#include "image/layers.h"
#include "util/jsonw.h"
#include "loop.h"
#include "util/cleanup.h"

struct changes {
	struct mr_json *cmd, *entrypoint; /* JSON arrays */
	char **env, **labels, **exposed, **volumes;
	size_t nenv, nlabels, nexposed, nvolumes;
	char *user, *workdir, *stop_signal;
};

static int push(char ***v, size_t *n, const char *s, size_t len)
{
	char **p = realloc(*v, (*n + 1) * sizeof(char *));
	if (p == NULL)
		return -1;
	*v = p;
	if ((p[*n] = strndup(s, len)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void changes_free(struct changes *c)
{
	mr_json_free(c->cmd);
	mr_json_free(c->entrypoint);
	free_strv(c->env, c->nenv);
	free_strv(c->labels, c->nlabels);
	free_strv(c->exposed, c->nexposed);
	free_strv(c->volumes, c->nvolumes);
	free(c->user);
	free(c->workdir);
	free(c->stop_signal);
}

/* CMD/ENTRYPOINT: a JSON array of strings (exec form), or a command line
 * for /bin/sh -c (shell form). */
static int command_form(const char *arg, struct mr_json **out, struct mr_error **err)
{
	yajl_gen g;

	if (*arg == '[') {
		struct mr_json *j = mr_json_parse(arg, strlen(arg), err);
		if (j == NULL)
			return -1;
		for (size_t i = 0; j->kind == MR_JSON_ARRAY && i < j->len; i++)
			if (j->items[i]->kind != MR_JSON_STRING) {
				mr_json_free(j);
				return mr_error_set(err, EINVAL, "expected an array of strings");
			}
		if (j->kind != MR_JSON_ARRAY) {
			mr_json_free(j);
			return mr_error_set(err, EINVAL, "expected an array of strings");
		}
		mr_json_free(*out);
		*out = j;
		return 0;
	}
	g = mr_jw_new();
	mr_jw_arr(g, NULL);
	mr_jw_str(g, NULL, "/bin/sh");
	mr_jw_str(g, NULL, "-c");
	mr_jw_str(g, NULL, arg);
	mr_jw_arr_end(g);
	size_t len;
	const char *buf = mr_jw_buf(g, &len);
	mr_json_free(*out);
	*out = mr_json_parse(buf, len, err);
	yajl_gen_free(g);
	return *out ? 0 : -1;
}

/* "k=v k2=v2" or the old "k v" form, into "k=v" items. */
static int key_values(const char *arg, char ***v, size_t *n, struct mr_error **err)
{
	const char *eq = strchr(arg, '='), *sp = strpbrk(arg, " \t");

	if (eq == NULL || (sp != NULL && sp < eq)) {
		if (sp == NULL)
			return mr_error_set(err, EINVAL, "expected KEY=VALUE or KEY VALUE");
		cleanup_free char *kv = NULL;
		const char *val = sp;
		while (isspace((unsigned char)*val))
			val++;
		if (asprintf(&kv, "%.*s=%s", (int)(sp - arg), arg, val) < 0)
			return mr_error_set(err, ENOMEM, "out of memory");
		return push(v, n, kv, strlen(kv));
	}
	for (const char *p = arg; *p;) {
		while (isspace((unsigned char)*p))
			p++;
		const char *end = p;
		bool quoted = false;
		while (*end && (quoted || !isspace((unsigned char)*end))) {
			if (*end == '"')
				quoted = !quoted;
			end++;
		}
		if (end > p) {
			cleanup_free char *item = strndup(p, (size_t)(end - p));
			char *o = item;
			for (char *s = item; *s; s++)
				if (*s != '"')
					*o++ = *s;
			*o = '\0';
			if (strchr(item, '=') == NULL)
				return mr_error_set(err, EINVAL, "%s: expected KEY=VALUE", item);
			if (push(v, n, item, strlen(item)) < 0)
				return mr_error_set(err, ENOMEM, "out of memory");
		}
		p = end;
	}
	return 0;
}

static int words(const char *arg, char ***v, size_t *n)
{
	for (const char *p = arg; *p;) {
		while (isspace((unsigned char)*p))
			p++;
		const char *end = p;
		while (*end && !isspace((unsigned char)*end))
			end++;
		if (end > p && push(v, n, p, (size_t)(end - p)) < 0)
			return -1;
		p = end;
	}
	return 0;
}

static int apply_change(struct changes *c, const char *line, struct mr_error **err)
{
	char instr[16];
	size_t i = 0;
	const char *arg = line;
	char **slot = NULL;

	while (isspace((unsigned char)*arg))
		arg++;
	while (*arg && !isspace((unsigned char)*arg) && i < sizeof(instr) - 1)
		instr[i++] = (char)toupper((unsigned char)*arg++);
	instr[i] = '\0';
	while (isspace((unsigned char)*arg))
		arg++;
	if (strcmp(instr, "CMD") == 0)
		return command_form(arg, &c->cmd, err);
	if (strcmp(instr, "ENTRYPOINT") == 0)
		return command_form(arg, &c->entrypoint, err);
	if (strcmp(instr, "ENV") == 0)
		return key_values(arg, &c->env, &c->nenv, err);
	if (strcmp(instr, "LABEL") == 0)
		return key_values(arg, &c->labels, &c->nlabels, err);
	if (strcmp(instr, "EXPOSE") == 0)
		return words(arg, &c->exposed, &c->nexposed) < 0 ? mr_error_set(err, ENOMEM, "out of memory") : 0;
	if (strcmp(instr, "VOLUME") == 0)
		return words(arg, &c->volumes, &c->nvolumes) < 0 ? mr_error_set(err, ENOMEM, "out of memory") : 0;
	if (strcmp(instr, "USER") == 0)
		slot = &c->user;
	else if (strcmp(instr, "WORKDIR") == 0)
		slot = &c->workdir;
	else if (strcmp(instr, "STOPSIGNAL") == 0)
		slot = &c->stop_signal;
	if (slot == NULL)
		return mr_error_set(err, EINVAL, "%s: not a change docker import takes (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR)",
				    instr[0] ? instr : "(empty)");
	free(*slot);
	*slot = strdup(arg);
	return 0;
}

static void write_keys(yajl_gen g, const char *key, char **v, size_t n, bool add_tcp)
{
	if (n == 0)
		return;
	mr_jw_obj(g, key);
	for (size_t i = 0; i < n; i++) {
		char port[64];
		snprintf(port, sizeof(port), "%s%s", v[i], add_tcp && strchr(v[i], '/') == NULL ? "/tcp" : "");
		mr_jw_obj(g, port);
		mr_jw_obj_end(g);
	}
	mr_jw_obj_end(g);
}

static void write_config(yajl_gen g, const struct changes *c, const char *diff_id, const char *comment)
{
	struct utsname u;
	uname(&u);
	mr_jw_obj(g, NULL);
	mr_jw_str(g, "architecture", strcmp(u.machine, "x86_64") == 0 ? "amd64" : u.machine);
	mr_jw_str(g, "os", "linux");
	mr_jw_time(g, "created", mrd_now_real_ns());
	mr_jw_obj(g, "config");
	mr_jw_strv(g, "Env", c->env, c->nenv);
	if (c->cmd)
		mr_jw_tree(g, "Cmd", c->cmd);
	if (c->entrypoint)
		mr_jw_tree(g, "Entrypoint", c->entrypoint);
	if (c->user)
		mr_jw_str(g, "User", c->user);
	if (c->workdir)
		mr_jw_str(g, "WorkingDir", c->workdir);
	if (c->stop_signal)
		mr_jw_str(g, "StopSignal", c->stop_signal);
	write_keys(g, "ExposedPorts", c->exposed, c->nexposed, true);
	write_keys(g, "Volumes", c->volumes, c->nvolumes, false);
	if (c->nlabels > 0) {
		mr_jw_obj(g, "Labels");
		for (size_t i = 0; i < c->nlabels; i++) {
			char *eq = strchr(c->labels[i], '=');
			*eq = '\0';
			mr_jw_str(g, c->labels[i], eq + 1);
			*eq = '=';
		}
		mr_jw_obj_end(g);
	}
	mr_jw_obj_end(g);
	mr_jw_obj(g, "rootfs");
	mr_jw_str(g, "type", "layers");
	mr_jw_arr(g, "diff_ids");
	mr_jw_str(g, NULL, diff_id);
	mr_jw_arr_end(g);
	mr_jw_obj_end(g);
	mr_jw_arr(g, "history");
	mr_jw_obj(g, NULL);
	mr_jw_time(g, "created", mrd_now_real_ns());
	mr_jw_str(g, "comment", comment && *comment ? comment : "Imported from -");
	mr_jw_obj_end(g);
	mr_jw_arr_end(g);
	mr_jw_obj_end(g);
}

struct mrd_image *mrd_archive_import(struct mrd_daemon *d, int fd, const struct mrd_import_opts *o,
				     struct mr_error **err)
{
	struct changes c = {0};
	char diff_id[MRD_DIGEST_LEN + 1];
	char *ids[1] = {diff_id};
	cleanup_free char *tag = NULL;
	uint64_t size = 0;
	int64_t sizes[1];
	struct mrd_image *img = NULL;
	yajl_gen g = NULL;

	if (o->platform != NULL && *o->platform && strcmp(o->platform, "linux") != 0 &&
	    strncmp(o->platform, "linux/", 6) != 0) {
		mr_error_set(err, EINVAL, "platform %s: only linux images", o->platform);
		goto out;
	}
	for (size_t i = 0; i < o->nchanges; i++)
		if (apply_change(&c, o->changes[i], err) < 0) {
			mr_error_prefix(err, "--change \"%s\"", o->changes[i]);
			goto out;
		}
	if (o->tag != NULL && mrd_ref_normalize(o->tag, &tag, err) < 0)
		goto out;
	if (mrd_layers_add(d->layers, fd, NULL, diff_id, &size, err) < 0) {
		mr_error_prefix(err, "import");
		goto out;
	}
	sizes[0] = (int64_t)size;
	g = mr_jw_new();
	write_config(g, &c, diff_id, o->message);
	size_t len;
	const char *buf = mr_jw_buf(g, &len);
	img = mrd_images_add(d->images, buf, len, ids, sizes, 1, tag ? &tag : NULL, tag ? 1 : 0, err);
out:
	if (g != NULL)
		yajl_gen_free(g);
	changes_free(&c);
	return img;
}
