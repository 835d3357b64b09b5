/* The device rules: v1's devices.allow/deny lists, v2's eBPF program
 * (ebpf-devices.c), both from the same rule list (resources.c). */
#include "cgroup/devices.h"

#include <errno.h>
#include <fcntl.h>

#include "cgroup/ebpf-devices.h"
#include "cgroup/files.h"
#include "cgroup/resources.h"
#include "util/cleanup.h"

#define R "linux.resources."

int mr_cg_v1_devices(const char *dir, const struct oci_device_cgroup *d, size_t n, bool defaults,
		      struct mr_error **err)
{
	cleanup_free struct mr_cg_dev_rule *rules = NULL;
	cleanup_close int deny = -1, allow = -1;
	size_t len = 0;

	if (mr_cg_dev_rules(d, n, defaults, &rules, &len, err) < 0)
		return -1;
	/* The rules start from "nothing allowed", as the v2 program and runc
	 * (a new v1 cgroup inherits its parent's list, often "a *:* rwm").
	 * An update closes access for the moment between this write and
	 * the allow rules; runc's emulator avoids that by writing only the
	 * difference. */
	deny = mr_cg_open_write(dir, "devices.deny", R "devices", err);
	if (deny < 0 || mr_cg_write_fd(deny, "devices.deny", "a", R "devices", err) < 0)
		return -1;
	/* In order: the kernel keeps v1's own "later rule wins" list. Each
	 * file is opened once and takes a rule per write(2). */
	for (size_t i = 0; i < len; i++) {
		const char *file = rules[i].allow ? "devices.allow" : "devices.deny";
		int *fd = rules[i].allow ? &allow : &deny;
		char buf[64];
		/* A deny-all before any allow is the "a" just written (the
		 * default config starts with one). */
		if (!rules[i].allow && rules[i].type == 'a' && allow < 0)
			continue;
		mr_cg_dev_rule_v1(&rules[i], buf, sizeof(buf));
		if (*fd < 0 && (*fd = mr_cg_open_write(dir, file, R "devices", err)) < 0)
			return -1;
		if (mr_cg_write_fd(*fd, file, buf, R "devices", err) < 0)
			return -1;
	}
	return 0;
}

int mr_cg_v2_devices(const char *dir, const struct oci_device_cgroup *d, size_t n, bool defaults,
		     struct mr_error **err)
{
	cleanup_close int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return mr_error_sys(err, errno, R "devices: open %s", dir);
	if (mr_bpf_devices_apply(fd, d, n, defaults, err) < 0)
		return mr_error_prefix(err, R "devices");
	return 0;
}
