#!/usr/bin/env bats
# The security checklist of ../shared/DESIGN.md section 7, one or more tests
# per item, with real busybox containers. Every test asserts the host's side
# too: nothing outside the rootfs changed, no mount landed on a host path.
#
# The CVE-2019-5736 tests run a private copy of minirun ($MR_COPY, or one per
# test): an attack that works overwrites that copy, never the build's binary.

load helpers
load security-helpers

setup_file() {
	sec_setup_file
}

setup() {
	mr_setup
}

teardown() {
	sec_teardown
	local r=$?
	cgroup_parent_cleanup
	return $r
}

# ---- 1. CVE-2019-5736: the host's minirun through /proc/<pid>/exe ------------

@test "CVE-2019-5736: a created container's init (still minirun) cannot be opened through /proc/1/exe" {
	local b="$MR_TMP/b" target pid
	target=$(file_id "$MR_COPY")
	bb_bundle "$b" sleep 60
	MINIRUN=$MR_COPY ct_create sec-exe "$b"
	pid=$(ct_pid sec-exe)
	# the window is real: the waiting init is the minirun binary
	assert_equal "$(file_id "/proc/$pid/exe")" "$target"

	xrun "$MR_COPY" --root "$MR_ROOT" exec sec-exe /bin/exe-snatcher probe 1 "$target"
	echo "probe of the created init: $output"
	[ "$status" -eq 0 ] || fail "a process of the container got at the init's /proc/1/exe (minirun):"$'\n'"$output"
	assert_contains "$output" "target: unknown"

	# Control: once the init has exec'd the user's program the same probe
	# opens it, so the denial above was the defence, not a broken probe.
	"$MR_COPY" --root "$MR_ROOT" start sec-exe
	wait_for 5 exe_is_not "$pid" "$target"
	xrun "$MR_COPY" --root "$MR_ROOT" exec sec-exe /bin/exe-snatcher probe 1 "$target"
	echo "probe after start: $output"
	assert_contains "$output" "rdonly: ok"
	assert_contains "$output" "target: no"
}

@test "CVE-2019-5736: during a startContainer hook the init (still minirun) cannot be opened" {
	local b="$MR_TMP/b" target pid
	target=$(file_id "$MR_COPY")
	bb_bundle "$b" sleep 60
	# the hook holds the init, started but not yet exec'd, for 2 s
	bb_cfg "$b" '.hooks.startContainer = [{"path": "/bin/sleep", "args": ["sleep", "2"]}]'
	MINIRUN=$MR_COPY ct_create sec-hook "$b"
	pid=$(ct_pid sec-hook)
	# start returns once the process has exec'd, after the hooks: probe
	# while it waits, as soon as the hook runs (a child of the init)
	"$MR_COPY" --root "$MR_ROOT" start sec-hook </dev/null >/dev/null 2>&1 3>&- &
	local start_pid=$!
	wait_for 5 has_child "$pid"

	xrun "$MR_COPY" --root "$MR_ROOT" exec sec-hook /bin/exe-snatcher probe 1 "$target"
	echo "probe during the hook: $output"
	# still in the window after the probe (else the test proved nothing)
	[ "$(file_id "/proc/$pid/exe")" = "$target" ] || fail "the init exec'd before the probe ran: no window tested"
	[ "$status" -eq 0 ] || fail "a process of the container got at the init's /proc/1/exe (minirun):"$'\n'"$output"
	wait "$start_pid"
	assert_equal "$(ct_status sec-hook)" running
}

# has_child PID: PID has a child process (here: the init running a hook).
has_child() {
	grep -qs "^PPid:[[:space:]]*$1\$" /proc/[0-9]*/status
}

