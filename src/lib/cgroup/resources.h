/* linux.resources values in the form each cgroup version takes: pure
 * functions, no file access (tests/unit/test-cgroup-convert.c). The v1 to
 * v2 conversions are the ones runc and crun use, so that a config means the
 * same under every runtime. */
#ifndef MINIRUN_CGROUP_RESOURCES_H
#define MINIRUN_CGROUP_RESOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spec/oci-model.gen.h"
#include "util/error.h"

/* Whether the object asks anything of its controller (a member set):
 * memory, cpu (the cpu controller's members), cpu.cpus/mems (cpuset's),
 * blockIO. NULL asks nothing. */
bool mr_cg_memory_set(const struct oci_linux_resources_memory *m);
bool mr_cg_cpu_set(const struct oci_linux_resources_cpu *c);
bool mr_cg_cpuset_set(const struct oci_linux_resources_cpu *c);
bool mr_cg_blkio_set(const struct oci_linux_resources_block_io *b);

/* cpu.shares [2, 262144] to cpu.weight [1, 10000]; 0 (unset) stays 0. */
uint64_t mr_cg_shares_to_weight(uint64_t shares);

/* blkio.weight [10, 1000] to io.weight [1, 10000]; 0 (unset) stays 0. */
uint64_t mr_cg_blkio_to_io_weight(uint64_t weight);

/* memory.swap.max from the OCI memory object (swap there is memory+swap,
 * as v1's memsw): "max", a number, or "" when nothing is to be written.
 * Returns -1 with *why set when the pair makes no sense. */
int mr_cg_swap_v2(const struct oci_linux_resources_memory *m, char *buf, size_t size, const char **why);

/* A v2 limit: -1 is "max". */
void mr_cg_v2_limit(int64_t v, char *buf, size_t size);

/* pids.max: "max" for <= 0 (unlimited in the spec), the number otherwise. */
void mr_cg_pids_max(int64_t v, char *buf, size_t size);

/* cpu.max "<quota> <period>" or "max <period>". Whatever the config leaves
 * out is kept from `current` (the file's content, NULL for "max 100000").
 * Returns false when neither quota nor period is set (nothing to write). */
bool mr_cg_cpu_max(const struct oci_linux_resources_cpu *c, const char *current, char *buf, size_t size);

/* A page size as hugetlb files name it: 2097152 -> "2MB", 1073741824 -> "1GB". */
void mr_cg_hugepage_name(uint64_t bytes, char *buf, size_t size);
/* hugepageLimits[].pageSize is a name of that form ("2MB", "64KB", "1GB"). */
bool mr_cg_hugepage_name_valid(const char *s);

/* A cpu/mem list ("0-3,8") as numbers; false if malformed. *out malloc'ed. */
bool mr_cg_parse_list(const char *s, uint16_t **out, size_t *n);

/* Device rules, from linux.resources.devices. Access bits are those of
 * BPF_DEVCG_ACC_*; type 'a' 'c' 'b'; -1 is the wildcard. */
#define MR_CG_DEV_MKNOD 1u
#define MR_CG_DEV_READ 2u
#define MR_CG_DEV_WRITE 4u
struct mr_cg_dev_rule {
	bool allow;
	char type;
	int64_t major;
	int64_t minor;
	unsigned access;
};

/* The rules in order, then (defaults) the standard devices every container
 * gets, as runc's AllowedDevices and crun's default list: mknod of any
 * device, null, zero, full, random, urandom, tty, console, ptmx, pts/N.
 * Later rules win, so the defaults cannot be denied by the config. */
int mr_cg_dev_rules(const struct oci_device_cgroup *d, size_t n, bool defaults, struct mr_cg_dev_rule **out,
		    size_t *len, struct mr_error **err);
/* A rule as v1 devices.allow/deny take it: "c 1:3 rwm", "b *:* m", "a". */
void mr_cg_dev_rule_v1(const struct mr_cg_dev_rule *r, char *buf, size_t size);

#endif
