#!/usr/bin/env bats
# maskedPaths, readonlyPaths and linux.sysctl (issue 4, point 6, and
# checklist item 4 of DESIGN.md section 7: a fake /dev/null under
# maskedPaths, CVE-2025-31133 class).

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

# the masked files of the default config that this host's /proc has
host_masked_files() {
	local p
	for p in /proc/kcore /proc/keys /proc/timer_list /proc/latency_stats /proc/timer_stats /proc/sched_debug; do
		[ ! -f "$p" ] || echo "$p"
	done
}

@test "maskedPaths: files are covered by the container's /dev/null (char 1:3, reads empty)" {
	local b=$MR_TMP/b files p
	files=$(host_masked_files)
	[ -n "$files" ] || skip "this kernel has none of the masked /proc files"
	iso_bundle "$b" 'for p in '"$(echo $files)"' /etc/secret; do echo "$p $(stat -c "%F %t:%T" $p) size=$(cat $p | wc -c)"; done; cat /proc/self/mountinfo'
	echo top-secret >"$b/rootfs/etc/secret"
	bb_cfg "$b" '.linux.maskedPaths += ["/etc/secret"]'
	iso_run_ok mask-files "$b"
	for p in $files /etc/secret; do
		assert_contains "$output" "$p character special file 1:3 size=0"
		# a bind of the container's /dev/null (the tmpfs on /dev)
		assert_equal "$(iso_mount_line "$output" "$p" | awk '{ print $4 }')" /null
	done
}

@test "maskedPaths: directories are covered by an empty read-only tmpfs (/proc/acpi, /sys/firmware, a rootfs directory)" {
	local b=$MR_TMP/b p dirs=""
	for p in /proc/acpi /sys/firmware; do [ ! -d "$p" ] || dirs+=" $p"; done
	iso_bundle "$b" 'for p in '"$dirs"' /etc/secretdir; do echo "$p entries=$(ls -A $p | wc -l)"; (touch $p/x) 2>&1; done; cat /proc/self/mountinfo'
	mkdir "$b/rootfs/etc/secretdir"
	echo top-secret >"$b/rootfs/etc/secretdir/f"
	bb_cfg "$b" '.linux.maskedPaths += ["/etc/secretdir"]'
	iso_run_ok mask-dirs "$b"
	for p in $dirs /etc/secretdir; do
		assert_contains "$output" "$p entries=0"
		assert_contains "$output" "touch: $p/x: Read-only file system"
		assert_equal "$(iso_mount_fstype "$output" "$p")" tmpfs
		assert_opt "$(iso_mount_opts "$output" "$p")" ro
	done
	assert_equal "$(cat "$b/rootfs/etc/secretdir/f")" top-secret
}

@test "maskedPaths: a path that does not exist is skipped" {
	local b=$MR_TMP/b
	iso_bundle "$b" 'echo ran; [ -e /proc/no-such-file ] || echo absent'
	bb_cfg "$b" '.linux.maskedPaths += ["/proc/no-such-file", "/no/such/dir"]'
	iso_run_ok mask-missing "$b"
	assert_equal "$output" "ran
absent"
}

# fake_dev_bundle DIR: a bundle whose /dev is a bind of DIR/fakedev (so
# minirun makes no device nodes in it), without the default mounts under
# /dev.
fake_dev_bundle() {
	local dir=$1
	iso_bundle "$dir" 'for p in /proc/keys /proc/timer_list; do [ -e $p ] && echo "$p $(stat -c "%F %t:%T" $p) $(cat $p | head -c 64)"; done; echo end'
	mkdir -p "$dir/fakedev"
	bb_cfg "$dir" '.mounts |= map(select(.destination | startswith("/dev") | not))
		| .mounts += [{"destination": "/dev", "type": "bind", "source": $d, "options": ["rbind"]}]' \
		--arg d "$dir/fakedev"
}

# assert_fake_null_unused: the container was refused with an error naming
# /dev/null, or its masked files are the real null device; FAKE-CONTENT
# never shows.
assert_fake_null_unused() {
	refute_contains "$output" "$1"
	if [ "$status" -ne 0 ]; then
		assert_match "$stderr" '^minirun: .*maskedPaths.*/dev/null'
	else
		assert_contains "$output" "/proc/keys character special file 1:3"
	fi
}

@test "maskedPaths security: a rootfs /dev/null that is a regular file is never bound over a masked path" {
	local b=$MR_TMP/b
	fake_dev_bundle "$b"
	echo FAKE-NULL-CONTENT >"$b/fakedev/null"
	iso_run fake-null-file "$b"
	assert_fake_null_unused FAKE-NULL-CONTENT
}

@test "maskedPaths security: a rootfs /dev/null that is a symlink to a host file is never followed" {
	local b=$MR_TMP/b
	echo HOST-SECRET >"$MR_TMP/host-secret"
	fake_dev_bundle "$b"
	ln -s "$MR_TMP/host-secret" "$b/fakedev/null"
	iso_run fake-null-link "$b"
	assert_fake_null_unused HOST-SECRET
	assert_equal "$(cat "$MR_TMP/host-secret")" HOST-SECRET
}