@test "CVE-2019-5736: a container scanning /proc/*/exe during 40 execs and 15 create/start in its pid namespace never gets minirun" {
	local bin="$MR_TMP/minirun" target sha b1="$MR_TMP/c1" b2="$MR_TMP/c2" pid1 i sum broken=""
	cp "$MINIRUN" "$bin"
	target=$(file_id "$bin")
	sha=$(sha256sum <"$bin")
	bb_bundle "$b1" /bin/exe-snatcher scan "$target" 60 /out/stop write
	MINIRUN=$bin ct_create sec-snatch "$b1"
	"$bin" --root "$MR_ROOT" start sec-snatch
	wait_for 5 grep -q READY "$MR_TMP/sec-snatch.stdout"
	pid1=$(ct_pid sec-snatch)

	# a process the snatcher may open: proves that its scan sees the others
	xrun "$bin" --root "$MR_ROOT" exec --detach sec-snatch sleep 60
	assert_status 0
	for i in $(seq 40); do
		xrun "$bin" --root "$MR_ROOT" exec sec-snatch true
		[ "$status" -eq 0 ] || { broken="exec $i: $stderr"; break; }
	done
	# create and start: a second container joins the first one's pid
	# namespace, so the snatcher sees its init from clone to exec
	bb_bundle "$b2" true
	bb_join_pidns "$b2" "$pid1"
	for i in $(seq 15); do
		[ -z "$broken" ] || break
		MINIRUN=$bin ct_create "sec-join$i" "$b2" || { broken="create $i"; break; }
		"$bin" --root "$MR_ROOT" start "sec-join$i" || { broken="start $i"; break; }
		wait_for 5 status_is "sec-join$i" stopped
		"$MINIRUN" --root "$MR_ROOT" delete "sec-join$i"
	done

	touch "$b1/out/stop"
	wait_for 10 status_is sec-snatch stopped
	sum=$(snatch_summary "$MR_TMP/sec-snatch.stdout")
	echo "snatcher: $sum"
	[ -n "$sum" ] || fail "no summary from the snatcher: $(cat "$MR_TMP/sec-snatch.stdout")"
	if [ "$(snatch_get "$sum" hit_rdonly)" != 0 ] || [ "$(snatch_get "$sum" hit_path)" != 0 ] ||
		[ "$(snatch_get "$sum" hit_wronly)" != 0 ] || [ "$(sha256sum <"$bin")" != "$sha" ]; then
		fail "the container got minirun's binary (first bytes now: $(head -c 24 "$bin" | tr -c '[:print:]' .)):"$'\n'"$(cat "$MR_TMP/sec-snatch.stdout")"
	fi
	[ -z "$broken" ] || fail "minirun failed: $broken"
	# not vacuous: minirun processes were seen (and denied), others opened
	[ "$(snatch_get "$sum" denied)" -gt 0 ] || fail "the snatcher never saw a minirun process: $sum"
	[ "$(snatch_get "$sum" other_opened)" -gt 0 ] || fail "the snatcher could not open any /proc/PID/exe: $sum"
}

# The original exploit: the image's binary is a script "#!/proc/self/exe".
# When minirun (exec's child, or the init) execs it, the kernel resolves the
# interpreter /proc/self/exe in the still-minirun process: the host's binary
# runs inside the container, as a dumpable process of the container's
# credentials, and the container reopens its /proc/PID/exe for writing once
# nothing executes it. PR_SET_DUMPABLE cannot help: execve resets it. runc
# execs from a read-only bind of itself (1.1) or a sealed memfd copy, crun
# from a sealed memfd: the write then fails.
@test "CVE-2019-5736: '#!/proc/self/exe' run by exec cannot overwrite minirun" {
	local bin="$MR_TMP/minirun" target sha b="$MR_TMP/c1" i sum
	cp "$MINIRUN" "$bin"
	target=$(file_id "$bin")
	sha=$(sha256sum <"$bin")
	bb_bundle "$b" /bin/exe-snatcher scan "$target" 60 /out/stop write
	# an image with a libc, as real ones have: the host's dynamic minirun runs
	add_libs_for "$bin" "$b/rootfs"
	printf '#!/proc/self/exe\n' >"$b/rootfs/bin/evil"
	chmod 0755 "$b/rootfs/bin/evil"
	MINIRUN=$bin ct_create sec-evil "$b"
	"$bin" --root "$MR_ROOT" start sec-evil
	wait_for 5 grep -q READY "$MR_TMP/sec-evil.stdout"

	for i in $(seq 20); do
		# the exec'd "minirun /bin/evil" fails (unknown command): expected
		xrun "$bin" --root "$MR_ROOT" exec sec-evil /bin/evil
	done
	touch "$b/out/stop"
	wait_for 10 status_is sec-evil stopped
	sum=$(snatch_summary "$MR_TMP/sec-evil.stdout")
	echo "snatcher: $sum"
	[ -n "$sum" ] || fail "no summary from the snatcher: $(cat "$MR_TMP/sec-evil.stdout")"
	if [ "$(sha256sum <"$bin")" != "$sha" ] || [ "$(snatch_get "$sum" hit_wronly)" != 0 ]; then
		fail "the container opened minirun's binary for writing and overwrote it (first bytes: $(head -c 24 "$bin" | tr -c '[:print:]' .)):"$'\n'"$(cat "$MR_TMP/sec-evil.stdout")"
	fi
}

