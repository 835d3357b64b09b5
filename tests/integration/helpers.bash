# Shared helpers for minirun's bats tests: `load helpers` at the top of a
# .bats file.
#
# Environment (set by `make check`; defaults work from a source checkout that
# was built in place):
#   MINIRUN        the minirun binary         (default $TOP_BUILDDIR/minirun)
#   CONFIG_CHECK   the config validator tool  (default $TOP_BUILDDIR/tests/tools/mr-config-check)
#   TOP_SRCDIR     the source tree            (default: two levels above this file)
#   TOP_BUILDDIR   the build tree             (default: $TOP_SRCDIR)
#   OCI_SCHEMA_DIR the runtime-spec JSON Schemas (Debian's golang-github-opencontainers-specs-dev)
#
# Per test:
#   $MR_TMP   a fresh private directory, made in setup and removed in teardown
#   $MR_ROOT  a private state root inside it ($MR_TMP/root; not created)
#   mr ARGS   runs "$MINIRUN" --root "$MR_ROOT" ARGS (use with `run`)
#
# A .bats file that needs its own setup/teardown defines them and calls
# mr_setup / mr_teardown from them.

bats_require_minimum_version 1.5.0

: "${TOP_SRCDIR:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR}"
: "${MINIRUN:=$TOP_BUILDDIR/minirun}"
: "${CONFIG_CHECK:=$TOP_BUILDDIR/tests/tools/mr-config-check}"
: "${OCI_SCHEMA_DIR:=/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema}"
export TOP_SRCDIR TOP_BUILDDIR MINIRUN CONFIG_CHECK OCI_SCHEMA_DIR

# Containers whose config has no linux.cgroupsPath get their cgroup here:
# tests make cgroups only under /minirun-test, one parent per test file
# (files run in parallel and reuse ids). minirun removes the parents it made
# once they are empty.
: "${MINIRUN_CGROUP_PARENT:=/minirun-test/$(basename "${BATS_TEST_FILENAME:-bats}" .bats)-$$}"
export MINIRUN_CGROUP_PARENT

# cgroup_parent_cleanup: remove this file's cgroup parent once it is empty
# (in every hierarchy; a container only removes the parents it made itself).
cgroup_parent_cleanup() {
	local d
	for d in /sys/fs/cgroup/*"$MINIRUN_CGROUP_PARENT" /sys/fs/cgroup"$MINIRUN_CGROUP_PARENT" \
		/sys/fs/cgroup/*/minirun-test /sys/fs/cgroup/minirun-test; do
		[ -d "$d" ] && rmdir "$d" 2>/dev/null
	done
	return 0
}

