/* Unit tests of the OCI config.json minirund writes for a container
 * (src/daemon/oci/spec.c): each HostConfig option of issue 12 where runc,
 * crun and minirun look for it, Docker's defaults (capabilities, masked
 * paths, seccomp), and minirun's own config parser accepting the result. */
#include "tap.h"

#include <stdlib.h>
#include <string.h>

#include "manager/config.h"
#include "oci/spec.h"
#include "spec/config.h"
#include "util/json.h"

/* The config of a create body, through the daemon's parser. */
static struct mrd_ctr_config *parse(const char *json)
{
	struct mr_error *err = NULL;
	struct mr_json *j = mr_json_parse(json, strlen(json), &err);
	struct mrd_ctr_config *c = j ? mrd_ctr_config_parse(j, &err) : NULL;

	mr_json_free(j);
	if (c == NULL) {
		diag("%s: %s", json, err ? err->msg : "?");
		mr_error_free(err);
	}
	return c;
}

/* The spec of a create body, parsed back; NULL (and a diag) on error. */
static struct mr_json *spec_gen(const char *body, bool cgroup_v2, const char *network, bool no_swap)
{
	struct mrd_ctr_config *c = parse(body);
	uint32_t gids[] = {10};
	struct mrd_user user = {.uid = 1000, .gid = 100, .gids = gids, .ngids = 1, .home = (char *)"/home/u"};
	struct mr_error *err = NULL;
	struct mr_json *j = NULL;
	struct oci_config *oci;
	size_t len;
	char *text;

	if (c == NULL)
		return NULL;
	if (network != NULL) {
		free(c->network_mode);
		c->network_mode = strdup(network);
	}
	struct mrd_spec_input in = {
		.id = "0123456789abcdef0123",
		.cfg = c,
		.rootfs = "/run/x/rootfs",
		.files_dir = "/var/x/files",
		.cgroups_path = "/minirund/0123456789abcdef0123",
		.cgroup_v2 = cgroup_v2,
		.swap_limit = !no_swap,
		.user = &user,
		.host_hostname = "thehost",
	};
	text = mrd_spec_generate(&in, &len, &err);
	if (text == NULL) {
		diag("generate: %s", err->msg);
	} else {
		oci = mr_config_parse(text, len, NULL, &err);
		if (oci == NULL)
			diag("minirun refuses the config: %s", err->msg);
		else
			j = mr_json_parse(text, len, &err);
		mr_config_free(oci);
	}
	mr_error_free(err);
	free(text);
	mrd_ctr_config_free(c);
	return j;
}

static struct mr_json *spec_of(const char *body, bool cgroup_v2, const char *network)
{
	return spec_gen(body, cgroup_v2, network, false);
}

/* A member by a dotted path ("linux.resources.memory.limit"). */
static const struct mr_json *at(const struct mr_json *j, const char *path)
{
	char key[64];

	while (j != NULL && *path) {
		size_t n = strcspn(path, ".");
		snprintf(key, sizeof(key), "%.*s", (int)n, path);
		j = mr_json_get(j, key);
		path += n + (path[n] == '.');
	}
	return j;
}

static long long num(const struct mr_json *j, const char *path)
{
	const struct mr_json *v = at(j, path);
	return v && v->kind == MR_JSON_NUMBER ? strtoll(v->text, NULL, 10) : -12345;
}

static const char *str(const struct mr_json *j, const char *path)
{
	const struct mr_json *v = at(j, path);
	return v && v->kind == MR_JSON_STRING ? v->text : "(none)";
}

static bool truth(const struct mr_json *j, const char *path)
{
	const struct mr_json *v = at(j, path);
	return v && v->kind == MR_JSON_BOOL && v->boolean;
}

/* Does the array at path hold the string s? */
static bool has(const struct mr_json *j, const char *path, const char *s)
{
	const struct mr_json *a = at(j, path);
	for (size_t i = 0; a && a->kind == MR_JSON_ARRAY && i < a->len; i++)
		if (a->items[i]->kind == MR_JSON_STRING && strcmp(a->items[i]->text, s) == 0)
			return true;
	return false;
}

/* The mount at destination dst, NULL if none. */
static const struct mr_json *mount_at(const struct mr_json *j, const char *dst)
{
	const struct mr_json *m = at(j, "mounts");
	for (size_t i = 0; m && i < m->len; i++)
		if (strcmp(str(m->items[i], "destination"), dst) == 0)
			return m->items[i];
	return NULL;
}

