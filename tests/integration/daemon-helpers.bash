# Helpers of the minirund tests (daemon-*.bats): one private minirund per
# test file, driven by the real `docker` client and curl, never dockerd.
#
#   daemon_setup_file    start it (private --data-root, --exec-root, unix
#                        socket, --cgroup-parent under /minirun-test), load
#                        the busybox image as busybox:latest
#   daemon_teardown_file remove what is left, stop it, check nothing stays
#   daemon_start / daemon_stop / daemon_kill9
#   api METHOD PATH [curl args]   curl on the socket: $status_code, $body
#   need_shim            skip when minirun-shim is not built (issue 10)
#
# DMN_TMP: where the private roots go (default /tmp; a tmpfs such as /run
# where /tmp is an overlayfs, which cannot be an upperdir).
# DOCKER picks the client (default: docker in PATH; Debian's is
# /usr/bin/docker, 20.10).

: "${MINIRUND:=$TOP_BUILDDIR/minirund}"
: "${MINIRUN_SHIM:=$TOP_BUILDDIR/minirun-shim}"
: "${DOCKER:=docker}"
export MINIRUND MINIRUN_SHIM DOCKER

daemon_setup_file() {
	[ -x "$MINIRUND" ] || { echo "# minirund not built at $MINIRUND" >&3; return 1; }
	command -v "$DOCKER" >/dev/null || { echo "# no docker client (apt-get install docker.io)" >&3; return 1; }
	# short: a unix socket path has 108 bytes
	DMN_DIR=$(mktemp -d "${DMN_TMP:-/tmp}/mrd-bats.XXXXXX")
	DMN_CGROUP=/minirun-test/minirund-$(basename "$BATS_TEST_FILENAME" .bats)-$$
	export DMN_DIR DMN_CGROUP DOCKER_HOST=unix://$DMN_DIR/d.sock
	daemon_start
	"$TOP_SRCDIR/tests/daemon/mkimage.sh" docker-archive "$DMN_DIR/busybox.tar" busybox:latest
	"$DOCKER" load -i "$DMN_DIR/busybox.tar" >/dev/null
}

daemon_start() {
	local shim=()
	[ -x "$MINIRUN_SHIM" ] && shim=(--shim "$MINIRUN_SHIM")
	"$MINIRUND" --host "unix://$DMN_DIR/d.sock" --data-root "$DMN_DIR/data" --exec-root "$DMN_DIR/exec" \
		--cgroup-parent "$DMN_CGROUP" --runtime "$MINIRUN" "${shim[@]}" "$@" 2>>"$DMN_DIR/minirund.log" &
	echo $! >"$DMN_DIR/minirund.pid"
	local i
	for i in $(seq 100); do
		curl -sf --unix-socket "$DMN_DIR/d.sock" http://d/_ping >/dev/null 2>&1 && return 0
		kill -0 "$(cat "$DMN_DIR/minirund.pid")" 2>/dev/null || break
		sleep 0.1
	done
	echo "# minirund did not come up:" >&3
	sed 's/^/# /' "$DMN_DIR/minirund.log" >&3
	return 1
}

# daemon_stop: SIGTERM, as a service manager would; the containers stay.
daemon_stop() {
	local pid i
	pid=$(cat "$DMN_DIR/minirund.pid" 2>/dev/null) || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 100); do
		if ! kill -0 "$pid" 2>/dev/null; then
			rm -f "$DMN_DIR/minirund.pid"
			daemon_log_clean
			return
		fi
		sleep 0.1
	done
	echo "# minirund did not stop on SIGTERM" >&3
	kill -KILL "$pid"
	return 1
}

# The sanitizer builds (CI) report leaks and errors in minirund's log.
daemon_log_clean() {
	if grep -q -E 'Sanitizer|runtime error:' "$DMN_DIR/minirund.log" 2>/dev/null; then
		echo "# minirund's log has a sanitizer report:" >&3
		grep -A 30 -E 'Sanitizer|runtime error:' "$DMN_DIR/minirund.log" | sed 's/^/# /' >&3
		return 1
	fi
}

daemon_kill9() {
	local pid
	pid=$(cat "$DMN_DIR/minirund.pid")
	kill -KILL "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
	rm -f "$DMN_DIR/minirund.pid"
}

daemon_teardown_file() {
	[ -n "${DMN_DIR:-}" ] || return 0
	if [ -f "$DMN_DIR/minirund.pid" ]; then
		local ids
		ids=$("$DOCKER" ps -aq 2>/dev/null)
		[ -z "$ids" ] || "$DOCKER" rm -f $ids >/dev/null 2>&1
		daemon_stop
	fi
	# whatever a failed test left: mounts, the runtime's containers, cgroups
	local m
	grep -o " $DMN_DIR[^ ]*" /proc/self/mounts | sort -r | while read -r m; do umount -l "$m"; done
	for m in "$DMN_DIR"/exec/runtime/*; do
		[ -d "$m" ] && "$MINIRUN" --root "$DMN_DIR/exec/runtime" delete --force "$(basename "$m")" >/dev/null 2>&1
	done
	for m in /sys/fs/cgroup/*"$DMN_CGROUP" /sys/fs/cgroup"$DMN_CGROUP"; do
		[ -d "$m" ] && find "$m" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	rm -rf "$DMN_DIR"
	return 0
}

# api METHOD PATH [CURL ARGS...]: $status_code and $body of the answer.
api() {
	local method=$1 path=$2 out
	shift 2
	out=$(curl -s --unix-socket "$DMN_DIR/d.sock" -X "$method" -w '\n%{http_code}' "$@" "http://d$path")
	status_code=${out##*$'\n'}
	body=${out%$'\n'*}
}

# assert_api STATUS [MESSAGE-SUBSTRING]
assert_api() {
	if [ "$status_code" != "$1" ]; then
		echo "expected HTTP $1, got $status_code: $body" >&2
		return 1
	fi
	if [ -n "${2:-}" ] && [[ $body != *"$2"* ]]; then
		echo "expected \"$2\" in: $body" >&2
		return 1
	fi
}

need_shim() {
	[ -x "$MINIRUN_SHIM" ] || skip "minirun-shim is not built (issue 10): containers cannot start"
}

# dk ARGS: the docker client (use with run)
dk() {
	"$DOCKER" "$@"
}
