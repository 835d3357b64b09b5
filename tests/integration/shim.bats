#!/usr/bin/env bats
# minirun-shim (issue 10): detach, create, output in the CRI log, exit
# status, exit command, the control socket's ops.

load shim-helpers

setup_file() { bb_setup_file; }
setup() { shim_setup; }
teardown() { shim_teardown; }

@test "shim: --help names the options and the ops; ctl --help" {
	run "$MINIRUN_SHIM" --help
	assert_status 0
	for o in --id --bundle --state-dir --runtime --runtime-root --log --log-max-size --terminal --stdin \
		--exit-command --exit-command-arg --preserve-fds; do
		assert_contains "$output" "$o"
	done
	for op in state start wait kill logs attach resize exec stats pause resume update delete; do
		assert_contains "$output" "$op"
	done
	run "$MINIRUN_SHIM" ctl --help
	assert_status 0
	assert_contains "$output" "--socket PATH OP"
}

@test "shim: a missing option or a bad value is one line naming it, and nothing is made" {
	run "$MINIRUN_SHIM" --bundle "$MR_TMP" --state-dir "$MR_TMP/st"
	assert_status 1
	assert_equal "$output" "minirun-shim: --id is required"
	run "$MINIRUN_SHIM" --id a --bundle "$MR_TMP" --state-dir "$MR_TMP/st" --log "$MR_TMP/l" --log-max-size 12x
	assert_status 1
	assert_equal "$output" 'minirun-shim: --log-max-size: "12x" is not a size in bytes'
	run "$MINIRUN_SHIM" --id a --bundle "$MR_TMP/nope" --state-dir "$MR_TMP/st"
	assert_status 1
	assert_match "$output" "^minirun-shim: --bundle $MR_TMP/nope: No such file"
	[ ! -e "$MR_TMP/st" ]
}

@test "shim: detaches (own session, not our child, 1 thread) and exits 0 once created" {
	bb_shim_bundle "$MR_TMP/b" sleep 1000
	shim_run c1 "$MR_TMP/b"
	pid=$(shim_pid c1)
	pid_alive "$pid"
	assert_equal "$(stat -c %a "$MR_TMP/c1/shim.sock")" 600
	assert_equal "$(state_field c1 status)" created
	assert_equal "$(state_field c1 shimPid)" "$pid"
	assert_equal "$(state_field c1 id)" c1
	assert_equal "$(state_field c1 bundle)" "$MR_TMP/b"
	# its own session, and its parent is not this shell
	read -r _ _ _ ppid _ sid _ < <(sed 's/^.*) //; s/^/x x /' "/proc/$pid/stat")
	[ "$sid" = "$pid" ] || [ "$sid" != "$(ps -o sid= $$ | tr -d ' ')" ]
	[ "$ppid" != "$$" ]
	assert_equal "$(awk '/^Threads:/ {print $2}' "/proc/$pid/status")" 1
	# the shim ignores SIGHUP and SIGPIPE
	kill -HUP "$pid"
	kill -PIPE "$pid"
	run ctl c1 state
	assert_status 0
}

@test "shim: the fds its caller leaves open are closed in the shim and never reach the container" {
	bb_shim_bundle "$MR_TMP/b" sleep 1000
	mkfifo "$MR_TMP/fifo"
	# a reader of a pipe whose other end the caller leaks: it sees EOF only
	# if no one else holds that end
	bounded 60 "fifo reader" cat "$MR_TMP/fifo" >"$MR_TMP/fifo-read" 3>&- &
	reader=$!
	exec 8>"$MR_TMP/fifo"
	shim_run c21 "$MR_TMP/b" 7>"$MR_TMP/inherited" 9>&8
	exec 8>&-
	pid=$(shim_pid c21)
	ctl c21 start
	init=$(state_field c21 pid)
	for p in "$pid" "$init"; do
		run bash -c "readlink /proc/$p/fd/* 2>/dev/null"
		[[ "$output" != *"$MR_TMP/inherited"* ]] || fail "pid $p holds the inherited file: $output"
		[[ "$output" != *"$MR_TMP/fifo"* ]] || fail "pid $p holds the inherited pipe: $output"
	done
	# the reader's EOF: nobody but us held the write end
	wait "$reader"
}