static bool has_ns(const struct mr_json *j, const char *type)
{
	const struct mr_json *n = at(j, "linux.namespaces");
	for (size_t i = 0; n && i < n->len; i++)
		if (strcmp(str(n->items[i], "type"), type) == 0)
			return true;
	return false;
}

static void test_process(void)
{
	struct mr_json *j = spec_of("{\"Image\":\"bb\",\"Entrypoint\":[\"/bin/sh\",\"-c\"],\"Cmd\":[\"echo hi\"],"
				    "\"Env\":[\"A=1\"],\"WorkingDir\":\"/w\",\"Tty\":true,\"OpenStdin\":true,"
				    "\"HostConfig\":{\"CapAdd\":[\"NET_ADMIN\"],\"CapDrop\":[\"chown\"],"
				    "\"SecurityOpt\":[\"no-new-privileges\"]}}",
				    true, NULL);

	ok(j != NULL, "a spec minirun accepts");
	if (j == NULL)
		return;
	const struct mr_json *args = at(j, "process.args");
	ok(args && args->len == 3 && strcmp(args->items[0]->text, "/bin/sh") == 0 &&
		   strcmp(args->items[2]->text, "echo hi") == 0,
	   "args: Entrypoint then Cmd");
	ok(has(j, "process.env", "A=1") && has(j, "process.env", "TERM=xterm") && has(j, "process.env", "HOME=/home/u") &&
		   has(j, "process.env", "HOSTNAME=0123456789ab"),
	   "env: the config's, TERM with a tty, HOME of the user, HOSTNAME");
	is_str(str(j, "process.cwd"), "/w", "cwd: WorkingDir");
	ok(truth(j, "process.terminal"), "Tty: a terminal");
	const struct mr_json *gids = at(j, "process.user.additionalGids");
	ok(num(j, "process.user.uid") == 1000 && num(j, "process.user.gid") == 100 && gids && gids->len == 1 &&
		   strcmp(gids->items[0]->text, "10") == 0,
	   "user: uid, gid and the supplementary groups resolved");
	ok(has(j, "process.capabilities.bounding", "CAP_NET_ADMIN") &&
		   !has(j, "process.capabilities.bounding", "CAP_CHOWN") &&
		   has(j, "process.capabilities.effective", "CAP_KILL") &&
		   !has(j, "process.capabilities.permitted", "CAP_SYS_ADMIN"),
	   "capabilities: Docker's defaults, CapAdd added, CapDrop dropped");
	ok(truth(j, "process.noNewPrivileges"), "no-new-privileges");
	is_str(str(j, "hostname"), "0123456789ab", "hostname: the id's first 12");
	ok(at(j, "linux.seccomp.syscalls") != NULL, "the default seccomp profile");
	ok(has(j, "linux.maskedPaths", "/proc/kcore") && has(j, "linux.readonlyPaths", "/proc/sys"),
	   "Docker's masked and read-only paths");
	mr_json_free(j);
}

static void test_resources(void)
{
	struct mr_json *j = spec_of("{\"Image\":\"bb\",\"Cmd\":[\"x\"],\"HostConfig\":{\"Memory\":67108864,"
				    "\"MemorySwap\":134217728,\"NanoCpus\":1500000000,\"CpuShares\":512,"
				    "\"CpusetCpus\":\"0\",\"PidsLimit\":42}}",
				    true, NULL);

	ok(j != NULL, "a spec with resources");
	if (j == NULL)
		return;
	ok(num(j, "linux.resources.memory.limit") == 67108864 && num(j, "linux.resources.memory.swap") == 134217728,
	   "Memory and MemorySwap: memory.limit and memory.swap");
	ok(num(j, "linux.resources.cpu.quota") == 150000 && num(j, "linux.resources.cpu.period") == 100000,
	   "NanoCpus 1.5: quota 150000 over a 100000 period");
	ok(num(j, "linux.resources.cpu.shares") == 512, "CpuShares");
	is_str(str(j, "linux.resources.cpu.cpus"), "0", "CpusetCpus");
	ok(num(j, "linux.resources.pids.limit") == 42, "PidsLimit");
	is_str(str(j, "linux.cgroupsPath"), "/minirund/0123456789abcdef0123", "cgroupsPath");
	mr_json_free(j);
	j = spec_of("{\"Image\":\"bb\",\"Cmd\":[\"x\"],\"HostConfig\":{\"Memory\":67108864}}", true, NULL);
	ok(j != NULL && num(j, "linux.resources.memory.swap") == 2 * 67108864,
	   "Memory without MemorySwap: as much swap again, as Docker");
	mr_json_free(j);
	j = spec_gen("{\"Image\":\"bb\",\"Cmd\":[\"x\"],\"HostConfig\":{\"Memory\":67108864}}", true, NULL, true);
	ok(j != NULL && num(j, "linux.resources.memory.limit") == 67108864 && at(j, "linux.resources.memory.swap") == NULL,
	   "a host that cannot limit swap: the memory limit alone");
	mr_json_free(j);
}

