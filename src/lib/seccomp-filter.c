/* linux.seccomp: translate the profile into a libseccomp filter and load
 * it; hand the SCMP_ACT_NOTIFY listener fd to the agent at listenerPath.
 *
 * Translation follows runc, whose behaviour profiles are written against:
 * syscall names the running libseccomp cannot resolve are skipped (profiles
 * list syscalls newer than the kernel or library), rules whose action is the
 * default action are skipped (libseccomp refuses them), and a rule with two
 * conditions on the same argument becomes one rule per condition, because
 * libseccomp refuses that in one rule (so such conditions are OR'ed). */
#include "seccomp-filter.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "sync.h"
#include "util/cleanup.h"
#include "util/fdpass.h"
#include "util/json.h"

#define SECCOMP_MAX_ARGS 6

static void ctx_release(scmp_filter_ctx *ctx)
{
	if (*ctx != NULL)
		seccomp_release(*ctx);
}
#define cleanup_seccomp __attribute__((cleanup(ctx_release)))

/* SCMP_ACT_ERRNO and SCMP_ACT_TRACE return errno_ret, EPERM when unset. */
static int action_from_name(const char *name, bool has_errno, uint32_t errno_ret, uint32_t *action)
{
	uint32_t ret = has_errno ? errno_ret : EPERM;

	if (strcmp(name, "SCMP_ACT_KILL") == 0 || strcmp(name, "SCMP_ACT_KILL_THREAD") == 0)
		*action = SCMP_ACT_KILL_THREAD;
	else if (strcmp(name, "SCMP_ACT_KILL_PROCESS") == 0)
		*action = SCMP_ACT_KILL_PROCESS;
	else if (strcmp(name, "SCMP_ACT_TRAP") == 0)
		*action = SCMP_ACT_TRAP;
	else if (strcmp(name, "SCMP_ACT_ERRNO") == 0)
		*action = SCMP_ACT_ERRNO(ret);
	else if (strcmp(name, "SCMP_ACT_TRACE") == 0)
		*action = SCMP_ACT_TRACE(ret);
	else if (strcmp(name, "SCMP_ACT_ALLOW") == 0)
		*action = SCMP_ACT_ALLOW;
	else if (strcmp(name, "SCMP_ACT_LOG") == 0)
		*action = SCMP_ACT_LOG;
	else if (strcmp(name, "SCMP_ACT_NOTIFY") == 0)
		*action = SCMP_ACT_NOTIFY;
	else
		return -1;
	return 0;
}

static int op_from_name(const char *name, enum scmp_compare *op)
{
	static const struct {
		const char *name;
		enum scmp_compare op;
	} ops[] = {
		{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT }, { "SCMP_CMP_LE", SCMP_CMP_LE },
		{ "SCMP_CMP_EQ", SCMP_CMP_EQ }, { "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
	};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(name, ops[i].name) == 0) {
			*op = ops[i].op;
			return 0;
		}
	return -1;
}

/* "SCMP_ARCH_X86_64" -> libseccomp's token for "x86_64"; 0 when this
 * libseccomp does not know the architecture. */
