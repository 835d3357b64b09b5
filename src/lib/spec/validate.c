#include "spec/validate.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rlimit-names.h"
#include "spec/config.h"
#include "util/cleanup.h"

#define OCI_MAJOR_SUPPORTED 1

static int invalid(struct mr_error **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int invalid(struct mr_error **err, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	mr_error_set(err, EINVAL, "%s", msg ? msg : "out of memory");
	free(msg);
	return -1;
}

static bool is_abs(const char *p)
{
	return p != NULL && p[0] == '/';
}

/* A decimal number without sign or leading zeros; *s moves past it. */
static bool version_number(const char **s)
{
	const char *p = *s;
	size_t n = strspn(p, "0123456789");

	if (n == 0 || n > 9 || (n > 1 && p[0] == '0'))
		return false;
	*s = p + n;
	return true;
}

/* "1.2.0", "1.0.2-dev", "1.1.0-rc.1": MAJOR.MINOR.PATCH[-suffix], semver. */
static int check_version(const char *v, struct mr_error **err)
{
	const char *s = v;

	if (!version_number(&s) || *s++ != '.' || !version_number(&s) || *s++ != '.' || !version_number(&s) ||
	    (*s != '\0' && (*s != '-' || s[1] == '\0')))
		return invalid(err, "ociVersion: invalid version \"%.64s\" (expected MAJOR.MINOR.PATCH)", v);
	if (strtoul(v, NULL, 10) != OCI_MAJOR_SUPPORTED)
		return invalid(err, "ociVersion: unsupported version \"%.64s\" (supported: %s to %s)", v,
			       OCI_SPEC_VERSION_MIN, OCI_SPEC_VERSION);
	return 0;
}

static int check_root(const struct oci_config *c, const char *bundle, struct mr_error **err)
{
	cleanup_free char *full = NULL;
	struct stat st;
	const char *p;

	if (c->root == NULL)
		return invalid(err, "root: required (the container's root filesystem)");
	if (c->root->path[0] == '\0')
		return invalid(err, "root.path: must not be empty");
	if (bundle == NULL)
		return 0;
	p = c->root->path;
	if (!is_abs(p)) {
		if (asprintf(&full, "%s/%s", bundle, p) < 0)
			return mr_error_set(err, ENOMEM, "out of memory");
		p = full;
	}
	if (stat(p, &st) < 0) {
		if (errno == ENOENT)
			return invalid(err, "root.path: \"%s\" does not exist%s%s", c->root->path,
				       is_abs(c->root->path) ? "" : " in the bundle ", is_abs(c->root->path) ? "" : bundle);
		return mr_error_sys(err, errno, "root.path: \"%s\"", c->root->path);
	}
	if (!S_ISDIR(st.st_mode))
		return invalid(err, "root.path: \"%s\" is not a directory", c->root->path);
	return 0;
}

static int check_env(char *const *env, size_t n, const char *where, struct mr_error **err)
{
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(env[i], '=');
		if (eq == NULL || eq == env[i])
			return invalid(err, "%s[%zu]: expected KEY=value, got \"%.64s\"", where, i, env[i]);
	}
	return 0;
}

/* "0-3,7,9-10": what cpuset.cpus and sched_setaffinity accept. */
static bool valid_cpu_list(const char *s)
{
	if (*s == '\0')
		return true;
	for (;;) {
		char *end;
		unsigned long a = strtoul(s, &end, 10), b;
		if (end == s || *s == '-' || *s == '+')
			return false;
		s = end;
		if (*s == '-') {
			s++;
			b = strtoul(s, &end, 10);
			if (end == s || *s == '-' || *s == '+' || b < a)
				return false;
			s = end;
		}
		if (*s == '\0')
			return true;
		if (*s++ != ',')
			return false;
	}
}

