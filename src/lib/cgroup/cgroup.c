/* The cgroup driver's common part: which hierarchies are mounted, where the
 * container's cgroup is in each, creating and removing its directories,
 * moving processes in, listing and signalling them; the rest is dispatched
 * to the v1 or v2 vtable. */
#include "cgroup/driver.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/resources.h"
#include "util/cleanup.h"

/* ---- files ---- */

static int join_path(char *buf, size_t size, const char *dir, const char *file)
{
	int n = snprintf(buf, size, "%s/%s", dir, file);

	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int mr_cg_write(const char *dir, const char *file, const char *value, const char *what, struct mr_error **err)
{
	char path[PATH_MAX];
	cleanup_close int fd = -1;
	size_t len = strlen(value);
	ssize_t n;

	if (join_path(path, sizeof(path), dir, file) < 0)
		return mr_error_sys(err, errno, "%s: %s", what, file);
	/* No O_CREAT: a file the kernel does not have is an error (ENOENT),
	 * not a new file (cgroupfs would answer EACCES, which misleads). */
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return mr_error_sys(err, errno, "%s: open %s", what, file);
	/* One write: cgroup files take a value per write(2). */
	n = write(fd, value, len);
	if (n < 0)
		return mr_error_sys(err, errno, "%s: write \"%s\" to %s", what, value, file);
	if ((size_t)n != len)
		return mr_error_set(err, 0, "%s: write \"%s\" to %s: short write", what, value, file);
	return 0;
}

int mr_cg_writef(const char *dir, const char *file, const char *what, struct mr_error **err, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return mr_error_set(err, 0, "%s: value for %s too long", what, file);
	return mr_cg_write(dir, file, buf, what, err);
}

char *mr_cg_read(const char *dir, const char *file)
{
	char path[PATH_MAX];
	cleanup_close int fd = -1;
	char *buf = NULL;
	size_t len = 0, cap = 0;

	if (join_path(path, sizeof(path), dir, file) < 0)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	for (;;) {
		ssize_t n;
		if (cap - len < 4096) {
			char *grown;
			if (cap >= (16u << 20)) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			grown = realloc(buf, cap + 4096 + 1);
			if (grown == NULL) {
				free(buf);
				return NULL;
			}
			buf = grown;
			cap += 4096;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return buf;
}

bool mr_cg_exists(const char *dir, const char *file)
{
	char path[PATH_MAX];

	return join_path(path, sizeof(path), dir, file) == 0 && access(path, F_OK) == 0;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	if (strncmp(s, "max", 3) == 0 || strncmp(s, "-1", 2) == 0) {
		*v = UINT64_MAX;
		return 0;
	}
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (end == s || errno) {
		errno = errno ? errno : EINVAL;
		return -1;
	}
	return 0;
}

int mr_cg_read_u64(const char *dir, const char *file, uint64_t *v)
{
	cleanup_free char *s = mr_cg_read(dir, file);

	if (s == NULL)
		return -1;
	return parse_u64(s, v);
}

int mr_cg_read_key(const char *dir, const char *file, const char *key, uint64_t *v)
{
	cleanup_free char *s = mr_cg_read(dir, file);
	size_t klen = strlen(key);

	if (s == NULL)
		return -1;
	for (char *line = s; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ')
			return parse_u64(line + klen + 1, v);
	}
	errno = ENOENT;
	return -1;
}

/* ---- JSON ---- */

void mr_cg_json_key(yajl_gen g, const char *key)
{
	yajl_gen_string(g, (const unsigned char *)key, strlen(key));
}

void mr_cg_json_u64(yajl_gen g, const char *key, uint64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%" PRIu64, v);

	if (key)
		mr_cg_json_key(g, key);
	yajl_gen_number(g, num, (size_t)n);
}

void mr_cg_strv_free(char **v)
{
	if (v == NULL)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

char **mr_cg_hugepage_sizes(void)
{
	DIR *d = opendir("/sys/kernel/mm/hugepages");
	struct dirent *e;
	char **v = calloc(1, sizeof(*v));
	size_t n = 0;

	if (d == NULL || v == NULL) {
		if (d)
			closedir(d);
		return v;
	}
	while ((e = readdir(d)) != NULL) {
		unsigned long long kb;
		char name[32], **grown;
		if (sscanf(e->d_name, "hugepages-%llukB", &kb) != 1)
			continue;
		mr_cg_hugepage_name((uint64_t)kb * 1024, name, sizeof(name));
		grown = realloc(v, (n + 2) * sizeof(*v));
		if (grown == NULL)
			break;
		v = grown;
		v[n] = strdup(name);
		if (v[n] == NULL)
			break;
		v[++n] = NULL;
	}
	closedir(d);
	return v;
}

/* ---- paths ---- */

int mr_cg_normalize_path(const char *cgroups_path, const char *id, char **out, bool *relative,
			 struct mr_error **err)
{
	const char *p = cgroups_path ? cgroups_path : "";
	size_t len = strlen(p);
	char *buf, *o;
	int colons = 0;

	*out = NULL;
	if (*p == '\0') {
		if (id == NULL || *id == '\0' || strchr(id, '/') || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
			return mr_error_set(err, 0, "linux.cgroupsPath: no path and no usable container id");
		if (asprintf(out, "/minirun/%s", id) < 0)
			return mr_error_sys(err, ENOMEM, "linux.cgroupsPath");
		*relative = false;
		return 0;
	}
	for (const char *c = p; *c; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return mr_error_set(err, 0, "linux.cgroupsPath: control character in \"%s\"", p);
		colons += *c == ':';
	}
	/* runc and crun read "slice:prefix:name" as a systemd unit. */
	if (colons == 2 && p[0] != '/')
		return mr_error_set(err, 0,
				    "linux.cgroupsPath \"%s\": the systemd form slice:prefix:name needs a systemd "
				    "cgroup driver, which minirun does not have; use a path such as /machine/%s",
				    p, id ? id : "name");
	if (len >= PATH_MAX / 2)
		return mr_error_set(err, 0, "linux.cgroupsPath: too long");
	*relative = p[0] != '/';
	buf = malloc(len + 2);
	if (buf == NULL)
		return mr_error_sys(err, ENOMEM, "linux.cgroupsPath");
	o = buf;
	while (*p) {
		size_t n;
		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			free(buf);
			return mr_error_set(err, 0, "linux.cgroupsPath \"%s\": \"..\" is not allowed", cgroups_path);
		}
		if (!(n == 1 && p[0] == '.')) {
			if (o != buf || !*relative)
				*o++ = '/';
			memcpy(o, p, n);
			o += n;
		}
		p += n;
	}
	*o = '\0';
	if (*buf == '\0') {
		free(buf);
		return mr_error_set(err, 0, "linux.cgroupsPath \"%s\": that is the root cgroup itself", cgroups_path);
	}
	*out = buf;
	return 0;
}

/* ---- hierarchies ---- */

static const char *const v1_controllers[] = {
	"cpuset", "cpu",     "cpuacct", "blkio", "memory", "devices", "freezer", "net_cls",
	"perf_event", "net_prio", "hugetlb", "pids", "rdma",   "misc",	  "debug",   NULL,
};

/* "rw,cpu,cpuacct" -> "cpu,cpuacct": the controllers (and name=) of a v1
 * mount's super options. */
static char *super_controllers(const char *opts)
{
	cleanup_free char *copy = strdup(opts);
	char *out = calloc(1, strlen(opts) + 1), *save = NULL;

	if (copy == NULL || out == NULL) {
		free(out);
		return NULL;
	}
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		bool known = strncmp(t, "name=", 5) == 0;
		for (size_t i = 0; !known && v1_controllers[i]; i++)
			known = strcmp(t, v1_controllers[i]) == 0;
		if (!known)
			continue;
		if (*out)
			strcat(out, ",");
		strcat(out, t);
	}
	return out;
}

static bool list_has(const char *list, const char *item, char sep)
{
	size_t n = strlen(item);

	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, sep);
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && strncmp(p, item, n) == 0)
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

static bool same_set(const char *a, const char *b)
{
	cleanup_free char *copy = strdup(a);
	char *save = NULL;
	size_t na = 0, nb = 0;

	if (copy == NULL)
		return false;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save), na++)
		if (!list_has(b, t, ','))
			return false;
	for (const char *p = b; *p; p++)
		nb += *p == ',';
	return na == (*b ? nb + 1 : 0);
}

