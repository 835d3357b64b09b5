#!/usr/bin/env bats
# /dev (issue 4, point 5): the default devices and symlinks, /dev/console
# only with a terminal, linux.devices made with the asked type, numbers,
# mode, uid and gid; in a user namespace the host's default devices bound,
# and linux.devices made by the runtime and bound.

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

# "NAME TYPE MAJOR:MINOR MODE UID:GID" for each path (major/minor in
# decimal, mode in octal)
DEV_STAT='for p in "$@"; do [ -e "$p" ] || [ -L "$p" ] || { echo "$p missing"; continue; }
	set -- $(stat -c "%F|%t|%T|%a|%u:%g" "$p" | tr " |" "_ "); echo "$p $1 $((0x$2)):$((0x$3)) $4 $5"; done'

# dev_stat_script PATH...: a script printing DEV_STAT's line for each PATH
dev_stat_script() {
	local q="" p
	for p in "$@"; do q+=" $p"; done
	printf 'set -- %s; %s' "$q" "$DEV_STAT"
}

@test "devices: the default nodes are char devices with the standard numbers and mode 0666" {
	local b=$MR_TMP/b
	iso_bundle "$b" "$(dev_stat_script /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty)"
	iso_run_ok dev-default "$b"
	assert_equal "$output" "/dev/null character_special_file 1:3 666 0:0
/dev/zero character_special_file 1:5 666 0:0
/dev/full character_special_file 1:7 666 0:0
/dev/random character_special_file 1:8 666 0:0
/dev/urandom character_special_file 1:9 666 0:0
/dev/tty character_special_file 5:0 666 0:0"
}

@test "devices: ptmx -> pts/ptmx, fd/stdin/stdout/stderr symlinks, /dev/shm and /dev/pts mounted, no /dev/console without a terminal" {
	local b=$MR_TMP/b
	iso_bundle "$b" 'for l in ptmx fd stdin stdout stderr; do echo "$l $(readlink /dev/$l)"; done
		[ -e /dev/console ] && echo console-present; cat /proc/self/mountinfo'
	iso_run_ok dev-links "$b"
	assert_contains "$output" "ptmx pts/ptmx
fd /proc/self/fd
stdin /proc/self/fd/0
stdout /proc/self/fd/1
stderr /proc/self/fd/2"
	refute_contains "$output" console-present
	assert_equal "$(iso_mount_fstype "$output" /dev/shm)" tmpfs
	assert_equal "$(iso_mount_fstype "$output" /dev/pts)" devpts
	assert_equal "$(iso_mount_fstype "$output" /dev)" tmpfs
	# the ptmx of the container's own devpts instance
	assert_opt "$(iso_super_opts "$output" /dev/pts)" ptmxmode=666
}

@test "devices: the default devices work (write to null, read zero and urandom, full gives ENOSPC)" {
	local b=$MR_TMP/b
	iso_bundle "$b" 'echo x >/dev/null && echo null-ok; echo zero $(head -c 4 /dev/zero | od -An -tx1)
		echo urandom $(head -c 16 /dev/urandom | wc -c); (echo x >/dev/full) 2>&1; true'
	iso_run_ok dev-use "$b"
	assert_contains "$output" null-ok
	assert_contains "$output" "zero 00 00 00 00"
	assert_contains "$output" "urandom 16"
	assert_contains "$output" "No space left on device"
}

@test "devices: /dev/console is the terminal (a devpts node) when process.terminal is true" {
	local b=$MR_TMP/b sock=$MR_TMP/console.sock
	iso_bundle "$b" '{ stat -c "console %F %t" /dev/console; echo tty $(tty); grep " /dev/console " /proc/self/mountinfo; } >/out/console'
	bb_cfg "$b" '.process.terminal = true'
	"$CONSOLE_RECEIVER" "$sock" "$MR_TMP/tty.out" &
	local recv=$!
	wait_for 10 test -S "$sock"
	ct_create dev-console "$b" --console-socket "$sock"
	"$MINIRUN" --root "$MR_ROOT" start dev-console
	wait_for 10 test -s "$b/out/console"
	wait_for 10 status_is dev-console stopped
	wait "$recv" || true
	local out
	out=$(cat "$b/out/console")
	# 0x88 = 136, the first Unix98 pty major
	assert_match "$(iso_field "$out" console)" '^character special file 8[89abcdef]$'
	assert_match "$(iso_field "$out" tty)" '^/dev/pts/[0-9]+$'
	assert_equal "$(iso_mount_fstype "$out" /dev/console)" devpts
}

