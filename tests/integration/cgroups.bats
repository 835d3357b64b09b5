#!/usr/bin/env bats
# cgroups (issue 5), with real busybox containers, on the three layouts: v1,
# hybrid (this kind of host: v1 controllers plus cgroup2 at
# /sys/fs/cgroup/unified) and pure v2 (tests/cgroup2-vm-tests.sh runs this
# file in a cgroup v2 VM). The container's cgroup is found from its init's
# /proc/PID/cgroup and the values are read from the kernel's files.
#
# Every cgroup lies under $MINIRUN_CGROUP_PARENT (/minirun-test/cgroups-N):
# the bundles set linux.cgroupsPath to $(cg_path NAME) below it, or leave
# it empty and get $MINIRUN_CGROUP_PARENT/<id>. teardown fails a test that
# leaves a cgroup behind.

load helpers
load cgroup-helpers

setup_file() {
	bb_setup_file
}

setup() {
	mr_setup
	B=$MR_TMP/bundle
}

teardown() {
	cg_teardown
}

MiB=1048576

# ---- placement ---------------------------------------------------------------

@test "placement: the init is in the cgroup before the user process runs, in every hierarchy (hybrid: the unified one too)" {
	local p pid
	p=$(cg_path place1)
	cg_bundle "$B" place1 cat /proc/self/cgroup
	cg_no_cgroupns "$B"
	ct_create place1 "$B"
	# created: the init waits for start, already in its cgroup
	pid=$(cg_pid place1)
	cg_assert_placed "$pid" "$p"
	xrun mr start place1
	assert_status 0
	wait_for 10 status_is place1 stopped
	# what the user process itself read, as its first act
	cg_assert_lines "$(cat "$MR_TMP/place1.stdout")" "$p"
}

@test "placement: exec'd processes join the container's cgroup in every hierarchy" {
	local p
	p=$(cg_path place2)
	cg_bundle "$B" place2 sleep 1000
	cg_no_cgroupns "$B"
	cg_start place2 "$B"
	xrun mr exec place2 cat /proc/self/cgroup
	assert_status 0
	cg_assert_lines "$output" "$p"
}

@test "placement: with a cgroup namespace the container sees its cgroup as / in every hierarchy" {
	cg_bundle "$B" place3 cat /proc/self/cgroup
	cg_start place3 "$B"
	wait_for 10 status_is place3 stopped
	cg_assert_lines "$(cat "$MR_TMP/place3.stdout")" /
}

# The init enters its cgroup after its mounts and /dev (on v1, and on v2
# with a memory limit: what the kernel allocates for them is not charged to
# the container), but before any hook: each variant below runs both ways.
@test "placement: prestart and createRuntime hooks find the init in its cgroup, createContainer runs in it (with and without a memory limit)" {
	local p mem id save='pid=$(sed -n "s/.*\"pid\": *\([0-9]*\).*/\1/p"); cat /proc/$pid/cgroup'
	for mem in none 64M; do
		id=hook$mem
		p=$(cg_path "$id")
		cg_bundle "$B.$mem" "$id" true
		mkdir -p "$B.$mem/out"
		[ "$mem" = none ] || bb_cfg "$B.$mem" '.linux.resources.memory = {"limit": 67108864}'
		bb_cfg "$B.$mem" 'def sh($s): [{"path": "/bin/sh", "args": ["sh", "-c", $s]}];
			.hooks = {"prestart": sh($save + " >" + $o + "/prestart"),
				"createRuntime": sh($save + " >" + $o + "/createRuntime"),
				"createContainer": sh("cat /proc/self/cgroup >" + $o + "/createContainer")}' \
			--arg save "$save" --arg o "$B.$mem/out"
		ct_create "$id" "$B.$mem"
		cg_assert_lines "$(cat "$B.$mem/out/prestart")" "$p"
		cg_assert_lines "$(cat "$B.$mem/out/createRuntime")" "$p"
		# in the container's cgroup namespace already: its cgroup is /
		cg_assert_lines "$(cat "$B.$mem/out/createContainer")" /
		xrun mr delete --force "$id"
		assert_status 0
	done
}

@test "placement: /sys/fs/cgroup in the container is its own cgroup, with and without a cgroup namespace and a memory limit" {
	local mem ns id f
	cg_v2 && f=/sys/fs/cgroup/pids.max || f=/sys/fs/cgroup/pids/pids.max
	cg_has pids || skip "no pids controller"
	for mem in none 64M; do
		for ns in cgroupns host; do
			id=mnt$mem$ns
			cg_bundle "$B.$id" "$id" cat "$f"
			bb_cfg "$B.$id" '.linux.resources.pids = {"limit": 77}'
			[ "$mem" = none ] || bb_cfg "$B.$id" '.linux.resources.memory = {"limit": 67108864}'
			[ "$ns" = cgroupns ] || cg_no_cgroupns "$B.$id"
			cg_start "$id" "$B.$id"
			wait_for 10 status_is "$id" stopped
			assert_equal "$(cat "$MR_TMP/$id.stdout")" 77
		done
	done
}

# ---- cgroupsPath -------------------------------------------------------------

@test "cgroupsPath absolute: the container's cgroup is that path below the root of every hierarchy" {
	local p pid
	p=$(cg_path abs/deeper/abs1)
	bb_bundle "$B" sleep 1000
	bb_cfg "$B" '.linux.cgroupsPath = $p' --arg p "$p"
	ct_create abs1 "$B"
	pid=$(cg_pid abs1)
	cg_assert_placed "$pid" "$p"
	cg_assert_exists "$p"
	xrun mr delete --force abs1
	assert_status 0
	# with the parents it made
	cg_assert_gone "$(cg_path abs)"
}

@test "cgroupsPath relative: below the caller's own cgroup (minirun run from a shell moved into another cgroup)" {
	local caller p pid
	caller=$(cg_path relcaller)
	cg_mkdir "$caller"
	bb_bundle "$B" sleep 1000
	bb_cfg "$B" '.linux.cgroupsPath = "rel/rel1"'
	ct_track rel1
	(
		cg_enter "$caller" || exit 1
		exec "$MINIRUN" --root "$MR_ROOT" create -b "$B" rel1 </dev/null >"$MR_TMP/rel1.out" 2>&1 3>&-
	) || fail "create from $caller failed: $(cat "$MR_TMP/rel1.out")"
	pid=$(cg_pid rel1)
	ct_track_pid "$pid"
	cg_assert_placed "$pid" "$caller/rel/rel1"
	xrun mr delete --force rel1
	assert_status 0
	cg_assert_gone "$caller/rel"
	# the caller's cgroup was not minirun's: it stays
	cg_assert_exists "$caller"
}

@test "cgroupsPath empty: \$MINIRUN_CGROUP_PARENT/<id>; delete removes it, and the parent when create made it" {
	local pid parent_before=no d
	for d in $(cg_dirs "$MINIRUN_CGROUP_PARENT"); do
		[ ! -d "$d" ] || parent_before=yes
	done
	bb_bundle "$B" sleep 1000
	bb_cfg "$B" 'del(.linux.cgroupsPath)'
	ct_create empty1 "$B"
	pid=$(cg_pid empty1)
	cg_assert_placed "$pid" "$MINIRUN_CGROUP_PARENT/empty1"
	xrun mr delete --force empty1
	assert_status 0
	cg_assert_gone "$MINIRUN_CGROUP_PARENT/empty1"
	# (the teardown of the test before removed it: made by this create)
	[ "$parent_before" = yes ] || cg_assert_gone "$MINIRUN_CGROUP_PARENT"
}

