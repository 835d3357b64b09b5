#!/usr/bin/env bats
# config.json mounts (issue 4, point 4, and checklist item 3 of DESIGN.md
# section 7): bind/rbind of files and directories, tmpfs, proc, sysfs,
# devpts, mqueue, cgroup, overlay, mount flags, propagation options,
# tmpcopyup, recursive attributes (rro, rnosuid), data options, missing
# destinations, and destinations that are (or race to become) symlinks out
# of the rootfs.

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

# add_mounts DIR JSON-ARRAY [JQ-ARGS...]: append mounts to DIR's config.
add_mounts() {
	local dir=$1 mounts=$2
	shift 2
	bb_cfg "$dir" ".mounts += $mounts" "$@"
}

# ---- bind and rbind

@test "mounts: bind of a file (read-only) and of a directory; rbind brings submounts, bind does not" {
	local b=$MR_TMP/b
	mkdir -p "$MR_TMP/src/sub"
	echo file-data >"$MR_TMP/file"
	echo dir-data >"$MR_TMP/src/d"
	iso_host_mount -t tmpfs subtmp "$MR_TMP/src/sub"
	echo sub-data >"$MR_TMP/src/sub/s"
	iso_bundle "$b" 'cat /m/file /m/dir/d /m/rdir/d /m/rdir/sub/s; echo sub $(ls /m/dir/sub | wc -l)
		(echo x >/m/file) 2>&1; cat /proc/self/mountinfo'
	add_mounts "$b" '[
		{"destination": "/m/file", "type": "bind", "source": $f, "options": ["bind", "ro"]},
		{"destination": "/m/dir", "type": "bind", "source": $s, "options": ["bind"]},
		{"destination": "/m/rdir", "type": "bind", "source": $s, "options": ["rbind"]}]' \
		--arg f "$MR_TMP/file" --arg s "$MR_TMP/src"
	iso_run_ok bind "$b"
	assert_contains "$output" "file-data
dir-data
dir-data
sub-data
sub 0"
	assert_contains "$output" "Read-only file system"
	assert_opt "$(iso_mount_opts "$output" /m/file)" ro
	assert_equal "$(iso_mount_fstype "$output" /m/rdir/sub)" tmpfs
	assert_equal "$(iso_mount_line "$output" /m/dir/sub)" ""
	assert_equal "$(cat "$MR_TMP/file")" file-data
}

@test "mounts: a bind without type (\"bind\" in options only) and a writable bind write through to the host" {
	local b=$MR_TMP/b
	mkdir "$MR_TMP/src"
	iso_bundle "$b" 'echo written >/m/w/new && echo ok'
	add_mounts "$b" '[{"destination": "/m/w", "source": $s, "options": ["rbind", "rw"]}]' --arg s "$MR_TMP/src"
	iso_run_ok bind-notype "$b"
	assert_equal "$output" ok
	assert_equal "$(cat "$MR_TMP/src/new")" written
}

# ---- filesystems

@test "mounts: tmpfs with size=, mode=, uid=, gid= data options" {
	local b=$MR_TMP/b
	iso_bundle "$b" 'stat -c "stat %a %u %g" /m/t; cat /proc/self/mountinfo'
	add_mounts "$b" '[{"destination": "/m/t", "type": "tmpfs", "source": "tmpfs",
		"options": ["size=1m", "mode=710", "uid=5", "gid=6", "nr_inodes=1k"]}]'
	iso_run_ok tmpfs-data "$b"
	assert_equal "$(iso_field "$output" stat)" "710 5 6"
	local sopts
	sopts=$(iso_super_opts "$output" /m/t)
	assert_opt "$sopts" size=1024k
	assert_opt "$sopts" mode=710
	assert_opt "$sopts" uid=5
	assert_opt "$sopts" gid=6
	assert_opt "$sopts" nr_inodes=1024
}