@test "CVE-2019-5736: '#!/proc/self/exe' as process.args (create/start) cannot overwrite minirun" {
	local bin="$MR_TMP/minirun" target sha b1="$MR_TMP/c1" b2="$MR_TMP/c2" pid1 i sum
	cp "$MINIRUN" "$bin"
	target=$(file_id "$bin")
	sha=$(sha256sum <"$bin")
	bb_bundle "$b1" /bin/exe-snatcher scan "$target" 60 /out/stop write
	MINIRUN=$bin ct_create sec-snatch "$b1"
	"$bin" --root "$MR_ROOT" start sec-snatch
	wait_for 5 grep -q READY "$MR_TMP/sec-snatch.stdout"
	pid1=$(ct_pid sec-snatch)

	bb_bundle "$b2" /bin/evil
	add_libs_for "$bin" "$b2/rootfs"
	printf '#!/proc/self/exe\n' >"$b2/rootfs/bin/evil"
	chmod 0755 "$b2/rootfs/bin/evil"
	bb_join_pidns "$b2" "$pid1"
	for i in $(seq 10); do
		# once the binary is overwritten, create cannot run any more
		MINIRUN=$bin ct_create "sec-evil$i" "$b2" || break
		"$bin" --root "$MR_ROOT" start "sec-evil$i" || break
		wait_for 5 status_is "sec-evil$i" stopped
		"$MINIRUN" --root "$MR_ROOT" delete "sec-evil$i"
	done
	touch "$b1/out/stop"
	wait_for 10 status_is sec-snatch stopped
	sum=$(snatch_summary "$MR_TMP/sec-snatch.stdout")
	echo "snatcher: $sum"
	[ -n "$sum" ] || fail "no summary from the snatcher: $(cat "$MR_TMP/sec-snatch.stdout")"
	if [ "$(sha256sum <"$bin")" != "$sha" ] || [ "$(snatch_get "$sum" hit_wronly)" != 0 ]; then
		fail "the container opened minirun's binary for writing and overwrote it (first bytes: $(head -c 24 "$bin" | tr -c '[:print:]' .)):"$'\n'"$(cat "$MR_TMP/sec-snatch.stdout")"
	fi
}

# ---- 2. file descriptors (CVE-2024-21626 class) ------------------------------

@test "fds: after create the init holds 0-2 and the exec fifo only, none of the leaked fds 7 (host /) and 8" {
	local b="$MR_TMP/b" pid fds fifo_fd
	echo secret >"$MR_TMP/hostfile"
	bb_bundle "$b" sleep 60
	(
		exec 7</ 8<"$MR_TMP/hostfile"
		ct_create sec-fds "$b"
	)
	pid=$(ct_pid sec-fds)
	fds=$(fd_list "$pid")
	echo "init fds after create: $fds"
	[[ $fds =~ ^0\ 1\ 2\ ([0-9]+)$ ]] || fail "expected 0 1 2 and the fifo, got: $fds ($(ls -l "/proc/$pid/fd"))"
	fifo_fd=${BASH_REMATCH[1]}
	assert_equal "$(file_id "/proc/$pid/fd/$fifo_fd")" "$(file_id "$MR_ROOT/sec-fds/exec.fifo")"

	mr start sec-fds
	wait_for 5 exe_is_not "$pid" "$(file_id "$MINIRUN")"
	fds=$(fd_list "$pid")
	echo "process fds after start: $fds"
	assert_equal "$fds" "0 1 2"
}

@test "fds: --preserve-fds 2 passes exactly fds 3 and 4; a leaked fd 7 does not pass" {
	local b="$MR_TMP/b" pid fds
	echo three >"$MR_TMP/f3"
	echo four >"$MR_TMP/f4"
	bb_bundle "$b" sleep 60
	ct_track sec-pfds
	"$MINIRUN" --root "$MR_ROOT" create --preserve-fds 2 --bundle "$b" sec-pfds \
		3<"$MR_TMP/f3" 4<"$MR_TMP/f4" 7</ </dev/null >"$MR_TMP/out" 2>&1 || fail "create: $(cat "$MR_TMP/out")"
	pid=$(ct_pid sec-pfds)
	ct_track_pid "$pid"
	fds=$(fd_list "$pid")
	echo "init fds after create: $fds"
	[[ $fds =~ ^0\ 1\ 2\ 3\ 4\ [0-9]+$ ]] || fail "expected 0-4 and the fifo, got: $fds"
	mr start sec-pfds
	wait_for 5 exe_is_not "$pid" "$(file_id "$MINIRUN")"
	fds=$(fd_list "$pid")
	echo "process fds after start: $fds"
	assert_equal "$fds" "0 1 2 3 4"
	assert_equal "$(file_id "/proc/$pid/fd/3")" "$(file_id "$MR_TMP/f3")"
	assert_equal "$(file_id "/proc/$pid/fd/4")" "$(file_id "$MR_TMP/f4")"
}

