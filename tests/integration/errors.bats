#!/usr/bin/env bats
# Failing operations leave everything as it was (issue 3, points 2-4): no
# state dir, pid file, process or mount is left behind by a failed create;
# ids are checked before anything is made; concurrent creates of one id;
# start/state/kill/delete on containers in the wrong state or unknown.

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

@test "create without config.json fails and leaves nothing" {
	bb_bundle "$B" true
	rm "$B/config.json"
	create_fails nc1
	assert_contains "$stderr" "config.json"
}

@test "create from a missing bundle dir fails and leaves nothing" {
	create_fails nb1 -b "$MR_TMP/nonexistent"
}

@test "create with a config.json that is not JSON fails and leaves nothing" {
	bb_bundle "$B" true
	printf '{"ociVersion": "1.2.1", "process": ' >"$B/config.json"
	create_fails bj1
}

@test "create with a config without process.args fails and leaves nothing" {
	bb_bundle "$B" true
	bb_cfg "$B" 'del(.process.args)'
	create_fails na1
}

@test "create of a missing executable fails like runc (exec: \"nosuch\": executable file not found in \$PATH, exit 1) and leaves nothing" {
	bb_bundle "$B" nosuch arg
	create_fails ne1
	assert_status 1
	assert_contains "$stderr" 'exec: "nosuch": executable file not found in $PATH'
}

@test "create of a missing absolute executable fails with 'no such file or directory' and leaves nothing" {
	bb_bundle "$B" /nosuch
	create_fails ne2
	assert_match "${stderr,,}" 'no such file or directory'
}

@test "a failing create with --log --log-format json writes exactly one JSON error line" {
	bb_bundle "$B" nosuch
	ct_track lj1
	xrun mr --log "$MR_TMP/log.json" --log-format json create -b "$B" lj1
	[ "$status" -ne 0 ]
	assert_line_count "$(cat "$MR_TMP/log.json")" 1
	local msg
	msg=$(jq -er 'select(.level == "error") | .msg' "$MR_TMP/log.json")
	assert_contains "$msg" 'exec: "nosuch": executable file not found in $PATH'
	assert_equal "$stderr" "minirun: $msg"
	assert_nothing_left
}

@test "bad ids (.., ., a/b, empty, 2000 characters, a space) are refused before anything is made" {
	bb_bundle "$B" sleep 1000
	local long id
	long=$(printf 'x%.0s' $(seq 2000))
	for id in .. . a/b "" "$long" "a b" ../escape; do
		create_fails "$id"
		assert_match "$stderr" 'id'
	done
	[ ! -e "$MR_TMP/escape" ] && [ ! -e "$MR_TMP/a" ]
}

@test "create of an existing id fails with 'already exists' and leaves the first container untouched" {
	bb_bundle "$B" sleep 1000
	ct_create du1 "$B" --pid-file "$MR_TMP/first.pid"
	ct_create du2 "$B"
	xrun mr start du2
	assert_status 0
	local s1 s2 pidfile
	s1=$(ct_state du1)
	s2=$(ct_state du2)
	pidfile=$(cat "$MR_TMP/first.pid")
	local id
	for id in du1 du2; do
		xrun mr create -b "$B" --pid-file "$MR_TMP/second.pid" "$id"
		[ "$status" -ne 0 ] || fail "second create of $id succeeded"
		assert_contains "$stderr" "already exists"
		[ ! -e "$MR_TMP/second.pid" ] || fail "the failed create wrote its pid file"
	done
	assert_equal "$(ct_state du1)" "$s1"
	assert_equal "$(ct_state du2)" "$s2"
	assert_equal "$(cat "$MR_TMP/first.pid")" "$pidfile"
	pid_alive "$(jq -r .pid <<<"$s1")"
	pid_alive "$(jq -r .pid <<<"$s2")"
	# the first is still a working created container
	xrun mr start du1
	assert_status 0
	assert_equal "$(ct_status du1)" running
}

@test "create with a missing rootfs fails and leaves nothing" {
	bb_bundle "$B" true
	bb_cfg "$B" '.root.path = "nonexistent"'
	create_fails rf1
}

