#!/usr/bin/env bats
# The container lifecycle with real busybox containers (issue 3): create,
# start, state, kill, delete, list; their flags; the default --root; --log;
# the fds a container gets. Error paths are in errors.bats, hooks in
# hooks.bats, terminals in terminal.bats, `run` in run.bats.

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

# ---- create, start, state ----------------------------------------------------

@test "create, start, kill, delete: state follows each step" {
	bb_bundle "$B" sleep 1000
	ct_create lc1 "$B"
	assert_equal "$(ct_status lc1)" created
	local pid
	pid=$(ct_pid lc1)
	pid_alive "$pid"

	xrun mr start lc1
	assert_status 0
	assert_equal "$(ct_status lc1)" running
	assert_equal "$(ct_pid lc1)" "$pid"

	xrun mr kill lc1 KILL
	assert_status 0
	wait_for 10 status_is lc1 stopped
	wait_for 10 pid_gone "$pid"

	xrun mr delete lc1
	assert_status 0
	[ ! -e "$MR_ROOT/lc1" ] || fail "state dir left after delete"
	xrun mr state lc1
	[ "$status" -ne 0 ] || fail "state of a deleted container succeeded"
	assert_contains "$stderr" "does not exist"
}

@test "state after create: the OCI fields, created in RFC 3339, owner, annotations; valid against state-schema.json" {
	bb_bundle "$B" sleep 1000
	bb_cfg "$B" '.annotations = {"org.minirun.test": "yes"}'
	local t0 t1 s=$MR_TMP/state.json
	t0=$(date +%s)
	ct_create st1 "$B" --pid-file "$MR_TMP/st1.pid"
	t1=$(date +%s)
	ct_state st1 >"$s"
	assert_equal "$(jq -r .ociVersion "$s")" "$(jq -r .ociVersion "$B/config.json")"
	assert_equal "$(jq -r .id "$s")" st1
	assert_equal "$(jq -r .status "$s")" created
	assert_equal "$(jq -r '.pid | type' "$s")" number
	assert_equal "$(jq -r .pid "$s")" "$(cat "$MR_TMP/st1.pid")"
	assert_equal "$(jq -r .bundle "$s")" "$(realpath "$B")"
	assert_equal "$(jq -r .rootfs "$s")" "$(realpath "$B")/rootfs"
	assert_equal "$(jq -r '.owner | type' "$s")" string
	assert_equal "$(jq -c .annotations "$s")" '{"org.minirun.test":"yes"}'
	local created ts
	created=$(jq -r .created "$s")
	assert_match "$created" "$RFC3339_RE"
	ts=$(date -d "$created" +%s)
	[ "$ts" -ge $((t0 - 1)) ] && [ "$ts" -le $((t1 + 1)) ] ||
		fail "created $created is not between $t0 and $t1"
	validate_official "$s" state-schema.json
}

@test "status goes created -> running -> stopped as the container's process runs and exits by itself" {
	bb_bundle "$B" sh -c 'read x </out/go; exit 0'
	mkfifo "$B/out/go"
	ct_create tr1 "$B"
	assert_equal "$(ct_status tr1)" created
	local pid
	pid=$(ct_pid tr1)
	xrun mr start tr1
	assert_status 0
	assert_equal "$(ct_status tr1)" running
	# let the process finish: it waits for a writer on the fifo
	timeout 10 sh -c 'echo go >"$1"' sh "$B/out/go"
	wait_for 10 status_is tr1 stopped
	wait_for 10 pid_gone "$pid"
	validate_official <(ct_state tr1) state-schema.json
	xrun mr delete tr1
	assert_status 0
	[ ! -e "$MR_ROOT/tr1" ]
}

@test "the container's stdio is create's: stdin, stdout and stderr are handed over" {
	bb_bundle "$B" sh -c 'read line; echo "out:$line"; echo "err:$line" >&2'
	echo from-stdin >"$MR_TMP/in"
	CT_STDIN=$MR_TMP/in ct_create io1 "$B"
	# create itself prints nothing
	assert_equal "$(cat "$MR_TMP/io1.stdout")" ""
	assert_equal "$(cat "$MR_TMP/io1.stderr")" ""
	xrun mr start io1
	assert_status 0
	wait_for 10 status_is io1 stopped
	assert_equal "$(cat "$MR_TMP/io1.stdout")" "out:from-stdin"
	assert_equal "$(cat "$MR_TMP/io1.stderr")" "err:from-stdin"
}

# ---- create's flags ----------------------------------------------------------

@test "create --bundle DIR, -b DIR, --bundle=DIR, a relative path and the cwd all name the bundle; state shows it absolute" {
	bb_bundle "$B" sleep 1000
	local id
	for id in bd1 bd2 bd3 bd4 bd5; do ct_track "$id"; done
	xrun mr create --bundle "$B" bd1
	assert_status 0
	xrun mr create -b "$B" bd2
	assert_status 0
	xrun mr create --bundle="$B" bd3
	assert_status 0
	(cd "$MR_TMP" && "$MINIRUN" --root "$MR_ROOT" create -b bundle bd4 </dev/null >/dev/null 2>&1 3>&-) ||
		fail "create -b bundle (relative) failed"
	(cd "$B" && "$MINIRUN" --root "$MR_ROOT" create bd5 </dev/null >/dev/null 2>&1 3>&-) ||
		fail "create from the bundle dir (no -b) failed"
	for id in bd1 bd2 bd3 bd4 bd5; do
		assert_equal "$(ct_state "$id" | jq -r .bundle)" "$(realpath "$B")"
		assert_equal "$(ct_status "$id")" created
	done
}

