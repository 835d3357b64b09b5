# Helpers for the minirun-shim tests (tests/integration/shim*.bats):
#   setup_file() { bb_setup_file; }
#   setup()      { shim_setup; }
#   teardown()   { shim_teardown; }
# shim_run ID BUNDLE [OPTION...] starts a shim (tracked) with its state dir
# $MR_TMP/ID, the runtime's root $MR_ROOT and the log $MR_TMP/ID.log; ctl ID
# OP [JSON] sends one request. Teardown deletes each container with its
# runtime, SIGKILLs a shim that is still there (by its pid), and checks
# that nothing of the test is left running and no cgroup is left under the
# file's $MINIRUN_CGROUP_PARENT (which it then removes, even on failure).

load helpers
load cgroup-helpers

: "${MINIRUN_SHIM:=$TOP_BUILDDIR/minirun-shim}"
export MINIRUN_SHIM

shim_setup() {
	mr_setup
	SHIM_RUNTIME=$MINIRUN
}

# shim_run ID BUNDLE [OPTION...]: the shim's foreground part, its stderr
# in $MR_TMP/ID.err; status as the shim's.
shim_run() {
	local id=$1 bundle=$2
	shift 2
	printf '%s\t%s\n' "$id" "$SHIM_RUNTIME" >>"$MR_TMP/.shims"
	bounded "$SHIM_WAIT_MAX" "minirun-shim --id $id" "$MINIRUN_SHIM" --id "$id" --bundle "$bundle" \
		--state-dir "$MR_TMP/$id" --runtime "$SHIM_RUNTIME" \
		--runtime-root "$MR_ROOT" --log "$MR_TMP/$id.log" "$@" </dev/null >"$MR_TMP/$id.out" 2>"$MR_TMP/$id.err" 3>&-
}

# bounded SECONDS WHAT COMMAND...: COMMAND, killed after SECONDS (and
# then a failure naming WHAT): a hang of the shim must not hang CI.
: "${SHIM_WAIT_MAX:=120}"
bounded() {
	local secs=$1 what=$2 rc=0
	shift 2
	timeout -k 5 "$secs" "$@" || rc=$?
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		# also for teardown: the caller's stderr may be a file, its status ignored
		echo "$what: no end after ${secs}s, killed (a hang)" | tee -a "$MR_TMP/.hangs" >&2
	fi
	return "$rc"
}

# ctl ID OP [JSON-ARGS]; ctl_stdin TEXT ID OP [JSON-ARGS]: TEXT as ctl's stdin.
ctl() {
	local id=$1
	shift
	bounded "$SHIM_WAIT_MAX" "ctl $id $*" "$MINIRUN_SHIM" ctl --socket "$MR_TMP/$id/shim.sock" "$@"
}

ctl_stdin() {
	local text=$1 id=$2
	shift 2
	bounded "$SHIM_WAIT_MAX" "ctl $id $*" "$MINIRUN_SHIM" ctl --socket "$MR_TMP/$id/shim.sock" "$@" <<<"$text"
}

shim_pid() {
	cat "$MR_TMP/$1/shim.pid"
}

# state_field ID FIELD: from state.json.
state_field() {
	jq -r ".$2" "$MR_TMP/$1/state.json"
}

state_is() {
	[ "$(state_field "$1" status)" = "$2" ]
}

shim_gone() {
	[ ! -e "$MR_TMP/$1/shim.pid" ] && [ ! -e "$MR_TMP/$1/shim.sock" ]
}

# bb_shim_bundle DIR COMMAND...: a busybox bundle without a terminal.
bb_shim_bundle() {
	local dir=$1
	shift
	bb_bundle "$dir" "$@"
	bb_cfg "$dir" '.process.terminal = false'
}

shim_teardown() {
	local id rt pid st left="" hangs cgleft=""
	if [ -f "$MR_TMP/.shims" ]; then
		while IFS=$'\t' read -r id rt; do
			"$rt" --root "$MR_ROOT" delete --force "$id" >/dev/null 2>&1 || true
			pid=$(cat "$MR_TMP/$id/shim.pid" 2>/dev/null) || pid=$(jq -r '.shimPid // empty' "$MR_TMP/$id/state.json" 2>/dev/null) || pid=
			st=$(jq -r '.shimStartTime // empty' "$MR_TMP/$id/state.json" 2>/dev/null) || st=
			if [ -n "$pid" ] && pid_alive "$pid" "$st"; then
				kill -9 "$pid" 2>/dev/null || true
			fi
		done <"$MR_TMP/.shims"
	fi
	left=$(mr_procs)
	hangs=$(cat "$MR_TMP/.hangs" 2>/dev/null) || hangs=
	mr_teardown
	cg_remove_leftovers || cgleft="a cgroup was left (above)"
	cgroup_parent_cleanup
	[ -z "$left" ] || fail "left running: $left"
	[ -z "$hangs" ] || fail "$hangs"
	[ -z "$cgleft" ] || fail "$cgleft"
}

# shim_cgroup_parent: make the file's cgroup parent (in every hierarchy)
# for a container whose cgroupsPath is below it: a runtime that makes the
# chain without retrying (runc, crun) would fail when another test file's
# teardown removes an empty /minirun-test in between. Removed at teardown.
shim_cgroup_parent() {
	local mp ctl
	while read -r mp ctl; do
		cg_mkdir_in "$mp" "$ctl" "$MINIRUN_CGROUP_PARENT" || return 1
	done < <(cg_hierarchies)
}

# py SCRIPT ARGS...: python with the socket helpers below in scope.
shim_py() {
	local script=$1
	shift
	bounded "$SHIM_WAIT_MAX" "a socket client (shim_py)" "${MR_PYTHON:-python3}" -c "
import json, os, socket, sys, time
def conn(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s
def lines(s):
    f = s.makefile('rb')
    for l in f:
        yield json.loads(l)
$script" "$@"
}

# shim_stdin ID TEXT [noeof]: attach, send TEXT (printf escapes) as stdin,
# then its end (unless noeof), then detach.
shim_stdin() {
	shim_py '
s = conn(sys.argv[1])
s.sendall(b"{\"op\":\"attach\",\"stdin\":true}\n")
it = lines(s)
assert next(it) == {"ok": True}
s.sendall((json.dumps({"op": "stdin", "data": sys.argv[2].encode().decode("unicode_escape")}) + "\n").encode())
if sys.argv[3] != "noeof":
    s.sendall(b"{\"op\":\"stdin\",\"eof\":true}\n")
s.sendall(b"{\"op\":\"detach\"}\n")
for m in it:
    if m.get("eof"):
        break
' "$MR_TMP/$1/shim.sock" "$2" "${3:-}"
}
