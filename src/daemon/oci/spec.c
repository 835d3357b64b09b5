#include "oci/spec.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/jsonw.h"
#include "oci/seccomp-profile.h"
#include "util/cleanup.h"

static const char *const masked_paths[] = {
	"/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
	"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
	"/sys/devices/virtual/powercap", NULL,
};
static const char *const readonly_paths[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
					     "/proc/sysrq-trigger", NULL};

static void strs(yajl_gen g, const char *key, const char *const *v)
{
	mr_jw_arr(g, key);
	for (size_t i = 0; v[i] != NULL; i++)
		mr_jw_str(g, NULL, v[i]);
	mr_jw_arr_end(g);
}

static void mount(yajl_gen g, const char *dst, const char *type, const char *src, const char *const *opts)
{
	mr_jw_obj(g, NULL);
	mr_jw_str(g, "destination", dst);
	mr_jw_str(g, "type", type);
	mr_jw_str(g, "source", src);
	strs(g, "options", opts);
	mr_jw_obj_end(g);
}

/* Options as a comma-separated list, appended to a fixed head. */
static void mount_opts(yajl_gen g, const char *dst, const char *type, const char *src, const char *const *head,
		       const char *extra)
{
	cleanup_free char *copy = extra ? strdup(extra) : NULL;
	mr_jw_obj(g, NULL);
	mr_jw_str(g, "destination", dst);
	mr_jw_str(g, "type", type);
	mr_jw_str(g, "source", src);
	mr_jw_arr(g, "options");
	for (size_t i = 0; head[i]; i++)
		mr_jw_str(g, NULL, head[i]);
	for (char *save = NULL, *o = copy ? strtok_r(copy, ",", &save) : NULL; o; o = strtok_r(NULL, ",", &save))
		mr_jw_str(g, NULL, o);
	mr_jw_arr_end(g);
	mr_jw_obj_end(g);
}

