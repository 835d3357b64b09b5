#!/usr/bin/env python3
"""Write a docker-archive (what `docker save` writes) whose layers are given
as lists of entries, for minirund's image tests: good layers with
whiteouts, and hostile ones.

    mkarchive.py OUT.tar NAME:TAG SPEC.json

SPEC is a JSON list of layers; a layer is a list of entries
{"name": ..., "type": "file"|"dir"|"symlink"|"hardlink"|"char"|"block"|"fifo",
 "data": "...", "link": "...", "mode": 420}. "bad_diff_id": true in a layer
object form {"entries": [...], "bad_diff_id": true} records a wrong digest.
"""
import hashlib
import io
import json
import sys
import tarfile

TYPES = {
    "file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE,
    "hardlink": tarfile.LNKTYPE, "char": tarfile.CHRTYPE, "block": tarfile.BLKTYPE,
    "fifo": tarfile.FIFOTYPE,
}


def layer_tar(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for e in entries:
            info = tarfile.TarInfo(e["name"])
            info.type = TYPES[e.get("type", "file")]
            info.mode = e.get("mode", 0o755 if info.type == tarfile.DIRTYPE else 0o644)
            info.mtime = 1700000000
            if "link" in e:
                info.linkname = e["link"]
            data = e.get("data", "").encode()
            if info.type == tarfile.REGTYPE:
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
            else:
                t.addfile(info)
    return buf.getvalue()


def main():
    out, name, spec = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
    layers, diff_ids = [], []
    for layer in spec:
        entries = layer["entries"] if isinstance(layer, dict) else layer
        data = layer_tar(entries)
        digest = hashlib.sha256(data).hexdigest()
        layers.append((digest, data))
        bad = isinstance(layer, dict) and layer.get("bad_diff_id")
        diff_ids.append("sha256:" + ("0" * 64 if bad else digest))
    config = json.dumps({
        "architecture": "amd64", "os": "linux", "created": "2023-11-14T22:13:20Z",
        "config": {"Cmd": ["sh"], "Env": ["PATH=/bin"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    }).encode()
    cdigest = hashlib.sha256(config).hexdigest()
    manifest = json.dumps([{
        "Config": cdigest + ".json", "RepoTags": [name],
        "Layers": ["%s/layer.tar" % d for d, _ in layers],
    }]).encode()
    with tarfile.open(out, "w") as t:
        def add(path, data):
            info = tarfile.TarInfo(path)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
        for d, data in layers:
            add(d + "/layer.tar", data)
        add(cdigest + ".json", config)
        add("manifest.json", manifest)


if __name__ == "__main__":
    main()
