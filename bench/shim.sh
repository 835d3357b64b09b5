#!/bin/bash
# bench/shim.sh: minirun-shim against conmon (the per-container shim of
# issue 10), side by side in one interleaved run, on the same bundle and the
# same OCI runtime. See bench/README.md (the shim).
#
# For each shim, N times, round-robin (minirun-shim, conmon, and the runtime
# alone for reference), a busybox `sleep` container:
#   start path  the shim started as its client does (minirun-shim: its
#               command line, then `ctl start`; conmon: podman's flags and
#               sync pipe, then `RUNTIME start`), until the container runs;
#               the shim's own CPU time on it (every process of the shim,
#               not the runtime it runs nor the container);
#   idle        200 ms later: VmRSS, Pss (smaps_rollup), threads, fds.
# Then F times each, a container that writes M MiB of 100-byte lines to
# stdout: the shim's CPU time until the last line is in the log, its VmRSS
# at the end and its peak (VmHWM). Prints medians as a markdown table.
#
# Usage: bench/shim.sh [-n N] [-w W] [-f F] [--flood-mb M] [--runtime PATH]
#                      [--shim PATH] [--conmon PATH] [--tmpdir DIR] [--keep-tmp]
# Needs root, cc, jq, busybox-static, conmon.

set -eu -o pipefail

prog=shim.sh
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)

N=20
W=2
F=3
FLOOD_MB=100
KEEP=0
TMPBASE=
RUNTIME=$top/minirun
SHIM=$top/minirun-shim
CONMON=${CONMON:-/usr/bin/conmon}

usage() {
	cat <<EOF
Usage: $prog [options]

Benchmark minirun-shim and conmon on one busybox bundle, interleaved.

Options:
  -n N                start-path iterations per shim (default 20)
  -w W                untimed warm-up iterations first (default 2)
  -f F                log floods per shim (default 3)
      --flood-mb M    MiB of container output per flood (default 100)
      --runtime PATH  the OCI runtime both shims run (default: $top/minirun)
      --shim PATH     minirun-shim (default: $top/minirun-shim)
      --conmon PATH   conmon (default: \$CONMON or /usr/bin/conmon)
      --tmpdir DIR    where the temp dir goes (default /dev/shm if it is a
                      tmpfs, else /tmp)
      --keep-tmp      keep the temp dir (bundle, raw data, logs)
  -h, --help          this help
EOF
}

die() {
	echo "$prog: $*" >&2
	exit 1
}

num() { case $2 in '' | *[!0-9]*) die "$1 wants a number, not '$2'" ;; esac; }

while [ $# -gt 0 ]; do
	case $1 in
	-n | -w | -f | --flood-mb | --runtime | --shim | --conmon | --tmpdir)
		[ $# -ge 2 ] || die "$1 needs a value"
		case $1 in
		-n) N=$2 ;; -w) W=$2 ;; -f) F=$2 ;; --flood-mb) FLOOD_MB=$2 ;;
		--runtime) RUNTIME=$2 ;; --shim) SHIM=$2 ;; --conmon) CONMON=$2 ;; --tmpdir) TMPBASE=$2 ;;
		esac
		shift ;;
	--keep-tmp) KEEP=1 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done
num -n "$N"; num -w "$W"; num -f "$F"; num --flood-mb "$FLOOD_MB"
[ "$N" -gt 0 ] || die "-n wants a positive number"

[ "$(id -u)" = 0 ] || die "run as root (the runtime makes namespaces and cgroups)"
for t in cc jq; do
	command -v "$t" >/dev/null || die "$t not found"
done
for b in "$RUNTIME" "$SHIM" "$CONMON"; do
	[ -x "$b" ] || die "$b not found or not executable"
done
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
RUNTIME=$(abs "$RUNTIME")
SHIM=$(abs "$SHIM")
mkrootfs=$top/bundles/busybox/mkrootfs.sh
[ -x "$mkrootfs" ] || die "$mkrootfs not found"

