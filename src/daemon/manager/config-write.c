/* The container config as Docker's inspect shows it (and as its record
 * keeps it); freeing it; its small list types. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonw.h"
#include "manager/config.h"

int mrd_strv_push(struct mrd_strv *s, const char *v)
{
	char **p = realloc(s->v, (s->n + 2) * sizeof(char *));
	if (p == NULL)
		return -1;
	s->v = p;
	if ((p[s->n] = strdup(v)) == NULL)
		return -1;
	p[++s->n] = NULL;
	return 0;
}

void mrd_strv_clear(struct mrd_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

int mrd_strv_copy(struct mrd_strv *dst, const struct mrd_strv *src)
{
	mrd_strv_clear(dst);
	dst->set = src->set;
	for (size_t i = 0; i < src->n; i++)
		if (mrd_strv_push(dst, src->v[i]) < 0)
			return -1;
	return 0;
}

const char *mrd_kvs_get(const struct mrd_kvs *kv, const char *key)
{
	for (size_t i = 0; i < kv->n; i++)
		if (strcmp(kv->k[i], key) == 0)
			return kv->v[i];
	return NULL;
}

int mrd_kvs_set(struct mrd_kvs *kv, const char *key, const char *value)
{
	for (size_t i = 0; i < kv->n; i++)
		if (strcmp(kv->k[i], key) == 0) {
			char *v = strdup(value);
			if (v == NULL)
				return -1;
			free(kv->v[i]);
			kv->v[i] = v;
			return 0;
		}
	char **k = realloc(kv->k, (kv->n + 1) * sizeof(char *));
	if (k == NULL)
		return -1;
	kv->k = k;
	char **v = realloc(kv->v, (kv->n + 1) * sizeof(char *));
	if (v == NULL)
		return -1;
	kv->v = v;
	kv->k[kv->n] = strdup(key);
	kv->v[kv->n] = strdup(value);
	if (kv->k[kv->n] == NULL || kv->v[kv->n] == NULL)
		return -1;
	kv->n++;
	return 0;
}

static void kvs_free(struct mrd_kvs *kv)
{
	for (size_t i = 0; i < kv->n; i++) {
		free(kv->k[i]);
		free(kv->v[i]);
	}
	free(kv->k);
	free(kv->v);
}

void mrd_ctr_config_free(struct mrd_ctr_config *c)
{
	if (c == NULL)
		return;
	char **strs[] = {&c->image, &c->hostname, &c->domainname, &c->user, &c->workdir, &c->stop_signal,
			 &c->res.cpuset_cpus, &c->res.cpuset_mems, &c->network_mode, &c->ipc_mode, &c->pid_mode,
			 &c->uts_mode, &c->cgroup_parent, &c->cgroupns_mode, &c->log_type, &c->restart_name};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		free(*strs[i]);
	struct mrd_strv *lists[] = {&c->env, &c->cmd, &c->entrypoint, &c->exposed, &c->volumes, &c->binds,
				    &c->cap_add, &c->cap_drop, &c->security_opt, &c->dns, &c->dns_search,
				    &c->dns_options, &c->extra_hosts, &c->group_add};
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		mrd_strv_clear(lists[i]);
	kvs_free(&c->labels);
	kvs_free(&c->tmpfs);
	kvs_free(&c->sysctls);
	for (size_t i = 0; i < c->nulimits; i++)
		free(c->ulimits[i].name);
	free(c->ulimits);
	for (size_t i = 0; i < c->nmounts; i++) {
		free(c->mounts[i].type);
		free(c->mounts[i].source);
		free(c->mounts[i].target);
		free(c->mounts[i].options);
	}
	free(c->mounts);
	free(c);
}

static void strv(yajl_gen g, const char *key, const struct mrd_strv *s)
{
	mr_jw_strv(g, key, s->set || s->n ? s->v : NULL, s->n);
}

static void keys(yajl_gen g, const char *key, const struct mrd_strv *s)
{
	if (!s->set && s->n == 0) {
		mr_jw_null(g, key);
		return;
	}
	mr_jw_obj(g, key);
	for (size_t i = 0; i < s->n; i++) {
		mr_jw_obj(g, s->v[i]);
		mr_jw_obj_end(g);
	}
	mr_jw_obj_end(g);
}

static void kvs(yajl_gen g, const char *key, const struct mrd_kvs *kv, bool null_when_empty)
{
	if (kv->n == 0 && null_when_empty) {
		mr_jw_null(g, key);
		return;
	}
	mr_jw_obj(g, key);
	for (size_t i = 0; i < kv->n; i++)
		mr_jw_str(g, kv->k[i], kv->v[i]);
	mr_jw_obj_end(g);
}

static const char *s(const char *v)
{
	return v ? v : "";
}

static void config_members(yajl_gen g, const struct mrd_ctr_config *c)
{
	mr_jw_str(g, "Hostname", s(c->hostname));
	mr_jw_str(g, "Domainname", s(c->domainname));
	mr_jw_str(g, "User", s(c->user));
	mr_jw_bool(g, "AttachStdin", c->attach_stdin);
	mr_jw_bool(g, "AttachStdout", c->attach_stdout);
	mr_jw_bool(g, "AttachStderr", c->attach_stderr);
	keys(g, "ExposedPorts", &c->exposed);
	mr_jw_bool(g, "Tty", c->tty);
	mr_jw_bool(g, "OpenStdin", c->open_stdin);
	mr_jw_bool(g, "StdinOnce", c->stdin_once);
	strv(g, "Env", &c->env);
	strv(g, "Cmd", &c->cmd);
	mr_jw_str(g, "Image", s(c->image));
	keys(g, "Volumes", &c->volumes);
	mr_jw_str(g, "WorkingDir", s(c->workdir));
	strv(g, "Entrypoint", &c->entrypoint);
	mr_jw_null(g, "OnBuild");
	kvs(g, "Labels", &c->labels, false);
	if (c->stop_signal != NULL)
		mr_jw_str(g, "StopSignal", c->stop_signal);
	if (c->stop_timeout >= 0)
		mr_jw_int(g, "StopTimeout", c->stop_timeout);
}

void mrd_ctr_config_write_config(yajl_gen g, const char *key, const struct mrd_ctr_config *c)
{
	mr_jw_obj(g, key);
	config_members(g, c);
	mr_jw_obj_end(g);
}

static void write_restart(yajl_gen g, const struct mrd_ctr_config *c)
{
	mr_jw_obj(g, "RestartPolicy");
	mr_jw_str(g, "Name", c->restart_name);
	mr_jw_int(g, "MaximumRetryCount", c->restart_max);
	mr_jw_obj_end(g);
}

static void write_mounts(yajl_gen g, const struct mrd_ctr_config *c)
{
	if (c->nmounts == 0) {
		mr_jw_null(g, "Mounts");
		return;
	}
	mr_jw_arr(g, "Mounts");
	for (size_t i = 0; i < c->nmounts; i++) {
		const struct mrd_mount *m = &c->mounts[i];
		mr_jw_obj(g, NULL);
		mr_jw_str(g, "Type", m->type);
		if (m->source != NULL)
			mr_jw_str(g, "Source", m->source);
		mr_jw_str(g, "Target", m->target);
		mr_jw_bool(g, "ReadOnly", m->readonly);
		mr_jw_obj_end(g);
	}
	mr_jw_arr_end(g);
}

static void write_resources(yajl_gen g, const struct mrd_resources *r)
{
	mr_jw_int(g, "CpuShares", r->cpu_shares);
	mr_jw_int(g, "Memory", r->memory);
	mr_jw_int(g, "NanoCpus", r->nano_cpus);
	mr_jw_int(g, "CpuPeriod", r->cpu_period);
	mr_jw_int(g, "CpuQuota", r->cpu_quota);
	mr_jw_int(g, "CpuRealtimePeriod", r->cpu_rt_period);
	mr_jw_int(g, "CpuRealtimeRuntime", r->cpu_rt_runtime);
	mr_jw_str(g, "CpusetCpus", s(r->cpuset_cpus));
	mr_jw_str(g, "CpusetMems", s(r->cpuset_mems));
	mr_jw_int(g, "BlkioWeight", r->blkio_weight);
	mr_jw_int(g, "MemoryReservation", r->memory_reservation);
	mr_jw_int(g, "MemorySwap", r->memory_swap);
	mr_jw_int(g, "KernelMemoryTCP", r->kernel_memory_tcp);
	if (r->memory_swappiness >= 0)
		mr_jw_int(g, "MemorySwappiness", r->memory_swappiness);
	else
		mr_jw_null(g, "MemorySwappiness");
	mr_jw_bool(g, "OomKillDisable", r->oom_kill_disable);
	if (r->pids_limit != 0)
		mr_jw_int(g, "PidsLimit", r->pids_limit);
	else
		mr_jw_null(g, "PidsLimit");
}

/* What minirund does not have, as dockerd writes it when unset. */
static void unsupported_defaults(yajl_gen g)
{
	static const char *const nulls[] = {"BlkioWeightDevice", "BlkioDeviceReadBps", "BlkioDeviceWriteBps",
					    "BlkioDeviceReadIOps", "BlkioDeviceWriteIOps", "DeviceCgroupRules",
					    "DeviceRequests", NULL};
	static const char *const zeros[] = {"KernelMemory", "CpuCount", "CpuPercent", "IOMaximumIOps",
					    "IOMaximumBandwidth", NULL};

	for (size_t i = 0; nulls[i] != NULL; i++)
		mr_jw_null(g, nulls[i]);
	for (size_t i = 0; zeros[i] != NULL; i++)
		mr_jw_int(g, zeros[i], 0);
	mr_jw_str(g, "Cgroup", "");
	mr_jw_arr(g, "Devices");
	mr_jw_arr_end(g);
}

