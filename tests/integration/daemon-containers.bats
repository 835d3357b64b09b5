#!/usr/bin/env bats
# minirund's containers (issue 12), real busybox containers through
# minirun-shim: run --rm and exit codes, stdin, tty, -d with logs -f, exec
# (with and without a tty), stats, top, pause, stop, rm; restart policies;
# limits in the container's cgroup; read-only rootfs; bind mounts; the
# overlay's upperdir holding the writes and the image untouched; diff.

load helpers
load daemon-helpers

setup_file() { daemon_setup_file; }
teardown_file() { daemon_teardown_file; }
setup() { need_shim; }

# cg_file ID FILE: the container's cgroup file (v2 unified, or the v1
# hierarchy that has it), from its init's /proc/PID/cgroup.
cg_file() {
	local pid line rel ctl
	pid=$(dk inspect -f '{{.State.Pid}}' "$1")
	while IFS=: read -r _ ctl rel; do
		if [ -z "$ctl" ] && [ -f "/sys/fs/cgroup$rel/$2" ]; then
			echo "/sys/fs/cgroup$rel/$2"
			return
		fi
		for d in /sys/fs/cgroup/*; do
			[ -f "$d$rel/$2" ] && [[ ,$(basename "$d"), == *,${2%%.*},* ]] && { echo "$d$rel/$2"; return; }
		done
	done <"/proc/$pid/cgroup"
	return 1
}

wait_for() { # wait_for SECONDS COMMAND...: until it succeeds
	local n=$(($1 * 10))
	shift
	for i in $(seq $n); do "$@" && return 0; sleep 0.1; done
	"$@"
}

@test "run --rm: output, exit codes (0, 3, 137), a missing command is 127, the container is gone" {
	run dk run --rm busybox echo hello
	assert_status 0
	assert_equal "$output" hello
	run dk run --rm busybox sh -c 'exit 3'
	assert_status 3
	# killed from outside (sh is pid 1: a signal of its own it ignores, as under dockerd)
	( rc=0; "$DOCKER" run --rm --name k137 busybox sleep 1000 || rc=$?; echo $rc >"$DMN_DIR/k137.rc" ) &
	wait_for 20 sh -c "[ \"\$($DOCKER inspect -f '{{.State.Status}}' k137 2>/dev/null)\" = running ]"
	dk kill k137 >/dev/null
	wait $!
	assert_equal "$(cat "$DMN_DIR/k137.rc")" 137
	rm -f "$DMN_DIR/k137.rc"
	run dk run --rm busybox /no/such/program
	assert_status 127
	assert_contains "$output" "/no/such/program"
	run dk ps -aq
	assert_equal "$output" ""
}

@test "run: stdout and stderr kept apart, stdin with -i, a tty with -t" {
	run --separate-stderr dk run --rm busybox sh -c 'echo out; echo err >&2'
	assert_equal "$output" out
	assert_equal "$stderr" err
	run sh -c "printf 'line one\nline two\n' | $DOCKER run --rm -i busybox sh -c 'cat; echo done'"
	assert_equal "$output" "line one
line two
done"
	run dk run --rm -t busybox sh -c 'tty; echo $TERM'
	assert_match "$output" "/dev/pts/0"
	assert_contains "$output" xterm
}

@test "run -d, logs -f, exec with and without a tty, top, stats, pause, stop, rm" {
	dk run -d --name life busybox sh -c 'i=0; while :; do echo tick $i; i=$((i+1)); sleep 0.2; done' >/dev/null
	wait_for 10 sh -c "$DOCKER logs life | grep -q 'tick 2'"
	run timeout 2 "$DOCKER" logs -f --tail 1 life
	assert_match "$output" "tick [0-9]+"
	[ "$(printf '%s\n' "$output" | wc -l)" -ge 2 ]
	run dk exec life sh -c 'echo $((6*7)); exit 4'
	assert_status 4
	assert_equal "$output" 42
	run dk exec -t life tty
	assert_match "$output" "/dev/pts/"
	run dk top life
	assert_status 0
	assert_contains "$output" "PID"
	assert_contains "$output" "sleep"
	run dk stats --no-stream --format '{{.Name}} {{.PIDs}}' life
	assert_status 0
	assert_match "$output" "^life [0-9]+"
	dk pause life
	run dk inspect -f '{{.State.Status}}' life
	assert_equal "$output" paused
	run dk exec life true
	assert_status 1
	assert_contains "$output" "is paused"
	dk unpause life
	dk stop -t 1 life
	run dk inspect -f '{{.State.Status}} {{.State.ExitCode}}' life
	assert_equal "$output" "exited 137"
	run dk logs --tail 2 life
	assert_line_count "$output" 2
	dk rm life
	run dk inspect life
	assert_status 1
}

@test "logs: the multiplexed framing without a tty, raw with one; timestamps; since" {
	dk run --name lg busybox sh -c 'echo a; echo b >&2' >/dev/null
	api GET '/containers/lg/logs?stdout=1&stderr=1'
	# stream 1 header, "a\n", stream 2 header, "b\n"
	run sh -c "curl -s --unix-socket $DMN_DIR/d.sock 'http://d/containers/lg/logs?stdout=1&stderr=1' | od -An -tx1 | tr -d ' \n'"
	assert_equal "$output" "0100000000000002610a0200000000000002620a"
	run dk logs -t lg
	assert_match "$output" "^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9:.]+Z a"
	dk rm lg >/dev/null
	dk run -t --name lgt busybox echo x >/dev/null
	run sh -c "curl -s --unix-socket $DMN_DIR/d.sock 'http://d/containers/lgt/logs?stdout=1' | od -An -c | tr -s ' '"
	assert_equal "$output" " x \r \n"
	dk rm lgt >/dev/null
}

@test "restart policies: on-failure:2, always; none after docker stop" {
	dk run -d --name rf --restart on-failure:2 busybox sh -c 'exit 1' >/dev/null
	wait_for 20 sh -c "[ \"\$($DOCKER inspect -f '{{.State.Status}} {{.RestartCount}}' rf)\" = 'exited 2' ]"
	dk run -d --name ra --restart always busybox sh -c 'sleep 0.3; exit 0' >/dev/null
	wait_for 20 sh -c "[ \"\$($DOCKER inspect -f '{{.RestartCount}}' ra)\" -ge 2 ]"
	dk stop -t 1 ra >/dev/null
	c=$(dk inspect -f '{{.RestartCount}}' ra)
	sleep 1
	run dk inspect -f '{{.State.Status}} {{.RestartCount}}' ra
	assert_equal "$output" "exited $c"
	dk rm rf ra >/dev/null
}

@test "resource limits are in the container's cgroup: memory, pids, cpu" {
	dk run -d --name lim -m 64m --pids-limit 33 --cpus 0.5 busybox sleep 30 >/dev/null
	if f=$(cg_file lim memory.max); then
		assert_equal "$(cat "$f")" 67108864
	else
		assert_equal "$(cat "$(cg_file lim memory.limit_in_bytes)")" 67108864
	fi
	assert_equal "$(cat "$(cg_file lim pids.max)")" 33
	if f=$(cg_file lim cpu.max); then
		assert_equal "$(cat "$f")" "50000 100000"
	else
		assert_equal "$(cat "$(cg_file lim cpu.cfs_quota_us)")" 50000
	fi
	dk update -m 96m --memory-swap 200m lim
	if f=$(cg_file lim memory.max); then
		assert_equal "$(cat "$f")" 100663296
	else
		assert_equal "$(cat "$(cg_file lim memory.limit_in_bytes)")" 100663296
	fi
	run dk inspect -f '{{.HostConfig.Memory}}' lim
	assert_equal "$output" 100663296
	dk rm -f lim >/dev/null
}

@test "read-only rootfs; bind mounts (rw and ro); tmpfs" {
	mkdir -p "$DMN_DIR/vol"
	echo host-file >"$DMN_DIR/vol/f"
	run dk run --rm --read-only busybox touch /x
	assert_status 1
	assert_contains "$output" "Read-only file system"
	run dk run --rm --read-only --tmpfs /scratch busybox sh -c 'echo ok >/scratch/y && cat /scratch/y'
	assert_equal "$output" ok
	run dk run --rm -v "$DMN_DIR/vol:/data" busybox sh -c 'cat /data/f; echo from-ctr >/data/g'
	assert_equal "$output" host-file
	assert_equal "$(cat "$DMN_DIR/vol/g")" from-ctr
	run dk run --rm -v "$DMN_DIR/vol:/data:ro" busybox sh -c 'echo x >/data/h'
	assert_status 1
	[ ! -e "$DMN_DIR/vol/h" ]
}

@test "the overlay: the upperdir holds the container's writes, the image is untouched; diff" {
	dk run --name ov busybox sh -c 'echo new >/tmp/new; rm /etc/group; echo changed >/etc/passwd' >/dev/null
	upper=$(dk inspect -f '{{.GraphDriver.Data.UpperDir}}' ov)
	assert_equal "$(cat "$upper/tmp/new")" new
	run stat -c '%F %t:%T' "$upper/etc/group"
	assert_equal "$output" "character special file 0:0"
	layer=$(dk image inspect -f '{{index .RootFS.Layers 0}}' busybox)
	grep -q '^root:' "$DMN_DIR/data/layers/${layer#sha256:}/diff/etc/passwd"
	[ -f "$DMN_DIR/data/layers/${layer#sha256:}/diff/etc/group" ]
	run dk diff ov
	assert_contains "$output" "A /tmp/new"
	assert_contains "$output" "D /etc/group"
	assert_contains "$output" "C /etc/passwd"
	# not mounted once it exited; gone at rm
	rootfs=$DMN_DIR/exec/containers/$(dk inspect -f '{{.Id}}' ov)/rootfs
	run grep -c " $rootfs " /proc/self/mounts
	assert_equal "$output" 0
	dk rm ov >/dev/null
	[ ! -e "$upper" ]
}

@test "wait: not-running, next-exit, removed (docker run --rm's)" {
	dk create --name w1 busybox sh -c 'sleep 0.5; exit 7' >/dev/null
	dk start w1
	run dk wait w1
	assert_equal "$output" 7
	api POST '/containers/w1/wait?condition=bogus'
	assert_api 400 "condition"
	dk rm w1 >/dev/null
}

@test "kill with a signal; stop of a stopped container is a 304; rm of a running one needs -f" {
	dk run -d --name k1 busybox sh -c 'trap "exit 42" USR1; while :; do sleep 0.1; done' >/dev/null
	sleep 0.5
	dk kill -s USR1 k1
	wait_for 10 sh -c "[ \"\$($DOCKER inspect -f '{{.State.Status}}' k1)\" = exited ]"
	assert_equal "$(dk inspect -f '{{.State.ExitCode}}' k1)" 42
	api POST /containers/k1/stop
	assert_api 304
	dk start k1
	run dk rm k1
	assert_status 1
	assert_contains "$output" "cannot remove a running container"
	dk rm -f k1
	run dk ps -aq
	assert_equal "$output" ""
}

@test "networks: none (and the default) is a namespace of its own with lo up; host is the host's" {
	run dk run --rm --network none busybox sh -c 'cat /sys/class/net/lo/operstate /sys/class/net/lo/flags; ls /sys/class/net'
	assert_status 0
	# IFF_UP is bit 0 of the flags
	[ $(( $(sed -n 2p <<<"$output") & 1 )) -eq 1 ]
	assert_equal "$(sed -n '3,$p' <<<"$output")" lo
	run dk run --rm busybox ping -c 1 -W 5 127.0.0.1
	assert_status 0
	run dk run --rm --network host busybox readlink /proc/self/ns/net
	assert_equal "$output" "$(readlink /proc/self/ns/net)"
	run dk run --rm --network host busybox hostname
	assert_equal "$output" "$(hostname)"
}

@test "security: User, CapAdd and CapDrop, no-new-privileges, seccomp (default and unconfined), privileged" {
	run dk run --rm -u 65534:65534 -w /tmp busybox sh -c 'id -u; id -g; pwd'
	assert_equal "$output" "65534
65534
/tmp"
	# Docker's 14 default capabilities are 0x00000000a80425fb
	run dk run --rm busybox sh -c 'grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status'
	assert_contains "$output" "CapEff:	00000000a80425fb"
	assert_contains "$output" "NoNewPrivs:	0"
	assert_contains "$output" "Seccomp:	2"
	run dk run --rm --cap-drop NET_RAW --cap-add SYS_TIME busybox grep CapEff /proc/self/status
	# minus CAP_NET_RAW (bit 13), plus CAP_SYS_TIME (bit 25)
	assert_equal "$output" "CapEff:	$(printf '%016x' $(( (0xa80425fb & ~(1 << 13)) | (1 << 25) )))"
	run dk run --rm --security-opt no-new-privileges --security-opt seccomp=unconfined busybox \
		sh -c 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status'
	assert_contains "$output" "NoNewPrivs:	1"
	assert_contains "$output" "Seccomp:	0"
	# the default profile refuses what Docker's refuses (unshare without CAP_SYS_ADMIN)
	run dk run --rm busybox unshare -m true
	assert_status 1
	run dk run --rm --privileged busybox sh -c 'grep -E "^(CapEff|Seccomp):" /proc/self/status; mount -t tmpfs t /tmp && echo mounted'
	assert_contains "$output" "Seccomp:	0"
	assert_contains "$output" mounted
	# privileged: every capability minirund holds (its bounding set is ours)
	assert_contains "$output" "CapEff:	$(awk '/^CapBnd:/ {print $2}' /proc/self/status)"
}

@test "wait: next-exit across a restart, removed for an AutoRemove container" {
	dk run -d --name wn busybox sleep 1000 >/dev/null
	curl -s --unix-socket "$DMN_DIR/d.sock" -X POST 'http://d/containers/wn/wait?condition=next-exit' >"$DMN_DIR/wn.out" &
	local w=$!
	dk kill wn >/dev/null
	wait "$w"
	assert_equal "$(jq -c .StatusCode "$DMN_DIR/wn.out")" 137
	dk rm wn >/dev/null
	dk run -d --rm --name wr busybox sh -c 'sleep 0.5; exit 6' >/dev/null
	api POST '/containers/wr/wait?condition=removed'
	assert_api 200
	assert_equal "$(jq -c .StatusCode <<<"$body")" 6
	run dk inspect wr
	assert_status 1
	rm -f "$DMN_DIR/wn.out"
}

@test "restart, rename of a running container, unless-stopped, exec inspect, stats stream, events as they happen" {
	t0=$(date +%s.%N)
	dk run -d --name rr --restart unless-stopped busybox sleep 1000 >/dev/null
	p1=$(dk inspect -f '{{.State.Pid}}' rr)
	dk restart -t 1 rr >/dev/null
	p2=$(dk inspect -f '{{.State.Pid}}' rr)
	[ "$p1" != "$p2" ]
	assert_equal "$(dk inspect -f '{{.State.Status}}' rr)" running
	dk rename rr rr2
	assert_equal "$(dk inspect -f '{{.Name}} {{.State.Pid}}' rr2)" "/rr2 $p2"
	# exec instances: their inspect after the exit
	api POST /containers/rr2/exec -H 'Content-Type: application/json' -d '{"Cmd":["sh","-c","exit 3"],"AttachStdout":true}'
	assert_api 201
	eid=$(jq -r .Id <<<"$body")
	api POST "/exec/$eid/start" -H 'Content-Type: application/json' -d '{"Detach":true}'
	assert_api 200
	wait_for 10 sh -c "curl -s --unix-socket $DMN_DIR/d.sock http://d/exec/$eid/json | jq -e '.Running == false' >/dev/null"
	api GET "/exec/$eid/json"
	assert_equal "$(jq -c '[.Running, .ExitCode, .ContainerID == "'"$(dk inspect -f '{{.Id}}' rr2)"'"]' <<<"$body")" '[false,3,true]'
	# a stats stream: two samples, the second with its precpu
	run sh -c "curl -sN --unix-socket $DMN_DIR/d.sock 'http://d/containers/rr2/stats?stream=1' | head -n 2"
	assert_line_count "$output" 2
	assert_equal "$(sed -n 2p <<<"$output" | jq -c '[(.precpu_stats.cpu_usage.total_usage > 0), (.pids_stats.current > 0)]')" '[true,true]'
	# unless-stopped: not started again after docker stop
	dk stop -t 1 rr2 >/dev/null
	assert_equal "$(dk inspect -f '{{.State.Status}}' rr2)" exited
	# by id: the events before the rename carry the old name
	run dk events --since "$t0" --until "$(( $(date +%s) + 1 ))" --filter "container=$(dk inspect -f '{{.Id}}' rr2)" \
		--format '{{.Action}}'
	for a in create start kill die restart rename exec_create exec_start exec_die stop; do
		assert_contains "$output" "$a"
	done
	dk rm rr2 >/dev/null
}

# exec_create CTR JSON: the new exec instance's id
exec_create() {
	curl -s --unix-socket "$DMN_DIR/d.sock" -H 'Content-Type: application/json' -d "$2" \
		"http://d/v1.41/containers/$1/exec" | jq -r .Id
}

@test "exec start and attach without an Upgrade header: a 200 with the stream as its body, as dockerd (curl)" {
	dk run -d --name nu busybox sleep 1000 >/dev/null
	# no tty: Docker's multiplexed framing, stdout then stderr, then the connection closes
	id=$(exec_create nu '{"AttachStdout":true,"AttachStderr":true,"Cmd":["sh","-c","echo out; sleep 0.2; echo err >&2; exit 3"]}')
	curl -sS -D "$DMN_DIR/nu.head" --unix-socket "$DMN_DIR/d.sock" -H 'Content-Type: application/json' -d '{}' \
		"http://d/v1.41/exec/$id/start" -o "$DMN_DIR/nu.body"
	assert_equal "$(head -n 1 "$DMN_DIR/nu.head" | tr -d '\r')" "HTTP/1.1 200 OK"
	assert_contains "$(tr -d '\r' <"$DMN_DIR/nu.head")" "Content-Type: application/vnd.docker.raw-stream"
	assert_contains "$(tr -d '\r' <"$DMN_DIR/nu.head")" "Api-Version: 1.41"
	assert_equal "$(od -An -tx1 -v "$DMN_DIR/nu.body" | tr -d ' \n')" \
		"0100000000000004$(printf 'out\n' | od -An -tx1 | tr -d ' \n')0200000000000004$(printf 'err\n' | od -An -tx1 | tr -d ' \n')"
	assert_equal "$(curl -s --unix-socket "$DMN_DIR/d.sock" "http://d/exec/$id/json" | jq -c '[.ExitCode, .Running]')" '[3,false]'
	# a tty: the raw bytes
	id=$(exec_create nu '{"AttachStdout":true,"Tty":true,"Cmd":["echo","tty"]}')
	run curl -sS --unix-socket "$DMN_DIR/d.sock" -H 'Content-Type: application/json' -d '{"Tty":true}' \
		"http://d/v1.41/exec/$id/start"
	assert_equal "$output" $'tty\r'
	# stdin is the rest of the connection, as in a hijack: read after the head, EOF at our shutdown
	id=$(exec_create nu '{"AttachStdin":true,"AttachStdout":true,"Cmd":["sh","-c","read l; echo got $l; cat >/dev/null; echo end"]}')
	run python3 - "$DMN_DIR/d.sock" "$id" <<-'PY'
		import socket, sys
		s = socket.socket(socket.AF_UNIX)
		s.connect(sys.argv[1])
		s.sendall(b"POST /v1.41/exec/%s/start HTTP/1.1\r\nHost: d\r\nContent-Type: application/json\r\n"
		          b"Content-Length: 2\r\n\r\n{}" % sys.argv[2].encode())
		data = b""
		while b"\r\n\r\n" not in data:
		    data += s.recv(4096)
		s.sendall(b"hello\n")
		s.shutdown(socket.SHUT_WR)
		while True:
		    chunk = s.recv(4096)
		    if not chunk:
		        break
		    data += chunk
		head, body = data.split(b"\r\n\r\n", 1)
		print(head.split(b"\r\n")[0].decode())
		out = b""
		while body:  # stream 1 frames: their payloads
		    assert body[0] == 1, body
		    n = int.from_bytes(body[4:8], "big")
		    out += body[8:8 + n]
		    body = body[8 + n:]
		print(out.decode(), end="")
	PY
	assert_status 0
	assert_equal "$output" $'HTTP/1.1 200 OK\ngot hello\nend'
	# attach: the same
	dk run -d --name nu2 busybox sh -c 'sleep 0.5; echo late' >/dev/null
	run curl -sS -i --unix-socket "$DMN_DIR/d.sock" -X POST 'http://d/v1.41/containers/nu2/attach?stream=1&stdout=1'
	assert_contains "$output" "200 OK"
	assert_contains "$output" "late"
	dk rm -f nu nu2 >/dev/null
}

@test "SIGTERM stops minirund and not its containers; they are re-attached when it is back" {
	dk run -d --name st busybox sh -c 'i=0; while :; do echo $i; i=$((i+1)); sleep 0.2; done' >/dev/null
	pid=$(dk inspect -f '{{.State.Pid}}' st)
	daemon_stop
	kill -0 "$pid"
	daemon_start
	assert_equal "$(dk inspect -f '{{.State.Status}} {{.State.Pid}}' st)" "running $pid"
	run dk exec st echo back
	assert_equal "$output" back
	dk kill st >/dev/null
	run dk wait st
	assert_equal "$output" 137
	dk rm st >/dev/null
}
