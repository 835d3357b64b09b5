/* The cgroup as one line in the container's state, and back:
 * "mr-cgroup/1 <layout> <path> <hierarchy>=<created>[:<path>] ...", the
 * path after a hierarchy only where it differs from the main one (relative
 * paths). Spaces and '%' in names and paths are %-escaped. */
#include "cgroup/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	fprintf(f, "mr-cgroup/1 %s ", layout_names[cg->layout]);
	escape(f, cg->path);
	for (size_t i = 0; i < cg->n; i++) {
		const struct mr_cg_hier *h = &cg->h[i];
		if (h->path == NULL)
			continue;
		fputc(' ', f);
		escape(f, *h->name ? h->name : "/");
		fprintf(f, "=%d", h->created);
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

struct mr_cgroup *mr_cgroup_load(const char *saved, struct mr_error **err)
{
	struct mr_cgroup *cg = calloc(1, sizeof(*cg));
	cleanup_free char *copy = saved ? strdup(saved) : NULL;
	char *p = copy, *tok;
	int layout = -1;

	if (cg == NULL || copy == NULL) {
		mr_error_sys(err, ENOMEM, "cgroup");
		goto fail;
	}
	cg->device_defaults = true;
	tok = strsep(&p, " ");
	if (tok == NULL || strcmp(tok, "mr-cgroup/1") != 0 || (tok = strsep(&p, " ")) == NULL)
		goto bad;
	for (int i = 0; i < 3; i++)
		if (strcmp(tok, layout_names[i]) == 0)
			layout = i;
	if (layout < 0 || (tok = strsep(&p, " ")) == NULL || *tok != '/')
		goto bad;
	unescape(tok);
	if (mr_cg_detect(cg, err) < 0)
		goto fail;
	if ((int)cg->layout != layout) {
		mr_error_set(err, 0, "cgroup: the container was made on a %s layout, this host is %s",
			     layout_names[layout], layout_names[cg->layout]);
		goto fail;
	}
	cg->path = strdup(tok);
	if (cg->path == NULL)
		goto oom;
	while ((tok = strsep(&p, " ")) != NULL) {
		char *name = strsep(&tok, "="), *path;
		int created;
		if (name == NULL || tok == NULL)
			goto bad;
		created = atoi(strsep(&tok, ":"));
		path = tok;
		unescape(name);
		if (path)
			unescape(path);
		for (size_t i = 0; i < cg->n; i++) {
			struct mr_cg_hier *h = &cg->h[i];
			if (strcmp(*h->name ? h->name : "/", name) != 0)
				continue;
			if (mr_cg_set_hier_path(h, path ? path : cg->path) < 0)
				goto oom;
			h->created = created;
		}
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