@test "cgroupsPath in the systemd form slice:prefix:name is refused with a clear error, nothing left" {
	bb_bundle "$B" sleep 1000
	bb_cfg "$B" '.linux.cgroupsPath = "minirun-test.slice:mrtest:sd1"'
	create_fails sd1
	assert_contains "$stderr" "linux.cgroupsPath"
	assert_contains "$stderr" "systemd"
	assert_equal "$(cg_leftovers)" ""
}

@test "cgroupsPath with .. is refused, nothing made" {
	bb_bundle "$B" sleep 1000
	bb_cfg "$B" '.linux.cgroupsPath = $p' --arg p "$MINIRUN_CGROUP_PARENT/a/../../escape-$$"
	create_fails dd1
	assert_contains "$stderr" "linux.cgroupsPath"
	assert_contains "$stderr" ".."
	cg_assert_gone "$MINIRUN_CGROUP_PARENT/a"
	cg_assert_gone "${MINIRUN_CGROUP_PARENT%/*}/escape-$$"
}

# runc 1.2 and later: an existing cgroup with processes is refused ("container's
# cgroup is not empty"), so is a frozen one; an empty one is used and removed
# at delete (runc 1.1 joined a non-empty one with a deprecation warning).
# ---- --cgroup-manager --------------------------------------------------------

@test "--cgroup-manager cgroupfs (and --cgroup-manager=cgroupfs): the default, the container is in its cgroup" {
	local p pid
	p=$(cg_path mgr1)
	cg_bundle "$B" mgr1 sleep 1000
	ct_track mgr1
	xrun mr --cgroup-manager cgroupfs create -b "$B" mgr1
	assert_status 0
	pid=$(cg_pid mgr1)
	ct_track_pid "$pid"
	cg_assert_placed "$pid" "$p"
	xrun mr --cgroup-manager=cgroupfs delete --force mgr1
	assert_status 0
	cg_assert_gone "$p"
}

@test "--cgroup-manager disabled: no cgroup is made, the init stays in minirun's; the cgroup verbs say it has none; delete works" {
	local p pid
	p=$(cg_path mgr2)
	bb_bundle "$B" sleep 1000
	bb_cfg "$B" 'del(.linux.cgroupsPath) | .linux.namespaces |= map(select(.type != "cgroup"))'
	ct_track mgr2
	xrun mr --cgroup-manager disabled create -b "$B" mgr2
	assert_status 0
	pid=$(mr state mgr2 | jq -r .pid)
	ct_track_pid "$pid"
	assert_equal "$(cat "/proc/$pid/cgroup")" "$(cat /proc/self/cgroup)"
	cg_assert_gone "$p"
	xrun mr start mgr2
	assert_status 0
	xrun mr exec mgr2 cat /proc/self/cgroup
	assert_status 0
	assert_equal "$output" "$(cat /proc/self/cgroup)"
	xrun mr update --pids-limit 10 mgr2
	[ "$status" -ne 0 ] || fail "update of a container without a cgroup succeeded"
	assert_match "$stderr" '^minirun: .*mgr2.*no cgroup'
	xrun mr delete --force mgr2
	assert_status 0
	assert_equal "$(cg_leftovers)" ""
}

@test "--cgroup-manager disabled: a limit in linux.resources is refused naming the field and the flag, nothing left; device rules are taken" {
	local before
	bb_bundle "$B" true
	bb_cfg "$B" '.linux.resources.pids = {"limit": 10}'
	ct_track mgr3
	before=$(mr_tree)
	xrun mr --cgroup-manager disabled create -b "$B" mgr3
	[ "$status" -ne 0 ] || fail "create with a pids limit and no cgroup succeeded"
	assert_match "$stderr" '^minirun: config.json: linux.resources.pids: --cgroup-manager disabled [^'$'\n'']+$'
	assert_equal "$(mr_tree)" "$before"
	bb_cfg "$B" 'del(.linux.resources.pids) | .linux.resources.memory = {"limit": 67108864}'
	xrun mr --cgroup-manager disabled create -b "$B" mgr3
	[ "$status" -ne 0 ] || fail "create with a memory limit and no cgroup succeeded"
	assert_contains "$stderr" "linux.resources.memory"
	assert_equal "$(mr_tree)" "$before"
	# the device rules alone (the default config has them): created
	bb_cfg "$B" 'del(.linux.resources.memory) | .linux.resources.devices = [{"allow": false, "access": "rwm"}]'
	xrun mr --cgroup-manager disabled run -b "$B" mgr3
	assert_status 0
	assert_equal "$(cg_leftovers)" ""
}

@test "--cgroup-manager systemd is refused by create in one line naming the flag; an unknown manager is a usage error" {
	local before
	bb_bundle "$B" true
	ct_track mgr4
	before=$(mr_tree)
	xrun mr --cgroup-manager systemd create -b "$B" mgr4
	[ "$status" -ne 0 ] || fail "create --cgroup-manager systemd succeeded"
	assert_match "$stderr" '^minirun: --cgroup-manager systemd: [^'$'\n'']*not?[^'$'\n'']*$'
	assert_contains "$stderr" "systemd cgroup manager"
	assert_equal "$(mr_tree)" "$before"
	xrun mr --cgroup-manager bogus list
	[ "$status" -ne 0 ] || fail "--cgroup-manager bogus was taken"
	assert_match "$stderr" '^minirun: --cgroup-manager: unknown manager "bogus" [^'$'\n'']+$'
	assert_equal "$(cg_leftovers)" ""
}

@test "an existing empty cgroup is taken and removed by delete (not the parents it did not make)" {
	local p
	p=$(cg_path pre/existing)
	cg_mkdir "$p"
	bb_bundle "$B" sleep 1000
	bb_cfg "$B" '.linux.cgroupsPath = $p' --arg p "$p"
	cg_start join1 "$B"
	cg_assert_placed "$(cg_pid join1)" "$p"
	xrun mr kill join1 KILL
	assert_status 0
	wait_for 10 status_is join1 stopped
	xrun mr delete join1
	assert_status 0
	cg_assert_gone "$p"
	cg_assert_exists "$(cg_path pre)"
}

@test "an existing cgroup with another container's processes is refused naming it and the count; that container is untouched" {
	local q pa
	q=$(cg_path shared)
	cg_bundle "$B" shared sleep 1000
	cg_start joinA "$B"
	pa=$(cg_pid joinA)
	xrun mr create -b "$B" joinB
	ct_track joinB
	assert_status 1
	assert_equal "$stderr" "minirun: linux.cgroupsPath: the cgroup $q exists and is not empty: 1 process in it (another container's?)"
	[ ! -e "$MR_ROOT/joinB" ] || fail "state of joinB left behind"
	cg_assert_placed "$pa" "$q"
	assert_equal "$(ct_status joinA)" running
	xrun mr delete --force joinA
	assert_status 0
	cg_assert_gone "$q"
}

