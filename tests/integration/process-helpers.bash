# Helpers for the process and seccomp tests (process.bats, seccomp.bats):
#   load helpers
#   load process-helpers
#   setup_file() { pr_setup_file; }
#   setup()      { mr_setup; }
#   teardown()   { pr_teardown; }
#
# Every container reads its own view (/proc/self/status, /proc/self/limits,
# ...) and prints it; the tests compare that with the config.

# shellcheck disable=SC2016 # jq filters: $names are jq's, not the shell's

PR_DATA="$BATS_TEST_DIRNAME/data"
PR_CGROUP_DIRS=()

# pr_setup_file: the shared busybox rootfs (bb_setup_file) plus /bin/sysc,
# a static, libc-free tool that makes one raw system call
# (tests/integration/data/sysc.c; x86_64 hosts only).
pr_setup_file() {
	bb_setup_file || return 1
	if [ "$(uname -m)" = x86_64 ]; then
		"${CC:-cc}" -O2 -static -nostdlib -fno-stack-protector -fno-pie -no-pie \
			-o "$BB_ROOTFS/bin/sysc" "$PR_DATA/sysc.c" || return 1
	fi
}

# requires_sysc: skip on hosts where sysc could not be built (not x86_64).
requires_sysc() {
	[ -x "$BB_ROOTFS/bin/sysc" ] || skip "sysc (raw x86_64 system calls) is not available on $(uname -m)"
}

# requires_i386_syscalls: skip unless this kernel runs 32-bit system calls
# (int $0x80) at all. Some x86_64 kernels have IA-32 emulation built in but
# kill such a call with SIGSEGV even without seccomp (ia32_emulation=0 on
# the command line, or emulation left out by the VM's kernel): probed by
# making one (i386 getpid) outside any container and any filter.
requires_i386_syscalls() {
	requires_sysc
	local out rc=0
	out=$("$BB_ROOTFS/bin/sysc" -32 20 2>&1) || rc=$?
	[ "$rc" -eq 0 ] && [[ $out =~ ^[0-9]+$ ]] && return 0
	skip "this kernel does not run 32-bit system calls (int \$0x80 exited with status $rc, no seccomp involved): runs on x86_64 kernels whose IA-32 emulation works (CONFIG_IA32_EMULATION, not turned off by ia32_emulation=0)"
}