@test "global and create flags work as --flag value and --flag=value, in any order before the id" {
	bb_bundle "$B" sleep 1000
	ct_track fo1
	ct_track fo2
	ct_track fo3
	xrun "$MINIRUN" --root="$MR_ROOT" create --pid-file="$MR_TMP/fo1.pid" --no-new-keyring --bundle "$B" fo1
	assert_status 0
	xrun "$MINIRUN" --debug --log="$MR_TMP/log" --log-format json --root "$MR_ROOT" \
		create --no-pivot --bundle="$B" --pid-file "$MR_TMP/fo2.pid" fo2
	assert_status 0
	xrun "$MINIRUN" --log-format=json --log "$MR_TMP/log" --root "$MR_ROOT" \
		create --preserve-fds=0 --pid-file "$MR_TMP/fo3.pid" --no-new-keyring -b "$B" --no-pivot fo3
	assert_status 0
	local id
	for id in fo1 fo2 fo3; do
		assert_equal "$(ct_status "$id")" created
		assert_equal "$(cat "$MR_TMP/$id.pid")" "$(ct_pid "$id")"
	done
	xrun mr kill --all fo1 KILL
	assert_status 0
	xrun mr kill -a fo2 9
	assert_status 0
	wait_for 10 status_is fo1 stopped
	wait_for 10 status_is fo2 stopped
	xrun mr delete --force fo3
	assert_status 0
	xrun mr delete -f fo2
	assert_status 0
	xrun "$MINIRUN" --root="$MR_ROOT" delete fo1
	assert_status 0
	[ -z "$(mr_state_dirs)" ]
}

@test "--pid-file: the init's pid in decimal, no trailing newline, written before create returns; relative to the cwd; replaces an old file" {
	bb_bundle "$B" sleep 1000
	printf '999999999999\n' >"$MR_TMP/pf1.pid"
	ct_create pf1 "$B" --pid-file "$MR_TMP/pf1.pid"
	local pid
	pid=$(cat "$MR_TMP/pf1.pid")
	assert_match "$pid" '^[1-9][0-9]*$'
	assert_equal "$(wc -c <"$MR_TMP/pf1.pid")" "${#pid}"
	assert_equal "$pid" "$(ct_pid pf1)"
	pid_alive "$pid"

	ct_track pf2
	(cd "$MR_TMP" && "$MINIRUN" --root "$MR_ROOT" create -b "$B" --pid-file rel.pid pf2 </dev/null >/dev/null 2>&1 3>&-) ||
		fail "create --pid-file rel.pid failed"
	pid=$(cat "$MR_TMP/rel.pid")
	assert_equal "$(wc -c <"$MR_TMP/rel.pid")" "${#pid}"
	assert_equal "$pid" "$(ct_pid pf2)"
}

@test "--no-pivot runs the container on a normal rootfs" {
	# $MR_TMP exists on the host, not in the container's rootfs
	bb_bundle "$B" sh -c 'head -1 /etc/os-release; [ -e "$0" ] || echo "no host path"; hostname' "$MR_TMP"
	ct_create np1 "$B" --no-pivot
	xrun mr start np1
	assert_status 0
	wait_for 10 status_is np1 stopped
	assert_equal "$(cat "$MR_TMP/np1.stdout")" $'NAME="minirun busybox"\nno host path\nminirun'
	assert_equal "$(cat "$MR_TMP/np1.stderr")" ""
}

# keyring_probe: run ARGS... in a new session keyring holding a key that only
# its possessors can see in /proc/keys.
keyring_probe() {
	"${MR_PYTHON:-python3}" - "$@" <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
SYS_add_key, SYS_keyctl = 248, 250  # x86_64
KEYCTL_JOIN_SESSION_KEYRING, KEYCTL_SETPERM = 1, 5
KEY_SPEC_SESSION_KEYRING = -3
def check(r, what):
    if r < 0:
        raise OSError(ctypes.get_errno(), what)
    return r
check(libc.syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, b"minirun-test-session", 0, 0, 0), "join")
key = check(libc.syscall(SYS_add_key, b"user", b"minirun-probe-key", b"x", 1, KEY_SPEC_SESSION_KEYRING), "add_key")
check(libc.syscall(SYS_keyctl, KEYCTL_SETPERM, key, 0x3f000000, 0, 0), "setperm")  # possessor only
os.execvp(sys.argv[1], sys.argv[1:])
PY
}

@test "--no-new-keyring keeps the caller's session keyring; without it the container gets a new one" {
	[ "$(uname -m)" = x86_64 ] || skip "the keyctl syscall numbers are x86_64's"
	bb_bundle "$B" cat /proc/keys
	bb_cfg "$B" '.linux.maskedPaths -= ["/proc/keys"]'
	ct_track kr1
	ct_track kr2
	xrun keyring_probe "$MINIRUN" --root "$MR_ROOT" run -b "$B" kr1
	assert_status 0
	assert_contains "$output" "keyring"
	[[ $output != *minirun-probe-key* ]] || fail "the container possesses the caller's session keyring: $output"
	xrun keyring_probe "$MINIRUN" --root "$MR_ROOT" run -b "$B" --no-new-keyring kr2
	assert_status 0
	assert_contains "$output" "minirun-probe-key"
}

# ---- fds (issue 3, point 8) --------------------------------------------------

@test "--preserve-fds N passes fds 3 .. 3+N-1 to the container and closes the fds above" {
	# (no pipeline in sh: it would hold the pipe's fds while ls looks)
	bb_bundle "$B" sh -c 'ls /proc/$$/fd; cat <&3; cat <&4'
	echo three >"$MR_TMP/f3"
	echo four >"$MR_TMP/f4"
	echo five >"$MR_TMP/f5"
	ct_track pr1
	(
		exec 3<"$MR_TMP/f3" 4<"$MR_TMP/f4" 5<"$MR_TMP/f5"
		"$MINIRUN" --root "$MR_ROOT" run -b "$B" --preserve-fds 2 pr1 </dev/null >"$MR_TMP/out" 2>"$MR_TMP/err"
	) || fail "run failed: $(cat "$MR_TMP/err")"
	assert_equal "$(cat "$MR_TMP/out")" $'0\n1\n2\n3\n4\nthree\nfour'
	assert_equal "$(cat "$MR_TMP/err")" ""
}

@test "without --preserve-fds an inherited fd 3 is closed in the container" {
	bb_bundle "$B" sh -c 'ls /proc/$$/fd; cat <&3 || echo "no fd 3"'
	echo three >"$MR_TMP/f3"
	ct_track pr2
	(
		exec 3<"$MR_TMP/f3"
		"$MINIRUN" --root "$MR_ROOT" run -b "$B" pr2 </dev/null >"$MR_TMP/out" 2>"$MR_TMP/err"
	) || fail "run failed: $(cat "$MR_TMP/err")"
	assert_equal "$(cat "$MR_TMP/out")" $'0\n1\n2\nno fd 3'
}