static void hier_clear(struct mr_cg_hier *h)
{
	free(h->name);
	free(h->mount);
	free(h->controllers);
	free(h->path);
	free(h->dir);
}

void mr_cgroup_free(struct mr_cgroup *cg)
{
	if (cg == NULL)
		return;
	for (size_t i = 0; i < cg->n; i++)
		hier_clear(&cg->h[i]);
	free(cg->h);
	free(cg->path);
	free(cg);
}

/* The cgroup mounts at /sys/fs/cgroup (pure v2) or directly below it. */
static int detect(struct mr_cgroup *cg, struct mr_error **err)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	cleanup_free char *line = NULL;
	size_t cap = 0;
	bool pure_v2 = false, any_v2 = false, any_v1 = false;

	if (f == NULL)
		return mr_error_sys(err, errno, "cgroup: open /proc/self/mountinfo");
	while (getline(&line, &cap, f) > 0) {
		char *fields[10], *p = line, *sep, *fstype, *opts;
		struct mr_cg_hier *grown, *h;
		const char *name;
		int nf = 0;
		bool v2;

		line[strcspn(line, "\n")] = '\0';
		while (nf < 6 && (fields[nf] = strsep(&p, " ")) != NULL)
			nf++;
		/* After the optional fields: "- fstype source superopts". */
		if (nf < 6 || p == NULL)
			continue;
		if (strncmp(p, "- ", 2) == 0)
			sep = p - 1;
		else if ((sep = strstr(p, " - ")) == NULL)
			continue;
		p = sep + 3;
		fstype = strsep(&p, " ");
		if (p == NULL || strsep(&p, " ") == NULL || (opts = p) == NULL)
			continue;
		v2 = strcmp(fstype, "cgroup2") == 0;
		if (!v2 && strcmp(fstype, "cgroup") != 0)
			continue;
		if (strcmp(fields[4], MR_CGROUP_ROOT) == 0 && v2) {
			name = "";
		} else if (strncmp(fields[4], MR_CGROUP_ROOT "/", sizeof(MR_CGROUP_ROOT)) == 0) {
			name = fields[4] + sizeof(MR_CGROUP_ROOT);
			if (*name == '\0' || strchr(name, '/'))
				continue;
		} else {
			continue;
		}
		if (*name == '\0') {
			/* A pure v2 host: cgroup2 is the only hierarchy. */
			for (size_t i = 0; i < cg->n; i++)
				hier_clear(&cg->h[i]);
			cg->n = 0;
			pure_v2 = true;
		} else if (pure_v2) {
			continue;
		}
		grown = realloc(cg->h, (cg->n + 1) * sizeof(*cg->h));
		if (grown == NULL)
			return mr_error_sys(err, ENOMEM, "cgroup hierarchies");
		cg->h = grown;
		h = &cg->h[cg->n];
		memset(h, 0, sizeof(*h));
		h->v2 = v2;
		h->name = strdup(name);
		h->mount = strdup(fields[4]);
		h->controllers = v2 ? strdup("") : super_controllers(opts);
		cg->n++;
		if (!h->name || !h->mount || !h->controllers)
			return mr_error_sys(err, ENOMEM, "cgroup hierarchies");
		/* The same hierarchy mounted twice: keep the first. */
		for (size_t i = 0; i + 1 < cg->n; i++) {
			if (cg->h[i].v2 == v2 && strcmp(cg->h[i].controllers, h->controllers) == 0) {
				hier_clear(h);
				cg->n--;
				break;
			}
		}
		any_v2 |= v2;
		any_v1 |= !v2;
	}
	if (pure_v2)
		cg->layout = MR_CGROUP_V2;
	else if (any_v1)
		cg->layout = any_v2 ? MR_CGROUP_HYBRID : MR_CGROUP_V1;
	else
		return mr_error_set(err, 0, "cgroup: no cgroup hierarchy is mounted at " MR_CGROUP_ROOT);
	cg->drv = cg->layout == MR_CGROUP_V2 ? &mr_cgroup_v2_driver : &mr_cgroup_v1_driver;
	return 0;
}