@test "an existing frozen cgroup is refused, and left as it was" {
	local p d
	p=$(cg_path frozen1)
	cg_mkdir "$p"
	if cg_v2; then
		d=$(cg_mount cgroup2)$p
		echo 1 >"$d/cgroup.freeze"
	else
		cg_has freezer || skip "this host has no freezer cgroup controller"
		d=$(cg_mount freezer)$p
		echo FROZEN >"$d/freezer.state"
	fi
	bb_bundle "$B" sleep 1000
	bb_cfg "$B" '.linux.cgroupsPath = $p' --arg p "$p"
	create_fails fr1
	assert_equal "$stderr" "minirun: linux.cgroupsPath: the cgroup $p exists and is frozen"
	cg_assert_exists "$p"
	if cg_v2; then
		assert_equal "$(cat "$d/cgroup.freeze")" 1
		echo 0 >"$d/cgroup.freeze"
	else
		assert_equal "$(cat "$d/freezer.state")" FROZEN
		echo THAWED >"$d/freezer.state"
	fi
}

# ---- resources: each value in its file, on each version ----------------------

@test "resources: memory limit, reservation and swap (v1 limit_in_bytes, soft_limit_in_bytes, memsw; v2 memory.max, memory.low, memory.swap.max = swap - limit)" {
	cg_bundle "$B" mem1 sleep 1000
	bb_cfg "$B" '.linux.resources.memory = {"limit": 67108864, "reservation": 33554432, "swap": 100663296}'
	ct_create mem1 "$B"
	if cg_v2; then
		cg_expect mem1 memory memory.max $((64 * MiB))
		cg_expect mem1 memory memory.low $((32 * MiB))
		cg_expect mem1 memory memory.swap.max $((96 * MiB - 64 * MiB))
	else
		cg_expect mem1 memory memory.limit_in_bytes $((64 * MiB))
		cg_expect mem1 memory memory.soft_limit_in_bytes $((32 * MiB))
		[ -e "$(cg_file mem1 memory memory.memsw.limit_in_bytes)" ] ||
			skip "this kernel has no swap accounting (memory.memsw.limit_in_bytes; swapaccount=1)"
		cg_expect mem1 memory memory.memsw.limit_in_bytes $((96 * MiB))
	fi
}

@test "resources: cpu shares (v1 cpu.shares; v2 cpu.weight = 1 + ((shares-2)*9999)/262142), quota and period (cfs_quota_us/cfs_period_us; cpu.max)" {
	cg_bundle "$B" cpu1 sleep 1000
	bb_cfg "$B" '.linux.resources.cpu = {"shares": 512, "quota": 50000, "period": 200000}'
	ct_create cpu1 "$B"
	if cg_v2; then
		cg_expect cpu1 cpu cpu.weight $((1 + ((512 - 2) * 9999) / 262142))
		cg_expect cpu1 cpu cpu.max "50000 200000"
	else
		cg_expect cpu1 cpu cpu.shares 512
		cg_expect cpu1 cpu cpu.cfs_quota_us 50000
		cg_expect cpu1 cpu cpu.cfs_period_us 200000
	fi
}

@test "resources: cpus and mems (cpuset.cpus, cpuset.mems)" {
	cg_bundle "$B" cpuset1 sleep 1000
	bb_cfg "$B" '.linux.resources.cpu = {"cpus": "0", "mems": "0"}'
	ct_create cpuset1 "$B"
	cg_expect cpuset1 cpuset cpuset.cpus 0
	cg_expect cpuset1 cpuset cpuset.mems 0
	# the kernel applies them: the init may only run on CPU 0
	assert_equal "$(awk '/^Cpus_allowed_list/ { print $2 }' "/proc/$(cg_pid cpuset1)/status")" 0
}

@test "resources: pids.limit (pids.max), and fork fails above it" {
	cg_bundle "$B" pids1 sh -c 'for i in 1 2 3 4 5 6; do sleep 100 & done; wait'
	bb_cfg "$B" '.linux.resources.pids = {"limit": 4}'
	ct_create pids1 "$B"
	cg_expect pids1 pids pids.max 4
	xrun mr start pids1
	assert_status 0
	wait_for 10 status_is pids1 stopped
	assert_contains "$(cat "$MR_TMP/pids1.stderr")" "can't fork"
}

@test "resources: blockIO.weight (v1 blkio.bfq.weight or blkio.weight; v2 io.bfq.weight or io.weight = 1 + (w-10)*9999/990)" {
	cg_has blkio || cg_has io || skip "this host has no blkio/io cgroup controller"
	cg_probe_weight
	[ -n "$CG_WEIGHT_FILE" ] || skip "$CG_NO_WEIGHT"
	cg_bundle "$B" blkio1 sleep 1000
	bb_cfg "$B" '.linux.resources.blockIO = {"weight": 300}'
	ct_create blkio1 "$B"
	cg_expect_blkio_weight blkio1 300
}

@test "resources: hugepageLimits 2MB (v1 hugetlb.2MB.limit_in_bytes; v2 and a hybrid host's unified hugetlb: hugetlb.2MB.max)" {
	cg_has hugetlb || skip "this host has no hugetlb cgroup controller"
	[ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "this kernel has no 2MB huge pages"
	cg_bundle "$B" huge1 sleep 1000
	bb_cfg "$B" '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]'
	ct_create huge1 "$B"
	if [ -e "$(cg_file huge1 hugetlb hugetlb.2MB.max)" ]; then
		cg_expect huge1 hugetlb hugetlb.2MB.max 4194304
	else
		cg_expect huge1 hugetlb hugetlb.2MB.limit_in_bytes 4194304
	fi
}

# dev_probe: a script that makes /dev/$1 (char $2 $3) and opens it for
# reading: "open ok" or head's error on stderr.
dev_probe() {
	printf 'mknod /dev/%s c %s %s || exit 1; if head -c 0 "/dev/%s"; then echo open ok; fi' "$1" "$2" "$3" "$1"
}

# cg_mknod_caps DIR: the container may mknod (CAP_MKNOD): the device
# cgroup, not a capability, decides what it may open.
cg_mknod_caps() {
	bb_cfg "$1" '.process.capabilities |= with_entries(.value += ["CAP_MKNOD"])'
}

@test "resources: devices by default: /dev/null works, a node for another device (mknod c 1:2, c 10:183) cannot be opened" {
	cg_bundle "$B" dev1 sh -c 'echo x >/dev/null && echo null ok; '"$(dev_probe kmem 1 2)"'; '"$(dev_probe hwrng 10 183)"
	cg_mknod_caps "$B"
	cg_start dev1 "$B"
	wait_for 10 status_is dev1 stopped
	assert_equal "$(cat "$MR_TMP/dev1.stdout")" "null ok"
	assert_equal "$(cat "$MR_TMP/dev1.stderr")" "head: /dev/kmem: Operation not permitted
head: /dev/hwrng: Operation not permitted"
}

@test "resources: devices allowing c 1:5 rwm and c 10:183 r: nodes for them can be opened" {
	# (10:183 is hw_random: its open succeeds whether or not there is a
	# generator behind it)
	grep -q '^183 hw_random' /proc/misc || skip "this kernel has no hw_random misc device (10:183)"
	cg_bundle "$B" dev2 sh -c "$(dev_probe myzero 1 5); head -c 4 /dev/myzero | od -An -tx1; $(dev_probe myrng 10 183)"
	cg_mknod_caps "$B"
	bb_cfg "$B" '.linux.resources.devices += [
		{"allow": true, "type": "c", "major": 1, "minor": 5, "access": "rwm"},
		{"allow": true, "type": "c", "major": 10, "minor": 183, "access": "r"}]'
	cg_start dev2 "$B"
	wait_for 10 status_is dev2 stopped
	assert_equal "$(cat "$MR_TMP/dev2.stdout")" "open ok
 00 00 00 00
open ok"
	assert_equal "$(cat "$MR_TMP/dev2.stderr")" ""
}

