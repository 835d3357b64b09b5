#!/usr/bin/env bats
# minirund's Engine API (issue 12): the system endpoints, version
# negotiation, Docker-shaped errors with the right status codes, the
# loopback TCP listener and its token, container records (create, inspect,
# list with filters, rename, rm) and events. A real minirund with private
# roots, driven by the real docker client and curl.

load helpers
load daemon-helpers

setup_file() { daemon_setup_file; }
teardown_file() { daemon_teardown_file; }

@test "_ping answers GET and HEAD with OK and the API version" {
	api GET /_ping
	assert_api 200
	assert_equal "$body" OK
	run curl -sI --unix-socket "$DMN_DIR/d.sock" http://d/_ping
	assert_status 0
	assert_match "$output" "HTTP/1.1 200"
	assert_match "$output" "Api-Version: 1.41"
	assert_match "$output" "Ostype: linux"
}

@test "/version: API 1.41, oldest 1.24; the docker client negotiates down to it" {
	api GET /version
	assert_api 200
	assert_equal "$(jq -r .ApiVersion <<<"$body")" 1.41
	assert_equal "$(jq -r .MinAPIVersion <<<"$body")" 1.24
	assert_equal "$(jq -r .Os <<<"$body")" linux
	run dk version --format '{{.Server.APIVersion}} {{.Client.APIVersion}}'
	assert_status 0
	assert_equal "$output" "1.41 1.41"
}

@test "version prefixes: /v1.41 and /v1.24 work, a newer or older one is a 400 naming it" {
	api GET /v1.41/version
	assert_api 200
	api GET /v1.24/containers/json
	assert_api 200
	api GET /v1.52/version
	assert_api 400 "client version 1.52 is too new. Maximum supported API version is 1.41"
	api GET /v1.12/version
	assert_api 400 "client version 1.12 is too old. Minimum supported API version is 1.24"
}

@test "/info: docker info shows minirund's counts and drivers" {
	run dk info --format '{{.Images}} {{.Driver}} {{.CgroupDriver}} {{.OSType}} {{.ServerVersion}}'
	assert_status 0
	assert_match "$output" "^1 overlay2 cgroupfs linux [0-9]"
	api GET /info
	assert_equal "$(jq -r .DockerRootDir <<<"$body")" "$DMN_DIR/data"
}

@test "an unknown path is a 404, a known path with another method a 405, both as JSON" {
	api GET /nothing/here
	assert_api 404 '{"message":"page not found"}'
	api PUT /containers/json
	assert_api 405 "method PUT is not allowed on /containers/json"
	assert_equal "$(jq -r .message <<<"$body")" "method PUT is not allowed on /containers/json"
}

@test "what minirund does not have answers with a clear error, never a silent success" {
	api POST /build
	assert_api 501 "building images"
	api GET /swarm
	assert_api 501 "swarm"
	api POST /networks/create -d '{"Name":"x"}'
	assert_api 501 "networks"
	api POST '/images/create?fromImage=alpine&tag=latest'
	assert_api 501 "pulling alpine from a registry is not supported yet"
	run dk network create mynet
	assert_status 1
	assert_contains "$output" "minirund does not support networks"
}

create() { # create BODY [QUERY]
	api POST "/containers/create${2:-}" -H 'Content-Type: application/json' -d "$1"
}

@test "create: malformed JSON is a 400 with the line and column" {
	create '{"Image": "busybox",'
	assert_api 400 "malformed JSON body"
	assert_contains "$body" "line 1"
	create ''
	assert_api 400 "needs a JSON body"
}

@test "create: an unknown field is a 400 naming it" {
	create '{"Image":"busybox","Bogus":1}'
	assert_api 400 '"Bogus: unknown field"'
	create '{"Image":"busybox","HostConfig":{"Memry":5}}'
	assert_api 400 "HostConfig.Memry: unknown field"
}