@test "fds: an exec'd process gets 0-2 and the --preserve-fds range only, not a leaked fd 7 (host /)" {
	local b="$MR_TMP/b" pid
	echo three >"$MR_TMP/f3"
	bb_bundle "$b" sleep 60
	ct_create sec-efds "$b"
	mr start sec-efds
	"$MINIRUN" --root "$MR_ROOT" exec --detach --pid-file "$MR_TMP/e1.pid" sec-efds sleep 60 \
		7</ </dev/null >"$MR_TMP/out" 2>&1 3>&- || fail "exec: $(cat "$MR_TMP/out")"
	pid=$(cat "$MR_TMP/e1.pid")
	assert_equal "$(fd_list "$pid")" "0 1 2"
	"$MINIRUN" --root "$MR_ROOT" exec --detach --preserve-fds 1 --pid-file "$MR_TMP/e2.pid" sec-efds sleep 60 \
		3<"$MR_TMP/f3" 7</ </dev/null >"$MR_TMP/out" 2>&1 || fail "exec: $(cat "$MR_TMP/out")"
	pid=$(cat "$MR_TMP/e2.pid")
	assert_equal "$(fd_list "$pid")" "0 1 2 3"
	assert_equal "$(file_id "/proc/$pid/fd/3")" "$(file_id "$MR_TMP/f3")"
}

@test "fds: process.cwd /proc/self/fd/N (fd 7 = host /, fd 8 = a host dir leaked into minirun) fails for N = 3..10 (CVE-2024-21626)" {
	local b="$MR_TMP/b" n
	mkdir "$MR_TMP/hostdir"
	bb_bundle "$b" pwd
	for n in $(seq 3 10); do
		bb_cfg "$b" '.process.cwd = $cwd' --arg cwd "/proc/self/fd/$n"
		ct_track "sec-cwd$n"
		status=0
		(
			exec 7</ 8<"$MR_TMP/hostdir"
			"$MINIRUN" --root "$MR_ROOT" run --bundle "$b" "sec-cwd$n" </dev/null >"$MR_TMP/out" 2>&1 3>&-
		) || status=$?
		echo "cwd /proc/self/fd/$n: status $status: $(cat "$MR_TMP/out")"
		[ "$status" -ne 0 ] || fail "process.cwd /proc/self/fd/$n was accepted; the process printed: $(cat "$MR_TMP/out")"
		assert_contains "$(cat "$MR_TMP/out")" "process.cwd"
		[ ! -e "$MR_ROOT/sec-cwd$n" ] || fail "a failed create left $MR_ROOT/sec-cwd$n"
	done
}

@test "fds: exec --cwd /proc/self/fd/N (fd 7 = host /, fd 8 = a host dir leaked into minirun) fails for N = 3..12" {
	local b="$MR_TMP/b" n
	mkdir "$MR_TMP/hostdir"
	bb_bundle "$b" sleep 60
	ct_create sec-ecwd "$b"
	mr start sec-ecwd
	for n in $(seq 3 12); do
		status=0
		(
			exec 7</ 8<"$MR_TMP/hostdir"
			"$MINIRUN" --root "$MR_ROOT" exec --cwd "/proc/self/fd/$n" sec-ecwd pwd </dev/null >"$MR_TMP/out" 2>&1 3>&-
		) || status=$?
		echo "exec --cwd /proc/self/fd/$n: status $status: $(cat "$MR_TMP/out")"
		[ "$status" -ne 0 ] || fail "exec --cwd /proc/self/fd/$n was accepted; pwd printed: $(cat "$MR_TMP/out")"
	done
	# the container is unharmed
	xrun mr exec sec-ecwd true
	assert_status 0
}

# ---- 3. mount destinations through symlinks (CVE-2021-30465 class) ----------

# check_host_dir_untouched HOSTDIR SNAPSHOT OUTDIR: nothing is mounted on HOSTDIR
# (host's mountinfo and every init's pre-pivot mountinfo saved by the hook)
# and its tree is unchanged.
check_host_dir_untouched() {
	local hostdir=$1 before=$2 outdir=$3 f x
	x=$(mounts_at "$hostdir")
	[ -z "$x" ] || fail "mounted on the host directory (host view): $x"
	for f in "$outdir"/mountinfo.*; do
		[ -e "$f" ] || continue
		x=$(mounts_at "$hostdir" "$f")
		[ -z "$x" ] || fail "mounted on the host directory (container $(basename "$f"), before pivot_root): $x"
	done
	assert_equal "$(snapshot "$hostdir")" "$before"
}

