#!/usr/bin/env bats
# linux.seccomp (issue 4, point 8): default actions and errno values,
# architectures, argument conditions, every action the kernel can show,
# flags, SCMP_ACT_NOTIFY with a listener agent, the filter loaded late, and
# podman's real profile. Containers read their own view (/proc/self/status:
# Seccomp 2 = filter mode) and report what the filtered calls returned;
# /bin/sysc (data/sysc.c) makes one raw system call and prints its result.

load helpers
load process-helpers

setup_file() { pr_setup_file; }
setup() { mr_setup; }
teardown() {
	pr_teardown
	local r=$?
	cgroup_parent_cleanup
	return $r
}

# mkdir(1) of busybox prints the strerror of what mkdir(2) returned.
MKDIR_42="mkdir: can't create directory '/dev/shm/d': No message of desired type"

# The kernel log shows audit records of seccomp only when no audit daemon
# takes them, and printk_ratelimit may drop some: the LOG tests come first.

# audited_run ID EXPECTED_STDERR: create and start container ID from $B,
# check its stderr, and wait for its audit record in the kernel log. Without
# an audit daemon the kernel prints those records under printk_ratelimit()
# (10 messages per 5 s for the whole host: any other seccomp kill or audit
# message of the last seconds counts), so a lost record gets two more
# containers, 5 s apart. Sets AUDIT_PID to the pid whose record was seen.
audited_run() {
	local id=$1 want=$2 try
	for try in 1 2 3; do
		[ "$try" -eq 1 ] || sleep 5.2
		audit_mark
		ct_create "$id-$try" "$B"
		AUDIT_PID=$(ct_pid "$id-$try")
		mr start "$id-$try"
		wait_for 5 pid_gone "$AUDIT_PID"
		assert_equal "$(cat "$MR_TMP/$id-$try.stderr")" "$want"
		if wait_for 3 has_audit_record "$AUDIT_PID"; then
			[ "$try" -eq 1 ] || echo "# audit record seen for container $try (printk ratelimit)" >&3
			return 0
		fi
	done
	fail "no audit record of $id in the kernel log after 3 containers"
}

@test "SCMP_ACT_LOG: the call is allowed and logged by the kernel" {
	[ "$(cat /proc/sys/kernel/seccomp/actions_logged 2>/dev/null)" != "" ] || skip "no /proc/sys/kernel/seccomp/actions_logged"
	[[ " $(cat /proc/sys/kernel/seccomp/actions_logged) " == *" log "* ]] || skip "this kernel does not log the log action (actions_logged)"
	[ -z "$(pidof auditd)" ] || skip "auditd takes the records away from the kernel log"
	pr_bundle b mkdir /dev/shm/d
	seccomp_cfg '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_LOG"}]}'
	audited_run log ""
	# code 0x7ffc0000 is SECCOMP_RET_LOG; syscall 83 is x86_64 mkdir
	assert_match "$(audit_records "$AUDIT_PID")" 'comm="mkdir".* code=0x7ffc0000'
}

@test "flags: SECCOMP_FILTER_FLAG_LOG logs an errno action, which is not logged without it" {
	[[ " $(cat /proc/sys/kernel/seccomp/actions_logged 2>/dev/null) " == *" errno "* ]] ||
		skip "this kernel does not log the errno action (actions_logged)"
	[ -z "$(pidof auditd)" ] || skip "auditd takes the records away from the kernel log"
	pr_bundle b mkdir /dev/shm/d
	seccomp_cfg '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_LOG"],
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42}]}'
	local pid
	audited_run flag-log "$MKDIR_42"
	# code 0x00050000 is SECCOMP_RET_ERRNO
	assert_match "$(audit_records "$AUDIT_PID")" 'comm="mkdir".* code=0x50000'

	bb_cfg "$B" 'del(.linux.seccomp.flags)'
	ct_create no-flag-log "$B"
	pid=$(ct_pid no-flag-log)
	mr start no-flag-log
	wait_for 5 pid_gone "$pid"
	assert_equal "$(cat "$MR_TMP/no-flag-log.stderr")" "$MKDIR_42"
	sleep 0.3
	assert_equal "$(audit_records "$pid")" ""
}