@test "create: a wrong type is a 400 naming the field and what it got" {
	create '{"Image":"busybox","HostConfig":{"Memory":"1g"}}'
	assert_api 400 'HostConfig.Memory: expected an integer, got string \"1g\"'
	create '{"Image":"busybox","Env":"A=1"}'
	assert_api 400 "Env: expected an array of strings"
	create '{"Image":"busybox","Env":["A=1",2]}'
	assert_api 400 "Env[1]: expected a string"
	create '{"Image":"busybox","Tty":"yes"}'
	assert_api 400 "Tty: expected a boolean"
	create '[1,2]'
	assert_api 400 "must be a JSON object"
}

@test "create: bad values are 400s (restart policy, conflicts, memory, capabilities, unsupported fields)" {
	create '{"Image":"busybox","HostConfig":{"RestartPolicy":{"Name":"sometimes"}}}'
	assert_api 400 'invalid restart policy \"sometimes\"'
	create '{"Image":"busybox","HostConfig":{"RestartPolicy":{"Name":"always","MaximumRetryCount":3}}}'
	assert_api 400 "maximum retry count cannot be used with restart policy 'always'"
	create '{"Image":"busybox","HostConfig":{"AutoRemove":true,"RestartPolicy":{"Name":"always"}}}'
	assert_api 400 "AutoRemove"
	create '{"Image":"busybox","HostConfig":{"Memory":1000}}'
	assert_api 400 "minimum memory limit allowed is 6MB"
	create '{"Image":"busybox","HostConfig":{"CapAdd":["NET_FLY"]}}'
	assert_api 400 'HostConfig.CapAdd: unknown capability: \"NET_FLY\"'
	create '{"Image":"busybox","HostConfig":{"Devices":[{"PathOnHost":"/dev/kvm"}]}}'
	assert_api 400 "HostConfig.Devices: not supported by minirund"
	create '{"Image":"busybox","HostConfig":{"SecurityOpt":["seccomp=/tmp/p.json"]}}'
	assert_api 400 "seccomp=unconfined"
	create '{"Image":"busybox","HostConfig":{"Binds":["relative:/x"]}}'
	assert_api 501 "named volumes are not supported yet"
	create '{"Image":"busybox","HostConfig":{"Sysctls":{"kernel.panic":"1"}}}'
	assert_api 400 "kernel.panic: not allowed in a container"
	create '{"Image":"busybox","HostConfig":{"NetworkMode":"mynet"}}'
	assert_api 501 "NetworkMode"
}

@test "create: a body over 1 MiB is a 413" {
	head -c 2000000 /dev/zero | tr '\0' ' ' >"$DMN_DIR/big.json"
	create @"$DMN_DIR/big.json"
	assert_api 413 "request body too large"
	# and the daemon still answers
	api GET /_ping
	assert_api 200
}

@test "unknown ids: 404 No such container / No such image / No such exec instance" {
	api GET /containers/nope/json
	assert_api 404 "No such container: nope"
	api POST /containers/nope/start
	assert_api 404 "No such container: nope"
	api DELETE /containers/nope
	assert_api 404 "No such container: nope"
	api GET /images/nope:1/json
	assert_api 404 "No such image: nope:1"
	create '{"Image":"nope:1"}'
	assert_api 404 "No such image: nope:1"
	api GET /exec/0123/json
	assert_api 404 "No such exec instance: 0123"
	run dk inspect nope
	assert_status 1
	assert_contains "$output" "No such object: nope"
}

@test "create and inspect: the image's config merged in (Env, Cmd, WorkingDir, Labels), names, conflicts" {
	run dk create --name rec1 -e FOO=bar -l team=a -w /tmp busybox
	assert_status 0
	id=$output
	assert_match "$id" '^[0-9a-f]{64}$'
	run dk inspect -f '{{.Name}} {{.State.Status}} {{json .Config.Cmd}} {{.Config.WorkingDir}} {{index .Config.Labels "team"}} {{index .Config.Labels "org.minirun.test"}}' rec1
	assert_equal "$output" '/rec1 created ["sh"] /tmp a busybox'
	run dk inspect -f '{{json .Config.Env}}' rec1
	assert_equal "$output" '["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","FOO=bar"]'
	# found by name, id and id prefix
	run dk inspect -f '{{.Id}}' "${id:0:10}"
	assert_equal "$output" "$id"
	run dk create --name rec1 busybox
	assert_status 1
	assert_contains "$output" 'The container name "/rec1" is already in use'
	create '{"Image":"busybox"}' '?name=bad/name'
	assert_api 400 "Invalid container name (bad/name)"
	dk rm rec1 >/dev/null
}