static void default_mounts(yajl_gen g, const struct mrd_spec_input *in)
{
	const struct mrd_ctr_config *c = in->cfg;
	char shm[64], path[4096];

	mount(g, "/proc", "proc", "proc", (const char *const[]){"nosuid", "noexec", "nodev", NULL});
	mount(g, "/dev", "tmpfs", "tmpfs", (const char *const[]){"nosuid", "strictatime", "mode=755", "size=65536k", NULL});
	mount(g, "/dev/pts", "devpts", "devpts",
	      (const char *const[]){"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL});
	mount(g, "/sys", "sysfs", "sysfs",
	      (const char *const[]){"nosuid", "noexec", "nodev", c->privileged ? "rw" : "ro", NULL});
	mount(g, "/sys/fs/cgroup", "cgroup", "cgroup",
	      (const char *const[]){"nosuid", "noexec", "nodev", "relatime", c->privileged ? "rw" : "ro", NULL});
	mount(g, "/dev/mqueue", "mqueue", "mqueue", (const char *const[]){"nosuid", "noexec", "nodev", NULL});
	snprintf(shm, sizeof(shm), "size=%lld", (long long)(c->shm_size > 0 ? c->shm_size : 64ll << 20));
	mount(g, "/dev/shm", "tmpfs", "shm", (const char *const[]){"nosuid", "noexec", "nodev", "mode=1777", shm, NULL});
	static const char *const files[] = {"resolv.conf", "hostname", "hosts"};
	for (size_t i = 0; i < 3; i++) {
		char dst[32];
		snprintf(dst, sizeof(dst), "/etc/%s", files[i]);
		snprintf(path, sizeof(path), "%s/%s", in->files_dir, files[i]);
		mount(g, dst, "bind", path, (const char *const[]){"rbind", "rprivate", NULL});
	}
}

/* "/src:/dst[:ro,rshared,...]" */
static void bind_mount(yajl_gen g, const char *spec)
{
	cleanup_free char *copy = strdup(spec);
	char *dst = strchr(copy, ':'), *opts, prop[16] = "rprivate";
	bool ro = false;

	*dst++ = '\0';
	opts = strchr(dst, ':');
	if (opts != NULL)
		*opts++ = '\0';
	for (char *save = NULL, *o = opts ? strtok_r(opts, ",", &save) : NULL; o; o = strtok_r(NULL, ",", &save)) {
		if (strcmp(o, "ro") == 0)
			ro = true;
		else if (strstr(o, "shared") || strstr(o, "slave") || strstr(o, "private"))
			snprintf(prop, sizeof(prop), "%s", o);
	}
	mount(g, dst, "bind", copy, (const char *const[]){"rbind", prop, ro ? "ro" : "rw", NULL});
}

static void user_mounts(yajl_gen g, const struct mrd_ctr_config *c)
{
	static const char *const tmpfs_head[] = {"nosuid", "nodev", "noexec", NULL};
	static const char *const tmpfs_head_exec[] = {"nosuid", "nodev", NULL};

	for (size_t i = 0; i < c->binds.n; i++)
		bind_mount(g, c->binds.v[i]);
	for (size_t i = 0; i < c->tmpfs.n; i++) {
		/* Docker's tmpfs: noexec unless "exec" is asked for */
		bool exec = strstr(c->tmpfs.v[i], "exec") != NULL && strstr(c->tmpfs.v[i], "noexec") == NULL;
		mount_opts(g, c->tmpfs.k[i], "tmpfs", "tmpfs", exec ? tmpfs_head_exec : tmpfs_head, c->tmpfs.v[i]);
	}
	for (size_t i = 0; i < c->nmounts; i++) {
		const struct mrd_mount *m = &c->mounts[i];
		if (strcmp(m->type, "tmpfs") == 0)
			mount_opts(g, m->target, "tmpfs", "tmpfs", tmpfs_head, m->options);
		else
			mount(g, m->target, "bind", m->source,
			      (const char *const[]){"rbind", "rprivate", m->readonly ? "ro" : "rw", NULL});
	}
}

static bool has_cap(const char *cap, void *data)
{
	char **caps = data;
	for (size_t i = 0; caps[i] != NULL; i++)
		if (strcmp(caps[i], cap) == 0)
			return true;
	return false;
}

bool mrd_spec_no_new_privs(const struct mrd_ctr_config *c)
{
	bool on = false;
	for (size_t i = 0; i < c->security_opt.n; i++) {
		const char *o = c->security_opt.v[i];
		if (strncmp(o, "no-new-privileges", 17) == 0)
			on = o[17] == '\0' || strcmp(o + 18, "true") == 0;
	}
	return on;
}

static bool seccomp_unconfined(const struct mrd_ctr_config *c)
{
	for (size_t i = 0; i < c->security_opt.n; i++)
		if (strcmp(c->security_opt.v[i], "seccomp=unconfined") == 0 ||
		    strcmp(c->security_opt.v[i], "seccomp:unconfined") == 0)
			return true;
	return c->privileged;
}

static void rlimits(yajl_gen g, const struct mrd_ctr_config *c)
{
	mr_jw_arr(g, "rlimits");
	for (size_t i = 0; i < c->nulimits; i++) {
		char type[64] = "RLIMIT_";
		size_t n = strlen(type);
		for (const char *p = c->ulimits[i].name; *p && n + 1 < sizeof(type); p++)
			type[n++] = (char)toupper((unsigned char)*p);
		type[n] = '\0';
		mr_jw_obj(g, NULL);
		mr_jw_str(g, "type", type);
		mr_jw_int(g, "hard", c->ulimits[i].hard);
		mr_jw_int(g, "soft", c->ulimits[i].soft);
		mr_jw_obj_end(g);
	}
	mr_jw_arr_end(g);
}

static bool env_has(const struct mrd_strv *env, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < env->n; i++)
		if (strncmp(env->v[i], name, n) == 0 && env->v[i][n] == '=')
			return true;
	return false;
}

static const char *hostname_of(const struct mrd_spec_input *in, char *buf, size_t size)
{
	const struct mrd_ctr_config *c = in->cfg;
	if (c->hostname != NULL && *c->hostname)
		return c->hostname;
	if (strcmp(c->network_mode, "host") == 0 && in->host_hostname)
		return in->host_hostname;
	snprintf(buf, size, "%.12s", in->id);
	return buf;
}

static void process(yajl_gen g, const struct mrd_spec_input *in, char **caps)
{
	const struct mrd_ctr_config *c = in->cfg;
	const char **args;
	size_t nargs = mrd_spec_args(c, &args);
	char host[64], line[4160];

	mr_jw_obj(g, "process");
	mr_jw_bool(g, "terminal", c->tty);
	if (c->tty && c->console_h > 0 && c->console_w > 0) {
		mr_jw_obj(g, "consoleSize");
		mr_jw_int(g, "height", c->console_h);
		mr_jw_int(g, "width", c->console_w);
		mr_jw_obj_end(g);
	}
	mr_jw_obj(g, "user");
	mr_jw_int(g, "uid", in->user->uid);
	mr_jw_int(g, "gid", in->user->gid);
	if (in->user->ngids > 0) {
		mr_jw_arr(g, "additionalGids");
		for (size_t i = 0; i < in->user->ngids; i++)
			mr_jw_int(g, NULL, in->user->gids[i]);
		mr_jw_arr_end(g);
	}
	mr_jw_obj_end(g);
	mr_jw_arr(g, "args");
	for (size_t i = 0; i < nargs; i++)
		mr_jw_str(g, NULL, args[i]);
	mr_jw_arr_end(g);
	free(args);
	mr_jw_arr(g, "env");
	if (!env_has(&c->env, "PATH"))
		mr_jw_str(g, NULL, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	snprintf(line, sizeof(line), "HOSTNAME=%s", hostname_of(in, host, sizeof(host)));
	mr_jw_str(g, NULL, line);
	for (size_t i = 0; i < c->env.n; i++)
		mr_jw_str(g, NULL, c->env.v[i]);
	if (c->tty && !env_has(&c->env, "TERM"))
		mr_jw_str(g, NULL, "TERM=xterm");
	if (!env_has(&c->env, "HOME")) {
		snprintf(line, sizeof(line), "HOME=%s", in->user->home);
		mr_jw_str(g, NULL, line);
	}
	mr_jw_arr_end(g);
	mr_jw_str(g, "cwd", c->workdir && *c->workdir ? c->workdir : "/");
	mr_jw_obj(g, "capabilities");
	for (const char *const *k = (const char *const[]){"bounding", "effective", "permitted", NULL}; *k; k++) {
		mr_jw_arr(g, *k);
		for (size_t i = 0; caps[i] != NULL; i++)
			mr_jw_str(g, NULL, caps[i]);
		mr_jw_arr_end(g);
	}
	mr_jw_obj_end(g);
	mr_jw_bool(g, "noNewPrivileges", mrd_spec_no_new_privs(c));
	if (c->oom_score_adj != 0)
		mr_jw_int(g, "oomScoreAdj", c->oom_score_adj);
	rlimits(g, c);
	mr_jw_obj_end(g);
}

static void resources(yajl_gen g, const char *key, const struct mrd_ctr_config *c, bool devices, bool swap_limit)
{
	const struct mrd_resources *r = &c->res;

	mr_jw_obj(g, key);
	if (devices) {
		mr_jw_arr(g, "devices");
		mr_jw_obj(g, NULL);
		mr_jw_bool(g, "allow", c->privileged);
		mr_jw_str(g, "access", "rwm");
		mr_jw_obj_end(g);
		mr_jw_arr_end(g);
	}
	mr_jw_obj(g, "memory");
	if (r->memory > 0) {
		mr_jw_int(g, "limit", r->memory);
		/* Docker: no MemorySwap means as much swap as memory; a host
		 * that cannot limit swap gets none (dockerd warns at create) */
		if (swap_limit)
			mr_jw_int(g, "swap", r->memory_swap != 0 ? r->memory_swap : 2 * r->memory);
	}
	if (r->memory_reservation > 0)
		mr_jw_int(g, "reservation", r->memory_reservation);
	if (r->kernel_memory_tcp > 0)
		mr_jw_int(g, "kernelTCP", r->kernel_memory_tcp);
	if (r->memory_swappiness >= 0)
		mr_jw_uint(g, "swappiness", (uint64_t)r->memory_swappiness);
	if (r->oom_kill_disable)
		mr_jw_bool(g, "disableOOMKiller", true);
	mr_jw_obj_end(g);
	mr_jw_obj(g, "cpu");
	if (r->cpu_shares > 0)
		mr_jw_uint(g, "shares", (uint64_t)r->cpu_shares);
	if (r->nano_cpus > 0) {
		mr_jw_uint(g, "period", 100000);
		mr_jw_int(g, "quota", r->nano_cpus / 10000);
	} else {
		if (r->cpu_period > 0)
			mr_jw_uint(g, "period", (uint64_t)r->cpu_period);
		if (r->cpu_quota != 0)
			mr_jw_int(g, "quota", r->cpu_quota);
	}
	if (r->cpu_rt_period > 0)
		mr_jw_uint(g, "realtimePeriod", (uint64_t)r->cpu_rt_period);
	if (r->cpu_rt_runtime > 0)
		mr_jw_int(g, "realtimeRuntime", r->cpu_rt_runtime);
	if (r->cpuset_cpus && *r->cpuset_cpus)
		mr_jw_str(g, "cpus", r->cpuset_cpus);
	if (r->cpuset_mems && *r->cpuset_mems)
		mr_jw_str(g, "mems", r->cpuset_mems);
	mr_jw_obj_end(g);
	if (r->pids_limit > 0) {
		mr_jw_obj(g, "pids");
		mr_jw_int(g, "limit", r->pids_limit);
		mr_jw_obj_end(g);
	}
	if (r->blkio_weight > 0) {
		mr_jw_obj(g, "blockIO");
		mr_jw_int(g, "weight", r->blkio_weight);
		mr_jw_obj_end(g);
	}
	mr_jw_obj_end(g);
}

static bool is(const char *v, const char *want)
{
	return v != NULL && strcmp(v, want) == 0;
}

static void namespaces(yajl_gen g, const struct mrd_spec_input *in)
{
	const struct mrd_ctr_config *c = in->cfg;
	bool cgroupns = is(c->cgroupns_mode, "private") || (in->cgroup_v2 && !is(c->cgroupns_mode, "host"));

	mr_jw_arr(g, "namespaces");
	for (const char *const *t = (const char *const[]){"mount", "pid", "ipc", "uts", "network", "cgroup", NULL}; *t;
	     t++) {
		if ((strcmp(*t, "pid") == 0 && is(c->pid_mode, "host")) ||
		    (strcmp(*t, "ipc") == 0 && is(c->ipc_mode, "host")) ||
		    (strcmp(*t, "uts") == 0 && is(c->uts_mode, "host")) ||
		    (strcmp(*t, "network") == 0 && is(c->network_mode, "host")) ||
		    (strcmp(*t, "cgroup") == 0 && !cgroupns))
			continue;
		mr_jw_obj(g, NULL);
		mr_jw_str(g, "type", *t);
		mr_jw_obj_end(g);
	}
	mr_jw_arr_end(g);
}

static void linux_section(yajl_gen g, const struct mrd_spec_input *in, char **caps)
{
	const struct mrd_ctr_config *c = in->cfg;

	mr_jw_obj(g, "linux");
	resources(g, "resources", c, true, in->swap_limit);
	mr_jw_str(g, "cgroupsPath", in->cgroups_path);
	namespaces(g, in);
	if (c->sysctls.n > 0) {
		mr_jw_obj(g, "sysctl");
		for (size_t i = 0; i < c->sysctls.n; i++)
			mr_jw_str(g, c->sysctls.k[i], c->sysctls.v[i]);
		mr_jw_obj_end(g);
	}
	if (!c->privileged) {
		strs(g, "maskedPaths", masked_paths);
		strs(g, "readonlyPaths", readonly_paths);
	}
	if (!seccomp_unconfined(c))
		mrd_seccomp_default_write(g, "seccomp", has_cap, caps);
	mr_jw_obj_end(g);
}

char *mrd_spec_generate(const struct mrd_spec_input *in, size_t *len, struct mr_error **err)
{
	size_t ncaps;
	char **caps = mrd_spec_caps(in->cfg, &ncaps, err), host[64], *out = NULL;
	yajl_gen g;
	const char *buf;

	if (caps == NULL)
		return NULL;
	g = mr_jw_new();
	mr_jw_obj(g, NULL);
	mr_jw_str(g, "ociVersion", "1.0.2");
	process(g, in, caps);
	mr_jw_obj(g, "root");
	mr_jw_str(g, "path", in->rootfs);
	mr_jw_bool(g, "readonly", in->cfg->readonly_rootfs);
	mr_jw_obj_end(g);
	mr_jw_str(g, "hostname", hostname_of(in, host, sizeof(host)));
	mr_jw_arr(g, "mounts");
	default_mounts(g, in);
	user_mounts(g, in->cfg);
	mr_jw_arr_end(g);
	linux_section(g, in, caps);
	mr_jw_obj_end(g);
	buf = mr_jw_buf(g, len);
	out = malloc(*len + 1);
	if (out != NULL) {
		memcpy(out, buf, *len);
		out[*len] = '\0';
	} else {
		mr_error_set(err, ENOMEM, "out of memory");
	}
	yajl_gen_free(g);
	for (size_t i = 0; i < ncaps; i++)
		free(caps[i]);
	free(caps);
	return out;
}

void mrd_spec_resources_write(yajl_gen g, const struct mrd_ctr_config *cfg, bool swap_limit)
{
	resources(g, NULL, cfg, false, swap_limit);
}