@test "mounts: destinations that are absolute or relative symlinks to a host dir stay inside the rootfs" {
	local b="$MR_TMP/b" hostdir="$MR_TMP/hostdir" before pid mi
	mkdir "$hostdir"
	echo canary >"$hostdir/canary"
	before=$(snapshot "$hostdir")
	bb_bundle "$b" sleep 60
	mkdir "$b/src"
	echo bound >"$b/src/file"
	ln -s "$hostdir" "$b/rootfs/evil-abs"
	ln -s "../../../../../../../../../..$hostdir" "$b/rootfs/evil-rel"
	bb_cfg "$b" '.mounts += [
		{"destination": "/evil-abs", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/evil-rel/sub", "type": "bind", "source": $src, "options": ["rbind"]}]' \
		--arg src "$b/src"
	bb_mountinfo_hook "$b"
	ct_create sec-mnt "$b"
	pid=$(ct_pid sec-mnt)
	[ -e "$b/out/mountinfo.sec-mnt" ] || fail "the createContainer hook did not run"
	check_host_dir_untouched "$hostdir" "$before" "$b/out"
	# and the mounts are there, inside: at the link targets taken in the rootfs
	mi=$(cat "/proc/$pid/mountinfo")
	assert_match "$mi" " $hostdir [^ ]+ .* - tmpfs "
	assert_match "$mi" " $hostdir/sub "
}

@test "mounts: a dir <-> symlink-to-host-dir swap racing 100 creates never mounts on the host dir" {
	local b="$MR_TMP/b" hostdir="$MR_TMP/hostdir" before i ok=0 failed=0 errs=""
	mkdir "$hostdir"
	echo canary >"$hostdir/canary"
	before=$(snapshot "$hostdir")
	bb_bundle "$b" true
	mkdir -p "$b/rootfs/race/a" "$b/rootfs/race/c"
	ln -s "$hostdir" "$b/rootfs/race/b"
	ln -s "../../../../../../../../../..$hostdir" "$b/rootfs/race/d"
	bb_cfg "$b" '.mounts += [
		{"destination": "/race/a", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/race/c/x", "type": "tmpfs", "source": "tmpfs"}]'
	bb_mountinfo_hook "$b"
	sec_bg swapper "$b/rootfs/race" a b c d
	sleep 0.2
	for i in $(seq 100); do
		ct_track "sec-race$i"
		if "$MINIRUN" --root "$MR_ROOT" create --bundle "$b" "sec-race$i" </dev/null >"$MR_TMP/out" 2>&1 3>&-; then
			ok=$((ok + 1))
			"$MINIRUN" --root "$MR_ROOT" delete --force "sec-race$i"
		else
			failed=$((failed + 1))
			errs+="$(cat "$MR_TMP/out")"$'\n'
		fi
	done
	sec_kill_bg
	echo "creates: $ok ok, $failed failed; swaps: $(cat "$b/rootfs/race/.swaps")"
	# where the tmpfs went: the directory, or the link's target taken inside
	echo "tmpfs on the directory (under /race): $(cat "$b"/out/mountinfo.* | mounts_at "$b/rootfs/race" - | grep -c ' - tmpfs ')," \
		"through the link (inside): $(cat "$b"/out/mountinfo.* | mounts_at "$b/rootfs$hostdir" - | grep -c ' - tmpfs ')"
	printf '%s' "$errs" | sed -E 's/sec-race[0-9]+/sec-raceN/g' | sort | uniq -c
	check_host_dir_untouched "$hostdir" "$before" "$b/out"
	# a create may fail (the resolver saw the race), but some must have run
	[ "$ok" -gt 0 ] || fail "no create succeeded: the race test tested nothing"
}

# ---- 4. symlinked /proc, /sys, /dev; fake /dev/null (CVE-2025-31133) ---------

# sym_rootdir_case NAME TARGET-KIND: rootfs/NAME is a symlink (abs or rel) to
# a host dir; create must fail or keep everything inside the rootfs.
sym_rootdir_case() {
	local name=$1 kind=$2 b="$MR_TMP/b-$1-$2" hostdir="$MR_TMP/hostdir-$1-$2" before id="sec-sym-$1-$2"
	mkdir "$hostdir"
	echo canary >"$hostdir/canary"
	before=$(snapshot "$hostdir")
	bb_bundle "$b" sleep 60
	rmdir "$b/rootfs/$name"
	if [ "$kind" = abs ]; then
		ln -s "$hostdir" "$b/rootfs/$name"
	else
		ln -s "../../../../../../../../../..$hostdir" "$b/rootfs/$name"
	fi
	bb_mountinfo_hook "$b"
	ct_track "$id"
	xrun mr create --bundle "$b" "$id"
	echo "/$name -> $kind host dir: status $status: $stderr"
	check_host_dir_untouched "$hostdir" "$before" "$b/out"
	if [ "$status" -eq 0 ]; then
		# contained: the container still works
		ct_track_pid "$(ct_pid "$id")"
		xrun mr exec "$id" true
		assert_status 0
	else
		assert_match "$stderr" "$3"
		[ ! -e "$MR_ROOT/$id" ] || fail "a failed create left $MR_ROOT/$id"
	fi
}

@test "rootfs: a /proc that is a symlink to a host dir is refused; procfs never lands on the host dir" {
	sym_rootdir_case proc abs 'proc'
	sym_rootdir_case proc rel 'proc'
}

@test "rootfs: a /sys that is a symlink to a host dir is refused; sysfs never lands on the host dir" {
	sym_rootdir_case sys abs 'sys'
	sym_rootdir_case sys rel 'sys'
}

@test "rootfs: a /dev that is a symlink to a host dir is contained: /dev tmpfs and devices inside the rootfs" {
	local b="$MR_TMP/b" hostdir="$MR_TMP/hostdir" before
	sym_rootdir_case dev abs 'dev'
	sym_rootdir_case dev rel 'dev'
	# without a /dev mount the devices are made in the rootfs's /dev: through
	# the link, but inside
	mkdir "$hostdir"
	before=$(snapshot "$hostdir")
	bb_bundle "$b" sleep 60
	bb_cfg "$b" '.mounts |= map(select(.destination | startswith("/dev") | not))'
	rmdir "$b/rootfs/dev"
	ln -s "$hostdir" "$b/rootfs/dev"
	bb_mountinfo_hook "$b"
	ct_create sec-devlink "$b"
	check_host_dir_untouched "$hostdir" "$before" "$b/out"
	[ -c "$b/rootfs$hostdir/null" ] || fail "no /dev/null made inside the rootfs at $hostdir"
	xrun mr exec sec-devlink stat -L -c '%F %t:%T' /dev/null
	assert_equal "$output" "character special file 1:3"
}

# fake_null_case KIND PLACE: /dev/null is a fake (file, link to a host file,
# char 1:5, link to /proc/sys/kernel/core_pattern) in the rootfs's own /dev
# (PLACE=rootfs: no /dev mount) or in a host dir bound on /dev (PLACE=bound,
# where minirun makes no devices). create fails naming /dev/null, or every
# masked file really is char 1:3; the host file is unchanged.
fake_null_case() {
	local kind=$1 place=$2 b="$MR_TMP/b-$1-$2" dev id="sec-null-$1-$2" hostfile="$MR_TMP/hostfile-$1-$2"
	local core_before
	echo "host secret" >"$hostfile"
	chmod 0600 "$hostfile"
	local file_before
	file_before=$(stat -c '%s %a %Y' "$hostfile")$(sha256sum <"$hostfile")
	core_before=$(cat /proc/sys/kernel/core_pattern)
	bb_bundle "$b" sleep 60
	bb_cfg "$b" '.mounts |= map(select(.destination | startswith("/dev") | not))'
	if [ "$place" = bound ]; then
		dev="$MR_TMP/fakedev-$kind"
		mkdir "$dev"
		bb_cfg "$b" '.mounts += [{"destination": "/dev", "type": "bind", "source": $d, "options": ["rbind", "rw"]}]' \
			--arg d "$dev"
	else
		dev="$b/rootfs/dev"
	fi
	case $kind in
	file) echo "not a device" >"$dev/null" ;;
	hostlink) ln -s "$hostfile" "$dev/null" ;;
	zero) mknod "$dev/null" c 1 5 ;;
	corepattern) ln -s /proc/sys/kernel/core_pattern "$dev/null" ;;
	esac
	ct_track "$id"
	xrun mr create --bundle "$b" "$id"
	echo "fake /dev/null ($kind, $place /dev): status $status: $stderr"
	if [ "$status" -eq 0 ]; then
		ct_track_pid "$(ct_pid "$id")"
		xrun mr exec "$id" sh -c 'for f in /proc/kcore /proc/keys /proc/timer_list; do
			[ -e $f ] && echo "$f $(stat -c "%F %t:%T" $f)"; done'
		echo "masked files: $output"
		[ -n "$output" ] || fail "no masked file to check"
		[ -z "$(echo "$output" | grep -v 'character special file 1:3$')" ] ||
			fail "masked with the fake /dev/null ($kind): $output"
	else
		assert_contains "$stderr" "/dev/null"
		[ ! -e "$MR_ROOT/$id" ] || fail "a failed create left $MR_ROOT/$id"
	fi
	assert_equal "$(stat -c '%s %a %Y' "$hostfile")$(sha256sum <"$hostfile")" "$file_before"
	assert_equal "$(cat /proc/sys/kernel/core_pattern)" "$core_before"
	[ -z "$(mounts_at "$hostfile")" ] || fail "the host file is mounted on: $(mounts_at "$hostfile")"
}

