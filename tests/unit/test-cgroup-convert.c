/* The cgroup driver's pure parts: v1 <-> v2 value conversions, device
 * rules and the eBPF device program (run in a tiny interpreter here, so
 * its meaning is checked without root), cgroupsPath resolution. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/driver.h"
#include "cgroup/ebpf-devices.h"
#include "cgroup/resources.h"
#include "tap.h"

static void test_weights(void)
{
	is_int((intmax_t)mr_cg_shares_to_weight(0), 0, "shares 0 (unset) -> weight 0 (not written)");
	is_int((intmax_t)mr_cg_shares_to_weight(2), 1, "shares 2 -> weight 1");
	is_int((intmax_t)mr_cg_shares_to_weight(1024), 39, "shares 1024 -> weight 39 (runc, crun)");
	is_int((intmax_t)mr_cg_shares_to_weight(512), 20, "shares 512 -> weight 20");
	is_int((intmax_t)mr_cg_shares_to_weight(262144), 10000, "shares 262144 -> weight 10000");
	is_int((intmax_t)mr_cg_shares_to_weight(1u << 30), 10000, "shares above the v1 range are clamped");
	is_int((intmax_t)mr_cg_blkio_to_io_weight(0), 0, "blkio weight 0 (unset) stays 0");
	is_int((intmax_t)mr_cg_blkio_to_io_weight(10), 1, "blkio weight 10 -> io.weight 1");
	is_int((intmax_t)mr_cg_blkio_to_io_weight(100), 910, "blkio weight 100 -> io.weight 910");
	is_int((intmax_t)mr_cg_blkio_to_io_weight(500), 4950, "blkio weight 500 -> io.weight 4950");
	is_int((intmax_t)mr_cg_blkio_to_io_weight(1000), 10000, "blkio weight 1000 -> io.weight 10000");
}

static const char *swap(bool has_limit, int64_t limit, bool has_swap, int64_t sw, char *buf)
{
	struct oci_linux_resources_memory m = { .has_limit = has_limit, .limit = limit, .has_swap = has_swap,
						.swap = sw };
	const char *why = NULL;

	if (mr_cg_swap_v2(&m, buf, 32, &why) < 0)
		return why ? "ERROR" : "ERROR(no reason)";
	return buf;
}

static void test_swap(void)
{
	char b[32];

	is_str(swap(true, 100 << 20, true, 300 << 20, b), "209715200", "swap.max = memory+swap - memory");
	is_str(swap(true, 100 << 20, true, 100 << 20, b), "0", "swap equal to the limit: no swap");
	is_str(swap(true, 100 << 20, true, -1, b), "max", "swap -1: max");
	is_str(swap(true, -1, false, 0, b), "max", "unlimited memory without swap: swap unlimited too");
	is_str(swap(true, 100 << 20, false, 0, b), "", "a limit without swap leaves swap.max alone");
	is_str(swap(false, 0, false, 0, b), "", "nothing set: nothing written");
	is_str(swap(true, 100 << 20, true, 50 << 20, b), "ERROR", "memory+swap below memory is refused");
	is_str(swap(false, 0, true, 100 << 20, b), "ERROR", "swap without a memory limit is refused");
	is_str(swap(true, -1, true, 100 << 20, b), "ERROR", "swap with unlimited memory is refused");
}

static void test_limits(void)
{
	char b[64];
	struct oci_linux_resources_cpu c = { 0 };

	mr_cg_pids_max(0, b, sizeof(b));
	is_str(b, "max", "pids limit 0 -> max");
	mr_cg_pids_max(-1, b, sizeof(b));
	is_str(b, "max", "pids limit -1 -> max");
	mr_cg_pids_max(32, b, sizeof(b));
	is_str(b, "32", "pids limit 32");
	mr_cg_v2_limit(-1, b, sizeof(b));
	is_str(b, "max", "v2 limit -1 -> max");
	mr_cg_v2_limit(4096, b, sizeof(b));
	is_str(b, "4096", "v2 limit 4096");

	ok(!mr_cg_cpu_max(&c, NULL, b, sizeof(b)), "cpu.max: neither quota nor period, nothing to write");
	c = (struct oci_linux_resources_cpu){ .has_quota = true, .quota = 50000, .has_period = true, .period = 100000 };
	ok(mr_cg_cpu_max(&c, "max 100000\n", b, sizeof(b)), "cpu.max written");
	is_str(b, "50000 100000", "cpu.max quota and period");
	c = (struct oci_linux_resources_cpu){ .has_quota = true, .quota = -1 };
	mr_cg_cpu_max(&c, "20000 50000\n", b, sizeof(b));
	is_str(b, "max 50000", "quota -1 is max, the period is kept");
	c = (struct oci_linux_resources_cpu){ .has_period = true, .period = 20000 };
	mr_cg_cpu_max(&c, "30000 100000\n", b, sizeof(b));
	is_str(b, "30000 20000", "a period alone keeps the quota");
	c = (struct oci_linux_resources_cpu){ .has_quota = true, .quota = 25000 };
	mr_cg_cpu_max(&c, NULL, b, sizeof(b));
	is_str(b, "25000 100000", "a quota alone gets the default period");
}

static void test_hugepages_lists(void)
{
	char b[32];
	uint16_t *v = NULL;
	size_t n = 0;

	mr_cg_hugepage_name(2u << 20, b, sizeof(b));
	is_str(b, "2MB", "2 MiB pages are \"2MB\"");
	mr_cg_hugepage_name(1u << 30, b, sizeof(b));
	is_str(b, "1GB", "1 GiB pages are \"1GB\"");
	mr_cg_hugepage_name(64u << 10, b, sizeof(b));
	is_str(b, "64KB", "64 KiB pages are \"64KB\"");
	ok(mr_cg_hugepage_name_valid("2MB") && mr_cg_hugepage_name_valid("1GB"), "2MB and 1GB are page sizes");
	ok(!mr_cg_hugepage_name_valid("2mb") && !mr_cg_hugepage_name_valid("MB") &&
		   !mr_cg_hugepage_name_valid("02MB") && !mr_cg_hugepage_name_valid("2MB/../x"),
	   "malformed page sizes are refused (no path in a file name)");
	ok(mr_cg_parse_list("0-3,8\n", &v, &n) && n == 5 && v[0] == 0 && v[3] == 3 && v[4] == 8, "cpu list 0-3,8");
	free(v);
	ok(mr_cg_parse_list("", &v, &n) && n == 0, "empty cpu list");
	free(v);
	ok(!mr_cg_parse_list("3-1", &v, &n) && !mr_cg_parse_list("a", &v, &n), "malformed cpu lists");
}

/* ---- devices ---- */