@test "--preserve-fds N with a fd in 3 .. 3+N-1 the caller did not pass is refused (runc: unable to stat preserved-fd), nothing left" {
	bb_bundle "$B" true
	echo three >"$MR_TMP/f3"
	ct_track pr3
	# crun's "preserve-fds with a subset of fds" (--preserve-fds 100 with a
	# few open): minirun answers as runc does, so that none of its own fds
	# can fill a hole in the range
	(
		exec 3<"$MR_TMP/f3" 4<"$MR_TMP/f3" 5<&- 6<"$MR_TMP/f3"
		! "$MINIRUN" --root "$MR_ROOT" run -b "$B" --preserve-fds 4 pr3 </dev/null >"$MR_TMP/out" 2>"$MR_TMP/err"
	) || fail "run with a hole in the range succeeded"
	assert_equal "$(cat "$MR_TMP/err")" "minirun: --preserve-fds 4: unable to stat preserved-fd 5: Bad file descriptor"
	(
		exec 3<"$MR_TMP/f3" 4<&-
		! "$MINIRUN" --root "$MR_ROOT" run -b "$B" --preserve-fds 100 pr3 </dev/null >"$MR_TMP/out" 2>"$MR_TMP/err"
	) || fail "run --preserve-fds 100 with one fd succeeded"
	assert_equal "$(cat "$MR_TMP/err")" "minirun: --preserve-fds 100: unable to stat preserved-fd 4: Bad file descriptor"
	# minirun's own --log fd in the range is not the caller's either
	(
		exec 3<"$MR_TMP/f3" 4<&-
		! "$MINIRUN" --root "$MR_ROOT" --log "$MR_TMP/log" run -b "$B" --preserve-fds 2 pr3 </dev/null \
			>"$MR_TMP/out" 2>"$MR_TMP/err"
	) || fail "run with --log in the range succeeded"
	assert_contains "$(cat "$MR_TMP/err")" "fd 4 was not passed by the caller (it is minirun's --log)"
	assert_nothing_left
}

@test "LISTEN_FDS (socket activation): fds 3 .. 3+N-1 pass before the --preserve-fds ones, LISTEN_FDS and LISTEN_PID (the container's pid 1) are set; LISTEN_PID of another process leaves them out" {
	bb_bundle "$B" sh -c 'ls /proc/$$/fd; echo "$LISTEN_FDS $LISTEN_PID"; cat <&3; cat <&4; cat <&5'
	bb_cfg "$B" '.process.env += ["LISTEN_PID=77"]'
	echo three >"$MR_TMP/f3"
	echo four >"$MR_TMP/f4"
	echo five >"$MR_TMP/f5"
	ct_track lf1
	(
		exec 3<"$MR_TMP/f3" 4<"$MR_TMP/f4" 5<"$MR_TMP/f5" 6<"$MR_TMP/f5"
		LISTEN_FDS=2 "$MINIRUN" --root "$MR_ROOT" run -b "$B" --preserve-fds 1 lf1 </dev/null >"$MR_TMP/out" 2>"$MR_TMP/err"
	) || fail "run failed: $(cat "$MR_TMP/err")"
	# the runtime's values win over the config's (as runc appends them)
	assert_equal "$(cat "$MR_TMP/out")" $'0\n1\n2\n3\n4\n5\n2 1\nthree\nfour\nfive'
	assert_equal "$(cat "$MR_TMP/err")" ""

	# without a pid namespace LISTEN_PID is the process' host pid
	bb_cfg "$B" '.linux.namespaces |= map(select(.type != "pid")) |
		.process.args = ["sh", "-c", "[ \"$LISTEN_PID\" = $$ ] && echo same-pid"]'
	ct_track lf2
	(
		exec 3<"$MR_TMP/f3"
		LISTEN_FDS=1 "$MINIRUN" --root "$MR_ROOT" run -b "$B" lf2 </dev/null >"$MR_TMP/out" 2>"$MR_TMP/err"
	) || fail "run failed: $(cat "$MR_TMP/err")"
	assert_equal "$(cat "$MR_TMP/out")" same-pid

	# LISTEN_PID naming another process: the fds are not ours, none passes
	bb_cfg "$B" '.process.args = ["sh", "-c", "ls /proc/$$/fd; echo \"${LISTEN_FDS-unset}\""] | .process.env = ["PATH=/bin"]'
	ct_track lf3
	(
		exec 3<"$MR_TMP/f3"
		LISTEN_FDS=1 LISTEN_PID=1 "$MINIRUN" --root "$MR_ROOT" run -b "$B" lf3 </dev/null >"$MR_TMP/out" 2>"$MR_TMP/err"
	) || fail "run failed: $(cat "$MR_TMP/err")"
	assert_equal "$(cat "$MR_TMP/out")" $'0\n1\n2\nunset'
}

@test "LISTEN_FDS naming an fd that is not open: the container gets /dev/null there (none of minirun's fds), with a warning; a value that is not a count is a warning" {
	bb_bundle "$B" sh -c 'echo "${LISTEN_FDS-unset}"; readlink /proc/$$/fd/3; readlink /proc/$$/fd/4; ls /proc/$$/fd; true'
	echo four >"$MR_TMP/f4"
	ct_track lf4
	# a hole at 3, below a passed fd 4; --log would take fd 3 if it were free
	(
		exec 3<&- 4<"$MR_TMP/f4"
		LISTEN_FDS=2 "$MINIRUN" --root "$MR_ROOT" --log "$MR_TMP/log" run -b "$B" lf4 </dev/null \
			>"$MR_TMP/out" 2>"$MR_TMP/err"
	) || fail "run failed: $(cat "$MR_TMP/err")"
	assert_equal "$(cat "$MR_TMP/err")" "minirun: warning: LISTEN_FDS=2: 1 of fds 3 .. 4 not open: the container gets /dev/null there"
	assert_equal "$(cat "$MR_TMP/out")" "2
/dev/null
$MR_TMP/f4
0
1
2
3
4"
	(
		exec 3<&- 4<&-
		LISTEN_FDS=many "$MINIRUN" --root "$MR_ROOT" run -b "$B" lf4 </dev/null >"$MR_TMP/out" 2>"$MR_TMP/err"
	) || fail "run failed: $(cat "$MR_TMP/err")"
	assert_equal "$(cat "$MR_TMP/err")" 'minirun: warning: LISTEN_FDS="many" is not a number of fds: none is passed on'
	assert_equal "$(sed -n 1p "$MR_TMP/out")" unset
}