@test "shim: --preserve-fds N passes fds 3 .. 3+N-1 to the container; the shim keeps none; a hole or a bad N is one line" {
	bb_shim_bundle "$MR_TMP/b" sh -c 'echo three >&3; echo four >&4; sleep 1000'
	printf 'c22\t%s\n' "$SHIM_RUNTIME" >>"$MR_TMP/.shims"
	shim_args=(--bundle "$MR_TMP/b" --runtime "$SHIM_RUNTIME" --runtime-root "$MR_ROOT")
	bounded "$SHIM_WAIT_MAX" "minirun-shim --id c22" "$MINIRUN_SHIM" --id c22 --state-dir "$MR_TMP/c22" \
		"${shim_args[@]}" --preserve-fds 2 </dev/null >"$MR_TMP/c22.out" 2>"$MR_TMP/c22.err" \
		3>"$MR_TMP/f3" 4>"$MR_TMP/f4" 5>"$MR_TMP/f5" || fail "$(cat "$MR_TMP/c22.err")"
	pid=$(shim_pid c22)
	ctl c22 start
	wait_for 10 grep -q three "$MR_TMP/f3"
	wait_for 10 grep -q four "$MR_TMP/f4"
	run bash -c "readlink /proc/$pid/fd/* 2>/dev/null"
	[[ "$output" != *"$MR_TMP/f"[345]* ]] || fail "the shim holds a passed or an inherited fd: $output"
	run bash -c "readlink /proc/$(state_field c22 pid)/fd/* 2>/dev/null"
	assert_contains "$output" "$MR_TMP/f3"
	assert_contains "$output" "$MR_TMP/f4"
	[[ "$output" != *"$MR_TMP/f5"* ]] || fail "the container got fd 5, which was not to pass: $output"
	# fd 4 closed: refused before anything is made
	run "$MINIRUN_SHIM" --id c23 --state-dir "$MR_TMP/c23" "${shim_args[@]}" --preserve-fds 2 3>"$MR_TMP/f3" 4>&-
	assert_status 1
	assert_equal "$output" "minirun-shim: --preserve-fds 2: fd 4 is not open"
	[ ! -e "$MR_TMP/c23" ]
	run "$MINIRUN_SHIM" --id c23 --state-dir "$MR_TMP/c23" "${shim_args[@]}" --preserve-fds x
	assert_status 1
	assert_contains "$output" '--preserve-fds: "x"'
}

@test "shim: oom_score_adj -999 for the shim, the caller's own for the container" {
	if ! sh -c 'echo -999 >/proc/self/oom_score_adj' 2>/dev/null; then
		skip "this host refuses a negative oom_score_adj even to root (runs on a normal kernel)"
	fi
	bb_shim_bundle "$MR_TMP/b" sleep 1000
	shim_run c1 "$MR_TMP/b"
	assert_equal "$(cat "/proc/$(shim_pid c1)/oom_score_adj")" -999
	assert_equal "$(cat "/proc/$(state_field c1 pid)/oom_score_adj")" "$(cat /proc/self/oom_score_adj)"
}

@test "shim: create fails: the runtime's own line, exit 1, state.json says why, nothing left behind" {
	bb_shim_bundle "$MR_TMP/b" /no/such/program
	run shim_run c2 "$MR_TMP/b"
	assert_status 1
	err=$(cat "$MR_TMP/c2.err")
	assert_line_count "$err" 1
	assert_contains "$err" "/no/such/program"
	assert_equal "$(state_field c2 status)" stopped
	assert_equal "$(state_field c2 error)" "$err"
	assert_equal "$(state_field c2 exitCode)" null
	[ ! -e "$MR_TMP/c2/shim.sock" ]
	[ ! -e "$MR_TMP/c2/shim.pid" ]
	pid_gone "$(state_field c2 shimPid)"
	run "$MINIRUN" --root "$MR_ROOT" list -q
	assert_equal "$output" ""
}

@test "shim: a runtime that fails without a word is named with its exit status" {
	bb_shim_bundle "$MR_TMP/b" true
	SHIM_RUNTIME=/bin/false
	run shim_run c3 "$MR_TMP/b"
	assert_status 1
	assert_equal "$(cat "$MR_TMP/c3.err")" "/bin/false create failed with exit status 1 and said nothing"
}

