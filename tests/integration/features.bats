#!/usr/bin/env bats
# minirun features: the runtime-spec features.md document.

load helpers

setup() {
	mr_setup
	FEATURES="$MR_TMP/features.json"
	"$MINIRUN" features >"$FEATURES" 2>"$MR_TMP/features.err" || {
		echo "minirun features failed: $(cat "$MR_TMP/features.err")" >&2
		return 1
	}
}

# has FILTER: the features document satisfies the jq FILTER.
has() {
	jq -e "$1" "$FEATURES" >/dev/null || fail "features does not satisfy: $1
$(jq -c . "$FEATURES")"
}

@test "features prints one valid JSON object on stdout, nothing on stderr" {
	run --separate-stderr "$MINIRUN" features
	assert_status 0
	assert_equal "$stderr" ""
	python3 -c 'import json, sys; d = json.loads(sys.stdin.read()); assert isinstance(d, dict)' <<<"$output"
}

@test "features output is the same on every call" {
	run --separate-stderr "$MINIRUN" features
	assert_status 0
	assert_equal "$output" "$(cat "$FEATURES")"
}

@test "features: ociVersionMin and ociVersionMax are versions, min <= max" {
	has '.ociVersionMin | type == "string" and test("^[0-9]+\\.[0-9]+\\.[0-9]+")'
	has '.ociVersionMax | type == "string" and test("^[0-9]+\\.[0-9]+\\.[0-9]+")'
	has '[.ociVersionMin, .ociVersionMax] | map(capture("^(?<a>[0-9]+)\\.(?<b>[0-9]+)\\.(?<c>[0-9]+)") | [.a, .b, .c] | map(tonumber)) | .[0] <= .[1]'
	# the spec version minirun implements is within the range
	local spec
	spec=$("$MINIRUN" --version | sed -n 's/^spec: //p')
	jq -e --arg s "$spec" '
		def v: capture("^(?<a>[0-9]+)\\.(?<b>[0-9]+)\\.(?<c>[0-9]+)") | [.a, .b, .c] | map(tonumber);
		(.ociVersionMin | v) <= ($s | v) and ($s | v) <= (.ociVersionMax | v)' "$FEATURES" >/dev/null \
		|| fail "spec $spec is outside [$(jq -r .ociVersionMin "$FEATURES"), $(jq -r .ociVersionMax "$FEATURES")]"
}

@test "features: hooks and mount options" {
	local h
	for h in prestart createRuntime createContainer startContainer poststart poststop; do
		has ".hooks | index(\"$h\")"
	done
	local o
	for o in bind rbind ro rw nosuid nodev noexec; do
		has ".mountOptions | index(\"$o\")"
	done
}

@test "features: linux.namespaces lists the 8 namespace types" {
	has '.linux.namespaces | sort == ["cgroup","ipc","mount","network","pid","time","user","uts"]'
}

@test "features: linux.capabilities lists the known capabilities" {
	local c
	for c in CAP_CHOWN CAP_KILL CAP_NET_BIND_SERVICE CAP_AUDIT_WRITE CAP_SYS_ADMIN CAP_BPF CAP_CHECKPOINT_RESTORE; do
		has ".linux.capabilities | index(\"$c\")"
	done
	has '.linux.capabilities | all(.[]; test("^CAP_[A-Z_]+$"))'
	has '.linux.capabilities | length == (unique | length)'
}

@test "features: linux.cgroup says which drivers are there" {
	has '.linux.cgroup | (.v1 | type == "boolean") and (.v2 | type == "boolean")'
	has '.linux.cgroup.v1 or .linux.cgroup.v2'
}

@test "features: seccomp is enabled with x86_64, SCMP_ACT_NOTIFY and the operators" {
	has '.linux.seccomp.enabled == true'
	has '.linux.seccomp.archs | index("SCMP_ARCH_X86_64")'
	has '.linux.seccomp.actions | index("SCMP_ACT_NOTIFY")'
	local a
	for a in SCMP_ACT_ALLOW SCMP_ACT_ERRNO SCMP_ACT_KILL SCMP_ACT_KILL_PROCESS SCMP_ACT_LOG SCMP_ACT_TRACE SCMP_ACT_TRAP; do
		has ".linux.seccomp.actions | index(\"$a\")"
	done
	has '.linux.seccomp.operators | sort == ["SCMP_CMP_EQ","SCMP_CMP_GE","SCMP_CMP_GT","SCMP_CMP_LE","SCMP_CMP_LT","SCMP_CMP_MASKED_EQ","SCMP_CMP_NE"]'
}

@test "features: seccomp supportedFlags is a subset of knownFlags" {
	has '.linux.seccomp.knownFlags | type == "array" and length > 0'
	has '.linux.seccomp.supportedFlags | type == "array"'
	has '(.linux.seccomp.supportedFlags - .linux.seccomp.knownFlags) == []'
	has '.linux.seccomp.knownFlags | index("SECCOMP_FILTER_FLAG_TSYNC")'
}

@test "features: apparmor, selinux, intelRdt and mountExtensions are reported" {
	has '.linux.apparmor.enabled | type == "boolean"'
	has '.linux.selinux.enabled | type == "boolean"'
	has '.linux.intelRdt.enabled | type == "boolean"'
	has '.linux.mountExtensions.idmap.enabled | type == "boolean"'
}

@test "features output validates against schemas/features-schema.json" {
	validate_ours "$FEATURES" features-schema.json
}

@test "features with an argument is an error" {
	run --separate-stderr "$MINIRUN" features extra
	assert_status 1
	assert_equal "$output" ""
	assert_match "$stderr" '^minirun: '
}
