/* The create body, checked field by field against tables of Docker's
 * fields (API 1.24 to 1.50, as docker 20.10 to 28 send them). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manager/config.h"

enum kind {
	K_STR,
	K_BOOL,
	K_INT,
	K_STRV,    /* array of strings, or null */
	K_CMD,     /* array of strings, a string, or null (Go's strslice) */
	K_KVS,     /* object of strings, or null */
	K_KEYS,    /* object whose keys are kept (ExposedPorts, Volumes) */
	K_OBJ,     /* a nested table */
	K_RESTART, /* RestartPolicy */
	K_ULIMITS,
	K_MOUNTS,
	K_CONSOLE, /* [h, w] */
	K_LOGCFG,
	K_NETCFG,  /* NetworkingConfig */
	K_UNSUP,   /* not supported: only its default value (null, "", 0, false, [], {}) */
	K_IGNORE,  /* accepted and not used (output-only fields, client-side ones) */
};

struct table;
struct field {
	const char *name;
	enum kind kind;
	size_t off;
	const struct table *sub;
};
struct table {
	const struct field *fields;
};

#define C(name, kind, member) {name, kind, offsetof(struct mrd_ctr_config, member), NULL}
#define R(name, kind, member) {name, kind, offsetof(struct mrd_ctr_config, res.member), NULL}
#define U(name) {name, K_UNSUP, 0, NULL}
#define I(name) {name, K_IGNORE, 0, NULL}

static const struct field host_fields[] = {
	C("Binds", K_STRV, binds), C("CapAdd", K_STRV, cap_add), C("CapDrop", K_STRV, cap_drop),
	C("SecurityOpt", K_STRV, security_opt), C("Dns", K_STRV, dns), C("DnsSearch", K_STRV, dns_search),
	C("DnsOptions", K_STRV, dns_options), C("ExtraHosts", K_STRV, extra_hosts), C("GroupAdd", K_STRV, group_add),
	C("Tmpfs", K_KVS, tmpfs), C("Sysctls", K_KVS, sysctls), C("Ulimits", K_ULIMITS, ulimits),
	C("Mounts", K_MOUNTS, mounts), C("NetworkMode", K_STR, network_mode), C("IpcMode", K_STR, ipc_mode),
	C("PidMode", K_STR, pid_mode), C("UTSMode", K_STR, uts_mode), C("CgroupParent", K_STR, cgroup_parent),
	C("CgroupnsMode", K_STR, cgroupns_mode), C("LogConfig", K_LOGCFG, log_type),
	C("RestartPolicy", K_RESTART, restart_name), C("ReadonlyRootfs", K_BOOL, readonly_rootfs),
	C("Privileged", K_BOOL, privileged), C("AutoRemove", K_BOOL, auto_remove), C("Init", K_BOOL, init),
	C("OomScoreAdj", K_INT, oom_score_adj), C("ShmSize", K_INT, shm_size), C("ConsoleSize", K_CONSOLE, console_h),
	R("Memory", K_INT, memory), R("MemorySwap", K_INT, memory_swap),
	R("MemoryReservation", K_INT, memory_reservation), R("MemorySwappiness", K_INT, memory_swappiness),
	R("KernelMemoryTCP", K_INT, kernel_memory_tcp), R("NanoCpus", K_INT, nano_cpus),
	R("CpuShares", K_INT, cpu_shares), R("CpuPeriod", K_INT, cpu_period), R("CpuQuota", K_INT, cpu_quota),
	R("CpuRealtimePeriod", K_INT, cpu_rt_period), R("CpuRealtimeRuntime", K_INT, cpu_rt_runtime),
	R("CpusetCpus", K_STR, cpuset_cpus), R("CpusetMems", K_STR, cpuset_mems), R("PidsLimit", K_INT, pids_limit),
	R("BlkioWeight", K_INT, blkio_weight), R("OomKillDisable", K_BOOL, oom_kill_disable),
	C("PublishAllPorts", K_BOOL, publish_all),
	U("PortBindings"), U("Links"), U("VolumesFrom"), U("VolumeDriver"), U("Devices"), U("DeviceRequests"),
	U("DeviceCgroupRules"), U("BlkioWeightDevice"), U("BlkioDeviceReadBps"), U("BlkioDeviceWriteBps"),
	U("BlkioDeviceReadIOps"), U("BlkioDeviceWriteIOps"), U("CpuCount"), U("CpuPercent"), U("IOMaximumIOps"),
	U("IOMaximumBandwidth"), U("MaskedPaths"), U("ReadonlyPaths"), U("UsernsMode"), U("StorageOpt"),
	U("KernelMemory"), U("Isolation"), U("Annotations"), U("Cgroup"),
	I("ContainerIDFile"), I("Runtime"),
	{NULL, 0, 0, NULL},
};
static const struct table host_table = {host_fields};