# cg_mkdir_in MOUNTPOINT CONTROLLERS PATH: one hierarchy, level by level.
# Test files run in parallel and each one's teardown removes /minirun-test
# when it is empty: a level that vanishes under us (mkdir of the next one
# fails with ENOENT) means starting again from the top, a few times.
cg_mkdir_in() {
	local mp=$1 ctl=$2 path=$3 d f rel parent try
	for try in 1 2 3 4 5; do
		d=$mp
		rel=${path#/}
		while [ -n "$rel" ]; do
			parent=$d
			d=$d/${rel%%/*}
			[[ $rel == */* ]] && rel=${rel#*/} || rel=
			mkdir "$d" 2>/dev/null || [ -d "$d" ] || continue 2
			if [ "$ctl" != cgroup2 ] && [[ ,$ctl, == *,cpuset,* ]]; then
				for f in cpuset.cpus cpuset.mems; do
					[ -n "$(cat "$d/$f" 2>/dev/null)" ] || cat "$parent/$f" >"$d/$f" 2>/dev/null
					[ -n "$(cat "$d/$f" 2>/dev/null)" ] || continue 3
				done
			fi
		done
		return 0
	done
	echo "cg_mkdir: cannot make $path under $mp" >&2
	return 1
}

BUSYBOX_BUNDLE="$TOP_SRCDIR/bundles/busybox"

mr_setup() {
	MR_TMP=$(mktemp -d "${TMPDIR:-/tmp}/minirun-bats.XXXXXX")
	MR_ROOT="$MR_TMP/root"
	export MR_TMP MR_ROOT
	if [ ! -x "$MINIRUN" ]; then
		echo "# minirun binary not found at MINIRUN=$MINIRUN (run make first)" >&3
		return 1
	fi
}

mr_teardown() {
	if [ -n "${MR_TMP:-}" ] && [ -d "$MR_TMP" ]; then
		# a test may leave read-only directories behind
		chmod -R u+rwX "$MR_TMP" 2>/dev/null || true
		rm -rf "$MR_TMP"
	fi
}

setup() {
	mr_setup
}

teardown() {
	mr_teardown
}

# mr ARGS...: minirun with a private state root.
mr() {
	"$MINIRUN" --root "$MR_ROOT" "$@"
}

# fail MESSAGE: fail the current test with a message.
fail() {
	echo "$*" >&2
	return 1
}

# assert_status N: the last `run` exited with N (prints the output if not).
assert_status() {
	if [ "$status" -ne "$1" ]; then
		echo "expected exit status $1, got $status" >&2
		echo "stdout: ${output-}" >&2
		echo "stderr: ${stderr-}" >&2
		return 1
	fi
}

# assert_match STRING REGEX (bash ERE).
assert_match() {
	if ! [[ $1 =~ $2 ]]; then
		printf 'expected a match for /%s/ in:\n%s\n' "$2" "$1" >&2
		return 1
	fi
}

# assert_contains STRING SUBSTRING.
assert_contains() {
	if [[ $1 != *"$2"* ]]; then
		printf 'expected to find "%s" in:\n%s\n' "$2" "$1" >&2
		return 1
	fi
}

# assert_equal ACTUAL EXPECTED.
assert_equal() {
	if [ "$1" != "$2" ]; then
		printf 'expected: %s\nactual:   %s\n' "$2" "$1" >&2
		return 1
	fi
}

# assert_line_count STRING N: STRING holds exactly N lines.
assert_line_count() {
	local n=0
	[ -z "$1" ] || n=$(printf '%s\n' "$1" | wc -l)
	if [ "$n" -ne "$2" ]; then
		printf 'expected %s line(s), got %s:\n%s\n' "$2" "$n" "$1" >&2
		return 1
	fi
}

# jqf FILE FILTER: jq -c FILTER FILE (compact output, errors fail).
jqf() {
	jq -ec "$2" "$1"
}

# validate_official FILE [SCHEMA]: FILE validates against the official OCI
# runtime-spec schema SCHEMA (default config-schema.json). Prints the
# errors and fails otherwise.
validate_official() {
	local schema=${2:-config-schema.json}
	python3 - "$1" "$OCI_SCHEMA_DIR" "$schema" <<'PY'
import json, sys, warnings
import jsonschema
warnings.simplefilter("ignore", DeprecationWarning)
doc_path, schema_dir, name = sys.argv[1:4]
with open("%s/%s" % (schema_dir, name)) as fh:
    schema = json.load(fh)
with open(doc_path) as fh:
    doc = json.load(fh)
base = "file://%s/" % schema_dir.rstrip("/")
cls = jsonschema.validators.validator_for(schema)
resolver = jsonschema.RefResolver(base_uri=base + name, referrer=schema)
errs = sorted(cls(schema, resolver=resolver).iter_errors(doc), key=lambda e: list(e.absolute_path))
for e in errs:
    print("%s: %s: %s" % (name, "/".join(str(p) for p in e.absolute_path), e.message[:300]), file=sys.stderr)
sys.exit(1 if errs else 0)
PY
}

# validate_ours FILE SCHEMA: FILE validates against minirun's own schema
# $TOP_SRCDIR/schemas/SCHEMA (e.g. features-schema.json), with the cross-file
# "$ref"s resolved through a store of every schema in that folder keyed by
# its "$id".
validate_ours() {
	python3 - "$1" "$TOP_SRCDIR/schemas" "$2" <<'PY'
import glob, json, os, sys, warnings
import jsonschema
warnings.simplefilter("ignore", DeprecationWarning)
doc_path, schema_dir, name = sys.argv[1:4]
store = {}
for path in sorted(glob.glob(os.path.join(schema_dir, "*.json"))):
    with open(path) as fh:
        s = json.load(fh)
    store[s.get("$id", os.path.basename(path))] = s
schema = store[name]
with open(doc_path) as fh:
    doc = json.load(fh)
if hasattr(jsonschema, "RefResolver"):
    resolver = jsonschema.RefResolver(base_uri=schema["$id"], referrer=schema, store=store)
    v = jsonschema.Draft7Validator(schema, resolver=resolver)
else:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7
    reg = Registry().with_resources(
        [(k, Resource.from_contents(s, default_specification=DRAFT7)) for k, s in store.items()])
    v = jsonschema.Draft7Validator(schema, registry=reg)
errs = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
for e in errs:
    print("%s: %s: %s" % (name, "/".join(str(p) for p in e.absolute_path), e.message[:300]), file=sys.stderr)
sys.exit(1 if errs else 0)
PY
}

# make_busybox_bundle DIR: a copy of bundles/busybox in DIR with its rootfs
# built by mkrootfs.sh (never in the source tree).
make_busybox_bundle() {
	mkdir -p "$1"
	cp "$BUSYBOX_BUNDLE/config.json" "$1/config.json"
	"$BUSYBOX_BUNDLE/mkrootfs.sh" "$1/rootfs" >/dev/null
}

# requires_static_busybox: skip when busybox-static is not installed.
requires_static_busybox() {
	if [ ! -x /bin/busybox ]; then
		skip "needs /bin/busybox (apt-get install busybox-static)"
	fi
}

# ---- real containers (lifecycle tests) --------------------------------------
#
# A .bats file that runs containers builds the busybox rootfs once:
#   setup_file() { bb_setup_file; }
#   setup()      { mr_setup; B=$MR_TMP/bundle; }
#   teardown()   { ct_teardown; }
# and makes a bundle per test with bb_bundle (the rootfs is hard-linked from
# the shared one; the default config mounts it read-only, and every bundle
# gets a writable host directory BUNDLE/out at /out in the container).
#
# Every container a test makes is tracked (ct_track; ct_create does it, and
# so does create_fails for a valid id, in case the create wrongly succeeds):
# ct_teardown runs `minirun delete --force` on each, then fails
# the test if anything is left: a state dir under a root it used, a live
# tracked pid, a process that belongs to $MR_TMP (mr_procs) or a mount that
# mentions $MR_TMP. As a last resort it kills tracked pids and detaches
# leftover mounts itself, so one broken test does not break the next.

# bb_setup_file: build the shared busybox rootfs in $BATS_FILE_TMPDIR (once
# per .bats file) and export its path as BB_ROOTFS.
bb_setup_file() {
	if [ ! -x /bin/busybox ]; then
		echo "# needs /bin/busybox (apt-get install busybox-static)" >&3
		return 1
	fi
	BB_ROOTFS="$BATS_FILE_TMPDIR/rootfs"
	"$BUSYBOX_BUNDLE/mkrootfs.sh" "$BB_ROOTFS" >/dev/null
	mkdir -p "$BB_ROOTFS/out"
	# the interpreter itself: a version manager's shim costs 100 ms a call
	MR_PYTHON=$(python3 -c 'import sys; print(sys.executable)')
	export BB_ROOTFS MR_PYTHON
}

# bb_bundle DIR [ARG...]: a busybox bundle in DIR (config.json from
# bundles/busybox with process.args set to ARGS when given, plus a bind
# mount of DIR/out at /out) with a hard-linked copy of the shared rootfs.
bb_bundle() {
	local dir=$1
	shift
	mkdir -p "$dir/out"
	cp -al "$BB_ROOTFS" "$dir/rootfs"
	local args='null'
	# (not jq --args: jq would take an argument like -c as its own option)
	[ $# -eq 0 ] || args=$("${MR_PYTHON:-python3}" -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@")
	jq --argjson args "$args" --arg out "$dir/out" '
		(if $args != null then .process.args = $args else . end)
		| .mounts += [{"destination": "/out", "type": "bind", "source": $out,
			"options": ["rbind", "rw"]}]' \
		"$BUSYBOX_BUNDLE/config.json" >"$dir/config.json"
}

# bb_cfg DIR FILTER [JQ-ARGS...]: edit DIR/config.json with a jq filter.
bb_cfg() {
	local dir=$1 filter=$2
	shift 2
	jq "$@" "$filter" "$dir/config.json" >"$dir/config.json.new"
	mv "$dir/config.json.new" "$dir/config.json"
}

# now_ms: milliseconds since the epoch.
now_ms() {
	local t=${EPOCHREALTIME/./}
	echo $((t / 1000))
}

# wait_for SECONDS COMMAND...: poll COMMAND every 10 ms until it succeeds;
# fail (status 1) after SECONDS.
wait_for() {
	local deadline=$(($(now_ms) + ${1} * 1000))
	shift
	until "$@"; do
		if [ "$(now_ms)" -gt "$deadline" ]; then
			echo "timed out waiting for: $*" >&2
			return 1
		fi
		sleep 0.01
	done
}

# pid_alive PID [STARTTIME]: PID is a live process (not a zombie) and, when
# STARTTIME is given, the same process (field 22 of /proc/PID/stat).
pid_alive() {
	local stat rest
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	rest=${stat##*) }
	# shellcheck disable=SC2086
	set -- "$1" "${2:-}" $rest
	[ "$3" != Z ] && [ "$3" != X ] || return 1
	# after "comm)" the fields start at 3 (state); starttime is field 22
	[ -z "$2" ] || [ "${22}" = "$2" ]
}

# pid_starttime PID: field 22 of /proc/PID/stat.
pid_starttime() {
	local stat rest
	stat=$(cat "/proc/$1/stat") || return 1
	rest=${stat##*) }
	# shellcheck disable=SC2086
	set -- $rest
	echo "${20}"
}

# pid_gone PID [STARTTIME]: not pid_alive.
pid_gone() {
	! pid_alive "$@"
}

# ct_track ID [ROOT]: delete --force ID (in ROOT, default $MR_ROOT) in teardown.
ct_track() {
	printf '%s\t%s\n' "${2:-$MR_ROOT}" "$1" >>"$MR_TMP/.ct-ids"
}

# ct_track_pid PID: teardown checks that PID (this very process) is gone.
ct_track_pid() {
	local st
	st=$(pid_starttime "$1") || return 0
	printf '%s %s\n' "$1" "$st" >>"$MR_TMP/.ct-pids"
}

# ct_create ID BUNDLE [CREATE-OPTION...]: create (tracked) with stdin from
# $CT_STDIN (default /dev/null), stdout and stderr to $MR_TMP/ID.stdout and
# $MR_TMP/ID.stderr (the container's too); fails with minirun's message.
ct_create() {
	local id=$1 bundle=$2
	shift 2
	ct_track "$id"
	# the container inherits stdout and stderr: files, not a pipe that
	# would hold a command substitution until the container exits
	if ! "$MINIRUN" --root "$MR_ROOT" create --bundle "$bundle" "$@" "$id" \
		<"${CT_STDIN:-/dev/null}" >"$MR_TMP/$id.stdout" 2>"$MR_TMP/$id.stderr" 3>&-; then
		echo "create $id failed: $(cat "$MR_TMP/$id.stderr")" >&2
		return 1
	fi
	ct_track_pid "$(ct_pid "$id")"
}

# ct_state ID [ROOT]: the state JSON (fails when state fails).
ct_state() {
	"$MINIRUN" --root "${2:-$MR_ROOT}" state "$1"
}

# ct_status ID: the status field of state.
ct_status() {
	ct_state "$1" | jq -r .status
}

# ct_pid ID: the pid field of state.
ct_pid() {
	ct_state "$1" | jq -r .pid
}

# status_is ID STATUS: for wait_for.
status_is() {
	[ "$(ct_status "$1" 2>/dev/null)" = "$2" ]
}

# ct_children PID: the pids of PID's children (all threads).
ct_children() {
	cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | sed '/^$/d'
}

# mr_procs: live processes that belong to $MR_TMP, one "PID CMDLINE" per
# line: its command line mentions $MR_TMP, its cwd or root is in it, or it
# lives in another mount namespace whose mountinfo mentions $MR_TMP's name (a
# pivoted container's /proc/PID/root reads "/"). The caller and its
# ancestors are left out.
mr_procs() {
	"${MR_PYTHON:-python3}" - "$MR_TMP" <<'PY'
import os, sys
d = os.path.realpath(sys.argv[1])
name = os.path.basename(d)
own_ns = os.readlink("/proc/self/ns/mnt")
skip = set()
p = os.getpid()
while p > 1:
    skip.add(p)
    try:
        with open("/proc/%d/stat" % p) as f:
            s = f.read()
        p = int(s[s.rindex(")") + 2:].split()[1])
    except (OSError, ValueError):
        break
for e in os.listdir("/proc"):
    if not e.isdigit() or int(e) in skip:
        continue
    base = "/proc/" + e
    try:
        with open(base + "/stat") as f:
            s = f.read()
        if s[s.rindex(")") + 2] in "ZX":
            continue
        with open(base + "/cmdline", "rb") as f:
            cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
        hit = d in cmd
        for link in ("cwd", "root"):
            try:
                t = os.readlink(base + "/" + link)
            except OSError:
                continue
            if t == d or t.startswith(d + "/"):
                hit = True
        if not hit and os.readlink(base + "/ns/mnt") != own_ns:
            with open(base + "/mountinfo") as f:
                hit = name in f.read()
    except (OSError, ValueError):
        continue
    if hit:
        print(e, cmd)
PY
}

# mr_mounts: lines of /proc/self/mountinfo that mention $MR_TMP's name.
mr_mounts() {
	grep -F "$(basename "$MR_TMP")" /proc/self/mountinfo || true
}

# mr_state_dirs: what is left in the roots used by the test.
mr_state_dirs() {
	local root
	{
		echo "$MR_ROOT"
		[ ! -f "$MR_TMP/.ct-ids" ] || cut -f1 "$MR_TMP/.ct-ids"
	} | sort -u | while read -r root; do
		[ ! -d "$root" ] || find "$root" -mindepth 1 -maxdepth 1
	done
}

# assert_nothing_left: no state dir in the test's roots, no process or mount
# of $MR_TMP, no live tracked pid.
assert_nothing_left() {
	local left="" x
	x=$(mr_state_dirs)
	[ -z "$x" ] || left+="state left behind:"$'\n'"$x"$'\n'
	x=$(mr_procs)
	[ -z "$x" ] || left+="processes left behind:"$'\n'"$x"$'\n'
	x=$(mr_mounts)
	[ -z "$x" ] || left+="mounts left behind:"$'\n'"$x"$'\n'
	x=$(ct_tracked_alive)
	[ -z "$x" ] || left+="tracked processes alive:"$'\n'"$x"$'\n'
	[ -z "$left" ] || fail "$left"
}

# ct_tracked_alive: "PID CMDLINE" of each tracked pid that is still alive.
ct_tracked_alive() {
	[ -f "$MR_TMP/.ct-pids" ] || return 0
	local pid st
	while read -r pid st; do
		! pid_alive "$pid" "$st" || echo "$pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
	done <"$MR_TMP/.ct-pids"
}

ct_no_tracked_alive() {
	[ -z "$(ct_tracked_alive)" ]
}

# ct_teardown: delete --force every tracked container, check that nothing is
# left (fails the test otherwise), clean up by force, remove $MR_TMP.
ct_teardown() {
	local problems="" root id out
	cd / || return 1
	if [ -f "$MR_TMP/.ct-ids" ]; then
		while IFS=$'\t' read -r root id; do
			out=$(timeout 20 "$MINIRUN" --root "$root" delete --force "$id" 2>&1 </dev/null 3>&-) ||
				problems+="teardown: delete --force $id: $out"$'\n'
		done <"$MR_TMP/.ct-ids"
	fi
	# a killed process may take a moment to die
	wait_for 5 ct_no_tracked_alive 2>/dev/null || true
	if ! out=$(assert_nothing_left 2>&1); then
		# maybe still dying: look again once
		sleep 1
		out=$(assert_nothing_left 2>&1) || problems+=$out$'\n'
	fi
	[ -z "$problems" ] || ct_force_cleanup
	cgroup_parent_cleanup
	out=$(mr_mounts)
	if [ -z "$out" ]; then
		mr_teardown
	else
		problems+="mounts still there, $MR_TMP not removed:"$'\n'"$out"$'\n'
	fi
	if [ -n "$problems" ]; then
		printf '%s' "$problems" >&2
		return 1
	fi
}

# ct_force_cleanup: kill tracked pids and processes of $MR_TMP, detach
# mounts of $MR_TMP (deepest first), so that rm -rf cannot cross into them.
ct_force_cleanup() {
	local pid st rest mp
	if [ -f "$MR_TMP/.ct-pids" ]; then
		while read -r pid st; do
			! pid_alive "$pid" "$st" || kill -KILL "$pid" 2>/dev/null || true
		done <"$MR_TMP/.ct-pids"
	fi
	mr_procs | while read -r pid rest; do
		kill -KILL "$pid" 2>/dev/null || true
	done
	mr_mounts | awk '{ print $5 }' | sort -r | while read -r mp; do
		umount -l "$(printf '%b' "$mp")" 2>/dev/null || true
	done
}

# xrun CMD...: like `run --separate-stderr CMD`, but through files and with
# stdin from $XRUN_STDIN (default /dev/null) and bats' fd 3 closed, so that a
# container that inherits stdio cannot hold the test up. Sets status, output
# and stderr.
xrun() {
	local o e
	o=$(mktemp "$MR_TMP/.xrun.XXXXXX")
	e=$(mktemp "$MR_TMP/.xrun.XXXXXX")
	status=0
	"$@" <"${XRUN_STDIN:-/dev/null}" >"$o" 2>"$e" 3>&- || status=$?
	output=$(cat "$o")
	stderr=$(cat "$e")
}

# RFC3339_RE: a date-time as RFC 3339 (and Go's time.RFC3339Nano) writes it.
# shellcheck disable=SC2034
RFC3339_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$'

# mr_tree: every path under $MR_TMP but the rootfs of $MR_TMP/bundle and xrun's files
# (and the state root itself: like runc, minirun may make it on any call).
mr_tree() {
	find "$MR_TMP" -path "$MR_TMP/bundle/rootfs" -prune -o -print |
		grep -v -e '/\.xrun\.' -e "^$MR_ROOT\$" | sort
}

# create_fails ID [CREATE-OPTION...]: `create --pid-file $MR_TMP/failed.pid
# [OPTIONS] ID` (bundle $B, set by the .bats file, unless an option names
# another) fails with one "minirun: ..." line on stderr and nothing on
# stdout, and leaves nothing behind: no state dir, no pid file, no process or
# mount of $MR_TMP, no new file anywhere in $MR_TMP. Sets status, output and
# stderr.
create_fails() {
	local id=$1 before after procs
	shift
	# a valid id is deleted in teardown in case create wrongly succeeds (an
	# invalid one left behind shows up in the state root anyway)
	[[ ! $id =~ ^[A-Za-z0-9_+-][A-Za-z0-9_+.-]{0,200}$ ]] || ct_track "$id"
	procs=$(mr_procs)
	[ -z "$procs" ] || fail "processes of the test dir before create: $procs"
	before=$(mr_tree)
	xrun mr create -b "$B" --pid-file "$MR_TMP/failed.pid" "$@" "$id"
	[ "$status" -ne 0 ] || fail "create $id succeeded"
	assert_equal "$output" ""
	assert_match "$stderr" '^minirun: [^'$'\n'']+$'
	[ ! -e "$MR_TMP/failed.pid" ] || fail "pid file left behind"
	after=$(mr_tree)
	assert_equal "$after" "$before"
	assert_nothing_left
}