# ---- default actions -------------------------------------------------------

@test "defaultAction SCMP_ACT_ALLOW with a denylist: mkdir gets errnoRet 42, the rest works" {
	pr_bundle b sh -c 'grep -E "^Seccomp" /proc/self/status; mkdir /dev/shm/d; echo "mkdir: $?"; echo x >/dev/shm/f && cat /dev/shm/f'
	seccomp_cfg '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42}]}'
	pr_run allow-deny
	assert_status 0
	assert_equal "$(field Seccomp)" 2
	assert_equal "$(field Seccomp_filters)" 1
	assert_contains "$output" $'mkdir: 1\nx'
	assert_equal "$stderr" "$MKDIR_42"
}

@test "SCMP_ACT_ERRNO without errnoRet returns EPERM" {
	pr_bundle b mkdir /dev/shm/d
	seccomp_cfg '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	pr_run errno-eperm
	assert_status 1
	assert_equal "$stderr" "mkdir: can't create directory '/dev/shm/d': Operation not permitted"
}

@test "defaultAction SCMP_ACT_ERRNO with defaultErrnoRet 42 and an allowlist" {
	pr_bundle b sh -c 'echo sh works; mkdir /dev/shm/d; echo "mkdir: $?"'
	seccomp_cfg "$(jq -n --argjson names "$(podman_allowed_names mkdir mkdirat)" \
		'{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 42,
		  "syscalls": [{"names": $names, "action": "SCMP_ACT_ALLOW"}]}')"
	pr_run default-errno
	assert_status 0
	assert_equal "$output" $'sh works\nmkdir: 1'
	assert_equal "$stderr" "$MKDIR_42"

	# without defaultErrnoRet: EPERM
	bb_cfg "$B" 'del(.linux.seccomp.defaultErrnoRet)'
	pr_run default-eperm
	assert_status 0
	assert_equal "$stderr" "mkdir: can't create directory '/dev/shm/d': Operation not permitted"
}

@test "defaultAction SCMP_ACT_KILL with an allowlist: a call outside it kills the process (SIGSYS)" {
	pr_bundle b mkdir /dev/shm/d
	seccomp_cfg "$(jq -n --argjson names "$(podman_allowed_names mkdir mkdirat)" \
		'{"defaultAction": "SCMP_ACT_KILL", "syscalls": [{"names": $names, "action": "SCMP_ACT_ALLOW"}]}')"
	pr_run default-kill
	# run returns 128 + SIGSYS (31)
	assert_status 159
	assert_equal "$stderr" ""
	[ ! -e "$B/rootfs/dev/shm/d" ]

	bb_cfg "$B" '.process.args = ["sh", "-c", "echo allowed"]'
	pr_run default-kill-ok
	assert_status 0
	assert_equal "$output" "allowed"
}

@test "SCMP_ACT_KILL_PROCESS and SCMP_ACT_TRAP end the process with SIGSYS" {
	pr_bundle b mkdir /dev/shm/d
	seccomp_cfg '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
	pr_run kill-process
	assert_status 159
	bb_cfg "$B" '.linux.seccomp.syscalls[0].action = "SCMP_ACT_TRAP"'
	pr_run trap
	assert_status 159
}

@test "SCMP_ACT_TRACE with no tracer: the call fails with ENOSYS" {
	pr_bundle b mkdir /dev/shm/d
	seccomp_cfg '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_TRACE", "errnoRet": 42}]}'
	pr_run trace
	assert_status 1
	assert_equal "$stderr" "mkdir: can't create directory '/dev/shm/d': Function not implemented"
}

