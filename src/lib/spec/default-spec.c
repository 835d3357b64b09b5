#include "spec/default-spec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "spec/config.h"

static const char default_config[] =
#include "spec/default-config.inc"
	;

/* Remove element i of an array of n items of `size` bytes (after the
 * caller has freed what it owned). */
static void array_remove(void *items, size_t *n, size_t i, size_t size)
{
	char *base = items;

	memmove(base + i * size, base + (i + 1) * size, (*n - i - 1) * size);
	(*n)--;
}

static void drop_mount(struct oci_config *c, const char *destination)
{
	for (size_t i = 0; i < c->mounts_len; i++) {
		if (strcmp(c->mounts[i].destination, destination) == 0) {
			mr_model_clear(&mr_type_oci_mount, &c->mounts[i]);
			array_remove(c->mounts, &c->mounts_len, i, sizeof(c->mounts[0]));
			return;
		}
	}
}

static struct oci_mount *find_mount(struct oci_config *c, const char *destination)
{
	for (size_t i = 0; i < c->mounts_len; i++)
		if (strcmp(c->mounts[i].destination, destination) == 0)
			return &c->mounts[i];
	return NULL;
}

static int set_mapping(struct oci_id_mapping **m, size_t *n, uint32_t host)
{
	*m = calloc(1, sizeof(**m));
	if (*m == NULL)
		return -1;
	(*m)->container_id = 0;
	(*m)->has_container_id = true;
	(*m)->host_id = host;
	(*m)->has_host_id = true;
	(*m)->size = 1;
	(*m)->has_size = true;
	*n = 1;
	return 0;
}

static int make_rootless(struct oci_config *c, uid_t uid, gid_t gid)
{
	struct oci_linux *l = c->linux;
	struct oci_mount *m;
	char **opts;

	/* network: a rootless user cannot configure one; keep the host's. */
	for (size_t i = 0; i < l->namespaces_len; i++) {
		if (strcmp(l->namespaces[i].type, "network") == 0) {
			mr_model_clear(&mr_type_oci_namespace, &l->namespaces[i]);
			array_remove(l->namespaces, &l->namespaces_len, i, sizeof(l->namespaces[0]));
			break;
		}
	}
	l->namespaces[l->namespaces_len].type = strdup("user");
	if (l->namespaces[l->namespaces_len].type == NULL)
		return -1;
	l->namespaces_len++;
	if (set_mapping(&l->uid_mappings, &l->uid_mappings_len, uid) < 0 ||
	    set_mapping(&l->gid_mappings, &l->gid_mappings_len, gid) < 0)
		return -1;

	/* sysfs cannot be mounted without owning the network namespace. */
	m = find_mount(c, "/sys");
	free(m->type);
	free(m->source);
	for (size_t i = 0; i < m->options_len; i++)
		free(m->options[i]);
	free(m->options);
	m->type = strdup("none");
	m->source = strdup("/sys");
	opts = calloc(6, sizeof(*opts)); /* 5 options + NULL */
	if (m->type == NULL || m->source == NULL || opts == NULL)
		return -1;
	m->options = opts;
	m->options_len = 0;
	for (const char *const *o = (const char *const[]){ "rbind", "nosuid", "noexec", "nodev", "ro", NULL }; *o; o++)
		if ((opts[m->options_len++] = strdup(*o)) == NULL)
			return -1;

	/* gid=5 needs a mapped tty group; the cgroup mount needs a cgroup the
	 * user owns. */
	m = find_mount(c, "/dev/pts");
	for (size_t i = 0; i < m->options_len; i++) {
		if (strncmp(m->options[i], "gid=", 4) == 0) {
			free(m->options[i]);
			array_remove(m->options, &m->options_len, i, sizeof(m->options[0]));
			break;
		}
	}
	drop_mount(c, "/sys/fs/cgroup");
	mr_model_clear(&mr_type_oci_linux_resources, l->resources);
	free(l->resources);
	l->resources = NULL;
	return 0;
}

struct oci_config *mr_default_spec(bool rootless, uid_t uid, gid_t gid, struct mr_error **err)
{
	struct oci_config *c = mr_config_parse(default_config, sizeof(default_config) - 1, NULL, err);
	struct oci_namespace *ns;

	if (c == NULL) {
		mr_error_prefix(err, "built-in default config");
		return NULL;
	}
	if (!rootless)
		return c;
	/* room for the user namespace (items are allocated to fit) */
	ns = realloc(c->linux->namespaces, (c->linux->namespaces_len + 1) * sizeof(*ns));
	if (ns == NULL)
		goto oom;
	c->linux->namespaces = ns;
	memset(&ns[c->linux->namespaces_len], 0, sizeof(*ns));
	if (make_rootless(c, uid, gid) < 0)
		goto oom;
	return c;
oom:
	mr_config_free(c);
	mr_error_set(err, ENOMEM, "out of memory");
	return NULL;
}