/* Our own cgroup in hierarchy h, from /proc/self/cgroup. */
static char *own_cgroup(const struct mr_cg_hier *h)
{
	cleanup_fclose FILE *f = fopen("/proc/self/cgroup", "re");
	cleanup_free char *line = NULL;
	size_t cap = 0;

	if (f == NULL)
		return NULL;
	while (getline(&line, &cap, f) > 0) {
		char *p = line, *ctl;
		line[strcspn(line, "\n")] = '\0';
		if (strsep(&p, ":") == NULL || (ctl = strsep(&p, ":")) == NULL || p == NULL)
			continue;
		if (h->v2 ? *ctl == '\0' : (*ctl && same_set(ctl, h->controllers)))
			return strdup(p);
	}
	errno = ENOENT;
	return NULL;
}

static int set_hier_path(struct mr_cg_hier *h, const char *path)
{
	free(h->path);
	free(h->dir);
	h->path = strdup(path);
	h->dir = NULL;
	if (h->path == NULL || asprintf(&h->dir, "%s%s", h->mount, path) < 0) {
		h->dir = NULL;
		return -1;
	}
	return 0;
}

static int set_main_path(struct mr_cgroup *cg)
{
	const struct mr_cg_hier *main = NULL;

	for (size_t i = 0; i < cg->n && main == NULL; i++)
		if (cg->h[i].path && (cg->layout == MR_CGROUP_V2 || !cg->h[i].v2))
			main = &cg->h[i];
	if (main == NULL)
		return -1;
	cg->path = strdup(main->path);
	return cg->path ? 0 : -1;
}