@test "devices: linux.devices are made with their type, numbers, fileMode, uid and gid (char, block, fifo, nested path)" {
	local b=$MR_TMP/b
	iso_bundle "$b" "$(dev_stat_script /dev/mynull /dev/myloop /dev/myfifo /dev/sub/dir/myzero)"
	bb_cfg "$b" '.linux.devices = [
		{"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 384, "uid": 1, "gid": 2},
		{"path": "/dev/myloop", "type": "b", "major": 7, "minor": 0, "fileMode": 432, "uid": 0, "gid": 6},
		{"path": "/dev/myfifo", "type": "p", "fileMode": 420},
		{"path": "/dev/sub/dir/myzero", "type": "c", "major": 1, "minor": 5, "fileMode": 438}]'
	iso_run_ok dev-config "$b"
	assert_equal "$output" "/dev/mynull character_special_file 1:3 600 1:2
/dev/myloop block_special_file 7:0 660 0:6
/dev/myfifo fifo 0:0 644 0:0
/dev/sub/dir/myzero character_special_file 1:5 666 0:0"
}

@test "devices: a linux.devices entry replaces a default one of the same path" {
	local b=$MR_TMP/b
	iso_bundle "$b" "$(dev_stat_script /dev/null)"
	bb_cfg "$b" '.linux.devices = [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3, "fileMode": 420, "uid": 0, "gid": 0}]'
	iso_run_ok dev-override "$b"
	assert_equal "$output" "/dev/null character_special_file 1:3 644 0:0"
}

@test "devices: a linux.devices path through a symlink to a host directory is made inside the rootfs" {
	local b=$MR_TMP/b host=$MR_TMP/host-dev before
	mkdir "$host"
	before=$(iso_tree "$host")
	iso_bundle "$b" "$(dev_stat_script /dev/evil/mynull)"
	# no tmpfs on /dev: the rootfs' own /dev holds the symlink
	bb_cfg "$b" '.mounts |= map(select(.destination != "/dev"))
		| .linux.devices = [{"path": "/dev/evil/mynull", "type": "c", "major": 1, "minor": 3}]'
	ln -s "$host" "$b/rootfs/dev/evil"
	iso_run_ok dev-symlink "$b"
	assert_equal "$output" "/dev/evil/mynull character_special_file 1:3 666 0:0"
	assert_equal "$(iso_tree "$host")" "$before"
	[ -c "$b/rootfs$host/mynull" ] || fail "the node is not at the symlink's target inside the rootfs"
}

@test "devices: an invalid linux.devices entry is refused, naming linux.devices[i]" {
	local b=$MR_TMP/b
	iso_bundle "$b" 'echo ran'
	bb_cfg "$b" '.linux.devices = [{"path": "/dev/ok", "type": "p"}, {"path": "/dev/bad", "type": "x", "major": 1, "minor": 1}]'
	iso_run_fails dev-bad "$b"
	refute_contains "$output" ran
	assert_contains "$stderr" "linux.devices[1]"
}

@test "devices: in a user namespace the default devices are bind mounts of the host's and still work" {
	local b=$MR_TMP/b
	iso_bundle "$b" "$(dev_stat_script /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty)"'
		echo x >/dev/null && echo null-ok; echo zero $(head -c 4 /dev/zero | od -An -tx1)
		echo urandom $(head -c 16 /dev/urandom | wc -c); cat /proc/self/mountinfo'
	iso_userns "$b"
	iso_run_ok dev-userns "$b"
	local d
	for d in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
		assert_contains "$output" "/dev/${d%%:*} character_special_file ${d#*:} "
		assert_equal "$(iso_mount_line "$output" "/dev/${d%%:*}" | awk '{ print $4 }')" "/${d%%:*}"
	done
	assert_contains "$output" null-ok
	assert_contains "$output" "zero 00 00 00 00"
	assert_contains "$output" "urandom 16"
}

