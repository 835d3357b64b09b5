#!/usr/bin/env bats
# The minirun command line: global options, help, version, errors, logging.
# Behaviour modelled on runc's CLI.

load helpers

VERSION_RE='[0-9]+\.[0-9]+(\.[0-9]+)?'
# An error line may end with a parenthesized hint, e.g. "(see 'minirun --help')".
HINT=' \([^()]*\)'

# assert_error_line LINE TEXT: LINE is exactly TEXT, optionally followed by a hint.
assert_error_line() {
	local re
	re=$(printf '%s' "$2" | sed 's/[][\\.*^$+?(){}|/]/\\&/g')
	assert_match "$1" "^${re}(${HINT})?\$"
}

# check_version_output: $output is the --version text.
check_version_output() {
	assert_match "${lines[0]}" "^minirun version ${VERSION_RE}([-+~][0-9A-Za-z.+~-]*)?\$"
	local key found
	for key in commit spec yajl libseccomp linking; do
		found=$(printf '%s\n' "$output" | grep -c "^$key: ") || true
		[ "$found" -eq 1 ] || fail "expected one \"$key: \" line in: $output"
	done
	assert_match "$output" $'(^|\n)commit: [^\n ]+'
	assert_match "$output" $'(^|\n)spec: 1\\.2\\.[0-9]+(\n|$)'
	for key in yajl libseccomp; do
		assert_match "$output" $'(^|\n)'"$key: ${VERSION_RE}"$'(\n|$)'
	done
	# the libraries minirun links, and how (static by default)
	assert_match "$output" $'(^|\n)linking: (static|dynamic)(\n|$)'
	assert_line_count "$output" 6
}

@test "--version prints the version of minirun, the spec and each library" {
	run --separate-stderr "$MINIRUN" --version
	assert_status 0
	check_version_output
	assert_equal "$stderr" ""
}

@test "-v is --version" {
	run --separate-stderr "$MINIRUN" --version
	assert_status 0
	local long=$output
	run --separate-stderr "$MINIRUN" -v
	assert_status 0
	check_version_output
	assert_equal "$output" "$long"
}

@test "--version's spec line matches the ociVersion written by spec" {
	run --separate-stderr "$MINIRUN" --version
	assert_status 0
	local spec
	spec=$(printf '%s\n' "$output" | sed -n 's/^spec: //p')
	run --separate-stderr "$MINIRUN" spec --bundle "$MR_TMP"
	assert_status 0
	assert_equal "$(jq -r .ociVersion "$MR_TMP/config.json")" "$spec"
}

# check_main_help: $output lists the commands.
check_main_help() {
	assert_match "$output" '[Uu]sage'
	assert_contains "$output" "minirun"
	local cmd opt
	for cmd in spec features help; do
		assert_match "$output" $'(^|\n)[ \t]+'"$cmd"'([ \t,]|$)'
	done
	for opt in --root --log --log-format --debug --cgroup-manager --systemd-cgroup --help --version; do
		assert_contains "$output" "$opt"
	done
}

@test "--help lists the commands and global options" {
	run --separate-stderr "$MINIRUN" --help
	assert_status 0
	check_main_help
	assert_equal "$stderr" ""
}

@test "-h and help print the same as --help" {
	run --separate-stderr "$MINIRUN" --help
	assert_status 0
	local long=$output
	run --separate-stderr "$MINIRUN" -h
	assert_status 0
	check_main_help
	assert_equal "$output" "$long"
	run --separate-stderr "$MINIRUN" help
	assert_status 0
	check_main_help
	assert_equal "$output" "$long"
}

@test "no command prints the usage" {
	# like runc without a command: nothing to do is an error, but a helpful one
	run --separate-stderr "$MINIRUN"
	[ "$status" -ne 0 ] || [ -n "$output" ] || fail "no command: exit 0 and no output"
	if [ "$status" -ne 0 ]; then
		assert_equal "$output" ""
		assert_match "$stderr" '--help|[Uu]sage'
	fi
}

@test "help spec and spec --help print the usage of spec" {
	run --separate-stderr "$MINIRUN" help spec
	assert_status 0
	assert_equal "$stderr" ""
	assert_match "$output" '[Uu]sage'
	assert_contains "$output" "minirun spec"
	assert_contains "$output" "--bundle"
	assert_contains "$output" "-b"
	assert_contains "$output" "--rootless"
	local via_help=$output

	run --separate-stderr "$MINIRUN" spec --help
	assert_status 0
	assert_equal "$stderr" ""
	assert_equal "$output" "$via_help"
}