struct mr_cgroup *mr_cgroup_open(const char *cgroups_path, const char *id, struct mr_error **err)
{
	struct mr_cgroup *cg = calloc(1, sizeof(*cg));
	cleanup_free char *norm = NULL;
	bool relative = false;

	if (cg == NULL) {
		mr_error_sys(err, ENOMEM, "cgroup");
		return NULL;
	}
	cg->device_defaults = true;
	if (mr_cg_normalize_path(cgroups_path, id, &norm, &relative, err) < 0 || detect(cg, err) < 0)
		goto fail;
	for (size_t i = 0; i < cg->n; i++) {
		struct mr_cg_hier *h = &cg->h[i];
		cleanup_free char *own = NULL, *joined = NULL;
		if (relative) {
			/* Relative to our own cgroup in each hierarchy, as runc:
			 * they may differ from one hierarchy to the next. */
			own = own_cgroup(h);
			if (own == NULL) {
				mr_error_sys(err, errno, "linux.cgroupsPath: our own cgroup in the %s hierarchy",
					     *h->name ? h->name : "cgroup2");
				goto fail;
			}
			if (asprintf(&joined, "%s/%s", strcmp(own, "/") == 0 ? "" : own, norm) < 0) {
				joined = NULL;
				goto oom;
			}
		}
		if (set_hier_path(h, joined ? joined : norm) < 0)
			goto oom;
	}
	if (set_main_path(cg) < 0)
		goto oom;
	return cg;
oom:
	mr_error_sys(err, ENOMEM, "cgroup");
fail:
	mr_cgroup_free(cg);
	return NULL;
}

/* ---- describe / load ----
 * "mr-cgroup/1 <layout> <path> <hierarchy>=<created>[:<path>] ...": the
 * path after a hierarchy only where it differs from the main one (relative
 * paths). Spaces and '%' in names and paths are %-escaped. */

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
	if (detect(cg, err) < 0)
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
			if (set_hier_path(h, path ? path : cg->path) < 0)
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

enum mr_cgroup_layout mr_cgroup_layout(const struct mr_cgroup *cg)
{
	return cg->layout;
}

const char *mr_cgroup_path(const struct mr_cgroup *cg)
{
	return cg->path;
}