@test "resources: unified (v2: the files are written, over the converted fields; v1/hybrid: refused with a clear error)" {
	cg_bundle "$B" uni1 sleep 1000
	bb_cfg "$B" '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 100}
		| .linux.resources.unified = {"memory.high": "50331648", "pids.max": "9"}'
	if cg_v2; then
		ct_create uni1 "$B"
		cg_expect uni1 memory memory.high $((48 * MiB))
		cg_expect uni1 memory memory.max $((64 * MiB))
		# written after pids.limit, as runc: the unified value wins
		cg_expect uni1 pids pids.max 9
	else
		create_fails uni1
		assert_contains "$stderr" "linux.resources.unified"
		assert_contains "$stderr" "memory.high"
		assert_match "$stderr" "cgroup v2"
		assert_equal "$(cg_leftovers)" ""
	fi
}

@test "resources: a value the kernel rejects (cpuset.cpus \"63\") fails naming the resource and the file; nothing left" {
	[ ! -e /sys/devices/system/cpu/cpu63 ] || skip "this machine has a CPU 63"
	cg_bundle "$B" bad1 sleep 1000
	bb_cfg "$B" '.linux.resources.cpu = {"cpus": "63"}'
	create_fails bad1
	assert_contains "$stderr" "linux.resources.cpu.cpus"
	assert_contains "$stderr" "cpuset.cpus"
	cg_assert_gone "$(cg_path bad1)"
	assert_equal "$(cg_leftovers)" ""
}

# ---- resources the host cannot apply: an error naming the field -------------
# (runtime-spec, create: a property the runtime cannot apply is an error, and
# no container is made). Each test probes the host: where it can apply the
# value, the test asserts that it is applied instead.

# refused_with ID MESSAGE: create of ID fails with exactly that one line
# (after "minirun: ") and leaves no cgroup.
refused_with() {
	create_fails "$1"
	assert_equal "$stderr" "minirun: $2"
	assert_equal "$(cg_leftovers)" ""
}

# applied_or_refused ID CONTROLLER FILE VALUE MESSAGE: where a container's
# cgroup has FILE (cg_probe), create of ID from $B writes VALUE there; else
# it is refused with MESSAGE.
applied_or_refused() {
	if cg_probe_has "$2" "$3"; then
		ct_create "$1" "$B"
		cg_expect "$1" "$2" "$3" "$4"
	else
		refused_with "$1" "$5"
	fi
}

NO_V2_NET="linux.resources.network: cgroup v2 has no net_cls and net_prio controllers (classID and priorities have no v2 form)"

@test "cannot apply: network.classID and network.priorities without net_cls/net_prio are refused (applied where mounted)" {
	cg_bundle "$B" net1 sleep 1000
	bb_cfg "$B" '.linux.resources.network = {"classID": 1048577}'
	if cg_v2; then
		refused_with net1 "$NO_V2_NET"
	elif cg_has net_cls; then
		ct_create net1 "$B"
		cg_expect net1 net_cls net_cls.classid 1048577
	else
		refused_with net1 "linux.resources.network.classID: this host has no net_cls cgroup controller"
	fi
	B=$MR_TMP/bundle2
	cg_bundle "$B" net2 sleep 1000
	bb_cfg "$B" '.linux.resources.network = {"priorities": [{"name": "lo", "priority": 5}]}'
	if cg_v2; then
		refused_with net2 "$NO_V2_NET"
	elif cg_has net_prio; then
		ct_create net2 "$B"
		grep -qx 'lo 5' "$(cg_file net2 net_prio net_prio.ifpriomap)" || fail "no 'lo 5' in net_prio.ifpriomap"
	else
		refused_with net2 "linux.resources.network.priorities: this host has no net_prio cgroup controller"
	fi
}

@test "cannot apply: a huge page size the host lacks (hugepageLimits 64KB on x86) is refused naming the entry" {
	[ ! -d /sys/kernel/mm/hugepages/hugepages-64kB ] || skip "this kernel has 64KB huge pages"
	cg_bundle "$B" huge2 sleep 1000
	bb_cfg "$B" '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}, {"pageSize": "64KB", "limit": 65536}]'
	if ! cg_has hugetlb; then
		refused_with huge2 "linux.resources.hugepageLimits: this host has no hugetlb cgroup controller"
	elif cg_v2 || ! cg_mount hugetlb >/dev/null; then
		refused_with huge2 "linux.resources.hugepageLimits[1].pageSize: this host has no 64KB huge pages (no hugetlb.64KB.max)"
	else
		refused_with huge2 "linux.resources.hugepageLimits[1].pageSize: this host has no 64KB huge pages (no hugetlb.64KB.limit_in_bytes)"
	fi
}

@test "cannot apply: rdma without an rdma controller is refused; with one, a device the host lacks is refused by the kernel, naming the field" {
	cg_bundle "$B" rdma1 sleep 1000
	bb_cfg "$B" '.linux.resources.rdma = {"mr_nodev0": {"hcaHandles": 3}}'
	if cg_has rdma; then
		create_fails rdma1
		assert_contains "$stderr" 'minirun: linux.resources.rdma: write "mr_nodev0 hca_handle=3 hca_object=max" to rdma.max: '
		assert_equal "$(cg_leftovers)" ""
	else
		refused_with rdma1 "linux.resources.rdma: this host has no rdma cgroup controller"
	fi
}

@test "cannot apply: unified keys of a controller the host's cgroup v2 hierarchy lacks are refused" {
	cg_bundle "$B" uni2 sleep 1000
	bb_cfg "$B" '.linux.resources.unified = {"nosuch.max": "1"}'
	case $CG_LAYOUT in
	v2) refused_with uni2 "linux.resources.unified[\"nosuch.max\"]: this host's cgroup v2 hierarchy has no nosuch controller" ;;
	hybrid) refused_with uni2 "linux.resources.unified[\"nosuch.max\"]: needs cgroup v2: this host's cgroup v2 hierarchy has no nosuch controller" ;;
	*) refused_with uni2 "linux.resources.unified: needs cgroup v2; this host has cgroup v1 only" ;;
	esac
}

