#!/usr/bin/env bats
# Namespaces (issue 4, point 1): new ones of every type, joining existing
# ones by path, a container without a pid namespace, timeOffsets of a time
# namespace, hostname and domainname. Real busybox containers, as root.

load helpers
load isolation-helpers

setup_file() { iso_setup_file; }
setup() { iso_setup; }
teardown() {
	iso_teardown
	local r=$?
	cgroup_parent_cleanup
	return $r
}

NS_TYPES="pid net ipc uts mnt cgroup user time"

# The script a container runs to print "TYPE INODE" for each namespace.
NS_SCRIPT='for t in '"$NS_TYPES"'; do echo "$t $(stat -L -c %i /proc/self/ns/$t)"; done'

# the index of a namespace type in the bundle's linux.namespaces
ns_index() {
	jq -r --arg t "$2" '[.linux.namespaces[].type] | to_entries[] | select(.value == $t) | .key' "$1/config.json"
}

@test "namespaces: a container gets a new namespace of every type it lists (pid net ipc uts mount cgroup user time)" {
	local b=$MR_TMP/b t inner host
	iso_bundle "$b" "$NS_SCRIPT"
	iso_userns "$b"
	bb_cfg "$b" '.linux.namespaces += [{"type": "time"}]'
	iso_run_ok ns-all "$b"
	for t in $NS_TYPES; do
		inner=$(iso_field "$output" "$t")
		host=$(iso_ns_inode "$t")
		[ -n "$inner" ] || fail "no $t namespace inode printed: $output"
		[ "$inner" != "$host" ] || fail "the $t namespace is the host's ($host)"
	done
}

@test "namespaces: types that are not listed are the host's" {
	local b=$MR_TMP/b t
	iso_bundle "$b" "$NS_SCRIPT"
	# only a mount namespace; no hostname without uts
	bb_cfg "$b" '.linux.namespaces = [{"type": "mount"}] | del(.hostname)'
	iso_run_ok ns-few "$b"
	[ "$(iso_field "$output" mnt)" != "$(iso_ns_inode mnt)" ] || fail "the mount namespace is the host's"
	for t in pid net ipc uts cgroup user time; do
		assert_equal "$(iso_field "$output" "$t")" "$(iso_ns_inode "$t")"
	done
}

@test "namespaces: network, ipc and uts joined by path are the other container's (same inode, same hostname)" {
	local a=$MR_TMP/a b=$MR_TMP/b apid
	iso_bundle "$a" 'exec sleep 60'
	bb_cfg "$a" '.hostname = "container-a"'
	ct_create ns-join-a "$a"
	apid=$(ct_pid ns-join-a)

	iso_bundle "$b" "$NS_SCRIPT; echo hostname \$(hostname)"
	bb_cfg "$b" '
		.linux.namespaces |= map(
			if .type == "network" then .path = "/proc/\($p)/ns/net"
			elif .type == "ipc" or .type == "uts" then .path = "/proc/\($p)/ns/\(.type)"
			else . end)
		| del(.hostname)' --arg p "$apid"
	iso_run_ok ns-join-b "$b"
	assert_equal "$(iso_field "$output" net)" "$(iso_ns_inode "$apid" net)"
	assert_equal "$(iso_field "$output" ipc)" "$(iso_ns_inode "$apid" ipc)"
	assert_equal "$(iso_field "$output" uts)" "$(iso_ns_inode "$apid" uts)"
	assert_equal "$(iso_field "$output" hostname)" container-a
	# the ones not joined are new, not A's
	[ "$(iso_field "$output" pid)" != "$(iso_ns_inode "$apid" pid)" ] || fail "B shares A's pid namespace"
	[ "$(iso_field "$output" mnt)" != "$(iso_ns_inode "$apid" mnt)" ] || fail "B shares A's mount namespace"
}

