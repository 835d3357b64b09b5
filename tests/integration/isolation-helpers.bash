# Helpers shared by the isolation tests (namespaces, userns, rootfs, mounts,
# devices, paths): `load helpers` then `load isolation-helpers`, and
#   setup_file() { iso_setup_file; }
#   setup()      { iso_setup; }
#   teardown()   { iso_teardown; }
#
# Every test gets, on top of helpers.bash's $MR_TMP/$MR_ROOT and container
# tracking:
#   - $MR_TMP made world-searchable (a container in a user namespace runs as
#     a mapped uid that must reach its rootfs inside it);
#   - a snapshot of the host's mount table, compared in teardown: the test
#     fails when a mount appeared or disappeared on the host (outside other
#     tests' temporary directories) while it ran;
#   - host mounts a test makes itself (iso_host_mount) undone in teardown,
#     after its containers are deleted.
#
# A container's view is read by running it with process.args printing what
# is checked (iso_bundle DIR SCRIPT, then iso_run ID DIR).

: "${CONSOLE_RECEIVER:=$TOP_BUILDDIR/tests/tools/console-receiver}"
export CONSOLE_RECEIVER

# iso_setup_file: the shared busybox rootfs (helpers.bash), with the mount
# points every test uses.
iso_setup_file() {
	bb_setup_file || return 1
	mkdir -p "$BB_ROOTFS/mnt"
}

iso_setup() {
	mr_setup || return 1
	chmod 755 "$MR_TMP"
	ISO_HOST_MOUNTS_BEFORE=$(iso_host_mounts)
}

iso_teardown() {
	local problems="" root id out now mp
	cd / || true
	# delete first, so that our own host mounts are no longer busy
	if [ -f "$MR_TMP/.ct-ids" ]; then
		while IFS=$'\t' read -r root id; do
			timeout 20 "$MINIRUN" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
		done <"$MR_TMP/.ct-ids"
	fi
	iso_stop_background
	if [ -f "$MR_TMP/.iso-host-mounts" ]; then
		sort -r "$MR_TMP/.iso-host-mounts" | while read -r mp; do
			umount -l "$mp" 2>/dev/null || true
		done
	fi
	now=$(iso_host_mounts)
	if [ "$now" != "$ISO_HOST_MOUNTS_BEFORE" ]; then
		problems+="the host's mount table changed:"$'\n'
		problems+=$(diff <(printf '%s\n' "$ISO_HOST_MOUNTS_BEFORE") <(printf '%s\n' "$now") || true)$'\n'
	fi
	out=$(ct_teardown 2>&1) || problems+=$out$'\n'
	if [ -n "$problems" ]; then
		printf '%s' "$problems" >&2
		return 1
	fi
}

# iso_host_mounts: the host's mount table as "mount-point fstype source
# options", sorted, leaving out the mounts of this test's own $MR_TMP
# (helpers.bash checks those) and what other suites and clients running at
# the same time mount: their temporary directories, network namespaces and
# container storage. Mount ids are left out: a remount keeps them.
iso_host_mounts() {
	local tmp=${TMPDIR:-/tmp}
	awk -v tmp="${tmp%/}/" -v mine="$MR_TMP" '
		{
			mp = $5
			if (index(mp, mine "/") == 1 || mp == mine) next
			if (index(mp, tmp) == 1 || index(mp, "/tmp/") == 1) next
			if (mp ~ "^/(var/)?run/(netns|user|containers|containerd|crun|runc)(/|$)") next
			if (mp ~ "^/var/lib/(containers|containerd)(/|$)") next
			sep = 0
			for (i = 7; i <= NF; i++) if ($i == "-") { sep = i; break }
			print mp, $(sep + 1), $(sep + 2), $6, $(sep + 3)
		}' /proc/self/mountinfo | sort
}

# iso_host_mount ARGS...: mount(8) on the host, undone (lazily) in teardown.
# The last argument is the mount point.
iso_host_mount() {
	mount "$@" || return 1
	printf '%s\n' "${!#}" >>"$MR_TMP/.iso-host-mounts"
}

