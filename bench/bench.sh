#!/bin/bash
# bench/bench.sh: minirun's performance budget (DESIGN.md section 6), measured
# side by side against runc and crun in one interleaved run.
#
# For each runtime, N times, round-robin (runc crun minirun runc crun ...):
#   run      RUNTIME run --bundle B ID            (busybox /bin/true)
#   create   RUNTIME create --bundle B --pid-file F ID
#   start    RUNTIME start ID        (then, untimed: wait until it has exited)
#   delete   RUNTIME delete ID
# and per invocation: wall time, CPU time (user+sys) of the whole process
# tree (the runtime, its re-execs and helpers, the container init and
# /bin/true) and the peak RSS of the tree's largest process. Prints medians
# as a markdown table (or JSON with --json). See bench/README.md.
#
# Usage: bench/bench.sh [-n N] [-w W] [--json] [--no-crun-wrapper]
#                       [--minirun PATH] [--keep-tmp]
# Needs root, cc, jq, busybox-static, runc (/usr/sbin/runc), crun.

set -eu -o pipefail

prog=bench.sh
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)

N=50
W=3
JSON=0
WRAP=1
NOCG=1
KEEP=0
TMPBASE=
MINIRUN=$top/minirun
RUNC=${RUNC:-/usr/sbin/runc}
CRUN=${CRUN:-/usr/bin/crun}

usage() {
	cat <<EOF
Usage: $prog [options]

Benchmark runc, crun and minirun on busybox /bin/true, interleaved.

Options:
  -n N                iterations per runtime and measurement (default 50)
  -w W                untimed warm-up iterations first (default 3)
      --json          print the results as JSON instead of markdown
      --no-crun-wrapper
                      skip the extra column "crun through the per-call
                      wrapper" (crun is still measured, in one namespace)
      --no-crun-nocgroups
                      skip the extra column "crun --cgroup-manager=disabled"
                      (crun without its cgroup work)
      --minirun PATH  the minirun binary (default: $top/minirun)
      --tmpdir DIR    where to make the temp dir that holds the bundle and
                      the runtimes' --root state dirs (default /dev/shm if
                      it is a tmpfs, like /run on most hosts; else /tmp)
      --keep-tmp      keep the temp dir (bundle, raw data, logs)
  -h, --help          this help

Environment: RUNC (default /usr/sbin/runc), CRUN (default /usr/bin/crun).
EOF
}

die() {
	echo "$prog: $*" >&2
	exit 1
}

while [ $# -gt 0 ]; do
	case $1 in
	-n) [ $# -ge 2 ] || die "-n needs a number"; N=$2; shift ;;
	-n*) N=${1#-n} ;;
	-w) [ $# -ge 2 ] || die "-w needs a number"; W=$2; shift ;;
	-w*) W=${1#-w} ;;
	--json) JSON=1 ;;
	--no-crun-wrapper) WRAP=0 ;;
	--no-crun-nocgroups) NOCG=0 ;;
	--minirun) [ $# -ge 2 ] || die "--minirun needs a path"; MINIRUN=$2; shift ;;
	--minirun=*) MINIRUN=${1#--minirun=} ;;
	--keep-tmp) KEEP=1 ;;
	--tmpdir) [ $# -ge 2 ] || die "--tmpdir needs a directory"; TMPBASE=$2; shift ;;
	--tmpdir=*) TMPBASE=${1#--tmpdir=} ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done

case $N in '' | *[!0-9]* | 0) die "-n wants a positive number, not '$N'" ;; esac
case $W in '' | *[!0-9]*) die "-w wants a number, not '$W'" ;; esac

[ "$(id -u)" = 0 ] || die "run as root (the runtimes make namespaces and cgroups)"
for t in cc jq unshare mount; do
	command -v "$t" >/dev/null || die "$t not found"
done
for b in "$RUNC" "$CRUN" "$MINIRUN"; do
	[ -x "$b" ] || die "$b not found or not executable"