# mem_only ID FIELD VALUE: a bundle in $B whose memory resources are FIELD = VALUE (JSON).
mem_only() {
	cg_bundle "$B" "$1" sleep 1000
	bb_cfg "$B" '.linux.resources.memory = ({} | .[$f] = ($v | fromjson))' --arg f "$2" --arg v "$3"
}

@test "cannot apply: v1-only memory fields (kernel, kernelTCP, swappiness, disableOOMKiller true, useHierarchy false) are refused on v2" {
	cg_v2 || skip "cgroup v1 has these files (the v1 lanes test them); runs in the cgroup v2 VM lane"
	local field value msg
	while IFS='|' read -r field value msg; do
		B=$MR_TMP/b-$field
		mem_only "m$field" "$field" "$value"
		refused_with "m$field" "linux.resources.memory.$field: $msg"
	done <<-'END'
	kernel|67108864|cgroup v2 has no kernel memory limit (memory.max counts it)
	kernelTCP|67108864|cgroup v2 has no kernel TCP memory limit (memory.max counts it)
	swappiness|30|cgroup v2 has no per-cgroup swappiness
	disableOOMKiller|true|cgroup v2 cannot disable the OOM killer
	useHierarchy|false|cgroup v2 is always hierarchical
	END
}

@test "cannot apply: v1 memory fields on v1: swappiness and disableOOMKiller applied; a kernel memory limit the kernel ignores is refused" {
	! cg_v2 || skip "cgroup v2 refuses these (the test before)"
	cg_has memory || skip "this host has no memory cgroup controller"
	# Newer kernels keep memory.kmem.limit_in_bytes but take any value and
	# limit nothing: the probe's file tells which kind this one is.
	mem_only mkmem kernel 67108864
	if ! cg_probe_has memory memory.kmem.limit_in_bytes; then
		refused_with mkmem "linux.resources.memory.kernel: this host has no memory.kmem.limit_in_bytes (no kernel memory limits in this kernel)"
	elif kmem_limits; then
		ct_create mkmem "$B"
		cg_expect mkmem memory memory.kmem.limit_in_bytes 67108864
	else
		refused_with mkmem "linux.resources.memory.kernel: this kernel takes memory.kmem.limit_in_bytes and does not limit (kernel memory limits are gone)"
	fi
	B=$MR_TMP/b2
	mem_only mswap swappiness 30
	ct_create mswap "$B"
	cg_expect mswap memory memory.swappiness 30
	B=$MR_TMP/b3
	mem_only moom disableOOMKiller true
	ct_create moom "$B"
	grep -qx 'oom_kill_disable 1' "$(cg_file moom memory memory.oom_control)" || fail "oom_kill_disable is not 1"
}

# kmem_limits: a v1 memory cgroup made here keeps a kernel memory limit
# written to it (older kernels do; newer ones read back unlimited).
kmem_limits() {
	local p d v=
	p=$(cg_path kmemprobe)
	d=$(cg_mount memory)$p
	echo "$p" >>"$MR_TMP/.cg-made"
	cg_mkdir_in "$(cg_mount memory)" memory "$p" || return 1
	echo 67108864 >"$d/memory.kmem.limit_in_bytes" 2>/dev/null && read -r v <"$d/memory.kmem.limit_in_bytes"
	rmdir "$d"
	[ "$v" = 67108864 ]
}

@test "cannot apply: what v2 does anyway is accepted there and on v1 (kernel -1, kernelTCP -1, disableOOMKiller false, useHierarchy true)" {
	cg_bundle "$B" memok sleep 1000
	bb_cfg "$B" '.linux.resources.memory = {"limit": 67108864, "kernel": -1, "kernelTCP": -1, "disableOOMKiller": false, "useHierarchy": true}'
	ct_create memok "$B"
	if cg_v2; then
		cg_expect memok memory memory.max $((64 * MiB))
	else
		cg_expect memok memory memory.limit_in_bytes $((64 * MiB))
	fi
}

@test "cannot apply: cpu.burst and cpu.idle need their files (applied where the kernel has them); realtime needs real-time group scheduling" {
	local burst idle id
	cg_v2 && burst=cpu.max.burst || burst=cpu.cfs_burst_us
	idle=cpu.idle
	cg_bundle "$B" burst1 sleep 1000
	bb_cfg "$B" '.linux.resources.cpu = {"quota": 50000, "period": 100000, "burst": 20000}'
	applied_or_refused burst1 cpu "$burst" 20000 "linux.resources.cpu.burst: this host has no $burst (CPU burst needs Linux 5.14)"
	B=$MR_TMP/bundle2
	cg_bundle "$B" idle1 sleep 1000
	bb_cfg "$B" '.linux.resources.cpu = {"idle": 1}'
	applied_or_refused idle1 cpu "$idle" 1 "linux.resources.cpu.idle: this host has no $idle (SCHED_IDLE cgroups need Linux 5.15)"
	# where the two above were applied they run: create_fails below wants
	# none of the test's processes
	for id in burst1 idle1; do
		if mr state "$id" >/dev/null 2>&1; then
			xrun mr delete --force "$id"
			assert_status 0
		fi
	done
	B=$MR_TMP/bundle3
	cg_bundle "$B" rt1 sleep 1000
	bb_cfg "$B" '.linux.resources.cpu = {"realtimeRuntime": 1000, "realtimePeriod": 1000000}'
	if cg_v2; then
		refused_with rt1 "linux.resources.cpu.realtimeRuntime/realtimePeriod: not supported on cgroup v2"
	elif ! cg_probe_has cpu cpu.rt_period_us; then
		refused_with rt1 "linux.resources.cpu.realtimePeriod: this host has no cpu.rt_period_us (real-time group scheduling: CONFIG_RT_GROUP_SCHED)"
	fi
	# (with real-time group scheduling a budget needs its parents' too:
	# process.bats sets those up)
}

@test "cannot apply: an update refused for a field the host lacks changes nothing of the update" {
	cg_bundle "$B" updno sleep 1000
	bb_cfg "$B" '.linux.resources.pids = {"limit": 50}'
	cg_start updno "$B"
	echo '{"pids": {"limit": 20}, "unified": {"nosuch.max": "1"}}' >"$MR_TMP/u.json"
	xrun mr update --resources "$MR_TMP/u.json" updno
	assert_status 1
	assert_contains "$stderr" 'linux.resources.unified["nosuch.max"]'
	cg_expect updno pids pids.max 50
}

@test "resources: the container starts under memory.limit = 192 KiB (busybox true)" {
	# A minirun built with AddressSanitizer (CI's ASan lane) gives its init
	# megabytes of shadow memory: the floor is a property of the real build,
	# which the other lanes test.
	if grep -q __asan_init "$MINIRUN"; then
		skip "minirun is built with AddressSanitizer: its init cannot fit in 192 KiB"
	fi
	local kills
	cg_bundle "$B" tiny true
	bb_cfg "$B" '.linux.resources.memory = {"limit": 196608}'
	# A file's page is charged to the cgroup that reads it in first: read
	# busybox here, so that the container does not pay for pages of it that
	# a container before it pushed out of the page cache (this measures the
	# runtime's floor, not the image's).
	cat "$B/rootfs/bin/busybox" >/dev/null
	ct_create tiny "$B"
	if cg_v2; then
		cg_expect tiny memory memory.max 196608
	else
		cg_expect tiny memory memory.limit_in_bytes 196608
	fi
	xrun mr start tiny
	assert_status 0
	wait_for 10 status_is tiny stopped
	# `true` exited by itself: the OOM killer did not end it
	if cg_v2; then
		kills=$(awk '$1 == "oom_kill" { print $2 }' "$(cg_file tiny memory memory.events)")
	else
		kills=$(awk '$1 == "oom_kill" { print $2 }' "$(cg_file tiny memory memory.oom_control)")
	fi
	assert_equal "${kills:-0}" 0
}

