/* What of a container's config can be checked before it exists, and the
 * capability set it gets. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <strings.h>

#include "capability-names.h"
#include "oci/spec.h"
#include "util/cleanup.h"

static const char *const docker_default_caps[] = {
	"CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",     "CAP_MKNOD",  "CAP_NET_RAW",
	"CAP_SETGID", "CAP_SETUID",       "CAP_SETFCAP", "CAP_SETPCAP",   "CAP_NET_BIND_SERVICE",
	"CAP_SYS_CHROOT", "CAP_KILL",     "CAP_AUDIT_WRITE", NULL,
};

/* "net_admin", "NET_ADMIN", "CAP_NET_ADMIN" -> "CAP_NET_ADMIN"; "ALL". */
static int cap_name(const char *in, char *out, size_t size, const char *field, struct mr_error **err)
{
	size_t i = 0;
	const char *s = in;

	if (strncasecmp(s, "CAP_", 4) == 0)
		s += 4;
	if (strcasecmp(s, "ALL") == 0) {
		snprintf(out, size, "ALL");
		return 0;
	}
	i = (size_t)snprintf(out, size, "CAP_");
	for (; *s && i + 1 < size; s++)
		out[i++] = (char)toupper((unsigned char)*s);
	out[i] = '\0';
	if (mr_cap_from_name(out) < 0)
		return mr_error_set(err, EINVAL, "%s: unknown capability: \"%s\"", field, in);
	return 0;
}

static bool in_list(char **v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], name) == 0)
			return true;
	return false;
}

