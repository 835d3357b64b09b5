#!/usr/bin/env bats
# User namespaces (issue 4, point 2): uidMappings/gidMappings with one and
# several ranges written for the init, setgroups, the host owners of files a
# container creates, idmapped mounts (mounts[].uidMappings/gidMappings, the
# "idmap" and "ridmap" options), and a user namespace joined by path
# together with new namespaces, which it must own.

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

# idmap_probe DIR: whether this kernel and DIR's filesystem take an
# idmapped mount (open_tree + mount_setattr(MOUNT_ATTR_IDMAP), straight from
# the kernel, not through minirun); prints why not.
idmap_probe() {
	"${MR_PYTHON:-python3}" - "$1" <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
NR_OPEN_TREE, NR_MOUNT_SETATTR = 428, 442  # the same on x86_64 and aarch64
def fail(why):
    print(why)
    sys.exit(1)
r1, w1 = os.pipe()
r2, w2 = os.pipe()
pid = os.fork()
if pid == 0:
    if libc.unshare(0x10000000) != 0:  # CLONE_NEWUSER
        os._exit(1)
    os.write(w1, b"u")
    os.read(r2, 1)
    os._exit(0)
try:
    if os.read(r1, 1) != b"u":
        fail("cannot make a user namespace")
    for f in ("uid_map", "gid_map"):
        with open("/proc/%d/%s" % (pid, f), "w") as fh:
            fh.write("0 100000 65536")
    ns = os.open("/proc/%d/ns/user" % pid, os.O_RDONLY)
    tree = libc.syscall(NR_OPEN_TREE, -100, sys.argv[1].encode(), 1 | 0o2000000)  # CLONE | CLOEXEC
    if tree < 0:
        fail("this kernel has no open_tree(2) (%s)" % os.strerror(ctypes.get_errno()))
    attr = (ctypes.c_uint64 * 4)(0x00100000, 0, 0, ns)  # MOUNT_ATTR_IDMAP, userns_fd
    if libc.syscall(NR_MOUNT_SETATTR, tree, b"", 0x1000, ctypes.byref(attr), 32) < 0:  # AT_EMPTY_PATH
        e = ctypes.get_errno()
        if e == 38:
            fail("this kernel has no mount_setattr(2) (Linux 5.12 and later)")
        fs = os.popen("stat -fc %%T '%s'" % sys.argv[1]).read().strip()
        fail("no idmapped mounts of %s (%s) here: %s" % (sys.argv[1], fs, os.strerror(e)))
finally:
    os.write(w2, b"x")
    os.waitpid(pid, 0)
PY
}