@test "shim: stdout and stderr in the CRI log (F and P records), the exit code through wait and state.json" {
	bb_shim_bundle "$MR_TMP/b" sh -c 'echo one; printf half; sleep 0.2; echo " rest"; echo two >&2; exit 3'
	shim_run c4 "$MR_TMP/b"
	run ctl c4 start
	assert_status 0
	assert_match "$output" '^\{"ok":true,"pid":[0-9]+\}$'
	run ctl c4 wait
	assert_status 0
	assert_equal "$(jq -c '{ok, exitCode}' <<<"$output")" '{"ok":true,"exitCode":3}'
	assert_match "$(jq -r .exitedAt <<<"$output")" '^[0-9-]+T[0-9:.]+Z$'
	log=$(cat "$MR_TMP/c4.log")
	re='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z (stdout|stderr) [FP] '
	while IFS= read -r l; do assert_match "$l" "$re"; done <<<"$log"
	assert_equal "$(cut -d' ' -f2- <<<"$log")" "stdout F one
stdout P half
stdout F  rest
stderr F two"
	assert_equal "$(state_field c4 status)" stopped
	assert_equal "$(state_field c4 exitCode)" 3
	[ "$(state_field c4 exitedAt)" != null ]
	[ "$(state_field c4 startedAt)" != null ]
}

@test "shim: an exit by a signal is 128+n; kill by name and by number" {
	# outside a PID namespace: a PID 1 would ignore a signal it has no handler for
	bb_shim_bundle "$MR_TMP/b" sleep 1000
	bb_cfg "$MR_TMP/b" '.linux.namespaces |= map(select(.type != "pid"))'
	shim_run c5 "$MR_TMP/b"
	ctl c5 start
	run ctl c5 kill '{"signal":"NOSUCH"}'
	assert_status 1
	assert_contains "$output" 'kill: signal'
	ctl c5 kill '{"signal":"SIGUSR1"}'
	run ctl c5 wait
	assert_equal "$(jq .exitCode <<<"$output")" 138
	bb_shim_bundle "$MR_TMP/b2" sleep 1000
	shim_run c5b "$MR_TMP/b2"
	ctl c5b start
	ctl c5b kill '{"signal":9,"all":true}'
	run ctl c5b wait
	assert_equal "$(jq .exitCode <<<"$output")" 137
	assert_equal "$(state_field c5b exitCode)" 137
}

@test "shim: the log rotates at --log-max-size, one generation kept, no record lost between the two" {
	bb_shim_bundle "$MR_TMP/b" sh -c 'i=0; while [ $i -lt 3000 ]; do echo "line $i"; i=$((i+1)); done'
	shim_run c6 "$MR_TMP/b" --log-max-size 16k
	ctl c6 start
	ctl c6 wait
	[ -f "$MR_TMP/c6.log.1" ]
	[ ! -e "$MR_TMP/c6.log.2" ]
	[ "$(stat -c %s "$MR_TMP/c6.log")" -le 16384 ]
	[ "$(stat -c %s "$MR_TMP/c6.log.1")" -le 16384 ]
	# what is kept ends with the last line and has no gap
	last=$(tail -n1 "$MR_TMP/c6.log" | cut -d' ' -f4-)
	assert_equal "$last" "line 2999"
	nums=$(cat "$MR_TMP/c6.log.1" "$MR_TMP/c6.log" | awk '$3 == "F" {print $5}')
	first=$(head -n1 <<<"$nums")
	assert_equal "$(tail -n1 <<<"$nums")" 2999
	assert_equal "$(wc -l <<<"$nums")" $((3000 - first))
}

@test "shim: --terminal gives the container a pty; resize sets its size" {
	bb_shim_bundle "$MR_TMP/b" sh -c 'tty; read x; stty size; exit 0'
	bb_cfg "$MR_TMP/b" '.process.terminal = true'
	shim_run c7 "$MR_TMP/b" --terminal --stdin
	ctl c7 start
	run ctl c7 resize '{"rows":33,"cols":77}'
	assert_status 0
	echo go | ctl c7 attach '{"stdin":true,"stdout":true}' >"$MR_TMP/att" || true
	run ctl c7 wait
	assert_equal "$(jq .exitCode <<<"$output")" 0
	assert_match "$(cat "$MR_TMP/c7.log")" 'stdout [FP] /dev/pts/[0-9]+'
	assert_contains "$(cat "$MR_TMP/c7.log")" "33 77"
	assert_equal "$(state_field c7 terminal)" true
}