@test "namespaces: a container joining another's pid namespace by path is seen in the other's ps" {
	local a=$MR_TMP/a b=$MR_TMP/b apid
	# A waits for the go file, then lists its pid namespace
	iso_bundle "$a" 'while [ ! -e /out/go ]; do sleep 0.02; done; ps -o pid,args >/out/ps; touch /out/done; exec sleep 60'
	iso_run_detached ns-pid-a "$a"
	apid=$(ct_pid ns-pid-a)

	iso_bundle "$b" 'echo pid $$; exec sleep 41.5'
	bb_cfg "$b" '.linux.namespaces |= map(if .type == "pid" then .path = "/proc/\($p)/ns/pid" else . end)' --arg p "$apid"
	iso_run_detached ns-pid-b "$b"
	assert_equal "$(iso_ns_inode "$(ct_pid ns-pid-b)" pid)" "$(iso_ns_inode "$apid" pid)"

	touch "$a/out/go"
	wait_for 10 test -e "$a/out/done"
	# B's process is in A's table, and A is still pid 1 there
	assert_match "$(cat "$a/out/ps")" $'\n'' *[0-9]+ sleep 41\.5'
	assert_match "$(cat "$a/out/ps")" $'\n'' *1 sh -c while'
}

@test "namespaces: a path that is not a namespace of its type is refused, naming linux.namespaces[i]" {
	local b=$MR_TMP/b idx
	iso_bundle "$b" 'echo ran'
	# an ipc namespace given as the network one
	idx=$(ns_index "$b" network)
	bb_cfg "$b" '.linux.namespaces[$i].path = $p' --argjson i "$idx" --arg p "/proc/$$/ns/ipc"
	iso_run_fails ns-bad-net "$b"
	refute_contains "$output" ran
	assert_contains "$stderr" "linux.namespaces[$idx]"
	assert_contains "$stderr" "/proc/$$/ns/ipc"

	# a regular file as the ipc namespace
	iso_bundle "$MR_TMP/c" 'echo ran'
	idx=$(ns_index "$MR_TMP/c" ipc)
	bb_cfg "$MR_TMP/c" '.linux.namespaces[$i].path = $p' --argjson i "$idx" --arg p "$MR_TMP/c/config.json"
	iso_run_fails ns-bad-ipc "$MR_TMP/c"
	refute_contains "$output" ran
	assert_contains "$stderr" "linux.namespaces[$idx]"
	assert_contains "$stderr" "$MR_TMP/c/config.json"
}

@test "namespaces: a pid namespace path that is not a pid namespace is refused, naming linux.namespaces[i]" {
	local b=$MR_TMP/b idx
	iso_bundle "$b" 'echo ran'
	idx=$(ns_index "$b" pid)
	bb_cfg "$b" '.linux.namespaces[$i].path = $p' --argjson i "$idx" --arg p "/proc/$$/ns/net"
	iso_run_fails ns-bad-pid "$b"
	refute_contains "$output" ran
	assert_contains "$stderr" "linux.namespaces[$idx]"
	assert_contains "$stderr" "/proc/$$/ns/net"
}

@test "namespaces: a namespace path that does not exist is refused, naming linux.namespaces[i] and the path" {
	local b=$MR_TMP/b idx
	iso_bundle "$b" 'echo ran'
	idx=$(ns_index "$b" uts)
	bb_cfg "$b" '.linux.namespaces[$i].path = $p | del(.hostname)' --argjson i "$idx" --arg p "$MR_TMP/no-such-ns"
	iso_run_fails ns-missing "$b"
	assert_contains "$stderr" "linux.namespaces[$idx]"
	assert_contains "$stderr" "$MR_TMP/no-such-ns"
}

@test "namespaces: without a pid namespace the container sees the host's pids (its pid is not 1)" {
	local b=$MR_TMP/b
	iso_bundle "$b" 'echo pid $$; echo pidns $(stat -L -c %i /proc/self/ns/pid); echo init $(cat /proc/1/comm)'
	bb_cfg "$b" '.linux.namespaces |= map(select(.type != "pid"))'
	iso_run_ok ns-nopid "$b"
	local pid
	pid=$(iso_field "$output" pid)
	[ -n "$pid" ] && [ "$pid" -gt 1 ] || fail "expected a host pid, got \"$pid\""
	assert_equal "$(iso_field "$output" pidns)" "$(iso_ns_inode pid)"
	assert_equal "$(iso_field "$output" init)" "$(cat /proc/1/comm)"
}