@test "syscalls: names this libseccomp does not know are skipped, the others still apply" {
	pr_bundle b mkdir /dev/shm/d
	seccomp_cfg '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["no_such_syscall", "mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42}]}'
	pr_run unknown-name
	assert_status 1
	assert_equal "$stderr" "$MKDIR_42"
}

# ---- architectures ---------------------------------------------------------

@test "architectures: an i386 call is killed unless SCMP_ARCH_X86 is listed; rules apply to every listed one" {
	requires_i386_syscalls
	# i386 getpid (20) through int $0x80; the process is pid 1
	pr_bundle b sysc -32 20
	seccomp_cfg '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
		"syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_ERRNO"}]}'
	pr_run arch-native
	assert_status 159

	bb_cfg "$B" 'del(.linux.seccomp.architectures)'
	pr_run arch-none
	assert_status 159

	bb_cfg "$B" '.linux.seccomp.architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]'
	pr_run arch-x86
	assert_status 0
	assert_equal "$output" 1

	# a rule on getpid holds for both architectures
	bb_cfg "$B" '.linux.seccomp.syscalls = [{"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42}]
		| .process.args = ["sh", "-c", "sysc -32 20; sysc 39"]'
	pr_run arch-rule
	assert_status 0
	assert_equal "$output" $'-42\n-42'
}

# ---- argument conditions ---------------------------------------------------
# personality(2) is 135 on x86_64; 0xffffffff only queries the persona.

@test "args: SCMP_CMP_NE: only personality(0xffffffff) is allowed" {
	requires_sysc
	pr_bundle b sh -c 'sysc 135 0xffffffff; sysc 135 8; sysc 135 0'
	seccomp_cfg '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["personality"],
		"action": "SCMP_ACT_ERRNO", "errnoRet": 42,
		"args": [{"index": 0, "value": 4294967295, "op": "SCMP_CMP_NE"}]}]}'
	pr_run args-ne
	assert_status 0
	assert_equal "$output" $'0\n-42\n-42'
}

@test "args: SCMP_CMP_EQ rules as an allowlist (podman's personality rules)" {
	requires_sysc
	pr_bundle b sh -c 'sysc 135 0xffffffff; sysc 135 8; sysc 135 0x0400000'
	seccomp_cfg "$(jq -n --argjson names "$(podman_allowed_names)" \
		'{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 42, "syscalls": [
			{"names": $names, "action": "SCMP_ACT_ALLOW"},
			{"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]},
			{"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 4294967295, "op": "SCMP_CMP_EQ"}]}]}')"
	pr_run args-eq
	assert_status 0
	assert_equal "$output" $'0\n0\n-42'
}

@test "args: SCMP_CMP_MASKED_EQ compares (arg & value) with valueTwo" {
	requires_sysc
	pr_bundle b sh -c 'sysc 135 0x20008; sysc 135 8; sysc 135 0x20000; sysc 135 0xffffffff'
	seccomp_cfg '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["personality"],
		"action": "SCMP_ACT_ERRNO", "errnoRet": 42,
		"args": [{"index": 0, "value": 65535, "valueTwo": 8, "op": "SCMP_CMP_MASKED_EQ"}]}]}'
	pr_run args-masked
	assert_status 0
	assert_equal "$output" $'-42\n-42\n0\n0'
}

@test "args: two conditions on one argument match either (as runc), on two arguments both" {
	requires_sysc
	pr_bundle b sh -c 'sysc 135 8; sysc 135 0; sysc 135 0xffffffff'
	seccomp_cfg '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["personality"],
		"action": "SCMP_ACT_ERRNO", "errnoRet": 42,
		"args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]}]}'
	pr_run args-same
	assert_status 0
	assert_equal "$output" $'-42\n-42\n0'

	# kill(2) is 62: kill(1, 0) matches both, kill(0, 0) and kill(1, 28) one
	bb_cfg "$B" '.linux.seccomp.syscalls = [{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42,
		"args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 0, "op": "SCMP_CMP_EQ"}]}]
		| .process.args = ["sh", "-c", "sysc 62 1 0; sysc 62 0 0; sysc 62 1 28"]'
	pr_run args-two
	assert_status 0
	assert_equal "$output" $'-42\n0\n0'
}

