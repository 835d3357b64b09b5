/* A container's configuration: Docker's create body (Config and
 * HostConfig) as minirund takes it, merged with its image's config. It is
 * kept as JSON in the container's immutable record (config_json) and read
 * back with the same parser (ctr-config-parse.c), so the record is the
 * create body that was accepted. */
#ifndef MINIRUND_MANAGER_CONFIG_H
#define MINIRUND_MANAGER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>

#include "util/error.h"
#include "util/json.h"

struct mrd_strv {
	char **v;
	size_t n;
	bool set; /* given (even empty) rather than absent/null */
};

/* Labels, Tmpfs, Sysctls: ordered key/value pairs. */
struct mrd_kvs {
	char **k, **v;
	size_t n;
};

struct mrd_ulimit {
	char *name;
	int64_t soft, hard;
};

struct mrd_mount {
	char *type; /* bind, tmpfs */
	char *source, *target;
	bool readonly;
	char *options; /* tmpfs: "size=..,mode=.."; bind: propagation */
};

struct mrd_resources {
	int64_t memory, memory_swap, memory_reservation, kernel_memory_tcp;
	int64_t memory_swappiness; /* -1: unset */
	int64_t nano_cpus, cpu_shares, cpu_period, cpu_quota, cpu_rt_period, cpu_rt_runtime;
	char *cpuset_cpus, *cpuset_mems;
	int64_t pids_limit; /* 0 or -1: unlimited */
	int64_t blkio_weight;
	bool oom_kill_disable;
};

struct mrd_ctr_config {
	/* Config */
	char *image;
	char *hostname, *domainname, *user, *workdir, *stop_signal;
	int64_t stop_timeout; /* -1: unset */
	bool tty, open_stdin, stdin_once, attach_stdin, attach_stdout, attach_stderr, args_escaped;
	struct mrd_strv env, cmd, entrypoint, exposed, volumes;
	struct mrd_kvs labels;
	/* HostConfig */
	struct mrd_resources res;
	struct mrd_strv binds, cap_add, cap_drop, security_opt, dns, dns_search, dns_options, extra_hosts, group_add;
	struct mrd_kvs tmpfs, sysctls;
	struct mrd_ulimit *ulimits;
	size_t nulimits;
	struct mrd_mount *mounts;
	size_t nmounts;
	char *network_mode, *ipc_mode, *pid_mode, *uts_mode, *cgroup_parent, *cgroupns_mode, *log_type;
	char *restart_name; /* no, always, on-failure, unless-stopped */
	int64_t restart_max;
	bool readonly_rootfs, privileged, auto_remove, init, publish_all;
	int64_t oom_score_adj, shm_size;
	int64_t console_h, console_w;
};

/* Parse a create body (or a stored record). Errors name the field
 * ("HostConfig.Memory: expected an integer, got string \"1g\"") with
 * errno EINVAL; unknown fields and fields minirund does not support with
 * a value other than the default are errors too (never a silent
 * success). */
struct mrd_ctr_config *mrd_ctr_config_parse(const struct mr_json *body, struct mr_error **err);

/* POST /containers/{id}/update: resources and RestartPolicy onto cfg;
 * the fields set are written to `updates` (the state row's JSON), so that
 * they can be applied again at load. */
int mrd_ctr_config_update(struct mrd_ctr_config *cfg, const struct mr_json *body, struct mr_error **err);

/* Write cfg as Docker's inspect "Config" and "HostConfig" members (also
 * the record's form: mrd_ctr_config_parse reads it back). */
void mrd_ctr_config_write(yajl_gen g, const struct mrd_ctr_config *cfg);
void mrd_ctr_config_write_config(yajl_gen g, const char *key, const struct mrd_ctr_config *cfg);
void mrd_ctr_config_write_host(yajl_gen g, const char *key, const struct mrd_ctr_config *cfg);

/* The record's form: the create body (Config members, HostConfig). */
void mrd_ctr_config_write_record(yajl_gen g, const struct mrd_ctr_config *cfg);
/* The same as a string (malloc'ed). */
char *mrd_ctr_config_record(const struct mrd_ctr_config *cfg);

/* What update can change (resources, RestartPolicy): the state row's
 * "updates", read back with mrd_ctr_config_update. */
void mrd_ctr_config_write_updates(yajl_gen g, const struct mrd_ctr_config *cfg);

void mrd_ctr_config_free(struct mrd_ctr_config *cfg);

/* Helpers on the lists. */
const char *mrd_kvs_get(const struct mrd_kvs *kv, const char *key);
int mrd_kvs_set(struct mrd_kvs *kv, const char *key, const char *value);
int mrd_strv_push(struct mrd_strv *s, const char *v);
void mrd_strv_clear(struct mrd_strv *s);
int mrd_strv_copy(struct mrd_strv *dst, const struct mrd_strv *src);

#endif
