#!/bin/bash
# The cgroup v2 lane (issue 5): run inside a pure cgroup v2 VM,
#
#   ../shared/tools/cgroup2-vm --timeout 900 -- tests/cgroup2-vm-tests.sh BUILDDIR
#
# from the source tree (the VM shares the current directory read-write and
# shows the rest of the host read-only). Runs the cgroup suite (and, with
# CGROUP2_VM_LIFECYCLE=1, the lifecycle suite; with CGROUP2_VM_DAEMON=1,
# minirund's) with `bats --tap` against
# BUILDDIR/minirun and exits with bats' status. State roots, bundles and
# rootfs live on the guest's /tmp (tmpfs-backed): FIFOs and device nodes
# cannot be made on the 9p shares.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=${1:-$top}
build=$(cd "$build" 2>/dev/null && pwd) || { echo "cgroup2-vm-tests: no build dir ${1:-}" >&2; exit 2; }

if [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ]; then
	echo "cgroup2-vm-tests: /sys/fs/cgroup is not cgroup2 here: run me through ../shared/tools/cgroup2-vm" >&2
	exit 2
fi
if [ ! -x "$build/minirun" ]; then
	echo "cgroup2-vm-tests: $build/minirun not found (build first)" >&2
	exit 2
fi

export TMPDIR=/tmp
# A python3 that starts fast first in PATH (the tests' helpers run one or
# two per test): under the VM's software emulation a version manager's shim
# (pyenv) takes seconds a call and its interpreter a second, Debian's
# /usr/bin/python3 (which has python3-jsonschema too) a third of one.
pybin=$(mktemp -d /tmp/cgroup2-vm-bin.XXXXXX) || exit 2
if [ -x /usr/bin/python3 ]; then
	py=/usr/bin/python3
else
	py=$(python3 -c 'import sys; print(sys.executable)')
fi
ln -s "$py" "$pybin/python3" && PATH=$pybin:$PATH
export TOP_SRCDIR=$top TOP_BUILDDIR=$build MINIRUN=$build/minirun
# a fresh parent per run (helpers.bash would derive one per file)
unset MINIRUN_CGROUP_PARENT

echo "# cgroup v2 VM: kernel $(uname -r), $(nproc) CPUs, controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
start=$(date +%s)
cd "$TMPDIR" || exit 2
# lifecycle.bats passes there too but takes minutes more under the VM's
# software emulation: only with CGROUP2_VM_LIFECYCLE=1.
suites=("$top/tests/integration/cgroups.bats")
[ "${CGROUP2_VM_LIFECYCLE:-0}" != 1 ] || suites+=("$top/tests/integration/lifecycle.bats")
# CGROUP2_VM_DAEMON=1: minirund's suites too (limits in a v2 cgroup, stats
# from v2's files, pause by its freezer). Their roots go on /run: the guest's
# / and /tmp are an overlayfs, which cannot be an upperdir.
if [ "${CGROUP2_VM_DAEMON:-0}" = 1 ]; then
	export DMN_TMP=/run
	suites+=("$top"/tests/integration/daemon-*.bats)
fi
# CGROUP2_VM_FILTER=REGEX: only the tests whose names match (bats --filter),
# to re-run a few without the whole lane's time.
filter=()
[ -z "${CGROUP2_VM_FILTER:-}" ] || filter=(--filter "$CGROUP2_VM_FILTER")
bats --tap "${filter[@]}" "${suites[@]}"
status=$?
echo "# cgroup v2 VM: bats exited $status after $(($(date +%s) - start)) s"

# Nothing of the tests may remain in the cgroup tree.
left=$(find /sys/fs/cgroup -mindepth 1 -type d -path '*/minirun-test*' 2>/dev/null)
if [ -n "$left" ]; then
	echo "# cgroups left behind:"
	sed 's/^/#   /' <<<"$left"
	[ "$status" -ne 0 ] || status=1
fi
exit "$status"