# ---- flags -----------------------------------------------------------------

@test "flags: SECCOMP_FILTER_FLAG_SPEC_ALLOW and TSYNC are accepted; SPEC_ALLOW leaves SSB unmitigated" {
	pr_bundle b sh -c 'grep -E "^(Seccomp|Speculation_Store_Bypass):" /proc/self/status; mkdir /dev/shm/d'
	seccomp_cfg '{"defaultAction": "SCMP_ACT_ALLOW",
		"flags": ["SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC"],
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42}]}'
	pr_run flags
	assert_status 1
	assert_equal "$(field Seccomp)" 2
	assert_equal "$stderr" "$MKDIR_42"
	# without SPEC_ALLOW a kernel in seccomp mitigation mode would say
	# "thread force mitigated" here
	[[ $(field Speculation_Store_Bypass) != *"force mitigated"* ]]
}

@test "flags: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs libseccomp 2.6: a clear error" {
	local v
	v=$("$MINIRUN" --version | sed -n 's/^libseccomp: //p')
	[[ $v == 2.[0-5].* ]] || skip "minirun is built with libseccomp $v, which has the flag"
	pr_bundle b true
	seccomp_cfg '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"],
		"syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]}'
	create_fails killable
	assert_equal "$stderr" "minirun: linux.seccomp.flags[0]: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs libseccomp >= 2.6, this build has $v"
}

@test "flags: an unknown flag is an error naming it" {
	pr_bundle b true
	seccomp_cfg '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_BOGUS"]}'
	create_fails bad-flag
	assert_contains "$stderr" "linux.seccomp.flags[0]"
	assert_contains "$stderr" "SECCOMP_FILTER_FLAG_BOGUS"
}

# ---- SCMP_ACT_NOTIFY -------------------------------------------------------

notify_cfg() {
	seccomp_cfg "$(jq -n --arg path "$AGENT_SOCK" '{"defaultAction": "SCMP_ACT_ALLOW",
		"listenerPath": $path, "listenerMetadata": "bats metadata",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}')"
}

@test "SCMP_ACT_NOTIFY: the agent gets the state and the listener fd, and answers the call" {
	pr_bundle b mkdir /dev/shm/d
	agent_start answer 71 # EPROTO
	notify_cfg
	ct_create notify "$B"
	local pid st
	pid=$(ct_pid notify)
	# create sent the fd and kept no copy: the init holds none either
	[ "$(cat "$AGENT_DIR/nfds")" = 1 ]
	! fd_list "$pid" | grep -q 'seccomp notify' || fail "the init holds the listener: $(fd_list "$pid")"
	st="$AGENT_DIR/state.json"
	assert_equal "$(jq -r .ociVersion "$st")" "$(ct_state notify | jq -r .ociVersion)"
	assert_equal "$(jq -c .fds "$st")" '["seccompFd"]'
	assert_equal "$(jq -r .pid "$st")" "$pid"
	assert_equal "$(jq -r .metadata "$st")" "bats metadata"
	assert_equal "$(jq -r .state.id "$st")" notify
	assert_equal "$(jq -r .state.pid "$st")" "$pid"
	assert_equal "$(jq -r .state.bundle "$st")" "$B"
	assert_equal "$(jq -r .state.status "$st")" creating

	mr start notify
	agent_wait
	wait_for 5 pid_gone "$pid"
	# the notification came from the container's process: mkdir (83)
	assert_equal "$(jq -r .pid "$AGENT_DIR/notif.json")" "$pid"
	assert_equal "$(jq -r .nr "$AGENT_DIR/notif.json")" 83
	assert_equal "$(cat "$MR_TMP/notify.stderr")" "mkdir: can't create directory '/dev/shm/d': Protocol error"
	[ ! -e "$B/rootfs/dev/shm/d" ]
}