# ---- NOTIFY_SOCKET (sd_notify proxied, as crun) ----------------------------

# notify_setup: $B with the static sd-notify tool at /bin/sd-notify, and a
# host datagram socket at $HOST_SOCK whose first message lands in $MR_TMP/got.
notify_setup() {
	bb_bundle "$B" "$@"
	gcc -static -O2 -o "$B/rootfs/bin/sd-notify" "$TOP_SRCDIR/tests/tools/sd-notify.c" 2>"$MR_TMP/gcc.log" ||
		skip "cannot build tests/tools/sd-notify.c statically (gcc -static, libc6-dev): $(cat "$MR_TMP/gcc.log")"
	HOST_SOCK="$MR_TMP/host.sock"
	"${MR_PYTHON:-python3}" -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[2] + ".ready", "w").close()
d = s.recv(4096)
open(sys.argv[2] + ".tmp", "wb").write(d)
import os; os.rename(sys.argv[2] + ".tmp", sys.argv[2])' "$HOST_SOCK" "$MR_TMP/got" &
	ct_track_pid $!
	wait_for 10 test -e "$MR_TMP/got.ready"
}

@test "NOTIFY_SOCKET: run gives the process a socket at that path (a read-only bind of the state dir's notify/) and forwards its READY=1 to the host's socket" {
	notify_setup sh -c 'echo "$NOTIFY_SOCKET"; grep " ${NOTIFY_SOCKET%/notify} " /proc/self/mountinfo | cut -d" " -f5,6; ls -ld $NOTIFY_SOCKET | cut -c1; sd-notify "STATUS=up\nREADY=1"'
	ct_track nt1
	NOTIFY_SOCKET="$HOST_SOCK" xrun "$MINIRUN" --root "$MR_ROOT" run -b "$B" nt1
	assert_status 0
	# the host path is a directory in the container; the socket is in it
	assert_equal "$(sed -n 1p <<<"$output")" "$HOST_SOCK/notify"
	assert_contains "$(sed -n 2p <<<"$output")" "$HOST_SOCK ro,"
	assert_equal "$(sed -n 3p <<<"$output")" s
	wait_for 10 test -e "$MR_TMP/got"
	assert_equal "$(cat "$MR_TMP/got")" READY=1
	[ ! -e "$MR_ROOT/nt1" ] || fail "run left its state directory"
}

@test "NOTIFY_SOCKET: a host socket that never reads (its queue full) costs run a bounded wait and a warning naming it, not a hang" {
	notify_setup sd-notify READY=1
	# a second socket that keeps its queue full and is never read
	local full="$MR_TMP/full.sock"
	"${MR_PYTHON:-python3}" -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
c.setblocking(False)
try:
    while True:
        c.sendto(b"x", sys.argv[1])
except BlockingIOError:
    pass
open(sys.argv[1] + ".full", "w").close()
time.sleep(600)' "$full" &
	local full_pid=$!
	ct_track_pid "$full_pid"
	wait_for 10 test -e "$full.full"
	ct_track nt4
	NOTIFY_SOCKET="$full" xrun timeout -k 5 60 "$MINIRUN" --root "$MR_ROOT" run -b "$B" nt4
	assert_status 0
	assert_contains "$stderr" "NOTIFY_SOCKET: $full took no READY=1 within"
	[ ! -e "$MR_ROOT/nt4" ] || fail "run left its state directory"
	# the test's own receivers end: the full one by its pid, notify_setup's
	# with the message it waits for
	kill "$full_pid"
	"${MR_PYTHON:-python3}" -c 'import socket, sys
socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"done", sys.argv[1])' "$HOST_SOCK"
	wait_for 10 test -e "$MR_TMP/got"
	wait "$full_pid" 2>/dev/null || true
}

@test "NOTIFY_SOCKET: start returns once the process said READY=1 (what it did before is done), or once it ended; delete removes the socket; an abstract socket is /run/notify/notify inside" {
	notify_setup sh -c 'touch /out/before; sd-notify READY=1; sleep 600'
	ct_track nt2
	NOTIFY_SOCKET="$HOST_SOCK" "$MINIRUN" --root "$MR_ROOT" create -b "$B" nt2 </dev/null >"$MR_TMP/c.out" 2>&1 ||
		fail "create: $(cat "$MR_TMP/c.out")"
	ct_track_pid "$(ct_pid nt2)"
	[ -d "$MR_ROOT/nt2/notify" ] || fail "no notify directory in the state"
	NOTIFY_SOCKET="$HOST_SOCK" xrun "$MINIRUN" --root "$MR_ROOT" start nt2
	assert_status 0
	[ -e "$B/out/before" ] || fail "start returned before the process said READY=1"
	assert_equal "$(cat "$MR_TMP/got")" READY=1
	mr delete -f nt2
	[ ! -e "$MR_ROOT/nt2" ] || fail "delete left $(ls -R "$MR_ROOT/nt2")"

	# a process that never says it: start returns when it ends
	bb_cfg "$B" '.process.args = ["sh", "-c", "echo $NOTIFY_SOCKET >/out/env"]'
	ct_track nt3
	NOTIFY_SOCKET=@minirun-test-abstract "$MINIRUN" --root "$MR_ROOT" create -b "$B" nt3 </dev/null >"$MR_TMP/c.out" 2>&1 ||
		fail "create: $(cat "$MR_TMP/c.out")"
	NOTIFY_SOCKET=@minirun-test-abstract xrun "$MINIRUN" --root "$MR_ROOT" start nt3
	assert_status 0
	assert_equal "$(cat "$B/out/env")" /run/notify/notify
	mr delete -f nt3
	assert_nothing_left
}

