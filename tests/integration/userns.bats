#!/usr/bin/env bats
# User namespaces (issue 4, point 2): uidMappings/gidMappings with one and
# several ranges written for the init, setgroups, the host owners of files a
# container creates, and idmapped mounts (mounts[].uidMappings/gidMappings,
# the "idmap" and "ridmap" options).

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

# squeeze the columns of a /proc/PID/[ug]id_map text
squeeze() {
	printf '%s\n' "$1" | awk '{ $1 = $1; print }'
}

# three ranges of uids and gids: 0-999, 1000-1009, 2000-2004
multi_range() {
	bb_cfg "$1" '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 1000},
					{"containerID": 1000, "hostID": 200000, "size": 10},
					{"containerID": 2000, "hostID": 210000, "size": 5}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 1000},
					{"containerID": 1000, "hostID": 300000, "size": 10},
					{"containerID": 2000, "hostID": 310000, "size": 5}]'
}

@test "userns: one range: the init's uid_map and gid_map are exactly linux.uidMappings/gidMappings, and it is root there" {
	local b=$MR_TMP/b
	iso_bundle "$b" 'cat /proc/self/uid_map; echo --; cat /proc/self/gid_map; echo --; id -u; id -g'
	iso_userns "$b"
	iso_run_ok userns-one "$b"
	assert_equal "$(squeeze "$output")" "0 100000 65536
--
0 100000 65536
--
0
0"
}

@test "userns: several ranges are all written, in order" {
	local b=$MR_TMP/b
	iso_bundle "$b" 'cat /proc/self/uid_map; echo --; cat /proc/self/gid_map'
	multi_range "$b"
	iso_run_ok userns-multi "$b"
	assert_equal "$(squeeze "$output")" "0 100000 1000
1000 200000 10
2000 210000 5
--
0 100000 1000
1000 300000 10
2000 310000 5"
}

@test "userns: setgroups is allowed: additionalGids apply inside the user namespace" {
	local b=$MR_TMP/b
	iso_bundle "$b" 'echo setgroups $(cat /proc/self/setgroups); echo groups $(id -G)'
	iso_userns "$b"
	bb_cfg "$b" '.process.user = {"uid": 0, "gid": 0, "additionalGids": [5, 1001]}'
	iso_run_ok userns-groups "$b"
	assert_equal "$(iso_field "$output" setgroups)" allow
	assert_equal "$(iso_field "$output" groups)" "0 5 1001"
}

@test "userns: files the container creates in a host directory belong to the mapped host ids" {
	local b=$MR_TMP/b
	iso_bundle "$b" 'touch /out/by-user && mkdir /out/dir-by-user && echo made'
	multi_range "$b"
	chmod 1777 "$b/out"
	bb_cfg "$b" '.process.user = {"uid": 1005, "gid": 2003}'
	iso_run_ok userns-owner-user "$b"
	assert_equal "$output" made
	assert_equal "$(stat -c %u:%g "$b/out/by-user")" 200005:310003
	assert_equal "$(stat -c %u:%g "$b/out/dir-by-user")" 200005:310003

	# and container root is host 100000
	iso_bundle "$MR_TMP/c" 'touch /out/by-root && echo made'
	multi_range "$MR_TMP/c"
	chown 100000:100000 "$MR_TMP/c/out"
	iso_run_ok userns-owner-root "$MR_TMP/c"
	assert_equal "$(stat -c %u:%g "$MR_TMP/c/out/by-root")" 100000:100000
}

@test "userns: host owners show through the maps inside (mapped ids shifted, unmapped ones as the overflow id)" {
	local b=$MR_TMP/b
	iso_bundle "$b" 'stat -c "%n %u:%g" /mapped /bin/busybox'
	iso_userns "$b"
	touch "$b/rootfs/mapped"
	chown 100007:100008 "$b/rootfs/mapped"
	iso_run_ok userns-view "$b"
	assert_contains "$output" "/mapped 7:8"
	assert_contains "$output" "/bin/busybox 65534:65534"
}

@test "userns: overlapping uidMappings are refused with an error naming linux.uidMappings" {
	local b=$MR_TMP/b
	iso_bundle "$b" 'echo ran'
	iso_userns "$b"
	bb_cfg "$b" '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 10},
					   {"containerID": 5, "hostID": 200000, "size": 10}]'
	iso_run_fails userns-overlap "$b"
	refute_contains "$output" ran
	assert_contains "$stderr" linux.uidMappings
}

# An idmapped-mount source: a file owned by host root, one by host 1000:1000.
idmap_source() {
	mkdir -p "$1"
	echo root-file >"$1/f0"
	echo user-file >"$1/f1000"
	chown 1000:1000 "$1/f1000"
	chmod 755 "$1"
}

@test "userns: mounts[].uidMappings/gidMappings make an idmapped bind (no user namespace)" {
	local b=$MR_TMP/b
	idmap_source "$MR_TMP/src"
	iso_bundle "$b" 'ls -ln /idm | awk "NR > 1 { print \$9, \$3 \":\" \$4 }"; grep " /idm " /proc/self/mountinfo'
	# on-disk 0 is shown as 1000 (uids) and 2000 (gids); 1000 is unmapped
	bb_cfg "$b" '.mounts += [{"destination": "/idm", "type": "bind", "source": $src, "options": ["rbind"],
		"uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
		"gidMappings": [{"containerID": 0, "hostID": 2000, "size": 1}]}]' --arg src "$MR_TMP/src"
	iso_run_ok idmap-plain "$b"
	assert_contains "$output" "f0 1000:2000"
	assert_contains "$output" "f1000 65534:65534"
	assert_opt "$(iso_mount_opts "$output" /idm)" idmapped
	# the host's view is unchanged
	assert_equal "$(stat -c %u:%g "$MR_TMP/src/f0" "$MR_TMP/src/f1000" | tr '\n' ' ')" "0:0 1000:1000 "
}