# An idmapped-mount source: a file owned by host root, one by host 1000:1000;
# skips the test where idmapped mounts of it cannot be made.
idmap_source() {
	local why
	mkdir -p "$1"
	why=$(idmap_probe "$1") || skip "$why"
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

# ---- joining a user namespace by path, with new namespaces ------------------

# userns_holder: a process (HOLDER its pid; killed in teardown) in a user
# namespace of its own, mapping 0-65535 to 100000-165535 like iso_userns.
# We write its maps (as host root), so setgroups stays allowed in it.
userns_holder() {
	# from /, so that nothing of it belongs to $MR_TMP
	iso_bg env -C / unshare --user sleep 600 </dev/null >/dev/null 2>&1 3>&-
	HOLDER=$(tail -n 1 "$MR_TMP/.iso-bg")
	wait_for 10 holder_unshared
	echo "0 $ISO_UID 65536" >"/proc/$HOLDER/uid_map"
	echo "0 $ISO_UID 65536" >"/proc/$HOLDER/gid_map"
}

holder_unshared() {
	[ "$(readlink "/proc/$HOLDER/ns/user")" != "$(readlink /proc/self/ns/user)" ]
}

# userns_join DIR: DIR's config joins HOLDER's user namespace by path (its
# other namespaces stay new: pid, network, ipc, uts, mount, cgroup).
userns_join() {
	bb_cfg "$1" '.linux.namespaces += [{"type": "user", "path": $p}]' --arg p "/proc/$HOLDER/ns/user"
	chown "$ISO_UID:$ISO_UID" "$1/out"
}

# ns_owner PID TYPE: the inode of the user namespace that owns PID's TYPE
# namespace (ioctl NS_GET_USERNS).
ns_owner() {
	"$MR_PYTHON" -c 'import fcntl, os, sys
fd = os.open("/proc/%s/ns/%s" % (sys.argv[1], sys.argv[2]), os.O_RDONLY)
print(os.fstat(fcntl.ioctl(fd, 0xb701)).st_ino)' "$1" "$2"
}

@test "userns: joined by path with new mount, uts, ipc, net, pid and cgroup namespaces: they are made in it, owned by it, and the real init is recorded" {
	local b=$MR_TMP/b pid t userns host_name
	host_name=$(uname -n)
	userns_holder
	userns=$(iso_ns_inode "$HOLDER" user)
	iso_bundle "$b" 'echo pid $$; echo hostname $(hostname); echo net $(ls /sys/class/net)
		echo cgroup-not-root $(grep -vc ":/$" /proc/self/cgroup)
		echo uid_map $(cat /proc/self/uid_map); echo gid_map $(cat /proc/self/gid_map); echo ids $(id -u):$(id -g)
		touch /out/made; echo done; exec sleep 60'
	userns_join "$b"
	bb_cfg "$b" '.hostname = "joined-uts"'
	ct_create uj-new "$b" --pid-file "$MR_TMP/uj.pid"
	pid=$(ct_pid uj-new)

	# the state and the pid file have the real init: in the container's
	# namespaces, in its cgroup, our (the runtime's) former child
	assert_equal "$(cat "$MR_TMP/uj.pid")" "$pid"
	assert_equal "$(iso_ns_inode "$pid" user)" "$userns"
	for t in mnt uts ipc net pid cgroup; do
		[ "$(iso_ns_inode "$pid" "$t")" != "$(iso_ns_inode "$HOLDER" "$t")" ] || fail "the $t namespace is the holder's"
		assert_equal "$(ns_owner "$pid" "$t")" "$userns"
	done
	assert_equal "$(cat "/proc/$pid/uid_map")" "$(cat "/proc/$HOLDER/uid_map")"
	assert_equal "$(grep -c "$MINIRUN_CGROUP_PARENT/uj-new\$" "/proc/$pid/cgroup")" "$(grep -c . "/proc/$pid/cgroup")"

	mr start uj-new
	wait_for 10 grep -q '^done$' "$MR_TMP/uj-new.stdout"
	output=$(cat "$MR_TMP/uj-new.stdout")
	assert_equal "$(iso_field "$output" pid)" 1
	assert_equal "$(iso_field "$output" hostname)" joined-uts
	# a sysfs of its own network namespace (owned by the joined user namespace)
	assert_equal "$(iso_field "$output" net)" lo
	# the cgroup namespace is rooted at the container's cgroup
	assert_equal "$(iso_field "$output" cgroup-not-root)" 0
	assert_equal "$(iso_field "$output" uid_map)" "0 $ISO_UID 65536"
	assert_equal "$(iso_field "$output" gid_map)" "0 $ISO_UID 65536"
	assert_equal "$(iso_field "$output" ids)" 0:0
	assert_equal "$(stat -c %u:%g "$b/out/made")" "$ISO_UID:$ISO_UID"
	assert_equal "$(ct_status uj-new)" running
	assert_equal "$(ct_pid uj-new)" "$pid"
	pid_alive "$pid" || fail "the container's process $pid is gone"
	assert_equal "$(uname -n)" "$host_name"

	mr kill uj-new KILL
	wait_for 10 status_is uj-new stopped
	mr delete uj-new
	[ ! -e "$MR_ROOT/uj-new" ] || fail "state left behind"
	pid_gone "$pid" || fail "the container's process $pid is still alive"
	assert_nothing_left
}

@test "userns: exec into a container that joined a user namespace by path joins its new namespaces too" {
	local b=$MR_TMP/b pid t
	userns_holder
	iso_bundle "$b" 'exec sleep 60'
	userns_join "$b"
	bb_cfg "$b" '.hostname = "joined-exec"'
	ct_create uj-exec "$b"
	pid=$(ct_pid uj-exec)
	mr start uj-exec

	xrun mr exec uj-exec sh -c 'echo pid $$; echo hostname $(hostname); echo init $(cat /proc/1/cmdline | tr "\0" " ")
		echo uid_map $(cat /proc/self/uid_map); echo ids $(id -u):$(id -g)
		for t in user mnt uts ipc net pid cgroup; do echo "ns-$t $(stat -L -c %i /proc/self/ns/$t)"; done'
	assert_status 0
	[ "$(iso_field "$output" pid)" -gt 1 ] || fail "exec'd process is pid $(iso_field "$output" pid)"
	assert_equal "$(iso_field "$output" hostname)" joined-exec
	assert_equal "$(iso_field "$output" init)" "sleep 60"
	assert_equal "$(iso_field "$output" uid_map)" "0 $ISO_UID 65536"
	assert_equal "$(iso_field "$output" ids)" 0:0
	for t in user mnt uts ipc net pid cgroup; do
		assert_equal "$(iso_field "$output" "ns-$t")" "$(iso_ns_inode "$pid" "$t")"
	done
}

@test "userns: joined by path with a new time namespace: timeOffsets apply, the time namespace is owned by it, run waits for the real init" {
	local b=$MR_TMP/b pid userns host_up inner_up
	userns_holder
	userns=$(iso_ns_inode "$HOLDER" user)
	iso_bundle "$b" 'echo pid $$; echo uptime $(cut -d. -f1 /proc/uptime); cat /proc/self/timens_offsets; touch /out/done; exec sleep 60'
	userns_join "$b"
	bb_cfg "$b" '.linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"boottime": {"secs": 86400, "nanosecs": 0},
					"monotonic": {"secs": 3600, "nanosecs": 500}}'
	host_up=$(cut -d. -f1 /proc/uptime)
	iso_run_detached uj-time "$b" --pid-file "$MR_TMP/uj.pid"
	pid=$(ct_pid uj-time)
	assert_equal "$(cat "$MR_TMP/uj.pid")" "$pid"
	for t in time pid; do
		[ "$(iso_ns_inode "$pid" "$t")" != "$(iso_ns_inode "$t")" ] || fail "the $t namespace is the host's"
		assert_equal "$(ns_owner "$pid" "$t")" "$userns"
	done
	wait_for 10 test -e "$b/out/done"
	output=$(cat "$MR_TMP/uj-time.out")
	assert_equal "$(iso_field "$output" pid)" 1
	assert_match "$output" '(^|'$'\n'')monotonic +3600 +500('$'\n''|$)'
	assert_match "$output" '(^|'$'\n'')boottime +86400 +0('$'\n''|$)'
	inner_up=$(iso_field "$output" uptime)
	[ $((inner_up - host_up)) -ge 86395 ] && [ $((inner_up - host_up)) -le 86410 ] ||
		fail "uptime inside is $inner_up, on the host $host_up: not shifted by ~86400"
	# exec joins the time namespace too
	xrun mr exec uj-time sh -c 'stat -L -c "timens %i" /proc/self/ns/time; cat /proc/self/timens_offsets'
	assert_status 0
	assert_equal "$(iso_field "$output" timens)" "$(iso_ns_inode "$pid" time)"
	assert_match "$output" '(^|'$'\n'')boottime +86400 +0('$'\n''|$)'
	mr delete --force uj-time
	pid_gone "$pid" || fail "the container's process $pid is still alive"

	# run in the foreground waits for the real init and returns its status
	iso_bundle "$MR_TMP/c" 'echo pid $$; exit 7'
	userns_join "$MR_TMP/c"
	bb_cfg "$MR_TMP/c" '.linux.namespaces += [{"type": "time"}]'
	iso_run uj-time-run "$MR_TMP/c"
	assert_status 7
	assert_equal "$output" "pid 1"
	[ ! -e "$MR_ROOT/uj-time-run" ] || fail "state left behind"
}