@test "--preserve-fds 5: the container holds exactly the caller's fds, no directory fd of the host; state, start and delete do not wait for it" {
	bb_bundle "$B" sleep 1000
	echo x >"$MR_TMP/f"
	ct_track pr4
	(
		exec 3<"$MR_TMP/f" 4<"$MR_TMP/f" 5<"$MR_TMP/f" 6<"$MR_TMP/f" 7<"$MR_TMP/f"
		"$MINIRUN" --root "$MR_ROOT" create -b "$B" --preserve-fds 5 pr4 </dev/null >"$MR_TMP/out" 2>"$MR_TMP/err"
	) || fail "create failed: $(cat "$MR_TMP/err")"
	local pid fd t
	pid=$(ct_pid pr4)
	ct_track_pid "$pid"
	# each would block for ever on a lock an inherited fd held: timeout
	# tells that
	xrun timeout 20 "$MINIRUN" --root "$MR_ROOT" state pr4
	assert_status 0
	xrun timeout 20 "$MINIRUN" --root "$MR_ROOT" start pr4
	assert_status 0
	wait_for 10 comm_is "$pid" sleep
	for fd in $(ls /proc/"$pid"/fd); do
		t=$(readlink "/proc/$pid/fd/$fd")
		[ ! -d "/proc/$pid/fd/$fd" ] || fail "the container holds a directory fd $fd -> $t"
		[[ $t != "$(realpath "$MR_ROOT")"* ]] || fail "the container holds minirun's fd $fd -> $t"
	done
	assert_equal "$(ls /proc/"$pid"/fd | sort -n | tr '\n' ' ')" "0 1 2 3 4 5 6 7 "
	xrun timeout 20 "$MINIRUN" --root "$MR_ROOT" delete --force pr4
	assert_status 0
}

# fd_table PID: "FD -> TARGET" for each open fd of PID, sorted by fd.
fd_table() {
	local fd
	for fd in $(ls /proc/"$1"/fd | sort -n); do
		echo "$fd -> $(readlink "/proc/$1/fd/$fd")"
	done
}

comm_is() {
	[ "$(cat /proc/"$1"/comm 2>/dev/null)" = "$2" ]
}

@test "after create the init holds only fds 0-2 and the exec fifo, whatever create inherited" {
	bb_bundle "$B" sleep 1000
	echo x >"$MR_TMP/f"
	ct_track fd1
	(
		exec 3<"$MR_TMP/f" 4<"$MR_TMP/f" 9<"$MR_TMP/f" 42<"$MR_TMP/f"
		"$MINIRUN" --root "$MR_ROOT" create -b "$B" fd1 </dev/null >"$MR_TMP/out" 2>"$MR_TMP/err"
	) || fail "create failed: $(cat "$MR_TMP/err")"
	local pid table extra
	pid=$(ct_pid fd1)
	ct_track_pid "$pid"
	table=$(fd_table "$pid")
	assert_equal "$(printf '%s\n' "$table" | sed -n 1,3p)" \
		"0 -> /dev/null"$'\n'"1 -> $MR_TMP/out"$'\n'"2 -> $MR_TMP/err"
	extra=$(printf '%s\n' "$table" | sed 1,3d)
	assert_match "$extra" "^[0-9]+ -> $(realpath "$MR_ROOT")/fd1/exec\\.fifo\$"
}

@test "after start the container's process holds only fds 0-2; with --preserve-fds 1 also fd 3" {
	bb_bundle "$B" sleep 1000
	echo x >"$MR_TMP/f"
	ct_track fd2
	ct_track fd3
	(
		exec 3<"$MR_TMP/f" 4<"$MR_TMP/f" 9<"$MR_TMP/f"
		"$MINIRUN" --root "$MR_ROOT" create -b "$B" fd2 </dev/null >"$MR_TMP/out2" 2>"$MR_TMP/err2" &&
			"$MINIRUN" --root "$MR_ROOT" create -b "$B" --preserve-fds 1 fd3 </dev/null >"$MR_TMP/out3" 2>"$MR_TMP/err3"
	) || fail "create failed: $(cat "$MR_TMP"/err*)"
	local p2 p3
	p2=$(ct_pid fd2)
	p3=$(ct_pid fd3)
	ct_track_pid "$p2"
	ct_track_pid "$p3"
	xrun mr start fd2
	assert_status 0
	xrun mr start fd3
	assert_status 0
	wait_for 10 comm_is "$p2" sleep
	wait_for 10 comm_is "$p3" sleep
	assert_equal "$(fd_table "$p2")" "0 -> /dev/null"$'\n'"1 -> $MR_TMP/out2"$'\n'"2 -> $MR_TMP/err2"
	assert_equal "$(fd_table "$p3")" \
		"0 -> /dev/null"$'\n'"1 -> $MR_TMP/out3"$'\n'"2 -> $MR_TMP/err3"$'\n'"3 -> $MR_TMP/f"
}

# ---- process is optional until start (config.md) ----------------------------

@test "a config without process: create works (created), start fails clearly and changes nothing, delete removes it" {
	bb_bundle "$B" true
	bb_cfg "$B" 'del(.process)'
	ct_create np1 "$B"
	assert_equal "$(ct_status np1)" created
	xrun mr start np1
	assert_status 1
	assert_equal "$stderr" 'minirun: cannot start container "np1": its config.json has no process (required to start it)'
	assert_equal "$(ct_status np1)" created
	xrun mr delete np1
	assert_status 0
	assert_nothing_left
	# run: create, then the same refusal, and nothing left
	ct_track np2
	xrun mr run -b "$B" np2
	assert_status 1
	assert_contains "$stderr" "has no process"
	assert_nothing_left
}

# ---- start of a container that is not created (runc's answers) --------------