static void test_mounts(void)
{
	struct mr_json *j = spec_of("{\"Image\":\"bb\",\"Cmd\":[\"x\"],\"HostConfig\":{\"ReadonlyRootfs\":true,"
				    "\"Binds\":[\"/srv/a:/a\",\"/srv/b:/b:ro\"],\"Tmpfs\":{\"/t\":\"size=1m\"}}}",
				    true, NULL);
	const struct mr_json *m;

	ok(j != NULL, "a spec with mounts");
	if (j == NULL)
		return;
	ok(truth(j, "root.readonly"), "ReadonlyRootfs: root.readonly");
	is_str(str(j, "root.path"), "/run/x/rootfs", "root.path: the overlay");
	m = mount_at(j, "/a");
	ok(m && strcmp(str(m, "source"), "/srv/a") == 0 && has(m, "options", "rbind") && has(m, "options", "rw"),
	   "a bind: rbind, rw");
	m = mount_at(j, "/b");
	ok(m && has(m, "options", "ro"), "a bind with :ro");
	m = mount_at(j, "/t");
	ok(m && strcmp(str(m, "type"), "tmpfs") == 0 && has(m, "options", "size=1m") && has(m, "options", "noexec"),
	   "Tmpfs: a tmpfs with its options, noexec as Docker");
	m = mount_at(j, "/etc/resolv.conf");
	ok(m && strcmp(str(m, "source"), "/var/x/files/resolv.conf") == 0, "/etc/resolv.conf from the files dir");
	ok(mount_at(j, "/dev/shm") && mount_at(j, "/dev/mqueue") && mount_at(j, "/sys/fs/cgroup"), "Docker's mounts");
	mr_json_free(j);
}

static void test_privileged_and_modes(void)
{
	struct mr_json *j = spec_of("{\"Image\":\"bb\",\"Cmd\":[\"x\"],\"HostConfig\":{\"Privileged\":true}}", true, NULL);

	ok(j != NULL, "a privileged spec");
	if (j == NULL)
		return;
	ok(at(j, "linux.seccomp") == NULL && at(j, "linux.maskedPaths") == NULL, "privileged: no seccomp, nothing masked");
	ok(has(j, "process.capabilities.bounding", "CAP_SYS_ADMIN"), "privileged: all capabilities");
	const struct mr_json *d = at(j, "linux.resources.devices");
	ok(d && d->len == 1 && truth(d->items[0], "allow"), "privileged: all devices");
	mr_json_free(j);

	j = spec_of("{\"Image\":\"bb\",\"Cmd\":[\"x\"],\"HostConfig\":{\"SecurityOpt\":[\"seccomp=unconfined\"]}}", true,
		    "none");
	ok(j && at(j, "linux.seccomp") == NULL && at(j, "linux.maskedPaths") != NULL,
	   "seccomp=unconfined: no profile, the rest confined");
	ok(j && has_ns(j, "network") && has_ns(j, "cgroup"), "NetworkMode none: its own network namespace; cgroup v2: a cgroup one");
	mr_json_free(j);

	j = spec_of("{\"Image\":\"bb\",\"Cmd\":[\"x\"],\"HostConfig\":{\"CgroupnsMode\":\"host\"}}", false, "host");
	ok(j && !has_ns(j, "network") && !has_ns(j, "cgroup") && has_ns(j, "pid") && has_ns(j, "mount"),
	   "NetworkMode host: the host's network; cgroupns host: no cgroup namespace");
	is_str(j ? str(j, "hostname") : "(none)", "thehost", "NetworkMode host: the host's name");
	mr_json_free(j);
}

int main(void)
{
	test_process();
	test_resources();
	test_mounts();
	test_privileged_and_modes();
	return done_testing();
}