static const struct field config_fields[] = {
	C("Image", K_STR, image), C("Hostname", K_STR, hostname), C("Domainname", K_STR, domainname),
	C("User", K_STR, user), C("WorkingDir", K_STR, workdir), C("StopSignal", K_STR, stop_signal),
	C("StopTimeout", K_INT, stop_timeout), C("Tty", K_BOOL, tty), C("OpenStdin", K_BOOL, open_stdin),
	C("StdinOnce", K_BOOL, stdin_once), C("AttachStdin", K_BOOL, attach_stdin),
	C("AttachStdout", K_BOOL, attach_stdout), C("AttachStderr", K_BOOL, attach_stderr),
	C("ArgsEscaped", K_BOOL, args_escaped), C("Env", K_STRV, env), C("Cmd", K_CMD, cmd),
	C("Entrypoint", K_CMD, entrypoint), C("ExposedPorts", K_KEYS, exposed), C("Volumes", K_KEYS, volumes),
	C("Labels", K_KVS, labels), {"HostConfig", K_OBJ, 0, &host_table}, {"NetworkingConfig", K_NETCFG, 0, NULL},
	U("Healthcheck"), U("OnBuild"), U("Shell"), U("MacAddress"), U("NetworkDisabled"),
	{NULL, 0, 0, NULL},
};
static const struct table config_table = {config_fields};

/* update: the resources and the restart policy only */
static const struct field update_fields[] = {
	R("Memory", K_INT, memory), R("MemorySwap", K_INT, memory_swap),
	R("MemoryReservation", K_INT, memory_reservation), R("NanoCpus", K_INT, nano_cpus),
	R("CpuShares", K_INT, cpu_shares), R("CpuPeriod", K_INT, cpu_period), R("CpuQuota", K_INT, cpu_quota),
	R("CpusetCpus", K_STR, cpuset_cpus), R("CpusetMems", K_STR, cpuset_mems), R("PidsLimit", K_INT, pids_limit),
	R("BlkioWeight", K_INT, blkio_weight), C("RestartPolicy", K_RESTART, restart_name),
	R("CpuRealtimePeriod", K_INT, cpu_rt_period), R("CpuRealtimeRuntime", K_INT, cpu_rt_runtime),
	R("MemorySwappiness", K_INT, memory_swappiness), R("OomKillDisable", K_BOOL, oom_kill_disable),
	R("KernelMemoryTCP", K_INT, kernel_memory_tcp),
	U("KernelMemory"), U("Devices"), U("DeviceRequests"), U("DeviceCgroupRules"), U("BlkioWeightDevice"),
	U("BlkioDeviceReadBps"), U("BlkioDeviceWriteBps"), U("BlkioDeviceReadIOps"), U("BlkioDeviceWriteIOps"),
	U("CpuCount"), U("CpuPercent"), U("IOMaximumIOps"), U("IOMaximumBandwidth"), U("Ulimits"),
	U("CgroupParent"),
	{NULL, 0, 0, NULL},
};
static const struct table update_table = {update_fields};