@test "namespaces: timeOffsets shift the boottime and monotonic clocks of a new time namespace" {
	local b=$MR_TMP/b host_up inner_up
	iso_bundle "$b" 'cat /proc/self/timens_offsets; echo uptime $(cut -d. -f1 /proc/uptime)'
	bb_cfg "$b" '.linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"boottime": {"secs": 86400, "nanosecs": 0},
					"monotonic": {"secs": 3600, "nanosecs": 500}}'
	host_up=$(cut -d. -f1 /proc/uptime)
	iso_run_ok ns-time "$b"
	assert_match "$output" '(^|'$'\n'')monotonic +3600 +500('$'\n''|$)'
	assert_match "$output" '(^|'$'\n'')boottime +86400 +0('$'\n''|$)'
	# /proc/uptime follows the boottime clock
	inner_up=$(iso_field "$output" uptime)
	[ -n "$inner_up" ] || fail "no uptime printed: $output"
	local shift=$((inner_up - host_up))
	[ "$shift" -ge 86395 ] && [ "$shift" -le 86410 ] ||
		fail "uptime inside is $inner_up, on the host $host_up: shifted by $shift, not ~86400"
}

@test "namespaces: hostname and domainname are set in the new uts namespace, not on the host" {
	local b=$MR_TMP/b host_name host_domain
	host_name=$(uname -n)
	host_domain=$(cat /proc/sys/kernel/domainname)
	iso_bundle "$b" 'echo hostname $(uname -n); echo domainname $(cat /proc/sys/kernel/domainname)'
	bb_cfg "$b" '.hostname = "mr-host-1" | .domainname = "mr.example"'
	iso_run_ok ns-names "$b"
	assert_equal "$(iso_field "$output" hostname)" mr-host-1
	assert_equal "$(iso_field "$output" domainname)" mr.example
	assert_equal "$(uname -n)" "$host_name"
	assert_equal "$(cat /proc/sys/kernel/domainname)" "$host_domain"
}

@test "namespaces: hostname or domainname without a uts namespace is an error" {
	local b=$MR_TMP/b
	iso_bundle "$b" 'echo ran'
	bb_cfg "$b" '.linux.namespaces |= map(select(.type != "uts")) | .hostname = "nope"'
	iso_run_fails ns-host-nouts "$b"
	assert_contains "$stderr" hostname
	assert_match "$stderr" '[Uu][Tt][Ss]'

	iso_bundle "$MR_TMP/c" 'echo ran'
	bb_cfg "$MR_TMP/c" '.linux.namespaces |= map(select(.type != "uts")) | del(.hostname) | .domainname = "nope"'
	iso_run_fails ns-dom-nouts "$MR_TMP/c"
	assert_contains "$stderr" domainname
}

@test "namespaces: a kernel.hostname sysctl is refused, naming both fields (runc, crun), with or without hostname" {
	local b=$MR_TMP/b host_name
	host_name=$(uname -n)
	iso_bundle "$b" 'uname -n'
	bb_cfg "$b" '.hostname = "mr-host" | .linux.sysctl = {"kernel.hostname": "mr-other"}'
	iso_run_fails ns-sysctl-host "$b"
	assert_equal "$stderr" 'minirun: config.json: linux.sysctl["kernel.hostname"] ("mr-other") conflicts with the OCI hostname field (hostname "mr-host")'
	# without hostname: still the OCI field's job
	bb_cfg "$b" 'del(.hostname)'
	iso_run_fails ns-sysctl-host-only "$b"
	assert_equal "$stderr" 'minirun: config.json: linux.sysctl["kernel.hostname"]: not allowed: it conflicts with the OCI hostname field (set hostname instead)'
	assert_equal "$(uname -n)" "$host_name"
}

@test "namespaces: a kernel.domainname sysctl is set in the uts namespace; against domainname the same value runs, another is refused naming both" {
	local b=$MR_TMP/b host_domain want
	host_domain=$(cat /proc/sys/kernel/domainname)
	iso_bundle "$b" 'echo domainname $(cat /proc/sys/kernel/domainname)'
	for want in mr.sysctl mr.example; do
		# alone, then beside a domainname of the same value
		bb_cfg "$b" '.linux.sysctl = {"kernel.domainname": $v} | if $v == "mr.example" then .domainname = $v else del(.domainname) end' --arg v "$want"
		iso_run_ok "ns-sysctl-$want" "$b"
		assert_equal "$(iso_field "$output" domainname)" "$want"
		assert_equal "$(cat /proc/sys/kernel/domainname)" "$host_domain"
	done

	bb_cfg "$b" '.linux.sysctl = {"kernel.domainname": "mr.other"}'
	iso_run_fails ns-sysctl-dom "$b"
	assert_equal "$stderr" 'minirun: config.json: linux.sysctl["kernel.domainname"] ("mr.other") conflicts with the OCI domainname field (domainname "mr.example")'

	bb_cfg "$b" '.linux.namespaces |= map(select(.type != "uts")) | del(.hostname) | del(.domainname)'
	iso_run_fails ns-sysctl-no-uts "$b"
	assert_equal "$stderr" 'minirun: linux.sysctl["kernel.domainname"]: requires a UTS namespace'
	assert_equal "$(cat /proc/sys/kernel/domainname)" "$host_domain"
}

