/* The process an exec runs: a --process file, or the container's own
 * process with the command line's changes (the command, --cwd, --env,
 * --user, --additional-gids, --cap, --tty, --no-new-privs, the LSM labels). */
#include "exec-process.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "spec/validate.h"
#include "util/cleanup.h"
#include "util/json.h"

static int strv_append(char ***v, size_t *n, const char *s)
{
	char **grown = realloc(*v, (*n + 2) * sizeof(char *));

	if (grown == NULL)
		return -1;
	*v = grown;
	if ((grown[*n] = strdup(s)) == NULL)
		return -1;
	grown[++*n] = NULL; /* model arrays are NULL-terminated */
	return 0;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static struct oci_process *read_process_file(const char *path, struct mr_error **err)
{
	struct mr_json *json = mr_json_parse_file(path, err);
	struct oci_process *p;

	if (json == NULL) {
		mr_error_prefix(err, "--process %s", path);
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL || mr_model_parse(&mr_type_oci_process, json, p, err) < 0 || mr_process_validate(p, err) < 0) {
		if (p == NULL)
			mr_error_set(err, ENOMEM, "out of memory");
		mr_error_prefix(err, "--process %s", path);
		if (p)
			mr_model_clear(&mr_type_oci_process, p);
		free(p);
		p = NULL;
	}
	mr_json_free(json);
	return p;
}

/* A user or group id: decimal digits only, below 4294967295 ((uid_t)-1
 * means "unchanged" to the kernel). */
static int parse_id(const char *text, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (text[0] < '0' || text[0] > '9')
		return -1;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || *end != '\0' || v >= UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

#define OOM(err) mr_error_set(err, ENOMEM, "out of memory")

/* The command, --cwd, --env (appended: the environment is made with the
 * last value of a key winning, so --env PATH=... replaces the container's). */
static int apply_command(struct oci_process *p, const struct mr_exec_opts *o, struct mr_error **err)
{
	if (o->n_args > 0) {
		strv_free(p->args, p->args_len);
		p->args = NULL;
		p->args_len = 0;
		for (int i = 0; i < o->n_args; i++)
			if (strv_append(&p->args, &p->args_len, o->args[i]) < 0)
				return OOM(err);
	}
	if (o->cwd) {
		free(p->cwd);
		if ((p->cwd = strdup(o->cwd)) == NULL)
			return OOM(err);
	}
	for (int i = 0; i < o->n_env; i++) {
		if (strchr(o->env[i], '=') == NULL || o->env[i][0] == '=')
			return mr_error_set(err, EINVAL, "--env: expected KEY=value, got \"%s\"", o->env[i]);
		if (strv_append(&p->env, &p->env_len, o->env[i]) < 0)
			return OOM(err);
	}
	return 0;
}

/* --user UID[:GID], --additional-gids. */
static int apply_user(struct oci_process *p, const struct mr_exec_opts *o, struct mr_error **err)
{
	if ((o->user || o->n_gids) && p->user == NULL && (p->user = calloc(1, sizeof(*p->user))) == NULL)
		return OOM(err);
	if (o->user) {
		char *colon = strchr(o->user, ':');
		cleanup_free char *uid = strndup(o->user, colon ? (size_t)(colon - o->user) : strlen(o->user));
		if (uid == NULL || parse_id(uid, &p->user->uid) < 0 || (colon && parse_id(colon + 1, &p->user->gid) < 0))
			return mr_error_set(err, EINVAL, "--user: expected UID[:GID] (numbers), got \"%s\"", o->user);
		p->user->has_uid = true;
		p->user->has_gid = p->user->has_gid || colon != NULL;
	}
	for (int i = 0; i < o->n_gids; i++) {
		uint32_t gid;
		uint32_t *grown;
		if (parse_id(o->additional_gids[i], &gid) < 0)
			return mr_error_set(err, EINVAL, "--additional-gids: expected a number, got \"%s\"",
					    o->additional_gids[i]);
		grown = realloc(p->user->additional_gids, (p->user->additional_gids_len + 2) * sizeof(uint32_t));
		if (grown == NULL)
			return OOM(err);
		p->user->additional_gids = grown;
		grown[p->user->additional_gids_len++] = gid;
	}
	return 0;
}

/* --cap: bounding, effective, permitted; never inheritable (nor ambient),
 * so an unprivileged exec'd program cannot pass it on (CVE-2022-29162). A
 * name unknown here is warned about and ignored, as in config.json. */
static int apply_caps(struct oci_process *p, const struct mr_exec_opts *o, struct mr_error **err)
{
	for (int i = 0; i < o->n_caps; i++) {
		struct oci_process_capabilities *c = p->capabilities;
		if (c == NULL && (c = p->capabilities = calloc(1, sizeof(*c))) == NULL)
			return OOM(err);
		if (strv_append(&c->bounding, &c->bounding_len, o->caps[i]) < 0 ||
		    strv_append(&c->effective, &c->effective_len, o->caps[i]) < 0 ||
		    strv_append(&c->permitted, &c->permitted_len, o->caps[i]) < 0)
			return OOM(err);
	}
	return 0;
}

static int replace_str(char **field, const char *value, struct mr_error **err)
{
	if (value == NULL)
		return 0;
	free(*field);
	*field = strdup(value);
	return *field ? 0 : OOM(err);
}

/* The container's process, with the command line's changes. */
static int apply_flags(struct oci_process *p, const struct mr_exec_opts *o, struct mr_error **err)
{
	if (apply_command(p, o, err) < 0 || apply_user(p, o, err) < 0 || apply_caps(p, o, err) < 0)
		return -1;
	if (o->tty) {
		p->terminal = true;
		p->has_terminal = true;
	}
	/* as crun: the command line's process has no_new_privs only when
	 * --no-new-privs asks (runc keeps the container's setting); a
	 * --process file says for itself */
	p->no_new_privileges = o->no_new_privs;
	p->has_no_new_privileges = true;
	return replace_str(&p->apparmor_profile, o->apparmor, err) < 0 ||
			       replace_str(&p->selinux_label, o->process_label, err) < 0
		       ? -1
		       : 0;
}

struct oci_process *mr_exec_process(const struct mr_exec_opts *o, const struct oci_config *cfg, struct mr_error **err)
{
	struct oci_process *p;

	if (o->process_file)
		return read_process_file(o->process_file, err);
	if (o->n_args == 0) {
		mr_error_set(err, EINVAL, "exec: give the command to run, or --process FILE");
		return NULL;
	}
	p = cfg->process ? mr_model_dup(&mr_type_oci_process, cfg->process, err) : calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	if (p->cwd == NULL)
		p->cwd = strdup("/");
	/* the container's own terminal setting is not the exec's */
	p->terminal = false;
	p->has_terminal = false;
	if (apply_flags(p, o, err) < 0 || mr_process_validate(p, err) < 0) {
		mr_model_clear(&mr_type_oci_process, p);
		free(p);
		return NULL;
	}
	return p;
}
