/* The cgroup as one line in the container's state, and back. Version 2:
 *   "mr-cgroup/2 <layout> <path> <hierarchy>=<created>:<v2>:<controllers>[:<path>] ..."
 * one entry per hierarchy the container has a cgroup in: its name under
 * /sys/fs/cgroup ("/" for a pure v2 host's root mount), how many trailing
 * components create made (0: joined), 1 for cgroup2, the v1 controllers,
 * and the path where it differs from the main one (relative paths). So
 * loading it needs no /proc/self/mountinfo: create read that already.
 * Version 1 (written before; no <v2> and <controllers>) is still read, by
 * matching the names against the mounts. Spaces, '%', '=' and ':' in
 * names and paths are %-escaped. */
#include "cgroup/internal.h"

#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>

#include "util/cleanup.h"

static const char *const layout_names[] = { "v1", "hybrid", "v2" };

static void escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '%' || *s == '=' || *s == ':')
			fprintf(f, "%%%02X", (unsigned char)*s);
		else
			fputc(*s, f);
	}
}

static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		unsigned v;
		if (*s == '%' && sscanf(s + 1, "%2x", &v) == 1) {
			*o++ = (char)v;
			s += 2;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

char *mr_cgroup_describe(const struct mr_cgroup *cg)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (f == NULL)
		return NULL;
	fprintf(f, "mr-cgroup/2 %s ", layout_names[cg->layout]);
	escape(f, cg->path);
	for (size_t i = 0; i < cg->n; i++) {
		const struct mr_cg_hier *h = &cg->h[i];
		if (h->path == NULL)
			continue;
		fputc(' ', f);
		escape(f, *h->name ? h->name : "/");
		fprintf(f, "=%d:%d:", h->created, h->v2);
		escape(f, h->controllers);
		if (strcmp(h->path, cg->path) != 0) {
			fputc(':', f);
			escape(f, h->path);
		}
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* A version 1 entry ("<name>=<created>[:<path>]", `tok` after the '='):
 * the hierarchy of that name among the mounts mr_cg_detect() found. */
static int load_v1_entry(struct mr_cgroup *cg, const char *name, char *tok)
{
	int created = atoi(strsep(&tok, ":"));
	char *path = tok;

	if (path)
		unescape(path);
	for (size_t i = 0; i < cg->n; i++) {
		struct mr_cg_hier *h = &cg->h[i];
		if (strcmp(*h->name ? h->name : "/", name) != 0)
			continue;
		if (mr_cg_set_hier_path(h, path ? path : cg->path) < 0)
			return -1;
		h->created = created;
	}
	return 0;
}

/* A version 2 entry ("<name>=<created>:<v2>:<controllers>[:<path>]"):
 * the hierarchy as create found it, mounted at /sys/fs/cgroup/<name>. */
static int load_v2_entry(struct mr_cgroup *cg, const char *name, char *tok)
{
	char *created = strsep(&tok, ":"), *v2 = strsep(&tok, ":"), *controllers = strsep(&tok, ":"), *path = tok;
	struct mr_cg_hier *grown, *h;

	if (created == NULL || v2 == NULL || controllers == NULL)
		return 1;
	grown = realloc(cg->h, (cg->n + 1) * sizeof(*cg->h));
	if (grown == NULL)
		return -1;
	cg->h = grown;
	h = &cg->h[cg->n++];
	memset(h, 0, sizeof(*h));
	unescape(controllers);
	if (path)
		unescape(path);
	h->created = atoi(created);
	h->v2 = strcmp(v2, "1") == 0;
	h->name = strdup(strcmp(name, "/") == 0 ? "" : name);
	h->controllers = strdup(controllers);
	if (h->name == NULL || h->controllers == NULL ||
	    (h->mount = *h->name ? mr_cg_concat(MR_CGROUP_ROOT "/", h->name) : strdup(MR_CGROUP_ROOT)) == NULL)
		return -1;
	return mr_cg_set_hier_path(h, path ? path : cg->path);
}

/* Version 2 does not read the mounts again; what stays checked is that
 * /sys/fs/cgroup is still cgroup2 for a v2 container and not for a v1 or
 * hybrid one, as the version 1 load did with the whole layout. */
static int check_layout(struct mr_cgroup *cg, struct mr_error **err)
{
	struct statfs sfs;
	bool v2_root;

	if (statfs(MR_CGROUP_ROOT, &sfs) < 0)
		return mr_error_sys(err, errno, "cgroup: statfs " MR_CGROUP_ROOT);
	v2_root = sfs.f_type == CGROUP2_SUPER_MAGIC;
	if (v2_root != (cg->layout == MR_CGROUP_V2))
		return mr_error_set(err, 0, "cgroup: the container was made on a %s layout, this host is %s",
				    layout_names[cg->layout], v2_root ? "v2" : "v1 or hybrid");
	cg->drv = cg->layout == MR_CGROUP_V2 ? &mr_cgroup_v2_driver : &mr_cgroup_v1_driver;
	return 0;
}

struct mr_cgroup *mr_cgroup_load(const char *saved, struct mr_error **err)
{
	struct mr_cgroup *cg = calloc(1, sizeof(*cg));
	cleanup_free char *copy = saved ? strdup(saved) : NULL;
	char *p = copy, *tok;
	int layout = -1, version = 0;

	if (cg == NULL || copy == NULL) {
		mr_error_sys(err, ENOMEM, "cgroup");
		goto fail;
	}
	cg->device_defaults = true;
	tok = strsep(&p, " ");
	if (tok && strcmp(tok, "mr-cgroup/1") == 0)
		version = 1;
	else if (tok && strcmp(tok, "mr-cgroup/2") == 0)
		version = 2;
	if (version == 0 || (tok = strsep(&p, " ")) == NULL)
		goto bad;
	for (int i = 0; i < 3; i++)
		if (strcmp(tok, layout_names[i]) == 0)
			layout = i;
	if (layout < 0 || (tok = strsep(&p, " ")) == NULL || *tok != '/')
		goto bad;
	unescape(tok);
	if (version == 1) {
		if (mr_cg_detect(cg, err) < 0)
			goto fail;
		if ((int)cg->layout != layout) {
			mr_error_set(err, 0, "cgroup: the container was made on a %s layout, this host is %s",
				     layout_names[layout], layout_names[cg->layout]);
			goto fail;
		}
	} else {
		cg->layout = (enum mr_cgroup_layout)layout;
		if (check_layout(cg, err) < 0)
			goto fail;
	}
	cg->path = strdup(tok);
	if (cg->path == NULL)
		goto oom;
	while ((tok = strsep(&p, " ")) != NULL) {
		char *name = strsep(&tok, "=");
		int r;
		if (name == NULL || tok == NULL)
			goto bad;
		unescape(name);
		r = version == 1 ? load_v1_entry(cg, name, tok) : load_v2_entry(cg, name, tok);
		if (r > 0)
			goto bad;
		if (r < 0)
			goto oom;
	}
	return cg;
bad:
	mr_error_set(err, 0, "cgroup: cannot read the saved description \"%s\"", saved ? saved : "");
	goto fail;
oom:
	mr_error_sys(err, ENOMEM, "cgroup");
fail:
	mr_cgroup_free(cg);
	return NULL;
}