@test "userns: \"idmap\" maps the top mount of an rbind only, \"ridmap\" its submounts too" {
	local b=$MR_TMP/b
	idmap_source "$MR_TMP/src"
	mkdir "$MR_TMP/src/sub"
	iso_host_mount -t tmpfs -o mode=755 idsub "$MR_TMP/src/sub"
	echo sub-file >"$MR_TMP/src/sub/s0"
	iso_bundle "$b" 'stat -c "%n %u" /i/f0 /i/sub/s0 /r/f0 /r/sub/s0; cat /proc/self/mountinfo'
	bb_cfg "$b" '.mounts += [
		{"destination": "/i", "type": "bind", "source": $src, "options": ["rbind", "idmap"],
		 "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
		 "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]},
		{"destination": "/r", "type": "bind", "source": $src, "options": ["rbind", "ridmap"],
		 "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
		 "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}]' --arg src "$MR_TMP/src"
	iso_run_ok idmap-rec "$b"
	assert_contains "$output" "/i/f0 1000"
	assert_contains "$output" "/i/sub/s0 0"
	assert_contains "$output" "/r/f0 1000"
	assert_contains "$output" "/r/sub/s0 1000"
	assert_opt "$(iso_mount_opts "$output" /i)" idmapped
	refute_opt "$(iso_mount_opts "$output" /i/sub)" idmapped
	assert_opt "$(iso_mount_opts "$output" /r)" idmapped
	assert_opt "$(iso_mount_opts "$output" /r/sub)" idmapped
}

@test "userns: a bare \"idmap\" in a user-namespaced container maps like linux.uidMappings (host root's files are root's, new files land as host root)" {
	local b=$MR_TMP/b
	idmap_source "$MR_TMP/src"
	iso_bundle "$b" 'stat -c "%n %u:%g" /idm/f0 /idm/f1000; touch /idm/new && echo created'
	iso_userns "$b"
	mkdir "$b/rootfs/idm"
	bb_cfg "$b" '.mounts += [{"destination": "/idm", "type": "bind", "source": $src, "options": ["rbind", "idmap"]}]
		| .process.capabilities.effective += ["CAP_DAC_OVERRIDE"]
		| .process.capabilities.permitted += ["CAP_DAC_OVERRIDE"]
		| .process.capabilities.bounding += ["CAP_DAC_OVERRIDE"]' --arg src "$MR_TMP/src"
	iso_run_ok idmap-userns "$b"
	# An idmapped mount reads on-disk ids as ids of the mapping's namespace:
	# on disk 0 -> kuid 100000 -> 0 in the container, on disk 1000 -> kuid
	# 101000 -> 1000 (without the idmap both would be overflow, 65534).
	assert_contains "$output" "/idm/f0 0:0"
	assert_contains "$output" "/idm/f1000 1000:1000"
	assert_contains "$output" created
	assert_equal "$(stat -c %u:%g "$MR_TMP/src/new")" 0:0
}

@test "userns: mounts[].uidMappings with \"ridmap\" in a user-namespaced container" {
	local b=$MR_TMP/b
	idmap_source "$MR_TMP/src"
	mkdir "$MR_TMP/src/sub"
	iso_host_mount -t tmpfs -o mode=755 idsub "$MR_TMP/src/sub"
	chown 1000:1000 "$MR_TMP/src/sub"
	echo sub >"$MR_TMP/src/sub/s1000"
	chown 1000:1000 "$MR_TMP/src/sub/s1000"
	iso_bundle "$b" 'stat -c "%n %u:%g" /idm/f1000 /idm/sub/s1000; grep " /idm" /proc/self/mountinfo'
	iso_userns "$b"
	mkdir "$b/rootfs/idm"
	# host 1000 is shown as container 1000 (kernel id 101000)
	bb_cfg "$b" '.mounts += [{"destination": "/idm", "type": "bind", "source": $src, "options": ["rbind", "ridmap"],
		"uidMappings": [{"containerID": 1000, "hostID": 101000, "size": 1}],
		"gidMappings": [{"containerID": 1000, "hostID": 101000, "size": 1}]}]' --arg src "$MR_TMP/src"
	iso_run_ok idmap-userns-r "$b"
	assert_contains "$output" "/idm/f1000 1000:1000"
	assert_contains "$output" "/idm/sub/s1000 1000:1000"
	assert_opt "$(iso_mount_opts "$output" /idm/sub)" idmapped
}

@test "userns: sysfs without a network namespace of its own is the host's /sys bound read-only (a new sysfs is refused there)" {
	local b=$MR_TMP/b
	iso_bundle "$b" 'echo class $(ls /sys/class | grep -c .); echo firmware $(ls -A /sys/firmware | wc -l); cat /proc/self/mountinfo'
	iso_userns "$b"
	# no network namespace (sysfs needs one owned by the user namespace);
	# no mqueue (the same for ipc, and this host may have no /dev/mqueue)
	bb_cfg "$b" '.linux.namespaces |= map(select(.type != "network"))
		| .mounts |= map(select(.destination != "/dev/mqueue"))'
	iso_run_ok userns-sysfs "$b"
	assert_equal "$(iso_mount_fstype "$output" /sys)" sysfs
	assert_opt "$(iso_mount_opts "$output" /sys)" ro
	[ "$(iso_field "$output" class)" -gt 0 ] || fail "/sys/class is empty"
	# maskedPaths still apply on top of it
	assert_equal "$(iso_field "$output" firmware)" 0
}