int mr_process_validate(const struct oci_process *p, struct mr_error **err)
{
	if (p->args_len == 0 && p->command_line == NULL)
		return invalid(err, "process.args: must not be empty");
	/* 4294967295 is (uid_t)-1, which setresuid and setgroups read as
	 * "leave it unchanged": the process would stay root. */
	if (p->user) {
		if (p->user->has_uid && p->user->uid == UINT32_MAX)
			return invalid(err, "process.user.uid: 4294967295 is not a valid user id");
		if (p->user->has_gid && p->user->gid == UINT32_MAX)
			return invalid(err, "process.user.gid: 4294967295 is not a valid group id");
		for (size_t i = 0; i < p->user->additional_gids_len; i++)
			if (p->user->additional_gids[i] == UINT32_MAX)
				return invalid(err, "process.user.additionalGids[%zu]: 4294967295 is not a valid group id", i);
	}
	if (!is_abs(p->cwd))
		return invalid(err, "process.cwd: must be an absolute path, got \"%.64s\"", p->cwd);
	if (check_env(p->env, p->env_len, "process.env", err) < 0)
		return -1;
	for (size_t i = 0; i < p->rlimits_len; i++) {
		const struct oci_rlimit *r = &p->rlimits[i];
		if (mr_rlimit_from_name(r->type) < 0)
			return invalid(err, "process.rlimits[%zu].type: unknown rlimit \"%.64s\"", i, r->type);
		for (size_t k = 0; k < i; k++)
			if (strcmp(p->rlimits[k].type, r->type) == 0)
				return invalid(err, "process.rlimits[%zu].type: duplicate rlimit \"%s\"", i, r->type);
		if (r->soft > r->hard)
			return invalid(err, "process.rlimits[%zu]: soft limit %" PRIu64 " exceeds hard limit %" PRIu64, i,
				       r->soft, r->hard);
	}
	/* Unknown capability names are no error: runtime-spec (1.1 on) says a
	 * capability that cannot be granted is logged as a warning and SHOULD
	 * NOT fail the container (mr_caps_warn_unavailable). */
	if (p->has_oom_score_adj && (p->oom_score_adj < -1000 || p->oom_score_adj > 1000))
		return invalid(err, "process.oomScoreAdj: must be between -1000 and 1000, got %" PRId32,
			       p->oom_score_adj);
	if (p->io_priority && (p->io_priority->priority < 0 || p->io_priority->priority > 7))
		return invalid(err, "process.ioPriority.priority: must be between 0 and 7, got %" PRId32,
			       p->io_priority->priority);
	if (p->scheduler) {
		const struct oci_process_scheduler *s = p->scheduler;
		if (s->has_nice && (s->nice < -20 || s->nice > 19))
			return invalid(err, "process.scheduler.nice: must be between -20 and 19, got %" PRId32, s->nice);
		if (strcmp(s->policy, "SCHED_DEADLINE") == 0 && !(s->has_runtime && s->has_deadline && s->has_period))
			return invalid(err, "process.scheduler: SCHED_DEADLINE needs runtime, deadline and period");
	}
	if (p->exec_cpu_affinity) {
		const struct oci_process_exec_cpu_affinity *a = p->exec_cpu_affinity;
		if (a->initial && !valid_cpu_list(a->initial))
			return invalid(err, "process.execCPUAffinity.initial: invalid CPU list \"%.64s\"", a->initial);
		if (a->final && !valid_cpu_list(a->final))
			return invalid(err, "process.execCPUAffinity.final: invalid CPU list \"%.64s\"", a->final);
	}
	return 0;
}

static int check_hook_list(const struct oci_hook *h, size_t n, const char *kind, struct mr_error **err)
{
	char where[64];

	for (size_t i = 0; i < n; i++) {
		if (!is_abs(h[i].path))
			return invalid(err, "hooks.%s[%zu].path: must be an absolute path, got \"%.64s\"", kind, i,
				       h[i].path);
		if (h[i].has_timeout && h[i].timeout <= 0)
			return invalid(err, "hooks.%s[%zu].timeout: must be greater than zero, got %" PRId32, kind, i,
				       h[i].timeout);
		snprintf(where, sizeof(where), "hooks.%s[%zu].env", kind, i);
		if (check_env(h[i].env, h[i].env_len, where, err) < 0)
			return -1;
	}
	return 0;
}