@test "start twice, start of a stopped, paused or deleted container: runc's messages, exit status 1" {
	bb_bundle "$B" sh -c 'read x </out/go'
	mkfifo "$B/out/go"
	ct_create sx1 "$B"
	xrun mr start sx1
	assert_status 0
	xrun mr start sx1
	assert_status 1
	assert_equal "$stderr" "minirun: cannot start an already running container"
	xrun mr pause sx1
	if [ "$status" -eq 0 ]; then
		xrun mr start sx1
		assert_status 1
		assert_equal "$stderr" "minirun: cannot start a container in the paused state"
		xrun mr resume sx1
		assert_status 0
	fi
	timeout 10 sh -c 'echo go >"$1"' sh "$B/out/go"
	wait_for 10 status_is sx1 stopped
	xrun mr start sx1
	assert_status 1
	assert_equal "$stderr" "minirun: cannot start a container that has stopped"
	xrun mr delete sx1
	assert_status 0
	xrun mr start sx1
	assert_status 1
	assert_equal "$stderr" 'minirun: container "sx1" does not exist'
}

@test "run twice with the same id (crun's run-twice); delete of a created container without --force (crun's delete-in-created-state)" {
	bb_bundle "$B" echo hi
	ct_track rt1
	local i
	for i in 1 2; do
		xrun mr run -b "$B" rt1
		assert_status 0
		assert_equal "$output" hi
	done
	ct_create rt2 "$B"
	xrun mr delete rt2
	assert_status 0
	assert_nothing_left
}

# ---- the default --root ------------------------------------------------------

NOBODY=65534
SETPRIV=$(command -v setpriv)

# plant ROOT ID: a created container in the state root ROOT.
plant() {
	ct_track "$2" "$1"
	"$MINIRUN" --root "$1" create -b "$B" "$2" </dev/null >/dev/null 2>&1 3>&- || fail "plant $2 in $1 failed"
	ct_track_pid "$(ct_state "$2" "$1" | jq -r .pid)"
}

# in_ns_with DIR MOUNTPOINT CMD...: CMD in a private mount namespace in which
# DIR is bind-mounted on MOUNTPOINT (so that /tmp or /run can be faked).
in_ns_with() {
	unshare -m --propagation private sh -c 'mount --bind "$0" "$1" && shift && exec "$@"' "$@"
}

as_nobody() {
	setpriv --reuid "$NOBODY" --regid "$NOBODY" --clear-groups "$@"
}

# fake_tmp: $MR_TMP/tmp, to be mounted on /tmp, with a copy of minirun (the
# real /tmp is hidden), a state root in /tmp/xdg/minirun holding container
# "in-xdg" and one in /tmp/minirun-65534 holding "in-tmp", all owned by nobody.
fake_tmp() {
	T=$MR_TMP/tmp
	mkdir -p "$T/xdg"
	chmod 1777 "$T"
	chmod 0700 "$T/xdg"
	cp "$MINIRUN" "$T/minirun"
	bb_bundle "$B" sleep 1000
	plant "$T/xdg/minirun" in-xdg
	plant "$T/minirun-$NOBODY" in-tmp
	chown -R "$NOBODY:$NOBODY" "$T/xdg" "$T/minirun-$NOBODY"
}

@test "as non-root the default --root is \$XDG_RUNTIME_DIR/minirun" {
	fake_tmp
	xrun in_ns_with "$T" /tmp env -i XDG_RUNTIME_DIR=/tmp/xdg setpriv --reuid $NOBODY --regid $NOBODY --clear-groups \
		/tmp/minirun list --quiet
	assert_status 0
	assert_equal "$output" in-xdg
}

@test "as non-root with XDG_RUNTIME_DIR empty or unset the default --root is /tmp/minirun-<uid>" {
	fake_tmp
	xrun in_ns_with "$T" /tmp env -i XDG_RUNTIME_DIR= setpriv --reuid $NOBODY --regid $NOBODY --clear-groups \
		/tmp/minirun list --quiet
	assert_status 0
	assert_equal "$output" in-tmp
	xrun in_ns_with "$T" /tmp env -i setpriv --reuid $NOBODY --regid $NOBODY --clear-groups \
		/tmp/minirun list --quiet
	assert_status 0
	assert_equal "$output" in-tmp
}

@test "as non-root the default --root depends on neither PATH nor HOME" {
	fake_tmp
	xrun in_ns_with "$T" /tmp env -i PATH=/nonexistent HOME=/tmp/xdg XDG_RUNTIME_DIR=/tmp/xdg "$SETPRIV" \
		--reuid $NOBODY --regid $NOBODY --clear-groups /tmp/minirun list --quiet
	assert_status 0
	assert_equal "$output" in-xdg
	xrun in_ns_with "$T" /tmp env -i PATH=/nonexistent HOME=/tmp/xdg "$SETPRIV" \
		--reuid $NOBODY --regid $NOBODY --clear-groups /tmp/minirun list --quiet
	assert_status 0
	assert_equal "$output" in-tmp
}

@test "as root the default --root is /run/minirun whatever XDG_RUNTIME_DIR, PATH and HOME say" {
	bb_bundle "$B" sleep 1000
	mkdir -p "$MR_TMP/run" "$MR_TMP/xdg"
	plant "$MR_TMP/run/minirun" in-run
	plant "$MR_TMP/xdg/minirun" in-xdg
	xrun in_ns_with "$MR_TMP/run" /run env -i "$MINIRUN" list --quiet
	assert_status 0
	assert_equal "$output" in-run
	xrun in_ns_with "$MR_TMP/run" /run env -i XDG_RUNTIME_DIR="$MR_TMP/xdg" "$MINIRUN" list --quiet
	assert_status 0
	assert_equal "$output" in-run
	xrun in_ns_with "$MR_TMP/run" /run env -i XDG_RUNTIME_DIR= PATH=/nonexistent HOME="$MR_TMP/xdg" "$MINIRUN" list --quiet
	assert_status 0
	assert_equal "$output" in-run
}

# ---- --log, --log-format ------------------------------------------------------