const char *mr_cgroup_path_in(const struct mr_cgroup *cg, const char *name, bool v2, const char *controllers)
{
	for (size_t i = 0; i < cg->n; i++)
		if (strcmp(cg->h[i].name, name) == 0)
			return cg->h[i].path;
	/* The same hierarchy mounted under another name as well. */
	for (size_t i = 0; i < cg->n; i++)
		if (cg->h[i].v2 == v2 && (v2 || same_set(controllers, cg->h[i].controllers)))
			return cg->h[i].path;
	return NULL;
}

void mr_cgroup_set_device_defaults(struct mr_cgroup *cg, bool on)
{
	cg->device_defaults = on;
}

struct mr_cg_hier *mr_cg_v1(const struct mr_cgroup *cg, const char *controller)
{
	for (size_t i = 0; i < cg->n; i++)
		if (!cg->h[i].v2 && cg->h[i].path && list_has(cg->h[i].controllers, controller, ','))
			return &cg->h[i];
	return NULL;
}

struct mr_cg_hier *mr_cg_unified(const struct mr_cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		if (cg->h[i].v2 && cg->h[i].path)
			return &cg->h[i];
	return NULL;
}

bool mr_cg_v2_has(const char *dir, const char *controller)
{
	cleanup_free char *s = mr_cg_read(dir, "cgroup.controllers");

	if (s == NULL)
		return false;
	s[strcspn(s, "\n")] = '\0';
	return list_has(s, controller, ' ');
}

/* ---- create / destroy ---- */

/* mkdir every missing component of h->path; h->created counts them.
 * Another container's delete may remove an empty parent between two of
 * our mkdirs (ENOENT): then start again from the top. */
static int make_dirs_once(struct mr_cg_hier *h, struct mr_error **err);

static int make_dirs(struct mr_cg_hier *h, struct mr_error **err)
{
	for (int tries = 0;; tries++) {
		struct mr_error *e = NULL;
		if (make_dirs_once(h, &e) == 0)
			return 0;
		if (e->errnum != ENOENT || tries >= 20) {
			*err = e;
			return -1;
		}
		mr_error_free(e);
	}
}

static int make_dirs_once(struct mr_cg_hier *h, struct mr_error **err)
{
	size_t mlen = strlen(h->mount);
	cleanup_free char *dir = strdup(h->dir);
	int created = 0;

	if (dir == NULL)
		return mr_error_sys(err, ENOMEM, "cgroup");
	for (char *p = dir + mlen + 1; p; p = strchr(p + 1, '/')) {
		char saved = *p;
		*p = '\0';
		if (strlen(dir) > mlen) {
			if (mkdir(dir, 0755) == 0)
				created++;
			else if (errno == EEXIST)
				created = 0; /* something we did not make lies under it */
			else
				return mr_error_sys(err, errno, "cgroup: mkdir %s", dir);
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	if (mkdir(dir, 0755) == 0)
		created++;
	else if (errno == EEXIST)
		created = 0;
	else
		return mr_error_sys(err, errno, "cgroup: mkdir %s", dir);
	h->created = created;
	return 0;
}

/* Remove dir and what the container made below it (sub-cgroups). */
static int remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d)) != NULL) {
		char sub[PATH_MAX];
		if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (join_path(sub, sizeof(sub), dir, e->d_name) == 0)
			remove_tree(sub);
	}
	closedir(d);
	/* A process that just died may still be counted for a moment (v1
	 * drops it only when it is reaped): retry for a while on EBUSY. */
	for (int i = 0; i < 200; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -1;
		nanosleep(&(struct timespec){ .tv_nsec = 5 * 1000 * 1000 }, NULL);
	}
	return -1;
}

static int destroy_hier(struct mr_cg_hier *h, struct mr_error **err)
{
	cleanup_free char *dir = NULL;

	if (h->path == NULL || h->created <= 0)
		return 0;
	if (remove_tree(h->dir) < 0)
		return mr_error_sys(err, errno, "cgroup: remove %s", h->dir);
	dir = strdup(h->dir);
	if (dir == NULL)
		return mr_error_sys(err, ENOMEM, "cgroup");
	/* The parents create made, while nothing else uses them. */
	for (int i = 1; i < h->created; i++) {
		char *slash = strrchr(dir, '/');
		if (slash == NULL || (size_t)(slash - dir) <= strlen(h->mount))
			break;
		*slash = '\0';
		if (rmdir(dir) < 0)
			break;
	}
	h->created = 0;
	return 0;
}

