#include "cgroup/ebpf-devices.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"

/* The program, for a request (type, access, major, minor) in the context
 * struct bpf_cgroup_dev_ctx:
 *
 *	r2 = type (low 16 bits of access_type)   r3 = access (high 16 bits)
 *	r4 = major   r5 = minor   r6 = 0 (the access bits allowed so far)
 *	per rule:  if (r2 != T) skip   if (r4 != M) skip   if (r5 != m) skip
 *	           allow: r6 |= A      deny: r6 &= ~A
 *	return (r3 & ~r6) == 0
 *
 * runc (devicefilter.go) and crun (ebpf.c) instead return on the first
 * matching rule, walking the rules backwards; runc first runs the rules
 * through its v1 emulator so that "allow c 1:3 r" plus "allow c 1:3 w"
 * still grants "rw". Keeping the allowed bits in r6 gets that v1 meaning
 * (later rules win, access bit by access bit) without an emulator. A
 * "type a" rule matches every type; -1 major/minor match every number. */

static struct bpf_insn ins(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	struct bpf_insn i = { .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };

	return i;
}

int mr_bpf_devices_program(const struct mr_cg_dev_rule *rules, size_t n, struct bpf_insn **insns, size_t *len,
			   struct mr_error **err)
{
	struct bpf_insn *p = calloc(7 + 4 * n + 6, sizeof(*p)); /* head, at most 4 per rule, tail */
	size_t k = 0;

	if (p == NULL)
		return mr_error_sys(err, ENOMEM, "device program");
	p[k++] = ins(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, 0, 0);
	p[k++] = ins(BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff);
	p[k++] = ins(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_3, BPF_REG_1, 0, 0);
	p[k++] = ins(BPF_ALU | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16);
	p[k++] = ins(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1, 4, 0);
	p[k++] = ins(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1, 8, 0);
	p[k++] = ins(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_6, 0, 0, 0);
	for (size_t i = 0; i < n; i++) {
		const struct mr_cg_dev_rule *r = &rules[i];
		int checks = (r->type != 'a') + (r->major >= 0) + (r->minor >= 0);
		unsigned access = r->access & (MR_CG_DEV_MKNOD | MR_CG_DEV_READ | MR_CG_DEV_WRITE);

		/* Each check jumps over the ones after it and the action. */
		if (r->type != 'a')
			p[k++] = ins(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0, (int16_t)checks--,
				     r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK);
		if (r->major >= 0)
			p[k++] = ins(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, 0, (int16_t)checks--, (int32_t)r->major);
		if (r->minor >= 0)
			p[k++] = ins(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_5, 0, (int16_t)checks--, (int32_t)r->minor);
		if (r->allow)
			p[k++] = ins(BPF_ALU | BPF_OR | BPF_K, BPF_REG_6, 0, 0, (int32_t)access);
		else
			p[k++] = ins(BPF_ALU | BPF_AND | BPF_K, BPF_REG_6, 0, 0, (int32_t)(~access & 7u));
	}
	p[k++] = ins(BPF_ALU | BPF_XOR | BPF_K, BPF_REG_6, 0, 0, 7);
	p[k++] = ins(BPF_ALU | BPF_AND | BPF_X, BPF_REG_3, BPF_REG_6, 0, 0);
	p[k++] = ins(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
	p[k++] = ins(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_3, 0, 1, 0);
	p[k++] = ins(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 1);
	p[k++] = ins(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	*insns = p;
	*len = k;
	return 0;
}

static int bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int load(const struct bpf_insn *insns, size_t n, struct mr_error **err)
{
	static const char license[] = "GPL";
	union bpf_attr a;
	char log[4096];
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = (uint32_t)n;
	a.license = (uint64_t)(uintptr_t)license;
	fd = bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	if (errno != EINVAL && errno != EACCES)
		return mr_error_sys(err, errno, "bpf(BPF_PROG_LOAD)");
	/* Again with the verifier's log, for the message. */
	log[0] = '\0';
	a.log_buf = (uint64_t)(uintptr_t)log;
	a.log_size = sizeof(log);
	a.log_level = 1;
	fd = bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	log[strcspn(log, "\n")] = '\0';
	return mr_error_sys(err, errno, "bpf(BPF_PROG_LOAD) (verifier: %s)", log);
}

int mr_bpf_devices_apply(int cgroup_fd, const struct oci_device_cgroup *d, size_t n, bool defaults,
			 struct mr_error **err)
{
	cleanup_free struct mr_cg_dev_rule *rules = NULL;
	cleanup_free struct bpf_insn *insns = NULL;
	cleanup_close int prog = -1;
	uint32_t old[64];
	size_t nrules = 0, ninsns = 0;
	union bpf_attr a;
	uint32_t nold = 0;

	if (mr_cg_dev_rules(d, n, defaults, &rules, &nrules, err) < 0 ||
	    mr_bpf_devices_program(rules, nrules, &insns, &ninsns, err) < 0)
		return -1;
	prog = load(insns, ninsns, err);
	if (prog < 0)
		return -1;

	memset(&a, 0, sizeof(a));
	a.query.target_fd = (uint32_t)cgroup_fd;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	a.query.prog_ids = (uint64_t)(uintptr_t)old;
	a.query.prog_cnt = sizeof(old) / sizeof(old[0]);
	if (bpf(BPF_PROG_QUERY, &a) == 0)
		nold = a.query.prog_cnt;

	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)cgroup_fd;
	a.attach_bpf_fd = (uint32_t)prog;
	a.attach_type = BPF_CGROUP_DEVICE;
	/* ALLOW_MULTI: programs attached to the parents (systemd's, another
	 * runtime's) keep running too; the kernel allows an access only when
	 * every one of them does. */
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (bpf(BPF_PROG_ATTACH, &a) < 0)
		return mr_error_sys(err, errno, "bpf(BPF_PROG_ATTACH, BPF_CGROUP_DEVICE)");

	/* The programs of an earlier apply (update): all must allow, so the
	 * old rules would still hold if they stayed. */
	for (uint32_t i = 0; i < nold && i < sizeof(old) / sizeof(old[0]); i++) {
		cleanup_close int fd = -1;
		memset(&a, 0, sizeof(a));
		a.prog_id = old[i];
		fd = bpf(BPF_PROG_GET_FD_BY_ID, &a);
		if (fd < 0)
			continue;
		memset(&a, 0, sizeof(a));
		a.target_fd = (uint32_t)cgroup_fd;
		a.attach_bpf_fd = (uint32_t)fd;
		a.attach_type = BPF_CGROUP_DEVICE;
		if (bpf(BPF_PROG_DETACH, &a) < 0 && errno != ENOENT)
			return mr_error_sys(err, errno, "bpf(BPF_PROG_DETACH) of the previous device program");
	}
	return 0;
}