@test "maskedPaths: a regular file as /dev/null never masks (CVE-2025-31133)" {
	fake_null_case file rootfs
	fake_null_case file bound
}

@test "maskedPaths: a /dev/null symlink to a host file never masks with it (CVE-2025-31133)" {
	fake_null_case hostlink rootfs
	fake_null_case hostlink bound
}

@test "maskedPaths: a char 1:5 /dev/null never masks (CVE-2025-31133)" {
	fake_null_case zero rootfs
	fake_null_case zero bound
}

@test "maskedPaths: a /dev/null symlink to /proc/sys/kernel/core_pattern never masks with it (CVE-2025-31133)" {
	fake_null_case corepattern rootfs
	fake_null_case corepattern bound
}

# ---- 5. no inheritable capabilities ------------------------------------------

# cap_has HEXMASK BIT
cap_has() {
	(((0x$1 >> $2) & 1))
}

@test "caps: exec --cap CAP_NET_ADMIN sets bounding, effective, permitted, never inheritable or ambient" {
	local b="$MR_TMP/b" st line
	bb_bundle "$b" sleep 60
	ct_create sec-cap "$b"
	mr start sec-cap
	xrun mr exec --cap CAP_NET_ADMIN sec-cap cat /proc/self/status
	assert_status 0
	st=$(grep '^Cap' <<<"$output")
	echo "$st"
	assert_contains "$st" "CapInh:	0000000000000000"
	assert_contains "$st" "CapAmb:	0000000000000000"
	for line in CapPrm CapEff CapBnd; do
		cap_has "$(awk -v k="$line:" '$1 == k { print $2 }' <<<"$st")" 12 || fail "$line lacks CAP_NET_ADMIN: $st"
	done
	# and neither the init nor a plain exec has any
	assert_contains "$(grep '^CapInh' "/proc/$(ct_pid sec-cap)/status")" "0000000000000000"
	xrun mr exec sec-cap grep -E '^Cap(Inh|Amb)' /proc/self/status
	assert_equal "$output" $'CapInh:\t0000000000000000\nCapAmb:\t0000000000000000'
}