static int push(char ***v, size_t *n, const char *s)
{
	char **p = realloc(*v, (*n + 2) * sizeof(char *));
	if (p == NULL)
		return -1;
	*v = p;
	p[*n] = strdup(s);
	p[++*n] = NULL;
	return p[*n - 1] ? 0 : -1;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Docker's order: the drops apply to the defaults, then the adds;
 * "ALL" in adds gives every capability, in drops removes the defaults. */
char **mrd_spec_caps(const struct mrd_ctr_config *cfg, size_t *n, struct mr_error **err)
{
	char **caps = NULL, name[64];
	bool drop_all = false, add_all = cfg->privileged;

	*n = 0;
	caps = calloc(1, sizeof(char *)); /* an empty list is not NULL */
	if (caps == NULL)
		goto oom;
	for (size_t i = 0; i < cfg->cap_drop.n; i++) {
		if (cap_name(cfg->cap_drop.v[i], name, sizeof(name), "HostConfig.CapDrop", err) < 0)
			goto fail;
		drop_all |= strcmp(name, "ALL") == 0;
	}
	for (size_t i = 0; i < cfg->cap_add.n; i++) {
		if (cap_name(cfg->cap_add.v[i], name, sizeof(name), "HostConfig.CapAdd", err) < 0)
			goto fail;
		add_all |= strcmp(name, "ALL") == 0;
	}
	if (add_all) {
		/* all that minirund can give: its own bounding set (as podman;
		 * a capability the runtime does not hold it cannot grant) */
		for (int c = 0; c < mr_cap_count(); c++)
			if (mr_cap_name(c) != NULL && prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1 &&
			    push(&caps, n, mr_cap_name(c)) < 0)
				goto oom;
		return caps;
	}
	for (size_t i = 0; !drop_all && docker_default_caps[i] != NULL; i++) {
		bool dropped = false;
		for (size_t k = 0; k < cfg->cap_drop.n; k++) {
			cap_name(cfg->cap_drop.v[k], name, sizeof(name), "", NULL);
			dropped |= strcmp(name, docker_default_caps[i]) == 0;
		}
		if (!dropped && push(&caps, n, docker_default_caps[i]) < 0)
			goto oom;
	}
	for (size_t i = 0; i < cfg->cap_add.n; i++) {
		cap_name(cfg->cap_add.v[i], name, sizeof(name), "", NULL);
		if (!in_list(caps, *n, name) && push(&caps, n, name) < 0)
			goto oom;
	}
	return caps;
oom:
	mr_error_set(err, ENOMEM, "out of memory");
fail:
	strv_free(caps, *n);
	return NULL;
}

static int check_security_opt(const char *opt, struct mr_error **err)
{
	const char *v = strpbrk(opt, "=:");
	size_t klen = v ? (size_t)(v - opt) : strlen(opt);

	if (strncmp(opt, "no-new-privileges", klen) == 0 && klen == 17) {
		if (v == NULL || strcmp(v + 1, "true") == 0 || strcmp(v + 1, "false") == 0)
			return 0;
	} else if (klen == 7 && strncmp(opt, "seccomp", 7) == 0 && v && strcmp(v + 1, "unconfined") == 0) {
		return 0;
	} else if (klen == 8 && strncmp(opt, "apparmor", 8) == 0 && v && strcmp(v + 1, "unconfined") == 0) {
		return 0; /* minirund loads no AppArmor profile: unconfined is what it does */
	} else if (klen == 5 && strncmp(opt, "label", 5) == 0 && v && strcmp(v + 1, "disable") == 0) {
		return 0; /* nor SELinux labels */
	} else if (klen == 7 && strncmp(opt, "seccomp", 7) == 0) {
		return mr_error_set(err, EINVAL,
				    "HostConfig.SecurityOpt: \"%.60s\": minirund takes its default seccomp profile or seccomp=unconfined",
				    opt);
	}
	return mr_error_set(err, EINVAL,
			    "HostConfig.SecurityOpt: \"%.60s\": not supported (no-new-privileges, seccomp=unconfined)", opt);
}

/* "/src:/dst[:opts]" binds; a name instead of /src is a named volume. */
static int check_bind(const char *b, size_t i, struct mr_error **err)
{
	cleanup_free char *copy = strdup(b);
	char *dst, *opts;

	if (copy == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	dst = strchr(copy, ':');
	if (dst == NULL)
		return mr_error_set(err, EINVAL, "HostConfig.Binds[%zu]: \"%s\": expected SOURCE:DESTINATION[:OPTIONS]",
				    i, b);
	*dst++ = '\0';
	opts = strchr(dst, ':');
	if (opts != NULL)
		*opts++ = '\0';
	if (copy[0] != '/')
		return mr_error_set(err, ENOTSUP, "HostConfig.Binds[%zu]: \"%s\": named volumes are not supported yet",
				    i, copy);
	if (dst[0] != '/')
		return mr_error_set(err, EINVAL, "HostConfig.Binds[%zu]: \"%s\": the destination must be an absolute path",
				    i, dst);
	for (char *save = NULL, *o = opts ? strtok_r(opts, ",", &save) : NULL; o; o = strtok_r(NULL, ",", &save)) {
		static const char *const ok[] = {"ro", "rw", "z", "Z", "private", "rprivate", "shared", "rshared",
						 "slave", "rslave", "nocopy", "consistent", "cached", "delegated", NULL};
		size_t k = 0;
		while (ok[k] != NULL && strcmp(ok[k], o) != 0)
			k++;
		if (ok[k] == NULL)
			return mr_error_set(err, EINVAL, "HostConfig.Binds[%zu]: invalid mode: %s", i, o);
	}
	return 0;
}

static int check_sysctl(const char *name, const struct mrd_ctr_config *cfg, struct mr_error **err)
{
	static const char *const ipc_ok[] = {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
					     "kernel.shmall", "kernel.shmmax", "kernel.shmmni",
					     "kernel.shm_rmid_forced", NULL};
	for (size_t i = 0; ipc_ok[i]; i++)
		if (strcmp(name, ipc_ok[i]) == 0)
			return 0;
	if (strncmp(name, "fs.mqueue.", 10) == 0)
		return 0;
	if (strncmp(name, "net.", 4) == 0) {
		if (strcmp(cfg->network_mode, "host") == 0)
			return mr_error_set(err, EINVAL, "HostConfig.Sysctls: %s: not allowed with the host's network",
					    name);
		return 0;
	}
	return mr_error_set(err, EINVAL,
			    "HostConfig.Sysctls: %s: not allowed in a container (namespaced ones only: kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*, net.*)",
			    name);
}

static int check_mode(const char *field, const char *v, struct mr_error **err)
{
	if (v == NULL || *v == '\0' || strcmp(v, "host") == 0 || strcmp(v, "private") == 0 ||
	    strcmp(v, "shareable") == 0)
		return 0;
	return mr_error_set(err, EINVAL, "HostConfig.%s: \"%s\" is not supported (\"\", private, host)", field, v);
}

int mrd_spec_check(const struct mrd_ctr_config *cfg, struct mr_error **err)
{
	const char **args;
	size_t n;
	char **caps;
	const char *net = cfg->network_mode;

	n = mrd_spec_args(cfg, &args);
	free(args);
	if (n == 0)
		return mr_error_set(err, EINVAL, "no command specified");
	caps = mrd_spec_caps(cfg, &n, err);
	if (caps == NULL)
		return -1;
	strv_free(caps, n);
	for (size_t i = 0; i < cfg->security_opt.n; i++)
		if (check_security_opt(cfg->security_opt.v[i], err) < 0)
			return -1;
	for (size_t i = 0; i < cfg->binds.n; i++)
		if (check_bind(cfg->binds.v[i], i, err) < 0)
			return -1;
	for (size_t i = 0; i < cfg->tmpfs.n; i++)
		if (cfg->tmpfs.k[i][0] != '/')
			return mr_error_set(err, EINVAL, "HostConfig.Tmpfs: \"%s\": expected an absolute path",
					    cfg->tmpfs.k[i]);
	for (size_t i = 0; i < cfg->sysctls.n; i++)
		if (check_sysctl(cfg->sysctls.k[i], cfg, err) < 0)
			return -1;
	if (strcmp(net, "default") != 0 && strcmp(net, "bridge") != 0 && strcmp(net, "none") != 0 &&
	    strcmp(net, "host") != 0 && *net != '\0')
		return mr_error_set(err, ENOTSUP, "HostConfig.NetworkMode: \"%s\": minirund has the networks default, none and host (user-defined networks come later)",
				    net);
	if (check_mode("IpcMode", cfg->ipc_mode, err) < 0 || check_mode("PidMode", cfg->pid_mode, err) < 0 ||
	    check_mode("UTSMode", cfg->uts_mode, err) < 0 || check_mode("CgroupnsMode", cfg->cgroupns_mode, err) < 0)
		return -1;
	if (cfg->init)
		return mr_error_set(err, ENOTSUP, "HostConfig.Init: not supported by minirund (it has no init binary)");
	if (cfg->publish_all && cfg->exposed.n > 0)
		return mr_error_set(err, ENOTSUP, "HostConfig.PublishAllPorts: port publishing is not supported yet");
	return 0;
}

size_t mrd_spec_args(const struct mrd_ctr_config *cfg, const char ***out)
{
	size_t n = 0;
	const char **v = calloc(cfg->entrypoint.n + cfg->cmd.n + 1, sizeof(char *));

	*out = v;
	if (v == NULL)
		return 0;
	for (size_t i = 0; i < cfg->entrypoint.n; i++)
		v[n++] = cfg->entrypoint.v[i];
	for (size_t i = 0; i < cfg->cmd.n; i++)
		v[n++] = cfg->cmd.v[i];
	return n;
}