@test "ps -a with filters: status, label, name, id; rename; rm" {
	dk create --name f-one -l tier=web busybox >/dev/null
	dk create --name f-two -l tier=db busybox >/dev/null
	run dk ps -a --filter label=tier=web --format '{{.Names}}'
	assert_equal "$output" f-one
	run dk ps -a --filter name=f-t --format '{{.Names}}'
	assert_equal "$output" f-two
	run dk ps -a --filter status=created --filter label=tier --format '{{.Names}}'
	assert_line_count "$output" 2
	run dk ps --format '{{.Names}}'
	assert_equal "$output" ""
	id=$(dk inspect -f '{{.Id}}' f-two)
	run dk ps -a --filter "id=${id:0:12}" --format '{{.Names}}'
	assert_equal "$output" f-two
	run dk ps -a --filter bogus=1
	assert_status 1
	assert_contains "$output" "invalid filter 'bogus'"
	run dk rename f-one f-two
	assert_status 1
	assert_contains "$output" "already in use"
	dk rename f-one f-three
	run dk inspect -f '{{.Name}}' f-three
	assert_equal "$output" /f-three
	dk rm f-two f-three >/dev/null
	run dk ps -aq
	assert_equal "$output" ""
}

@test "records survive a restart of minirund (SIGTERM and kill -9)" {
	dk create --name keep1 -e K=1 busybox >/dev/null
	daemon_stop
	daemon_start
	run dk inspect -f '{{.Name}} {{json .Config.Env}}' keep1
	assert_equal "$output" '/keep1 ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","K=1"]'
	dk rename keep1 keep2
	daemon_kill9
	daemon_start
	run dk inspect -f '{{.Name}}' keep2
	assert_equal "$output" /keep2
	dk rm keep2 >/dev/null
}