@test "spec --help writes no config.json" {
	cd "$MR_TMP"
	run --separate-stderr "$MINIRUN" spec --help
	assert_status 0
	[ ! -e "$MR_TMP/config.json" ] || fail "spec --help wrote config.json"
}

@test "help features and features --help print the usage of features" {
	run --separate-stderr "$MINIRUN" help features
	assert_status 0
	assert_equal "$stderr" ""
	assert_match "$output" '[Uu]sage'
	assert_contains "$output" "minirun features"
	local via_help=$output
	run --separate-stderr "$MINIRUN" features --help
	assert_status 0
	assert_equal "$output" "$via_help"
	# usage, not the features document
	[[ $output != "{"* ]] || fail "features --help printed JSON"
}

@test "help of an unknown command is an error" {
	run --separate-stderr "$MINIRUN" help foo
	assert_status 1
	assert_equal "$output" ""
	assert_match "${stderr_lines[0]}" '^minirun: .*foo'
}

@test "unknown command: error line, hint, exit 1, nothing on stdout" {
	run --separate-stderr "$MINIRUN" foo
	assert_status 1
	assert_equal "$output" ""
	assert_error_line "${stderr_lines[0]}" 'minirun: unknown command "foo"'
	assert_contains "$stderr" "--help"
}

@test "unknown command after global options" {
	run --separate-stderr "$MINIRUN" --root "$MR_ROOT" --debug foo bar
	assert_status 1
	assert_equal "$output" ""
	assert_error_line "${stderr_lines[0]}" 'minirun: unknown command "foo"'
}

@test "unknown global option: error, exit 1, nothing on stdout" {
	cd "$MR_TMP"
	run --separate-stderr "$MINIRUN" --bogus spec
	assert_status 1
	assert_equal "$output" ""
	assert_match "${stderr_lines[0]}" "^minirun: unknown (global )?option --bogus(${HINT})?\$"
	[ ! -e "$MR_TMP/config.json" ] || fail "spec ran despite the bad option"
}

@test "unknown short global option" {
	cd "$MR_TMP"
	run --separate-stderr "$MINIRUN" -Z spec
	assert_status 1
	assert_equal "$output" ""
	assert_match "${stderr_lines[0]}" "^minirun: unknown (global )?option -Z(${HINT})?\$"
	[ ! -e "$MR_TMP/config.json" ] || fail "spec ran despite the bad option"
}

@test "unknown command option: 'minirun: spec: unknown option --bogus'" {
	cd "$MR_TMP"
	run --separate-stderr "$MINIRUN" spec --bogus
	assert_status 1
	assert_equal "$output" ""
	assert_error_line "$stderr" 'minirun: spec: unknown option --bogus'
	[ ! -e "$MR_TMP/config.json" ] || fail "spec wrote config.json despite the bad option"
}

@test "unknown command option with a value: --bogus=1" {
	cd "$MR_TMP"
	run --separate-stderr "$MINIRUN" spec --bogus=1
	assert_status 1
	assert_equal "$output" ""
	assert_match "$stderr" "^minirun: spec: unknown option --bogus(=1)?(${HINT})?\$"
}

@test "unknown features option" {
	run --separate-stderr "$MINIRUN" features --bogus
	assert_status 1
	assert_equal "$output" ""
	assert_error_line "$stderr" 'minirun: features: unknown option --bogus'
}

@test "a command option given before the command is a global error" {
	cd "$MR_TMP"
	run --separate-stderr "$MINIRUN" --rootless spec
	assert_status 1
	assert_equal "$output" ""
	assert_match "${stderr_lines[0]}" "^minirun: unknown (global )?option --rootless(${HINT})?\$"
}

@test "an option missing its value is an error" {
	cd "$MR_TMP"
	run --separate-stderr "$MINIRUN" spec --bundle
	assert_status 1
	assert_equal "$output" ""
	assert_line_count "$stderr" 1
	assert_match "$stderr" '^minirun: .*bundle'
	[ ! -e "$MR_TMP/config.json" ] || fail "spec wrote config.json"

	run --separate-stderr "$MINIRUN" --root
	assert_status 1
	assert_equal "$output" ""
	assert_match "${stderr_lines[0]}" '^minirun: .*root'
}

@test "spec --bundle=DIR, --bundle DIR and -b DIR are all accepted" {
	mkdir "$MR_TMP/a" "$MR_TMP/b" "$MR_TMP/c"
	cd "$MR_TMP"
	run --separate-stderr "$MINIRUN" spec --bundle="$MR_TMP/a"
	assert_status 0
	run --separate-stderr "$MINIRUN" spec --bundle "$MR_TMP/b"
	assert_status 0
	run --separate-stderr "$MINIRUN" spec -b "$MR_TMP/c"
	assert_status 0
	local d
	for d in a b c; do
		[ -f "$MR_TMP/$d/config.json" ] || fail "no config.json in $d"
	done
	[ ! -e "$MR_TMP/config.json" ] || fail "config.json written to the current directory"
	cmp "$MR_TMP/a/config.json" "$MR_TMP/b/config.json"
	cmp "$MR_TMP/a/config.json" "$MR_TMP/c/config.json"
}