static struct oci_device_cgroup dev(bool allow, const char *type, int64_t major, int64_t minor, const char *access)
{
	struct oci_device_cgroup d = { .allow = allow, .has_allow = true, .type = (char *)type, .access = (char *)access };

	if (major != -2) {
		d.major = major;
		d.has_major = true;
	}
	if (minor != -2) {
		d.minor = minor;
		d.has_minor = true;
	}
	return d;
}

/* The instructions mr_bpf_devices_program emits, run as the kernel would. */
static int run(const struct bpf_insn *p, size_t n, char type, unsigned access, uint32_t major, uint32_t minor)
{
	uint32_t ctx[3] = { (access << 16) | (type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK), major, minor };
	uint64_t r[11] = { 0 };

	for (size_t pc = 0; pc < n; pc++) {
		const struct bpf_insn *i = &p[pc];
		uint64_t src = BPF_SRC(i->code) == BPF_X ? r[i->src_reg] : (uint64_t)(int64_t)i->imm;
		switch (BPF_CLASS(i->code)) {
		case BPF_LDX:
			if (i->code != (BPF_LDX | BPF_MEM | BPF_W) || i->src_reg != BPF_REG_1 || i->off % 4 || i->off > 8)
				return -1;
			r[i->dst_reg] = ctx[i->off / 4];
			break;
		case BPF_ALU:
		case BPF_ALU64: {
			uint64_t d = r[i->dst_reg];
			switch (BPF_OP(i->code)) {
			case BPF_AND: d &= src; break;
			case BPF_OR: d |= src; break;
			case BPF_XOR: d ^= src; break;
			case BPF_RSH: d = (BPF_CLASS(i->code) == BPF_ALU ? (uint32_t)d : d) >> src; break;
			case BPF_MOV: d = src; break;
			default: return -1;
			}
			r[i->dst_reg] = BPF_CLASS(i->code) == BPF_ALU ? (uint32_t)d : d;
			break;
		}
		case BPF_JMP:
			if (BPF_OP(i->code) == BPF_EXIT)
				return (int)r[0];
			if (BPF_OP(i->code) != BPF_JNE)
				return -1;
			if (r[i->dst_reg] != src)
				pc += (size_t)i->off;
			break;
		default:
			return -1;
		}
	}
	return -1;
}