@test "SCMP_ACT_NOTIFY: an exec'd process' own listener goes to the agent, with its pid and the container's state (as runc)" {
	pr_bundle b sleep 600
	# create's listener (the init's filter) goes to a first agent
	agent_start close
	notify_cfg
	ct_create notify-exec "$B"
	mr start notify-exec
	agent_wait
	local init epid st
	init=$(ct_pid notify-exec)

	agent_start answer 71 # EPROTO
	xrun mr exec --pid-file "$MR_TMP/exec.pid" notify-exec mkdir /dev/shm/d
	agent_wait
	assert_status 1
	assert_equal "$stderr" "mkdir: can't create directory '/dev/shm/d': Protocol error"
	epid=$(cat "$MR_TMP/exec.pid")
	st="$AGENT_DIR/state.json"
	assert_equal "$(cat "$AGENT_DIR/nfds")" 1
	assert_equal "$(jq -c .fds "$st")" '["seccompFd"]'
	assert_equal "$(jq -r .pid "$st")" "$epid"
	assert_equal "$(jq -r .metadata "$st")" "bats metadata"
	assert_equal "$(jq -r .state.id "$st")" notify-exec
	assert_equal "$(jq -r .state.pid "$st")" "$init"
	assert_equal "$(jq -r .state.status "$st")" running
	assert_equal "$(jq -r .pid "$AGENT_DIR/notif.json")" "$epid"
	[ ! -e "$B/rootfs/dev/shm/d" ]
}

@test "SCMP_ACT_NOTIFY: once the agent closes the only listener fd the call fails with ENOSYS" {
	pr_bundle b mkdir /dev/shm/d
	agent_start close
	notify_cfg
	bb_cfg "$B" 'del(.linux.seccomp.listenerMetadata)'
	pr_run notify-closed
	agent_wait
	# a copy of the listener left anywhere would make mkdir wait forever
	assert_status 1
	assert_equal "$stderr" "mkdir: can't create directory '/dev/shm/d': Function not implemented"
	assert_equal "$(jq -r 'has("metadata")' "$AGENT_DIR/state.json")" false
}

@test "SCMP_ACT_NOTIFY: no agent at listenerPath: create fails and leaves nothing" {
	pr_bundle b mkdir /dev/shm/d
	AGENT_SOCK="$MR_TMP/nobody.sock"
	notify_cfg
	create_fails no-agent
	assert_equal "$stderr" "minirun: linux.seccomp.listenerPath: connect to $MR_TMP/nobody.sock: No such file or directory"
}

@test "SCMP_ACT_NOTIFY: refused as the defaultAction, and without a listenerPath" {
	pr_bundle b true
	seccomp_cfg '{"defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": "/tmp/x.sock"}'
	create_fails notify-default
	assert_contains "$stderr" "linux.seccomp.defaultAction"
	seccomp_cfg '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
	create_fails notify-no-path
	assert_contains "$stderr" "linux.seccomp.listenerPath"
}

# ---- loaded late -----------------------------------------------------------

# What the init does to set up, which a filter must not catch.
SETUP_CALLS='["mount", "umount2", "pivot_root", "chroot", "sethostname", "setdomainname",
	"setns", "unshare", "mknod", "mknodat", "symlink", "symlinkat", "chdir", "fchdir",
	"open_tree", "move_mount", "mount_setattr", "fsopen", "fsmount", "fsconfig",
	"keyctl", "clone3", "openat2", "close_range"]'
# ... and what it does to become the process: with noNewPrivileges the
# filter comes after these too. (Not setuid/setgid: busybox calls them
# itself when it runs as a user other than root.)
PROCESS_CALLS='["capset", "setgroups", "setresuid", "setresgid",
	"sched_setattr", "sched_setscheduler", "ioprio_set", "personality"]'