# ---- update ------------------------------------------------------------------

@test "update --resources FILE, --resources=FILE and --resources - (stdin) change the files" {
	cg_bundle "$B" upd1 sleep 1000
	bb_cfg "$B" '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 100}'
	cg_start upd1 "$B"
	local memf
	cg_v2 && memf=memory.max || memf=memory.limit_in_bytes

	echo '{"memory": {"limit": 83886080}, "pids": {"limit": 50}}' >"$MR_TMP/r1.json"
	xrun mr update --resources "$MR_TMP/r1.json" upd1
	assert_status 0
	cg_expect upd1 memory "$memf" $((80 * MiB))
	cg_expect upd1 pids pids.max 50

	echo '{"memory": {"limit": 100663296}}' >"$MR_TMP/r2.json"
	xrun mr update --resources="$MR_TMP/r2.json" upd1
	assert_status 0
	cg_expect upd1 memory "$memf" $((96 * MiB))
	# not named in the update: kept
	cg_expect upd1 pids pids.max 50

	echo '{"pids": {"limit": 33}, "cpu": {"shares": 256}}' >"$MR_TMP/r3.json"
	XRUN_STDIN=$MR_TMP/r3.json xrun mr update --resources - upd1
	assert_status 0
	cg_expect upd1 pids pids.max 33
	if cg_v2; then
		cg_expect upd1 cpu cpu.weight $((1 + ((256 - 2) * 9999) / 262142))
	else
		cg_expect upd1 cpu cpu.shares 256
	fi
	cg_expect upd1 memory "$memf" $((96 * MiB))
	assert_equal "$(ct_status upd1)" running
}

@test "update: each per-field flag changes its file (--memory --memory-swap --memory-reservation --cpu-shares --cpu-quota --cpu-period --cpuset-cpus --cpuset-mems --pids-limit)" {
	cg_bundle "$B" upd2 sleep 1000
	cg_start upd2 "$B"
	local up
	up() {
		xrun mr update "$@" upd2
		[ "$status" -eq 0 ] || fail "update $*: status $status: $stderr"
	}
	up --memory $((100 * MiB))
	up --memory-swap $((200 * MiB))
	up --memory-reservation $((50 * MiB))
	if cg_v2; then
		cg_expect upd2 memory memory.max $((100 * MiB))
		cg_expect upd2 memory memory.swap.max $((200 * MiB - 100 * MiB))
		cg_expect upd2 memory memory.low $((50 * MiB))
	else
		cg_expect upd2 memory memory.limit_in_bytes $((100 * MiB))
		cg_expect upd2 memory memory.memsw.limit_in_bytes $((200 * MiB))
		cg_expect upd2 memory memory.soft_limit_in_bytes $((50 * MiB))
	fi
	up --cpu-shares 2048
	up --cpu-quota 30000
	up --cpu-period 150000
	if cg_v2; then
		cg_expect upd2 cpu cpu.weight $((1 + ((2048 - 2) * 9999) / 262142))
		cg_expect upd2 cpu cpu.max "30000 150000"
	else
		cg_expect upd2 cpu cpu.shares 2048
		cg_expect upd2 cpu cpu.cfs_quota_us 30000
		cg_expect upd2 cpu cpu.cfs_period_us 150000
	fi
	up --cpuset-cpus 1
	up --cpuset-mems 0
	cg_expect upd2 cpuset cpuset.cpus 1
	cg_expect upd2 cpuset cpuset.mems 0
	up --pids-limit 77
	cg_expect upd2 pids pids.max 77
	assert_equal "$(ct_status upd2)" running
}

@test "update --blkio-weight changes the weight file" {
	cg_has blkio || cg_has io || skip "this host has no blkio/io cgroup controller"
	cg_bundle "$B" upd3 sleep 1000
	cg_start upd3 "$B"
	cg_weight_file upd3 >/dev/null || skip "$CG_NO_WEIGHT"
	xrun mr update --blkio-weight 400 upd3
	assert_status 0
	cg_expect_blkio_weight upd3 400
}

# The error where the host has no weight file, and success where it has one.
@test "resources: blockIO weights on a host without weight files: create and update fail naming the field and why, nothing is left or changed" {
	local want msg
	cg_has blkio || cg_has io || skip "this host has no blkio/io cgroup controller"
	cg_probe_weight
	cg_bundle "$B" wt1 sleep 1000
	bb_cfg "$B" '.linux.resources.blockIO = {"weight": 300}'
	if [ -n "$CG_WEIGHT_FILE" ]; then
		# this host has one: it is applied, by create and by update
		ct_create wt1 "$B"
		cg_expect_blkio_weight wt1 300
		xrun mr update --blkio-weight 500 wt1
		assert_status 0
		cg_expect_blkio_weight wt1 500
		return 0
	fi
	if cg_v2 || ! cg_mount blkio >/dev/null; then
		msg="this host's io controller has no weight file (neither io.weight nor io.bfq.weight)"
	else
		msg="this host's blkio controller has no weight file (BFQ not in use)"
	fi
	create_fails wt1
	assert_equal "$stderr" "minirun: linux.resources.blockIO.weight: $msg"
	assert_equal "$(cg_leftovers)" ""
	bb_cfg "$B" '.linux.resources.blockIO = {"leafWeight": 300}'
	create_fails wt1
	assert_contains "$stderr" "linux.resources.blockIO.leafWeight: "
	bb_cfg "$B" '.linux.resources.blockIO = {"weightDevice": [{"major": 8, "minor": 0, "weight": 300}]}'
	create_fails wt1
	assert_equal "$stderr" "minirun: linux.resources.blockIO.weightDevice[0].weight: $msg"
	assert_equal "$(cg_leftovers)" ""

	# update: refused before anything is written (the pids limit stays)
	bb_cfg "$B" 'del(.linux.resources.blockIO) | .linux.resources.pids = {"limit": 50}'
	cg_start wt1 "$B"
	echo '{"pids": {"limit": 20}, "blockIO": {"weight": 500}}' >"$MR_TMP/w.json"
	xrun mr update --resources "$MR_TMP/w.json" wt1
	assert_status 1
	assert_equal "$stderr" "minirun: linux.resources.blockIO.weight: $msg"
	cg_expect wt1 pids pids.max 50
	xrun mr update --blkio-weight 500 wt1
	assert_status 1
	assert_equal "$stderr" "minirun: linux.resources.blockIO.weight: $msg"
	assert_equal "$(ct_status wt1)" running
}

# ---- pause, resume -----------------------------------------------------------

