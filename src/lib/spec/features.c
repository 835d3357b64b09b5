#include "spec/features.h"

#include <ctype.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "capability-names.h"
#include "mount-options.h"
#include "version.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* A growing array of strings, for the many lists of the document. */
struct strv {
	char **v;
	size_t n;
	bool oom;
};

static void strv_add(struct strv *s, const char *str)
{
	char **v = realloc(s->v, (s->n + 1) * sizeof(*v));
	char *dup = strdup(str);

	if (v == NULL || dup == NULL) {
		free(dup);
		if (v)
			s->v = v;
		s->oom = true;
		return;
	}
	s->v = v;
	s->v[s->n++] = dup;
}

static void strv_add_all(struct strv *s, const char *const *list)
{
	for (; *list; list++)
		strv_add(s, *list);
}

static const char *const hooks[] = { "prestart", "createRuntime", "createContainer",
				     "startContainer", "poststart", "poststop", NULL };
static const char *const namespaces[] = { "cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts", NULL };
static const char *const operators[] = { "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
					 "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL };
static const char *const archs[] = {
	"SCMP_ARCH_X86",     "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",	  "SCMP_ARCH_ARM",	  "SCMP_ARCH_AARCH64",
	"SCMP_ARCH_MIPS",    "SCMP_ARCH_MIPS64",   "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",	  "SCMP_ARCH_MIPSEL64",
	"SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",  "SCMP_ARCH_PPC64",	  "SCMP_ARCH_PPC64LE",	  "SCMP_ARCH_S390",
	"SCMP_ARCH_S390X",   "SCMP_ARCH_PARISC",   "SCMP_ARCH_PARISC64",  "SCMP_ARCH_RISCV64",	  "SCMP_ARCH_LOONGARCH64",
	"SCMP_ARCH_M68K",    "SCMP_ARCH_SH",	   "SCMP_ARCH_SHEB",	  NULL,
};
static const char *const known_flags[] = { "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
					   "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
					   NULL };

/* libseccomp names the arch in lower case without the prefix. */
static bool arch_supported(const char *spec_name)
{
	char name[32];
	size_t i = 0;

	for (const char *s = spec_name + strlen("SCMP_ARCH_"); *s && i < sizeof(name) - 1; s++)
		name[i++] = (char)tolower((unsigned char)*s);
	name[i] = '\0';
	return seccomp_arch_resolve_name(name) != 0;
}

/* The kernel answers EFAULT (bad filter pointer) for flags it knows and
 * EINVAL for the others, before installing anything. */
static bool kernel_has_flag(unsigned long flag)
{
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 && errno == EFAULT;
}

static void seccomp_lists(struct oci_features_seccomp *s, struct strv *actions, struct strv *arch,
			  struct strv *supported)
{
	unsigned api = seccomp_api_get();

	strv_add_all(actions, (const char *const[]){ "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
						     "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP", NULL });
	if (api >= 3) {
		strv_add(actions, "SCMP_ACT_KILL_PROCESS");
		strv_add(actions, "SCMP_ACT_LOG");
	}
	if (api >= 5)
		strv_add(actions, "SCMP_ACT_NOTIFY");
	for (const char *const *a = archs; *a; a++)
		if (arch_supported(*a))
			strv_add(arch, *a);
	if (api >= 2 && kernel_has_flag(SECCOMP_FILTER_FLAG_TSYNC))
		strv_add(supported, "SECCOMP_FILTER_FLAG_TSYNC");
	if (api >= 3 && kernel_has_flag(SECCOMP_FILTER_FLAG_LOG))
		strv_add(supported, "SECCOMP_FILTER_FLAG_LOG");
	if (api >= 4 && kernel_has_flag(SECCOMP_FILTER_FLAG_SPEC_ALLOW))
		strv_add(supported, "SECCOMP_FILTER_FLAG_SPEC_ALLOW");
#ifdef SCMP_FLTATR_CTL_WAITKILL
	if (kernel_has_flag(SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV | SECCOMP_FILTER_FLAG_NEW_LISTENER))
		strv_add(supported, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
#endif
	s->enabled = true;
	s->has_enabled = true;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

#define TAKE(dst, strv)                   \
	do {                              \
		(dst) = (strv).v;         \
		(dst##_len) = (strv).n;   \
		(strv).v = NULL;          \
	} while (0)

#define ENABLED(ptr, value)                                   \
	do {                                                  \
		(ptr) = calloc(1, sizeof(*(ptr)));            \
		if ((ptr) == NULL)                            \
			goto oom;                             \
		(ptr)->enabled = (value);                     \
		(ptr)->has_enabled = true;                    \
	} while (0)

struct oci_features *mr_features_build(struct mr_error **err)
{
	struct oci_features *f = calloc(1, sizeof(*f));
	struct strv hook = { 0 }, opts = { 0 }, ns = { 0 }, caps = { 0 }, ops = { 0 }, actions = { 0 }, arch = { 0 },
		    known = { 0 }, supported = { 0 };
	struct oci_features_linux *l;
	const struct mr_mount_option *mo;
	unsigned n_mo;

	if (f == NULL || (f->linux = l = calloc(1, sizeof(*l))) == NULL)
		goto oom;
	f->oci_version_min = strdup(OCI_SPEC_VERSION_MIN);
	f->oci_version_max = strdup(OCI_SPEC_VERSION);
	strv_add_all(&hook, hooks);
	TAKE(f->hooks, hook);
	mo = mr_mount_options(&n_mo);
	for (unsigned i = 0; i < n_mo; i++)
		strv_add(&opts, mo[i].name);
	TAKE(f->mount_options, opts);
	f->annotations = calloc(1, sizeof(*f->annotations));
	if (f->annotations) {
		struct strv k = { 0 }, v = { 0 };
		strv_add(&k, "io.github.seccomp.libseccomp.version");
		strv_add(&v, mr_version_libseccomp());
		strv_add(&k, "org.minirun.commit");
		strv_add(&v, MR_COMMIT);
		strv_add(&k, "org.minirun.version");
		strv_add(&v, PACKAGE_VERSION);
		f->annotations->keys = k.v;
		f->annotations->values = v.v;
		f->annotations->len = k.n;
		if (k.oom || v.oom || k.n != v.n)
			goto oom;
	}

	strv_add_all(&ns, namespaces);
	TAKE(l->namespaces, ns);
	for (int i = 0; i < mr_cap_count(); i++)
		strv_add(&caps, mr_cap_name(i));
	TAKE(l->capabilities, caps);

	l->cgroup = calloc(1, sizeof(*l->cgroup));
	if (l->cgroup == NULL)
		goto oom;
	l->cgroup->v1 = l->cgroup->has_v1 = true;
	l->cgroup->v2 = l->cgroup->has_v2 = true;
	l->cgroup->has_systemd = l->cgroup->has_systemd_user = true; /* false: no systemd driver yet */
	l->cgroup->rdma = l->cgroup->has_rdma = true;

	l->seccomp = calloc(1, sizeof(*l->seccomp));
	if (l->seccomp == NULL)
		goto oom;
	seccomp_lists(l->seccomp, &actions, &arch, &supported);
	strv_add_all(&ops, operators);
	strv_add_all(&known, known_flags);
	TAKE(l->seccomp->actions, actions);
	TAKE(l->seccomp->operators, ops);
	TAKE(l->seccomp->archs, arch);
	TAKE(l->seccomp->known_flags, known);
	TAKE(l->seccomp->supported_flags, supported);

	/* Host facilities: a profile or label can only be applied where the
	 * kernel has the LSM. */
	ENABLED(l->apparmor, exists("/sys/kernel/security/apparmor"));
	ENABLED(l->selinux, exists("/sys/fs/selinux/enforce"));
	ENABLED(l->intel_rdt, exists("/sys/fs/resctrl/schemata"));
	l->mount_extensions = calloc(1, sizeof(*l->mount_extensions));
	if (l->mount_extensions == NULL)
		goto oom;
	ENABLED(l->mount_extensions->idmap, true);

	if (f->oci_version_min == NULL || f->oci_version_max == NULL || hook.oom || opts.oom || ns.oom || caps.oom ||
	    ops.oom || actions.oom || arch.oom || known.oom || supported.oom)
		goto oom;
	return f;
oom:
	mr_features_free(f);
	mr_error_set(err, ENOMEM, "out of memory");
	return NULL;
}

void mr_features_free(struct oci_features *f)
{
	if (f == NULL)
		return;
	mr_model_clear(&mr_type_oci_features, f);
	free(f);
}
