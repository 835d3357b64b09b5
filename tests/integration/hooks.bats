#!/usr/bin/env bats
# OCI hooks (issue 3, point 5): prestart, createRuntime, createContainer,
# startContainer, poststart, poststop; their order, namespaces, stdin (the
# state), args, env and timeout; what a failing hook does.
#
# The hooks are /bin/sh scripts that write into the bundle's out/ dir, which
# the container sees as /out. createContainer runs in the container's
# namespaces before pivot_root, so it still sees host paths; startContainer's
# path and files resolve in the container (busybox sh, /out).

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

KINDS="prestart createRuntime createContainer startContainer poststart poststop"

# out KIND: the out dir as the KIND hook sees it.
out() {
	if [ "$1" = startContainer ]; then echo /out; else echo "$B/out"; fi
}

# add_hook KIND SCRIPT [JSON]: append to hooks.KIND a /bin/sh -c SCRIPT hook
# with a PATH, merged with the JSON object (e.g. {"timeout": 1}).
add_hook() {
	local extra=${3-}
	[ -n "$extra" ] || extra='{}'
	bb_cfg "$B" '.hooks[$k] += [{"path": "/bin/sh", "args": ["sh", "-c", $s],
		"env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]} + $extra]' \
		--arg k "$1" --arg s "$2" --argjson extra "$extra"
}

# log_hooks: every kind appends its name to out/hooks.log.
log_hooks() {
	local k
	for k in $KINDS; do
		add_hook "$k" "echo $k >>$(out "$k")/hooks.log"
	done
}

# line_of WORD: the line number of WORD in hooks.log (fails if absent).
line_of() {
	local n
	n=$(grep -nx -- "$1" "$B/out/hooks.log" | cut -d: -f1)
	[ -n "$n" ] || fail "$1 is not in hooks.log: $(cat "$B/out/hooks.log")"
	echo "$n"
}

# before A B: A is logged before B.
before() {
	local a b
	a=$(line_of "$1")
	b=$(line_of "$2")
	[ "$a" -lt "$b" ] || fail "$1 (line $a) is not before $2 (line $b) in: $(cat "$B/out/hooks.log")"
}

@test "hooks run in order: prestart and createRuntime, then createContainer on create; startContainer, poststart on start; poststop on delete" {
	bb_bundle "$B" sh -c 'echo process >>/out/hooks.log; exec sleep 1000'
	add_hook prestart "echo prestart >>$B/out/hooks.log"
	add_hook createRuntime "echo createRuntime-1 >>$B/out/hooks.log"
	add_hook createRuntime "echo createRuntime-2 >>$B/out/hooks.log"
	add_hook createContainer "echo createContainer >>$B/out/hooks.log"
	add_hook startContainer "echo startContainer >>/out/hooks.log"
	add_hook poststart "echo poststart >>$B/out/hooks.log"
	add_hook poststop "echo poststop >>$B/out/hooks.log"
	ct_create ho1 "$B"
	assert_equal "$(sort "$B/out/hooks.log")" $'createContainer\ncreateRuntime-1\ncreateRuntime-2\nprestart'
	before createRuntime-1 createRuntime-2
	before createRuntime-2 createContainer
	before prestart createContainer

	xrun mr start ho1
	assert_status 0
	# poststart has run when start returns
	line_of poststart >/dev/null
	wait_for 10 grep -qx process "$B/out/hooks.log"
	before createContainer startContainer
	before startContainer process
	before startContainer poststart
	assert_line_count "$(cat "$B/out/hooks.log")" 7

	xrun mr kill ho1 KILL
	assert_status 0
	wait_for 10 status_is ho1 stopped
	assert_line_count "$(cat "$B/out/hooks.log")" 7
	xrun mr delete ho1
	assert_status 0
	assert_equal "$(tail -1 "$B/out/hooks.log")" poststop
	assert_line_count "$(cat "$B/out/hooks.log")" 8
}

@test "run runs every hook, poststop last, once each" {
	bb_bundle "$B" sh -c 'echo process >>/out/hooks.log'
	log_hooks
	ct_track hr1
	xrun mr run -b "$B" hr1
	assert_status 0
	local k
	for k in $KINDS process; do
		assert_equal "$(grep -cx "$k" "$B/out/hooks.log")" 1
	done
	before createRuntime createContainer
	before prestart createContainer
	before createContainer startContainer
	before startContainer process
	before startContainer poststart
	assert_equal "$(tail -1 "$B/out/hooks.log")" poststop
}