@test "caps: spec (and spec --rootless) emits no inheritable or ambient capabilities" {
	local mode n
	for mode in "" --rootless; do
		rm -rf "$MR_TMP/spec"
		mkdir "$MR_TMP/spec"
		xrun "$MINIRUN" spec --bundle "$MR_TMP/spec" $mode
		assert_status 0
		n=$(jq '[.process.capabilities // {} | (.inheritable // []), (.ambient // []) | length] | add' \
			"$MR_TMP/spec/config.json")
		[ "$n" = 0 ] || fail "spec $mode: $(jq -c .process.capabilities "$MR_TMP/spec/config.json")"
	done
}

# ---- 6. ids and cgroupsPath --------------------------------------------------

@test "ids: .., ., a/b, /abs, empty, 1025 bytes, non-ASCII and path-like ids are refused before anything is made" {
	local b="$MR_TMP/b" id verb long
	long=$(printf 'x%.0s' $(seq 1025))
	bb_bundle "$b" sleep 60
	for id in .. . a/b /abs "" "$long" café 'ａｂｃ' "a b" $'a\nb' .hidden ../x a/../b x/ 'a*' '$(id)'; do
		for verb in create run; do
			xrun mr "$verb" --bundle "$b" "$id"
			[ "$status" -ne 0 ] || fail "$verb accepted the id '${id:0:40}'"
			assert_contains "$stderr" "invalid container id"
			[ ! -e "$MR_ROOT" ] || [ -z "$(ls -A "$MR_ROOT")" ] ||
				fail "$verb '${id:0:40}' left: $(ls -A "$MR_ROOT")"
			[ -z "$(mr_procs)" ] || fail "$verb '${id:0:40}' left processes: $(mr_procs)"
		done
	done
}