@test "create with a bad mount (tmpfs size=abc) fails, naming the mount, and leaves nothing" {
	bb_bundle "$B" true
	bb_cfg "$B" '.mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["size=abc"]}]'
	create_fails bm1
	assert_contains "$stderr" /tmp
}

@test "create with a failing createRuntime hook fails and leaves nothing" {
	bb_bundle "$B" true
	bb_cfg "$B" '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 3"]}]'
	create_fails hk1
}

@test "create with --systemd-cgroup fails with a clear error and leaves nothing" {
	bb_bundle "$B" true
	ct_track sd1
	local before
	before=$(mr_tree)
	xrun mr --systemd-cgroup create -b "$B" --pid-file "$MR_TMP/sd1.pid" sd1
	[ "$status" -ne 0 ] || fail "create --systemd-cgroup succeeded"
	assert_match "$stderr" '^minirun: --systemd-cgroup: '
	[ ! -e "$MR_TMP/sd1.pid" ]
	assert_equal "$(mr_tree)" "$before"
	assert_nothing_left
}

@test "10 concurrent creates of one id: exactly one succeeds, and its container works" {
	bb_bundle "$B" sleep 1000
	ct_track cc
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		(
			rc=0
			"$MINIRUN" --root "$MR_ROOT" create -b "$B" --pid-file "$MR_TMP/cc$i.pid" cc \
				</dev/null >"$MR_TMP/cc$i.out" 2>"$MR_TMP/cc$i.err" 3>&- || rc=$?
			echo "$rc" >"$MR_TMP/cc$i.rc"
		) 3>&- &
	done
	wait
	local ok=0 winner=
	for i in 1 2 3 4 5 6 7 8 9 10; do
		if [ "$(cat "$MR_TMP/cc$i.rc")" = 0 ]; then
			ok=$((ok + 1))
			winner=$i
		else
			assert_match "$(cat "$MR_TMP/cc$i.err")" '^minirun: '
			[ ! -e "$MR_TMP/cc$i.pid" ] || fail "loser $i wrote its pid file"
		fi
	done
	assert_equal "$ok" 1
	local pid
	pid=$(ct_pid cc)
	ct_track_pid "$pid"
	assert_equal "$(cat "$MR_TMP/cc$winner.pid")" "$pid"
	assert_equal "$(ct_status cc)" created
	# one container process: the winner's
	assert_equal "$(mr_procs | cut -d' ' -f1)" "$pid"
	xrun mr start cc
	assert_status 0
	assert_equal "$(ct_status cc)" running
}

@test "start of a running container fails and has no effect" {
	bb_bundle "$B" sleep 1000
	ct_create sr1 "$B"
	xrun mr start sr1
	assert_status 0
	local s
	s=$(ct_state sr1)
	xrun mr start sr1
	[ "$status" -ne 0 ] || fail "second start succeeded"
	assert_match "$stderr" '^minirun: '
	assert_equal "$(ct_state sr1)" "$s"
	pid_alive "$(jq -r .pid <<<"$s")"
}

@test "start of a stopped container fails and has no effect" {
	bb_bundle "$B" sh -c 'echo ran >>/out/runs'
	ct_create ss1 "$B"
	xrun mr start ss1
	assert_status 0
	wait_for 10 status_is ss1 stopped
	local s
	s=$(ct_state ss1)
	xrun mr start ss1
	[ "$status" -ne 0 ] || fail "start of a stopped container succeeded"
	assert_match "$stderr" '^minirun: '
	assert_equal "$(ct_state ss1)" "$s"
	assert_equal "$(cat "$B/out/runs")" ran
	[ -d "$MR_ROOT/ss1" ]
}

@test "state, start, kill and delete of an unknown id fail with 'does not exist'" {
	local cmd
	for cmd in state start kill delete; do
		xrun mr "$cmd" nosuch
		[ "$status" -ne 0 ] || fail "$cmd of an unknown id succeeded"
		assert_contains "$stderr" "does not exist"
	done
	# and an unknown id in an existing root
	bb_bundle "$B" sleep 1000
	ct_create other "$B"
	xrun mr state nosuch
	[ "$status" -ne 0 ]
	assert_contains "$stderr" "does not exist"
}
