#!/usr/bin/env bats
# Terminals (issue 3, point 6): with process.terminal a pty is made in the
# container and its master sent over --console-socket (received here by
# tests/tools/console-receiver) before create returns; consoleSize;
# /dev/console; a foreground run uses the caller's terminal.

load helpers

: "${CONSOLE_RECEIVER:=$TOP_BUILDDIR/tests/tools/console-receiver}"

setup_file() {
	bb_setup_file
	if [ ! -x "$CONSOLE_RECEIVER" ]; then
		echo "# no console receiver at $CONSOLE_RECEIVER (make tests/tools/console-receiver)" >&3
		return 1
	fi
}

setup() {
	mr_setup
	B=$MR_TMP/bundle
	SOCK=$MR_TMP/console.sock
	CONSOLE_OUT=$MR_TMP/console.out
}

teardown() {
	ct_teardown
}

# tty_bundle ARG...: a bundle with process.terminal true.
tty_bundle() {
	bb_bundle "$B" "$@"
	bb_cfg "$B" '.process.terminal = true'
}

# receiver [INPUT]: start console-receiver on $SOCK, writing $CONSOLE_OUT;
# wait until it listens. Sets RECEIVER (its pid).
receiver() {
	"$CONSOLE_RECEIVER" "$SOCK" "$CONSOLE_OUT" "$@" </dev/null >"$MR_TMP/receiver.log" 2>&1 3>&- &
	RECEIVER=$!
	wait_for 10 test -S "$SOCK"
}

# receiver_done: wait for the receiver to finish (the container's side of
# the pty is closed) and check it succeeded; sets CONSOLE to its output with
# the pty's \r removed.
receiver_done() {
	wait_for 20 pid_gone "$RECEIVER" || fail "the receiver did not finish: $(cat "$MR_TMP/receiver.log")"
	local rc=0
	wait "$RECEIVER" || rc=$?
	[ "$rc" -eq 0 ] || fail "console-receiver exited $rc: $(cat "$MR_TMP/receiver.log")"
	CONSOLE=$(tr -d '\r' <"$CONSOLE_OUT")
}

@test "the console socket gets the pty master before create returns; the container's output comes through it" {
	tty_bundle sh -c 'echo hello-tty; tty; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-ttys'
	receiver
	ct_create cs1 "$B" --console-socket "$SOCK"
	# the receiver removes the socket once it holds the master: before start
	wait_for 5 test ! -e "$SOCK"
	assert_equal "$(cat "$MR_TMP/cs1.stdout" "$MR_TMP/cs1.stderr")" ""
	xrun mr start cs1
	assert_status 0
	receiver_done
	assert_match "$CONSOLE" $'^hello-tty\n/dev/pts/[0-9]+\nall-ttys$'
	wait_for 10 status_is cs1 stopped
}

@test "the container reads its input from the pty" {
	tty_bundle sh -c 'read line; echo "got:$line"'
	receiver $'abc\n'
	ct_create cs2 "$B" --console-socket "$SOCK"
	xrun mr start cs2
	assert_status 0
	receiver_done
	# the pty echoes the input, then the container answers
	assert_contains "$CONSOLE" "got:abc"
}

@test "process.consoleSize sets the pty's rows and columns" {
	tty_bundle stty size
	bb_cfg "$B" '.process.consoleSize = {"height": 33, "width": 77}'
	receiver
	ct_create cz1 "$B" --console-socket "$SOCK"
	xrun mr start cz1
	assert_status 0
	receiver_done
	assert_equal "$CONSOLE" "33 77"
}

@test "/dev/console is the container's pty" {
	# %t:%T: the device's major:minor in hex; pty slaves have majors 136-143
	tty_bundle sh -c 'stat -L -c %t:%T /dev/console; stat -L -c %t:%T /proc/self/fd/0'
	receiver
	ct_create co1 "$B" --console-socket "$SOCK"
	xrun mr start co1
	assert_status 0
	receiver_done
	assert_match "$CONSOLE" $'^(8[89a-f]:[0-9a-f]+)\n\\1$'
}

@test "create with process.terminal and no --console-socket fails naming --console-socket, and leaves nothing" {
	tty_bundle true
	create_fails nt1
	assert_contains "$stderr" --console-socket
}

@test "create with a --console-socket nobody listens on fails and leaves nothing" {
	tty_bundle true
	create_fails nt2 --console-socket "$MR_TMP/nosuch.sock"
}

@test "run --detach with process.terminal and no --console-socket fails and leaves nothing" {
	tty_bundle true
	ct_track nt3
	local before
	before=$(mr_tree)
	xrun mr run -d -b "$B" nt3
	[ "$status" -ne 0 ] || fail "run -d with a terminal and no console socket succeeded"
	# runc's words (with minirun for runc), and crun's "use --console-socket"
	assert_equal "$stderr" "minirun: cannot allocate tty if minirun will detach without setting console socket: use --console-socket when process.terminal is true (or run in the foreground)"
	assert_equal "$(mr_tree)" "$before"
	assert_nothing_left
}

@test "run in the foreground with process.terminal and no console socket uses the caller's terminal" {
	tty_bundle sh -c 'echo out-tty; tty; [ -t 0 ] && [ -t 1 ] && echo all-ttys; exit 5'
	ct_track ft1
	local cmd
	printf -v cmd '%q ' "$MINIRUN" --root "$MR_ROOT" run -b "$B" ft1
	# script's stdin: a fifo opened read-write, which never reaches EOF (at
	# EOF script types ^D into the terminal, which becomes a NUL byte if the
	# terminal switches to raw mode before it is read)
	mkfifo "$MR_TMP/stdin"
	status=0
	timeout 20 script -qec "$cmd" /dev/null <>"$MR_TMP/stdin" >"$MR_TMP/out" 2>"$MR_TMP/err" 3>&- || status=$?
	output=$(tr -d '\r' <"$MR_TMP/out")
	stderr=$(cat "$MR_TMP/err")
	assert_status 5
	assert_match "$output" $'^out-tty\n/dev/pts/[0-9]+\nall-ttys$'
	[ ! -e "$MR_ROOT/ft1" ]
}

@test "run in the foreground with a terminal passes the caller's input to the container" {
	tty_bundle sh -c 'read line; echo "got:$line"'
	ct_track ft2
	local cmd
	printf -v cmd '%q ' "$MINIRUN" --root "$MR_ROOT" run -b "$B" ft2
	# script's stdin is a file: it copies it into the terminal
	printf 'abc\n' >"$MR_TMP/input"
	XRUN_STDIN=$MR_TMP/input xrun timeout 20 script -qec "$cmd" /dev/null
	assert_status 0
	assert_contains "$output" "got:abc"
}
