/* util/mountinfo.c: the one parser of /proc/self/mountinfo lines (cgroup
 * layout, the mount holding the rootfs, the cgroup mount's hierarchies, the
 * undo of a create without a mount namespace). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "util/mountinfo.h"

static bool parse(const char *text, struct mr_mountinfo *mi, char *buf, size_t size)
{
	snprintf(buf, size, "%s", text);
	return mr_mountinfo_parse(buf, mi);
}

static void test_fields(void)
{
	char buf[512];
	struct mr_mountinfo mi;

	ok(parse("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:7 - ext3 /dev/root rw,errors=continue\n", &mi,
		 buf, sizeof(buf)),
	   "the kernel's documented example parses");
	is_int((intmax_t)mi.id, 36, "id");
	is_int((intmax_t)mi.parent_id, 35, "parent id");
	is_str(mi.root, "/mnt1", "root");
	is_str(mi.mount_point, "/mnt2", "mount point");
	is_str(mi.options, "rw,noatime", "per-mount options");
	is_str(mi.optional, "master:1 shared:7", "optional fields");
	is_str(mi.fstype, "ext3", "fstype");
	is_str(mi.source, "/dev/root", "source");
	is_str(mi.super_opts, "rw,errors=continue", "super options (the newline cut)");

	ok(parse("25 1 0:22 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct", &mi, buf, sizeof(buf)),
	   "no optional fields");
	is_str(mi.optional, "", "optional fields empty");
	is_str(mi.fstype, "cgroup", "fstype after a bare \"- \"");
	is_str(mi.super_opts, "rw,cpu,cpuacct", "super options");
}

static void test_escapes(void)
{
	char buf[512];
	struct mr_mountinfo mi;

	ok(parse("40 30 0:50 /a\\040b /tmp/x\\040y\\011z\\134w\\012 rw shared:2 - tmpfs tmpfs rw", &mi, buf, sizeof(buf)),
	   "escaped names parse");
	is_str(mi.mount_point, "/tmp/x y\tz\\w\n", "space, tab, backslash, newline unescaped");
	is_str(mi.root, "/a b", "root unescaped");
	ok(parse("41 30 0:50 / /tmp/\\9x rw - tmpfs tmpfs rw", &mi, buf, sizeof(buf)) &&
		   strcmp(mi.mount_point, "/tmp/\\9x") == 0,
	   "a backslash not followed by an octal escape is kept");
}

static void test_malformed(void)
{
	static const char *const bad[] = {
		"",
		"36 35 98:0 /mnt1 /mnt2",
		"36 35 98:0 /mnt1 /mnt2 rw",
		"36 35 98:0 /mnt1 /mnt2 rw shared:1",
		"36 35 98:0 /mnt1 /mnt2 rw - ext3",
		"x 35 98:0 /mnt1 /mnt2 rw - ext3 /dev/root rw",
		"36 -1 98:0 /mnt1 /mnt2 rw - ext3 /dev/root rw",
		"99999999999999999999999 1 98:0 / /m rw - ext3 /dev/root rw",
	};
	char buf[512];
	struct mr_mountinfo mi;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(!parse(bad[i], &mi, buf, sizeof(buf)), "refused: \"%s\"", bad[i]);
}

static void test_path_under(void)
{
	ok(mr_mountinfo_path_under("/a/b", "/a"), "/a/b is under /a");
	ok(mr_mountinfo_path_under("/a", "/a"), "/a is under itself");
	ok(!mr_mountinfo_path_under("/ab", "/a"), "/ab is not under /a");
	ok(mr_mountinfo_path_under("/anything", "/"), "everything is under /");
}

static void test_live(void)
{
	struct mr_mountinfo_reader r;
	struct mr_mountinfo mi;
	struct mr_error *err = NULL;
	char *holder = NULL;
	bool shared, root_seen = false;
	int n = 0;

	ok(mr_mountinfo_open(&r, &err) == 0, "our own mountinfo opens");
	while (mr_mountinfo_next(&r, &mi)) {
		n++;
		root_seen |= strcmp(mi.mount_point, "/") == 0;
	}
	mr_mountinfo_close(&r);
	ok(n > 0 && root_seen, "it lists mounts, / among them (%d)", n);
	ok(mr_mountinfo_holder("/", &holder, &shared, &err) == 0 && holder && strcmp(holder, "/") == 0,
	   "the mount holding / is /");
	free(holder);
	holder = NULL;
	ok(mr_mountinfo_holder("/no/such/path/here", &holder, &shared, &err) < 0 && err != NULL,
	   "a path that does not exist is an error");
	mr_error_free(err);
}

int main(void)
{
	test_fields();
	test_escapes();
	test_malformed();
	test_path_under();
	test_live();
	return done_testing();
}