# iso_bg COMMAND...: run COMMAND in the background; killed in teardown.
iso_bg() {
	"$@" &
	echo $! >>"$MR_TMP/.iso-bg"
}

iso_stop_background() {
	local pid
	[ -f "$MR_TMP/.iso-bg" ] || return 0
	while read -r pid; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done <"$MR_TMP/.iso-bg"
	rm -f "$MR_TMP/.iso-bg"
}

# iso_bundle DIR [SCRIPT]: a busybox bundle in DIR (helpers.bash's bb_bundle:
# hard-linked rootfs, DIR/out bound at /out) whose process runs
# `sh -c SCRIPT`.
iso_bundle() {
	if [ $# -ge 2 ]; then
		bb_bundle "$1" sh -c "$2"
	else
		bb_bundle "$1"
	fi
}

# iso_userns DIR: give DIR's config a user namespace mapping 0-65535 to
# 100000-165535 (uids and gids), and make DIR/out writable by it.
ISO_UID=100000
iso_userns() {
	bb_cfg "$1" '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	chown "$ISO_UID:$ISO_UID" "$1/out"
}

# iso_run ID DIR [RUN-OPTION...]: `minirun run` the bundle DIR as ID (tracked
# for teardown), as bats' `run --separate-stderr`: $status, $output (the
# container's stdout), $lines, $stderr.
iso_run() {
	local id=$1 dir=$2
	shift 2
	ct_track "$id"
	run --separate-stderr timeout 60 "$MINIRUN" --root "$MR_ROOT" run --bundle "$dir" "$@" "$id"
}

# iso_run_detached ID DIR [RUN-OPTION...]: `minirun run -d` (tracked, its pid
# too), the container's stdio in $MR_TMP/ID.out and ID.err (a pipe would
# keep bats waiting); fails with minirun's error when it fails.
iso_run_detached() {
	local id=$1 dir=$2
	shift 2
	ct_track "$id"
	if ! timeout 60 "$MINIRUN" --root "$MR_ROOT" run -d --bundle "$dir" "$@" "$id" \
		</dev/null >"$MR_TMP/$id.out" 2>"$MR_TMP/$id.err"; then
		echo "run -d $id failed: $(cat "$MR_TMP/$id.err")" >&2
		return 1
	fi
	ct_track_pid "$(ct_pid "$id")"
}

# iso_run_ok ID DIR [RUN-OPTION...]: iso_run, and fail unless it exited 0.
iso_run_ok() {
	iso_run "$@"
	assert_status 0
}

# iso_run_fails ID DIR [RUN-OPTION...]: iso_run, and fail unless minirun
# failed before the container's process ran (status 1, a "minirun: ..."
# error on stderr); then no state may be left for ID.
iso_run_fails() {
	iso_run "$@"
	if [ "$status" -eq 0 ]; then
		echo "expected the container to be refused; it ran:" >&2
		echo "stdout: $output" >&2
		echo "stderr: $stderr" >&2
		return 1
	fi
	assert_match "$stderr" '(^|'$'\n'')minirun: ' || return 1
	[ ! -e "$MR_ROOT/$1" ] || fail "state left behind for $1 after a failed run"
}

# iso_ns_inode [PID] TYPE: the inode of /proc/PID/ns/TYPE (default self).
iso_ns_inode() {
	local pid=self
	[ $# -eq 1 ] || {
		pid=$1
		shift
	}
	stat -L -c %i "/proc/$pid/ns/$1"
}

# iso_field OUTPUT KEY: the rest of the line of OUTPUT that starts with
# "KEY " (the container prints "key value" lines).
iso_field() {
	printf '%s\n' "$1" | sed -n "s|^$2 ||p" | head -n 1
}

# iso_mount_line MOUNTINFO MOUNTPOINT: the (last) line of a mountinfo text
# whose mount point (field 5) is MOUNTPOINT.
iso_mount_line() {
	printf '%s\n' "$1" | awk -v mp="$2" '$5 == mp' | tail -n 1
}

# iso_mount_opts MOUNTINFO MOUNTPOINT: its per-mount options (field 6).
iso_mount_opts() {
	iso_mount_line "$1" "$2" | awk '{ print $6 }'
}

# iso_mount_optional MOUNTINFO MOUNTPOINT: its optional fields (shared:N,
# master:N, propagate_from:N, unbindable), space separated, or "".
iso_mount_optional() {
	iso_mount_line "$1" "$2" | awk '{ s = ""; for (i = 7; i <= NF && $i != "-"; i++) s = s (s == "" ? "" : " ") $i; print s }'
}

# iso_mount_fstype MOUNTINFO MOUNTPOINT: its filesystem type.
iso_mount_fstype() {
	iso_mount_line "$1" "$2" | awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { print $(i + 1); exit } }'
}