void mrd_ctr_config_write_host(yajl_gen g, const char *key, const struct mrd_ctr_config *c)
{
	mr_jw_obj(g, key);
	strv(g, "Binds", &c->binds);
	mr_jw_str(g, "ContainerIDFile", "");
	mr_jw_obj(g, "LogConfig");
	mr_jw_str(g, "Type", c->log_type);
	mr_jw_obj(g, "Config");
	mr_jw_obj_end(g);
	mr_jw_obj_end(g);
	mr_jw_str(g, "NetworkMode", c->network_mode);
	mr_jw_obj(g, "PortBindings");
	mr_jw_obj_end(g);
	write_restart(g, c);
	mr_jw_bool(g, "AutoRemove", c->auto_remove);
	mr_jw_str(g, "VolumeDriver", "");
	mr_jw_null(g, "VolumesFrom");
	strv(g, "CapAdd", &c->cap_add);
	strv(g, "CapDrop", &c->cap_drop);
	mr_jw_str(g, "CgroupnsMode", s(c->cgroupns_mode));
	strv(g, "Dns", &c->dns);
	strv(g, "DnsOptions", &c->dns_options);
	strv(g, "DnsSearch", &c->dns_search);
	strv(g, "ExtraHosts", &c->extra_hosts);
	strv(g, "GroupAdd", &c->group_add);
	mr_jw_str(g, "IpcMode", s(c->ipc_mode));
	mr_jw_null(g, "Links");
	mr_jw_int(g, "OomScoreAdj", c->oom_score_adj);
	mr_jw_str(g, "PidMode", s(c->pid_mode));
	mr_jw_bool(g, "Privileged", c->privileged);
	mr_jw_bool(g, "PublishAllPorts", c->publish_all);
	mr_jw_bool(g, "ReadonlyRootfs", c->readonly_rootfs);
	strv(g, "SecurityOpt", &c->security_opt);
	kvs(g, "Tmpfs", &c->tmpfs, true);
	mr_jw_str(g, "UTSMode", s(c->uts_mode));
	mr_jw_str(g, "UsernsMode", "");
	mr_jw_int(g, "ShmSize", c->shm_size);
	kvs(g, "Sysctls", &c->sysctls, true);
	mr_jw_str(g, "Runtime", "minirun");
	mr_jw_arr(g, "ConsoleSize");
	mr_jw_int(g, NULL, c->console_h);
	mr_jw_int(g, NULL, c->console_w);
	mr_jw_arr_end(g);
	mr_jw_str(g, "Isolation", "");
	write_resources(g, &c->res);
	mr_jw_str(g, "CgroupParent", s(c->cgroup_parent));
	unsupported_defaults(g);
	if (c->nulimits > 0) {
		mr_jw_arr(g, "Ulimits");
		for (size_t i = 0; i < c->nulimits; i++) {
			mr_jw_obj(g, NULL);
			mr_jw_str(g, "Name", c->ulimits[i].name);
			mr_jw_int(g, "Soft", c->ulimits[i].soft);
			mr_jw_int(g, "Hard", c->ulimits[i].hard);
			mr_jw_obj_end(g);
		}
		mr_jw_arr_end(g);
	} else {
		mr_jw_null(g, "Ulimits");
	}
	write_mounts(g, c);
	if (c->init)
		mr_jw_bool(g, "Init", true);
	mr_jw_null(g, "MaskedPaths");
	mr_jw_null(g, "ReadonlyPaths");
	mr_jw_obj_end(g);
}

void mrd_ctr_config_write(yajl_gen g, const struct mrd_ctr_config *c)
{
	mrd_ctr_config_write_config(g, "Config", c);
	mrd_ctr_config_write_host(g, "HostConfig", c);
}

void mrd_ctr_config_write_record(yajl_gen g, const struct mrd_ctr_config *c)
{
	mr_jw_obj(g, NULL);
	config_members(g, c);
	mrd_ctr_config_write_host(g, "HostConfig", c);
	mr_jw_obj_end(g);
}

void mrd_ctr_config_write_updates(yajl_gen g, const struct mrd_ctr_config *c)
{
	mr_jw_obj(g, NULL);
	write_resources(g, &c->res);
	write_restart(g, c);
	mr_jw_obj_end(g);
}

char *mrd_ctr_config_record(const struct mrd_ctr_config *c)
{
	yajl_gen g = mr_jw_new();
	size_t len;
	const char *buf;
	char *out;

	mrd_ctr_config_write_record(g, c);
	buf = mr_jw_buf(g, &len);
	out = strndup(buf, len);
	yajl_gen_free(g);
	return out;
}
