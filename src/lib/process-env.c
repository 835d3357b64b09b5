#include "process-env.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"

/* A passwd file bigger than this is read this far: enough for any image,
 * and the lookup cannot be made to eat the init's memory. */
#define PASSWD_MAX (4u << 20)

/* Whether a and b (KEY=value each) set the same KEY. */
static bool same_key(const char *a, const char *b)
{
	size_t k = strcspn(a, "=");

	return strncmp(a, b, k) == 0 && b[k] == '=';
}

const char *mr_env_get(char *const *env, const char *key)
{
	size_t k = strlen(key);

	for (size_t i = 0; env && env[i]; i++)
		if (strncmp(env[i], key, k) == 0 && env[i][k] == '=')
			return env[i] + k + 1;
	return NULL;
}

static bool parse_uid(const char *s, size_t n, uint32_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

bool mr_passwd_home(const char *text, size_t len, uint32_t uid, const char **home, size_t *home_len)
{
	const char *end = text + len;

	for (const char *line = text; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *eol = nl ? nl : end, *field[7];
		size_t n = 0;
		uint32_t id;

		/* name:password:uid:gid:gecos:dir:shell; leading blanks and
		 * comment lines are skipped, as glibc reads the file */
		while (line < eol && (*line == ' ' || *line == '\t'))
			line++;
		if (line == eol || *line == '#') {
			line = nl ? nl + 1 : end;
			continue;
		}
		field[n++] = line;
		for (const char *c = line; c < eol && n < 7; c++)
			if (*c == ':')
				field[n++] = c + 1;
		if (n >= 6 && parse_uid(field[2], (size_t)(field[3] - 1 - field[2]), &id) && id == uid) {
			const char *dir_end = n == 7 ? field[6] - 1 : eol;
			*home = field[5];
			*home_len = (size_t)(dir_end - field[5]);
			return true;
		}
		line = nl ? nl + 1 : end;
	}
	return false;
}

/* /etc/passwd of our root, up to PASSWD_MAX bytes; NULL when unreadable. */
static char *read_passwd(size_t *len)
{
	cleanup_close int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t size = 0, cap = 0;
	char *buf = NULL;

	if (fd < 0)
		return NULL;
	while (size < PASSWD_MAX) {
		ssize_t r;
		if (size == cap) {
			char *grown = realloc(buf, cap = cap ? cap * 2 : 4096);
			if (grown == NULL)
				break;
			buf = grown;
		}
		r = read(fd, buf + size, (cap < PASSWD_MAX ? cap : PASSWD_MAX) - size);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		size += (size_t)r;
	}
	*len = size;
	return buf;
}

/* "HOME=<the passwd entry's dir>", or "HOME=/" without one. */
static char *home_entry(uint32_t uid)
{
	size_t len = 0, home_len = 0;
	cleanup_free char *passwd = read_passwd(&len);
	const char *home = NULL;
	char *out = NULL;

	if (passwd == NULL || !mr_passwd_home(passwd, len, uid, &home, &home_len)) {
		home = "/";
		home_len = 1;
	}
	if (asprintf(&out, "HOME=%.*s", (int)home_len, home) < 0)
		return NULL;
	return out;
}

void mr_env_free(char **env)
{
	for (size_t i = 0; env && env[i]; i++)
		free(env[i]);
	free(env);
}

char **mr_env_prepare(char *const *env, size_t n, char *const *extra, size_t n_extra, uint32_t uid,
		      struct mr_error **err)
{
	size_t total = n + n_extra, kept = 0;
	char **out = calloc(total + 2, sizeof(char *));
	bool home = false;

	if (out == NULL)
		goto oom;
	for (size_t i = 0; i < total; i++) {
		const char *kv = i < n ? env[i] : extra[i - n];
		bool later = false;
		/* the last of a key wins, at its own place (as runc) */
		for (size_t j = i + 1; j < total && !later; j++)
			later = same_key(kv, j < n ? env[j] : extra[j - n]);
		if (later)
			continue;
		/* an empty HOME is none: runc looks it up then too */
		if (same_key(kv, "HOME=")) {
			if (kv[5] == '\0')
				continue;
			home = true;
		}
		if ((out[kept++] = strdup(kv)) == NULL)
			goto oom;
	}
	if (!home && (out[kept++] = home_entry(uid)) == NULL)
		goto oom;
	return out;
oom:
	mr_env_free(out);
	mr_error_set(err, ENOMEM, "process.env: out of memory");
	return NULL;
}