static int check_hooks(const struct oci_hooks *h, struct mr_error **err)
{
	if (h == NULL)
		return 0;
	if (check_hook_list(h->prestart, h->prestart_len, "prestart", err) < 0 ||
	    check_hook_list(h->create_runtime, h->create_runtime_len, "createRuntime", err) < 0 ||
	    check_hook_list(h->create_container, h->create_container_len, "createContainer", err) < 0 ||
	    check_hook_list(h->start_container, h->start_container_len, "startContainer", err) < 0 ||
	    check_hook_list(h->poststart, h->poststart_len, "poststart", err) < 0 ||
	    check_hook_list(h->poststop, h->poststop_len, "poststop", err) < 0)
		return -1;
	return 0;
}

static int check_mappings(const struct oci_id_mapping *m, size_t n, const char *where, struct mr_error **err)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].size == 0)
			return invalid(err, "%s[%zu].size: must be greater than zero", where, i);
	return 0;
}

static bool is_bind(const struct oci_mount *m)
{
	if (m->type && strcmp(m->type, "bind") == 0)
		return true;
	for (size_t i = 0; i < m->options_len; i++)
		if (strcmp(m->options[i], "bind") == 0 || strcmp(m->options[i], "rbind") == 0)
			return true;
	return false;
}

static int check_mounts(const struct oci_config *c, struct mr_error **err)
{
	char where[64];

	for (size_t i = 0; i < c->mounts_len; i++) {
		const struct oci_mount *m = &c->mounts[i];
		if (!is_abs(m->destination))
			return invalid(err, "mounts[%zu].destination: must be an absolute path, got \"%.64s\"", i,
				       m->destination);
		if (is_bind(m) && (m->source == NULL || m->source[0] == '\0'))
			return invalid(err, "mounts[%zu].source: required for a bind mount", i);
		if ((m->uid_mappings == NULL) != (m->gid_mappings == NULL))
			return invalid(err, "mounts[%zu]: uidMappings and gidMappings must be given together", i);
		snprintf(where, sizeof(where), "mounts[%zu].uidMappings", i);
		if (check_mappings(m->uid_mappings, m->uid_mappings_len, where, err) < 0)
			return -1;
		snprintf(where, sizeof(where), "mounts[%zu].gidMappings", i);
		if (check_mappings(m->gid_mappings, m->gid_mappings_len, where, err) < 0)
			return -1;
	}
	return 0;
}