@test "maskedPaths security: a fake /dev/null in the rootfs is replaced by the real node when minirun makes /dev" {
	local b=$MR_TMP/b
	iso_bundle "$b" 'stat -c "%n %F %t:%T" /dev/null /proc/keys; cat /proc/keys; echo end'
	# no tmpfs on /dev: the rootfs' own /dev is used
	bb_cfg "$b" '.mounts |= map(select(.destination | startswith("/dev") | not))'
	rm -f "$b/rootfs/dev/null"
	echo FAKE-NULL-CONTENT >"$b/rootfs/dev/null"
	iso_run_ok fake-null-replaced "$b"
	assert_contains "$output" "/dev/null character special file 1:3"
	assert_contains "$output" "/proc/keys character special file 1:3"
	refute_contains "$output" FAKE-NULL-CONTENT
}

@test "readonlyPaths: writing /proc/sys fails with EROFS" {
	local b=$MR_TMP/b
	iso_bundle "$b" '(echo 1 >/proc/sys/kernel/shmmax) 2>&1; (echo x >/proc/sys/kernel/domainname) 2>&1; cat /proc/self/mountinfo'
	iso_run_ok ro-procsys "$b"
	assert_contains "$output" "/proc/sys/kernel/shmmax: Read-only file system"
	assert_contains "$output" "/proc/sys/kernel/domainname: Read-only file system"
	assert_opt "$(iso_mount_opts "$output" /proc/sys)" ro
}

@test "readonlyPaths: a rootfs directory and its submounts become read-only; the rest stays writable" {
	local b=$MR_TMP/b
	iso_bundle "$b" '(touch /etc/x) 2>&1; (touch /m/sub/y) 2>&1; touch /tmp/z && echo tmp-written; cat /proc/self/mountinfo'
	bb_cfg "$b" '.root.readonly = false | .linux.readonlyPaths += ["/etc", "/m"]
		| .mounts += [{"destination": "/m/sub", "type": "tmpfs", "source": "tmpfs"}]'
	iso_run_ok ro-dirs "$b"
	assert_contains "$output" "touch: /etc/x: Read-only file system"
	assert_contains "$output" "touch: /m/sub/y: Read-only file system"
	assert_contains "$output" tmp-written
	assert_opt "$(iso_mount_opts "$output" /m/sub)" ro
}

@test "sysctl: namespaced keys are applied in the container only (net.ipv4.ip_forward, kernel.shmmax)" {
	local b=$MR_TMP/b fwd shmmax
	fwd=$(cat /proc/sys/net/ipv4/ip_forward)
	shmmax=$(cat /proc/sys/kernel/shmmax)
	iso_bundle "$b" 'echo fwd $(cat /proc/sys/net/ipv4/ip_forward); echo shmmax $(cat /proc/sys/kernel/shmmax)'
	bb_cfg "$b" '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmax": "123456789"}'
	iso_run_ok sysctl-ok "$b"
	assert_equal "$(iso_field "$output" fwd)" 1
	assert_equal "$(iso_field "$output" shmmax)" 123456789
	assert_equal "$(cat /proc/sys/net/ipv4/ip_forward)" "$fwd"
	assert_equal "$(cat /proc/sys/kernel/shmmax)" "$shmmax"
}

@test "sysctl: a key that is not namespaced is refused, naming it; the host is unchanged" {
	local b=$MR_TMP/b before
	before=$(cat /proc/sys/vm/swappiness)
	iso_bundle "$b" 'echo ran'
	bb_cfg "$b" '.linux.sysctl = {"vm.swappiness": "7"}'
	iso_run_fails sysctl-host "$b"
	refute_contains "$output" ran
	assert_contains "$stderr" vm.swappiness
	assert_equal "$(cat /proc/sys/vm/swappiness)" "$before"
}

@test "sysctl: net.* without a network namespace is refused, naming the key; the host is unchanged" {
	local b=$MR_TMP/b before
	before=$(cat /proc/sys/net/ipv4/ip_forward)
	iso_bundle "$b" 'echo ran'
	bb_cfg "$b" '.linux.namespaces |= map(select(.type != "network"))
		| .linux.sysctl = {"net.ipv4.ip_forward": "'$((1 - before))'"}'
	iso_run_fails sysctl-nonet "$b"
	refute_contains "$output" ran
	assert_contains "$stderr" net.ipv4.ip_forward
	assert_equal "$(cat /proc/sys/net/ipv4/ip_forward)" "$before"
}

@test "sysctl: kernel.shm* without an ipc namespace is refused, naming the key" {
	local b=$MR_TMP/b before
	before=$(cat /proc/sys/kernel/shmmax)
	iso_bundle "$b" 'echo ran'
	bb_cfg "$b" '.linux.namespaces |= map(select(.type != "ipc")) | .linux.sysctl = {"kernel.shmmax": "4096"}'
	iso_run_fails sysctl-noipc "$b"
	assert_contains "$stderr" kernel.shmmax
	assert_equal "$(cat /proc/sys/kernel/shmmax)" "$before"
}

@test "sysctl: a key this kernel does not have is refused, naming it" {
	local b=$MR_TMP/b
	iso_bundle "$b" 'echo ran'
	bb_cfg "$b" '.linux.sysctl = {"net.ipv4.no_such_knob": "1"}'
	iso_run_fails sysctl-unknown "$b"
	assert_contains "$stderr" net.ipv4.no_such_knob
}
