#include "oci/user.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/json.h"
#include "util/path.h"

#define FILE_MAX (4u << 20)

/* The file inside the root, NULL (no error) when it is not there. */
static char *read_in_root(int rootfs_fd, const char *path)
{
	cleanup_error struct mr_error *err = NULL;
	int fd = mr_path_open_in_root(rootfs_fd, path, O_RDONLY, &err);
	char *buf = NULL;
	size_t len;

	if (fd < 0)
		return NULL;
	buf = mr_read_fd(fd, FILE_MAX, &len, &err);
	close(fd);
	return buf;
}

static bool parse_id(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > UINT32_MAX - 1)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* Field i (0-based, ':'-separated) of a line, copied into buf. */
static bool field(const char *line, int i, char *buf, size_t size)
{
	const char *p = line;
	for (int k = 0; k < i; k++) {
		p = strchr(p, ':');
		if (p == NULL)
			return false;
		p++;
	}
	size_t n = strcspn(p, ":\n");
	if (n >= size)
		return false;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return true;
}

/* Find a line whose field 0 is `name` or field 2 is `id` (when by_id). */
static bool find_line(const char *file, const char *name, uint32_t id, bool by_id, char *out, size_t size)
{
	for (const char *line = file; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		char f0[256], f2[32];
		uint32_t v;
		size_t n = strcspn(line, "\n");
		if (n >= size || !field(line, 0, f0, sizeof(f0)) || !field(line, 2, f2, sizeof(f2)))
			continue;
		if ((by_id && parse_id(f2, &v) && v == id) || (!by_id && strcmp(f0, name) == 0)) {
			memcpy(out, line, n);
			out[n] = '\0';
			return true;
		}
	}
	return false;
}

static int add_gid(struct mrd_user *u, uint32_t gid)
{
	for (size_t i = 0; i < u->ngids; i++)
		if (u->gids[i] == gid)
			return 0;
	uint32_t *p = realloc(u->gids, (u->ngids + 1) * sizeof(uint32_t));
	if (p == NULL)
		return -1;
	u->gids = p;
	u->gids[u->ngids++] = gid;
	return 0;
}

/* The groups whose member list names the user. */
static void member_groups(const char *group, const char *user, struct mrd_user *u)
{
	for (const char *line = group; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		char gidf[32], members[4096];
		uint32_t gid;
		if (!field(line, 2, gidf, sizeof(gidf)) || !parse_id(gidf, &gid) ||
		    !field(line, 3, members, sizeof(members)))
			continue;
		for (char *save = NULL, *m = strtok_r(members, ",", &save); m; m = strtok_r(NULL, ",", &save))
			if (strcmp(m, user) == 0)
				add_gid(u, gid);
	}
}

static int resolve_group(const char *group_file, const char *g, uint32_t *gid, struct mr_error **err)
{
	char line[4096], f[32];

	if (parse_id(g, gid))
		return 0;
	if (group_file == NULL || !find_line(group_file, g, 0, false, line, sizeof(line)) ||
	    !field(line, 2, f, sizeof(f)) || !parse_id(f, gid))
		return mr_error_set(err, EINVAL, "unable to find group %s: no matching entries in group file", g);
	return 0;
}

int mrd_user_resolve(int rootfs_fd, const char *spec, char *const *group_add, size_t ngroup_add,
		     struct mrd_user *u, struct mr_error **err)
{
	cleanup_free char *passwd = read_in_root(rootfs_fd, "/etc/passwd");
	cleanup_free char *group = read_in_root(rootfs_fd, "/etc/group");
	cleanup_free char *user = strdup(spec && *spec ? spec : "0");
	char *grp = user ? strchr(user, ':') : NULL, line[4096], f[256];
	bool have_line;

	memset(u, 0, sizeof(*u));
	if (user == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	if (grp != NULL)
		*grp++ = '\0';
	bool numeric = parse_id(user, &u->uid);
	have_line = passwd != NULL && find_line(passwd, user, u->uid, numeric, line, sizeof(line));
	if (!numeric && !have_line)
		return mr_error_set(err, EINVAL, "unable to find user %s: no matching entries in passwd file", user);
	if (have_line) {
		if (!numeric && (!field(line, 2, f, sizeof(f)) || !parse_id(f, &u->uid)))
			return mr_error_set(err, EINVAL, "user %s: bad uid in passwd file", user);
		if (field(line, 3, f, sizeof(f)) && parse_id(f, &u->gid) && field(line, 5, f, sizeof(f)) && *f)
			u->home = strdup(f);
	}
	if (grp != NULL && *grp && resolve_group(group, grp, &u->gid, err) < 0)
		return -1;
	if (u->home == NULL)
		u->home = strdup("/");
	if (have_line && grp == NULL && field(line, 0, f, sizeof(f)) && group != NULL)
		member_groups(group, f, u);
	for (size_t i = 0; i < ngroup_add; i++) {
		uint32_t gid;
		if (resolve_group(group, group_add[i], &gid, err) < 0 || add_gid(u, gid) < 0) {
			mrd_user_clear(u);
			return mr_error_prefix(err, "HostConfig.GroupAdd");
		}
	}
	return 0;
}

void mrd_user_clear(struct mrd_user *u)
{
	free(u->gids);
	free(u->home);
	memset(u, 0, sizeof(*u));
}