static struct bpf_insn *program(const struct oci_device_cgroup *d, size_t n, bool defaults, size_t *len)
{
	struct mr_cg_dev_rule *rules = NULL;
	struct bpf_insn *p = NULL;
	size_t nrules = 0;
	struct mr_error *err = NULL;

	if (mr_cg_dev_rules(d, n, defaults, &rules, &nrules, &err) < 0 ||
	    mr_bpf_devices_program(rules, nrules, &p, len, &err) < 0) {
		diag("%s", err ? err->msg : "?");
		mr_error_free(err);
	}
	free(rules);
	return p;
}

#define RWM (MR_CG_DEV_READ | MR_CG_DEV_WRITE | MR_CG_DEV_MKNOD)
#define RW (MR_CG_DEV_READ | MR_CG_DEV_WRITE)

static void test_devices(void)
{
	struct oci_device_cgroup deny_all_null[] = { dev(false, NULL, -2, -2, "rwm"), dev(true, "c", 1, 3, "rwm") };
	struct oci_device_cgroup allow_all_but[] = { dev(true, "a", -2, -2, "rwm"), dev(false, "c", 1, 5, "w") };
	struct oci_device_cgroup split[] = { dev(true, "c", 1, 3, "r"), dev(true, "c", 1, 3, "w") };
	struct oci_device_cgroup bad_type[] = { dev(true, "x", 1, 3, "r") };
	struct oci_device_cgroup bad_access[] = { dev(true, "c", 1, 3, "rx") };
	struct mr_cg_dev_rule *rules = NULL;
	struct mr_error *err = NULL;
	struct bpf_insn *p;
	size_t n = 0;
	char b[64];

	ok(mr_cg_dev_rules(deny_all_null, 2, false, &rules, &n, &err) == 0 && n == 2, "two rules parsed");
	mr_cg_dev_rule_v1(&rules[0], b, sizeof(b));
	is_str(b, "a", "v1: deny-all is \"a\"");
	mr_cg_dev_rule_v1(&rules[1], b, sizeof(b));
	is_str(b, "c 1:3 rwm", "v1: c 1:3 rwm");
	free(rules);
	ok(mr_cg_dev_rules(deny_all_null, 2, true, &rules, &n, &err) == 0 && n == 13, "defaults follow the rules");
	mr_cg_dev_rule_v1(&rules[2], b, sizeof(b));
	is_str(b, "c *:* m", "v1: wildcards are *");
	free(rules);
	ok(mr_cg_dev_rules(bad_type, 1, false, &rules, &n, &err) < 0, "type x refused");
	like(err ? err->msg : NULL, "linux.resources.devices[0].type", "the error names the field");
	mr_error_free(err);
	err = NULL;
	ok(mr_cg_dev_rules(bad_access, 1, false, &rules, &n, &err) < 0, "access x refused");
	like(err ? err->msg : NULL, "linux.resources.devices[0].access", "the error names the field");
	mr_error_free(err);
	err = NULL;

	p = program(deny_all_null, 2, false, &n);
	is_int(run(p, n, 'c', RW, 1, 3), 1, "deny all + allow c 1:3: /dev/null rw allowed");
	is_int(run(p, n, 'c', MR_CG_DEV_READ, 1, 5), 0, "... /dev/zero r denied");
	is_int(run(p, n, 'b', MR_CG_DEV_MKNOD, 8, 0), 0, "... mknod b 8:0 denied");
	free(p);
	p = program(deny_all_null, 2, true, &n);
	is_int(run(p, n, 'c', RW, 1, 5), 1, "with the defaults: /dev/zero allowed");
	is_int(run(p, n, 'c', RW, 136, 7), 1, "with the defaults: /dev/pts/7 allowed");
	is_int(run(p, n, 'b', MR_CG_DEV_MKNOD, 8, 0), 1, "with the defaults: mknod of a block device allowed");
	is_int(run(p, n, 'b', MR_CG_DEV_READ, 8, 0), 0, "with the defaults: reading a disk denied");
	is_int(run(p, n, 'c', RW, 10, 200), 0, "with the defaults: /dev/net/tun denied (not a default)");
	free(p);
	p = program(allow_all_but, 2, false, &n);
	is_int(run(p, n, 'c', MR_CG_DEV_READ, 1, 5), 1, "allow all, deny c 1:5 w: reading /dev/zero allowed");
	is_int(run(p, n, 'c', RW, 1, 5), 0, "... opening it rw denied (the later rule wins for w)");
	is_int(run(p, n, 'b', RWM, 8, 0), 1, "... everything else allowed");
	free(p);
	p = program(split, 2, false, &n);
	is_int(run(p, n, 'c', RW, 1, 3), 1, "allow r then allow w: rw allowed, as v1 would");
	free(p);
	p = program(NULL, 0, false, &n);
	is_int(run(p, n, 'c', MR_CG_DEV_READ, 1, 3), 0, "no rules: everything denied");
	free(p);
}

