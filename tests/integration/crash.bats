#!/usr/bin/env bats
# Crash safety of the state store (issue 9 section 3, issue 15 section 1):
# a create, start or delete killed at any step leaves something that
# `list` shows and `delete --force` removes completely (state, cgroup,
# processes, mounts), after which the same id can be created again; readers
# never wait for a create; a corrupt state.json is still removable; what
# create writes can be read back.
#
# The steps are reached two ways: by name, with MINIRUN_DEBUG_FAULT=STEP:kill
# (or :stop), and by number, SIGKILL at the Nth system call with strace's
# fault injection (sweep tests at the end).

load helpers

setup_file() {
	bb_setup_file
}

setup() {
	mr_setup
	B=$MR_TMP/bundle
}

teardown() {
	ct_teardown
}

# cg_left ID: the container's cgroup directories that still exist.
cg_left() {
	local d
	for d in /sys/fs/cgroup/*"$MINIRUN_CGROUP_PARENT/$1" /sys/fs/cgroup"$MINIRUN_CGROUP_PARENT/$1"; do
		[ ! -d "$d" ] || echo "$d"
	done
}

# clean_after ID: delete --force ID succeeds and leaves nothing (state,
# cgroup, processes, mounts); the processes of a killed create may take a
# moment to die.
clean_after() {
	xrun timeout 30 "$MINIRUN" --root "$MR_ROOT" delete --force "$1"
	[ "$status" -eq 0 ] || fail "delete --force $1: status $status: $stderr"
	[ ! -e "$MR_ROOT/$1" ] || fail "delete --force $1 left $MR_ROOT/$1: $(ls -A "$MR_ROOT/$1")"
	[ -z "$(cg_left "$1")" ] || fail "delete --force $1 left cgroups: $(cg_left "$1")"
	# (the init of a killed create may take a moment to die)
	wait_for 10 nothing_left 2>/dev/null || assert_nothing_left
}

nothing_left() {
	assert_nothing_left 2>/dev/null
}

no_procs_left() {
	[ -z "$(mr_procs)" ]
}

# reusable ID: the id can be created (and deleted) again.
reusable() {
	xrun mr create -b "$B" "$1"
	[ "$status" -eq 0 ] || fail "create $1 again: $stderr"
	xrun mr delete --force "$1"
	[ "$status" -eq 0 ] || fail "delete $1 again: $stderr"
	assert_nothing_left
}

# listed ID STATUS-RE: list shows ID with a status matching STATUS-RE.
listed() {
	local st
	st=$(mr list --format json | jq -r --arg id "$1" '.[] | select(.id == $id) | .status')
	[ -n "$st" ] || fail "list hides $1: $(mr list)"
	assert_match "$st" "$2"
}

# listed_table ID STATUS-RE: the same from the table (no jq: it is slow to
# start, and the sweeps call this hundreds of times).
listed_table() {
	local st
	st=$(mr list | awk -v id="$1" '$1 == id { print $3 }')
	[ -n "$st" ] || fail "list hides $1: $(mr list)"
	assert_match "$st" "$2"
}

# ---- a create in progress ----------------------------------------------------

# create_stopped ID STEP: a create of ID stopped (SIGSTOP) at STEP, in the
# background; sets CPID.
create_stopped() {
	ct_track "$1"
	MINIRUN_DEBUG_FAULT="$2:stop" "$MINIRUN" --root "$MR_ROOT" create -b "$B" "$1" \
		</dev/null >"$MR_TMP/$1.out" 2>"$MR_TMP/$1.err" 3>&- &
	CPID=$!
	wait_for 10 proc_stopped "$CPID"
}

proc_stopped() {
	[ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = T ]
}

@test "a create in progress: list, state, kill, start, delete and exec answer at once, without its lock" {
	bb_bundle "$B" sleep 100
	local step
	for step in create-dir create-cgroup create-init create-ready; do
		create_stopped cp1 "$step"
		# each would hang on the create's lock if it took it: timeout
		# tells a hang (the create never goes on by itself)
		xrun timeout 20 "$MINIRUN" --root "$MR_ROOT" state cp1
		assert_status 0
		assert_equal "$(jq -r .status <<<"$output")" creating
		assert_equal "$(jq -r .id <<<"$output")" cp1
		xrun timeout 20 "$MINIRUN" --root "$MR_ROOT" list
		assert_status 0
		assert_match "$output" $'\ncp1 +0 +creating '
		listed cp1 '^creating$'
		xrun timeout 20 "$MINIRUN" --root "$MR_ROOT" kill cp1 KILL
		assert_status 1
		assert_equal "$stderr" 'minirun: cannot kill container "cp1": it is being created'
		xrun timeout 20 "$MINIRUN" --root "$MR_ROOT" start cp1
		assert_status 1
		assert_equal "$stderr" "minirun: cannot start a container in the creating state"
		xrun timeout 20 "$MINIRUN" --root "$MR_ROOT" delete cp1
		assert_status 1
		assert_equal "$stderr" 'minirun: cannot delete container "cp1" that is not stopped: creating'
		xrun timeout 20 "$MINIRUN" --root "$MR_ROOT" exec cp1 true
		assert_status 1
		assert_contains "$stderr" "creating"
		# let it go on: it finishes as if nothing happened
		kill -CONT "$CPID"
		wait "$CPID" || fail "create stopped at $step failed: $(cat "$MR_TMP/cp1.err")"
		assert_equal "$(ct_status cp1)" created
		clean_after cp1
	done
}

@test "delete --force of a container whose create is still running kills the create and removes all it made" {
	bb_bundle "$B" sleep 100
	local step st
	for step in create-dir create-files create-cgroup create-init create-ready; do
		create_stopped cp2 "$step"
		clean_after cp2
		st=0
		wait "$CPID" || st=$?
		assert_equal "$st" 137
		reusable cp2
	done
	# recorded already (created): delete --force removes the container;
	# the create, let go on, fails and leaves nothing either
	for step in create-state create-pid-file; do
		create_stopped cp2 "$step"
		assert_equal "$(ct_status cp2)" created
		xrun mr delete --force cp2
		assert_status 0
		[ ! -e "$MR_ROOT/cp2" ] && [ -z "$(cg_left cp2)" ] || fail "$step: delete --force left the container"
		kill -CONT "$CPID"
		st=0
		wait "$CPID" || st=$?
		assert_equal "$st" 1
		clean_after cp2
		reusable cp2
	done
}

# ---- SIGKILL at the named steps --------------------------------------------------

@test "create killed at each step: listed (never hidden), delete --force removes all of it, the id is reusable" {
	bb_bundle "$B" sleep 100
	local step
	for step in create-dir create-files create-cgroup create-init create-ready create-state create-pid-file \
		create-done; do
		ct_track ck1
		MINIRUN_DEBUG_FAULT="$step:kill" xrun mr create -b "$B" --pid-file "$MR_TMP/ck1.pid" ck1
		assert_status 137
		# the create is dead: its container is stopped (or, killed after
		# the last step, created and waiting for start)
		if [ "$step" = create-done ]; then
			listed ck1 '^created$'
		else
			listed ck1 '^stopped$'
		fi
		xrun mr state ck1
		assert_status 0
		clean_after ck1
		rm -f "$MR_TMP/ck1.pid"
		reusable ck1
	done
}

@test "the init dies with a create killed before it recorded the container (no init left waiting on the fifo)" {
	bb_bundle "$B" sleep 100
	local step pid
	for step in create-ready create-state create-pid-file; do
		ct_track ck2
		MINIRUN_DEBUG_FAULT="$step:kill" xrun mr create -b "$B" ck2
		assert_status 137
		# nothing of the container runs any more, before any delete
		wait_for 10 no_procs_left || fail "$step: the init outlived its create: $(mr_procs)"
		clean_after ck2
	done
}

@test "start killed between its write to the exec fifo and the unlink: the status comes from the process (running)" {
	bb_bundle "$B" sleep 100
	ct_create sk1 "$B"
	MINIRUN_DEBUG_FAULT="start-released:kill" xrun mr start sk1
	assert_status 137
	[ -p "$MR_ROOT/sk1/exec.fifo" ] || fail "the fifo should still be there"
	wait_for 10 status_is sk1 running
	listed sk1 '^running$'
	# and it is not startable again
	xrun mr start sk1
	assert_status 1
	assert_equal "$stderr" "minirun: cannot start an already running container"
	clean_after sk1
	reusable sk1
}

@test "delete killed at each step leaves a record (state.json goes last): listed, and delete --force finishes" {
	bb_bundle "$B" sleep 100
	local step
	for step in delete-kill delete-cgroup delete-files; do
		ct_create dk1 "$B"
		xrun mr start dk1
		assert_status 0
		MINIRUN_DEBUG_FAULT="$step:kill" xrun mr delete --force dk1
		assert_status 137
		[ -f "$MR_ROOT/dk1/state.json" ] || fail "$step: state.json gone before the end of delete"
		listed dk1 '^stopped$'
		clean_after dk1
		reusable dk1
	done
}

@test "a state directory without state.json (a create or delete that died there): listed as stopped, removed by delete" {
	bb_bundle "$B" true
	mkdir -p "$MR_ROOT/nr1" "$MR_ROOT/nr2"
	: >"$MR_ROOT/nr2/exec.fifo"
	listed nr1 '^stopped$'
	xrun mr state nr1
	assert_status 0
	assert_equal "$(jq -r .status <<<"$output")" stopped
	# not even a record: plain delete removes it, as --force does
	xrun mr delete nr1
	assert_status 0
	[ ! -e "$MR_ROOT/nr1" ]
	clean_after nr2
	reusable nr1
}

# ---- corrupt records -------------------------------------------------------------

@test "a corrupt state.json (12 kinds): state fails naming it, list shows the container, delete --force kills and removes it" {
	bb_bundle "$B" sleep 100
	local kind f pid
	for kind in empty truncated garbage binary null array number string wrong-types no-id cgroup-garbage directory; do
		ct_create cs1 "$B"
		xrun mr start cs1
		assert_status 0
		pid=$(ct_pid cs1)
		f=$MR_ROOT/cs1/state.json
		case $kind in
		empty) : >"$f" ;;
		truncated) head -c 40 "$f" >"$f.x" && mv "$f.x" "$f" ;;
		garbage) echo 'this is not json {{{' >"$f" ;;
		binary) head -c 300 /dev/urandom | tr -d '{[' >"$f" ;;
		null) echo null >"$f" ;;
		array) echo '[1, 2]' >"$f" ;;
		number) echo 42 >"$f" ;;
		string) echo '"x"' >"$f" ;;
		wrong-types) jq -c '.pid = "many" | .bundle = 7' "$f" >"$f.x" && mv "$f.x" "$f" ;;
		no-id) jq -c 'del(.id)' "$f" >"$f.x" && mv "$f.x" "$f" ;;
		cgroup-garbage) jq -c '.cgroup = "nonsense here"' "$f" >"$f.x" && mv "$f.x" "$f" ;;
		directory) rm "$f" && mkdir "$f" ;;
		esac
		if [ "$kind" != cgroup-garbage ]; then
			xrun mr state cs1
			assert_status 1
			assert_line_count "$stderr" 1
			assert_contains "$stderr" "$MR_ROOT/cs1/state.json"
		fi
		listed cs1 '^(stopped|running)$'
		xrun mr delete cs1
		if [ "$kind" != cgroup-garbage ]; then
			assert_status 1
			assert_contains "$stderr" "delete --force"
		fi
		clean_after cs1
		wait_for 10 pid_gone "$pid" || fail "$kind: the container's process survived delete --force"
		reusable cs1
	done
}

# ---- what create writes must read back ---------------------------------------------

@test "annotations too large for the state: create refuses them in one line and leaves nothing; just below works" {
	bb_bundle "$B" sleep 100
	python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); c["annotations"] = {"big": "a" * (1100 * 1024)}; json.dump(c, open(sys.argv[1], "w"))' "$B/config.json"
	create_fails an1
	assert_match "$stderr" '^minirun: config.json: annotations: [0-9]+ bytes of state with them, more than the [0-9]+ minirun keeps for a container$'
	python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); c["annotations"] = {"big": "a" * (900 * 1024), "small": "x"}; json.dump(c, open(sys.argv[1], "w"))' "$B/config.json"
	ct_create an2 "$B"
	assert_equal "$(ct_state an2 | jq -r '.annotations.big | length')" $((900 * 1024))
	xrun mr start an2
	assert_status 0
	assert_equal "$(ct_status an2)" running
	listed an2 '^running$'
	clean_after an2
}

@test "a 50 MB config.json (a large unknown property: ignored) creates, and every verb works on the container" {
	bb_bundle "$B" sleep 100
	python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); c["org.example.padding"] = "p" * (50 << 20); json.dump(c, open(sys.argv[1], "w"))' "$B/config.json"
	ct_create big1 "$B"
	xrun mr start big1
	assert_status 0
	xrun mr exec big1 true
	assert_status 0
	listed big1 '^running$'
	clean_after big1
}

# ---- --pid-file --------------------------------------------------------------------------

@test "--pid-file: a symlink or a hard link at the temporary name is not written through (made exclusively, no link followed)" {
	bb_bundle "$B" sleep 100
	echo victim >"$MR_TMP/victim"
	ln -s "$MR_TMP/victim" "$MR_TMP/p1.pid.minirun-tmp"
	ct_create pf1 "$B" --pid-file "$MR_TMP/p1.pid"
	assert_equal "$(cat "$MR_TMP/victim")" victim
	assert_equal "$(cat "$MR_TMP/p1.pid")" "$(ct_pid pf1)"
	[ ! -L "$MR_TMP/p1.pid" ] || fail "the pid file is the symlink"
	[ ! -e "$MR_TMP/p1.pid.minirun-tmp" ] && [ ! -L "$MR_TMP/p1.pid.minirun-tmp" ] || fail "temporary left"
	ln "$MR_TMP/victim" "$MR_TMP/p2.pid.minirun-tmp"
	ct_create pf2 "$B" --pid-file "$MR_TMP/p2.pid"
	assert_equal "$(cat "$MR_TMP/victim")" victim
	assert_equal "$(cat "$MR_TMP/p2.pid")" "$(ct_pid pf2)"
}

@test "--pid-file /proc/version: the error names the path given, and nothing is left" {
	bb_bundle "$B" sleep 100
	ct_track pf3
	xrun mr create -b "$B" --pid-file /proc/version pf3
	assert_status 1
	assert_line_count "$stderr" 1
	assert_match "$stderr" '^minirun: --pid-file /proc/version: '
	[[ $stderr != *minirun-tmp* ]] || fail "the error names the temporary file: $stderr"
	assert_nothing_left
}

# ---- the sweeps: SIGKILL at every system call (strace -e inject) ----------------------------

# The sweeps kill the verb at its Nth system call for N = 2, 2+S, 2+2S, ...
# up to its count (about 230 for create, 50 start, 90 exec, 125 delete
# here), S = $MR_CRASH_STRIDE (default 1: all of them, about three minutes in
# all; a larger stride samples every Sth).

requires_strace() {
	command -v strace >/dev/null || skip "needs strace (apt-get install strace)"
	# ptrace may be forbidden (yama, a container without CAP_SYS_PTRACE)
	strace -o /dev/null -qq true 2>/dev/null || skip "strace cannot trace here"
}

# syscalls LOG: the system call names of an strace -o log, in order.
syscalls() {
	sed -nE 's/^([a-z_0-9]+)\(.*/\1/p' "$1"
}