@test "global --root=DIR and --root DIR, --log=FILE and --log FILE are accepted" {
	cd "$MR_TMP"
	run --separate-stderr "$MINIRUN" --root="$MR_ROOT" --log="$MR_TMP/log1" --log-format=json spec -b "$MR_TMP" --rootless
	assert_status 0
	rm "$MR_TMP/config.json"
	run --separate-stderr "$MINIRUN" --root "$MR_ROOT" --log "$MR_TMP/log2" --log-format json spec -b "$MR_TMP"
	assert_status 0
	[ -f "$MR_TMP/config.json" ]
	run --separate-stderr "$MINIRUN" --root "$MR_ROOT" --log "$MR_TMP/log2" --log-format text --version
	assert_status 0
	check_version_output
}

@test "--debug and --systemd-cgroup are accepted" {
	cd "$MR_TMP"
	run --separate-stderr "$MINIRUN" --debug --systemd-cgroup spec
	assert_status 0
	[ -f "$MR_TMP/config.json" ]
	run --separate-stderr "$MINIRUN" --debug features
	assert_status 0
	jq -e . <<<"$output" >/dev/null
}

@test "an invalid --log-format is an error" {
	cd "$MR_TMP"
	run --separate-stderr "$MINIRUN" --log-format xml spec
	assert_status 1
	assert_equal "$output" ""
	assert_match "${stderr_lines[0]}" '^minirun: .*xml'
	[ ! -e "$MR_TMP/config.json" ] || fail "spec ran despite the bad --log-format"
}

# check_json_error_line LINE: LINE is {"level":"error","msg":..., "time": RFC3339 near now}
# and msg contains $2.
check_json_error_line() {
	python3 - "$1" "$2" <<'PY'
import datetime, json, re, sys
line, want = sys.argv[1], sys.argv[2]
obj = json.loads(line)
assert isinstance(obj, dict), "not an object: %r" % line
assert obj.get("level") == "error", "level is %r" % obj.get("level")
msg = obj.get("msg")
assert isinstance(msg, str) and want in msg, "msg %r lacks %r" % (msg, want)
assert not msg.startswith("minirun: "), "msg repeats the program prefix: %r" % msg
t = obj.get("time")
rfc3339 = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
assert isinstance(t, str) and re.match(rfc3339, t), "time %r is not RFC3339" % t
when = datetime.datetime.fromisoformat(t.replace("Z", "+00:00"))
now = datetime.datetime.now(datetime.timezone.utc)
assert abs((now - when).total_seconds()) < 300, "time %s is not now (%s)" % (t, now.isoformat())
PY
}

@test "--log-format json: an error appends one JSON line to --log" {
	local log="$MR_TMP/minirun.log"
	echo '{"level":"info","msg":"earlier line","time":"2026-01-01T00:00:00Z"}' >"$log"
	run --separate-stderr "$MINIRUN" --log "$log" --log-format json foo
	assert_status 1
	assert_equal "$output" ""
	# the message still goes to stderr, as one line
	assert_error_line "${stderr_lines[0]}" 'minirun: unknown command "foo"'
	# the file was appended to, not truncated
	assert_equal "$(head -n1 "$log")" '{"level":"info","msg":"earlier line","time":"2026-01-01T00:00:00Z"}'
	assert_line_count "$(cat "$log")" 2
	check_json_error_line "$(sed -n 2p "$log")" 'unknown command "foo"'
	jq -e 'select(.level == "error") | .msg | test("unknown command")' <(sed -n 2p "$log") >/dev/null
}

@test "--log-format json: each error is its own line" {
	local log="$MR_TMP/minirun.log"
	cd "$MR_TMP"
	run --separate-stderr "$MINIRUN" --log="$log" --log-format=json foo
	assert_status 1
	run --separate-stderr "$MINIRUN" --log "$log" --log-format json spec --bogus
	assert_status 1
	assert_equal "$output" ""
	assert_line_count "$(cat "$log")" 2
	check_json_error_line "$(sed -n 1p "$log")" 'unknown command "foo"'
	check_json_error_line "$(sed -n 2p "$log")" 'unknown option --bogus'
	# every line parses on its own
	jq -e -s 'length == 2 and all(.[]; .level == "error")' "$log" >/dev/null
}