done
MINIRUN=$(cd "$(dirname "$MINIRUN")" && pwd)/$(basename "$MINIRUN")
mkrootfs=$top/bundles/busybox/mkrootfs.sh
[ -x "$mkrootfs" ] || die "$mkrootfs not found"

log() { echo "$prog: $*" >&2; }

# ---------------------------------------------------------------- cleanup

T=
CRUNNS_PID=
cg_top=()     # the cgroup hierarchies (v1 ones, the unified one, or the v2 root)
cg_had=()     # 1 if <hierarchy>/minirun-test existed before we started
for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
	h=${h%/}
	[ -e "$h/cgroup.procs" ] || continue
	cg_top+=("$h")
	if [ -d "$h/minirun-test" ]; then cg_had+=(1); else cg_had+=(0); fi
done

cleanup() {
	local rc=$? rt d s id i
	set +e
	trap - EXIT INT TERM HUP
	if [ -n "$CRUNNS_PID" ]; then
		kill "$CRUNNS_PID" 2>/dev/null
		wait "$CRUNNS_PID" 2>/dev/null
	fi
	if [ -n "$T" ] && [ -d "$T" ]; then
		# Containers a failed iteration left behind: each runtime's own root.
		for rt in runc crun crunnocg crunwrap minirun; do
			d=$T/root/$rt
			[ -d "$d" ] || continue
			for s in "$d"/*/; do
				[ -d "$s" ] || continue
				id=$(basename "$s")
				log "cleanup: $rt delete --force $id"
				rt_cmd "$rt" cleanup
				"${RT[@]}" delete --force "$id" </dev/null >/dev/null 2>&1
			done
		done
	fi
	# The cgroups runc and crun made for our containers (cgroupsPath
	# /minirun-test/bench-<runtime>-<n>); rmdir refuses busy ones.
	for i in "${!cg_top[@]}"; do
		for s in "${cg_top[$i]}"/minirun-test/bench-*/; do
			[ -d "$s" ] && rmdir "$s" 2>/dev/null
		done
		if [ "${cg_had[$i]}" = 0 ] && [ -d "${cg_top[$i]}/minirun-test" ]; then
			rmdir "${cg_top[$i]}/minirun-test" 2>/dev/null
		fi
	done
	if [ -n "$T" ] && [ -d "$T" ]; then
		if [ "$KEEP" = 1 ]; then
			log "kept $T"
		else
			rm -rf --one-file-system "$T"
		fi
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
T=$(mktemp -d "$TMPBASE/minirun-bench.XXXXXX")
T_FS=$(stat -f -c %T "$T")
chmod 0711 "$T"
mkdir -p "$T/root/runc" "$T/root/crun" "$T/root/crunnocg" "$T/root/crunwrap" "$T/root/minirun" "$T/data"

# ---------------------------------------------------------------- the helper

# measure: runs one runtime command (or a create/start/delete sequence) and
# appends "PHASE WALL_NS CPU_NS MAXRSS_KB RC" per command to OUT.
#  - It is a child subreaper, so everything the runtime leaves behind (the
#    container init after create, helpers a runtime did not reap) is
#    reparented to it and reaped by it: wait4() then gives the CPU time of
#    every process of the tree, whoever its parent was.
#  - CPU = utime + stime from wait4() of the runtime process (which includes
#    the descendants it reaped) plus those of the orphans we reap.
#  - The container init lives from create to the end of start: its CPU time
#    up to the end of create is read from its process CPU clock
#    (clock_getcpuclockid) and counted in create; the rest (exec of
#    /bin/true, its run and exit) in start.
#  - MAXRSS = the largest ru_maxrss of the processes reaped in the phase: the
#    peak RSS of the biggest single process, not a sum.
cat >"$T/measure.c" <<'EOF'
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct acc { long long cpu_ns; long maxrss_kb; };

static FILE *out;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static long long ns(clockid_t c)
{
	struct timespec t;
	if (clock_gettime(c, &t) != 0)
		return -1;
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void add(struct acc *a, const struct rusage *r)
{
	a->cpu_ns += (r->ru_utime.tv_sec + r->ru_stime.tv_sec) * 1000000000LL +
		     (r->ru_utime.tv_usec + r->ru_stime.tv_usec) * 1000LL;
	if (r->ru_maxrss > a->maxrss_kb)
		a->maxrss_kb = r->ru_maxrss;
}

/* Reap the exited orphans that were reparented to us. */
static void reap(struct acc *a)
{
	struct rusage ru;
	int st;
	while (wait4(-1, &st, WNOHANG, &ru) > 0)
		add(a, &ru);
}

/* Run argv, wait for it; returns its exit status (128+N for signal N). */
static int run(char **argv, struct acc *a, long long *wall)
{
	struct rusage ru;
	int st;
	long long t0 = ns(CLOCK_MONOTONIC);
	pid_t p = fork();
	if (p < 0)
		return 126;
	if (p == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "measure: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (wait4(p, &st, 0, &ru) < 0)
		if (errno != EINTR)
			return 126;
	*wall = ns(CLOCK_MONOTONIC) - t0;
	add(a, &ru);
	reap(a);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void report(const char *phase, long long wall, const struct acc *a, int rc)
{
	fprintf(out, "%s %lld %lld %ld %d\n", phase, wall, a->cpu_ns, a->maxrss_kb, rc);
	fflush(out);
}

static pid_t read_pid(const char *file)
{
	char buf[32] = { 0 };
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	return n > 0 ? (pid_t)strtol(buf, NULL, 10) : -1;
}

/* After a failure or a signal: DELETE-ARGV with --force before the id (a
 * created container would otherwise be orphaned to pid 1), then reap the
 * init. Returns the exit status for the script: 130 if interrupted. */
static int force_delete(char **del, pid_t init)
{
	struct acc a = { 0 };
	long long wall;
	char *argv[64];
	int n = 0;
	while (del[n] && n < 61) {
		argv[n] = del[n];
		n++;
	}
	argv[n] = argv[n - 1];
	argv[n - 1] = "--force";
	argv[n + 1] = NULL;
	run(argv, &a, &wall);
	for (int i = 0; i < 2000 && init > 0; i++) {
		reap(&a);
		if (kill(init, 0) != 0 && errno == ESRCH)
			break;
		struct timespec d = { 0, 1000000 };
		nanosleep(&d, NULL);
	}
	return stop ? 130 : 1;
}

int main(int argc, char **argv)
{
	struct acc a = { 0 };
	long long wall = 0;
	int rc;

	if (argc < 4) {
		fprintf(stderr, "usage: measure OUT run ARGV...\n"
				"       measure OUT lc PIDFILE CREATE... @@ START... @@ DELETE...\n");
		return 2;
	}
	out = fopen(argv[1], "a");
	if (!out) {
		perror(argv[1]);
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
		perror("measure: PR_SET_CHILD_SUBREAPER");
		return 2;
	}
	/* ^C or kill: finish the command under way, clean up, exit 130. */
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	if (strcmp(argv[2], "run") == 0) {
		rc = run(argv + 3, &a, &wall);
		report("run", wall, &a, rc);
		return stop ? 130 : rc != 0;
	}
	if (strcmp(argv[2], "lc") != 0 || argc < 5)
		return 2;

	const char *pidfile = argv[3];
	char **cmd[3] = { argv + 4, NULL, NULL };
	int k = 1;
	for (int i = 4; i < argc; i++)
		if (strcmp(argv[i], "@@") == 0) {
			argv[i] = NULL;
			if (k < 3)
				cmd[k++] = argv + i + 1;
		}
	if (k != 3) {
		fprintf(stderr, "measure: lc wants CREATE @@ START @@ DELETE\n");
		return 2;
	}

	/* create */
	unlink(pidfile);
	rc = run(cmd[0], &a, &wall);
	pid_t init = read_pid(pidfile);
	long long init_ns = 0;
	clockid_t cid;
	if (rc == 0 && init <= 0) {
		fprintf(stderr, "measure: no pid in %s\n", pidfile);
		rc = 125;
	}
	if (rc == 0) {
		if (clock_getcpuclockid(init, &cid) == 0 && (init_ns = ns(cid)) >= 0)
			a.cpu_ns += init_ns;
		else
			fprintf(stderr, "measure: CPU clock of pid %d: %s\n", init, strerror(errno)), init_ns = 0;
	}
	report("create", wall, &a, rc);
	if (rc != 0)
		return stop ? 130 : 1;
	if (stop)
		return force_delete(cmd[2], init);

	/* start, then (untimed) wait until the container has exited */
	memset(&a, 0, sizeof a);
	rc = run(cmd[1], &a, &wall);
	long long deadline = ns(CLOCK_MONOTONIC) + 10000000000LL;
	for (;;) {
		reap(&a);
		if (kill(init, 0) != 0 && errno == ESRCH)
			break;
		if (stop)
			break;
		if (ns(CLOCK_MONOTONIC) > deadline) {
			fprintf(stderr, "measure: container pid %d still there 10 s after start\n", init);
			if (rc == 0)
				rc = 124;
			break;
		}
		struct timespec d = { 0, 100000 };
		nanosleep(&d, NULL);
	}
	a.cpu_ns -= init_ns;
	report("start", wall, &a, rc);
	if (stop || rc != 0)
		return force_delete(cmd[2], init);

	/* delete */
	memset(&a, 0, sizeof a);
	rc = run(cmd[2], &a, &wall);
	report("delete", wall, &a, rc);
	return stop ? 130 : rc != 0;
}
EOF
cc -O2 -Wall -o "$T/measure" "$T/measure.c" || die "cannot compile the measure helper"
st=0
"$T/measure" 2>/dev/null || st=$?
[ "$st" = 2 ] || die "cannot run programs from $T (noexec?): use --tmpdir"

# A private copy of minirun: a rebuild during the run must not change it.
cp "$MINIRUN" "$T/minirun"
MINIRUN=$T/minirun

# ---------------------------------------------------------------- the bundle

log "building the busybox bundle in $T/bundle"
"$mkrootfs" "$T/bundle/rootfs" >/dev/null
"$MINIRUN" spec --bundle "$T/bundle"
# crun 1.8.1 rejects an ociVersion that is not 1.0.x ("unknown version
# specified"): the same bundle must run on all three, so say 1.0.2 (runc
# 1.1.5 implements 1.0.2). cgroupsPath is filled in per container.
TMPL=$(jq '.ociVersion = "1.0.2"
	| .process.terminal = false
	| .process.args = ["/bin/true"]
	| .linux.cgroupsPath = "@CGPATH@"' "$T/bundle/config.json")
rm -f "$T/bundle/config.json"

set_config() { # RUNTIME N
	printf '%s\n' "${TMPL//@CGPATH@//minirun-test/bench-$1-$2}" >"$T/bundle/config.json"
}

# ---------------------------------------------------------------- runtimes

# crun 1.8.1 refuses hybrid cgroups when the unified hierarchy lists
# controllers (notes/clients.md section 0): it runs in a private mount
# namespace with an empty file bind-mounted over that cgroup.controllers.
CRUN_FIX=0
# (cgroupfs files have size 0: read it.)
if [ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null)" ]; then
	CRUN_FIX=1
	: >"$T/empty"
fi
# The per-call wrapper podman/containerd were given (notes/clients.md 1.4).
cat >"$T/crun-hybridfix.sh" <<EOF
#!/bin/sh
exec unshare -m --propagation slave -- sh -c 'mount --bind $T/empty /sys/fs/cgroup/unified/cgroup.controllers && exec $CRUN "\$@"' crun "\$@"
EOF
chmod 0755 "$T/crun-hybridfix.sh"

# crunnocg: crun --cgroup-manager=disabled, in the same namespace as crun:
# crun minus its cgroup work (all three runtimes make cgroups; this shows
# what they cost crun). crunwrap: crun through the per-call wrapper, what
# clients pay.
RTS=(runc crun minirun)
[ "$NOCG" = 1 ] && RTS+=(crunnocg)
[ "$WRAP" = 1 ] && [ "$CRUN_FIX" = 1 ] && RTS+=(crunwrap)

rt_cmd() { # RUNTIME [cleanup]: sets RT, the command prefix
	case $1 in
	runc) RT=("$RUNC" --root "$T/root/runc") ;;
	crun | crunnocg)
		# Measured inside the one private namespace (CRUNNS below);
		# cleanup runs outside it, through the wrapper.
		if [ "${2:-}" = cleanup ] && [ "$CRUN_FIX" = 1 ]; then
			RT=("$T/crun-hybridfix.sh")
		else
			RT=("$CRUN")
		fi
		[ "$1" = crun ] || RT+=(--cgroup-manager=disabled)
		RT+=(--root "$T/root/$1")
		;;
	crunwrap) RT=("$T/crun-hybridfix.sh" --root "$T/root/crunwrap") ;;
	minirun) RT=("$MINIRUN" --root "$T/root/minirun") ;;
	esac
}

# crun, fairly: ONE private mount namespace, bind-mounted once, runs every
# crun measurement, so crun's numbers carry no unshare+sh cost. It is a
# shell reading command lines from us, so crun still takes its turn in the
# round-robin. (runc and minirun stay in the host's mount namespace.)
if [ "$CRUN_FIX" = 1 ]; then
	coproc CRUNNS {
		exec unshare -m --propagation slave -- bash -c '
			mount --bind "$1" /sys/fs/cgroup/unified/cgroup.controllers || exit 1
			echo ready
			while IFS= read -r line; do
				eval "$line"
				echo "done $?"
			done' crun-ns "$T/empty"
	}
	read -r -t 10 -u "${CRUNNS[0]}" ready || die "the crun mount namespace did not start"
	[ "$ready" = ready ] || die "the crun mount namespace did not start"
fi

# measure RUNTIME ARGS...: runs the helper (in the crun namespace for crun).
measure() {
	local rt=$1 line reply
	shift
	printf -v line '%q ' "$T/measure" "$@"
	line+="</dev/null >>$T/log.$rt 2>&1"
	if [ "$CRUN_FIX" = 1 ] && { [ "$rt" = crun ] || [ "$rt" = crunnocg ]; }; then
		printf '%s\n' "$line" >&"${CRUNNS[1]}"
		read -r -u "${CRUNNS[0]}" reply || die "the crun mount namespace died"
		return "${reply#done }"
	else
		eval "$line"
	fi
}

fail() { # RUNTIME WHAT STATUS
	[ "$3" != 130 ] || { log "interrupted"; exit 130; }
	log "$1: $2 failed; the end of $T/log.$1:"
	tail -n 20 "$T/log.$1" >&2 || true
	exit 1
}

serial=0
one_run() { # RUNTIME DATAFILE
	local rt=$1 id
	serial=$((serial + 1))
	id=bench-$rt-$serial
	set_config "$rt" "$serial"
	rt_cmd "$rt"
	measure "$rt" "$2" run "${RT[@]}" run --bundle "$T/bundle" "$id" || fail "$rt" "run $id" $?
	# runc and crun run without -d delete on exit; so must minirun.
	[ ! -e "$T/root/$rt/$id" ] || fail "$rt" "run $id (its state dir is still there)" 1
}

one_lifecycle() { # RUNTIME DATAFILE
	local rt=$1 id
	serial=$((serial + 1))
	id=bench-$rt-$serial
	set_config "$rt" "$serial"
	rt_cmd "$rt"
	measure "$rt" "$2" lc "$T/pid.$rt" \
		"${RT[@]}" create --bundle "$T/bundle" --pid-file "$T/pid.$rt" "$id" @@ \
		"${RT[@]}" start "$id" @@ \
		"${RT[@]}" delete "$id" || fail "$rt" "create/start/delete $id" $?
	[ ! -e "$T/root/$rt/$id" ] || fail "$rt" "delete $id (its state dir is still there)" 1
}

# ---------------------------------------------------------------- machine

first_line() { "$@" 2>/dev/null | head -n 1 || true; }
m_nproc=$(nproc)
m_kernel=$(uname -r)
m_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
m_load=$(cut -d' ' -f1-3 /proc/loadavg)
v_runc=$(first_line "$RUNC" --version)
v_crun=$(first_line "$CRUN" --version)
v_minirun="$(first_line "$MINIRUN" --version) ($("$MINIRUN" --version 2>/dev/null | sed -n 's/^commit: //p'))"
v_busybox=$(/bin/busybox 2>/dev/null | sed -n '1s/^\(BusyBox v[^ ]*\).*/\1/p' || true)

# ---------------------------------------------------------------- the loop

log "runtimes: ${RTS[*]}; $W warm-up + $N measured iterations each, round-robin"
started=$(date +%s)
for ((i = 1; i <= W + N; i++)); do
	if [ "$i" -le "$W" ]; then sfx=warm; else sfx=data; fi
	for rt in "${RTS[@]}"; do one_run "$rt" "$T/data/$rt.$sfx"; done
	for rt in "${RTS[@]}"; do one_lifecycle "$rt" "$T/data/$rt.$sfx"; done
	if [ -t 2 ]; then
		printf '\r%s: iteration %d/%d (%ds)' "$prog" "$i" "$((W + N))" "$(($(date +%s) - started))" >&2
	elif [ $((i % 10)) = 0 ]; then
		log "iteration $i/$((W + N)) ($(($(date +%s) - started))s)"
	fi
done
[ -t 2 ] && echo >&2
elapsed=$(($(date +%s) - started))

# ---------------------------------------------------------------- report

# One awk for both formats: medians of CPU, wall and peak RSS per runtime and
# phase, ratios minirun/crun.
files=()
for rt in "${RTS[@]}"; do files+=("$T/data/$rt.data"); done
awk -v json="$JSON" -v rts="${RTS[*]}" -v n="$N" -v w="$W" -v elapsed="$elapsed" \
	-v t_dir="$TMPBASE" -v t_fs="$T_FS" -v m_nproc="$m_nproc" -v m_kernel="$m_kernel" -v m_cpu="$m_cpu" -v m_load="$m_load" \
	-v v_runc="$v_runc" -v v_crun="$v_crun" -v v_minirun="$v_minirun" -v v_busybox="$v_busybox" '
function sortv(a, k,    i, j, t) {
	for (i = 2; i <= k; i++) {
		t = a[i]
		for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]
		a[j + 1] = t
	}
}
# quantile q of the values of key (runtime SUBSEP phase SUBSEP metric)
function q(key, qq,    k, i, v, pos, lo) {
	k = cnt[key]
	if (k == 0) return ""
	for (i = 1; i <= k; i++) v[i] = val[key, i]
	sortv(v, k)
	pos = 1 + (k - 1) * qq
	lo = int(pos)
	return lo >= k ? v[k] : v[lo] + (pos - lo) * (v[lo + 1] - v[lo])
}
function med(rt, ph, m) { return q(rt SUBSEP ph SUBSEP m, 0.5) }
function f2(x) { return x == "" ? "n/a" : sprintf("%.2f", x) }
function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "n/a" : sprintf("%.2f", a / b) }
function js(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
function jn(x) { return x == "" ? "null" : sprintf("%.3f", x) }
{
	rt = FILENAME; sub(/.*\//, "", rt); sub(/\.data$/, "", rt)
	ph = $1
	key = rt SUBSEP ph
	c = ++cnt[key SUBSEP "cpu"]; cnt[key SUBSEP "wall"] = c; cnt[key SUBSEP "rss"] = c
	val[key SUBSEP "wall", c] = $2 / 1e6
	val[key SUBSEP "cpu", c] = $3 / 1e6
	val[key SUBSEP "rss", c] = $4 / 1024
}
END {
	nr = split(rts, R, " ")
	np = split("run create start delete", P, " ")
	if (json) {
		printf "{\n  \"machine\": {\"nproc\": %s, \"kernel\": %s, \"cpu\": %s, \"loadavg_at_start\": %s},\n", m_nproc, js(m_kernel), js(m_cpu), js(m_load)
		printf "  \"versions\": {\"runc\": %s, \"crun\": %s, \"minirun\": %s, \"busybox\": %s},\n", js(v_runc), js(v_crun), js(v_minirun), js(v_busybox)
		printf "  \"iterations\": %d, \"warmup\": %d, \"elapsed_s\": %d, \"state_dirs_in\": %s, \"state_dirs_fs\": %s,\n", n, w, elapsed, js(t_dir), js(t_fs)
		printf "  \"units\": {\"cpu_ms\": \"user+sys of the whole process tree, ms\", \"wall_ms\": \"ms\", \"peak_rss_mb\": \"largest ru_maxrss in the tree, MiB\"},\n"
		printf "  \"results\": {\n"
		for (r = 1; r <= nr; r++) {
			printf "    %s: {\n", js(R[r])
			for (p = 1; p <= np; p++) {
				printf "      %s: {", js(P[p])
				sep = ""
				split("cpu_ms wall_ms peak_rss_mb", M, " "); split("cpu wall rss", MK, " ")
				for (m = 1; m <= 3; m++) {
					key = R[r] SUBSEP P[p] SUBSEP MK[m]
					printf "%s\"%s\": {\"median\": %s, \"min\": %s, \"p25\": %s, \"p75\": %s, \"max\": %s}", sep, M[m], jn(q(key, .5)), jn(q(key, 0)), jn(q(key, .25)), jn(q(key, .75)), jn(q(key, 1))
					sep = ", "
				}
				printf "}%s\n", p < np ? "," : ""
			}
			printf "    }%s\n", r < nr ? "," : ""
		}
		printf "  },\n  \"ratio_minirun_crun\": {"
		for (p = 1; p <= np; p++)
			printf "\"%s_cpu\": %s, \"%s_wall\": %s, ", P[p], ratio(med("minirun", P[p], "cpu"), med("crun", P[p], "cpu")), P[p], ratio(med("minirun", P[p], "wall"), med("crun", P[p], "wall"))
		printf "\"peak_rss\": %s},\n", ratio(med("minirun", "run", "rss"), med("crun", "run", "rss"))
		if (cnt["crunnocg" SUBSEP "run" SUBSEP "cpu"]) {
			printf "  \"ratio_minirun_crun_no_cgroups\": {"
			for (p = 1; p <= np; p++)
				printf "\"%s_cpu\": %s, \"%s_wall\": %s%s", P[p], ratio(med("minirun", P[p], "cpu"), med("crunnocg", P[p], "cpu")), P[p], ratio(med("minirun", P[p], "wall"), med("crunnocg", P[p], "wall")), p < np ? ", " : ""
			printf "},\n"
		}
		printf "  \"notes\": [\"crun ran in one private mount namespace with an empty file over /sys/fs/cgroup/unified/cgroup.controllers (hybrid cgroups workaround); crunnocg is crun --cgroup-manager=disabled in that namespace; crunwrap ran through the per-call unshare+sh wrapper\", \"smallest memory limit that runs: not measured by bench.sh, see bench/README.md (the memory floor)\"]\n}\n"
		exit
	}
	printf "## minirun performance budget (DESIGN.md section 6)\n\n"
	printf "Machine: %s CPUs (%s), kernel %s, load average at start %s.  \n", m_nproc, m_cpu, m_kernel, m_load
	printf "Runtimes: %s; %s; %s. Container: %s /bin/true, `minirun spec` config.  \n", v_runc, v_crun, v_minirun, v_busybox
	printf "Bundle and --root state dirs in %s (%s).  \n", t_dir, t_fs
	printf "%d measured iterations per runtime (after %d warm-up), interleaved round-robin, %d s in all.\n\n", n, w, elapsed
	# extra columns, after the target
	ne = 0
	for (r = 1; r <= nr; r++)
		if (R[r] != "runc" && R[r] != "crun" && R[r] != "minirun") X[++ne] = R[r]
	label["crunnocg"] = "crun, no cgroups"
	label["crunwrap"] = "crun via per-call wrapper"
	hdr = "| median of " n " | runc | crun | minirun | minirun/crun | target"
	sepl = "|---|---:|---:|---:|---:|---"
	for (e = 1; e <= ne; e++) { hdr = hdr " | " label[X[e]]; sepl = sepl "|---:" }
	for (e = 1; e <= ne; e++) if (X[e] == "crunnocg") { hdr = hdr " | minirun/crun-no-cgroups"; sepl = sepl "|---:"; rnocg = 1 }
	for (t = 0; t < 2; t++) {
		mk = t == 0 ? "cpu" : "wall"
		if (t == 0) printf "### CPU time of the runtime process tree (user+sys, ms)\n\n"
		else printf "\n### Wall time (ms)\n\n"
		print hdr " |"; print sepl "|"
		for (p = 1; p <= np + (t == 0); p++) {
			ph = p <= np ? P[p] : "run"
			m2 = p <= np ? mk : "rss"
			if (p <= np) line = sprintf("| %s | ", ph)
			else line = "| peak RSS (MiB, `run`) | "
			line = line sprintf("%s | %s | %s | %s | %s", f2(med("runc", ph, m2)), f2(med("crun", ph, m2)), f2(med("minirun", ph, m2)), ratio(med("minirun", ph, m2), med("crun", ph, m2)), t == 1 ? "" : p <= np ? "<= 0.5" : "<= 1.5 MiB")
			for (e = 1; e <= ne; e++) line = line " | " f2(med(X[e], ph, m2))
			if (rnocg) line = line " | " ratio(med("minirun", ph, m2), med("crunnocg", ph, m2))
			print line " |"
		}
		if (t == 0) {
			line = "| smallest memory limit that runs | | | | | not measured here: bench/README.md, the memory floor"
			for (e = 1; e <= ne + rnocg; e++) line = line " | "
			print line " |"
		}
	}
	printf "\n- CPU: utime+stime of every process of the tree (runtime, re-execs, helpers, container init, /bin/true); the init is counted in create up to the end of create, in start after.\n"
	printf "- Peak RSS: the largest ru_maxrss among the processes of the `run` tree (the biggest single process, not a sum).\n"
	printf "- crun ran in ONE private mount namespace with an empty file over /sys/fs/cgroup/unified/cgroup.controllers (the hybrid-cgroups workaround), bind-mounted once: no wrapper cost.\n"
	for (e = 1; e <= ne; e++) {
		if (X[e] == "crunnocg") printf "- crun, no cgroups: crun --cgroup-manager=disabled in that namespace; runc, crun and minirun all make cgroups for their containers, so this column shows what crun pays for its cgroups.\n"
		if (X[e] == "crunwrap") printf "- crun via per-call wrapper: every call through unshare -m + sh + mount --bind, as podman/containerd were set up (notes/clients.md 1.4).\n"
	}
}' "${files[@]}"