# quick_clean_after ID: clean_after's checks, cheaper: no process whose
# command line names $MR_TMP (pgrep) instead of mr_procs' whole scan (the
# container's processes are in its cgroup, which must be gone).
quick_clean_after() {
	xrun timeout 30 "$MINIRUN" --root "$MR_ROOT" delete --force "$1"
	[ "$status" -eq 0 ] || fail "delete --force $1: status $status: $stderr"
	[ -z "$(ls -A "$MR_ROOT" 2>/dev/null)" ] || fail "delete --force $1 left: $(ls -A "$MR_ROOT")"
	[ -z "$(cg_left "$1")" ] || fail "delete --force $1 left cgroups: $(cg_left "$1")"
	[ -z "$(mr_mounts)" ] || fail "mounts left: $(mr_mounts)"
	wait_for 10 no_named_procs || fail "processes left: $(pgrep -af "$MR_TMP")"
}

no_named_procs() {
	! pgrep -f "$MR_TMP" >/dev/null
}

# sweep VERB-LABEL STRIDE PREPARE RUN: PREPARE sets up (as a command), RUN
# is the verb's command line (minirun ...); for each N: PREPARE, RUN killed
# at syscall N, then checks (all of them, and the id reused, every 8th
# time). The syscall sequence comes from one traced run.
sweep() {
	local label=$1 stride=$2 prepare=$3
	shift 3
	local n i name k names
	$prepare
	strace -o "$MR_TMP/seq.log" -qq "$@" </dev/null >/dev/null 2>&1 3>&- || true
	mapfile -t names < <(syscalls "$MR_TMP/seq.log")
	n=${#names[@]}
	[ "$n" -gt 10 ] || fail "$label: only $n system calls traced"
	clean_after sw1
	echo "# $label: $n system calls, killed at every ${stride}. one" >&3
	# (from 1: strace cannot stop its tracee at the execve that starts it)
	for ((i = 1; i < n; i += stride)); do
		name=${names[$i]}
		k=$(printf '%s\n' "${names[@]:0:$((i + 1))}" | grep -cx "$name")
		$prepare
		# (through bash -c, whose report of strace's death goes nowhere)
		bash -c '"$@"; true' - strace -o /dev/null -qq -e trace="$name" -e inject="$name:signal=KILL:when=$k" \
			"$@" </dev/null >/dev/null 2>&1 3>&-
		# a delete killed while it had the cgroup frozen leaves it paused
		if [ -d "$MR_ROOT/sw1" ]; then
			listed_table sw1 '^(creating|created|running|paused|stopped)$'
		fi
		if [ $(((i - 1) % (stride * 8))) -eq 0 ]; then
			clean_after sw1 || fail "$label: killed at syscall $((i + 1)) ($name #$k)"
			reusable sw1 || fail "$label: after a kill at syscall $((i + 1)) ($name #$k)"
		else
			quick_clean_after sw1 || fail "$label: killed at syscall $((i + 1)) ($name #$k)"
		fi
	done
}

prep_none() {
	ct_track sw1
}

prep_created() {
	ct_create sw1 "$B"
}

prep_running() {
	ct_create sw1 "$B"
	mr start sw1
}

@test "sweep: create killed at every system call, then delete --force leaves nothing and the id is reusable" {
	requires_strace
	bb_bundle "$B" sleep 100
	sweep create "${MR_CRASH_STRIDE:-1}" prep_none "$MINIRUN" --root "$MR_ROOT" create -b "$B" --pid-file "$MR_TMP/sw.pid" sw1
}

@test "sweep: start killed at every system call, then delete --force leaves nothing" {
	requires_strace
	bb_bundle "$B" sleep 100
	sweep start "${MR_CRASH_STRIDE:-1}" prep_created "$MINIRUN" --root "$MR_ROOT" start sw1
}

@test "sweep: exec killed at every system call, then delete --force leaves nothing" {
	requires_strace
	bb_bundle "$B" sleep 100
	# (a short process: the steps after the wait run to its end)
	sweep exec "${MR_CRASH_STRIDE:-1}" prep_running "$MINIRUN" --root "$MR_ROOT" exec sw1 sleep 1
}

@test "sweep: delete killed at every system call, then delete --force leaves nothing" {
	requires_strace
	bb_bundle "$B" sleep 100
	sweep delete "${MR_CRASH_STRIDE:-1}" prep_running "$MINIRUN" --root "$MR_ROOT" delete --force sw1
}