# state_hooks: every kind saves its stdin to out/KIND.json; then the
# container is created, started, killed and deleted. Sets PID.
state_hooks() {
	bb_bundle "$B" sleep 1000
	local k
	for k in $KINDS; do
		add_hook "$k" "cat >$(out "$k")/$k.json"
	done
	ct_create "$1" "$B"
	PID=$(ct_pid "$1")
	xrun mr start "$1"
	assert_status 0
	xrun mr delete --force "$1"
	assert_status 0
}

# check_state KIND ID STATUS: out/KIND.json is a state of ID with STATUS and
# the bundle's absolute path.
check_state() {
	local f=$B/out/$1.json
	[ -s "$f" ] || fail "the $1 hook got no state on stdin"
	jq -e . "$f" >/dev/null || fail "the $1 hook's stdin is not JSON: $(cat "$f")"
	assert_equal "$(jq -r .id "$f")" "$2"
	assert_equal "$(jq -r .status "$f")" "$3"
	assert_equal "$(jq -r .bundle "$f")" "$(realpath "$B")"
	assert_equal "$(jq -r .ociVersion "$f")" "$(jq -r .ociVersion "$B/config.json")"
}

@test "prestart and createRuntime hooks get the state on stdin: status created (their step's, as crun), the container's pid" {
	state_hooks hs1
	local k
	for k in prestart createRuntime; do
		check_state "$k" hs1 created
		assert_equal "$(jq -r .pid "$B/out/$k.json")" "$PID"
	done
}

@test "the createContainer hook gets the state on stdin: status created (as crun), a pid" {
	state_hooks hs2
	check_state createContainer hs2 created
	# the pid as seen from the hook's namespace (runc: 1)
	assert_match "$(jq -r .pid "$B/out/createContainer.json")" '^[1-9][0-9]*$'
}

@test "the startContainer hook gets the state on stdin: status created (create has finished), a pid" {
	state_hooks hs3
	check_state startContainer hs3 created
	assert_match "$(jq -r .pid "$B/out/startContainer.json")" '^[1-9][0-9]*$'
}

@test "the poststart hook gets the state on stdin: status running, the container's pid" {
	state_hooks hs4
	check_state poststart hs4 running
	assert_equal "$(jq -r .pid "$B/out/poststart.json")" "$PID"
}

@test "the poststop hook gets the state on stdin: status stopped" {
	state_hooks hs5
	check_state poststop hs5 stopped
}

@test "hooks run in the namespaces runtime-spec says: createContainer and startContainer in the container's, the others in the runtime's" {
	bb_bundle "$B" sleep 1000
	local k
	for k in $KINDS; do
		add_hook "$k" "echo \$(readlink /proc/self/ns/mnt) \$(readlink /proc/self/ns/uts) \$(readlink /proc/self/ns/net) >$(out "$k")/$k.ns"
	done
	ct_create hn1 "$B"
	local pid host cont
	pid=$(ct_pid hn1)
	host="$(readlink /proc/self/ns/mnt) $(readlink /proc/self/ns/uts) $(readlink /proc/self/ns/net)"
	cont="$(readlink "/proc/$pid/ns/mnt") $(readlink "/proc/$pid/ns/uts") $(readlink "/proc/$pid/ns/net")"
	[ "$host" != "$cont" ]
	xrun mr start hn1
	assert_status 0
	xrun mr delete --force hn1
	assert_status 0
	for k in prestart createRuntime poststart poststop; do
		assert_equal "$(cat "$B/out/$k.ns")" "$host"
	done
	for k in createContainer startContainer; do
		assert_equal "$(cat "$B/out/$k.ns")" "$cont"
	done
}

# args_script KIND: a hook script that saves its command line and env.
args_script() {
	echo "tr '\\000' '|' </proc/\$\$/cmdline >$(out "$1")/$1.args; env >$(out "$1")/$1.env"
}