int mr_cgroup_create(struct mr_cgroup *cg, struct mr_error **err)
{
	for (size_t i = 0; i < cg->n; i++) {
		if (cg->h[i].path && make_dirs(&cg->h[i], err) < 0)
			goto undo;
	}
	if (cg->drv->prepare(cg, err) < 0)
		goto undo;
	cg->fresh = true;
	return 0;
undo:
	for (size_t i = 0; i < cg->n; i++)
		destroy_hier(&cg->h[i], NULL);
	return -1;
}

int mr_cgroup_destroy(struct mr_cgroup *cg, struct mr_error **err)
{
	int ret = 0;

	for (size_t i = 0; i < cg->n; i++)
		if (destroy_hier(&cg->h[i], ret < 0 ? NULL : err) < 0)
			ret = -1;
	return ret;
}

/* ---- processes ---- */

int mr_cgroup_fd(const struct mr_cgroup *cg)
{
	const struct mr_cg_hier *h = mr_cg_unified(cg);

	if (cg->layout != MR_CGROUP_V2 || h == NULL)
		return -1;
	return open(h->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

int mr_cgroup_enter(const struct mr_cgroup *cg, pid_t pid, struct mr_error **err)
{
	for (size_t i = 0; i < cg->n; i++) {
		const struct mr_cg_hier *h = &cg->h[i];
		if (h->path == NULL)
			continue;
		if (mr_cg_writef(h->dir, "cgroup.procs", "cgroup", err, "%d", (int)pid) < 0)
			return mr_error_prefix(err, "move %d into %s%s%s", (int)pid, h->path, *h->name ? " of " : "",
					       h->name);
	}
	return 0;
}

/* The hierarchy whose cgroup.procs lists the container's processes. */
static const struct mr_cg_hier *procs_hier(const struct mr_cgroup *cg)
{
	static const char *const pref[] = { "pids", "freezer", "memory", "devices", "cpu", NULL };
	const struct mr_cg_hier *h;

	if (cg->layout == MR_CGROUP_V2)
		return mr_cg_unified(cg);
	for (size_t i = 0; pref[i]; i++)
		if ((h = mr_cg_v1(cg, pref[i])) != NULL)
			return h;
	for (size_t i = 0; i < cg->n; i++)
		if (cg->h[i].path)
			return &cg->h[i];
	return NULL;
}

static int collect_pids(const char *dir, pid_t **v, size_t *n, size_t *cap)
{
	cleanup_free char *s = mr_cg_read(dir, "cgroup.procs");
	DIR *d;
	struct dirent *e;

	if (s == NULL)
		return errno == ENOENT ? 0 : -1;
	for (char *p = s; *p;) {
		char *end;
		long pid = strtol(p, &end, 10);
		if (end == p)
			break;
		if (*n == *cap) {
			pid_t *grown = realloc(*v, (*cap = *cap ? *cap * 2 : 16) * sizeof(**v));
			if (grown == NULL)
				return -1;
			*v = grown;
		}
		(*v)[(*n)++] = (pid_t)pid;
		p = end + strspn(end, "\n");
	}
	d = opendir(dir);
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		char sub[PATH_MAX];
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		if (join_path(sub, sizeof(sub), dir, e->d_name) == 0 && collect_pids(sub, v, n, cap) < 0) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	return 0;
}

static int pid_cmp(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

pid_t *mr_cgroup_pids(const struct mr_cgroup *cg, size_t *n, struct mr_error **err)
{
	const struct mr_cg_hier *h = procs_hier(cg);
	pid_t *v = NULL;
	size_t cap = 0, len = 0, out = 0;

	*n = 0;
	if (h == NULL) {
		mr_error_set(err, 0, "cgroup: no hierarchy to list processes from");
		return NULL;
	}
	if (collect_pids(h->dir, &v, &len, &cap) < 0) {
		mr_error_sys(err, errno, "cgroup: read %s/cgroup.procs", h->path);
		free(v);
		return NULL;
	}
	if (v == NULL && (v = malloc(sizeof(*v))) == NULL) {
		mr_error_sys(err, ENOMEM, "cgroup");
		return NULL;
	}
	qsort(v, len, sizeof(*v), pid_cmp);
	for (size_t i = 0; i < len; i++)
		if (out == 0 || v[out - 1] != v[i])
			v[out++] = v[i];
	*n = out;
	return v;
}

int mr_cgroup_kill_all(const struct mr_cgroup *cg, int sig, struct mr_error **err)
{
	const struct mr_cg_hier *u = mr_cg_unified(cg);
	cleanup_free pid_t *pids = NULL;
	size_t n = 0;
	int was_frozen = cg->drv->frozen(cg);
	bool froze = false;

	/* cgroup.kill (5.14) kills everything in the v2 subtree at once, frozen
	 * or not, and nothing can fork away from it. */
	if (sig == SIGKILL && cg->layout == MR_CGROUP_V2 && u && mr_cg_exists(u->dir, "cgroup.kill")) {
		if (mr_cg_write(u->dir, "cgroup.kill", "1", "cgroup", err) < 0)
			return -1;
		/* They die frozen or not; thawed, the cgroup does not read as
		 * paused afterwards. */
		return was_frozen == 1 ? cg->drv->freeze(cg, false, err) : 0;
	}
	/* Otherwise as runc: freeze so that no new process escapes the list,
	 * signal each, thaw. */
	if (was_frozen == 0) {
		if (cg->drv->freeze(cg, true, err) < 0)
			return -1;
		froze = true;
	}
	pids = mr_cgroup_pids(cg, &n, err);
	if (pids == NULL)
		goto thaw;
	for (size_t i = 0; i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH) {
			mr_error_sys(err, errno, "kill %d", (int)pids[i]);
			pids = (free(pids), NULL);
			goto thaw;
		}
thaw:
	/* A frozen process only acts on SIGKILL once thawed. */
	if (froze || (was_frozen == 1 && sig == SIGKILL))
		if (cg->drv->freeze(cg, false, pids ? err : NULL) < 0)
			return -1;
	return pids ? 0 : -1;
}

/* ---- dispatch ---- */

int mr_cgroup_apply(struct mr_cgroup *cg, const struct oci_linux_resources *r, struct mr_error **err)
{
	static const struct oci_linux_resources none;
	int ret;

	/* Without resources a new cgroup still gets its device rules (deny
	 * all but the standard devices), as runc does. */
	if (r == NULL && !cg->fresh)
		return 0;
	ret = cg->drv->apply(cg, r ? r : &none, err);
	cg->fresh = false;
	return ret;
}

int mr_cgroup_freeze(const struct mr_cgroup *cg, bool frozen, struct mr_error **err)
{
	return cg->drv->freeze(cg, frozen, err);
}

bool mr_cgroup_is_frozen(const struct mr_cgroup *cg)
{
	return cg->drv->frozen(cg) == 1;
}

int mr_cgroup_oom_fd(const struct mr_cgroup *cg, struct mr_error **err)
{
	return cg->drv->oom_fd(cg, err);
}

uint64_t mr_cgroup_oom_count(const struct mr_cgroup *cg)
{
	return cg->drv->oom_count(cg);
}

char *mr_cgroup_stats_json(const struct mr_cgroup *cg, struct mr_error **err)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	char *out = NULL;

	if (g == NULL) {
		mr_error_sys(err, ENOMEM, "cgroup stats");
		return NULL;
	}
	yajl_gen_map_open(g);
	if (cg->drv->stats(cg, g, err) == 0) {
		/* Members runc always has, empty here. */
		mr_cg_json_key(g, "intel_rdt");
		yajl_gen_map_open(g);
		yajl_gen_map_close(g);
		mr_cg_json_key(g, "network_interfaces");
		yajl_gen_null(g);
		yajl_gen_map_close(g);
		if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
			out = strndup((const char *)buf, len);
		if (out == NULL)
			mr_error_sys(err, ENOMEM, "cgroup stats");
	}
	yajl_gen_free(g);
	return out;
}

bool mr_cgroup_owned(const struct mr_cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		if (cg->h[i].path && cg->h[i].created > 0)
			return true;
	return false;
}