@test "userns: joined by path without a pid or time namespace of its own: no fork, the init is the process" {
	local b=$MR_TMP/b
	userns_holder
	iso_bundle "$b" 'echo hostname $(hostname); echo pidns $(stat -L -c %i /proc/self/ns/pid); echo pid $$; exec sleep 60'
	userns_join "$b"
	# the host's pid namespace is not the joined user namespace's: no new
	# proc there, bind the host's
	bb_cfg "$b" '.linux.namespaces |= map(select(.type != "pid")) | .hostname = "no-fork"
		| .mounts |= map(if .destination == "/proc"
			then {"destination": "/proc", "type": "bind", "source": "/proc", "options": ["rbind"]} else . end)'
	iso_run_detached uj-nopid "$b"
	wait_for 10 grep -q '^pid ' "$MR_TMP/uj-nopid.out"
	output=$(cat "$MR_TMP/uj-nopid.out")
	assert_equal "$(iso_field "$output" hostname)" no-fork
	assert_equal "$(iso_field "$output" pidns)" "$(iso_ns_inode pid)"
	assert_equal "$(iso_field "$output" pid)" "$(ct_pid uj-nopid)"
	assert_equal "$(ns_owner "$(ct_pid uj-nopid)" uts)" "$(iso_ns_inode "$HOLDER" user)"
}

@test "userns: a user namespace path that is not a user namespace is refused (with new namespaces), leaving nothing" {
	B=$MR_TMP/b
	iso_bundle "$B" 'echo ran'
	bb_cfg "$B" '.linux.namespaces += [{"type": "user", "path": $p}]' --arg p "/proc/$$/ns/net"
	create_fails uj-bad
	assert_equal "$stderr" "minirun: linux.namespaces[6] (user): /proc/$$/ns/net is not a user namespace"
}

@test "userns: joined by path, a failure in the forked init (missing executable) leaves nothing" {
	B=$MR_TMP/b
	userns_holder
	iso_bundle "$B" 'echo ran'
	userns_join "$B"
	bb_cfg "$B" '.process.args = ["no-such-program"] | .linux.namespaces += [{"type": "time"}]'
	create_fails uj-fail
	assert_contains "$stderr" no-such-program
}