@test "shim: --stdin and attach: our stdin reaches the container, its output comes back, detach leaves it running" {
	bb_shim_bundle "$MR_TMP/b" sh -c 'while read x; do echo "got $x"; done; echo done; sleep 1000'
	shim_run c8 "$MR_TMP/b" --stdin
	ctl c8 start
	# a detach ends the stream, the container goes on
	out=$(shim_py '
s = conn(sys.argv[1])
s.sendall(b"{\"op\":\"attach\",\"stdin\":true,\"stdout\":true}\n")
it = lines(s)
print(json.dumps(next(it)))
s.sendall(b"{\"op\":\"stdin\",\"data\":\"hello\\n\"}\n")
print(json.dumps(next(it)))
s.sendall(b"{\"op\":\"detach\"}\n")
print(json.dumps(next(it)))
' "$MR_TMP/c8/shim.sock")
	assert_equal "$out" '{"ok": true}
{"stream": "stdout", "data": "got hello\n"}
{"eof": true}'
	assert_equal "$(state_field c8 status)" running
	# the end of stdin closes the container's
	shim_stdin c8 'a\nb\n'
	wait_for 10 grep -q 'stdout F done' "$MR_TMP/c8.log"
	assert_contains "$(cat "$MR_TMP/c8.log")" "stdout F got b"
}

@test "shim: attach without --stdin refuses stdin with one line" {
	bb_shim_bundle "$MR_TMP/b" sleep 1000
	shim_run c9 "$MR_TMP/b"
	ctl c9 start
	run ctl c9 attach '{"stdin":true}'
	assert_status 1
	assert_contains "$output" "--stdin"
}

@test "shim: exec streams its output, its exit code comes through wait with the exec id, reaped as subreaper" {
	bb_shim_bundle "$MR_TMP/b" sleep 1000
	shim_run c10 "$MR_TMP/b"
	ctl c10 start
	run ctl c10 exec '{"id":"x1","process":{"args":["sh","-c","echo out; echo err >&2; exit 5"],"cwd":"/"}}'
	assert_status 0
	assert_equal "$(head -n1 <<<"$output" | jq -c '{ok, id}')" '{"ok":true,"id":"x1"}'
	assert_contains "$output" '{"stream":"stdout","data":"out\n"}'
	assert_contains "$output" '{"stream":"stderr","data":"err\n"}'
	assert_equal "$(tail -n1 <<<"$output" | jq -c '{eof, exitCode}')" '{"eof":true,"exitCode":5}'
	run ctl c10 wait '{"exec":"x1"}'
	assert_status 0
	assert_equal "$(jq .exitCode <<<"$output")" 5
	assert_equal "$(jq -c '.execs[] | {id, status, exitCode}' "$MR_TMP/c10/state.json")" \
		'{"id":"x1","status":"exited","exitCode":5}'
	# with stdin
	run ctl_stdin piped c10 exec '{"stdin":true,"process":{"args":["cat"],"cwd":"/"}}'
	assert_status 0
	assert_contains "$output" '"data":"piped\n"'
	assert_equal "$(tail -n1 <<<"$output" | jq .exitCode)" 0
	run ctl c10 wait '{"exec":"nosuch"}'
	assert_status 1
	# no zombie left under the shim
	for k in $(ct_children "$(shim_pid c10)"); do
		[ "$(sed 's/^.*) //' "/proc/$k/stat" | cut -d' ' -f1)" != Z ]
	done
}

@test "shim: exec stdin that arrives while the runtime's exec still runs, then the client's half-close, reaches the process" {
	# the runtime's exec waits until the client has sent stdin, its end and
	# shut its side: those come while the shim waits for the runtime
	cat >"$MR_TMP/rt" <<-EOS
	#!/bin/sh
	for a in "\$@"; do
		if [ "\$a" = exec ]; then
			: >"$MR_TMP/exec-called"
			while [ ! -e "$MR_TMP/go" ]; do sleep 0.05; done
		fi
	done
	exec "$MINIRUN" "\$@"
	EOS
	chmod +x "$MR_TMP/rt"
	SHIM_RUNTIME=$MR_TMP/rt
	bb_shim_bundle "$MR_TMP/b" sleep 1000
	shim_run c20 "$MR_TMP/b"
	ctl c20 start
	run shim_py '
s = conn(sys.argv[1])
s.settimeout(60)
s.sendall(b"{\"op\":\"exec\",\"stdin\":true,\"process\":{\"args\":[\"cat\"],\"cwd\":\"/\"}}\n")
while not os.path.exists(sys.argv[2] + "/exec-called"):
    time.sleep(0.02)
s.sendall(b"{\"op\":\"stdin\",\"data\":\"late\\n\"}\n")
s.sendall(b"{\"op\":\"stdin\",\"eof\":true}\n")
s.shutdown(socket.SHUT_WR)
time.sleep(0.2)
open(sys.argv[2] + "/go", "w").close()
try:
    for m in lines(s):
        print(json.dumps(m))
except socket.timeout:
    print("timeout: no end of the exec stream")
' "$MR_TMP/c20/shim.sock" "$MR_TMP"
	assert_status 0
	assert_contains "$output" '"data": "late\n"'
	assert_equal "$(tail -n1 <<<"$output" | jq -c '{eof, exitCode}')" '{"eof":true,"exitCode":0}'
}

@test "shim: the exit command runs once the output is drained, with its arguments" {
	bb_shim_bundle "$MR_TMP/b" sh -c 'i=0; while [ $i -lt 2000 ]; do echo "l $i"; i=$((i+1)); done; exit 4'
	cat >"$MR_TMP/exitcmd" <<-EOS
	#!/bin/sh
	tail -n1 "$MR_TMP/c11.log" >"$MR_TMP/exit-out.tmp"
	echo "\$@" >>"$MR_TMP/exit-out.tmp"
	jq -r .exitCode "$MR_TMP/c11/state.json" >>"$MR_TMP/exit-out.tmp"
	mv "$MR_TMP/exit-out.tmp" "$MR_TMP/exit-out"
	EOS
	chmod +x "$MR_TMP/exitcmd"
	shim_run c11 "$MR_TMP/b" --exit-command "$MR_TMP/exitcmd" --exit-command-arg one --exit-command-arg "two words"
	ctl c11 start
	wait_for 20 test -e "$MR_TMP/exit-out"
	run cat "$MR_TMP/exit-out"
	assert_equal "$(sed -n 1p <<<"$output" | cut -d' ' -f2-)" "stdout F l 1999"
	assert_equal "$(sed -n 2p <<<"$output")" "one two words"
	assert_equal "$(sed -n 3p <<<"$output")" 4
}

@test "shim: logs with tail, since and follow" {
	bb_shim_bundle "$MR_TMP/b" sh -c 'echo a; echo b; echo c; read x; echo d; sleep 1000'
	shim_run c12 "$MR_TMP/b" --stdin
	ctl c12 start
	wait_for 10 grep -q 'stdout F c' "$MR_TMP/c12.log"
	run ctl c12 logs '{"tail":2}'
	assert_status 0
	assert_equal "$(jq -r 'select(.data) | .data' <<<"$output")" "b
c"
	assert_equal "$(tail -n1 <<<"$output")" '{"eof":true}'
	run ctl c12 logs '{"since":"2999-01-01T00:00:00Z"}'
	assert_equal "$(jq -r 'select(.data) | .data' <<<"$output")" ""
	# follow: the old lines, then a new one, until the container exits
	ctl c12 logs '{"follow":true}' >"$MR_TMP/follow" &
	fpid=$!
	wait_for 10 grep -q '"data":"c"' "$MR_TMP/follow"
	shim_stdin c12 'go\n' noeof
	wait_for 10 grep -q '"data":"d"' "$MR_TMP/follow"
	ctl c12 kill '{"signal":"KILL"}'
	wait "$fpid"
	assert_equal "$(tail -n1 "$MR_TMP/follow")" '{"eof":true}'
}

@test "shim: stats (one snapshot and a stream), ps" {
	bb_shim_bundle "$MR_TMP/b" sleep 1000
	shim_run c13 "$MR_TMP/b"
	ctl c13 start
	run ctl c13 stats
	assert_status 0
	for k in cpu memory pids; do
		[ "$(jq ".stats | has(\"$k\")" <<<"$output")" = true ] || fail "no $k in $output"
	done
	[ "$(jq '.stats.pids.current' <<<"$output")" -ge 1 ]
	[ "$(jq '.stats.memory.usage.usage' <<<"$output")" -gt 0 ]
	out=$(shim_py '
s = conn(sys.argv[1])
s.sendall(b"{\"op\":\"stats\",\"interval\":20}\n")
it = lines(s)
for i in range(3): print(json.dumps(next(it)["stats"]["pids"]))
' "$MR_TMP/c13/shim.sock")
	assert_line_count "$out" 3
	run ctl c13 ps
	assert_status 0
	assert_contains "$output" "$(state_field c13 pid)"
}

@test "shim: pause, resume, update" {
	bb_shim_bundle "$MR_TMP/b" sleep 1000
	shim_run c14 "$MR_TMP/b"
	ctl c14 start
	ctl c14 pause
	assert_equal "$(state_field c14 status)" paused
	run ctl c14 pause
	assert_status 1
	ctl c14 resume
	assert_equal "$(state_field c14 status)" running
	run ctl c14 update '{"resources":{"pids":{"limit":77}}}'
	assert_status 0
	run ctl c14 stats
	assert_equal "$(jq .stats.pids.limit <<<"$output")" 77
	run ctl c14 update '{"resources":7}'
	assert_status 1
	assert_contains "$output" "resources"
}

@test "shim: delete runs the runtime's delete, then the shim exits; state.json keeps the exit code" {
	bb_shim_bundle "$MR_TMP/b" sh -c 'exit 9'
	shim_run c15 "$MR_TMP/b"
	pid=$(shim_pid c15)
	ctl c15 start
	ctl c15 wait
	run ctl c15 delete
	assert_status 0
	# one answer (schemas/shim-protocol.json), no stream end after it
	assert_equal "$output" '{"ok":true}'
	wait_for 10 pid_gone "$pid"
	shim_gone c15
	assert_equal "$(state_field c15 exitCode)" 9
	assert_equal "$(state_field c15 deleted)" true
	run "$MINIRUN" --root "$MR_ROOT" state c15
	assert_status 1
}

@test "shim: a state dir whose shim.sock path is longer than sun_path (108 bytes) works, for the shim and ctl" {
	id=long-$(printf 'x%.0s' {1..96})
	bb_shim_bundle "$MR_TMP/b" sh -c 'echo deep; sleep 1000'
	shim_run "$id" "$MR_TMP/b" || fail "$(cat "$MR_TMP/$id.err")"
	sock=$MR_TMP/$id/shim.sock
	[ "${#sock}" -gt 108 ] || fail "the socket path is only ${#sock} bytes: $sock"
	[ -S "$sock" ] || fail "no socket at $sock"
	ctl "$id" start
	run ctl "$id" state
	assert_status 0
	assert_equal "$(jq -r .state.status <<<"$output")" running
	wait_for 10 grep -q 'stdout F deep' "$MR_TMP/$id.log"
}

@test "shim: delete of a running container needs force" {
	bb_shim_bundle "$MR_TMP/b" sleep 1000
	shim_run c16 "$MR_TMP/b"
	ctl c16 start
	pid=$(shim_pid c16)
	run ctl c16 delete
	assert_status 1
	assert_contains "$output" "c16"
	assert_equal "$(state_field c16 status)" running
	run ctl c16 delete '{"force":true}'
	assert_status 0
	assert_equal "$output" '{"ok":true}'
	wait_for 10 pid_gone "$pid"
	assert_equal "$(state_field c16 exitCode)" 137
}

@test "shim: the shim's output validates against schemas/shim-protocol.json" {
	bb_shim_bundle "$MR_TMP/b" sh -c 'echo hi; read x; sleep 1000'
	shim_run c17 "$MR_TMP/b" --stdin
	{
		ctl c17 state
		ctl c17 start
		ctl c17 exec '{"id":"e1","process":{"args":["sh","-c","printf \"\\377\\n\"; exit 2"],"cwd":"/"}}'
		ctl c17 wait '{"exec":"e1"}'
		ctl c17 logs
		ctl c17 stats
		ctl c17 ps
		ctl c17 nosuch || true
		ctl c17 kill '{"signal":"KILL"}'
		ctl c17 wait
	} >"$MR_TMP/responses"
	"${MR_PYTHON:-python3}" "$TOP_SRCDIR/tests/schema/check-shim-protocol.py" "$TOP_SRCDIR/schemas/shim-protocol.json" \
		response "$MR_TMP/responses"
	"${MR_PYTHON:-python3}" "$TOP_SRCDIR/tests/schema/check-shim-protocol.py" "$TOP_SRCDIR/schemas/shim-protocol.json" \
		state "$MR_TMP/c17/state.json"
	grep -q '"data64"' "$MR_TMP/responses"
}
