#!/usr/bin/env bats
# minirund's records across restarts (issue 12): kill -9 of minirund in a
# loop while containers run and clients make changes: nothing acknowledged
# is lost, the containers keep running under their shims, exits that
# happened while minirund was down are learnt at its start, a container
# whose shim was killed is marked so (never a made-up exit code).

load helpers
load daemon-helpers

setup_file() { daemon_setup_file; }
teardown_file() { daemon_teardown_file; }
setup() { need_shim; }

@test "kill -9 of minirund in a loop: acknowledged creates stay, containers keep running" {
	dk run -d --name long1 busybox sleep 1000 >/dev/null
	dk run -d --name long2 busybox sh -c 'while :; do echo x; sleep 0.5; done' >/dev/null
	p1=$(dk inspect -f '{{.State.Pid}}' long1)
	p2=$(dk inspect -f '{{.State.Pid}}' long2)
	acked=()
	for round in 1 2 3 4 5; do
		# clients at work when the kill comes; only what they were told counts
		( for i in 1 2 3 4 5 6; do
			"$DOCKER" create --name "r$round-$i" busybox true >/dev/null 2>&1 && echo "r$round-$i"
		  done >"$DMN_DIR/acked.$round" ) &
		local clients=$!
		sleep 0.$((RANDOM % 5 + 1))
		daemon_kill9
		wait "$clients" || true
		while read -r n; do acked+=("$n"); done <"$DMN_DIR/acked.$round"
		daemon_start
		for n in "${acked[@]}"; do
			run dk inspect -f '{{.Name}}' "$n"
			assert_equal "$output" "/$n"
		done
		assert_equal "$(dk inspect -f '{{.State.Status}} {{.State.Pid}}' long1)" "running $p1"
		assert_equal "$(dk inspect -f '{{.State.Status}} {{.State.Pid}}' long2)" "running $p2"
		kill -0 "$p1" && kill -0 "$p2"
	done
	# and they still answer to minirund
	run dk exec long1 echo still-here
	assert_equal "$output" still-here
	dk rm -f $(dk ps -aq) >/dev/null
}

@test "an exit while minirund is down is learnt at its start, restart policy included" {
	dk run -d --name ex1 busybox sh -c 'sleep 1; exit 9' >/dev/null
	dk run -d --name ex2 --restart on-failure:1 busybox sh -c 'sleep 1; exit 5' >/dev/null
	daemon_stop
	sleep 2
	daemon_start
	run dk inspect -f '{{.State.Status}} {{.State.ExitCode}}' ex1
	assert_equal "$output" "exited 9"
	run dk wait ex2
	# restarted once by its policy, then exited again
	for i in $(seq 50); do [ "$(dk inspect -f '{{.RestartCount}} {{.State.Status}}' ex2)" = "1 exited" ] && break; sleep 0.1; done
	assert_equal "$(dk inspect -f '{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}' ex2)" "1 exited 5"
	run dk logs ex1
	assert_status 0
	dk rm ex1 ex2 >/dev/null
}

@test "a container whose shim was killed is marked dead, with no exit code made up" {
	dk run -d --name lost busybox sleep 1000 >/dev/null
	id=$(dk inspect -f '{{.Id}}' lost)
	shim=$(jq -r .shimPid "$DMN_DIR/exec/containers/$id/shim/state.json")
	daemon_stop
	kill -KILL "$shim"
	daemon_start
	run dk inspect -f '{{.State.Status}} {{.State.Error}}' lost
	assert_match "$output" "^dead .*shim"
	dk rm -f lost >/dev/null
	run dk ps -aq
	assert_equal "$output" ""
}