static uint32_t arch_from_name(const char *name)
{
	char lower[32];
	size_t i;

	if (strncmp(name, "SCMP_ARCH_", 10) != 0)
		return 0;
	name += 10;
	for (i = 0; name[i] && i + 1 < sizeof(lower); i++)
		lower[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
	lower[i] = '\0';
	return seccomp_arch_resolve_name(lower);
}

static int add_architectures(scmp_filter_ctx ctx, const struct oci_linux_seccomp *s, struct mr_error **err)
{
	for (size_t i = 0; i < s->architectures_len; i++) {
		uint32_t arch = arch_from_name(s->architectures[i]);
		int rc;
		/* An architecture this libseccomp cannot filter stays out of the
		 * filter, and the kernel then kills any syscall made with it
		 * (libseccomp's bad-arch action): skipping is the safe side. */
		if (arch == 0)
			continue;
		rc = seccomp_arch_add(ctx, arch);
		if (rc < 0 && rc != -EEXIST) /* EEXIST: the native one, always there */
			return mr_error_sys(err, -rc, "linux.seccomp.architectures[%zu]: %s: seccomp_arch_add", i,
					    s->architectures[i]);
	}
	return 0;
}

static int set_flags(scmp_filter_ctx ctx, const struct oci_linux_seccomp *s, struct mr_error **err)
{
	/* Return the kernel's own errno from seccomp_load() rather than
	 * -ECANCELED, so that a missing privilege is reported as such. */
	int rc = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);

	if (rc < 0)
		return mr_error_sys(err, -rc, "linux.seccomp: seccomp_attr_set(SCMP_FLTATR_API_SYSRAWRC)");
	/* no_new_privs belongs to process.noNewPrivileges, applied before:
	 * libseccomp would otherwise set it on every load. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (rc < 0)
		return mr_error_sys(err, -rc, "linux.seccomp: seccomp_attr_set(SCMP_FLTATR_CTL_NNP)");
	for (size_t i = 0; i < s->flags_len; i++) {
		const char *flag = s->flags[i];
		enum scmp_filter_attr attr;
		if (strcmp(flag, "SECCOMP_FILTER_FLAG_TSYNC") == 0)
			attr = SCMP_FLTATR_CTL_TSYNC;
		else if (strcmp(flag, "SECCOMP_FILTER_FLAG_LOG") == 0)
			attr = SCMP_FLTATR_CTL_LOG;
		else if (strcmp(flag, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
			attr = SCMP_FLTATR_CTL_SSB;
		else if (strcmp(flag, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0) {
#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 6)
			attr = SCMP_FLTATR_CTL_WAITKILL;
#else
			return mr_error_set(err, ENOTSUP,
					    "linux.seccomp.flags[%zu]: %s needs libseccomp >= 2.6, this build has "
					    "%d.%d.%d",
					    i, flag, SCMP_VER_MAJOR, SCMP_VER_MINOR, SCMP_VER_MICRO);
#endif
		} else {
			return mr_error_set(err, EINVAL, "linux.seccomp.flags[%zu]: unknown flag \"%.64s\"", i, flag);
		}
		rc = seccomp_attr_set(ctx, attr, 1);
		if (rc < 0)
			return mr_error_sys(err, -rc, "linux.seccomp.flags[%zu]: %s%s", i, flag,
					    rc == -EOPNOTSUPP ? " (not supported by this kernel or libseccomp)" : "");
	}
	return 0;
}

/* One entry of linux.seccomp.syscalls: every resolvable name gets a rule. */
static int add_syscall_rule(scmp_filter_ctx ctx, size_t idx, const struct oci_syscall *sc, uint32_t default_action,
			    bool *notify, struct mr_error **err)
{
	struct scmp_arg_cmp conds[SECCOMP_MAX_ARGS];
	unsigned per_index[SECCOMP_MAX_ARGS] = { 0 };
	bool split = false;
	uint32_t action;

	if (action_from_name(sc->action, sc->has_errno_ret, sc->errno_ret, &action) < 0)
		return mr_error_set(err, EINVAL, "linux.seccomp.syscalls[%zu].action: unknown action \"%.64s\"", idx,
				    sc->action);
	if (action == default_action)
		return 0;
	if (sc->args_len > SECCOMP_MAX_ARGS)
		split = true; /* more than 6 conditions: some index repeats */
	for (size_t k = 0; k < sc->args_len; k++) {
		const struct oci_syscall_arg *a = &sc->args[k];
		enum scmp_compare op;
		if (a->index >= SECCOMP_MAX_ARGS)
			return mr_error_set(err, EINVAL, "linux.seccomp.syscalls[%zu].args[%zu].index: must be below 6",
					    idx, k);
		if (op_from_name(a->op, &op) < 0)
			return mr_error_set(err, EINVAL,
					    "linux.seccomp.syscalls[%zu].args[%zu].op: unknown operator \"%.64s\"", idx,
					    k, a->op);
		if (++per_index[a->index] > 1)
			split = true;
		/* For SCMP_CMP_MASKED_EQ datum_a is the mask and datum_b the
		 * value: (arg & value) == valueTwo, as runc passes them. */
		if (k < SECCOMP_MAX_ARGS)
			conds[k] = (struct scmp_arg_cmp){ a->index, op, a->value, a->value_two };
	}
	*notify = *notify || action == SCMP_ACT_NOTIFY;
	for (size_t n = 0; n < sc->names_len; n++) {
		int nr = seccomp_syscall_resolve_name(sc->names[n]);
		int rc = 0;
		if (nr == __NR_SCMP_ERROR)
			continue;
		if (!split) {
			rc = seccomp_rule_add_array(ctx, action, nr, (unsigned)sc->args_len, conds);
		} else {
			for (size_t k = 0; k < sc->args_len && rc == 0; k++) {
				const struct oci_syscall_arg *a = &sc->args[k];
				struct scmp_arg_cmp one = { a->index, 0, a->value, a->value_two };
				op_from_name(a->op, &one.op);
				rc = seccomp_rule_add_array(ctx, action, nr, 1, &one);
			}
		}
		if (rc < 0)
			return mr_error_sys(err, -rc, "linux.seccomp.syscalls[%zu]: %s: seccomp_rule_add", idx,
					    sc->names[n]);
	}
	return 0;
}

int mr_seccomp_load(const struct oci_linux_seccomp *s, int *listener_fd, struct mr_error **err)
{
	cleanup_seccomp scmp_filter_ctx ctx = NULL;
	uint32_t default_action;
	bool notify = false;
	int rc;

	*listener_fd = -1;
	if (s == NULL)
		return 0;
	if (action_from_name(s->default_action, s->has_default_errno_ret, s->default_errno_ret, &default_action) < 0)
		return mr_error_set(err, EINVAL, "linux.seccomp.defaultAction: unknown action \"%.64s\"",
				    s->default_action);
	if (default_action == SCMP_ACT_NOTIFY)
		return mr_error_set(err, EINVAL, "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default");
	ctx = seccomp_init(default_action);
	if (ctx == NULL)
		return mr_error_set(err, EINVAL,
				    "linux.seccomp.defaultAction: %s: seccomp_init failed "
				    "(not supported by this kernel?)",
				    s->default_action);
	if (set_flags(ctx, s, err) < 0 || add_architectures(ctx, s, err) < 0)
		return -1;
	for (size_t i = 0; i < s->syscalls_len; i++)
		if (add_syscall_rule(ctx, i, &s->syscalls[i], default_action, &notify, err) < 0)
			return -1;
	rc = seccomp_load(ctx);
	if (rc == -EACCES)
		return mr_error_sys(err, EACCES,
				    "linux.seccomp: seccomp_load (without process.noNewPrivileges, loading a filter "
				    "needs CAP_SYS_ADMIN: load it before the capabilities are dropped)");
	if (rc < 0)
		return mr_error_sys(err, -rc, "linux.seccomp: seccomp_load");
	if (notify) {
		/* The kernel made it O_CLOEXEC; libseccomp does not close it
		 * on seccomp_release(), so it is ours now. */
		int fd = seccomp_notify_fd(ctx);
		if (fd < 0)
			return mr_error_sys(err, -fd, "linux.seccomp: seccomp_notify_fd");
		*listener_fd = fd;
	}
	return 0;
}

int mr_seccomp_load_passing(const struct oci_linux *l, int sync_fd, struct mr_error **err)
{
	int listener = -1, ret;

	if (l == NULL || l->seccomp == NULL)
		return 0;
	if (mr_seccomp_load(l->seccomp, &listener, err) < 0)
		return -1;
	if (listener < 0)
		return 0;
	ret = mr_sync_send(sync_fd, MR_SYNC_SECCOMP, NULL, listener, err);
	close(listener);
	return ret;
}

static bool gen_ok(yajl_gen_status st)
{
	return st == yajl_gen_status_ok;
}

static bool gen_str(yajl_gen g, const char *s)
{
	return gen_ok(yajl_gen_string(g, (const unsigned char *)s, strlen(s)));
}

/* Re-emit a parsed document as it came (numbers keep their source text). */
static bool gen_json(yajl_gen g, const struct mr_json *v)
{
	bool ok = true;

	switch (v->kind) {
	case MR_JSON_NULL:
		return gen_ok(yajl_gen_null(g));
	case MR_JSON_BOOL:
		return gen_ok(yajl_gen_bool(g, v->boolean));
	case MR_JSON_NUMBER:
		return gen_ok(yajl_gen_number(g, v->text, strlen(v->text)));
	case MR_JSON_STRING:
		return gen_str(g, v->text);
	case MR_JSON_ARRAY:
		ok = gen_ok(yajl_gen_array_open(g));
		for (size_t i = 0; ok && i < v->len; i++)
			ok = gen_json(g, v->items[i]);
		return ok && gen_ok(yajl_gen_array_close(g));
	case MR_JSON_OBJECT:
		ok = gen_ok(yajl_gen_map_open(g));
		for (size_t i = 0; ok && i < v->len; i++)
			ok = gen_str(g, v->keys[i]) && gen_json(g, v->items[i]);
		return ok && gen_ok(yajl_gen_map_close(g));
	}
	return false;
}

/* The runtime-spec containerProcessState: what the agent receives. */
static char *process_state_json(const struct oci_linux_seccomp *s, pid_t pid, const char *state_json, size_t *len,
				struct mr_error **err)
{
	struct mr_json *state = mr_json_parse(state_json, strlen(state_json), err);
	const unsigned char *buf;
	size_t buf_len;
	char *out = NULL;
	yajl_gen g;
	bool ok;

	if (state == NULL)
		return mr_error_prefix(err, "the container state"), NULL;
	g = yajl_gen_alloc(NULL);
	ok = g != NULL && gen_ok(yajl_gen_map_open(g)) && gen_str(g, "ociVersion") && gen_str(g, OCI_SPEC_VERSION) &&
	     gen_str(g, "fds") && gen_ok(yajl_gen_array_open(g)) && gen_str(g, "seccompFd") &&
	     gen_ok(yajl_gen_array_close(g)) && gen_str(g, "pid") && gen_ok(yajl_gen_integer(g, pid));
	if (ok && s->listener_metadata)
		ok = gen_str(g, "metadata") && gen_str(g, s->listener_metadata);
	ok = ok && gen_str(g, "state") && gen_json(g, state) && gen_ok(yajl_gen_map_close(g)) &&
	     gen_ok(yajl_gen_get_buf(g, &buf, &buf_len));
	if (ok && (out = malloc(buf_len + 1)) != NULL) {
		memcpy(out, buf, buf_len);
		out[buf_len] = '\0';
		*len = buf_len;
	}
	if (out == NULL)
		mr_error_set(err, ENOMEM, "cannot serialize the seccomp listener state");
	if (g != NULL)
		yajl_gen_free(g);
	mr_json_free(state);
	return out;
}

int mr_seccomp_send_listener(const struct oci_linux_seccomp *s, int listener_fd, pid_t pid, const char *state_json,
			     struct mr_error **err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	cleanup_close int sock = -1;
	cleanup_free char *msg = NULL;
	size_t len = 0;

	if (s == NULL || s->listener_path == NULL || s->listener_path[0] == '\0')
		return mr_error_set(err, EINVAL,
				    "linux.seccomp.listenerPath: required when an action is SCMP_ACT_NOTIFY");
	if (strlen(s->listener_path) >= sizeof(addr.sun_path))
		return mr_error_set(err, ENAMETOOLONG,
				    "linux.seccomp.listenerPath: longer than %zu bytes: \"%.64s...\"",
				    sizeof(addr.sun_path) - 1, s->listener_path);
	strcpy(addr.sun_path, s->listener_path);
	msg = process_state_json(s, pid, state_json, &len, err);
	if (msg == NULL)
		return mr_error_prefix(err, "linux.seccomp.listenerPath");
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return mr_error_sys(err, errno, "linux.seccomp.listenerPath: socket");
	if (connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return mr_error_sys(err, errno, "linux.seccomp.listenerPath: connect to %s", s->listener_path);
	if (mr_send_with_fd(sock, msg, len, listener_fd) < 0)
		return mr_error_sys(err, errno, "linux.seccomp.listenerPath: sending to %s", s->listener_path);
	return 0;
}