static int check_namespaces(const struct oci_config *c, struct mr_error **err)
{
	const struct oci_linux *l = c->linux;
	const struct oci_namespace *user = mr_config_namespace(l, "user");

	for (size_t i = 0; l && i < l->namespaces_len; i++) {
		const struct oci_namespace *ns = &l->namespaces[i];
		for (size_t k = 0; k < i; k++)
			if (strcmp(l->namespaces[k].type, ns->type) == 0)
				return invalid(err, "linux.namespaces[%zu].type: duplicate namespace \"%s\"", i, ns->type);
		if (ns->path && !is_abs(ns->path))
			return invalid(err, "linux.namespaces[%zu].path: must be an absolute path, got \"%.64s\"", i,
				       ns->path);
	}
	if (c->hostname && c->hostname[0] && mr_config_namespace(l, "uts") == NULL)
		return invalid(err, "hostname: requires a uts namespace (linux.namespaces has none)");
	if (c->domainname && c->domainname[0] && mr_config_namespace(l, "uts") == NULL)
		return invalid(err, "domainname: requires a uts namespace (linux.namespaces has none)");
	/* Without a mount namespace the rootfs is a directory in the
	 * runtime's mount table: these would act on the mount holding it. */
	if (mr_config_namespace(l, "mount") == NULL && c->root && c->root->readonly)
		return invalid(err, "root.readonly: requires a mount namespace (linux.namespaces has none: the "
				    "rootfs would be remounted read-only on the host)");
	if (mr_config_namespace(l, "mount") == NULL && l && l->rootfs_propagation && l->rootfs_propagation[0])
		return invalid(err, "linux.rootfsPropagation: requires a mount namespace (linux.namespaces has none)");
	if (l == NULL)
		return 0;
	if (user == NULL && (l->uid_mappings || l->gid_mappings))
		return invalid(err, "linux.%s: requires a user namespace (linux.namespaces has none)",
			       l->uid_mappings ? "uidMappings" : "gidMappings");
	if (user && user->path == NULL) {
		if (l->uid_mappings_len == 0)
			return invalid(err, "linux.uidMappings: required with a new user namespace");
		if (l->gid_mappings_len == 0)
			return invalid(err, "linux.gidMappings: required with a new user namespace");
	}
	if (check_mappings(l->uid_mappings, l->uid_mappings_len, "linux.uidMappings", err) < 0 ||
	    check_mappings(l->gid_mappings, l->gid_mappings_len, "linux.gidMappings", err) < 0)
		return -1;
	if (l->time_offsets) {
		const struct oci_namespace *t = mr_config_namespace(l, "time");
		if (t == NULL || t->path != NULL)
			return invalid(err, "linux.timeOffsets: requires a time namespace (a new one, without path)");
		for (size_t i = 0; i < l->time_offsets->len; i++) {
			const char *k = l->time_offsets->keys[i];
			if (strcmp(k, "monotonic") != 0 && strcmp(k, "boottime") != 0)
				return invalid(err, "linux.timeOffsets[\"%.64s\"]: unknown clock \"%.64s\" (expected monotonic or boottime)",
					       k, k);
			if (l->time_offsets->values[i].nanosecs >= 1000000000u)
				return invalid(err, "linux.timeOffsets.%s.nanosecs: must be below 1000000000", k);
		}
	}
	return 0;
}

static int check_devices(const struct oci_linux *l, struct mr_error **err)
{
	for (size_t i = 0; i < l->devices_len; i++) {
		const struct oci_device *d = &l->devices[i];
		if (!is_abs(d->path))
			return invalid(err, "linux.devices[%zu].path: must be an absolute path, got \"%.64s\"", i, d->path);
		if (strcmp(d->type, "p") != 0 && !(d->has_major && d->has_minor))
			return invalid(err, "linux.devices[%zu]: major and minor are required for a \"%s\" device", i,
				       d->type);
		if (d->has_file_mode && d->file_mode > 07777)
			return invalid(err, "linux.devices[%zu].fileMode: must be a permission mode (at most 07777), got 0%o",
				       i, d->file_mode);
	}
	return 0;
}

/* "2MB", "1GB", "64KB" as in hugetlb.<size>.limit_in_bytes. */
static bool valid_page_size(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (end == s || v == 0 || s[0] == '-' || s[0] == '+')
		return false;
	return strcmp(end, "KB") == 0 || strcmp(end, "MB") == 0 || strcmp(end, "GB") == 0 || strcmp(end, "TB") == 0 ||
	       strcmp(end, "B") == 0;
}

