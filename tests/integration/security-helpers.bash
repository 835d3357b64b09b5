# Helpers for security.bats (the checklist of ../shared/DESIGN.md section 7).
# Loaded after helpers.bash, whose bb_* / ct_* helpers they build on.
#
#   sec_setup_file      bb_setup_file + the static exe-snatcher in the shared
#                       rootfs (/bin/exe-snatcher) + a private copy of minirun
#   sec_teardown        stops the background helpers, then ct_teardown
#   sec_bg CMD...       runs CMD in the background, killed by sec_teardown
#   snapshot DIR        a listing of DIR (paths, types, modes, sizes, sha256)
#   mounts_at DIR FILE  mountinfo lines of FILE whose mount point is DIR or below

# A private copy of minirun for the CVE-2019-5736 tests: an attack that works
# overwrites that copy, never the binary the rest of the suite (and the other
# people building in this tree) use.
: "${EXE_SNATCHER_SRC:=$TOP_SRCDIR/tests/tools/exe-snatcher.c}"

# sec_setup_file: build the shared rootfs, the snatcher (static: the busybox
# rootfs has no libc) and the private minirun copy ($MR_COPY).
sec_setup_file() {
	bb_setup_file || return 1
	local snatcher="$BATS_FILE_TMPDIR/exe-snatcher"
	if [ -n "${EXE_SNATCHER:-}" ] && [ -x "$EXE_SNATCHER" ]; then
		cp "$EXE_SNATCHER" "$snatcher"
	elif ! gcc -static -O2 -o "$snatcher" "$EXE_SNATCHER_SRC" 2>"$BATS_FILE_TMPDIR/snatcher.log"; then
		echo "# cannot build exe-snatcher statically (gcc -static, libc6-dev):" >&3
		sed 's/^/# /' "$BATS_FILE_TMPDIR/snatcher.log" >&3
		return 1
	fi
	install -m 0755 "$snatcher" "$BB_ROOTFS/bin/exe-snatcher"
	MR_COPY="$BATS_FILE_TMPDIR/minirun-copy"
	cp "$MINIRUN" "$MR_COPY"
	export MR_COPY
}

# sec_bg CMD...: run CMD in the background; sec_teardown kills it.
sec_bg() {
	"$@" &
	echo $! >>"$MR_TMP/.bg-pids"
}

sec_kill_bg() {
	local pid
	[ -f "$MR_TMP/.bg-pids" ] || return 0
	while read -r pid; do
		kill "$pid" 2>/dev/null || true
	done <"$MR_TMP/.bg-pids"
	while read -r pid; do
		wait "$pid" 2>/dev/null || true
	done <"$MR_TMP/.bg-pids"
	rm -f "$MR_TMP/.bg-pids"
}

# sec_track_dash ID: like ct_track for an id that starts with '-' (teardown
# deletes it with "--" before ct_teardown, whose delete would take it for an
# option).
sec_track_dash() {
	echo "$1" >>"$MR_TMP/.dash-ids"
}

sec_teardown() {
	local id
	sec_kill_bg
	if [ -f "$MR_TMP/.dash-ids" ]; then
		while read -r id; do
			timeout 20 "$MINIRUN" --root "$MR_ROOT" delete --force -- "$id" || true
		done <"$MR_TMP/.dash-ids"
	fi
	ct_teardown
}

# file_id FILE: "dev:ino" as the kernel reports them (stat of the file).
file_id() {
	stat -L -c '%d:%i' "$1"
}

# exe_is_not PID DEV:INO: PID's /proc/PID/exe is another file (for wait_for).
exe_is_not() {
	[ "$(file_id "/proc/$1/exe")" != "$2" ]
}

# snapshot DIR: everything about DIR's tree that an escape could change.
snapshot() {
	(cd "$1" && find . -printf '%p %y %m %s %U:%G\n' | LC_ALL=C sort &&
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
}

# mounts_at DIR [MOUNTINFO]: lines of MOUNTINFO (default the host's) with a
# mount point that is DIR or below it.
mounts_at() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1' "${2:-/proc/self/mountinfo}"
}

# fd_list PID: the fd numbers PID holds, sorted, space-separated.
fd_list() {
	ls "/proc/$1/fd" | sort -n | tr '\n' ' ' | sed 's/ $//'
}

# bb_mountinfo_hook DIR: a createContainer hook that saves the init's
# mountinfo before pivot_root (its whole view, host paths included) to
# DIR/out/mountinfo.<id>: a mount that went outside the rootfs shows there
# even when it does not propagate to the host's mount namespace.
bb_mountinfo_hook() {
	local hook="$BATS_FILE_TMPDIR/save-mountinfo"
	if [ ! -x "$hook" ]; then
		cat >"$hook" <<'SH'
#!/bin/sh
id=$(jq -r .id) || exit 1
exec cat /proc/self/mountinfo >"$1/mountinfo.$id"
SH
		chmod 0755 "$hook"
	fi
	bb_cfg "$1" '.hooks.createContainer += [{"path": $hook, "args": ["save-mountinfo", $out]}]' \
		--arg hook "$hook" --arg out "$1/out"
}

# swapper DIR A B [C D]...: exchange DIR/A and DIR/B (and DIR/C and DIR/D,
# ...) with renameat2(RENAME_EXCHANGE) in a loop until killed; the number
# of swaps goes to DIR/.swaps on SIGTERM.
swapper() {
	exec python3 - "$@" <<'PY'
import ctypes, os, signal, sys
d = sys.argv[1]
pairs = [(sys.argv[i].encode(), sys.argv[i + 1].encode()) for i in range(2, len(sys.argv) - 1, 2)]
libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD, RENAME_EXCHANGE = -100, 2
fd = os.open(d, os.O_PATH | os.O_DIRECTORY)
n = 0
def done(*_):
    with open(os.path.join(d, ".swaps"), "w") as f:
        f.write("%d\n" % n)
    os._exit(0)
signal.signal(signal.SIGTERM, done)
while True:
    for a, b in pairs:
        if libc.renameat2(fd, a, fd, b, RENAME_EXCHANGE) == 0:
            n += 1
PY
}

# snatch_summary FILE: the snatcher's summary line, as "key=value" words.
snatch_summary() {
	grep -E '^scans=' "$1" | tail -n 1
}

# snatch_get SUMMARY KEY: one value of a summary line.
snatch_get() {
	local w
	for w in $1; do
		[ "${w%%=*}" != "$2" ] || { echo "${w#*=}"; return 0; }
	done
	return 1
}

# add_libs_for BIN ROOTFS: copy BIN's dynamic loader and libraries into
# ROOTFS, as a distribution image has them (a dynamic binary from the host
# then runs in the container).
add_libs_for() {
	local lib
	for lib in $(ldd "$1" 2>/dev/null | grep -oE '/[^ ]+'); do
		mkdir -p "$2$(dirname "$lib")"
		cp -L "$lib" "$2$lib"
	done
}

# bb_join_pidns DIR PID: make DIR's container join PID's pid namespace.
bb_join_pidns() {
	bb_cfg "$1" '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)' \
		--arg p "/proc/$2/ns/pid"
}
