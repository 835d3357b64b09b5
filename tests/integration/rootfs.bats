#!/usr/bin/env bats
# The rootfs (issue 4, point 3, and checklist item 4 of DESIGN.md section 7):
# linux.rootfsPropagation, --no-pivot for a rootfs on ramfs, root.readonly,
# and a rootfs whose /proc, /sys or /dev is a symlink out of it.

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

# propagation_bundle DIR PROPAGATION: a bundle whose rootfs sits in a shared
# mount on the host (a bind of DIR on itself, its peer group in $HOST_PEER),
# with linux.rootfsPropagation set, an extra tmpfs at /mnt made "shared" by
# its mount options, and a process printing its mountinfo.
propagation_bundle() {
	local dir=$1
	iso_bundle "$dir" 'cat /proc/self/mountinfo'
	bb_cfg "$dir" '.linux.rootfsPropagation = $p
		| .mounts += [{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs", "options": ["shared"]}]' \
		--arg p "$2"
	iso_host_mount --bind "$dir" "$dir"
	mount --make-shared "$dir"
	HOST_PEER=$(awk -v mp="$dir" '$5 == mp' /proc/self/mountinfo | grep -o 'shared:[0-9]*' | cut -d: -f2)
	[ -n "$HOST_PEER" ] || fail "could not make $dir a shared mount on the host"
}

# no mount of the container's may have propagated to the host: nothing is
# mounted below the bundle's rootfs on the host.
refute_host_mounts_below() {
	local below
	below=$(awk -v d="$1/" 'index($5, d) == 1' /proc/self/mountinfo)
	[ -z "$below" ] || fail "mounts propagated to the host below $1: $below"
}

@test "rootfsPropagation shared: / is shared in a new peer group (not the host's), submounts are not" {
	local b=$MR_TMP/b opt
	propagation_bundle "$b" shared
	iso_run_ok prop-shared "$b"
	opt=$(iso_mount_optional "$output" /)
	assert_match "$opt" '(^| )shared:[0-9]+( |$)'
	refute_contains " $opt " " shared:$HOST_PEER "
	refute_contains "$(iso_mount_optional "$output" /proc)" shared:
	refute_host_mounts_below "$b/rootfs"
}

@test "rootfsPropagation rshared: / and its submounts are shared, in new peer groups" {
	local b=$MR_TMP/b opt
	propagation_bundle "$b" rshared
	iso_run_ok prop-rshared "$b"
	opt=$(iso_mount_optional "$output" /)
	assert_match "$opt" '(^| )shared:[0-9]+( |$)'
	refute_contains " $opt " " shared:$HOST_PEER "
	assert_match "$(iso_mount_optional "$output" /proc)" '(^| )shared:[0-9]+( |$)'
	refute_host_mounts_below "$b/rootfs"
}

@test "rootfsPropagation slave: / receives from the host's peer group (master:N), submounts do not" {
	local b=$MR_TMP/b
	propagation_bundle "$b" slave
	iso_run_ok prop-slave "$b"
	assert_equal "$(iso_mount_optional "$output" /)" "master:$HOST_PEER"
	assert_equal "$(iso_mount_optional "$output" /proc)" ""
	# non-recursive: the tmpfs made shared by its own options stays shared
	assert_match "$(iso_mount_optional "$output" /mnt)" '^shared:[0-9]+$'
	refute_host_mounts_below "$b/rootfs"
}

@test "rootfsPropagation rslave: / is master:N of the host's group, and no submount stays shared" {
	local b=$MR_TMP/b
	propagation_bundle "$b" rslave
	iso_run_ok prop-rslave "$b"
	assert_equal "$(iso_mount_optional "$output" /)" "master:$HOST_PEER"
	refute_contains "$(iso_mount_optional "$output" /mnt)" shared:
	refute_host_mounts_below "$b/rootfs"
}

@test "rootfsPropagation private: / has no propagation; a submount shared by its options stays shared" {
	local b=$MR_TMP/b
	propagation_bundle "$b" private
	iso_run_ok prop-private "$b"
	assert_equal "$(iso_mount_optional "$output" /)" ""
	assert_match "$(iso_mount_optional "$output" /mnt)" '^shared:[0-9]+$'
	refute_host_mounts_below "$b/rootfs"
}

@test "rootfsPropagation rprivate: / and every submount are private" {
	local b=$MR_TMP/b
	propagation_bundle "$b" rprivate
	iso_run_ok prop-rprivate "$b"
	assert_equal "$(iso_mount_optional "$output" /)" ""
	assert_equal "$(iso_mount_optional "$output" /mnt)" ""
	assert_equal "$(iso_mount_optional "$output" /proc)" ""
	refute_host_mounts_below "$b/rootfs"
}

@test "rootfsPropagation unbindable: / is unbindable, submounts are not" {
	local b=$MR_TMP/b
	propagation_bundle "$b" unbindable
	iso_run_ok prop-unbindable "$b"
	assert_equal "$(iso_mount_optional "$output" /)" unbindable
	assert_match "$(iso_mount_optional "$output" /mnt)" '^shared:[0-9]+$'
	assert_equal "$(iso_mount_optional "$output" /proc)" ""
	refute_host_mounts_below "$b/rootfs"
}

@test "rootfsPropagation runbindable: / and every submount are unbindable" {
	local b=$MR_TMP/b
	propagation_bundle "$b" runbindable
	iso_run_ok prop-runbindable "$b"
	assert_equal "$(iso_mount_optional "$output" /)" unbindable
	assert_equal "$(iso_mount_optional "$output" /mnt)" unbindable
	assert_equal "$(iso_mount_optional "$output" /proc)" unbindable
	refute_host_mounts_below "$b/rootfs"
}

@test "rootfsPropagation: an unknown value is refused, naming the field" {
	local b=$MR_TMP/b
	iso_bundle "$b" 'echo ran'
	bb_cfg "$b" '.linux.rootfsPropagation = "sideways"'
	iso_run_fails prop-bad "$b"
	refute_contains "$output" ran
	assert_contains "$stderr" rootfsPropagation
}

# run_traced ID DIR [RUN-OPTION...]: iso_run under strace, recording the
# pivot_root and chroot calls of minirun and its init in $MR_TMP/trace.
run_traced() {
	local id=$1 dir=$2
	shift 2
	command -v strace >/dev/null || skip "needs strace to see which of pivot_root/chroot is used"
	ct_track "$id"
	# LeakSanitizer cannot work under ptrace (an ASan build would abort at
	# exit): no leak check for this traced run only
	run --separate-stderr env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		timeout 60 strace -f -qq -e trace=pivot_root,chroot -o "$MR_TMP/trace" \
		"$MINIRUN" --root "$MR_ROOT" run --bundle "$dir" "$@" "$id"
}

@test "--no-pivot: a rootfs on ramfs runs through MS_MOVE + chroot (no pivot_root), read-only, / cannot be climbed out of" {
	local b=$MR_TMP/b before
	iso_bundle "$b" 'awk "\$5 == \"/\" { for (i = 7; \$i != \"-\"; i++); print \"root\", \$(i + 1) }" /proc/self/mountinfo
		cd /../../..; echo up $(ls -A); touch /x 2>&1; echo out >/out/written'
	mkdir "$b/ram"
	iso_host_mount -t ramfs ramfs "$b/ram"
	cp -a "$b/rootfs/." "$b/ram/"
	bb_cfg "$b" '.root.path = "ram"'
	before=$(iso_tree "$b/ram")
	run_traced nopivot "$b" --no-pivot
	assert_status 0
	assert_equal "$(iso_field "$output" root)" ramfs
	assert_equal "$(iso_field "$output" up)" "$(echo $(ls -A "$b/ram"))"
	assert_contains "$output" "touch: /x: Read-only file system"
	assert_equal "$(cat "$b/out/written")" out
	assert_match "$(cat "$MR_TMP/trace")" 'chroot\("\."\) += 0'
	refute_contains "$(cat "$MR_TMP/trace")" pivot_root
	# nothing was created in the ramfs rootfs on the host
	assert_equal "$(iso_tree "$b/ram")" "$before"
}

@test "pivot_root (default): used instead of chroot; the host's root is gone from the container's mount namespace" {
	local b=$MR_TMP/b pid
	iso_bundle "$b" 'echo ran'
	run_traced pivot "$b"
	assert_status 0
	assert_match "$(cat "$MR_TMP/trace")" 'pivot_root\(.*\) += 0'
	refute_contains "$(cat "$MR_TMP/trace")" chroot

	iso_bundle "$MR_TMP/c" 'exec sleep 60'
	iso_run_detached pivot-ns "$MR_TMP/c"
	pid=$(ct_pid pivot-ns)
	nsenter -t "$pid" -m stat /bin/busybox >/dev/null || fail "the rootfs is not the root of the container's mount namespace"
	! nsenter -t "$pid" -m stat "$MR_TMP" >/dev/null 2>&1 || fail "$MR_TMP (a host path) is reachable in the container's mount namespace"
}

@test "root.readonly: / is mounted read-only (touch fails with EROFS); mounts on it stay writable" {
	local b=$MR_TMP/b
	iso_bundle "$b" 'touch /x 2>&1; echo ro $(awk "\$5 == \"/\" { print \$6 }" /proc/self/mountinfo); touch /out/y && echo wrote-out'
	iso_run_ok ro-root "$b"
	assert_contains "$output" "touch: /x: Read-only file system"
	assert_opt "$(iso_field "$output" ro)" ro
	assert_contains "$output" wrote-out
	[ ! -e "$b/rootfs/x" ] || fail "/x was created in the rootfs"
}

@test "root.readonly false: / is writable and the file lands in the bundle's rootfs" {
	local b=$MR_TMP/b
	iso_bundle "$b" 'touch /x && echo touched; echo rw $(awk "\$5 == \"/\" { print \$6 }" /proc/self/mountinfo)'
	bb_cfg "$b" '.root.readonly = false'
	iso_run_ok rw-root "$b"
	assert_contains "$output" touched
	refute_opt "$(iso_field "$output" rw)" ro
	[ -f "$b/rootfs/x" ] || fail "/x is not in the bundle's rootfs"
}

@test "root.readonly in a user namespace: / is read-only too" {
	local b=$MR_TMP/b
	iso_bundle "$b" 'touch /x 2>&1; echo done'
	iso_userns "$b"
	iso_run_ok ro-root-userns "$b"
	assert_contains "$output" "touch: /x: Read-only file system"
}

# symlinked_rootfs_dir DIR NAME TARGET: DIR's rootfs has NAME (proc, sys,
# dev) as a symlink to TARGET instead of a directory.
symlinked_rootfs_dir() {
	rmdir "$1/rootfs/$2"
	ln -s "$3" "$1/rootfs/$2"
}

@test "symlinked rootfs: /proc as a symlink to a host path is refused; procfs is never mounted on the host path" {
	local b=$MR_TMP/b host=$MR_TMP/host-proc before
	mkdir "$host"
	echo keep >"$host/keep"
	before=$(iso_tree "$host")
	iso_bundle "$b" 'echo ran'
	symlinked_rootfs_dir "$b" proc "$host"
	iso_run_fails symlink-proc "$b"
	refute_contains "$output" ran
	assert_contains "$stderr" "mounts[0] (/proc)"
	assert_equal "$(iso_tree "$host")" "$before"
	assert_equal "$(mr_mounts)" ""
}

@test "symlinked rootfs: /proc as a relative symlink climbing out (../../..) is refused too" {
	local b=$MR_TMP/b host=$MR_TMP/host-proc before
	mkdir "$host"
	before=$(iso_tree "$host")
	iso_bundle "$b" 'echo ran'
	symlinked_rootfs_dir "$b" proc "../../../../../../../../../..$host"
	iso_run_fails symlink-proc-rel "$b"
	assert_contains "$stderr" "mounts[0] (/proc)"
	assert_equal "$(iso_tree "$host")" "$before"
	assert_equal "$(mr_mounts)" ""
}

@test "symlinked rootfs: /sys as a symlink to a host path is refused; sysfs is never mounted on the host path" {
	local b=$MR_TMP/b host=$MR_TMP/host-sys before idx
	mkdir "$host"
	before=$(iso_tree "$host")
	iso_bundle "$b" 'echo ran'
	symlinked_rootfs_dir "$b" sys "$host"
	idx=$(iso_mount_index "$b" /sys)
	iso_run_fails symlink-sys "$b"
	refute_contains "$output" ran
	assert_contains "$stderr" "mounts[$idx] (/sys)"
	assert_equal "$(iso_tree "$host")" "$before"
	assert_equal "$(mr_mounts)" ""
}

@test "symlinked rootfs: /dev as a symlink to a host path is contained: /dev is made inside the rootfs, the host path is untouched" {
	local b=$MR_TMP/b host=$MR_TMP/host-dev before host_points
	mkdir "$host"
	before=$(iso_tree "$host")
	host_points=$(host_mount_points)
	iso_bundle "$b" 'stat -c "%n %F %t:%T" /dev/null; cat /proc/self/mountinfo'
	symlinked_rootfs_dir "$b" dev "$host"
	hook_mountinfo "$b"
	iso_run "symlink-dev" "$b"
	if [ "$status" -eq 0 ]; then
		assert_contains "$output" "/dev/null character special file 1:3"
		# the tmpfs for /dev went where the link points inside the rootfs
		assert_equal "$(iso_mount_fstype "$output" "$host")" tmpfs
		assert_mounts_inside "$b" "$b/rootfs" "$host_points"
	else
		# or refused on purpose, naming the /dev mount and why
		assert_match "$stderr" '^minirun: mounts\[[0-9]+\] \(/dev\): .*(symlink|ordinary directory)'
	fi
	# neither the tmpfs, devpts nor any node or symlink reached the host path
	assert_equal "$(iso_tree "$host")" "$before"
	assert_equal "$(mr_mounts)" ""
}