@test "loaded late: a profile that kills mount, pivot_root, capset, setresuid... lets the container start" {
	pr_bundle b grep -E '^(Seccomp|Seccomp_filters|NoNewPrivs|Groups|Uid):' /proc/self/status
	bb_cfg "$B" '.process.noNewPrivileges = true
		| .process.user = {"uid": 1000, "gid": 1000, "additionalGids": [5]}
		| .process.scheduler = {"policy": "SCHED_BATCH"}
		| .process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 4}
		| .linux.personality = {"domain": "LINUX"}
		| .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
			"syscalls": [{"names": ($a + $b), "action": "SCMP_ACT_KILL_PROCESS"}]}' \
		--argjson a "$SETUP_CALLS" --argjson b "$PROCESS_CALLS"
	pr_run late-nnp
	assert_status 0
	assert_equal "$(field Seccomp)" 2
	assert_equal "$(field Seccomp_filters)" 1
	assert_equal "$(field NoNewPrivs)" 1
	assert_equal "$(field Groups)" 5
}

@test "loaded late: without noNewPrivileges a profile that kills the setup calls lets the container start" {
	pr_bundle b grep -E '^(Seccomp|Seccomp_filters|NoNewPrivs):' /proc/self/status
	bb_cfg "$B" '.process.noNewPrivileges = false
		| .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
			"syscalls": [{"names": $a, "action": "SCMP_ACT_KILL_PROCESS"}]}' --argjson a "$SETUP_CALLS"
	pr_run late-privileged
	assert_status 0
	assert_equal "$(field Seccomp)" 2
	assert_equal "$(field Seccomp_filters)" 1
	assert_equal "$(field NoNewPrivs)" 0
}

@test "loaded late: a profile that kills prctl lets the init reach execve (as runc)" {
	requires_sysc
	# the process makes no prctl itself: getpid (39) only
	pr_bundle b sysc 39
	bb_cfg "$B" '.process.noNewPrivileges = true
		| .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
			"syscalls": [{"names": ["prctl"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
	pr_run late-prctl
	assert_status 0
	assert_equal "$output" 1
}

# ---- podman's profile ------------------------------------------------------

@test "podman's profile and capabilities: sh works; unshare and mount are refused; the filter answers ENOSYS/EPERM" {
	requires_sysc
	pr_bundle b sh -c '
		echo sh works
		grep -E "^Seccomp:" /proc/self/status
		unshare -m true; echo "unshare: $?"
		mount -t tmpfs tmpfs /tmp; echo "mount: $?"
		sysc 425 0 0               # io_uring_setup: not in the profile
		sysc 298 0 0 0 0 0         # perf_event_open: errnoRet 1
		sysc 135 0x0400000         # personality: only some values allowed
		linux32 uname -m           # personality(PER_LINUX32) is one of them
	'
	bb_cfg "$B" '.linux.seccomp = $s[0] | .process.capabilities = {"bounding": $c, "effective": $c, "permitted": $c}' \
		--slurpfile s "$PR_DATA/podman-seccomp.json" \
		--argjson c '["CAP_AUDIT_WRITE", "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID",
			"CAP_KILL", "CAP_MKNOD", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SETFCAP",
			"CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT"]'
	pr_run podman
	assert_status 0
	assert_equal "$output" "sh works
Seccomp:	2
unshare: 1
mount: 1
-38
-1
-38
i686"
	assert_contains "$stderr" "unshare: unshare(0x20000): Operation not permitted"
	assert_contains "$stderr" "mount: permission denied"

	# the same calls without the filter: what the -38 and -1 above replaced
	bb_cfg "$B" 'del(.linux.seccomp)'
	pr_run podman-caps-only
	assert_status 0
	assert_equal "$(sed -n '5,8p' <<<"$output")" $'-14\n-14\n0\ni686'
}
