/* Image references in Docker's grammar and its familiar form. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/images.h"
#include "util/cleanup.h"

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* alpha-numeric (separator alpha-numeric)*, separator = [_.] | __ | -+ */
static bool path_component_ok(const char *s, size_t len)
{
	size_t i = 0;

	if (len == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[len - 1]))
		return false;
	while (i < len) {
		if (is_lower_alnum(s[i])) {
			i++;
			continue;
		}
		size_t j = i;
		if (s[i] == '.' || (s[i] == '_' && s[i + 1] != '_'))
			j = i + 1;
		else if (s[i] == '_' && s[i + 1] == '_')
			j = i + 2;
		else if (s[i] == '-')
			while (j < len && s[j] == '-')
				j++;
		else
			return false;
		if (j >= len || !is_lower_alnum(s[j]))
			return false;
		i = j;
	}
	return true;
}

static bool domain_ok(const char *s, size_t len)
{
	size_t i = 0;
	if (len == 0)
		return false;
	for (; i < len && s[i] != ':'; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '-')
			return false;
	if (i < len) {
		if (i + 1 == len)
			return false;
		for (i++; i < len; i++)
			if (!isdigit((unsigned char)s[i]))
				return false;
	}
	return true;
}

static bool tag_ok(const char *t)
{
	size_t n = strlen(t);
	if (n == 0 || n > 128 || !(isalnum((unsigned char)t[0]) || t[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum((unsigned char)t[i]) || t[i] == '_' || t[i] == '.' || t[i] == '-'))
			return false;
	return true;
}

static int bad(struct mr_error **err, const char *ref, const char *why)
{
	return mr_error_set(err, EINVAL, "invalid reference format: %s: %s", ref, why);
}

int mrd_ref_join(const char *repo, const char *tag, char **out, struct mr_error **err)
{
	cleanup_free char *name = strdup(repo);
	const char *path = name, *slash;

	*out = NULL;
	if (name == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	if (tag == NULL || *tag == '\0')
		tag = "latest";
	if (strchr(repo, '@') != NULL)
		return mr_error_set(err, ENOTSUP, "%s: references by digest are not supported", repo);
	if (!tag_ok(tag))
		return bad(err, tag, "a tag is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
	if (strlen(repo) == 0 || strlen(repo) > 255)
		return bad(err, repo, "repository name must have 1 to 255 characters");
	/* the first component is a registry if it looks like a host */
	slash = strchr(name, '/');
	if (slash != NULL) {
		size_t dlen = (size_t)(slash - name);
		bool is_domain = memchr(name, '.', dlen) || memchr(name, ':', dlen) ||
				 (dlen == 9 && memcmp(name, "localhost", 9) == 0);
		for (size_t i = 0; i < dlen && !is_domain; i++)
			is_domain = isupper((unsigned char)name[i]);
		if (is_domain) {
			if (!domain_ok(name, dlen))
				return bad(err, repo, "bad registry host");
			path = slash + 1;
			/* docker.io is implied, unless what follows would then
			 * read as a registry itself */
			size_t rlen = strcspn(path, "/");
			bool rest_is_host = path[rlen] == '/' && (memchr(path, '.', rlen) || memchr(path, ':', rlen) ||
								  (rlen == 9 && memcmp(path, "localhost", 9) == 0));
			if (!rest_is_host && ((dlen == 9 && memcmp(name, "docker.io", 9) == 0) ||
					      (dlen == 15 && memcmp(name, "index.docker.io", 15) == 0))) {
				memmove(name, path, strlen(path) + 1);
				path = name;
			}
		}
	}
	for (const char *p = path;;) {
		const char *s = strchr(p, '/');
		size_t len = s ? (size_t)(s - p) : strlen(p);
		for (size_t i = 0; i < len; i++)
			if (isupper((unsigned char)p[i]))
				return bad(err, repo, "repository name must be lowercase");
		if (!path_component_ok(p, len))
			return bad(err, repo, "a name component is [a-z0-9] separated by '.', '_', '__' or '-'");
		if (s == NULL)
			break;
		p = s + 1;
	}
	/* docker.io's "library/" is implied */
	const char *fam = name;
	if (path == name && strncmp(name, "library/", 8) == 0 && strchr(name + 8, '/') == NULL)
		fam = name + 8;
	if (asprintf(out, "%s:%s", fam, tag) < 0)
		return mr_error_set(err, ENOMEM, "out of memory");
	return 0;
}

int mrd_ref_normalize(const char *ref, char **out, struct mr_error **err)
{
	cleanup_free char *repo = strdup(ref);
	char *colon, *slash;

	if (repo == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	/* a ':' after the last '/' starts the tag (one before is a port) */
	slash = strrchr(repo, '/');
	colon = strrchr(repo, ':');
	if (colon != NULL && (slash == NULL || colon > slash)) {
		*colon = '\0';
		if (colon[1] == '\0')
			return bad(err, ref, "empty tag");
		return mrd_ref_join(repo, colon + 1, out, err);
	}
	return mrd_ref_join(repo, NULL, out, err);
}