/* A field's path for messages (cut if absurdly long). */
static void fmt_path(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fmt_path(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (vsnprintf(buf, size, fmt, ap) < 0)
		buf[0] = '\0';
	va_end(ap);
}

static int type_error(struct mr_error **err, const char *path, const char *want, const struct mr_json *v)
{
	char got[96];
	mr_json_describe(v, got, sizeof(got));
	return mr_error_set(err, EINVAL, "%s: expected %s, got %s", path, want, got);
}

static bool is_default(const struct mr_json *v)
{
	switch (v->kind) {
	case MR_JSON_NULL:
		return true;
	case MR_JSON_BOOL:
		return !v->boolean;
	case MR_JSON_NUMBER:
		return strtod(v->text, NULL) == 0;
	case MR_JSON_STRING:
	case MR_JSON_ARRAY:
	case MR_JSON_OBJECT:
		return v->len == 0;
	}
	return false;
}

static int get_int(const struct mr_json *v, const char *path, int64_t *out, struct mr_error **err)
{
	char *end;
	long long n;

	if (v->kind == MR_JSON_NULL)
		return 0;
	if (v->kind != MR_JSON_NUMBER)
		return type_error(err, path, "an integer", v);
	errno = 0;
	n = strtoll(v->text, &end, 10);
	if (errno != 0 || *end != '\0')
		return type_error(err, path, "an integer in the int64 range", v);
	*out = n;
	return 0;
}

static int get_strv(const struct mr_json *v, const char *path, bool string_ok, struct mrd_strv *out,
		    struct mr_error **err)
{
	mrd_strv_clear(out);
	if (v->kind == MR_JSON_NULL)
		return 0;
	if (v->kind == MR_JSON_STRING && string_ok) {
		out->set = true;
		return mrd_strv_push(out, v->text);
	}
	if (v->kind != MR_JSON_ARRAY)
		return type_error(err, path, string_ok ? "an array of strings or a string" : "an array of strings", v);
	out->set = true;
	for (size_t i = 0; i < v->len; i++) {
		if (v->items[i]->kind != MR_JSON_STRING) {
			char p[256];
			fmt_path(p, sizeof(p), "%s[%zu]", path, i);
			return type_error(err, p, "a string", v->items[i]);
		}
		if (mrd_strv_push(out, v->items[i]->text) < 0)
			return mr_error_set(err, ENOMEM, "out of memory");
	}
	return 0;
}

static int get_kvs(const struct mr_json *v, const char *path, struct mrd_kvs *out, struct mr_error **err)
{
	if (v->kind == MR_JSON_NULL)
		return 0;
	if (v->kind != MR_JSON_OBJECT)
		return type_error(err, path, "an object of strings", v);
	for (size_t i = 0; i < v->len; i++) {
		if (v->items[i]->kind != MR_JSON_STRING) {
			char p[256];
			fmt_path(p, sizeof(p), "%s.%s", path, v->keys[i]);
			return type_error(err, p, "a string", v->items[i]);
		}
		if (mrd_kvs_set(out, v->keys[i], v->items[i]->text) < 0)
			return mr_error_set(err, ENOMEM, "out of memory");
	}
	return 0;
}

static int get_keys(const struct mr_json *v, const char *path, struct mrd_strv *out, struct mr_error **err)
{
	mrd_strv_clear(out);
	if (v->kind == MR_JSON_NULL)
		return 0;
	if (v->kind != MR_JSON_OBJECT)
		return type_error(err, path, "an object", v);
	out->set = true;
	for (size_t i = 0; i < v->len; i++)
		if (mrd_strv_push(out, v->keys[i]) < 0)
			return mr_error_set(err, ENOMEM, "out of memory");
	return 0;
}

static const struct mr_json *member(const struct mr_json *o, const char *key)
{
	return mr_json_get(o, key);
}

static int get_restart(const struct mr_json *v, const char *path, struct mrd_ctr_config *c, struct mr_error **err)
{
	const struct mr_json *name, *max;
	char p[256];

	if (v->kind == MR_JSON_NULL)
		return 0;
	if (v->kind != MR_JSON_OBJECT)
		return type_error(err, path, "an object", v);
	for (size_t i = 0; i < v->len; i++)
		if (strcmp(v->keys[i], "Name") != 0 && strcmp(v->keys[i], "MaximumRetryCount") != 0)
			return mr_error_set(err, EINVAL, "%s.%s: unknown field", path, v->keys[i]);
	name = member(v, "Name");
	max = member(v, "MaximumRetryCount");
	if (name != NULL && name->kind != MR_JSON_NULL) {
		fmt_path(p, sizeof(p), "%s.Name", path);
		if (name->kind != MR_JSON_STRING)
			return type_error(err, p, "a string", name);
		const char *n = name->text[0] ? name->text : "no";
		if (strcmp(n, "no") != 0 && strcmp(n, "always") != 0 && strcmp(n, "on-failure") != 0 &&
		    strcmp(n, "unless-stopped") != 0)
			return mr_error_set(err, EINVAL, "%s: invalid restart policy \"%s\" (no, always, on-failure, unless-stopped)",
					    p, name->text);
		free(c->restart_name);
		c->restart_name = strdup(n);
	}
	if (max != NULL) {
		fmt_path(p, sizeof(p), "%s.MaximumRetryCount", path);
		if (get_int(max, p, &c->restart_max, err) < 0)
			return -1;
		if (c->restart_max < 0)
			return mr_error_set(err, EINVAL, "%s: invalid value %lld: must be 0 or more", p,
					    (long long)c->restart_max);
	}
	if (c->restart_max > 0 && strcmp(c->restart_name, "on-failure") != 0)
		return mr_error_set(err, EINVAL, "%s: maximum retry count cannot be used with restart policy '%s'", path,
				    c->restart_name);
	return 0;
}

static int get_ulimits(const struct mr_json *v, const char *path, struct mrd_ctr_config *c, struct mr_error **err)
{
	if (v->kind == MR_JSON_NULL)
		return 0;
	if (v->kind != MR_JSON_ARRAY)
		return type_error(err, path, "an array", v);
	c->ulimits = calloc(v->len + 1, sizeof(*c->ulimits));
	if (c->ulimits == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < v->len; i++) {
		const struct mr_json *u = v->items[i], *name = member(u, "Name");
		struct mrd_ulimit *ul = &c->ulimits[c->nulimits];
		char p[256];
		fmt_path(p, sizeof(p), "%s[%zu]", path, i);
		if (u->kind != MR_JSON_OBJECT)
			return type_error(err, p, "an object", u);
		if (name == NULL || name->kind != MR_JSON_STRING || name->len == 0)
			return mr_error_set(err, EINVAL, "%s.Name: expected a string", p);
		ul->name = strdup(name->text);
		c->nulimits++;
		if ((member(u, "Soft") && get_int(member(u, "Soft"), p, &ul->soft, err) < 0) ||
		    (member(u, "Hard") && get_int(member(u, "Hard"), p, &ul->hard, err) < 0))
			return -1;
	}
	return 0;
}

static int mount_str(const struct mr_json *m, const char *key, const char *path, char **out, struct mr_error **err)
{
	const struct mr_json *v = member(m, key);
	if (v == NULL || v->kind == MR_JSON_NULL)
		return 0;
	if (v->kind != MR_JSON_STRING) {
		char p[256];
		fmt_path(p, sizeof(p), "%s.%s", path, key);
		return type_error(err, p, "a string", v);
	}
	*out = strdup(v->text);
	return 0;
}

static int get_mount(const struct mr_json *m, const char *p, struct mrd_mount *mt, struct mr_error **err)
{
	const struct mr_json *ro = member(m, "ReadOnly"), *tmpfs = member(m, "TmpfsOptions");

	for (size_t k = 0; k < m->len; k++) {
		const char *key = m->keys[k];
		if (strcmp(key, "Type") && strcmp(key, "Source") && strcmp(key, "Target") && strcmp(key, "ReadOnly") &&
		    strcmp(key, "Consistency") && strcmp(key, "BindOptions") && strcmp(key, "TmpfsOptions") &&
		    !(strcmp(key, "VolumeOptions") == 0 && is_default(m->items[k])))
			return mr_error_set(err, EINVAL, "%s.%s: not supported by minirund", p, key);
	}
	if (mount_str(m, "Type", p, &mt->type, err) < 0 || mount_str(m, "Source", p, &mt->source, err) < 0 ||
	    mount_str(m, "Target", p, &mt->target, err) < 0)
		return -1;
	if (ro != NULL && ro->kind == MR_JSON_BOOL)
		mt->readonly = ro->boolean;
	if (mt->type == NULL || (strcmp(mt->type, "bind") != 0 && strcmp(mt->type, "tmpfs") != 0))
		return mr_error_set(err, EINVAL, "%s.Type: \"%s\": minirund takes bind and tmpfs mounts", p,
				    mt->type ? mt->type : "");
	if (mt->target == NULL || mt->target[0] != '/')
		return mr_error_set(err, EINVAL, "%s.Target: expected an absolute path", p);
	if (strcmp(mt->type, "bind") == 0 && (mt->source == NULL || mt->source[0] != '/'))
		return mr_error_set(err, EINVAL, "%s.Source: expected an absolute path", p);
	if (tmpfs != NULL && tmpfs->kind == MR_JSON_OBJECT) {
		int64_t size = 0, mode = 0;
		if (member(tmpfs, "SizeBytes") && get_int(member(tmpfs, "SizeBytes"), p, &size, err) < 0)
			return -1;
		if (member(tmpfs, "Mode") && get_int(member(tmpfs, "Mode"), p, &mode, err) < 0)
			return -1;
		char opt[96] = "";
		if (size > 0)
			snprintf(opt, sizeof(opt), "size=%lld", (long long)size);
		if (mode > 0)
			snprintf(opt + strlen(opt), sizeof(opt) - strlen(opt), "%smode=%llo", opt[0] ? "," : "",
				 (long long)mode);
		mt->options = strdup(opt);
	}
	return 0;
}

static int get_mounts(const struct mr_json *v, const char *path, struct mrd_ctr_config *c, struct mr_error **err)
{
	if (v->kind == MR_JSON_NULL)
		return 0;
	if (v->kind != MR_JSON_ARRAY)
		return type_error(err, path, "an array", v);
	c->mounts = calloc(v->len + 1, sizeof(*c->mounts));
	if (c->mounts == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < v->len; i++) {
		char p[256];
		fmt_path(p, sizeof(p), "%s[%zu]", path, i);
		if (v->items[i]->kind != MR_JSON_OBJECT)
			return type_error(err, p, "an object", v->items[i]);
		c->nmounts++;
		if (get_mount(v->items[i], p, &c->mounts[i], err) < 0)
			return -1;
	}
	return 0;
}

static int get_console(const struct mr_json *v, const char *path, struct mrd_ctr_config *c, struct mr_error **err)
{
	if (v->kind == MR_JSON_NULL)
		return 0;
	if (v->kind != MR_JSON_ARRAY || v->len != 2)
		return type_error(err, path, "an array [height, width]", v);
	if (get_int(v->items[0], path, &c->console_h, err) < 0 || get_int(v->items[1], path, &c->console_w, err) < 0)
		return -1;
	return 0;
}

static int get_logcfg(const struct mr_json *v, const char *path, struct mrd_ctr_config *c, struct mr_error **err)
{
	const struct mr_json *type, *cfg;

	if (v->kind == MR_JSON_NULL)
		return 0;
	if (v->kind != MR_JSON_OBJECT)
		return type_error(err, path, "an object", v);
	type = member(v, "Type");
	cfg = member(v, "Config");
	if (type != NULL && type->kind != MR_JSON_STRING && type->kind != MR_JSON_NULL)
		return type_error(err, "HostConfig.LogConfig.Type", "a string", type);
	if (type != NULL && type->kind == MR_JSON_STRING && type->len > 0 && strcmp(type->text, "json-file") != 0 &&
	    strcmp(type->text, "local") != 0)
		return mr_error_set(err, EINVAL,
				    "%s.Type: log driver \"%s\" is not supported: minirund keeps every container's output in its own log (json-file, local)",
				    path, type->text);
	if (cfg != NULL && !is_default(cfg) && cfg->kind != MR_JSON_OBJECT)
		return type_error(err, "HostConfig.LogConfig.Config", "an object", cfg);
	free(c->log_type);
	c->log_type = strdup(type && type->kind == MR_JSON_STRING && type->len ? type->text : "json-file");
	return 0;
}

/* Until networks (and their endpoint settings) exist, only empty
 * endpoint settings are taken. */
static int get_netcfg(const struct mr_json *v, const char *path, struct mr_error **err)
{
	const struct mr_json *eps;
	static const char *const settings[] = {"IPAMConfig", "Links", "Aliases", "DriverOpts", "IPAddress",
					       "IPv6Gateway", "GlobalIPv6Address", "MacAddress", NULL};

	if (v->kind == MR_JSON_NULL)
		return 0;
	if (v->kind != MR_JSON_OBJECT)
		return type_error(err, path, "an object", v);
	eps = member(v, "EndpointsConfig");
	if (eps == NULL || eps->kind == MR_JSON_NULL)
		return 0;
	if (eps->kind != MR_JSON_OBJECT)
		return type_error(err, "NetworkingConfig.EndpointsConfig", "an object", eps);
	for (size_t i = 0; i < eps->len; i++)
		for (size_t s = 0; settings[s] != NULL; s++) {
			const struct mr_json *f = member(eps->items[i], settings[s]);
			if (f != NULL && !is_default(f))
				return mr_error_set(err, EINVAL,
						    "NetworkingConfig.EndpointsConfig.%s.%s: endpoint settings are not supported by minirund yet",
						    eps->keys[i], settings[s]);
		}
	return 0;
}

static int parse_table(struct mrd_ctr_config *c, const struct table *t, const struct mr_json *obj,
		       const char *prefix, struct mr_error **err);

static int parse_field(struct mrd_ctr_config *c, const struct field *f, const struct mr_json *v, const char *path,
		       struct mr_error **err)
{
	void *slot = (char *)c + f->off;

	switch (f->kind) {
	case K_STR:
		if (v->kind == MR_JSON_NULL)
			return 0;
		if (v->kind != MR_JSON_STRING)
			return type_error(err, path, "a string", v);
		free(*(char **)slot);
		*(char **)slot = strdup(v->text);
		return 0;
	case K_BOOL:
		if (v->kind == MR_JSON_NULL)
			return 0;
		if (v->kind != MR_JSON_BOOL)
			return type_error(err, path, "a boolean", v);
		*(bool *)slot = v->boolean;
		return 0;
	case K_INT:
		return get_int(v, path, slot, err);
	case K_STRV:
		return get_strv(v, path, false, slot, err);
	case K_CMD:
		return get_strv(v, path, true, slot, err);
	case K_KVS:
		return get_kvs(v, path, slot, err);
	case K_KEYS:
		return get_keys(v, path, slot, err);
	case K_OBJ:
		if (v->kind == MR_JSON_NULL)
			return 0;
		if (v->kind != MR_JSON_OBJECT)
			return type_error(err, path, "an object", v);
		return parse_table(c, f->sub, v, path, err);
	case K_RESTART:
		return get_restart(v, path, c, err);
	case K_ULIMITS:
		return get_ulimits(v, path, c, err);
	case K_MOUNTS:
		return get_mounts(v, path, c, err);
	case K_CONSOLE:
		return get_console(v, path, c, err);
	case K_LOGCFG:
		return get_logcfg(v, path, c, err);
	case K_NETCFG:
		return get_netcfg(v, path, err);
	case K_UNSUP:
		if (!is_default(v))
			return mr_error_set(err, EINVAL, "%s: not supported by minirund", path);
		return 0;
	case K_IGNORE:
		return 0;
	}
	return 0;
}

static int parse_table(struct mrd_ctr_config *c, const struct table *t, const struct mr_json *obj,
		       const char *prefix, struct mr_error **err)
{
	for (size_t i = 0; i < obj->len; i++) {
		const struct field *f = t->fields;
		char path[256];
		while (f->name != NULL && strcmp(f->name, obj->keys[i]) != 0)
			f++;
		fmt_path(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "", obj->keys[i]);
		if (f->name == NULL)
			return mr_error_set(err, EINVAL, "%s: unknown field", path);
		if (parse_field(c, f, obj->items[i], path, err) < 0)
			return -1;
	}
	return 0;
}

static struct mrd_ctr_config *config_new(void)
{
	struct mrd_ctr_config *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->stop_timeout = -1;
	c->res.memory_swappiness = -1;
	c->restart_name = strdup("no");
	c->network_mode = strdup("default");
	c->log_type = strdup("json-file");
	return c;
}

/* Rules across fields. */
static int check_config(const struct mrd_ctr_config *c, struct mr_error **err)
{
	if (c->auto_remove && strcmp(c->restart_name, "no") != 0)
		return mr_error_set(err, EINVAL,
				    "HostConfig.AutoRemove: conflicting options: a container removed when it exits cannot have restart policy '%s'",
				    c->restart_name);
	if (c->res.memory < 0 || c->res.memory_swap < -1 || c->res.nano_cpus < 0 || c->res.cpu_shares < 0 ||
	    c->res.cpu_quota < -1 || c->res.cpu_period < 0)
		return mr_error_set(err, EINVAL, "HostConfig: resources cannot be negative (MemorySwap and CpuQuota: -1 for unlimited)");
	if (c->res.memory > 0 && c->res.memory < 6 * 1024 * 1024)
		return mr_error_set(err, EINVAL, "HostConfig.Memory: minimum memory limit allowed is 6MB");
	if (c->res.memory_swap > 0 && c->res.memory > 0 && c->res.memory_swap < c->res.memory)
		return mr_error_set(err, EINVAL,
				    "HostConfig.MemorySwap: minimum memoryswap limit should be larger than memory limit");
	if (c->res.memory_swap > 0 && c->res.memory == 0)
		return mr_error_set(err, EINVAL, "HostConfig.MemorySwap: you should always set the memory limit when using memoryswap limit");
	if (c->res.nano_cpus > 0 && (c->res.cpu_period > 0 || c->res.cpu_quota > 0))
		return mr_error_set(err, EINVAL,
				    "HostConfig.NanoCpus: conflicting options: NanoCpus and CpuPeriod/CpuQuota cannot both be set");
	if (c->res.memory_swappiness < -1 || c->res.memory_swappiness > 100)
		return mr_error_set(err, EINVAL, "HostConfig.MemorySwappiness: must be -1 or 0 to 100");
	if (c->stop_timeout < -1)
		return mr_error_set(err, EINVAL, "StopTimeout: must be -1 or more");
	return 0;
}

struct mrd_ctr_config *mrd_ctr_config_parse(const struct mr_json *body, struct mr_error **err)
{
	struct mrd_ctr_config *c;

	if (body == NULL || body->kind != MR_JSON_OBJECT) {
		mr_error_set(err, EINVAL, "the request body must be a JSON object");
		return NULL;
	}
	c = config_new();
	if (c == NULL) {
		mr_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	if (parse_table(c, &config_table, body, "", err) < 0 || check_config(c, err) < 0) {
		mrd_ctr_config_free(c);
		return NULL;
	}
	return c;
}

/* Docker's update: a field left at zero is not changed. */
static void merge_resources(struct mrd_resources *dst, struct mrd_resources *src)
{
	int64_t *d[] = {&dst->memory, &dst->memory_swap, &dst->memory_reservation, &dst->kernel_memory_tcp,
			&dst->nano_cpus, &dst->cpu_shares, &dst->cpu_period, &dst->cpu_quota, &dst->cpu_rt_period,
			&dst->cpu_rt_runtime, &dst->pids_limit, &dst->blkio_weight};
	int64_t *s[] = {&src->memory, &src->memory_swap, &src->memory_reservation, &src->kernel_memory_tcp,
			&src->nano_cpus, &src->cpu_shares, &src->cpu_period, &src->cpu_quota, &src->cpu_rt_period,
			&src->cpu_rt_runtime, &src->pids_limit, &src->blkio_weight};
	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++)
		if (*s[i] != 0)
			*d[i] = *s[i];
	if (src->memory_swappiness >= 0)
		dst->memory_swappiness = src->memory_swappiness;
	if (src->oom_kill_disable)
		dst->oom_kill_disable = true;
	if (src->nano_cpus > 0)
		dst->cpu_period = dst->cpu_quota = 0;
	if (src->cpu_quota != 0 || src->cpu_period != 0)
		dst->nano_cpus = 0;
	if (src->cpuset_cpus != NULL && *src->cpuset_cpus) {
		free(dst->cpuset_cpus);
		dst->cpuset_cpus = src->cpuset_cpus;
		src->cpuset_cpus = NULL;
	}
	if (src->cpuset_mems != NULL && *src->cpuset_mems) {
		free(dst->cpuset_mems);
		dst->cpuset_mems = src->cpuset_mems;
		src->cpuset_mems = NULL;
	}
}

int mrd_ctr_config_update(struct mrd_ctr_config *cfg, const struct mr_json *body, struct mr_error **err)
{
	struct mrd_ctr_config *u;
	const struct mr_json *rp;
	int ret = -1;

	if (body == NULL || body->kind != MR_JSON_OBJECT)
		return mr_error_set(err, EINVAL, "the request body must be a JSON object");
	u = config_new();
	if (u == NULL)
		return mr_error_set(err, ENOMEM, "out of memory");
	if (parse_table(u, &update_table, body, "", err) < 0)
		goto out;
	struct mrd_ctr_config merged = *cfg;
	merged.res.cpuset_cpus = cfg->res.cpuset_cpus ? strdup(cfg->res.cpuset_cpus) : NULL;
	merged.res.cpuset_mems = cfg->res.cpuset_mems ? strdup(cfg->res.cpuset_mems) : NULL;
	merge_resources(&merged.res, &u->res);
	rp = mr_json_get(body, "RestartPolicy");
	bool new_policy = rp != NULL && mr_json_get(rp, "Name") != NULL && mr_json_get(rp, "Name")->kind == MR_JSON_STRING &&
			  mr_json_get(rp, "Name")->len > 0;
	if (new_policy) {
		merged.restart_name = u->restart_name;
		merged.restart_max = u->restart_max;
	}
	if (check_config(&merged, err) < 0) {
		free(merged.res.cpuset_cpus);
		free(merged.res.cpuset_mems);
		goto out;
	}
	free(cfg->res.cpuset_cpus);
	free(cfg->res.cpuset_mems);
	if (new_policy) {
		free(cfg->restart_name);
		u->restart_name = NULL;
	}
	*cfg = merged;
	ret = 0;
out:
	mrd_ctr_config_free(u);
	return ret;
}