# iso_super_opts MOUNTINFO MOUNTPOINT: its superblock options.
iso_super_opts() {
	iso_mount_line "$1" "$2" | awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { print $(i + 3); exit } }'
}

# assert_opt OPTIONS NAME: NAME is one of the comma-separated OPTIONS.
assert_opt() {
	[[ ",$1," == *",$2,"* ]] || fail "expected option \"$2\" in \"$1\""
}

# refute_opt OPTIONS NAME: NAME is not one of them.
refute_opt() {
	[[ ",$1," != *",$2,"* ]] || fail "unexpected option \"$2\" in \"$1\""
}

# refute_contains STRING SUBSTRING.
refute_contains() {
	if [[ $1 == *"$2"* ]]; then
		printf 'did not expect to find "%s" in:\n%s\n' "$2" "$1" >&2
		return 1
	fi
}

# iso_tree DIR: a listing of DIR (names, types, sizes, owners, modes,
# mtimes) to compare before/after: nothing created or changed in it.
iso_tree() {
	(cd "$1" && find . -printf '%p %y %s %U:%G %m %T@ %l\n' | sort)
}

# iso_mount_index DIR DESTINATION: the index in DIR's config.json mounts of
# the (first) mount at DESTINATION.
iso_mount_index() {
	jq -r --arg d "$2" '[.mounts[].destination] | to_entries | map(select(.value == $d))[0].key' "$1/config.json"
}

# hook_mountinfo DIR: a createContainer hook (it runs in the container's
# mount namespace before pivot_root, where mount points are host paths)
# saving the mountinfo of every container made from DIR in DIR/hook-mi/
# (mktemp: in the container's pid namespace $$ is the same every time).
hook_mountinfo() {
	mkdir -p "$1/hook-mi"
	bb_cfg "$1" '.hooks.createContainer += [{"path": "/bin/sh",
		"args": ["sh", "-c", "f=$(mktemp \"$0/mi.XXXXXX\") && cat /proc/self/mountinfo >\"$f\"", $d]}]' \
		--arg d "$1/hook-mi"
}

# host_mount_points: the mount points of the host's mount table.
host_mount_points() {
	awk '{ print $5 }' /proc/self/mountinfo | sort -u
}

# assert_mounts_inside DIR ROOTFS HOST-POINTS: every mount point the hooks
# of DIR saw that the host did not have lies inside ROOTFS. (Other suites'
# temporary directories are left out: their mounts come and go on the host
# while we run, and the containers' mount namespaces copy them.)
assert_mounts_inside() {
	local dir=$1 rootfs=$2 host=$3 f bad="" n=0 tmp=${TMPDIR:-/tmp}
	for f in "$dir"/hook-mi/mi.*; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		bad+=$(awk '{ print $5 }' "$f" | sort -u | comm -23 - <(printf '%s\n' "$host") |
			awk -v r="$rootfs" -v mine="$MR_TMP" -v tmp="${tmp%/}/" '
				$0 == r || index($0, r "/") == 1 { next }
				index($0, tmp) == 1 && index($0, mine "/") != 1 { next }
				{ print }')
	done
	[ "$n" -gt 0 ] || fail "no createContainer hook saved a mountinfo in $dir/hook-mi"
	[ -z "$bad" ] || fail "mounts outside the rootfs $rootfs: $bad"
}