/* A single file name inside a cgroup directory. */
static bool valid_file_name(const char *s)
{
	return s[0] != '\0' && strchr(s, '/') == NULL && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

static bool has_dotdot(const char *p)
{
	for (const char *s = p; (s = strstr(s, "..")) != NULL; s += 2)
		if ((s == p || s[-1] == '/') && (s[2] == '\0' || s[2] == '/'))
			return true;
	return false;
}

int mr_resources_validate(const struct oci_linux_resources *r, struct mr_error **err)
{
	for (size_t i = 0; i < r->devices_len; i++) {
		const char *a = r->devices[i].access;
		if (a && (a[strspn(a, "rwm")] != '\0'))
			return invalid(err, "linux.resources.devices[%zu].access: invalid access \"%.16s\" (letters r, w, m)", i,
				       a);
	}
	if (r->memory) {
		const struct oci_linux_resources_memory *m = r->memory;
		if (m->has_swap && m->has_limit && m->limit > 0 && m->swap > 0 && m->swap < m->limit)
			return invalid(err,
				       "linux.resources.memory.swap: must be at least the memory limit (%" PRId64
				       "), or -1 for unlimited, got %" PRId64,
				       m->limit, m->swap);
		if (m->has_swappiness && m->swappiness > 100)
			return invalid(err, "linux.resources.memory.swappiness: must be between 0 and 100, got %" PRIu64,
				       m->swappiness);
	}
	if (r->cpu) {
		if (r->cpu->cpus && !valid_cpu_list(r->cpu->cpus))
			return invalid(err, "linux.resources.cpu.cpus: invalid CPU list \"%.64s\"", r->cpu->cpus);
		if (r->cpu->mems && !valid_cpu_list(r->cpu->mems))
			return invalid(err, "linux.resources.cpu.mems: invalid memory node list \"%.64s\"", r->cpu->mems);
	}
	if (r->block_io) {
		const struct oci_linux_resources_block_io *b = r->block_io;
		if (b->has_weight && b->weight != 0 && (b->weight < 10 || b->weight > 1000))
			return invalid(err, "linux.resources.blockIO.weight: must be between 10 and 1000, got %u", b->weight);
		if (b->has_leaf_weight && b->leaf_weight != 0 && (b->leaf_weight < 10 || b->leaf_weight > 1000))
			return invalid(err, "linux.resources.blockIO.leafWeight: must be between 10 and 1000, got %u",
				       b->leaf_weight);
	}
	for (size_t i = 0; i < r->hugepage_limits_len; i++)
		if (!valid_page_size(r->hugepage_limits[i].page_size))
			return invalid(err, "linux.resources.hugepageLimits[%zu].pageSize: invalid page size \"%.32s\" (like 2MB or 1GB)",
				       i, r->hugepage_limits[i].page_size);
	for (size_t i = 0; r->unified && i < r->unified->len; i++)
		if (!valid_file_name(r->unified->keys[i]))
			return invalid(err, "linux.resources.unified[\"%.64s\"]: invalid cgroup file name", r->unified->keys[i]);
	return 0;
}

static bool is_notify(const char *action)
{
	return strcmp(action, "SCMP_ACT_NOTIFY") == 0;
}

static int check_seccomp(const struct oci_linux_seccomp *s, struct mr_error **err)
{
	bool notify = false;

	if (is_notify(s->default_action))
		return invalid(err, "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
	for (size_t i = 0; i < s->syscalls_len; i++) {
		const struct oci_syscall *sc = &s->syscalls[i];
		if (sc->names_len == 0)
			return invalid(err, "linux.seccomp.syscalls[%zu].names: must not be empty", i);
		for (size_t k = 0; k < sc->names_len; k++)
			if (sc->names[k][0] == '\0')
				return invalid(err, "linux.seccomp.syscalls[%zu].names[%zu]: must not be empty", i, k);
		if (sc->has_errno_ret && strcmp(sc->action, "SCMP_ACT_ERRNO") != 0 &&
		    strcmp(sc->action, "SCMP_ACT_TRACE") != 0)
			return invalid(err, "linux.seccomp.syscalls[%zu].errnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE",
				       i);
		for (size_t k = 0; k < sc->args_len; k++)
			if (sc->args[k].index >= 6)
				return invalid(err, "linux.seccomp.syscalls[%zu].args[%zu].index: must be below 6, got %" PRIu32,
					       i, k, sc->args[k].index);
		notify = notify || is_notify(sc->action);
	}
	if (notify && (s->listener_path == NULL || s->listener_path[0] == '\0'))
		return invalid(err, "linux.seccomp.listenerPath: required when an action is SCMP_ACT_NOTIFY");
	if (s->listener_path && s->listener_path[0] && !is_abs(s->listener_path))
		return invalid(err, "linux.seccomp.listenerPath: must be an absolute path, got \"%.64s\"", s->listener_path);
	return 0;
}

static int check_path_list(char *const *paths, size_t n, const char *where, struct mr_error **err)
{
	for (size_t i = 0; i < n; i++)
		if (!is_abs(paths[i]))
			return invalid(err, "%s[%zu]: must be an absolute path, got \"%.64s\"", where, i, paths[i]);
	return 0;
}

/* kernel.hostname and kernel.domainname say again what the OCI fields say.
 * As runc and crun: kernel.hostname is refused (hostname is the way to set
 * it), kernel.domainname only when domainname gives another value. */
static int check_uts_sysctls(const struct oci_config *c, struct mr_error **err)
{
	const struct oci_map_string *sysctl = c->linux ? c->linux->sysctl : NULL;

	for (size_t i = 0; sysctl && i < sysctl->len; i++) {
		const char *k = sysctl->keys[i], *v = sysctl->values[i];
		if (strcmp(k, "kernel.hostname") == 0 && c->hostname && c->hostname[0])
			return invalid(err, "linux.sysctl[\"kernel.hostname\"] (\"%.64s\") conflicts with the OCI hostname field (hostname \"%.64s\")",
				       v, c->hostname);
		if (strcmp(k, "kernel.hostname") == 0)
			return invalid(err, "linux.sysctl[\"kernel.hostname\"]: not allowed: it conflicts with the OCI hostname field (set hostname instead)");
		if (strcmp(k, "kernel.domainname") == 0 && c->domainname && c->domainname[0] &&
		    strcmp(v, c->domainname) != 0)
			return invalid(err, "linux.sysctl[\"kernel.domainname\"] (\"%.64s\") conflicts with the OCI domainname field (domainname \"%.64s\")",
				       v, c->domainname);
	}
	return 0;
}

static int check_linux(const struct oci_linux *l, struct mr_error **err)
{
	if (check_devices(l, err) < 0)
		return -1;
	if (l->cgroups_path && has_dotdot(l->cgroups_path))
		return invalid(err, "linux.cgroupsPath: must not contain \"..\", got \"%.64s\"", l->cgroups_path);
	if (l->resources && mr_resources_validate(l->resources, err) < 0)
		return -1;
	for (size_t i = 0; l->sysctl && i < l->sysctl->len; i++) {
		const char *k = l->sysctl->keys[i];
		if (k[0] == '\0' || strchr(k, '/') != NULL || has_dotdot(k) || k[0] == '.')
			return invalid(err, "linux.sysctl[\"%.64s\"]: invalid sysctl name", k);
	}
	if (l->seccomp && check_seccomp(l->seccomp, err) < 0)
		return -1;
	if (check_path_list(l->masked_paths, l->masked_paths_len, "linux.maskedPaths", err) < 0 ||
	    check_path_list(l->readonly_paths, l->readonly_paths_len, "linux.readonlyPaths", err) < 0)
		return -1;
	if (l->intel_rdt && l->intel_rdt->clos_id && !valid_file_name(l->intel_rdt->clos_id))
		return invalid(err, "linux.intelRdt.closID: invalid name \"%.64s\"", l->intel_rdt->clos_id);
	return 0;
}

int mr_config_validate(const struct oci_config *c, const char *bundle, struct mr_error **err)
{
	if (check_version(c->oci_version, err) < 0 || check_root(c, bundle, err) < 0)
		return -1;
	if (c->process && mr_process_validate(c->process, err) < 0)
		return -1;
	if (check_hooks(c->hooks, err) < 0 || check_mounts(c, err) < 0 || check_namespaces(c, err) < 0)
		return -1;
	if (c->linux && (check_linux(c->linux, err) < 0 || check_uts_sysctls(c, err) < 0))
		return -1;
	return 0;
}