# check_json_log FILE N: FILE holds N lines, each one JSON object with level
# "error", a non-empty msg and an RFC 3339 time within the last minute;
# prints the msgs.
check_json_log() {
	local n
	n=$(wc -l <"$1")
	[ "$n" -eq "$2" ] || fail "expected $2 line(s) in $1, got $n: $(cat "$1")"
	"${MR_PYTHON:-python3}" - "$1" "$RFC3339_RE" <<'PY'
import json, re, sys, time, datetime
path, rfc = sys.argv[1], sys.argv[2]
for line in open(path):
    obj = json.loads(line)
    assert isinstance(obj, dict), line
    assert obj.get("level") == "error", line
    assert isinstance(obj.get("msg"), str) and obj["msg"], line
    t = obj.get("time")
    assert isinstance(t, str) and re.match(rfc, t), line
    # seconds precision is enough to compare with now
    base = re.sub(r"\.[0-9]+", "", t).replace("Z", "+00:00")
    ts = datetime.datetime.fromisoformat(base).timestamp()
    assert abs(ts - time.time()) < 60, "time %s is not now" % t
    print(obj["msg"])
PY
}

@test "--log F --log-format json: a failure appends one JSON line {level, msg, time} to F and prints 'minirun: msg' on stderr" {
	local log=$MR_TMP/sub/log.json
	mkdir -p "$MR_TMP/sub"
	xrun mr --log "$log" --log-format json create -b "$MR_TMP/nonexistent" lg1
	[ "$status" -ne 0 ] || fail "create from a missing bundle succeeded"
	assert_equal "$output" ""
	assert_line_count "$stderr" 1
	local msg
	msg=$(check_json_log "$log" 1)
	assert_equal "$stderr" "minirun: $msg"
	# appended, in the --flag=value forms too
	xrun mr --log="$log" --log-format=json state nosuch
	[ "$status" -ne 0 ]
	msg=$(check_json_log "$log" 2 | tail -1)
	assert_equal "$stderr" "minirun: $msg"
	assert_contains "$msg" "does not exist"
}

@test "--log with the default (text) format gets the error too" {
	xrun mr --log "$MR_TMP/log.txt" state nosuch
	[ "$status" -ne 0 ]
	assert_contains "$stderr" "does not exist"
	assert_contains "$(cat "$MR_TMP/log.txt")" "does not exist"
}

@test "a successful create prints nothing on stdout or stderr and logs no error, even with --debug" {
	bb_bundle "$B" sleep 1000
	ct_track lq1
	ct_track lq2
	xrun mr --log "$MR_TMP/log.json" --log-format json create -b "$B" lq1
	assert_status 0
	assert_equal "$output" ""
	assert_equal "$stderr" ""
	[ ! -s "$MR_TMP/log.json" ] || fail "log after a successful create: $(cat "$MR_TMP/log.json")"
	xrun mr --debug --log "$MR_TMP/debug.json" --log-format json create -b "$B" lq2
	assert_status 0
	assert_equal "$output" ""
	assert_equal "$stderr" ""
	if [ -s "$MR_TMP/debug.json" ]; then
		jq -e 'select(.level == "error")' "$MR_TMP/debug.json" >/dev/null &&
			fail "an error logged by a successful create: $(cat "$MR_TMP/debug.json")"
		jq -se 'all(has("level") and has("msg") and has("time"))' "$MR_TMP/debug.json" >/dev/null ||
			fail "debug log lines are not {level, msg, time}: $(cat "$MR_TMP/debug.json")"
	fi
}

# ---- list --------------------------------------------------------------------

@test "list --format table|json and --quiet show every container" {
	bb_bundle "$B" sleep 1000
	ct_create ls1 "$B"
	ct_create ls2 "$B"
	xrun mr start ls2
	assert_status 0
	local p1 p2
	p1=$(ct_pid ls1)
	p2=$(ct_pid ls2)

	xrun mr list
	assert_status 0
	assert_line_count "$output" 3
	assert_match "${output%%$'\n'*}" '^ID +PID +STATUS +BUNDLE +CREATED +OWNER *$'
	assert_match "$output" $'\n'"ls1 +$p1 +created +$(realpath "$B") +[0-9T:.Z-]+"
	assert_match "$output" $'\n'"ls2 +$p2 +running +$(realpath "$B") +[0-9T:.Z-]+"
	xrun mr list --format table
	assert_status 0
	local table=$output
	xrun mr list -f table
	assert_equal "$output" "$table"

	local form
	for form in "--format json" "--format=json" "-f json"; do
		# shellcheck disable=SC2086
		xrun mr list $form
		assert_status 0
		assert_equal "$(jq -c 'sort_by(.id) | map([.id, .status, .pid, .bundle])' <<<"$output")" \
			"[[\"ls1\",\"created\",$p1,\"$(realpath "$B")\"],[\"ls2\",\"running\",$p2,\"$(realpath "$B")\"]]"
	done

	for form in --quiet -q "--format json --quiet"; do
		# shellcheck disable=SC2086
		xrun mr list $form
		assert_status 0
		assert_equal "$(sort <<<"$output")" $'ls1\nls2'
	done
}

@test "list with no container: a header, an empty JSON array, nothing with --quiet" {
	xrun mr list
	assert_status 0
	assert_match "$output" '^ID +PID +STATUS +BUNDLE +CREATED +OWNER *$'
	xrun mr list --format json
	assert_status 0
	assert_equal "$(jq -c 'length' <<<"$output")" 0
	xrun mr list -q
	assert_status 0
	assert_equal "$output" ""
}

# ---- kill --------------------------------------------------------------------

@test "kill with KILL, SIGKILL or 9 stops a running container" {
	bb_bundle "$B" sleep 1000
	local sig id pid
	for sig in KILL SIGKILL 9; do
		id=k-$sig
		ct_create "$id" "$B"
		xrun mr start "$id"
		assert_status 0
		pid=$(ct_pid "$id")
		xrun mr kill "$id" "$sig"
		assert_status 0
		wait_for 10 pid_gone "$pid"
		wait_for 10 status_is "$id" stopped
	done
}

# lines_are FILE N: FILE exists and has N lines.
lines_are() {
	[ -f "$1" ] && [ "$(wc -l <"$1")" -eq "$2" ]
}