/* ---- paths ---- */

static const char *norm(const char *in, const char *id, char *buf, bool *rel)
{
	char *out = NULL;
	struct mr_error *err = NULL;

	if (mr_cg_normalize_path(in, id, &out, rel, &err) < 0) {
		snprintf(buf, 512, "ERROR %s", err ? err->msg : "?");
		mr_error_free(err);
		return buf;
	}
	snprintf(buf, 512, "%s", out);
	free(out);
	return buf;
}

static void test_paths(void)
{
	char b[512];
	bool rel = true;

	is_str(norm("/minirun-test/x", "x", b, &rel), "/minirun-test/x", "absolute path");
	ok(!rel, "... is absolute");
	is_str(norm("//a///b/./c/", "x", b, &rel), "/a/b/c", "slashes and . folded");
	is_str(norm("a/b", "x", b, &rel), "a/b", "relative path");
	ok(rel, "... is relative (to our own cgroup)");
	is_str(norm("", "c1", b, &rel), "/minirun/c1", "empty: /minirun/<id>");
	is_str(norm(NULL, "c1", b, &rel), "/minirun/c1", "absent: /minirun/<id>");
	like(norm("/a/../../etc", "x", b, &rel), "ERROR", "\"..\" refused");
	like(b, "\"..\" is not allowed", "... with a clear message");
	like(norm("..", "x", b, &rel), "ERROR", "\"..\" alone refused");
	like(norm("a/..", "x", b, &rel), "ERROR", "a trailing \"..\" refused");
	is_str(norm("/a/..b", "x", b, &rel), "/a/..b", "\"..b\" is a name, not a parent");
	like(norm("system.slice:minirun:x", "x", b, &rel), "systemd", "systemd form refused");
	like(b, "ERROR", "... as an error");
	like(norm(":minirun:x", "x", b, &rel), "systemd", "systemd form with the default slice refused");
	is_str(norm("/a:b:c", "x", b, &rel), "/a:b:c", "colons in an absolute path are a name");
	like(norm("/", "x", b, &rel), "root cgroup", "the root itself refused");
	like(norm("/a\nb", "x", b, &rel), "control character", "newline refused");
	like(norm("", "..", b, &rel), "ERROR", "empty path with id \"..\" refused");
}

int main(void)
{
	test_weights();
	test_swap();
	test_limits();
	test_hugepages_lists();
	test_devices();
	test_paths();
	return done_testing();
}
