#include "util/mountinfo.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

/* \ooo -> the byte (only the escapes the kernel writes: \000 to \377). */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
		    s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

static bool parse_id(const char *s, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0';
}

bool mr_mountinfo_parse(char *line, struct mr_mountinfo *mi)
{
	char *fields[6], *p = line, *sep;

	line[strcspn(line, "\n")] = '\0';
	for (int i = 0; i < 6; i++) {
		fields[i] = strsep(&p, " ");
		if (fields[i] == NULL)
			return false;
	}
	/* the optional fields, possibly none, end at " - " (or at "- " when
	 * there are none) */
	if (p == NULL)
		return false;
	if (strncmp(p, "- ", 2) == 0) {
		mi->optional = "";
		p += 2;
	} else if ((sep = strstr(p, " - ")) != NULL) {
		*sep = '\0';
		mi->optional = p;
		p = sep + 3;
	} else {
		return false;
	}
	if (!parse_id(fields[0], &mi->id) || !parse_id(fields[1], &mi->parent_id))
		return false;
	mi->root = fields[3];
	mi->mount_point = fields[4];
	mi->options = fields[5];
	mi->fstype = strsep(&p, " ");
	mi->source = strsep(&p, " ");
	mi->super_opts = p ? p : "";
	if (mi->fstype == NULL || mi->source == NULL)
		return false;
	unescape(mi->root);
	unescape(mi->mount_point);
	return true;
}

int mr_mountinfo_open(struct mr_mountinfo_reader *r, struct mr_error **err)
{
	r->line = NULL;
	r->cap = 0;
	r->f = fopen("/proc/self/mountinfo", "re");
	if (r->f == NULL)
		return mr_error_sys(err, errno, "open /proc/self/mountinfo");
	return 0;
}

bool mr_mountinfo_next(struct mr_mountinfo_reader *r, struct mr_mountinfo *mi)
{
	while (getline(&r->line, &r->cap, r->f) > 0)
		if (mr_mountinfo_parse(r->line, mi))
			return true;
	return false;
}

void mr_mountinfo_close(struct mr_mountinfo_reader *r)
{
	if (r->f)
		fclose(r->f);
	free(r->line);
	r->f = NULL;
	r->line = NULL;
}

bool mr_mountinfo_path_under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strcmp(prefix, "/") == 0)
		return path[0] == '/';
	return strncmp(path, prefix, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

int mr_mountinfo_holder(const char *path, char **mount_point, bool *shared, struct mr_error **err)
{
	cleanup_free char *real = realpath(path, NULL);
	cleanup_mountinfo struct mr_mountinfo_reader r = { 0 };
	struct mr_mountinfo mi;
	size_t best = 0;

	*mount_point = NULL;
	*shared = false;
	if (real == NULL)
		return mr_error_sys(err, errno, "%s", path);
	if (mr_mountinfo_open(&r, err) < 0)
		return -1;
	while (mr_mountinfo_next(&r, &mi)) {
		size_t len;

		if (!mr_mountinfo_path_under(real, mi.mount_point))
			continue;
		/* The longest prefix; of mounts stacked on one point, the last. */
		len = strlen(mi.mount_point);
		if (len < best)
			continue;
		free(*mount_point);
		*mount_point = strdup(mi.mount_point);
		if (*mount_point == NULL)
			return mr_error_sys(err, ENOMEM, "mountinfo");
		best = len;
		*shared = strstr(mi.optional, "shared:") != NULL;
	}
	if (*mount_point == NULL)
		return mr_error_set(err, ENOENT, "no mount holds %s", real);
	return 0;
}