@test "hooks get their args (argv[0] included) and exactly their env" {
	bb_bundle "$B" sleep 1000
	# argv[0]: busybox (the container's /bin/sh) runs the applet it names
	local k argv0
	for k in createRuntime startContainer poststop; do
		argv0=hook-argv0
		[ "$k" != startContainer ] || argv0=ash
		bb_cfg "$B" '.hooks[$k] += [{"path": "/bin/sh", "args": [$a0, "-c", $s, "x1", "x 2"],
			"env": ["PATH=/usr/bin:/bin", "HOOK_VAR=a value"]}]' --arg k "$k" --arg a0 "$argv0" --arg s "$(args_script "$k")"
	done
	ct_track ha1
	MR_LEAK=from-the-caller xrun mr run -b "$B" --detach ha1
	assert_status 0
	xrun mr delete --force ha1
	assert_status 0
	for k in createRuntime startContainer poststop; do
		argv0=hook-argv0
		[ "$k" != startContainer ] || argv0=ash
		assert_equal "$(cat "$B/out/$k.args")" "$argv0|-c|$(args_script "$k")|x1|x 2|"
		grep -qx 'HOOK_VAR=a value' "$B/out/$k.env" || fail "$k: no HOOK_VAR in $(cat "$B/out/$k.env")"
		grep -qx 'PATH=/usr/bin:/bin' "$B/out/$k.env" || fail "$k: not the hook's PATH in $(cat "$B/out/$k.env")"
		! grep -q MR_LEAK "$B/out/$k.env" || fail "$k inherited minirun's environment: $(cat "$B/out/$k.env")"
	done
}

@test "hooks without env get the runtime's environment (as runc and crun); env: [] is an empty one" {
	bb_bundle "$B" sleep 1000
	local k
	for k in prestart createRuntime poststart poststop; do
		bb_cfg "$B" '.hooks[$k] += [{"path": "/bin/sh", "args": ["sh", "-c", $s]}]' \
			--arg k "$k" --arg s "env >$B/out/$k.env"
	done
	bb_cfg "$B" '.hooks.poststop += [{"path": "/bin/sh", "args": ["sh", "-c", $s], "env": []}]' \
		--arg s "env >$B/out/empty.env"
	ct_track he1
	MR_HOOK_ENV=from-the-caller xrun mr run -b "$B" --detach he1
	assert_status 0
	MR_HOOK_ENV=from-the-caller xrun mr delete --force he1
	assert_status 0
	for k in prestart createRuntime poststart poststop; do
		grep -qx 'MR_HOOK_ENV=from-the-caller' "$B/out/$k.env" || fail "$k: not the runtime's env: $(cat "$B/out/$k.env")"
		grep -qx "PATH=$PATH" "$B/out/$k.env" || fail "$k: not the runtime's PATH: $(cat "$B/out/$k.env")"
	done
	! grep -q MR_HOOK_ENV "$B/out/empty.env" || fail "env: [] inherited: $(cat "$B/out/empty.env")"
}

@test "while a prestart hook runs (it waits for the test), list, state, kill and delete of the creating container answer at once" {
	bb_bundle "$B" sleep 1000
	mkfifo "$B/out/release"
	add_hook prestart "echo \$\$ >$B/out/hook.pid; read x <$B/out/release"
	ct_track hw1
	"$MINIRUN" --root "$MR_ROOT" create -b "$B" hw1 </dev/null >"$MR_TMP/hw1.out" 2>"$MR_TMP/hw1.err" 3>&- &
	local cpid=$!
	wait_for 10 test -s "$B/out/hook.pid"
	# the hook blocks until released: a reader that waited for the
	# create's lock would hang (timeout tells)
	xrun timeout 20 "$MINIRUN" --root "$MR_ROOT" list
	assert_status 0
	assert_match "$output" $'\nhw1 +0 +creating '
	xrun timeout 20 "$MINIRUN" --root "$MR_ROOT" state hw1
	assert_status 0
	assert_equal "$(jq -r .status <<<"$output")" creating
	xrun timeout 20 "$MINIRUN" --root "$MR_ROOT" kill hw1
	assert_status 1
	xrun timeout 20 "$MINIRUN" --root "$MR_ROOT" delete hw1
	assert_status 1
	assert_contains "$stderr" "not stopped: creating"
	timeout 10 sh -c 'echo go >"$1"' sh "$B/out/release"
	wait "$cpid" || fail "create failed: $(cat "$MR_TMP/hw1.err")"
	assert_equal "$(ct_status hw1)" created
}