@test "--log-format json: a failing spec logs its error" {
	local log="$MR_TMP/minirun.log"
	echo '{}' >"$MR_TMP/config.json"
	run --separate-stderr "$MINIRUN" --log "$log" --log-format json spec -b "$MR_TMP"
	assert_status 1
	assert_equal "$output" ""
	assert_line_count "$(cat "$log")" 1
	check_json_error_line "$(cat "$log")" "config.json exists"
	assert_equal "$(cat "$MR_TMP/config.json")" '{}'
}

@test "a successful command writes no error to the log" {
	local log="$MR_TMP/minirun.log"
	run --separate-stderr "$MINIRUN" --log "$log" --log-format json spec -b "$MR_TMP"
	assert_status 0
	if [ -s "$log" ]; then
		run jq -e -s 'all(.[]; .level != "error")' "$log"
		assert_status 0
	fi
}

@test "a --log that cannot be opened is an error (like runc)" {
	run --separate-stderr "$MINIRUN" --log "$MR_TMP/no/such/dir/log" --log-format json features
	assert_status 1
	assert_equal "$output" ""
	assert_match "${stderr_lines[0]}" '^minirun: '
}

@test "--log with the default text format appends one logfmt line, quotes escaped" {
	local log="$MR_TMP/minirun.log"
	run --separate-stderr "$MINIRUN" --log "$log" foo
	assert_status 1
	assert_equal "$output" ""
	run --separate-stderr "$MINIRUN" --log "$log" --log-format text foo
	assert_status 1
	assert_line_count "$(cat "$log")" 2
	local line
	while IFS= read -r line; do
		# logrus' text format (what runc writes): time="..." level=error msg="..."
		# with " and \ inside a quoted value escaped, so the line parses back.
		assert_match "$line" '^time="[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2})" level=error msg="([^"\\]|\\.)*"$'
		assert_contains "$line" 'unknown command \"foo\"'
	done <"$log"
}

# ---- usage errors (issue 9 section 3) ------------------------------------------

@test "usage errors: one line that names the command and points at its --help, exit 1" {
	local verb
	for verb in create start state kill delete run exec pause resume ps events update; do
		run --separate-stderr "$MINIRUN" --root "$MR_ROOT" $verb
		assert_status 1
		assert_equal "$output" ""
		assert_line_count "$stderr" 1
		assert_equal "$stderr" "minirun: $verb: missing the container id (see 'minirun $verb --help')"
	done
	for verb in create start state delete run; do
		run --separate-stderr "$MINIRUN" --root "$MR_ROOT" $verb a b
		assert_status 1
		assert_line_count "$stderr" 1
		assert_equal "$stderr" "minirun: $verb: unexpected argument \"b\" (see 'minirun $verb --help')"
	done
	run --separate-stderr "$MINIRUN" --root "$MR_ROOT" kill a KILL extra
	assert_status 1
	assert_equal "$stderr" "minirun: kill: unexpected argument \"extra\" (see 'minirun kill --help')"
	run --separate-stderr "$MINIRUN" --root "$MR_ROOT" create --bundle
	assert_status 1
	assert_equal "$stderr" "minirun: create: option --bundle needs a value (see 'minirun create --help')"
	run --separate-stderr "$MINIRUN" --root "$MR_ROOT" list extra
	assert_status 1
	assert_equal "$stderr" "minirun: list: unexpected argument \"extra\" (see 'minirun list --help')"
	run --separate-stderr "$MINIRUN" --root
	assert_status 1
	assert_line_count "$stderr" 1
	assert_contains "$stderr" "--help"
	run --separate-stderr "$MINIRUN"
	assert_status 1
	assert_equal "$stderr" "minirun: no command given (see 'minirun --help')"
}

@test "ids: 255 bytes are a valid id, 256 are refused up front by every verb, naming the length" {
	local ok bad verb
	ok=$(printf 'i%.0s' $(seq 255))
	bad=$(printf 'i%.0s' $(seq 256))
	# a valid id gets past validation: "does not exist" is the state's answer
	run --separate-stderr "$MINIRUN" --root "$MR_ROOT" state "$ok"
	assert_status 1
	assert_contains "$stderr" "does not exist"
	for verb in create start state kill delete run pause resume ps events; do
		run --separate-stderr "$MINIRUN" --root "$MR_ROOT" $verb "$bad"
		assert_status 1
		assert_line_count "$stderr" 1
		assert_contains "$stderr" "invalid container id"
		assert_contains "$stderr" "256 bytes, longer than 255"
	done
	[ ! -e "$MR_ROOT" ] || [ -z "$(ls -A "$MR_ROOT")" ] || fail "left: $(ls -A "$MR_ROOT")"
}
