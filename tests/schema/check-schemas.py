#!/usr/bin/env python3
"""Check minirun's JSON Schemas (schemas/*.json).

Standalone, no arguments. Prints TAP: one line per check (ok, not ok, or # SKIP)
and exits 0 when nothing failed.

Checks:
  * every schema file is valid JSON, a valid draft-07 schema, and has
    "$schema" draft-07 and "$id" equal to its file name;
  * every schema sticks to the subset in schemas/CONVENTIONS.md (the C code
    generator depends on it) and every "$ref" resolves;
  * real documents validate, with cross-file "$ref"s resolved through a
    store keyed by "$id": the podman and containerd create configs and exec
    process files and the podman update file from ../shared/notes/samples,
    `runc spec` output, and hand-made full config, state and features
    documents;
  * documents that must be rejected are.
"""

import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
SCHEMA_DIR = os.path.join(REPO, "schemas")
# What podman and containerd really handed a runtime (copied from the
# project's shared notes, so the check runs wherever the repository is).
SAMPLES = os.path.join(REPO, "tests", "configs", "samples")
DRAFT7 = "http://json-schema.org/draft-07/schema#"

FILES = [
    "defs.json",
    "defs-linux.json",
    "config-schema.json",
    "config-linux.json",
    "state-schema.json",
    "features-schema.json",
    "features-linux.json",
    "runtime-state.json",
]

INT_TYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]

failures = 0
count = 0


def report(ok, name, detail=""):
    """One TAP line per check (the plan comes last)."""
    global failures, count
    count += 1
    if ok is None:
        print("ok %d - %s # SKIP %s" % (count, name, detail))
        return
    if not ok:
        failures += 1
    line = ("ok %d - " if ok else "not ok %d - ") % count + name
    if detail:
        line += ": " + detail
    print(line)


# ---------------------------------------------------------------- loading

store = {}
for f in FILES:
    path = os.path.join(SCHEMA_DIR, f)
    try:
        with open(path) as fh:
            store[f] = json.load(fh)
        report(True, "%s is valid JSON" % f)
    except (OSError, ValueError) as e:
        report(False, "%s is valid JSON" % f, str(e))

for f in FILES:
    if f not in store:
        continue
    s = store[f]
    problems = []
    if s.get("$schema") != DRAFT7:
        problems.append('"$schema" is not draft-07')
    if s.get("$id") != f:
        problems.append('"$id" is %r, not %r' % (s.get("$id"), f))
    try:
        jsonschema.Draft7Validator.check_schema(s)
    except jsonschema.exceptions.SchemaError as e:
        problems.append("not a draft-07 schema: %s" % e.message)
    report(not problems, "%s is a draft-07 schema with $id %s" % (f, f), "; ".join(problems))


# ------------------------------------------------------ conventions subset

ALLOWED = {
    "$schema", "$id", "description", "definitions", "type", "properties",
    "required", "additionalProperties", "patternProperties", "items",
    "enum", "x-what", "$ref", "minimum", "maximum",
}


def split_ref(ref, cur_file):
    """'defs.json#/definitions/X' or '#/definitions/X' -> (file, X) or None."""
    if "#" not in ref:
        return None
    file_part, frag = ref.split("#", 1)
    if not frag.startswith("/definitions/") or frag.count("/") != 2:
        return None
    return (file_part or cur_file, frag[len("/definitions/"):])


def lookup(ref, cur_file):
    target = split_ref(ref, cur_file)
    if target is None:
        return None, None, None
    f, name = target
    node = store.get(f, {}).get("definitions", {}).get(name)
    return f, name, node


def is_int_ref(ref, cur_file, seen=()):
    """True if the $ref names an integer type or a pure alias chain to one."""
    f, name, node = lookup(ref, cur_file)
    if node is None or (f, name) in seen:
        return False
    if f == "defs.json" and name in INT_TYPES:
        return True
    keys = set(node) - {"description"}
    if keys == {"$ref"}:
        return is_int_ref(node["$ref"], f, seen + ((f, name),))
    return False


def is_struct_def(ref, cur_file):
    f, name, node = lookup(ref, cur_file)
    return node is not None and node.get("type") == "object" and "properties" in node