# ---- no mount namespace: the runtime's (config-linux.md: MUST inherit) ----

# host_mntns_bundle DIR SCRIPT NAMESPACES: a bundle whose linux.namespaces is
# NAMESPACES (a JSON array without "mount"), with nothing mounted (mounts
# made in the runtime's mount namespace would stay on the host) and a
# writable root (root.readonly needs a mount namespace).
host_mntns_bundle() {
	iso_bundle "$1" "$2"
	bb_cfg "$1" '.linux.namespaces = $ns | .mounts = [] | .root.readonly = false
		| if ($ns | map(.type) | index("uts")) == null then del(.hostname) else . end' --argjson ns "$3"
}

# mounts_below DIR: the host's mountinfo lines of mounts at or below DIR.
mounts_below() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1' /proc/self/mountinfo
}

# propagation_of PATH: the mount point holding PATH and its optional fields
# (shared:N, master:N): what a "make / rslave" or a private parent would change.
propagation_of() {
	local mp
	mp=$(findmnt -n -o TARGET -T "$1" | tail -n 1)
	echo "$mp $(iso_mount_optional "$(cat /proc/self/mountinfo)" "$mp")"
}

@test "namespaces: a config that lists no namespaces runs in every namespace of the runtime, chrooted into its rootfs" {
	local b=$MR_TMP/b pid t root
	host_mntns_bundle "$b" 'echo up >/ran-here; exec sleep 60' '[]'
	iso_run_detached ns-none "$b"
	pid=$(ct_pid ns-none)
	for t in $NS_TYPES; do
		assert_equal "$(iso_ns_inode "$pid" "$t")" "$(iso_ns_inode "$t")"
	done
	# no pivot_root: the init's root is the rootfs, by chroot
	root=$(realpath "$b/rootfs")
	assert_equal "$(readlink "/proc/$pid/root")" "$root"
	wait_for 10 test -e "$b/rootfs/ran-here"
	[ ! -e /ran-here ] || fail "the container wrote to the host's /"
	# exec (no namespace to join) lands in the same root
	run --separate-stderr timeout 20 "$MINIRUN" --root "$MR_ROOT" exec ns-none cat /ran-here
	assert_status 0
	assert_equal "$output" up
}

@test "namespaces: without a mount namespace (the others new) the container is chrooted and the host's mount table is unchanged" {
	local b=$MR_TMP/b pid root before_root before_parent
	root=$(realpath "$MR_TMP")/b/rootfs
	host_mntns_bundle "$b" 'echo hostname $(hostname) >/out-host; exec sleep 60' \
		'[{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}]'
	bb_cfg "$b" '.hostname = "no-mntns"'
	before_root=$(propagation_of /)
	before_parent=$(propagation_of "$root")
	iso_run_detached ns-nomnt "$b"
	pid=$(ct_pid ns-nomnt)
	assert_equal "$(iso_ns_inode "$pid" mnt)" "$(iso_ns_inode mnt)"
	for t in pid net ipc uts; do
		[ "$(iso_ns_inode "$pid" "$t")" != "$(iso_ns_inode "$t")" ] || fail "the $t namespace is the host's"
	done
	assert_equal "$(readlink "/proc/$pid/root")" "$root"
	wait_for 10 test -s "$b/rootfs/out-host"
	assert_equal "$(cat "$b/rootfs/out-host")" "hostname no-mntns"
	# nothing mounted on the host: not the rootfs on itself, not /dev, no
	# propagation change of / or of the mount holding the rootfs
	assert_equal "$(mounts_below "$root")" ""
	assert_equal "$(propagation_of /)" "$before_root"
	assert_equal "$(propagation_of "$root")" "$before_parent"
	run "$MINIRUN" --root "$MR_ROOT" delete --force ns-nomnt
	assert_status 0
	assert_equal "$(mounts_below "$root")" ""
	assert_equal "$(propagation_of /)" "$before_root"
	assert_equal "$(propagation_of "$root")" "$before_parent"
}