# A device number no host has a node for (the local/experimental major 240).
NO_HOST_DEV=240:77
no_host_node() {
	local n
	for n in /dev/* /dev/*/*; do
		[ "$(stat -c '%t:%T' "$n" 2>/dev/null)" != "f0:4d" ] || return 1
	done
}

@test "devices: in a user namespace linux.devices are made by the runtime with their type, numbers, mode and owner as seen inside, host node or not" {
	no_host_node || skip "the host has a node $NO_HOST_DEV"
	local b=$MR_TMP/b
	iso_bundle "$b" "$(dev_stat_script /dev/foo /dev/nohost /dev/sub/dir/mynull /dev/myfifo)"'
		echo x >/dev/sub/dir/mynull && echo null-ok; grep -E " /dev/(foo|nohost) " /proc/self/mountinfo'
	iso_userns "$b"
	# the crun suite's owner-device: a block device the host does not have
	bb_cfg "$b" '.linux.devices = [
		{"path": "/dev/foo", "type": "b", "major": 1, "minor": 5, "uid": 10, "gid": 11},
		{"path": "/dev/nohost", "type": "c", "major": 240, "minor": 77, "fileMode": 384, "uid": 1000, "gid": 5},
		{"path": "/dev/sub/dir/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 438},
		{"path": "/dev/myfifo", "type": "p", "fileMode": 420, "uid": 7, "gid": 8}]'
	iso_run_ok dev-userns-config "$b"
	assert_equal "$(printf '%s\n' "${lines[@]:0:4}")" "/dev/foo block_special_file 1:5 666 10:11
/dev/nohost character_special_file 240:77 600 1000:5
/dev/sub/dir/mynull character_special_file 1:3 666 0:0
/dev/myfifo fifo 0:0 644 7:8"
	assert_contains "$output" null-ok
	# binds of nodes in a tmpfs of the runtime's, not of the host's /dev
	assert_equal "$(iso_mount_fstype "$output" /dev/foo)" tmpfs
	assert_equal "$(iso_mount_fstype "$output" /dev/nohost)" tmpfs
}

@test "devices: in a user namespace a linux.devices entry replaces a default one of the same path" {
	local b=$MR_TMP/b
	iso_bundle "$b" "$(dev_stat_script /dev/null /dev/zero)"'; echo x >/dev/null && echo null-ok'
	iso_userns "$b"
	bb_cfg "$b" '.linux.devices = [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3, "fileMode": 438, "uid": 3, "gid": 4}]'
	iso_run_ok dev-userns-override "$b"
	assert_equal "${lines[0]}" "/dev/null character_special_file 1:3 666 3:4"
	assert_match "${lines[1]}" "^/dev/zero character_special_file 1:5 "
	assert_contains "$output" null-ok
}

# in_other_userns PID: PID's user namespace is not ours (its unshare is done).
in_other_userns() {
	[ "$(readlink "/proc/$1/ns/user")" != "$(readlink /proc/self/ns/user)" ]
}

@test "devices: in a user namespace joined by path linux.devices get their owner through that namespace's maps" {
	no_host_node || skip "the host has a node $NO_HOST_DEV"
	local b=$MR_TMP/b holder
	iso_bg env -C / unshare --user sleep 600 </dev/null >/dev/null 2>&1 3>&-
	holder=$(tail -n 1 "$MR_TMP/.iso-bg")
	wait_for 10 in_other_userns "$holder"
	echo "0 200000 65536" >"/proc/$holder/uid_map"
	echo "0 300000 65536" >"/proc/$holder/gid_map"
	iso_bundle "$b" "$(dev_stat_script /dev/nohost)"
	bb_cfg "$b" '.linux.namespaces += [{"type": "user", "path": $p}]
		| .linux.devices = [{"path": "/dev/nohost", "type": "c", "major": 240, "minor": 77, "uid": 10, "gid": 11}]' \
		--arg p "/proc/$holder/ns/user"
	chown 200000:300000 "$b/out"
	iso_run_ok dev-userns-joined "$b"
	assert_equal "$output" "/dev/nohost character_special_file 240:77 666 10:11"
}