def lint(node, where, cur_file, errs, ctx):
    """ctx: 'struct-prop', 'items', 'map-value', 'root', 'definition', 'intdef'."""
    if not isinstance(node, dict):
        errs.append("%s: not an object" % where)
        return
    for k in node:
        if k not in ALLOWED:
            errs.append("%s: keyword %r is outside the subset" % (where, k))
    if ("minimum" in node or "maximum" in node) and ctx != "intdef":
        errs.append("%s: minimum/maximum only belong in the defs.json integer types" % where)
    if "$ref" in node:
        extra = set(node) - {"$ref", "description"}
        if extra:
            errs.append("%s: $ref with siblings %s" % (where, sorted(extra)))
        ref = node["$ref"]
        f, name, target = lookup(ref, cur_file)
        if target is None:
            errs.append("%s: $ref %r does not resolve to a definition" % (where, ref))
        elif not (is_int_ref(ref, cur_file) or is_struct_def(ref, cur_file)):
            errs.append("%s: $ref %r is neither an integer type nor an object definition" % (where, ref))
        return
    t = node.get("type")
    if ctx == "intdef":
        if t != "integer" or "minimum" not in node or "maximum" not in node:
            errs.append("%s: integer type needs type integer, minimum and maximum" % where)
        return
    if not isinstance(t, str):
        errs.append("%s: needs a single string \"type\" (or a $ref)" % where)
        return
    if t == "integer":
        errs.append("%s: integers must be a $ref to a defs.json integer type" % where)
        return
    if t not in ("object", "array", "string", "boolean"):
        errs.append("%s: type %r is outside the subset" % (where, t))
        return
    if "enum" in node or "x-what" in node:
        if t != "string" or "enum" not in node:
            errs.append("%s: enum/x-what only on strings (x-what needs an enum)" % where)
        elif not node["enum"] or not all(isinstance(v, str) for v in node["enum"]):
            errs.append("%s: enum values must be strings" % where)
        elif len(set(node["enum"])) != len(node["enum"]):
            errs.append("%s: duplicate enum values" % where)
        if "x-what" in node and not isinstance(node["x-what"], str):
            errs.append("%s: x-what must be a string" % where)
    if t != "object":
        for k in ("properties", "required", "additionalProperties", "patternProperties"):
            if k in node:
                errs.append("%s: %r on a %s" % (where, k, t))
    if t != "array" and "items" in node:
        errs.append("%s: items on a %s" % (where, t))
    if t == "object":
        maps = [k for k in ("additionalProperties", "patternProperties") if k in node]
        if "properties" in node:
            if maps:
                errs.append("%s: a struct object must not have %s" % (where, maps))
            req = node.get("required", [])
            for r in req:
                if r not in node["properties"]:
                    errs.append("%s: required %r is not a property" % (where, r))
            if len(set(req)) != len(req):
                errs.append("%s: duplicate required names" % where)
            for pname, p in node["properties"].items():
                lint(p, "%s.%s" % (where, pname), cur_file, errs, "struct-prop")
        else:
            if "required" in node:
                errs.append("%s: required on a map" % where)
            if len(maps) != 1:
                errs.append("%s: a map needs exactly one of additionalProperties/patternProperties" % where)
                return
            if maps[0] == "additionalProperties":
                value = node["additionalProperties"]
            else:
                pp = node["patternProperties"]
                if len(pp) != 1:
                    errs.append("%s: patternProperties needs exactly one pattern" % where)
                    return
                value = list(pp.values())[0]
            if not isinstance(value, dict):
                errs.append("%s: map value schema must be a schema object" % where)
                return
            if value.get("type") in ("array",) or (
                    value.get("type") == "object" and "properties" not in value):
                errs.append("%s: map values may be strings, integers or objects" % where)
            lint(value, where + ".<value>", cur_file, errs, "map-value")
    if t == "array":
        items = node.get("items")
        if not isinstance(items, dict):
            errs.append("%s: an array needs one items schema" % where)
            return
        if items.get("type") == "array" or (
                items.get("type") == "object" and "properties" not in items):
            errs.append("%s: no arrays of arrays or arrays of maps" % where)
        lint(items, where + "[]", cur_file, errs, "items")