@test "mounts: proc, sysfs, devpts and mqueue at extra destinations are instances of those filesystems" {
	local b=$MR_TMP/b
	iso_bundle "$b" 'cat /proc/self/mountinfo; echo pid1 $(cat /m/proc/1/comm)'
	add_mounts "$b" '[
		{"destination": "/m/proc", "type": "proc", "source": "proc"},
		{"destination": "/m/sys", "type": "sysfs", "source": "sysfs", "options": ["ro", "nosuid"]},
		{"destination": "/m/pts", "type": "devpts", "source": "devpts", "options": ["newinstance", "ptmxmode=0666"]},
		{"destination": "/m/mq", "type": "mqueue", "source": "mqueue"}]'
	iso_run_ok fs-types "$b"
	assert_equal "$(iso_mount_fstype "$output" /m/proc)" proc
	assert_equal "$(iso_mount_fstype "$output" /m/sys)" sysfs
	assert_equal "$(iso_mount_fstype "$output" /m/pts)" devpts
	assert_equal "$(iso_mount_fstype "$output" /m/mq)" mqueue
	assert_opt "$(iso_mount_opts "$output" /m/sys)" ro
	assert_opt "$(iso_super_opts "$output" /m/pts)" ptmxmode=666
	# the new procfs shows the container's pid namespace
	assert_equal "$(iso_field "$output" pid1)" sh
}

