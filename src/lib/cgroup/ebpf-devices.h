/* cgroup v2 has no devices.allow: device access is decided by an eBPF
 * program of type BPF_PROG_TYPE_CGROUP_DEVICE attached to the cgroup. This
 * builds one from linux.resources.devices and attaches it, with raw bpf(2)
 * calls (no libbpf). */
#ifndef MINIRUN_CGROUP_EBPF_DEVICES_H
#define MINIRUN_CGROUP_EBPF_DEVICES_H

#include <linux/bpf.h>
#include <stddef.h>

#include "cgroup/resources.h"
#include "util/error.h"

/* The program for `rules`: access is denied unless allowed, and the rules
 * apply in order with the later one winning, bit by bit of the access (as
 * v1 devices.allow/deny written in that order). *insns malloc'ed. */
int mr_bpf_devices_program(const struct mr_cg_dev_rule *rules, size_t n, struct bpf_insn **insns, size_t *len,
			   struct mr_error **err);

/* Build the program for the OCI rules (`defaults`: followed by the standard
 * devices, see mr_cg_dev_rules), load it and attach it to the cgroup2
 * directory `cgroup_fd` (BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI), then detach
 * the device programs that were attached there before: there is never a
 * moment without one. */
int mr_bpf_devices_apply(int cgroup_fd, const struct oci_device_cgroup *d, size_t n, bool defaults,
			 struct mr_error **err);

#endif