for f in FILES:
    if f not in store:
        continue
    s = store[f]
    errs = []
    for k in s:
        if k not in ALLOWED:
            errs.append("top level: keyword %r is outside the subset" % k)
    for name, d in s.get("definitions", {}).items():
        ctx = "intdef" if (f == "defs.json" and name in INT_TYPES) else "definition"
        lint(d, "%s#/definitions/%s" % (f, name), f, errs, ctx)
    if "type" in s:
        if s.get("type") != "object" or "properties" not in s:
            errs.append("top level: a root schema must be an object with properties")
        root = {k: v for k, v in s.items() if k not in ("$schema", "$id", "definitions")}
        lint(root, f, f, errs, "root")
    elif "definitions" not in s:
        errs.append("neither a root object nor definitions")
    more = " (+%d more)" % (len(errs) - 5) if len(errs) > 5 else ""
    report(not errs, "%s sticks to the CONVENTIONS.md subset" % f, "; ".join(errs[:5]) + more)

# Definition names become C struct names: they must be unique across files.
seen = {}
dups = []
for f in FILES:
    for name, d in store.get(f, {}).get("definitions", {}).items():
        if d.get("type") == "object":
            if name in seen:
                dups.append("%s (%s and %s)" % (name, seen[name], f))
            seen[name] = f
report(not dups, "object definition names are unique across files", ", ".join(dups))

# The seccomp action list is written twice (the subset has no $ref to enums).
try:
    a = store["config-linux.json"]["definitions"]["Linux"]["properties"]["seccomp"]["properties"]["defaultAction"]["enum"]
    b = store["defs-linux.json"]["definitions"]["Syscall"]["properties"]["action"]["enum"]
    report(a == b, "seccomp defaultAction and syscall action enums are identical")
except KeyError as e:
    report(False, "seccomp defaultAction and syscall action enums are identical", "missing %s" % e)


# -------------------------------------------------------------- validation