# ticks ID: the counter the ticking container writes to /out/n.
ticks() { cat "$B/out/n" 2>/dev/null || echo 0; }
ticking_bundle() {
	cg_bundle "$B" "$1" sh -c 'i=0; while :; do i=$((i+1)); echo $i >/out/n.new; mv /out/n.new /out/n; sleep 0.02; done'
}
ticks_advance() {
	local a
	a=$(ticks)
	sleep 0.2
	[ "$(ticks)" -gt "$a" ]
}

@test "pause: state paused, the freezer says frozen (v1 freezer.state FROZEN, v2 cgroup.freeze 1) and nothing runs; resume: running again" {
	ticking_bundle pz1
	cg_start pz1 "$B"
	wait_for 10 ticks_advance
	xrun mr pause pz1
	assert_status 0
	assert_equal "$(ct_status pz1)" paused
	if cg_v2; then
		cg_expect pz1 cgroup2 cgroup.freeze 1
		grep -qx 'frozen 1' "$(cg_file pz1 cgroup2 cgroup.events)" || fail "cgroup.events: $(cat "$(cg_file pz1 cgroup2 cgroup.events)")"
	else
		cg_expect pz1 freezer freezer.state FROZEN
	fi
	local a
	a=$(ticks)
	sleep 0.5
	assert_equal "$(ticks)" "$a"

	xrun mr resume pz1
	assert_status 0
	assert_equal "$(ct_status pz1)" running
	if cg_v2; then
		cg_expect pz1 cgroup2 cgroup.freeze 0
	else
		cg_expect pz1 freezer freezer.state THAWED
	fi
	wait_for 10 ticks_advance
}

@test "pause: kill KILL of a paused container kills it (stopped within seconds); delete --force of a paused one works" {
	local pid p
	ticking_bundle pz2
	cg_start pz2 "$B"
	pid=$(cg_pid pz2)
	xrun mr pause pz2
	assert_status 0
	assert_equal "$(ct_status pz2)" paused
	xrun mr kill pz2 KILL
	assert_status 0
	wait_for 5 status_is pz2 stopped
	wait_for 5 pid_gone "$pid"
	xrun mr delete pz2
	assert_status 0
	cg_assert_gone "$(cg_path pz2)"

	p=$(cg_path pz3)
	B=$MR_TMP/bundle3
	ticking_bundle pz3
	cg_start pz3 "$B"
	pid=$(cg_pid pz3)
	xrun mr pause pz3
	assert_status 0
	xrun timeout 10 "$MINIRUN" --root "$MR_ROOT" delete --force pz3
	assert_status 0
	wait_for 5 pid_gone "$pid"
	[ ! -e "$MR_ROOT/pz3" ] || fail "state left after delete --force"
	cg_assert_gone "$p"
}

# ---- ps ----------------------------------------------------------------------

# has_children PID: PID has a child process (for wait_for).
has_children() { [ -n "$(ct_children "$1")" ]; }

@test "ps --format json: a JSON array of the host pids, the init and its child included; ps (table): the PID column has them; ps ID -o pid,comm passes the options to ps" {
	local pid child
	cg_bundle "$B" ps1 sh -c 'sleep 1000 & wait'
	cg_start ps1 "$B"
	pid=$(cg_pid ps1)
	wait_for 5 has_children "$pid"
	child=$(ct_children "$pid")
	xrun mr ps --format json ps1
	assert_status 0
	jq -e --argjson p "$pid" --argjson c "$child" \
		'type == "array" and all(.[]; type == "number") and index($p) != null and index($c) != null and length == 2' \
		<<<"$output" >/dev/null || fail "ps --format json: $output (init $pid, child $child)"

	xrun mr ps ps1
	assert_status 0
	local col
	col=$(head -n1 <<<"$output" | awk '{ for (i = 1; i <= NF; i++) if ($i == "PID") print i }')
	[ -n "$col" ] || fail "no PID column: $output"
	assert_equal "$(tail -n +2 <<<"$output" | awk -v c="$col" '{ print $c }' | sort -n | tr '\n' ' ')" \
		"$(printf '%s\n' "$pid" "$child" | sort -n | tr '\n' ' ')"

	# the arguments after the id are ps(1)'s
	xrun mr ps ps1 -o pid,comm
	assert_status 0
	assert_equal "$(head -n1 <<<"$output" | awk '{ print $1, $2 }')" "PID COMMAND"
	assert_equal "$(tail -n +2 <<<"$output" | awk '{ print ($1 == p ? "init" : $1 == c ? "child" : $1), $2 }' \
		p="$pid" c="$child" | sort)" "child sleep
init sh"
}

# ---- events ------------------------------------------------------------------

# has_lines FILE N: FILE has N lines or more (for wait_for).
has_lines() { [ "$(grep -c . "$1")" -ge "$2" ]; }

@test "events --stats: one JSON object {type: stats, id, data: {cpu, memory {usage, limit}, pids, ...}}" {
	cg_bundle "$B" ev1 sh -c 'sleep 1000 & wait'
	bb_cfg "$B" '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 50}'
	cg_start ev1 "$B"
	wait_for 5 has_children "$(cg_pid ev1)"
	xrun mr events --stats ev1
	assert_status 0
	assert_equal "$(jq -s length <<<"$output")" 1
	jq -e '.type == "stats" and .id == "ev1"
		and (.data.cpu.usage | type == "object")
		and .data.memory.usage.usage > 0 and .data.memory.usage.limit == 67108864
		and .data.pids.current == 2 and .data.pids.limit == 50' <<<"$output" >/dev/null ||
		fail "events --stats: $output"
}

@test "events --interval 1s streams stats lines (two read, then it is killed)" {
	cg_bundle "$B" ev2 sleep 1000
	cg_start ev2 "$B"
	"$MINIRUN" --root "$MR_ROOT" events --interval 1s ev2 </dev/null >"$MR_TMP/ev2.events" 2>"$MR_TMP/ev2.err" 3>&- &
	local epid=$! t0
	t0=$(now_ms)
	wait_for 6 has_lines "$MR_TMP/ev2.events" 2 || true
	kill "$epid" 2>/dev/null || true
	wait "$epid" 2>/dev/null || true
	[ "$(grep -c . "$MR_TMP/ev2.events")" -ge 2 ] ||
		fail "fewer than 2 lines in $(($(now_ms) - t0)) ms: $(cat "$MR_TMP/ev2.events") $(cat "$MR_TMP/ev2.err")"
	head -n 2 "$MR_TMP/ev2.events" | jq -se 'length == 2 and all(.[]; .type == "stats" and .id == "ev2" and (.data.memory | type == "object"))' >/dev/null ||
		fail "not stats lines: $(cat "$MR_TMP/ev2.events")"
}