@test "mounts: cgroup (v1 hybrid host) gives /sys/fs/cgroup with the host's hierarchies and controllers" {
	[ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ] || skip "the host is cgroup v2 only (covered on the v2 lane)"
	local b=$MR_TMP/b h expected
	iso_bundle "$b" 'echo list $(ls /sys/fs/cgroup); cat /proc/self/mountinfo'
	iso_run_ok cgroup-v1 "$b"
	expected=$(echo $(ls /sys/fs/cgroup))
	assert_equal "$(iso_field "$output" list)" "$expected"
	assert_equal "$(iso_mount_fstype "$output" /sys/fs/cgroup)" tmpfs
	for h in /sys/fs/cgroup/*; do
		local mp=$h host_type host_sopts
		host_type=$(iso_mount_fstype "$(cat /proc/self/mountinfo)" "$mp")
		host_sopts=$(iso_super_opts "$(cat /proc/self/mountinfo)" "$mp")
		assert_equal "$(iso_mount_fstype "$output" "$mp")" "$host_type"
		# same controllers (cpu, memory, name=systemd, ...)
		assert_equal "$(iso_super_opts "$output" "$mp")" "$host_sopts"
		# config.json's options: ro, nosuid, nodev, noexec
		assert_opt "$(iso_mount_opts "$output" "$mp")" ro
	done
}

@test "mounts: overlay with lowerdir/upperdir/workdir: a read-only image plus a writable layer (writes land in upperdir)" {
	grep -qw overlay /proc/filesystems || skip "the kernel has no overlay filesystem"
	local b=$MR_TMP/b lower=$MR_TMP/lower upper=$MR_TMP/upper work=$MR_TMP/work before
	mkdir -p "$lower/d" "$upper" "$work"
	echo base >"$lower/d/f"
	echo keep >"$lower/d/k"
	before=$(iso_tree "$lower")
	iso_bundle "$b" 'cat /ov/d/f; echo new >/ov/d/g; echo changed >/ov/d/f; rm /ov/d/k; cat /proc/self/mountinfo'
	add_mounts "$b" '[{"destination": "/ov", "type": "overlay", "source": "overlay",
		"options": ["lowerdir=" + $l, "upperdir=" + $u, "workdir=" + $w]}]' \
		--arg l "$lower" --arg u "$upper" --arg w "$work"
	iso_run_ok overlay "$b"
	assert_equal "${lines[0]}" base
	assert_equal "$(iso_mount_fstype "$output" /ov)" overlay
	assert_equal "$(cat "$upper/d/g")" new
	assert_equal "$(cat "$upper/d/f")" changed
	# the whiteout of k is a 0:0 char device in upperdir
	assert_equal "$(stat -c '%F %t:%T' "$upper/d/k")" "character special file 0:0"
	assert_equal "$(iso_tree "$lower")" "$before"
}

# ---- flags

@test "mounts: ro, nosuid, nodev, noexec, relatime, strictatime, noatime show in mountinfo and take effect" {
	local b=$MR_TMP/b
	# busybox runs the applet named by argv[0]: copies named "true"
	iso_bundle "$b" 'cp /bin/busybox /m/exec/true; /m/exec/true && echo exec-ok
		cp /bin/busybox /m/noexec/true; /m/noexec/true 2>/dev/null || echo noexec-refused
		touch /m/ro/x 2>/dev/null || echo ro-refused
		cat /proc/self/mountinfo'
	add_mounts "$b" '[
		{"destination": "/m/ro", "type": "tmpfs", "source": "tmpfs", "options": ["ro", "nosuid", "nodev"]},
		{"destination": "/m/exec", "type": "tmpfs", "source": "tmpfs", "options": ["exec", "relatime"]},
		{"destination": "/m/noexec", "type": "tmpfs", "source": "tmpfs", "options": ["noexec", "strictatime"]},
		{"destination": "/m/noatime", "type": "tmpfs", "source": "tmpfs", "options": ["noatime"]}]'
	iso_run_ok flags "$b"
	assert_contains "$output" exec-ok
	assert_contains "$output" noexec-refused
	assert_contains "$output" ro-refused
	local o
	o=$(iso_mount_opts "$output" /m/ro)
	assert_opt "$o" ro
	assert_opt "$o" nosuid
	assert_opt "$o" nodev
	o=$(iso_mount_opts "$output" /m/exec)
	refute_opt "$o" noexec
	assert_opt "$o" relatime
	o=$(iso_mount_opts "$output" /m/noexec)
	assert_opt "$o" noexec
	# strictatime: neither relatime nor noatime
	refute_opt "$o" relatime
	refute_opt "$o" noatime
	assert_opt "$(iso_mount_opts "$output" /m/noatime)" noatime
}

@test "mounts: flags on a bind (ro, nosuid, nodev, noexec) are applied by a remount of the bind" {
	local b=$MR_TMP/b
	mkdir "$MR_TMP/src"
	iso_bundle "$b" 'touch /m/b/x 2>/dev/null || echo ro-refused; cat /proc/self/mountinfo'
	add_mounts "$b" '[{"destination": "/m/b", "type": "bind", "source": $s,
		"options": ["rbind", "ro", "nosuid", "nodev", "noexec"]}]' --arg s "$MR_TMP/src"
	iso_run_ok bind-flags "$b"
	assert_contains "$output" ro-refused
	local o
	o=$(iso_mount_opts "$output" /m/b)
	assert_opt "$o" ro
	assert_opt "$o" nosuid
	assert_opt "$o" nodev
	assert_opt "$o" noexec
	[ ! -e "$MR_TMP/src/x" ] || fail "the read-only bind was written through"
}

@test "mounts: propagation options (shared, unbindable, private, rslave of a shared host mount)" {
	local b=$MR_TMP/b peer
	mkdir "$MR_TMP/shared"
	iso_host_mount --bind "$MR_TMP/shared" "$MR_TMP/shared"
	mount --make-shared "$MR_TMP/shared"
	peer=$(iso_mount_optional "$(cat /proc/self/mountinfo)" "$MR_TMP/shared" | grep -o 'shared:[0-9]*' | cut -d: -f2)
	iso_bundle "$b" 'cat /proc/self/mountinfo'
	add_mounts "$b" '[
		{"destination": "/m/shared", "type": "tmpfs", "source": "tmpfs", "options": ["shared"]},
		{"destination": "/m/unbindable", "type": "tmpfs", "source": "tmpfs", "options": ["unbindable"]},
		{"destination": "/m/private", "type": "tmpfs", "source": "tmpfs", "options": ["shared", "private"]},
		{"destination": "/m/slave", "type": "bind", "source": $s, "options": ["rbind", "rslave"]}]' \
		--arg s "$MR_TMP/shared"
	iso_run_ok propagation "$b"
	assert_match "$(iso_mount_optional "$output" /m/shared)" '^shared:[0-9]+$'
	assert_equal "$(iso_mount_optional "$output" /m/unbindable)" unbindable
	assert_equal "$(iso_mount_optional "$output" /m/private)" ""
	assert_equal "$(iso_mount_optional "$output" /m/slave)" "master:$peer"
}

# ---- tmpcopyup, recursive attributes

@test "mounts: tmpcopyup: a tmpfs over a rootfs directory starts with its files (content, modes, owners, symlinks); writes stay off the host" {
	local b=$MR_TMP/b before
	iso_bundle "$b" 'cat /etc/cfg/a; stat -c "%n %a %u:%g" /etc/cfg/a /etc/cfg/sub /etc/cfg/sub/x; echo link $(readlink /etc/cfg/l)
		echo w >/etc/cfg/new && echo wrote; cat /proc/self/mountinfo'
	mkdir -p "$b/rootfs/etc/cfg/sub"
	echo original >"$b/rootfs/etc/cfg/a"
	chmod 604 "$b/rootfs/etc/cfg/a"
	chown 7:8 "$b/rootfs/etc/cfg/a"
	echo x >"$b/rootfs/etc/cfg/sub/x"
	chmod 750 "$b/rootfs/etc/cfg/sub"
	ln -s a "$b/rootfs/etc/cfg/l"
	before=$(iso_tree "$b/rootfs/etc/cfg")
	add_mounts "$b" '[{"destination": "/etc/cfg", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "mode=755"]}]'
	iso_run_ok tmpcopyup "$b"
	assert_equal "${lines[0]}" original
	assert_contains "$output" "/etc/cfg/a 604 7:8"
	assert_contains "$output" "/etc/cfg/sub 750 0:0"
	assert_contains "$output" "/etc/cfg/sub/x 644 0:0"
	assert_equal "$(iso_field "$output" link)" a
	assert_contains "$output" wrote
	assert_equal "$(iso_mount_fstype "$output" /etc/cfg)" tmpfs
	assert_equal "$(iso_tree "$b/rootfs/etc/cfg")" "$before"
}

@test "mounts: tmpcopyup with ro: filled, then read-only" {
	local b=$MR_TMP/b
	iso_bundle "$b" 'cat /etc/cfg/a; touch /etc/cfg/b 2>&1; cat /proc/self/mountinfo'
	mkdir -p "$b/rootfs/etc/cfg"
	echo original >"$b/rootfs/etc/cfg/a"
	add_mounts "$b" '[{"destination": "/etc/cfg", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "ro"]}]'
	iso_run_ok tmpcopyup-ro "$b"
	assert_equal "${lines[0]}" original
	assert_contains "$output" "Read-only file system"
	assert_opt "$(iso_mount_opts "$output" /etc/cfg)" ro
}

@test "mounts: rro and rnosuid make every submount of an rbind read-only and nosuid; plain ro only the top one" {
	local b=$MR_TMP/b
	mkdir -p "$MR_TMP/src/sub"
	iso_host_mount -t tmpfs subtmp "$MR_TMP/src/sub"
	iso_bundle "$b" 'touch /m/r/sub/x 2>/dev/null || echo r-sub-refused; touch /m/p/sub/y && echo p-sub-written
		cat /proc/self/mountinfo'
	add_mounts "$b" '[
		{"destination": "/m/r", "type": "bind", "source": $s, "options": ["rbind", "rro", "rnosuid"]},
		{"destination": "/m/p", "type": "bind", "source": $s, "options": ["rbind", "ro"]}]' --arg s "$MR_TMP/src"
	iso_run_ok rro "$b"
	assert_contains "$output" r-sub-refused
	assert_contains "$output" p-sub-written
	local o
	for mp in /m/r /m/r/sub; do
		o=$(iso_mount_opts "$output" "$mp")
		assert_opt "$o" ro
		assert_opt "$o" nosuid
	done
	assert_opt "$(iso_mount_opts "$output" /m/p)" ro
	refute_opt "$(iso_mount_opts "$output" /m/p/sub)" ro
	[ ! -e "$MR_TMP/src/sub/x" ] || fail "rro was written through"
}

# ---- destinations

@test "mounts: missing destinations are created inside the rootfs: directories (deep) and a file for a file bind" {
	local b=$MR_TMP/b
	echo conf >"$MR_TMP/conf"
	iso_bundle "$b" 'stat -c "%n %F" /new/deep/dir /etc/new.conf; cat /etc/new.conf'
	add_mounts "$b" '[
		{"destination": "/new/deep/dir", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/etc/new.conf", "type": "bind", "source": $c, "options": ["bind"]}]' --arg c "$MR_TMP/conf"
	iso_run_ok mkdest "$b"
	assert_contains "$output" "/new/deep/dir directory"
	assert_contains "$output" "/etc/new.conf regular file"
	assert_contains "$output" conf
	# made in the bundle's rootfs (the host view), nowhere else
	[ -d "$b/rootfs/new/deep/dir" ] || fail "no /new/deep/dir in the bundle's rootfs"
	[ -f "$b/rootfs/etc/new.conf" ] || fail "no /etc/new.conf file in the bundle's rootfs"
	[ ! -e /new ] || fail "/new was created on the host"
}

@test "mounts: a mount error names mounts[N] and the destination" {
	local b=$MR_TMP/b idx
	iso_bundle "$b" 'echo ran'
	add_mounts "$b" '[{"destination": "/m/missing-src", "type": "bind", "source": $s, "options": ["bind"]}]' \
		--arg s "$MR_TMP/no-such-source"
	idx=$(iso_mount_index "$b" /m/missing-src)
	iso_run_fails mnt-err-src "$b"
	refute_contains "$output" ran
	assert_contains "$stderr" "mounts[$idx] (/m/missing-src)"
	assert_contains "$stderr" "$MR_TMP/no-such-source"

	iso_bundle "$MR_TMP/c" 'echo ran'
	add_mounts "$MR_TMP/c" '[{"destination": "/m/badfs", "type": "no-such-fs", "source": "x"}]'
	idx=$(iso_mount_index "$MR_TMP/c" /m/badfs)
	iso_run_fails mnt-err-type "$MR_TMP/c"
	assert_contains "$stderr" "mounts[$idx] (/m/badfs)"

	iso_bundle "$MR_TMP/d" 'echo ran'
	add_mounts "$MR_TMP/d" '[{"destination": "/m/baddata", "type": "tmpfs", "source": "tmpfs", "options": ["size=lots"]}]'
	idx=$(iso_mount_index "$MR_TMP/d" /m/baddata)
	iso_run_fails mnt-err-data "$MR_TMP/d"
	assert_contains "$stderr" "mounts[$idx] (/m/baddata)"
}

# ---- bind sources in a user namespace: opened by the runtime, on the host side

# private_sources DIR: DIR (root's, mode 0700: the container's mapped root
# cannot search it) holding data/file, a symlink link -> data, a file
# single, and a submount data/sub (tmpfs, with sub-file); a symlink
# DIR.link -> DIR/data outside it.
private_sources() {
	mkdir -p "$1/data/sub"
	echo hello >"$1/data/file"
	echo single >"$1/single"
	ln -s data "$1/link"
	ln -s "$1/data" "$1.link"
	iso_host_mount -t tmpfs -o mode=755 privsub "$1/data/sub"
	echo sub >"$1/data/sub/sub-file"
	chown 0:0 "$1"
	chmod 700 "$1"
}

@test "mounts: in a user namespace a bind source under a 0700 root directory is mounted (the runtime opens it on the host)" {
	local b=$MR_TMP/b
	private_sources "$MR_TMP/priv"
	iso_bundle "$b" 'cat /p/file; id -u'
	iso_userns "$b"
	# (the rootfs is host root's: the mapped root cannot make destinations in it)
	mkdir "$b/rootfs/p"
	add_mounts "$b" '[{"destination": "/p", "type": "bind", "source": $s, "options": ["bind", "ro"]}]' \
		--arg s "$MR_TMP/priv/data"
	iso_run_ok userns-priv "$b"
	assert_equal "${lines[0]}" hello
	assert_equal "${lines[1]}" 0
	# the mapped root could not have reached it by itself
	run setpriv --reuid "$ISO_UID" --regid "$ISO_UID" --clear-groups cat "$MR_TMP/priv/data/file"
	[ "$status" -ne 0 ] || fail "the mapped root can read $MR_TMP/priv/data/file itself: the test proves nothing"
}

@test "mounts: in a user namespace bind sources through symlinks (in and to a 0700 directory), files, rbind and relative sources" {
	local b=$MR_TMP/b
	private_sources "$MR_TMP/priv"
	iso_bundle "$b" 'cat /in/file /out-link/file /single /r/sub/sub-file /rel/x; echo sub $(ls /nr/sub | wc -l)
		(echo y >/single) 2>&1; grep -c " /r/sub " /proc/self/mountinfo'
	iso_userns "$b"
	mkdir "$b/rootfs/in" "$b/rootfs/out-link" "$b/rootfs/r" "$b/rootfs/nr" "$b/rootfs/rel"
	touch "$b/rootfs/single"
	mkdir "$b/relsrc" && echo rel >"$b/relsrc/x"
	add_mounts "$b" '[
		{"destination": "/in", "type": "bind", "source": ($p + "/link"), "options": ["bind"]},
		{"destination": "/out-link", "type": "bind", "source": ($p + ".link"), "options": ["bind"]},
		{"destination": "/single", "type": "bind", "source": ($p + "/single"), "options": ["bind", "ro"]},
		{"destination": "/r", "type": "bind", "source": ($p + "/data"), "options": ["rbind"]},
		{"destination": "/nr", "type": "bind", "source": ($p + "/data"), "options": ["bind"]},
		{"destination": "/rel", "type": "bind", "source": "relsrc", "options": ["bind"]}]' --arg p "$MR_TMP/priv"
	iso_run_ok userns-binds "$b"
	assert_equal "$(printf '%s\n' "${lines[@]:0:5}")" "$(printf '%s\n' hello hello single sub rel)"
	# bind brings no submount, rbind does; a file bind is a file, read-only
	assert_contains "$output" "sub 0"
	assert_contains "$output" "Read-only file system"
	assert_equal "${lines[${#lines[@]} - 1]}" 1
	[ "$(cat "$MR_TMP/priv/single")" = single ] || fail "the read-only file bind was written through"
}

# idmap_supported DIR: an idmapped bind of DIR works here, without a user
# namespace (DIR's filesystem supports idmapped mounts: overlayfs on Linux
# 6.1 does not).
idmap_supported() {
	local p=$MR_TMP/idmap-probe
	iso_bundle "$p" true
	bb_cfg "$p" '.mounts += [{"destination": "/probe", "type": "bind", "source": $s, "options": ["bind"],
		"uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
		"gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}]' --arg s "$1"
	ct_track idmap-probe
	timeout 30 "$MINIRUN" --root "$MR_ROOT" run --bundle "$p" idmap-probe >/dev/null 2>&1
}

@test "mounts: in a user namespace an idmapped bind through a symlinked source (to a 0700 directory) shows the mapped owners" {
	local b=$MR_TMP/b
	private_sources "$MR_TMP/priv"
	idmap_supported "$MR_TMP/priv/data" || skip "$(stat -fc %T "$MR_TMP") here does not support idmapped mounts"
	chown 1000:1000 "$MR_TMP/priv/data/file"
	iso_bundle "$b" 'stat -c "%n %u:%g" /idm/file /idm'
	iso_userns "$b"
	mkdir "$b/rootfs/idm"
	# on disk 1000 -> kernel id 101000 (the mapping) -> 1000 in the container
	add_mounts "$b" '[{"destination": "/idm", "type": "bind", "source": $s, "options": ["bind", "idmap"]}]' \
		--arg s "$MR_TMP/priv.link"
	iso_run_ok userns-idmap-link "$b"
	assert_contains "$output" "/idm/file 1000:1000"
	assert_contains "$output" "/idm 0:0"
}

@test "mounts: in a user namespace a missing bind source is an error naming mounts[N], the destination and the source" {
	local b=$MR_TMP/b idx
	iso_bundle "$b" 'echo ran'
	iso_userns "$b"
	add_mounts "$b" '[{"destination": "/m/missing", "type": "bind", "source": $s, "options": ["bind"]}]' \
		--arg s "$MR_TMP/no-such-source"
	idx=$(iso_mount_index "$b" /m/missing)
	iso_run_fails userns-missing-src "$b"
	refute_contains "$output" ran
	assert_contains "$stderr" "mounts[$idx] (/m/missing): bind source $MR_TMP/no-such-source: No such file or directory"
}

# ---- symlinks out of the rootfs (CVE-2021-30465 class)

@test "mounts security: destinations that are symlinks to /etc, ../../../<test dir>/host and a host file, or climb with .., stay inside the rootfs" {
	local b=$MR_TMP/b host=$MR_TMP/host before host_points
	mkdir -p "$host" "$MR_TMP/src"
	echo host-secret >"$host/file"
	echo src >"$MR_TMP/src/s"
	echo fsrc >"$MR_TMP/fsrc"
	before=$(iso_tree "$host")
	host_points=$(host_mount_points)
	iso_bundle "$b" 'echo etc $(ls /etc); echo file $(cat '"$host"'/file); cat /proc/self/mountinfo'
	ln -s /etc "$b/rootfs/evil-abs"
	ln -s "../../../../../../../../../..$host" "$b/rootfs/evil-rel"
	ln -s "$host/file" "$b/rootfs/evil-file"
	add_mounts "$b" '[
		{"destination": "/evil-abs", "type": "bind", "source": $s, "options": ["bind"]},
		{"destination": "/evil-rel", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/evil-file", "type": "bind", "source": $f, "options": ["bind"]},
		{"destination": ("/../../../../../../../.." + $h + "/dotdot"), "type": "tmpfs", "source": "tmpfs"}]' \
		--arg s "$MR_TMP/src" --arg f "$MR_TMP/fsrc" --arg h "$host"
	hook_mountinfo "$b"
	iso_run_ok symlink-dest "$b"
	# in the container: the binds sit on its own /etc and $host path
	assert_equal "$(iso_field "$output" etc)" s
	assert_equal "$(iso_field "$output" file)" fsrc
	assert_equal "$(iso_mount_line "$output" /etc | awk '{ print $4 }')" "$MR_TMP/src"
	assert_equal "$(iso_mount_fstype "$output" "$host")" tmpfs
	assert_equal "$(iso_mount_fstype "$output" "$host/dotdot")" tmpfs
	# before pivot_root, every new mount point was inside the rootfs
	assert_mounts_inside "$b" "$b/rootfs" "$host_points"
	# the host: its /etc and $host are untouched
	assert_equal "$(iso_tree "$host")" "$before"
	assert_equal "$(cat "$host/file")" host-secret
	[ ! -e /etc/s ] || fail "the bind landed on the host's /etc"
}

# swap_loop DIR A B: exchange DIR/A and DIR/B (renameat2 RENAME_EXCHANGE)
# as fast as possible until killed.
swap_loop() {
	exec python3 - "$1" "$2" "$3" <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD, RENAME_EXCHANGE = -100, 2
d, a, b = sys.argv[1:4]
a, b = os.path.join(d, a).encode(), os.path.join(d, b).encode()
while True:
    libc.renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE)
PY
}

@test "mounts security: a destination racing between a directory and a symlink to a host directory (50 containers) never mounts outside the rootfs" {
	local b=$MR_TMP/b host=$MR_TMP/host before host_points n ok=0 failed=0 rootfs
	mkdir -p "$host/sub" "$MR_TMP/src"
	echo host >"$host/sub/keep"
	echo src >"$MR_TMP/src/s"
	before=$(iso_tree "$host")
	host_points=$(host_mount_points)
	iso_bundle "$b" 'true'
	rootfs=$b/rootfs
	mkdir -p "$rootfs/race/sub"
	ln -s "../../../../../../../../../..$host" "$rootfs/race-alt"
	mkdir -p "$rootfs/race2/sub"
	ln -s "$host" "$rootfs/race2-alt"
	add_mounts "$b" '[
		{"destination": "/race/sub", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/race/sub/new", "type": "bind", "source": $s, "options": ["bind"]},
		{"destination": "/race2/sub", "type": "bind", "source": $s, "options": ["bind"]}]' --arg s "$MR_TMP/src"
	hook_mountinfo "$b"
	iso_bg swap_loop "$rootfs" race race-alt
	iso_bg swap_loop "$rootfs" race2 race2-alt
	for n in $(seq 1 50); do
		ct_track "race-$n"
		if timeout 20 "$MINIRUN" --root "$MR_ROOT" run --bundle "$b" "race-$n" >/dev/null 2>>"$MR_TMP/race-errors"; then
			ok=$((ok + 1))
		else
			failed=$((failed + 1))
		fi
		# no mount ever reaches the host's table
		assert_equal "$(mr_mounts)" ""
	done
	iso_stop_background
	# how often the symlink side was hit (then the mount went to the
	# link's target resolved inside the rootfs)
	local via_link
	via_link=$(grep -l -F " $rootfs$host/" "$b"/hook-mi/mi.* 2>/dev/null | wc -l)
	echo "# race: $ok containers ran, $failed were refused, $via_link mounted through the symlink" >&3
	# every refusal is a clean minirun error
	if [ -s "$MR_TMP/race-errors" ]; then
		[ -z "$(grep -v '^minirun: ' "$MR_TMP/race-errors")" ] || fail "unexpected output: $(cat "$MR_TMP/race-errors")"
	fi
	assert_mounts_inside "$b" "$rootfs" "$host_points"
	# every container that ran was seen by the hook
	[ "$(ls "$b/hook-mi" | wc -l)" -ge "$ok" ] || fail "fewer hook dumps than containers that ran"
	assert_equal "$(iso_tree "$host")" "$before"
}