# pr_teardown: stop the background helpers a test started (pr_bg), then
# ct_teardown (delete, check that nothing is left, clean up), then remove
# the cgroups the test made itself ($PR_CGROUP_DIRS, deepest last).
pr_teardown() {
	local pid ret=0 i
	if [ -f "$MR_TMP/.bg-pids" ]; then
		while read -r pid; do
			kill -KILL "$pid" 2>/dev/null || true
		done <"$MR_TMP/.bg-pids"
	fi
	ct_teardown || ret=$?
	for ((i = ${#PR_CGROUP_DIRS[@]} - 1; i >= 0; i--)); do
		rmdir "${PR_CGROUP_DIRS[i]}" 2>/dev/null || true
	done
	return "$ret"
}

# pr_bg COMMAND...: run COMMAND in the background (killed in pr_teardown);
# its pid is in $BG_PID. It must not hold bats' fd 3.
pr_bg() {
	"$@" </dev/null 3>&- &
	BG_PID=$!
	echo "$BG_PID" >>"$MR_TMP/.bg-pids"
}

# pr_bundle NAME [ARG...]: a busybox bundle (bb_bundle) in $MR_TMP/NAME,
# stored in $B, with process.args set to ARGS when given.
pr_bundle() {
	B="$MR_TMP/$1"
	shift
	bb_bundle "$B" "$@"
}

# pr_run ID [RUN-OPTION...]: `minirun run` of $B as ID (tracked; killed
# after 30 s), through xrun: sets $status, $output (the container's stdout)
# and $stderr.
pr_run() {
	local id=$1
	shift
	ct_track "$id"
	xrun timeout -k 5 30 "$MINIRUN" --root "$MR_ROOT" run --bundle "$B" "$@" "$id"
}

# field NAME [TEXT]: the value of "NAME:<tab>value" in TEXT (default
# $output), as /proc/PID/status prints it.
field() {
	local text=${2-$output}
	sed -n "s/^$1:[[:space:]]*//p" <<<"$text" | sed 's/[[:space:]]*$//'
}

# stat_field N LINE: field N (1-based, as proc(5) numbers them) of a
# /proc/PID/stat line; comm (field 2) may hold spaces.
stat_field() {
	local n=$1 rest=${2##*) }
	local -a f
	read -r -a f <<<"$rest"
	# after "comm)" the fields start at 3
	echo "${f[n - 3]}"
}

# The capability numbers of <linux/capability.h>.
declare -gA PR_CAPS=(
	[CAP_CHOWN]=0 [CAP_DAC_OVERRIDE]=1 [CAP_DAC_READ_SEARCH]=2 [CAP_FOWNER]=3
	[CAP_FSETID]=4 [CAP_KILL]=5 [CAP_SETGID]=6 [CAP_SETUID]=7 [CAP_SETPCAP]=8
	[CAP_LINUX_IMMUTABLE]=9 [CAP_NET_BIND_SERVICE]=10 [CAP_NET_BROADCAST]=11
	[CAP_NET_ADMIN]=12 [CAP_NET_RAW]=13 [CAP_IPC_LOCK]=14 [CAP_IPC_OWNER]=15
	[CAP_SYS_MODULE]=16 [CAP_SYS_RAWIO]=17 [CAP_SYS_CHROOT]=18 [CAP_SYS_PTRACE]=19
	[CAP_SYS_PACCT]=20 [CAP_SYS_ADMIN]=21 [CAP_SYS_BOOT]=22 [CAP_SYS_NICE]=23
	[CAP_SYS_RESOURCE]=24 [CAP_SYS_TIME]=25 [CAP_SYS_TTY_CONFIG]=26 [CAP_MKNOD]=27
	[CAP_LEASE]=28 [CAP_AUDIT_WRITE]=29 [CAP_AUDIT_CONTROL]=30 [CAP_SETFCAP]=31
	[CAP_MAC_OVERRIDE]=32 [CAP_MAC_ADMIN]=33 [CAP_SYSLOG]=34 [CAP_WAKE_ALARM]=35
	[CAP_BLOCK_SUSPEND]=36 [CAP_AUDIT_READ]=37 [CAP_PERFMON]=38 [CAP_BPF]=39
	[CAP_CHECKPOINT_RESTORE]=40
)

# cap_mask NAME...: the 16-digit hex mask /proc/PID/status shows for NAMEs.
cap_mask() {
	local m=0 c
	for c in "$@"; do
		[ -n "${PR_CAPS[$c]+x}" ] || {
			echo "cap_mask: unknown capability $c" >&2
			return 1
		}
		m=$((m | (1 << PR_CAPS[$c])))
	done
	printf '%016x\n' "$m"
}

# host_has_cap NAME: this shell (and so the minirun it starts) holds NAME
# in its effective set.
host_has_cap() {
	local eff
	eff=$(field CapEff "$(cat /proc/self/status)")
	(((16#$eff >> PR_CAPS[$1]) & 1))
}

# pr_caps_json: the process.capabilities used by the capability tests:
# every set different, an ambient one that is not inheritable (CAP_KILL,
# which the kernel cannot raise) and one that is (CAP_NET_BIND_SERVICE).
pr_caps_json() {
	cat <<'JSON'
{
	"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT"],
	"permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
	"effective": ["CAP_CHOWN", "CAP_KILL"],
	"inheritable": ["CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
	"ambient": ["CAP_NET_BIND_SERVICE", "CAP_KILL"]
}
JSON
}

# set_mask SET: the mask of process.capabilities.SET in $B/config.json.
set_mask() {
	local names
	names=$(jq -r ".process.capabilities.$1 // [] | .[]" "$B/config.json")
	# shellcheck disable=SC2086
	cap_mask $names
}

# and_masks HEX HEX... / or_masks HEX HEX...: bitwise, as 16 hex digits.
and_masks() {
	local m=$((16#$1)) x
	shift
	for x in "$@"; do m=$((m & 16#$x)); done
	printf '%016x\n' "$m"
}

# fd_list PID: the fds PID holds, one "N -> TARGET" a line, sorted by N.
fd_list() {
	local f
	for f in /proc/"$1"/fd/*; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		printf '%s -> %s\n' "${f##*/}" "$(readlink "$f")"
	done | sort -n
}

# fd_numbers PID: the fd numbers PID holds, space-separated, ascending.
fd_numbers() {
	fd_list "$1" | awk '{ print $1 }' | tr '\n' ' ' | sed 's/ $//'
}

# proc_comm_is PID NAME: for wait_for.
proc_comm_is() {
	[ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]
}

# ---- seccomp ---------------------------------------------------------------

# seccomp_cfg JSON: set linux.seccomp of $B to JSON.
seccomp_cfg() {
	bb_cfg "$B" '.linux.seccomp = $s' --argjson s "$1"
}

# podman_allowed_names [EXCLUDE...]: the syscall names podman's profile
# allows without conditions (data/podman-seccomp.json), as a JSON array,
# without EXCLUDEs: an allowlist busybox runs with.
podman_allowed_names() {
	jq -c '[.syscalls[] | select(.action == "SCMP_ACT_ALLOW" and .args == null) | .names[]]
		| unique - $ARGS.positional' --args -- "$@" <"$PR_DATA/podman-seccomp.json"
}

# agent_start MODE [ERRNO]: the seccomp notify agent (tests/tools/seccomp-agent.c,
# $SECCOMP_AGENT) in the background, listening on $AGENT_SOCK and writing
# into $AGENT_DIR.
: "${SECCOMP_AGENT:=$TOP_BUILDDIR/tests/tools/seccomp-agent}"
agent_start() {
	AGENT_DIR="$MR_TMP/agent"
	AGENT_SOCK="$AGENT_DIR/listener.sock"
	rm -rf "$AGENT_DIR"
	mkdir -p "$AGENT_DIR"
	pr_bg "$SECCOMP_AGENT" "$AGENT_SOCK" "$AGENT_DIR" "$@"
	AGENT_PID=$BG_PID
	wait_for 10 test -S "$AGENT_SOCK"
}

# agent_wait: wait for the agent to exit; fail with its error when it failed.
agent_wait() {
	wait_for 20 pid_gone "$AGENT_PID" || return 1
	if [ -f "$AGENT_DIR/error" ]; then
		fail "the seccomp agent failed: $(cat "$AGENT_DIR/error")"
	fi
}

# audit_records PID: the kernel's seccomp audit records (type=1326) of PID
# in the kernel log (printed there when no audit daemon runs), logged after
# audit_mark (so that an old record of a reused pid does not count).
audit_records() {
	dmesg 2>/dev/null | awk -v pid="$1" -v since="${AUDIT_SINCE:-0}" '
		/type=1326/ && index($0, " pid=" pid " ") {
			t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t)
			if (t + 0 >= since) print
		}'
}

# audit_mark: from now on for audit_records (the kernel log's clock, less
# a second for the difference between it and /proc/uptime).
audit_mark() {
	AUDIT_SINCE=$(awk '{ print $1 - 1 }' /proc/uptime)
}

# has_audit_record PID: for wait_for.
has_audit_record() {
	[ -n "$(audit_records "$1")" ]
}

# ---- real-time scheduling and cgroup v1 ----------------------------------

# cpu_v1_dir: the mount point of the cgroup v1 hierarchy with the cpu
# controller, when there is one.
cpu_v1_dir() {
	awk '{ for (i = 7; $i != "-"; i++) {}
		if ($(i + 1) == "cgroup" && ("," $(i + 3) ",") ~ /,cpu,/) { print $5; exit } }' /proc/self/mountinfo
}

# rt_group_sched: the kernel gives real-time tasks a per-cgroup budget
# (CONFIG_RT_GROUP_SCHED, seen through cgroup v1's cpu.rt_runtime_us).
rt_group_sched() {
	local d
	d=$(cpu_v1_dir)
	[ -n "$d" ] && [ -f "$d/cpu.rt_runtime_us" ]
}

# rt_budget_parent CGPATH US: make CGPATH (and its missing ancestors) in the
# v1 cpu hierarchy, each with a real-time budget of US microseconds per
# period, for a container cgroup below it. Removed in pr_teardown. The
# chain is made first (cg_mkdir_in: other files' teardowns remove an empty
# /minirun-test); once the leaf exists no ancestor can go away.
rt_budget_parent() {
	local cpu rel="" part
	cpu=$(cpu_v1_dir)
	local -a parts
	IFS=/ read -r -a parts <<<"${1#/}"
	for part in "${parts[@]}"; do
		rel+="/$part"
		[ -d "$cpu$rel" ] || PR_CGROUP_DIRS+=("$cpu$rel")
	done
	cg_mkdir_in "$cpu" cpu "$1" || return 1
	rel=""
	for part in "${parts[@]}"; do
		rel+="/$part"
		# parents first: a child's budget may not exceed its parent's
		[ "$(cat "$cpu$rel/cpu.rt_runtime_us")" -ge "$2" ] ||
			echo "$2" >"$cpu$rel/cpu.rt_runtime_us" || return 1
	done
}