@test "a hook that outlives its timeout is killed and create fails, naming the hook" {
	bb_bundle "$B" true
	# (the pid file is outside $MR_TMP, which create_fails checks for new files)
	add_hook createRuntime "echo \$\$ >$BATS_TEST_TMPDIR/hook.pid; exec sleep 30" '{"timeout": 1}'
	local t0 t1
	t0=$(now_ms)
	create_fails ht1
	t1=$(now_ms)
	[ $((t1 - t0)) -lt 10000 ] || fail "create took $((t1 - t0)) ms with a 1 s hook timeout"
	assert_contains "$stderr" createRuntime
	local hp
	hp=$(cat "$BATS_TEST_TMPDIR/hook.pid")
	wait_for 5 pid_gone "$hp"
}

@test "a failing createRuntime hook fails create, names the hook and leaves nothing" {
	bb_bundle "$B" true
	add_hook createRuntime "exit 3"
	create_fails hf1
	assert_contains "$stderr" createRuntime
}

@test "a failing prestart hook fails create, names the hook and leaves nothing" {
	bb_bundle "$B" true
	add_hook prestart "exit 3"
	create_fails hf2
	assert_contains "$stderr" prestart
}

@test "a failing createContainer hook fails create, names the hook and leaves nothing" {
	bb_bundle "$B" true
	add_hook createContainer "exit 3"
	create_fails hf3
	assert_contains "$stderr" createContainer
}

@test "a hook whose path does not exist fails create and leaves nothing" {
	bb_bundle "$B" true
	bb_cfg "$B" '.hooks.createRuntime = [{"path": "/nonexistent/hook"}]'
	create_fails hf4
	assert_contains "$stderr" /nonexistent/hook
}

@test "a failing startContainer hook fails start and stops the container before its process runs" {
	bb_bundle "$B" sh -c 'echo ran >/out/ran; exec sleep 1000'
	add_hook startContainer "exit 3"
	ct_create hf5 "$B"
	local pid
	pid=$(ct_pid hf5)
	xrun mr start hf5
	[ "$status" -ne 0 ] || fail "start succeeded with a failing startContainer hook"
	assert_contains "$stderr" startContainer
	wait_for 10 pid_gone "$pid"
	[ ! -e "$B/out/ran" ] || fail "the container's process ran"
}

@test "a failing poststart hook only warns (runtime-spec lifecycle step 9): the next ones run, start exits 0, the container runs on" {
	bb_bundle "$B" sleep 1000
	add_hook poststart "exit 3"
	add_hook poststart "echo second >$B/out/second"
	ct_create hf6 "$B"
	local pid log=$MR_TMP/hf6.log
	pid=$(ct_pid hf6)
	xrun "$MINIRUN" --root "$MR_ROOT" --log "$log" --log-format json start hf6
	assert_status 0
	assert_line_count "$stderr" 1
	assert_equal "$stderr" 'minirun: warning: poststart hook /bin/sh: exited with status 3'
	assert_equal "$(jq -r .level "$log")" warning
	assert_contains "$(jq -r .msg "$log")" "poststart hook"
	assert_equal "$(cat "$B/out/second")" second
	assert_equal "$(ct_status hf6)" running
	pid_alive "$pid"
}

@test "a failing poststop hook only warns: delete exits 0, the message is on stderr, the container is removed" {
	bb_bundle "$B" sleep 1000
	add_hook poststop "exit 3"
	ct_create hf7 "$B"
	xrun mr delete --force hf7
	assert_status 0
	assert_contains "$stderr" poststop
	[ ! -e "$MR_ROOT/hf7" ]
}

@test "a failing poststop hook does not stop the next poststop hooks (runtime-spec: the remaining hooks continue)" {
	bb_bundle "$B" sleep 1000
	add_hook poststop "exit 3"
	add_hook poststop "echo second >$B/out/second"
	ct_create hf8 "$B"
	xrun mr delete --force hf8
	assert_status 0
	assert_equal "$(cat "$B/out/second")" second
}

@test "hooks come from the config.json of create: editing it afterwards changes nothing" {
	bb_bundle "$B" sleep 1000
	add_hook poststart "echo poststart-at-create >>$B/out/hooks.log"
	add_hook poststop "echo poststop-at-create >>$B/out/hooks.log"
	ct_create hc1 "$B"
	bb_cfg "$B" '.hooks = {}'
	add_hook poststart "echo poststart-edited >>$B/out/hooks.log"
	add_hook poststop "echo poststop-edited >>$B/out/hooks.log"
	xrun mr start hc1
	assert_status 0
	xrun mr delete --force hc1
	assert_status 0
	assert_equal "$(cat "$B/out/hooks.log")" $'poststart-at-create\npoststop-at-create'
}