def make_validator(schema):
    """Draft-07 validator with cross-file $refs resolved by $id."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        resolver_cls = getattr(jsonschema, "RefResolver", None)
        if resolver_cls is not None:
            resolver = resolver_cls(base_uri=schema.get("$id", ""), referrer=schema, store=store)
            return jsonschema.Draft7Validator(schema, resolver=resolver)
    # jsonschema without RefResolver: use the referencing library instead.
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7 as SPEC
    registry = Registry().with_resources(
        [(k, Resource.from_contents(v, default_specification=SPEC)) for k, v in store.items()])
    return jsonschema.Draft7Validator(schema, registry=registry)


ROOT = {
    "config": "config-schema.json",
    "state": "state-schema.json",
    "features": "features-schema.json",
}
SUB = {
    "process": "defs.json#/definitions/Process",
    "resources": "defs-linux.json#/definitions/LinuxResources",
}
validators = {}


def validator_for(kind):
    if kind not in validators:
        if kind in ROOT:
            schema = store[ROOT[kind]]
        else:
            schema = {"$schema": DRAFT7, "$ref": SUB[kind]}
        validators[kind] = make_validator(schema)
    return validators[kind]


def errors_of(kind, doc):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        errs = sorted(validator_for(kind).iter_errors(doc), key=lambda e: list(e.absolute_path))
    return ["/".join(str(p) for p in e.absolute_path) + ": " + e.message for e in errs]


def expect_valid(name, kind, doc):
    errs = errors_of(kind, doc)
    report(not errs, name, "; ".join(errs[:3]))


def expect_invalid(name, kind, doc, where):
    """The document must be rejected, with an error at JSON path `where`."""
    errs = errors_of(kind, doc)
    hit = [e for e in errs if e.split(": ", 1)[0] == where]
    if not errs:
        report(False, name, "was accepted")
    elif not hit:
        report(False, name, "rejected, but not at %r: %s" % (where, "; ".join(errs[:3])))
    else:
        report(True, name)


def load_sample(fname):
    path = os.path.join(SAMPLES, fname)
    if not os.path.exists(path):
        return None
    with open(path) as fh:
        return json.load(fh)


schemas_ok = all(f in store for f in FILES)
if not schemas_ok:
    report(False, "document checks", "a schema file failed to load")
    print("1..%d" % count)
    sys.exit(1)

for fname, kind in [
        ("podman-create-config.json", "config"),
        ("containerd-create-config.json", "config"),
        ("podman-exec-process.json", "process"),
        ("containerd-exec-process.json", "process"),
        ("podman-update-resources.json", "resources")]:
    doc = load_sample(fname)
    name = "sample %s is a valid %s" % (fname, kind)
    if doc is None:
        report(None, name, "not found in %s" % SAMPLES)
    else:
        expect_valid(name, kind, doc)

runc = shutil.which("runc") or ("/usr/sbin/runc" if os.access("/usr/sbin/runc", os.X_OK) else None)
if runc is None:
    report(None, "runc spec output is a valid config", "runc not found")
else:
    for extra in ([], ["--rootless"]):
        name = "`runc spec %s` output is a valid config" % " ".join(extra) if extra else \
            "`runc spec` output is a valid config"
        with tempfile.TemporaryDirectory() as d:
            r = subprocess.run([runc, "spec"] + extra, cwd=d, capture_output=True, text=True)
            if r.returncode != 0:
                report(False, name, "runc spec failed: %s" % r.stderr.strip())
                continue
            with open(os.path.join(d, "config.json")) as fh:
                expect_valid(name, "config", json.load(fh))

# A config that sets every field the schemas know, at the edges of the ranges.
FULL_CONFIG = {
    "ociVersion": "1.3.0",
    "process": {
        "terminal": True,
        "consoleSize": {"height": 25, "width": 80},
        "user": {"uid": 4294967295, "gid": 0, "umask": 18, "additionalGids": [5, 6], "username": "u"},
        "args": ["sh"],
        "commandLine": "",
        "env": ["PATH=/bin"],
        "cwd": "/",
        "capabilities": {k: ["CAP_KILL"] for k in ("bounding", "effective", "inheritable", "permitted", "ambient")},
        "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 18446744073709551615, "hard": 18446744073709551615}],
        "noNewPrivileges": True,
        "apparmorProfile": "p",
        "oomScoreAdj": -1000,
        "selinuxLabel": "l",
        "ioPriority": {"class": "IOPRIO_CLASS_IDLE", "priority": 7},
        "scheduler": {"policy": "SCHED_DEADLINE", "nice": -20, "priority": 0,
                      "flags": ["SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN",
                                "SCHED_FLAG_KEEP_POLICY", "SCHED_FLAG_KEEP_PARAMS",
                                "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX"],
                      "runtime": 10000000, "deadline": 20000000, "period": 30000000},
        "execCPUAffinity": {"initial": "7", "final": "0-3,7"},
    },
    "root": {"path": "rootfs", "readonly": True},
    "hostname": "h",
    "domainname": "d",
    "mounts": [{"destination": "/data", "source": "/srv", "type": "bind", "options": ["rbind", "idmap"],
                "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
                "gidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}]}],
    "hooks": {k: [{"path": "/bin/true", "args": ["true"], "env": ["A=b"], "timeout": 5}]
              for k in ("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop")},
    "annotations": {"org.example.key": "value"},
    "linux": {
        "namespaces": [{"type": t} for t in ("pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time")],
        "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
        "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
        "timeOffsets": {"monotonic": {"secs": -9223372036854775808, "nanosecs": 4294967295},
                        "boottime": {"secs": 1}},
        "devices": [{"type": "c", "path": "/dev/fuse", "major": 10, "minor": 229, "fileMode": 438, "uid": 0, "gid": 0},
                    {"type": "p", "path": "/dev/fifo"}],
        "netDevices": {"eth1": {"name": "ctr1"}, "eth2": {}},
        "cgroupsPath": "/minirun/c1",
        "rootfsPropagation": "rslave",
        "resources": {
            "devices": [{"allow": False, "access": "rwm"}, {"allow": True, "type": "c", "major": 1, "minor": 3, "access": "rw"}],
            "memory": {"limit": 9223372036854775807, "reservation": -1, "swap": -1, "kernel": -1, "kernelTCP": -1,
                       "swappiness": 0, "disableOOMKiller": False, "useHierarchy": True, "checkBeforeUpdate": True},
            "cpu": {"shares": 1024, "quota": -1, "burst": 1000, "period": 100000, "realtimeRuntime": 950000,
                    "realtimePeriod": 1000000, "cpus": "0-3", "mems": "0", "idle": 1},
            "pids": {"limit": -1},
            "blockIO": {"weight": 10, "leafWeight": 65535,
                        "weightDevice": [{"major": 8, "minor": 0, "weight": 500, "leafWeight": 300}],
                        "throttleReadBpsDevice": [{"major": 8, "minor": 0, "rate": 600}],
                        "throttleWriteBpsDevice": [{"major": 8, "minor": 0, "rate": 600}],
                        "throttleReadIOPSDevice": [{"major": 8, "minor": 0, "rate": 600}],
                        "throttleWriteIOPSDevice": [{"major": 8, "minor": 0, "rate": 600}]},
            "hugepageLimits": [{"pageSize": "2MB", "limit": 209715200}],
            "network": {"classID": 1048577, "priorities": [{"name": "eth0", "priority": 500}]},
            "rdma": {"mlx5_1": {"hcaHandles": 3, "hcaObjects": 10000}},
            "unified": {"memory.high": "max", "io.weight": "default 100"},
        },
        "intelRdt": {"closID": "guaranteed", "l3CacheSchema": "L3:0=7f0;1=1f", "memBwSchema": "MB:0=20;1=70",
                     "schemata": ["L3:0=7f0;1=1f", "MB:0=20;1=70"], "enableCMT": True, "enableMBM": True,
                     "enableMonitoring": True},
        "sysctl": {"net.ipv4.ip_forward": "1"},
        "seccomp": {
            "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
            "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB", "SCMP_ARCH_RISCV64"],
            "flags": ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                      "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"],
            "listenerPath": "/run/seccomp.sock", "listenerMetadata": "meta",
            "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ALLOW", "errnoRet": 1,
                          "args": [{"index": 0, "value": 18446744073709551615, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]},
                         {"names": ["mount"], "action": "SCMP_ACT_NOTIFY"}],
        },
        "maskedPaths": ["/proc/kcore"],
        "readonlyPaths": ["/proc/sys"],
        "mountLabel": "system_u:object_r:container_file_t:s0",
        "personality": {"domain": "LINUX32", "flags": []},
        "memoryPolicy": {"mode": "MPOL_INTERLEAVE", "nodes": "0-3", "flags": ["MPOL_F_STATIC_NODES"]},
    },
}
expect_valid("full config (every 1.2/1.3 field) is valid", "config", FULL_CONFIG)

minimal = {"ociVersion": "1.2.0"}
expect_valid("minimal config {ociVersion} is valid", "config", minimal)

unknown = copy.deepcopy(FULL_CONFIG)
unknown["vendorExtension"] = {"x": 1}
unknown["linux"]["resources"]["memory"]["futureField"] = True
expect_valid("config with unknown properties is valid (they are ignored)", "config", unknown)


def mutated(path, value, delete=False):
    doc = copy.deepcopy(FULL_CONFIG)
    node = doc
    for p in path[:-1]:
        node = node[p]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc


BAD_CONFIGS = [
    ("config without ociVersion", ["ociVersion"], None, True, ""),
    ("config without root.path", ["root", "path"], None, True, "root"),
    ("process without cwd", ["process", "cwd"], None, True, "process"),
    ("user without uid", ["process", "user", "uid"], None, True, "process/user"),
    ("negative uid", ["process", "user", "uid"], -1, False, "process/user/uid"),
    ("uid above uint32", ["process", "user", "uid"], 4294967296, False, "process/user/uid"),
    ("oomScoreAdj above int32", ["process", "oomScoreAdj"], 2147483648, False, "process/oomScoreAdj"),
    ("consoleSize without width", ["process", "consoleSize", "width"], None, True, "process/consoleSize"),
    ("rlimit soft as string", ["process", "rlimits", 0, "soft"], "1024", False, "process/rlimits/0/soft"),
    ("unknown I/O priority class", ["process", "ioPriority", "class"], "IOPRIO_CLASS_NONE", False, "process/ioPriority/class"),
    ("unknown scheduler policy", ["process", "scheduler", "policy"], "SCHED_FAIR", False, "process/scheduler/policy"),
    ("unknown scheduler flag", ["process", "scheduler", "flags", 0], "SCHED_FLAG_X", False, "process/scheduler/flags/0"),
    ("mount without destination", ["mounts", 0, "destination"], None, True, "mounts/0"),
    ("hook without path", ["hooks", "poststop", 0, "path"], None, True, "hooks/poststop/0"),
    ("annotation value not a string", ["annotations", "k"], 1, False, "annotations/k"),
    ("unknown namespace type", ["linux", "namespaces", 0, "type"], "bogus", False, "linux/namespaces/0/type"),
    ("idmapping without size", ["linux", "uidMappings", 0, "size"], None, True, "linux/uidMappings/0"),
    ("timeOffset nanosecs negative", ["linux", "timeOffsets", "boottime", "nanosecs"], -1, False, "linux/timeOffsets/boottime/nanosecs"),
    ("unknown device type", ["linux", "devices", 0, "type"], "x", False, "linux/devices/0/type"),
    ("device without path", ["linux", "devices", 0, "path"], None, True, "linux/devices/0"),
    ("unknown rootfs propagation", ["linux", "rootfsPropagation"], "bogus", False, "linux/rootfsPropagation"),
    ("device rule without allow", ["linux", "resources", "devices", 1, "allow"], None, True, "linux/resources/devices/1"),
    ("unknown device rule type", ["linux", "resources", "devices", 1, "type"], "u", False, "linux/resources/devices/1/type"),
    ("memory.limit above int64", ["linux", "resources", "memory", "limit"], 9223372036854775808, False, "linux/resources/memory/limit"),
    ("negative cpu.shares", ["linux", "resources", "cpu", "shares"], -1, False, "linux/resources/cpu/shares"),
    ("blkio weight above uint16", ["linux", "resources", "blockIO", "weight"], 65536, False, "linux/resources/blockIO/weight"),
    ("throttle device without rate", ["linux", "resources", "blockIO", "throttleReadBpsDevice", 0, "rate"], None, True, "linux/resources/blockIO/throttleReadBpsDevice/0"),
    ("hugepage limit without pageSize", ["linux", "resources", "hugepageLimits", 0, "pageSize"], None, True, "linux/resources/hugepageLimits/0"),
    ("rdma hcaHandles negative", ["linux", "resources", "rdma", "mlx5_1", "hcaHandles"], -1, False, "linux/resources/rdma/mlx5_1/hcaHandles"),
    ("seccomp without defaultAction", ["linux", "seccomp", "defaultAction"], None, True, "linux/seccomp"),
    ("unknown seccomp action", ["linux", "seccomp", "syscalls", 0, "action"], "SCMP_ACT_BOGUS", False, "linux/seccomp/syscalls/0/action"),
    ("unknown seccomp architecture", ["linux", "seccomp", "architectures", 0], "SCMP_ARCH_VAX", False, "linux/seccomp/architectures/0"),
    ("unknown seccomp flag", ["linux", "seccomp", "flags", 0], "SECCOMP_FILTER_FLAG_NEW_LISTENER", False, "linux/seccomp/flags/0"),
    ("unknown seccomp operator", ["linux", "seccomp", "syscalls", 0, "args", 0, "op"], "SCMP_CMP_IN", False, "linux/seccomp/syscalls/0/args/0/op"),
    ("syscall arg without op", ["linux", "seccomp", "syscalls", 0, "args", 0, "op"], None, True, "linux/seccomp/syscalls/0/args/0"),
    ("syscall without names", ["linux", "seccomp", "syscalls", 0, "names"], None, True, "linux/seccomp/syscalls/0"),
    ("unknown personality domain", ["linux", "personality", "domain"], "SVR4", False, "linux/personality/domain"),
    ("unknown memory policy mode", ["linux", "memoryPolicy", "mode"], "MPOL_X", False, "linux/memoryPolicy/mode"),
    ("unknown memory policy flag", ["linux", "memoryPolicy", "flags", 0], "MPOL_F_X", False, "linux/memoryPolicy/flags/0"),
    ("intelRdt.enableMonitoring not a boolean", ["linux", "intelRdt", "enableMonitoring"], "yes", False, "linux/intelRdt/enableMonitoring"),
]
for desc, path, value, delete, where in BAD_CONFIGS:
    expect_invalid("rejects %s" % desc, "config", mutated(path, value, delete), where)

# state
STATE = {
    "ociVersion": "1.0.2-dev", "id": "c1", "pid": 4242, "status": "running",
    "bundle": "/run/bundles/c1", "rootfs": "/run/bundles/c1/rootfs",
    "created": "2026-11-29T18:54:20.762759726Z", "owner": "",
    "annotations": {"io.podman.annotations.init": "FALSE"},
}
expect_valid("runc-like state is valid", "state", STATE)
for st in ("creating", "created", "stopped", "paused"):
    doc = dict(STATE, status=st)
    if st in ("creating", "stopped"):
        doc.pop("pid")
    expect_valid("state with status %s is valid" % st, "state", doc)
expect_invalid("rejects state with unknown status", "state", dict(STATE, status="exited"), "status")
for key in ("ociVersion", "id", "status", "bundle"):
    doc = dict(STATE)
    del doc[key]
    expect_invalid("rejects state without %s" % key, "state", doc, "")
expect_invalid("rejects state with pid above int32", "state", dict(STATE, pid=2147483648), "pid")

# features
FEATURES = {
    "ociVersionMin": "1.0.0",
    "ociVersionMax": "1.3.0",
    "hooks": ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"],
    "mountOptions": ["bind", "rbind", "ro", "rw", "nosuid", "nodev", "noexec", "idmap", "ridmap", "tmpcopyup"],
    "annotations": {"org.opencontainers.minirun.version": "0.1.0", "io.github.seccomp.libseccomp.version": "2.5.4"},
    "potentiallyUnsafeConfigAnnotations": ["org.opencontainers.minirun.", "run.oci.keep_original_groups"],
    "linux": {
        "namespaces": ["cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"],
        "capabilities": ["CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_CHECKPOINT_RESTORE"],
        "cgroup": {"v1": True, "v2": True, "systemd": False, "systemdUser": False, "rdma": True},
        "seccomp": {"enabled": True,
                    "actions": ["SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
                                "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP"],
                    "operators": ["SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT",
                                  "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"],
                    "archs": ["SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32"],
                    "knownFlags": ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                   "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"],
                    "supportedFlags": ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                       "SECCOMP_FILTER_FLAG_SPEC_ALLOW"]},
        "apparmor": {"enabled": False},
        "selinux": {"enabled": False},
        "intelRdt": {"enabled": False, "schemata": True, "monitoring": True},
        "memoryPolicy": {"modes": ["MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
                                   "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL"],
                         "flags": ["MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES"]},
        "mountExtensions": {"idmap": {"enabled": True}},
        "netDevices": {"enabled": True},
    },
}
expect_valid("hand-made features document is valid", "features", FEATURES)
expect_valid("minimal features {ociVersionMin, ociVersionMax} is valid", "features",
             {"ociVersionMin": "1.0.0", "ociVersionMax": "1.3.0"})
doc = dict(FEATURES)
del doc["ociVersionMax"]
expect_invalid("rejects features without ociVersionMax", "features", doc, "")
doc = copy.deepcopy(FEATURES)
doc["linux"]["cgroup"]["v2"] = "true"
expect_invalid("rejects features with a non-boolean cgroup.v2", "features", doc, "linux/cgroup/v2")
doc = copy.deepcopy(FEATURES)
doc["linux"]["mountExtensions"]["idmap"]["enabled"] = 1
expect_invalid("rejects features with a non-boolean idmap.enabled", "features", doc, "linux/mountExtensions/idmap/enabled")

# exec process and update resources as standalone documents
expect_valid("full process is a valid exec process", "process", FULL_CONFIG["process"])
doc = copy.deepcopy(FULL_CONFIG["process"])
del doc["cwd"]
expect_invalid("rejects exec process without cwd", "process", doc, "")
expect_valid("full resources is a valid update document", "resources", FULL_CONFIG["linux"]["resources"])
expect_invalid("rejects update with memory.limit as string", "resources",
               {"memory": {"limit": "1G"}}, "memory/limit")

print("1..%d" % count)
sys.exit(1 if failures else 0)