@test "ids: a 300-byte id (regex-valid, longer than a file name) fails cleanly" {
	local b="$MR_TMP/b" id
	id=$(printf 'x%.0s' $(seq 300))
	bb_bundle "$b" sleep 60
	xrun mr create --bundle "$b" "$id"
	echo "$stderr"
	[ "$status" -ne 0 ] || { ct_track "$id"; fail "a 300-byte id was accepted"; }
	[ -n "$stderr" ] || fail "no error message"
	[ ! -e "$MR_ROOT" ] || [ -z "$(ls -A "$MR_ROOT")" ] || fail "left: $(ls -A "$MR_ROOT")"
	[ -z "$(mr_procs)" ] || fail "left processes: $(mr_procs)"
}

@test "ids: no verb follows a path-like id out of --root" {
	local id verb
	mkdir -p "$MR_ROOT" "$MR_TMP/victim"
	echo keep >"$MR_TMP/victim/state.json"
	for id in ../victim .. /abs "$MR_TMP/victim"; do
		for verb in state start delete "delete --force" kill exec; do
			# shellcheck disable=SC2086
			xrun timeout 10 "$MINIRUN" --root "$MR_ROOT" $verb "$id" $([ "$verb" = exec ] && echo true)
			[ "$status" -ne 0 ] || fail "$verb '$id' succeeded"
			[ "$status" -ne 124 ] || fail "$verb '$id' hung"
		done
	done
	assert_equal "$(cat "$MR_TMP/victim/state.json")" keep
	assert_equal "$(ls -A "$MR_ROOT")" ""
}

@test "ids: a leading '-' is an unknown option without '--' and a working id after '--' (as runc)" {
	local b="$MR_TMP/b"
	bb_bundle "$b" sleep 60
	xrun mr create --bundle "$b" -x
	[ "$status" -ne 0 ] || { sec_track_dash -x; fail "create -x was taken as an id"; }
	assert_contains "$stderr" "-x"
	[ ! -e "$MR_ROOT/-x" ] || fail "create -x made $MR_ROOT/-x"
	sec_track_dash -x
	xrun mr create --bundle "$b" -- -x
	assert_status 0
	ct_track_pid "$(mr state -- -x | jq -r .pid)"
	assert_equal "$(mr state -- -x | jq -r .id)" "-x"
	xrun mr delete --force -- -x
	assert_status 0
	[ ! -e "$MR_ROOT/-x" ] || fail "delete -- -x left $MR_ROOT/-x"
}

@test "cgroupsPath: escapes (../../x, /a/../../b, a/.., ..) are refused by validation with the JSON path" {
	local b="$MR_TMP/b" p
	bb_bundle "$b" sleep 60
	for p in ../../x /a/../../b a/.. .. /minirun-test/../../escape; do
		bb_cfg "$b" '.linux.cgroupsPath = $p' --arg p "$p"
		xrun mr create --bundle "$b" sec-cg
		[ "$status" -ne 0 ] || { ct_track sec-cg; fail "cgroupsPath '$p' was accepted"; }
		assert_contains "$stderr" "linux.cgroupsPath"
		[ ! -e "$MR_ROOT/sec-cg" ] || fail "cgroupsPath '$p' left $MR_ROOT/sec-cg"
		[ -z "$(mr_procs)" ] || fail "cgroupsPath '$p' left processes: $(mr_procs)"
		if [ -x "$CONFIG_CHECK" ]; then
			xrun "$CONFIG_CHECK" "$b"
			assert_status 1
			assert_contains "$stderr" "linux.cgroupsPath"
		fi
	done
}

# ---- user ids (from reading the --user parser for item 7) --------------------

# (uid_t)-1 means "leave unchanged" to setresuid/setresgid: a process asked
# to run as uid 4294967295 would stay root. runc refuses ids above
# 2147483647 ("uids and gids must be in range 0-2147483647").
@test "user: uid/gid 4294967295 in process.user or exec --user never leaves the process root" {
	local b="$MR_TMP/b" bad=""
	bb_bundle "$b" id
	bb_cfg "$b" '.process.user = {"uid": 4294967295, "gid": 4294967295}'
	ct_track sec-uid
	xrun mr run --bundle "$b" sec-uid
	echo "run as 4294967295: status $status: $output $stderr"
	[ "$status" -ne 0 ] || [[ $output != *"uid=0("* ]] || bad+="process.user.uid 4294967295 ran as root: $output"$'\n'

	bb_bundle "$MR_TMP/b2" sleep 60
	ct_create sec-uid2 "$MR_TMP/b2"
	mr start sec-uid2
	xrun mr exec --user 4294967295:4294967295 sec-uid2 id
	echo "exec --user 4294967295:4294967295: status $status: $output $stderr"
	[ "$status" -ne 0 ] || [[ $output != *"uid=0("* ]] || bad+="exec --user 4294967295 ran as root: $output"$'\n'
	[ -z "$bad" ] || fail "$bad"
}
