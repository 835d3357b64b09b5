#!/usr/bin/env bats
# `minirun run` (issue 3, point 1): create + start + wait; the exit status
# (128+N for a signal), signal forwarding, --detach, --keep, --no-subreaper.

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

# run_bg ID [RUN-OPTION...]: `minirun run` in the background with its output
# in $MR_TMP/ID.stdout and ID.stderr; sets RUN_PID.
run_bg() {
	local id=$1
	shift
	ct_track "$id"
	"$MINIRUN" --root "$MR_ROOT" run -b "$B" "$@" "$id" \
		</dev/null >"$MR_TMP/$id.stdout" 2>"$MR_TMP/$id.stderr" 3>&- &
	RUN_PID=$!
}

# wait_run: wait for the background run (at most 20 s); sets status.
wait_run() {
	wait_for 20 pid_gone "$RUN_PID" || fail "minirun run is still running"
	status=0
	wait "$RUN_PID" || status=$?
}

@test "run in the foreground exits with the container's exit code" {
	local code
	for code in 0 3 255; do
		rm -rf "$B"
		bb_bundle "$B" sh -c "exit $code"
		ct_track "rc$code"
		xrun mr run -b "$B" "rc$code"
		assert_status "$code"
		assert_equal "$stderr" ""
	done
}

@test "run hands its stdin, stdout and stderr to the container" {
	bb_bundle "$B" sh -c 'read line; echo "out:$line"; echo "err:$line" >&2'
	echo from-stdin >"$MR_TMP/in"
	ct_track io1
	XRUN_STDIN=$MR_TMP/in xrun mr run -b "$B" io1
	assert_status 0
	assert_equal "$output" "out:from-stdin"
	assert_equal "$stderr" "err:from-stdin"
}

@test "run exits 128+N when the container's process dies of signal N (kill -USR1 \$\$ without a pid namespace: 138)" {
	# in its own pid namespace sh is init, which ignores signals it has no
	# handler for (runc and minirun both exit 0 there)
	bb_bundle "$B" sh -c 'kill -USR1 $$; echo survived'
	bb_cfg "$B" '.linux.namespaces -= [{"type": "pid"}]'
	ct_track sg1
	xrun mr run -b "$B" sg1
	assert_status 138
	assert_equal "$output" ""
}

@test "run exits 137 when the container is killed with minirun kill KILL, and removes it" {
	bb_bundle "$B" sh -c 'echo ready >/out/ready; exec sleep 1000'
	run_bg sk1
	wait_for 10 test -e "$B/out/ready"
	xrun mr kill sk1 KILL
	assert_status 0
	wait_run
	assert_status 137
	[ ! -e "$MR_ROOT/sk1" ] || fail "the container was not removed"
}

@test "TERM sent to minirun run is forwarded to the container; run exits with the container's status" {
	bb_bundle "$B" sh -c 'trap "echo TERM >/out/term; exit 0" TERM; sleep 1000 & echo ready >/out/ready; wait'
	run_bg fw1
	wait_for 10 test -e "$B/out/ready"
	kill -TERM "$RUN_PID"
	wait_run
	assert_status 0
	assert_equal "$(cat "$B/out/term")" TERM
	[ ! -e "$MR_ROOT/fw1" ]
}

@test "HUP and USR2 sent to minirun run are forwarded too" {
	bb_bundle "$B" sh -c 'trap "echo HUP >>/out/got" HUP; trap "echo USR2 >>/out/got; exit 7" USR2
		sleep 1000 & echo ready >/out/ready; while :; do wait; done'
	run_bg fw2
	wait_for 10 test -e "$B/out/ready"
	kill -HUP "$RUN_PID"
	wait_for 10 grep -qx HUP "$B/out/got"
	pid_alive "$RUN_PID"
	kill -USR2 "$RUN_PID"
	wait_run
	assert_status 7
	assert_equal "$(cat "$B/out/got")" $'HUP\nUSR2'
}

@test "run --detach returns while the container runs; --pid-file is written" {
	bb_bundle "$B" sleep 1000
	ct_track dt1
	xrun mr run -b "$B" --detach --pid-file "$MR_TMP/dt1.pid" dt1
	assert_status 0
	assert_equal "$output" ""
	assert_equal "$stderr" ""
	local pid
	pid=$(ct_pid dt1)
	ct_track_pid "$pid"
	assert_equal "$(ct_status dt1)" running
	assert_equal "$(cat "$MR_TMP/dt1.pid")" "$pid"
	pid_alive "$pid"
	# -d too
	ct_track dt2
	xrun mr run -d -b "$B" dt2
	assert_status 0
	assert_equal "$(ct_status dt2)" running
}

@test "run --keep leaves the stopped container, which state shows as stopped" {
	bb_bundle "$B" sh -c 'exit 3'
	ct_track kp1
	xrun mr run -b "$B" --keep kp1
	assert_status 3
	[ -d "$MR_ROOT/kp1" ] || fail "no state dir after run --keep"
	assert_equal "$(ct_status kp1)" stopped
	xrun mr list -q
	assert_equal "$output" kp1
	xrun mr delete kp1
	assert_status 0
	[ ! -e "$MR_ROOT/kp1" ]
}

@test "without --keep the container is removed after a foreground run" {
	bb_bundle "$B" true
	ct_track rm1
	xrun mr run -b "$B" rm1
	assert_status 0
	[ ! -e "$MR_ROOT/rm1" ] || fail "state dir left after run"
	xrun mr state rm1
	[ "$status" -ne 0 ]
	assert_contains "$stderr" "does not exist"
	xrun mr list -q
	assert_equal "$output" ""
}

@test "run --no-subreaper still waits for the container and exits with its code" {
	bb_bundle "$B" sh -c 'echo done; exit 4'
	ct_track ns1
	xrun mr run --no-subreaper -b "$B" ns1
	assert_status 4
	assert_equal "$output" "done"
	[ ! -e "$MR_ROOT/ns1" ]
}

@test "run of a missing executable fails with exit 1, the exec message, and leaves nothing" {
	bb_bundle "$B" nosuch
	ct_track nx1
	local before
	before=$(mr_tree)
	xrun mr run -b "$B" nx1
	assert_status 1
	assert_contains "$stderr" 'exec: "nosuch": executable file not found in $PATH'
	assert_equal "$(mr_tree)" "$before"
	assert_nothing_left
}