@test "events: an OOM kill in the container is reported ({\"type\":\"oom\"}) (memory limit 16M, dd of 64M)" {
	cg_bundle "$B" oom1 sh -c 'read x </out/go; dd if=/dev/zero of=/dev/null bs=64M count=1; sleep 1000'
	# no swap either, so that the allocation cannot go there
	bb_cfg "$B" '.linux.resources.memory = {"limit": 16777216, "swap": 16777216}'
	mkfifo "$B/out/go"
	cg_start oom1 "$B"
	"$MINIRUN" --root "$MR_ROOT" events --interval 200ms oom1 </dev/null >"$MR_TMP/oom1.events" 2>"$MR_TMP/oom1.err" 3>&- &
	local epid=$!
	# events is watching once it has printed a stats line
	wait_for 5 test -s "$MR_TMP/oom1.events" || true
	timeout 10 sh -c 'echo go >"$1"' sh "$B/out/go"
	wait_for 10 grep -q '"oom"' "$MR_TMP/oom1.events" || true
	kill "$epid" 2>/dev/null || true
	wait "$epid" 2>/dev/null || true
	grep '"oom"' "$MR_TMP/oom1.events" | head -n1 | jq -e '.type == "oom" and .id == "oom1"' >/dev/null ||
		fail "no oom event: $(grep -v '"stats"' "$MR_TMP/oom1.events") $(cat "$MR_TMP/oom1.err"); container: $(cat "$MR_TMP/oom1.stderr")"
}

# ---- cleanup -----------------------------------------------------------------

@test "cleanup: after delete the container's cgroup is gone from every hierarchy (with exec'd processes and sub-cgroups)" {
	local p d
	p=$(cg_path gone1)
	cg_bundle "$B" gone1 sh -c 'sleep 1000 & wait'
	cg_start gone1 "$B"
	xrun mr exec -d gone1 sleep 1000
	assert_status 0
	cg_assert_exists "$p"
	# a sub-cgroup made in the container's cgroup (as a nested runtime would)
	for d in $(cg_dirs "$p"); do
		mkdir "$d/sub"
	done
	xrun mr kill gone1 KILL
	assert_status 0
	wait_for 10 status_is gone1 stopped
	xrun mr delete --force gone1
	assert_status 0
	cg_assert_gone "$p"
}

# ---- delete --force of a container frozen by someone else (issue 16.8) -------
# crun warns and exits 0: what can be thawed is, every process is killed, and
# what cannot be removed is said in a warning.

# cg_freeze_dir DIR 1|0: freeze or thaw the cgroup directory DIR by its file
# (v1 freezer.state, v2 cgroup.freeze), as someone else than minirun would.
cg_freeze_dir() {
	if [ -e "$1/cgroup.freeze" ] && cg_v2; then
		echo "$2" >"$1/cgroup.freeze"
	elif [ "$2" = 1 ]; then
		echo FROZEN >"$1/freezer.state"
	else
		echo THAWED >"$1/freezer.state"
	fi
}

# cg_freezer_mount: the hierarchy whose files freeze (v2: the cgroup2 one).
cg_freezer_mount() {
	if cg_v2; then cg_mount cgroup2; else cg_mount freezer; fi
}

# still_frozen_then_thaw DIR: the cgroup directory DIR, which the test froze,
# is frozen still (minirun left it alone); then thaw it.
still_frozen_then_thaw() {
	if cg_v2; then
		assert_equal "$(cat "$1/cgroup.freeze")" 1
	else
		assert_equal "$(cat "$1/freezer.state")" FROZEN
	fi
	cg_freeze_dir "$1" 0
}

# deleted_cleanly ID PID PATH: delete --force exited 0 without a word, and
# left no state, no process, no cgroup.
deleted_cleanly() {
	assert_status 0
	assert_equal "$stderr" ""
	[ ! -e "$MR_ROOT/$1" ] || fail "state of $1 left behind"
	wait_for 5 pid_gone "$2"
	cg_assert_gone "$3"
}

@test "delete --force of a container whose own cgroup was frozen by writing its freezer file: killed and removed" {
	local pid p
	cg_v2 || cg_has freezer || skip "this host has no freezer cgroup controller"
	p=$(cg_path fz1)
	cg_bundle "$B" fz1 sleep 1000
	cg_start fz1 "$B"
	pid=$(cg_pid fz1)
	cg_freeze_dir "$(cg_freezer_mount)$p" 1
	wait_for 5 status_is fz1 paused
	xrun mr delete --force fz1
	deleted_cleanly fz1 "$pid" "$p"
}

@test "delete --force of a container whose init was moved into another frozen cgroup (crun's delete test): killed, the other cgroup untouched" {
	local pid p other
	cg_v2 || cg_has freezer || skip "this host has no freezer cgroup controller"
	p=$(cg_path fz2)
	other=$(cg_path frozen-elsewhere)
	cg_mkdir "$other"
	cg_bundle "$B" fz2 sleep 1000
	cg_start fz2 "$B"
	pid=$(cg_pid fz2)
	echo "$pid" >"$(cg_freezer_mount)$other/cgroup.procs"
	cg_freeze_dir "$(cg_freezer_mount)$other" 1
	xrun mr delete --force fz2
	deleted_cleanly fz2 "$pid" "$p"
	still_frozen_then_thaw "$(cg_freezer_mount)$other"
}

@test "delete --force of a container below a parent frozen by someone else: killed and removed, the parent stays frozen" {
	local pid parent p
	cg_v2 || cg_has freezer || skip "this host has no freezer cgroup controller"
	parent=$(cg_path frozen-parent)
	p=$parent/fz3
	cg_mkdir "$parent"
	bb_bundle "$B" sleep 1000
	bb_cfg "$B" '.linux.cgroupsPath = $p' --arg p "$p"
	cg_start fz3 "$B"
	pid=$(cg_pid fz3)
	cg_freeze_dir "$(cg_freezer_mount)$parent" 1
	xrun mr delete --force fz3
	deleted_cleanly fz3 "$pid" "$p"
	still_frozen_then_thaw "$(cg_freezer_mount)$parent"
}

@test "a cgroup delete cannot remove: delete fails and keeps the container; delete --force warns naming it and removes the container" {
	local p d stray
	! cg_v2 || skip "cgroup v2 has one hierarchy, whose cgroup.kill reaches every process: nothing stays (the v1 and hybrid lanes run this)"
	cg_has cpu || skip "this host has no cpu cgroup controller"
	p=$(cg_path stuck1)
	cg_bundle "$B" stuck1 sleep 1000
	cg_start stuck1 "$B"
	# a process that is in the container's cpu cgroup only: not the
	# container's, so not killed, and the cgroup cannot go
	d=$(cg_mount cpu)$p
	sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
	stray=$!
	ct_track_pid "$stray"
	echo "$stray" >"$d/cgroup.procs"
	xrun mr kill stuck1 KILL
	assert_status 0
	wait_for 10 status_is stuck1 stopped
	xrun mr delete stuck1
	assert_status 1
	assert_equal "$stderr" "minirun: cgroup $p left in $d (1 process still in it, which could not be killed): Device or resource busy"
	[ -e "$MR_ROOT/stuck1" ] || fail "delete without --force removed the container"
	xrun mr delete --force stuck1
	assert_status 0
	assert_equal "$stderr" "minirun: warning: cgroup $p left in $d (1 process still in it, which could not be killed): Device or resource busy"
	[ ! -e "$MR_ROOT/stuck1" ] || fail "state of stuck1 left behind"
	kill -KILL "$stray"
	wait "$stray" 2>/dev/null || true
	rmdir "$d"
	cg_assert_gone "$p"
}