@test "namespaces: without a mount namespace mounts[] land below the rootfs in the runtime's mount table; a failed create detaches them" {
	local b=$MR_TMP/b pid root
	root=$(realpath "$MR_TMP")/b/rootfs
	host_mntns_bundle "$b" 'exec sleep 60' '[{"type": "pid"}]'
	bb_cfg "$b" '.mounts = [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["size=64k"]}]'
	# the teardown detaches it, should the test stop half-way
	echo "$root/tmp" >>"$MR_TMP/.iso-host-mounts"
	iso_run_detached ns-nomnt-tmpfs "$b"
	assert_match "$(mounts_below "$root")" "^[0-9]+ [0-9]+ [0-9:]+ / $root/tmp .* - tmpfs "
	run "$MINIRUN" --root "$MR_ROOT" delete --force ns-nomnt-tmpfs
	assert_status 0
	# delete detached it: create made it
	assert_equal "$(mounts_below "$root")" ""

	# the second mount fails: the first one is detached with the rest of the create
	bb_cfg "$b" '.mounts += [{"destination": "/mnt", "type": "no-such-fs", "source": "x"}]'
	iso_run_fails ns-nomnt-fail "$b"
	assert_contains "$stderr" "mounts[1] (/mnt)"
	assert_equal "$(mounts_below "$root")" ""
}

@test "namespaces: without a mount namespace delete detaches what the container mounted on the host, also after a create or delete killed half-way" {
	local b=$MR_TMP/b root step
	root=$(realpath "$MR_TMP")/b/rootfs
	mkdir -p "$b"
	# the container's own process mounts too (it has CAP_SYS_ADMIN here)
	host_mntns_bundle "$b" 'mount -t tmpfs -o size=16k own /mnt && touch /mnt/ok && exec sleep 60' '[{"type": "pid"}]'
	bb_cfg "$b" '.mounts = [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["size=64k"]}]
		| .process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"]
		| .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
	printf '%s\n' "$root/mnt" "$root/tmp" >>"$MR_TMP/.iso-host-mounts"
	iso_run_detached ns-nomnt-own "$b"
	wait_for 10 test -e "$b/rootfs/mnt/ok"
	assert_match "$(mounts_below "$root")" " $root/mnt .* - tmpfs own "
	run "$MINIRUN" --root "$MR_ROOT" delete --force ns-nomnt-own
	assert_status 0
	assert_equal "$(mounts_below "$root")" ""

	# a create killed once its mounts are made, a delete killed after it
	# detached them or before: delete --force leaves none
	for step in create-ready create-state delete-kill delete-mounts; do
		# (the created init holds create's stdio: not bats' run, whose
		# output pipe would stay open)
		status=0
		case $step in
		create-*) MINIRUN_DEBUG_FAULT=$step:kill "$MINIRUN" --root "$MR_ROOT" create --bundle "$b" ns-nomnt-k \
			</dev/null >/dev/null 2>&1 || status=$? ;;
		*) "$MINIRUN" --root "$MR_ROOT" create --bundle "$b" ns-nomnt-k </dev/null >/dev/null 2>&1 ||
			fail "$step: create failed"
		   MINIRUN_DEBUG_FAULT=$step:kill "$MINIRUN" --root "$MR_ROOT" delete --force ns-nomnt-k || status=$? ;;
		esac
		[ "$status" -eq 137 ] || fail "$step: expected minirun killed (137), got $status"
		[ -n "$(mounts_below "$root")" ] || [ "$step" = delete-mounts ] || fail "$step: nothing mounted yet"
		run "$MINIRUN" --root "$MR_ROOT" delete --force ns-nomnt-k
		assert_status 0
		assert_equal "$(mounts_below "$root")" ""
		[ ! -e "$MR_ROOT/ns-nomnt-k" ] || fail "$step: the state dir is left"
	done
}

@test "namespaces: root.readonly and linux.rootfsPropagation without a mount namespace are refused, naming the field" {
	local b=$MR_TMP/b
	host_mntns_bundle "$b" 'echo ran' '[]'
	bb_cfg "$b" '.root.readonly = true'
	iso_run_fails ns-nomnt-ro "$b"
	assert_contains "$stderr" "root.readonly: requires a mount namespace"
	refute_contains "$output" ran

	bb_cfg "$b" '.root.readonly = false | .linux.rootfsPropagation = "shared"'
	iso_run_fails ns-nomnt-prop "$b"
	assert_contains "$stderr" "linux.rootfsPropagation: requires a mount namespace"
	refute_contains "$output" ran
}