@test "kill -9 of minirund in a loop while clients create, rename and remove: every acknowledged change is there" {
	local round i n clients
	for round in 1 2 3 4 5; do
		( for i in 1 2 3 4 5 6; do
			n=k$round-$i
			"$DOCKER" create --name "$n" busybox true >/dev/null 2>&1 && echo "c $n" || continue
			"$DOCKER" rename "$n" "K${n#k}" 2>/dev/null && echo "m $n" || continue
			[ $((i % 2)) = 0 ] || continue
			echo "R $n"
			"$DOCKER" rm "K${n#k}" >/dev/null 2>&1 && echo "r $n"
		  done >"$DMN_DIR/acked.$round" ) &
		clients=$!
		sleep 0.$((RANDOM % 5 + 1))
		daemon_kill9
		wait "$clients" || true
		daemon_start
		for i in 1 2 3 4 5 6; do
			n=k$round-$i
			if grep -qx "r $n" "$DMN_DIR/acked.$round"; then
				run dk inspect "$n" "K${n#k}"
				assert_status 1
			elif grep -qx "m $n" "$DMN_DIR/acked.$round"; then
				run dk inspect "$n"
				assert_status 1
				# an rm that was sent but not acknowledged may or may not have been made
				if grep -qx "R $n" "$DMN_DIR/acked.$round" && ! dk inspect "K${n#k}" >/dev/null 2>&1; then
					continue
				fi
				assert_equal "$(dk inspect -f '{{.Name}}' "K${n#k}")" "/K${n#k}"
			elif grep -qx "c $n" "$DMN_DIR/acked.$round"; then
				# the rename may or may not have been made: it was not acknowledged
				run dk inspect -f '{{.Name}}' "$n"
				[ "$status" = 0 ] || run dk inspect -f '{{.Name}}' "K${n#k}"
				assert_status 0
			fi
		done
	done
	# the database is whole
	assert_equal "$(sqlite3 "$DMN_DIR/data/minirund.db" 'PRAGMA integrity_check')" ok
	ids=$(dk ps -aq)
	[ -z "$ids" ] || dk rm $ids >/dev/null
	rm -f "$DMN_DIR"/acked.*
}

@test "the records: SQLite in WAL mode with a schema version; a container's config apart from its state; a newer schema is refused" {
	db=$DMN_DIR/data/minirund.db
	assert_equal "$(sqlite3 "$db" 'PRAGMA journal_mode')" wal
	assert_equal "$(sqlite3 "$db" 'SELECT version FROM schema_version')" 1
	dk create --name rec1 -e K=1 busybox >/dev/null
	id=$(dk inspect -f '{{.Id}}' rec1)
	config=$(sqlite3 "$db" "SELECT config FROM containers WHERE id='$id'")
	[ -n "$config" ]
	dk rename rec1 rec2
	dk update --cpu-shares 512 rec2 >/dev/null
	# what changes is in container_state; the config row stays as created
	assert_equal "$(sqlite3 "$db" "SELECT config FROM containers WHERE id='$id'")" "$config"
	assert_equal "$(sqlite3 "$db" "SELECT name FROM container_state WHERE id='$id'")" rec2
	assert_contains "$(sqlite3 "$db" "SELECT updates FROM container_state WHERE id='$id'")" '"CpuShares":512'
	dk rm rec2 >/dev/null
	assert_equal "$(sqlite3 "$db" "SELECT count(*) FROM containers WHERE id='$id'")" 0
	# a database written by a newer minirund: refused at start, untouched
	mkdir -p "$DMN_DIR/newer"
	sqlite3 "$DMN_DIR/newer/minirund.db" 'CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (99)'
	run "$MINIRUND" --host "unix://$DMN_DIR/n.sock" --data-root "$DMN_DIR/newer" --exec-root "$DMN_DIR/newer-exec" \
		--cgroup-parent "$DMN_CGROUP" --runtime "$MINIRUN"
	[ "$status" -ne 0 ]
	assert_contains "$output" "database schema version 99 is newer than this minirund's (1)"
	assert_equal "$(sqlite3 "$DMN_DIR/newer/minirund.db" 'SELECT version FROM schema_version')" 99
	[ ! -e "$DMN_DIR/n.sock" ]
}

@test "update of a created container: limits and restart policy recorded, kept across kill -9; a bad one changes nothing" {
	t0=$(date +%s.%N)
	dk create --name upd1 -m 64m busybox >/dev/null
	run dk update -m 96m --memory-swap 200m --cpus 0.5 --pids-limit 50 --restart on-failure:3 upd1
	assert_status 0
	fmt='{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}} {{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}'
	want="$((96 << 20)) $((200 << 20)) 500000000 50 on-failure:3"
	assert_equal "$(dk inspect -f "$fmt" upd1)" "$want"
	run dk events --since "$t0" --until "$(( $(date +%s) + 1 ))" --filter container=upd1 --filter event=update --format '{{.Action}}'
	assert_equal "$output" update
	daemon_kill9
	daemon_start
	assert_equal "$(dk inspect -f "$fmt" upd1)" "$want"
	# refused as a whole: nothing of it applied
	api POST /containers/upd1/update -H 'Content-Type: application/json' -d '{"Memory":4194304,"PidsLimit":7}'
	assert_api 400 "HostConfig.Memory: minimum memory limit allowed is 6MB"
	api POST /containers/upd1/update -H 'Content-Type: application/json' -d '{"CpuShares":"lots"}'
	assert_api 400 "CpuShares: expected an integer"
	api POST /containers/upd1/update -H 'Content-Type: application/json' -d '{"Binds":["/a:/b"]}'
	assert_api 400 "Binds: unknown field"
	assert_equal "$(dk inspect -f "$fmt" upd1)" "$want"
	dk rm upd1 >/dev/null
}

@test "inspect has the fields dockerd always writes; CgroupnsMode is the host's; /info and /version have docker info's" {
	dk create --name insp1 busybox >/dev/null
	api GET /containers/insp1/json
	assert_api 200
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then mode=private; else mode=host; fi
	assert_equal "$(jq -r .HostConfig.CgroupnsMode <<<"$body")" "$mode"
	assert_equal "$(jq -c '[.HostConfig | .KernelMemory, .CpuCount, .BlkioWeightDevice, .DeviceRequests, .Cgroup]' <<<"$body")" '[0,0,null,null,""]'
	assert_equal "$(jq -c '[.NetworkSettings | .IPAddress, .Gateway, .MacAddress, .IPPrefixLen, .SecondaryIPAddresses]' <<<"$body")" '["","","",0,null]'
	run dk inspect -f '{{.NetworkSettings.IPAddress}}|{{.HostConfig.CgroupnsMode}}' insp1
	assert_equal "$output" "|$mode"
	dk rm insp1 >/dev/null
	api GET /info
	assert_equal "$(jq -c '[.KernelMemory, .BridgeNfIptables, .HttpProxy, .ContainerdCommit.ID, (.RuncCommit.ID | length > 0)]' <<<"$body")" '[false,false,"","",true]'
	api GET /version
	assert_equal "$(jq -r .Experimental <<<"$body")" false
}

@test "SwapLimit is the host's; without swap accounting a memory limit comes without swap and a warning, as dockerd; KernelMemoryTCP on v1 only" {
	local swap=false m
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		m=$(ls -d /sys/fs/cgroup/*/memory.max 2>/dev/null | head -1)
		if [ -z "$m" ] || ls /sys/fs/cgroup/*/memory.swap.max >/dev/null 2>&1; then swap=true; fi
	elif [ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ]; then
		swap=true
	fi
	api GET /info
	assert_equal "$(jq -r .SwapLimit <<<"$body")" "$swap"
	create '{"Image":"busybox","HostConfig":{"Memory":67108864}}' '?name=swp'
	assert_api 201
	if [ "$swap" = true ]; then
		assert_equal "$(jq -c .Warnings <<<"$body")" '[]'
		assert_equal "$(dk inspect -f '{{.HostConfig.MemorySwap}}' swp)" 0
	else
		assert_contains "$(jq -r '.Warnings[0]' <<<"$body")" "does not support swap limit capabilities"
		assert_equal "$(dk inspect -f '{{.HostConfig.MemorySwap}}' swp)" -1
	fi
	dk rm swp >/dev/null
	# kernel memory TCP limits exist on v1 only
	create '{"Image":"busybox","HostConfig":{"KernelMemoryTCP":8388608}}' '?name=ktcp'
	assert_api 201
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		assert_contains "$(jq -r '.Warnings[0]' <<<"$body")" "kernel memory TCP limit"
		assert_equal "$(dk inspect -f '{{.HostConfig.KernelMemoryTCP}}' ktcp)" 0
	else
		assert_equal "$(dk inspect -f '{{.HostConfig.KernelMemoryTCP}}' ktcp)" 8388608
	fi
	dk rm ktcp >/dev/null
}

@test "events: create, rename, destroy with since and until; filters" {
	t0=$(date +%s.%N)
	dk create --name ev1 -l k=v busybox >/dev/null
	dk rename ev1 ev2
	dk rm ev2 >/dev/null
	t1=$(( $(date +%s) + 1 ))
	run dk events --since "$t0" --until "$t1" --filter type=container --format '{{.Action}} {{.Actor.Attributes.name}}'
	assert_status 0
	assert_equal "$output" "create ev1
rename ev2
destroy ev2"
	run dk events --since "$t0" --until "$t1" --filter event=rename --format '{{.Actor.Attributes.oldName}}'
	assert_equal "$output" /ev1
	run dk events --since "$t0" --until "$t1" --filter label=k=v --format '{{.Action}}'
	assert_line_count "$output" 3
}

@test "system df: images, containers and their sizes" {
	run dk system df --format '{{.Type}} {{.TotalCount}}'
	assert_status 0
	assert_contains "$output" "Images 1"
	assert_contains "$output" "Containers 0"
}

@test "a slow client never blocks the others: half a request, a body that stops, answers not read" {
	local pids=() i m
	for m in partial body "noread /images/get?names=busybox:latest" "noread /events"; do
		# shellcheck disable=SC2086 # the mode and its path, split
		python3 "$TOP_SRCDIR/tests/daemon/slowclient.py" "$DMN_DIR/d.sock" $m >"$DMN_DIR/slow.${#pids[@]}" &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		for _ in $(seq 100); do
			[ "$(cat "$DMN_DIR/slow.$i")" = ready ] && break
			sleep 0.1
		done
		assert_equal "$(cat "$DMN_DIR/slow.$i")" ready
	done
	# events for the stream that is not read, more than a socket buffer holds
	pad=$(head -c 6000 /dev/zero | tr '\0' x)
	for i in $(seq 40); do
		timeout 60 "$DOCKER" create --name "slow$i" -l "pad=$pad" busybox >/dev/null
	done
	# the others are served meanwhile (timeout: a hang fails instead of hanging the suite)
	run timeout 60 "$DOCKER" ps -aq --filter name=slow
	assert_status 0
	assert_line_count "$output" 40
	run timeout 60 "$DOCKER" save busybox:latest -o "$DMN_DIR/slow-save.tar"
	assert_status 0
	[ -s "$DMN_DIR/slow-save.tar" ]
	run timeout 60 "$DOCKER" rm $("$DOCKER" ps -aq --filter name=slow)
	assert_status 0
	kill "${pids[@]}"
	wait "${pids[@]}" 2>/dev/null || true
	api GET /_ping
	assert_api 200
	rm -f "$DMN_DIR"/slow*
}

@test "the TCP listener is loopback only and wants the token for anything but GET" {
	local port tok=$DMN_DIR/token
	printf 'a-token-of-enough-length\n' >"$tok"
	chmod 600 "$tok"
	run "$MINIRUND" --host "unix://$DMN_DIR/t.sock" --data-root "$DMN_DIR/t-data" --exec-root "$DMN_DIR/t-exec" \
		--tcp 10.1.2.3:2375 --token-file "$tok" --runtime "$MINIRUN"
	assert_status 1
	assert_contains "$output" "only loopback addresses"
	run "$MINIRUND" --host "unix://$DMN_DIR/t.sock" --tcp 127.0.0.1:0
	assert_status 2
	assert_contains "$output" "--tcp needs --token-file"
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	"$MINIRUND" --host "unix://$DMN_DIR/t.sock" --data-root "$DMN_DIR/t-data" --exec-root "$DMN_DIR/t-exec" \
		--tcp "127.0.0.1:$port" --token-file "$tok" --runtime "$MINIRUN" 2>>"$DMN_DIR/t.log" &
	local pid=$!
	for i in $(seq 50); do curl -sf "http://127.0.0.1:$port/_ping" >/dev/null && break; sleep 0.1; done
	run curl -s "http://127.0.0.1:$port/containers/json"
	assert_equal "$output" "[]"
	run curl -s -w ' %{http_code}' -X POST "http://127.0.0.1:$port/images/prune"
	assert_contains "$output" "needs the token"
	assert_contains "$output" " 401"
	run curl -s -w ' %{http_code}' -X POST -H 'Authorization: Bearer wrong-token-of-length' "http://127.0.0.1:$port/images/prune"
	assert_contains "$output" " 401"
	run curl -s -w ' %{http_code}' -X POST -H 'Authorization: Bearer a-token-of-enough-length' "http://127.0.0.1:$port/images/prune"
	assert_contains "$output" " 200"
	kill -TERM "$pid"
	wait "$pid"
	rm -rf "$DMN_DIR/t-data" "$DMN_DIR/t-exec"
}
