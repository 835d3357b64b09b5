#!/usr/bin/env bats
# minirun-shim's robustness (issue 10, point 3) and other runtimes (point 4).

load shim-helpers

setup_file() { bb_setup_file; }
setup() { shim_setup; }
teardown() { shim_teardown; }

@test "shim-robust: malformed JSON, unknown ops, oversized lines get an error; the shim goes on" {
	bb_shim_bundle "$MR_TMP/b" sleep 1000
	shim_run r1 "$MR_TMP/b"
	out=$(shim_py '
for line in [b"{not json\n", b"[1,2]\n", b"{\"op\":\"frobnicate\"}\n", b"{\"op\":\"kill\",\"signal\":\"NOPE\"}\n",
             b"{\"op\":\"state\",\"extra\":1}\n"]:
    s = conn(sys.argv[1]); s.sendall(line)
    m = next(lines(s)); print(m["ok"], m["error"][:40])
s = conn(sys.argv[1])
try:
    s.sendall(b"{\"op\":\"state\",\"x\":\"" + b"a" * (1 << 20) + b"\"}\n")
except OSError:
    pass
m = next(lines(s)); print(m["ok"], m["error"])
# a client that vanishes in the middle of a line
s = conn(sys.argv[1]); s.sendall(b"{\"op\":\"sta"); s.close()
' "$MR_TMP/r1/shim.sock")
	assert_equal "$(grep -c '^False ' <<<"$out")" 6
	assert_contains "$out" "request line longer than 1048576 bytes"
	assert_contains "$out" "frobnicate"
	run ctl r1 state
	assert_status 0
}

@test "shim-robust: 50 clients at once" {
	bb_shim_bundle "$MR_TMP/b" sleep 1000
	shim_run r2 "$MR_TMP/b"
	ctl r2 start
	for i in $(seq 50); do ctl r2 state >"$MR_TMP/s$i" & done
	wait
	for i in $(seq 50); do
		assert_equal "$(jq -r .state.status "$MR_TMP/s$i")" running
	done
}

@test "shim-robust: a client that stops reading during a flood blocks neither the container nor others; memory stays bounded" {
	bb_shim_bundle "$MR_TMP/b" sh -c 'dd if=/dev/zero bs=1M count=64 2>/dev/null | tr "\0" x | fold -w 100; echo; echo end'
	shim_run r3 "$MR_TMP/b" --log-max-size 8M
	# attached, never reading
	(exec "${MR_PYTHON:-python3}" -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect(sys.argv[1])
s.sendall(b"{\"op\":\"attach\",\"stdout\":true}\n")
open(sys.argv[2], "w").close()
time.sleep(3600)
' "$MR_TMP/r3/shim.sock" "$MR_TMP/attached") &
	stuck=$!
	wait_for 10 test -e "$MR_TMP/attached"
	ctl r3 start
	run ctl r3 wait
	kill "$stuck"
	assert_equal "$(jq .exitCode <<<"$output")" 0
	assert_equal "$(tail -n1 "$MR_TMP/r3.log" | cut -d' ' -f2-)" "stdout F end"
	rss=$(awk '/^VmHWM:/ {print $2}' "/proc/$(shim_pid r3)/status")
	[ "$rss" -lt 40000 ] || fail "the shim's peak RSS was $rss kB"
	run ctl r3 state
	assert_status 0
}

@test "shim-robust: SIGKILL of the shim leaves the container running; state.json and the dead shimPid say unknown; delete --force cleans up" {
	bb_shim_bundle "$MR_TMP/b" sleep 1000
	shim_run r4 "$MR_TMP/b"
	ctl r4 start
	pid=$(shim_pid r4)
	init=$(state_field r4 pid)
	kill -9 "$pid"
	wait_for 10 pid_gone "$pid"
	pid_alive "$init"
	assert_equal "$("$MINIRUN" --root "$MR_ROOT" state r4 | jq -r .status)" running
	# what a client concludes: the shim is gone and no exit code was made up
	assert_equal "$(state_field r4 exitCode)" null
	st=$(state_field r4 shimStartTime)
	pid_gone "$(state_field r4 shimPid)" "$st"
	run "$MINIRUN" --root "$MR_ROOT" delete --force r4
	assert_status 0
	wait_for 10 pid_gone "$init"
	run "$MINIRUN" --root "$MR_ROOT" list -q
	assert_equal "$output" ""
}

@test "shim-robust: the shim survives the death of its caller's session" {
	bb_shim_bundle "$MR_TMP/b" sleep 1000
	setsid bash -c "'$MINIRUN_SHIM' --id r5 --bundle '$MR_TMP/b' --state-dir '$MR_TMP/r5' --runtime '$MINIRUN' \
		--runtime-root '$MR_ROOT' </dev/null >/dev/null 2>&1; kill -HUP 0" || true
	printf 'r5\t%s\n' "$MINIRUN" >>"$MR_TMP/.shims"
	pid_alive "$(shim_pid r5)"
	run ctl r5 state
	assert_status 0
}

# shim_basic_flow RUNTIME: create, start, output, exec, wait, delete.
shim_basic_flow() {
	SHIM_RUNTIME=$1
	bb_shim_bundle "$MR_TMP/b" sh -c 'echo hi; sleep 1000'
	# below the file's parent: the teardown removes what a failure leaves
	shim_cgroup_parent
	bb_cfg "$MR_TMP/b" '.linux.cgroupsPath = $p' --arg p "$(cg_path rt)"
	# a version every runtime here knows (crun 1.8.1 refuses newer ones)
	bb_cfg "$MR_TMP/b" '.ociVersion = "1.0.2" | .process.env += ["MARK=from-bundle"]'
	shim_run rt "$MR_TMP/b" || fail "$(cat "$MR_TMP/rt.err")"
	ctl rt start
	wait_for 10 grep -q 'stdout F hi' "$MR_TMP/rt.log"
	# the exec's process without env, user, cwd: the container's (and PATH)
	run ctl rt exec '{"process":{"args":["sh","-c","echo $MARK $(pwd); exit 6"]}}'
	assert_contains "$output" '"data":"from-bundle /\n"'
	assert_equal "$(tail -n1 <<<"$output" | jq .exitCode)" 6
	run ctl rt stats
	assert_status 0
	ctl rt kill '{"signal":"KILL"}'
	run ctl rt wait
	assert_equal "$(jq .exitCode <<<"$output")" 137
	pid=$(shim_pid rt)
	ctl rt delete
	wait_for 10 pid_gone "$pid"
	cg_assert_gone "$(cg_path rt)"
}

@test "shim-robust: the flow with the default runtime (minirun)" {
	shim_basic_flow "$MINIRUN"
}

@test "shim-robust: the same flow with --runtime runc" {
	command -v runc >/dev/null || [ -x /usr/sbin/runc ] || skip "runc is not installed"
	shim_basic_flow "$(command -v runc || echo /usr/sbin/runc)"
}

@test "shim-robust: the same flow with crun (through the hybrid-cgroup workaround where needed)" {
	command -v crun >/dev/null || skip "crun is not installed"
	crun=$(command -v crun)
	ctl_file=/sys/fs/cgroup/unified/cgroup.controllers
	# (cgroupfs files have a size of 0: read it)
	if [ -n "$(cat "$ctl_file" 2>/dev/null)" ]; then
		# crun 1.8.1 refuses a hybrid host whose cgroup2 has controllers:
		# a private mount namespace hides them (../shared/notes/clients.md)
		: >"$MR_TMP/empty"
		cat >"$MR_TMP/crun" <<-EOS
		#!/bin/sh
		exec unshare -m --propagation slave -- sh -c 'mount --bind "$MR_TMP/empty" $ctl_file && exec $crun "\$@"' crun "\$@"
		EOS
		chmod +x "$MR_TMP/crun"
		crun=$MR_TMP/crun
	fi
	shim_basic_flow "$crun"
}
