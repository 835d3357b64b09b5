#!/usr/bin/env python3
"""Validate what minirun writes against the JSON Schemas. Prints TAP.

  * `minirun spec` and `minirun spec --rootless` output against the official
    OCI runtime-spec config schema and against minirun's schemas/config-schema.json;
  * `minirun features` output against schemas/features-schema.json;
  * bundles/busybox/config.json against both config schemas.

Environment: MINIRUN (the binary, default $TOP_BUILDDIR/minirun), TOP_SRCDIR
(default: two levels above this file), TOP_BUILDDIR (default TOP_SRCDIR),
OCI_SCHEMA_DIR (default: Debian's golang-github-opencontainers-specs-dev
location). Each minirun runs in a temporary directory that is removed.
"""

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
TOP_SRCDIR = os.environ.get("TOP_SRCDIR") or os.path.normpath(os.path.join(HERE, "..", ".."))
TOP_BUILDDIR = os.environ.get("TOP_BUILDDIR") or TOP_SRCDIR
MINIRUN = os.environ.get("MINIRUN") or os.path.join(TOP_BUILDDIR, "minirun")
OCI_SCHEMA_DIR = os.environ.get(
    "OCI_SCHEMA_DIR", "/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema")
OUR_SCHEMA_DIR = os.path.join(TOP_SRCDIR, "schemas")
BUSYBOX_CONFIG = os.path.join(TOP_SRCDIR, "bundles", "busybox", "config.json")

warnings.simplefilter("ignore", DeprecationWarning)
try:
    import jsonschema
except ImportError:  # pragma: no cover
    print("1..0 # SKIP python3-jsonschema is not installed")
    sys.exit(0)


class Skip(Exception):
    pass


# ------------------------------------------------------------- validators

def official_validator(name="config-schema.json"):
    """The runtime-spec schema (draft-04, no $id): its relative "$ref"s
    resolve against its file:// location."""
    path = os.path.join(OCI_SCHEMA_DIR, name)
    if not os.path.exists(path):
        raise Skip("official schema %s not installed (apt-get install "
                   "golang-github-opencontainers-specs-dev)" % path)
    with open(path) as fh:
        schema = json.load(fh)
    base = "file://%s/%s" % (os.path.abspath(OCI_SCHEMA_DIR), name)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, resolver=jsonschema.RefResolver(base_uri=base, referrer=schema))


_our_store = None


def our_validator(name):
    """minirun's schemas (draft-07): cross-file "$ref"s resolve through a
    store of every schema in schemas/ keyed by its "$id"."""
    global _our_store
    if _our_store is None:
        _our_store = {}
        for path in sorted(glob.glob(os.path.join(OUR_SCHEMA_DIR, "*.json"))):
            with open(path) as fh:
                s = json.load(fh)
            _our_store[s.get("$id", os.path.basename(path))] = s
    schema = _our_store[name]
    resolver_cls = getattr(jsonschema, "RefResolver", None)
    if resolver_cls is not None:
        resolver = resolver_cls(base_uri=schema.get("$id", ""), referrer=schema, store=_our_store)
        return jsonschema.Draft7Validator(schema, resolver=resolver)
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7
    registry = Registry().with_resources(
        [(k, Resource.from_contents(v, default_specification=DRAFT7)) for k, v in _our_store.items()])
    return jsonschema.Draft7Validator(schema, registry=registry)


def errors(validator, doc):
    errs = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    return ["%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(root)", e.message[:200])
            for e in errs]


# ------------------------------------------------------------- documents

def run_minirun(args, want_file=None):
    """Run minirun ARGS in a fresh temporary directory. Returns the parsed
    JSON of want_file (in that directory) or of stdout."""
    if not os.access(MINIRUN, os.X_OK):
        raise AssertionError("minirun binary not found at MINIRUN=%s" % MINIRUN)
    tmp = tempfile.mkdtemp(prefix="minirun-schema.")
    try:
        r = subprocess.run([MINIRUN] + args, cwd=tmp, capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            raise AssertionError("minirun %s exited %d: %s" % (" ".join(args), r.returncode, r.stderr.strip()))
        if want_file is None:
            return json.loads(r.stdout)
        with open(os.path.join(tmp, want_file)) as fh:
            return json.load(fh)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


_cache = {}


def document(key):
    if key not in _cache:
        if key == "spec":
            _cache[key] = run_minirun(["spec"], "config.json")
        elif key == "spec --rootless":
            _cache[key] = run_minirun(["spec", "--rootless"], "config.json")
        elif key == "features":
            _cache[key] = run_minirun(["features"])
        elif key == "busybox":
            with open(BUSYBOX_CONFIG) as fh:
                _cache[key] = json.load(fh)
        else:
            raise KeyError(key)
    return _cache[key]


# ------------------------------------------------------------------ TAP

CHECKS = [
    ("`minirun spec` output is valid under the official OCI config schema",
     "spec", lambda: official_validator()),
    ("`minirun spec` output is valid under schemas/config-schema.json",
     "spec", lambda: our_validator("config-schema.json")),
    ("`minirun spec --rootless` output is valid under the official OCI config schema",
     "spec --rootless", lambda: official_validator()),
    ("`minirun spec --rootless` output is valid under schemas/config-schema.json",
     "spec --rootless", lambda: our_validator("config-schema.json")),
    ("`minirun features` output is valid under schemas/features-schema.json",
     "features", lambda: our_validator("features-schema.json")),
    ("bundles/busybox/config.json is valid under the official OCI config schema",
     "busybox", lambda: official_validator()),
    ("bundles/busybox/config.json is valid under schemas/config-schema.json",
     "busybox", lambda: our_validator("config-schema.json")),
]


def main():
    print("1..%d" % len(CHECKS))
    failed = 0
    for n, (name, key, make_validator) in enumerate(CHECKS, 1):
        try:
            validator = make_validator()
            errs = errors(validator, document(key))
        except Skip as e:
            print("ok %d - %s # SKIP %s" % (n, name, e))
            continue
        except Exception as e:  # noqa: BLE001 - every failure is a TAP "not ok"
            errs = ["%s: %s" % (type(e).__name__, e)]
        if errs:
            failed += 1
            print("not ok %d - %s" % (n, name))
            for e in errs[:10]:
                print("#   %s" % e)
            if len(errs) > 10:
                print("#   ... and %d more" % (len(errs) - 10))
        else:
            print("ok %d - %s" % (n, name))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