log() { echo "$prog: $*" >&2; }

# ---------------------------------------------------------------- cleanup

T=
DAEMONS=()    # pids of the shims we started (killed at exit if still there)
cleanup() {
	local rc=$? p s id h
	set +e
	trap - EXIT INT TERM HUP
	if [ -n "$T" ] && [ -d "$T/root" ]; then
		for s in "$T"/root/*/; do
			[ -d "$s" ] || continue
			id=$(basename "$s")
			log "cleanup: delete --force $id"
			"$RUNTIME" --root "$T/root" delete --force "$id" </dev/null >/dev/null 2>&1
		done
	fi
	for p in "${DAEMONS[@]}"; do
		kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
	done
	for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
		for s in "$h"minirun-test/shimbench-*/; do
			[ -d "$s" ] && rmdir "$s" 2>/dev/null
		done
		[ ! -d "${h}minirun-test" ] || rmdir "${h}minirun-test" 2>/dev/null
	done
	if [ -n "$T" ] && [ -d "$T" ]; then
		if [ "$KEEP" = 1 ]; then log "kept $T"; else rm -rf --one-file-system "$T"; fi
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

if [ -z "$TMPBASE" ]; then
	TMPBASE=/tmp
	[ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] && TMPBASE=/dev/shm
fi
[ -d "$TMPBASE" ] || die "--tmpdir $TMPBASE: no such directory"
T=$(mktemp -d "$TMPBASE/minirun-shimbench.XXXXXX")
chmod 0711 "$T"
mkdir -p "$T/root" "$T/data" "$T/run"

# ---------------------------------------------------------------- the helper

# launch OUT ARGV...: runs ARGV and appends "WALL_NS CPU_NS RC" to OUT.
#  - WALL: from just before fork() until ARGV has exited and, with
#    LAUNCH_SYNC=1, conmon's sync message ({"data": PID}, sent once the
#    runtime's create is done) has been read from the pipe conmon gets as
#    _OCI_SYNCPIPE=3, as podman gives it.
#  - CPU: utime+stime of ARGV from wait4() and of the processes that were
#    orphaned to us (we are a child subreaper) and exited meanwhile: the
#    short-lived parts of a detaching shim. A detached daemon is still
#    running and is read by the script from /proc/PID/task/*/schedstat.
cat >"$T/launch.c" <<'EOF'
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static long long cpu(const struct rusage *r)
{
	return (r->ru_utime.tv_sec + r->ru_stime.tv_sec) * 1000000000LL +
	       (r->ru_utime.tv_usec + r->ru_stime.tv_usec) * 1000LL;
}

int main(int argc, char **argv)
{
	int sync = getenv("LAUNCH_SYNC") && strcmp(getenv("LAUNCH_SYNC"), "1") == 0;
	int p[2] = { -1, -1 }, st, rc;
	struct rusage ru;
	long long t0, t1, c;
	FILE *out;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: launch OUT ARGV...\n");
		return 2;
	}
	if (!(out = fopen(argv[1], "a")) || prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
		perror("launch");
		return 2;
	}
	if (sync && pipe2(p, O_CLOEXEC) != 0)
		return 2;
	t0 = now();
	pid = fork();
	if (pid == 0) {
		if (sync && (dup2(p[1], 3) != 3 || setenv("_OCI_SYNCPIPE", "3", 1) != 0))
			_exit(126);
		execvp(argv[2], argv + 2);
		fprintf(stderr, "launch: exec %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	if (pid < 0)
		return 2;
	if (sync)
		close(p[1]);
	while (wait4(pid, &st, 0, &ru) < 0)
		if (errno != EINTR)
			return 2;
	c = cpu(&ru);
	rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (sync && rc == 0) {
		char buf[256];
		size_t len = 0;
		ssize_t n;
		while (len < sizeof(buf) - 1 && !memchr(buf, '}', len) &&
		       ((n = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0 || (n < 0 && errno == EINTR)))
			len += n > 0 ? (size_t)n : 0;
		buf[len] = '\0';
		/* {"data": PID}; a negative one (or nothing) is a failed create */
		char *d = strstr(buf, "\"data\"");
		if (!d || atoi(d + 7 + strspn(d + 7, ": ")) <= 0) {
			fprintf(stderr, "launch: no container pid from the sync pipe: '%s'\n", buf);
			rc = 125;
		}
	}
	t1 = now();
	while (wait4(-1, &st, WNOHANG, &ru) > 0)
		c += cpu(&ru);
	fprintf(out, "%lld %lld %d\n", t1 - t0, c, rc);
	return rc;
}
EOF
cc -O2 -Wall -o "$T/launch" "$T/launch.c" || die "cannot compile the launch helper"
"$T/launch" 2>/dev/null && die "the launch helper does not work"
[ -x "$T/launch" ] && "$T/launch" "$T/data/selftest" true || die "cannot run programs from $T (noexec?): use --tmpdir"

# private copies: a rebuild during the run must not change them
cp "$RUNTIME" "$T/runtime" && RUNTIME=$T/runtime
cp "$SHIM" "$T/minirun-shim" && SHIM=$T/minirun-shim

# ---------------------------------------------------------------- the bundle

log "building the busybox bundle in $T/bundle"
"$mkrootfs" "$T/bundle/rootfs" >/dev/null
[ -x "$top/minirun" ] || die "$top/minirun not found (make first): it writes the bundle's config"
"$top/minirun" spec --bundle "$T/bundle"
# crun 1.8.1 and runc 1.1.5 know OCI 1.0.2 (the same bundle serves any
# --runtime); cgroupsPath and args are filled in per container.
TMPL=$(jq '.ociVersion = "1.0.2" | .process.terminal = false' "$T/bundle/config.json")
# 100-byte lines (99 characters and the newline)
LINE=$(printf 'x%.0s' $(seq 99))
FLOOD_BYTES=$((FLOOD_MB * 1048576))

set_config() { # ID ARGS-JSON
	jq --arg p "/minirun-test/shimbench-$1" --argjson a "$2" '.linux.cgroupsPath = $p | .process.args = $a' \
		<<<"$TMPL" >"$T/bundle/config.json"
}

# ---------------------------------------------------------------- probes

# own_cpu_ns PID: the CPU time of every thread of PID itself (not of its
# children), in ns: /proc/PID/task/*/schedstat, field 1.
own_cpu_ns() {
	local f s=0 v
	for f in /proc/"$1"/task/*/schedstat; do
		read -r v _ <"$f" && s=$((s + v))
	done
	echo "$s"
}

# idle_probe PID: "VMRSS_KB PSS_KB THREADS FDS"
idle_probe() {
	local rss pss thr fds
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status")
	thr=$(awk '/^Threads:/ { print $2 }' "/proc/$1/status")
	pss=$(awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup")
	fds=$(find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l)
	echo "$rss $pss $thr $fds"
}

wait_gone() { # PID: up to 10 s
	local i
	for ((i = 0; i < 1000; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.01
	done
	return 1
}

wait_file() { # FILE: up to 10 s
	local i
	for ((i = 0; i < 1000; i++)); do
		[ ! -s "$1" ] || return 0
		sleep 0.01
	done
	return 1
}

# wait_flood LOG: the last line of the flood ("flood-end") is in LOG
wait_flood() {
	local i
	for ((i = 0; i < 120000; i++)); do
		tail -c 64 "$1" 2>/dev/null | grep -q 'flood-end$' && return 0
		sleep 0.005
	done
	return 1
}

# ---------------------------------------------------------------- the shims

# shim_create WHO ID: start the shim of container ID (WHO: shim, conmon,
# or the runtime alone) as its client does, until the container is created.
# Appends "WALL_NS FG_CPU_NS RC" to $T/run/ID/launch; sets DPID (the
# detached shim, none for the runtime alone).
shim_create() {
	local who=$1 id=$2 d=$T/run/$2
	mkdir -p "$d"
	case $who in
	shim)
		"$T/launch" "$d/launch" "$SHIM" --id "$id" --bundle "$T/bundle" --state-dir "$d/state" \
			--runtime "$RUNTIME" --runtime-root "$T/root" --log "$d/ctr.log" \
			</dev/null >"$d/out" 2>&1 || { cat "$d/out" >&2; die "minirun-shim $id failed"; }
		DPID=$(cat "$d/state/shim.pid")
		;;
	conmon)
		# podman 4.3's flags (notes/clients.md section 3), without its
		# exit command and runtime log
		mkdir -p "$d/exits" "$d/sock"
		LAUNCH_SYNC=1 "$T/launch" "$d/launch" "$CONMON" --api-version 1 -c "$id" -u "$id" -n "$id" \
			-r "$RUNTIME" -b "$T/bundle" -p "$d/pidfile" -P "$d/conmon.pid" \
			-l "k8s-file:$d/ctr.log" --exit-dir "$d/exits" --socket-dir-path "$d/sock" \
			--log-level error --runtime-arg --root --runtime-arg "$T/root" \
			</dev/null >"$d/out" 2>&1 || { cat "$d/out" >&2; die "conmon $id failed"; }
		DPID=$(cat "$d/conmon.pid")
		;;
	runtime)
		"$T/launch" "$d/launch" "$RUNTIME" --root "$T/root" create --bundle "$T/bundle" \
			--pid-file "$d/pidfile" "$id" </dev/null >"$d/out" 2>&1 || { cat "$d/out" >&2; die "create $id failed"; }
		DPID=
		;;
	esac
	[ -z "$DPID" ] || DAEMONS+=("$DPID")
}

# shim_start WHO ID: start the container as the shim's client does
# (minirun-shim: ctl start; podman with conmon: the runtime's start).
# Appends "WALL_NS CPU_NS RC" to $T/run/ID/start.
shim_start() {
	local who=$1 id=$2 d=$T/run/$2
	if [ "$who" = shim ]; then
		"$T/launch" "$d/start" "$SHIM" ctl --socket "$d/state/shim.sock" start \
			</dev/null >"$d/start.out" 2>&1 || { cat "$d/start.out" >&2; die "ctl start $id failed"; }
	else
		"$T/launch" "$d/start" "$RUNTIME" --root "$T/root" start "$id" \
			</dev/null >"$d/start.out" 2>&1 || { cat "$d/start.out" >&2; die "start $id failed"; }
	fi
}

# shim_down WHO ID: kill the container, let the shim see it, delete it
shim_down() {
	local who=$1 id=$2 d=$T/run/$2
	case $who in
	shim)
		"$SHIM" ctl --socket "$d/state/shim.sock" kill '{"signal":"KILL"}' >/dev/null
		"$SHIM" ctl --socket "$d/state/shim.sock" wait >/dev/null
		"$SHIM" ctl --socket "$d/state/shim.sock" delete >/dev/null
		wait_gone "$DPID" || die "minirun-shim $DPID did not exit after delete"
		;;
	conmon)
		"$RUNTIME" --root "$T/root" kill "$id" KILL
		wait_file "$d/exits/$id" || die "conmon wrote no exit file for $id"
		wait_gone "$DPID" || die "conmon $DPID did not exit"
		"$RUNTIME" --root "$T/root" delete --force "$id"
		;;
	runtime)
		"$RUNTIME" --root "$T/root" delete --force "$id"
		;;
	esac
	rm -rf "$d"
}

WHOS=(shim conmon runtime)
serial=0
# one_start WHO SUFFIX: the start path and the idle probe of one container
one_start() {
	local who=$1 id wall cpu rc swall own
	serial=$((serial + 1))
	id=$who-$serial
	set_config "$id" '["sleep","1000"]'
	shim_create "$who" "$id"
	shim_start "$who" "$id"
	sleep 0.2
	read -r wall cpu rc <"$T/run/$id/launch"
	read -r swall _ _ <"$T/run/$id/start"
	if [ -n "$DPID" ]; then
		own=$((cpu + $(own_cpu_ns "$DPID")))
		echo "$((wall + swall)) $own $(idle_probe "$DPID")" >>"$T/data/start.$who.$2"
	else
		echo "$((wall + swall)) - - - - -" >>"$T/data/start.$who.$2"
	fi
	shim_down "$who" "$id"
}

# one_flood WHO: FLOOD_MB MiB to stdout; CPU of the shim daemon from the
# container's start until the last line is in the log; RSS then, and peak
one_flood() {
	local who=$1 id c0 c1 t0 t1 d
	serial=$((serial + 1))
	id=$who-$serial
	set_config "$id" "$(jq -cn --arg l "$LINE" --arg n "$FLOOD_BYTES" \
		'["sh","-c","yes " + $l + " | head -c " + $n + "; echo flood-end; exec sleep 1000"]')"
	# created, the container waits for its start: the flood begins there
	shim_create "$who" "$id"
	c0=$(own_cpu_ns "$DPID")
	t0=$(date +%s%N)
	shim_start "$who" "$id"
	d=$T/run/$id
	wait_flood "$d/ctr.log" || die "$who $id: no flood-end in the log"
	t1=$(date +%s%N)
	c1=$(own_cpu_ns "$DPID")
	echo "$((c1 - c0)) $((t1 - t0)) $(awk '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 } END { print r, h }' "/proc/$DPID/status") $(stat -c %s "$d/ctr.log")" \
		>>"$T/data/flood.$who"
	shim_down "$who" "$id"
}

# ---------------------------------------------------------------- machine

first_line() { "$@" 2>/dev/null | head -n 1 || true; }
m_nproc=$(nproc)
m_kernel=$(uname -r)
m_load0=$(cut -d' ' -f1-3 /proc/loadavg)
v_conmon=$(first_line "$CONMON" --version)
v_shim="$(first_line "$SHIM" --version)"
v_rt="$(first_line "$RUNTIME" --version)"

# ---------------------------------------------------------------- the loop

log "start path: $W warm-up + $N measured, round-robin over ${WHOS[*]}"
started=$(date +%s)
for ((i = 1; i <= W + N; i++)); do
	if [ "$i" -le "$W" ]; then sfx=warm; else sfx=data; fi
	for who in "${WHOS[@]}"; do one_start "$who" "$sfx"; done
	[ $((i % 10)) != 0 ] || log "iteration $i/$((W + N)) ($(($(date +%s) - started))s)"
done
log "log flood: $F x $FLOOD_MB MiB, alternating shim and conmon"
for ((i = 1; i <= F; i++)); do
	for who in shim conmon; do one_flood "$who"; done
done
elapsed=$(($(date +%s) - started))
m_load1=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- report

awk -v n="$N" -v f="$F" -v mb="$FLOOD_MB" -v elapsed="$elapsed" -v m_nproc="$m_nproc" -v m_kernel="$m_kernel" \
	-v load0="$m_load0" -v load1="$m_load1" -v v_conmon="$v_conmon" -v v_shim="$v_shim" -v v_rt="$v_rt" -v rt="$RUNTIME" '
function med(key,    k, i, j, t, v) {
	k = cnt[key]
	if (k == 0) return ""
	for (i = 1; i <= k; i++) v[i] = val[key, i]
	for (i = 2; i <= k; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
	return k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
}
function put(key, x) { if (x != "-") val[key, ++cnt[key]] = x }
function fm(x, d) { return x == "" ? "n/a" : sprintf("%." d "f", x) }
function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "n/a" : sprintf("%.2f", a / b) }
FILENAME ~ /start\./ {
	who = FILENAME; sub(/.*start\./, "", who); sub(/\.data$/, "", who)
	put(who SUBSEP "wall", $1 / 1e6); put(who SUBSEP "own", $2 == "-" ? "-" : $2 / 1e6)
	put(who SUBSEP "rss", $3); put(who SUBSEP "pss", $4); put(who SUBSEP "thr", $5); put(who SUBSEP "fds", $6)
	next
}
{
	who = FILENAME; sub(/.*flood\./, "", who)
	put(who SUBSEP "fcpu", $1 / 1e9); put(who SUBSEP "fwall", $2 / 1e9)
	put(who SUBSEP "frss", $3); put(who SUBSEP "fhwm", $4); put(who SUBSEP "fsize", $5 / 1048576)
}
function row(label, m, d, target) {
	printf "| %s | %s | %s | %s | %s |\n", label, fm(med("shim" SUBSEP m), d), fm(med("conmon" SUBSEP m), d),
		ratio(med("shim" SUBSEP m), med("conmon" SUBSEP m)), target
}
END {
	printf "## minirun-shim and conmon (issue 10)\n\n"
	printf "Machine: %s CPUs, kernel %s, load average %s at the start, %s at the end.  \n", m_nproc, m_kernel, load0, load1
	printf "Shims: %s; %s. Runtime for both: %s (%s).  \n", v_shim, v_conmon, v_rt, rt
	printf "%d measured start paths per shim, interleaved with the runtime alone; %d floods of %d MiB each; %d s in all.\n\n", n, f, mb, elapsed
	printf "| median | minirun-shim | conmon | shim/conmon | target |\n|---|---:|---:|---:|---|\n"
	row("idle VmRSS (kB)", "rss", 0, "<= 1536")
	row("idle Pss (kB)", "pss", 0, "<= 512")
	row("threads", "thr", 0, "1")
	row("fds", "fds", 0, "<= 16")
	row("own CPU on the start path (ms)", "own", 2, "<= 2.5")
	printf "| start path wall, launch until running (ms) | %s | %s | %s | runtime alone (create + start): %s |\n",
		fm(med("shim" SUBSEP "wall"), 2), fm(med("conmon" SUBSEP "wall"), 2),
		ratio(med("shim" SUBSEP "wall"), med("conmon" SUBSEP "wall")), fm(med("runtime" SUBSEP "wall"), 2)
	row(mb " MiB log: CPU of the shim (s)", "fcpu", 3, "<= 0.5x conmon")
	row(mb " MiB log: wall until the last line is in the log (s)", "fwall", 2, "")
	row(mb " MiB log: VmRSS at the end (kB)", "frss", 0, "flat")
	row(mb " MiB log: peak VmHWM (kB)", "fhwm", 0, "flat")
	row(mb " MiB log: log file size (MiB)", "fsize", 1, "")
	printf "\n- Own CPU on the start path: utime+stime (wait4) of the shim process we ran and of its short-lived forks, plus, 200 ms after the container runs, the CPU time of the detached shim itself (/proc/PID/task/*/schedstat); never the runtime it runs or the container. Each shim is started as its client does: minirun-shim with its options, then `minirun-shim ctl start`; conmon with the flags podman 4.3 gives it and its sync pipe (`_OCI_SYNCPIPE`), then `RUNTIME start` (what podman runs); the clients themselves are not counted.\n"
	printf "- Idle: 200 ms after the container runs (a busybox sleep). Pss divides shared pages among the processes mapping them, so a dynamically linked shim pays less of libc when more processes use it.\n"
	printf "- Log flood: the container writes %d MiB of 100-byte lines (`yes | head -c`), then flood-end; CPU of the shim from the start until that line is in the log (polled every 5 ms).\n", mb
	printf "- containerd-shim-runc-v2: not measured here (it is started through containerd ttrpc API, not by a command line).\n"
}' "$T"/data/start.*.data "$T"/data/flood.*
