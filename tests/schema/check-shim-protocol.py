#!/usr/bin/env python3
"""Validate minirun-shim's real output against schemas/shim-protocol.json.

  check-shim-protocol.py SCHEMA response FILE   each line of FILE is a response
  check-shim-protocol.py SCHEMA request FILE    each line of FILE is a request
  check-shim-protocol.py SCHEMA state FILE      FILE is a state.json

Exits 1 naming the first line that does not validate.
"""

import json
import sys

import jsonschema


def main():
    schema_path, kind, path = sys.argv[1:4]
    with open(schema_path) as f:
        schema = json.load(f)
    definition = {"response": "response", "request": "request", "state": "stateFile"}[kind]
    sub = dict(schema)
    sub["$ref"] = "#/definitions/" + definition
    validator = jsonschema.Draft7Validator(sub)
    with open(path) as f:
        docs = [f.read()] if kind == "state" else f.read().splitlines()
    for n, line in enumerate(docs, 1):
        if not line.strip():
            continue
        doc = json.loads(line)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        if errors:
            print("%s:%d: %s does not validate as %s: %s" % (path, n, line[:200], definition,
                                                            errors[0].message[:300]), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