@test "kill without a signal sends TERM; USR1, SIGUSR1 and 10 send SIGUSR1" {
	bb_bundle "$B" sh -c 'trap "echo USR1 >>/out/got" USR1; trap "echo TERM >>/out/got; exit 0" TERM
		sleep 1000 & echo ready >/out/ready; while :; do wait; done'
	ct_create kt1 "$B"
	xrun mr start kt1
	assert_status 0
	wait_for 10 test -e "$B/out/ready"
	local sig n=0
	for sig in USR1 SIGUSR1 10; do
		n=$((n + 1))
		xrun mr kill kt1 "$sig"
		assert_status 0
		wait_for 10 lines_are "$B/out/got" "$n"
	done
	assert_equal "$(ct_status kt1)" running
	xrun mr kill kt1
	assert_status 0
	wait_for 10 status_is kt1 stopped
	assert_equal "$(cat "$B/out/got")" $'USR1\nUSR1\nUSR1\nTERM'
}

@test "kill with an unknown signal fails and leaves the container running" {
	bb_bundle "$B" sleep 1000
	ct_create ku1 "$B"
	xrun mr start ku1
	assert_status 0
	local s
	for s in NOSUCH SIGNOSUCH 99999 ""; do
		xrun mr kill ku1 "$s"
		[ "$status" -ne 0 ] || fail "kill ku1 '$s' succeeded"
		assert_match "$stderr" '^minirun: '
	done
	assert_equal "$(ct_status ku1)" running
}

@test "kill of a created container signals its init" {
	bb_bundle "$B" sleep 1000
	ct_create kc1 "$B"
	local pid
	pid=$(ct_pid kc1)
	xrun mr kill kc1 KILL
	assert_status 0
	wait_for 10 pid_gone "$pid"
	wait_for 10 status_is kc1 stopped
}

# start_with_children ID: start a container whose sh has two background
# sleeps; sets PIDS to the init's pid and the sleeps' (host) pids.
start_with_children() {
	bb_bundle "$B" sh -c 'sleep 1001 & sleep 1002 & echo ready >/out/ready; wait'
	ct_create "$1" "$B"
	xrun mr start "$1"
	assert_status 0
	wait_for 10 test -e "$B/out/ready"
	local init kids
	init=$(ct_pid "$1")
	kids=$(ct_children "$init")
	assert_line_count "$kids" 2
	PIDS="$init $kids"
	local p
	for p in $kids; do ct_track_pid "$p"; done
}

@test "kill --all TERM reaches every process of the container (the init ignores TERM, its children die)" {
	start_with_children ka1
	local p kids=${PIDS#* }
	xrun mr kill --all ka1 TERM
	assert_status 0
	for p in $kids; do wait_for 10 pid_gone "$p"; done
	# the init's wait returns once both children are gone
	wait_for 10 status_is ka1 stopped
}

@test "kill -a KILL: every process of the container is gone" {
	start_with_children ka2
	xrun mr kill -a ka2 KILL
	assert_status 0
	local p
	for p in $PIDS; do wait_for 10 pid_gone "$p"; done
	wait_for 10 status_is ka2 stopped
}

@test "kill of a stopped container fails with 'container not running'" {
	bb_bundle "$B" true
	ct_create ks1 "$B"
	xrun mr start ks1
	assert_status 0
	wait_for 10 status_is ks1 stopped
	local s
	for s in "" KILL 15; do
		# shellcheck disable=SC2086
		xrun mr kill ks1 $s
		[ "$status" -ne 0 ] || fail "kill of a stopped container succeeded (signal '$s')"
		assert_contains "$stderr" "container not running"
	done
	assert_equal "$(ct_status ks1)" stopped
}

# ---- delete ------------------------------------------------------------------

@test "delete of a running container without --force fails and leaves it running" {
	bb_bundle "$B" sleep 1000
	ct_create dr1 "$B"
	xrun mr start dr1
	assert_status 0
	local pid
	pid=$(ct_pid dr1)
	xrun mr delete dr1
	[ "$status" -ne 0 ] || fail "delete of a running container succeeded"
	assert_match "$stderr" '^minirun: '
	assert_equal "$(ct_status dr1)" running
	pid_alive "$pid"
	[ -d "$MR_ROOT/dr1" ]
}

@test "delete --force and -f kill a running container and remove it" {
	bb_bundle "$B" sleep 1000
	local flag id pid
	for flag in --force -f; do
		id=df$flag
		ct_create "$id" "$B"
		xrun mr start "$id"
		assert_status 0
		pid=$(ct_pid "$id")
		xrun mr delete "$flag" "$id"
		assert_status 0
		assert_equal "$stderr" ""
		[ ! -e "$MR_ROOT/$id" ] || fail "state dir left by delete $flag"
		wait_for 10 pid_gone "$pid"
		xrun mr state "$id"
		assert_contains "$stderr" "does not exist"
	done
}

@test "delete of a created (never started) container kills its init and removes it" {
	bb_bundle "$B" sleep 1000
	ct_create dc1 "$B"
	local pid
	pid=$(ct_pid dc1)
	xrun mr delete dc1
	assert_status 0
	[ ! -e "$MR_ROOT/dc1" ]
	wait_for 10 pid_gone "$pid"
}

@test "delete --force of an unknown id exits 0; delete without --force fails with 'does not exist'" {
	xrun mr delete --force nosuch
	assert_status 0
	xrun mr delete -f nosuch
	assert_status 0
	xrun mr delete nosuch
	[ "$status" -ne 0 ] || fail "delete of an unknown id succeeded"
	assert_contains "$stderr" "does not exist"
}

# ---- the config is read once, at create --------------------------------------

@test "start, kill and delete do not need the bundle's config.json after create" {
	# runtime-spec: changes to config.json after create do not affect the container
	bb_bundle "$B" sleep 1000
	ct_create cf1 "$B"
	local pid
	pid=$(ct_pid cf1)
	mv "$B/config.json" "$B/config.json.away"
	xrun mr start cf1
	assert_status 0
	assert_equal "$(ct_status cf1)" running
	pid_alive "$pid"
	xrun mr kill cf1 KILL
	assert_status 0
	wait_for 10 status_is cf1 stopped
	xrun mr delete cf1
	assert_status 0
	[ ! -e "$MR_ROOT/cf1" ]
}
