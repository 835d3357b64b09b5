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
