#!/usr/bin/env python3
"""Generate minirun's C model from the JSON Schemas in schemas/.

Reads the schemas (written in the subset schemas/CONVENTIONS.md describes)
and writes two files:

  oci-model.gen.h  the C structs (one per JSON object type) and the
                   descriptor tables' declarations
  oci-model.gen.c  the descriptor tables that src/lib/spec/model.c walks to
                   parse, check, emit and free those structs

Usage: gen-model.py SCHEMA_DIR OUT_H OUT_C
"""
import json
import keyword
import os
import re
import sys

ROOTS = [  # (schema file, C struct name, prefix for inline children)
    ("config-schema.json", "oci_config", "oci"),
    ("state-schema.json", "oci_state", "oci_state"),
    ("features-schema.json", "oci_features", "oci_features"),
    ("runtime-state.json", "mr_record", "mr_record"),
]

INTS = {
    "int8": ("int8_t", 1, True, -(2**7), 2**7 - 1),
    "int16": ("int16_t", 2, True, -(2**15), 2**15 - 1),
    "int32": ("int32_t", 4, True, -(2**31), 2**31 - 1),
    "int64": ("int64_t", 8, True, -(2**63), 2**63 - 1),
    "uint8": ("uint8_t", 1, False, 0, 2**8 - 1),
    "uint16": ("uint16_t", 2, False, 0, 2**16 - 1),
    "uint32": ("uint32_t", 4, False, 0, 2**32 - 1),
    "uint64": ("uint64_t", 8, False, 0, 2**64 - 1),
}

C_KEYWORDS = set("""auto break case char const continue default do double else enum
extern float for goto if inline int long register restrict return short signed
sizeof static struct switch typedef union unsigned void volatile while bool""".split())

ALLOWED_KEYS = {"$schema", "$id", "description", "type", "properties", "required",
                "items", "additionalProperties", "patternProperties", "enum",
                "x-what", "$ref", "definitions", "minimum", "maximum"}


def die(msg):
    sys.exit("gen-model.py: " + msg)


def snake(name):
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    s = re.sub(r"[^A-Za-z0-9]+", "_", s).strip("_").lower()
    return s + "_" if s in C_KEYWORDS else s


def c_string(s):
    return json.dumps(s)


class Type:
    """One model type: kind in string/bool/int/object/array/map."""

    def __init__(self, kind, **kw):
        self.kind = kind
        self.__dict__.update(kw)


class Generator:
    def __init__(self, schema_dir):
        self.docs = {}
        for fn in sorted(os.listdir(schema_dir)):
            if fn.endswith(".json"):
                with open(os.path.join(schema_dir, fn)) as f:
                    self.docs[fn] = json.load(f)
        self.objects = []       # Type(kind=object) in definition order
        self.by_ref = {}        # (file, pointer) -> Type
        self.names = set()
        self.maps = {}          # value key -> Type(kind=map)
        self.enums = []         # Type(kind=string with enum)
        self.enum_by_key = {}

    def resolve(self, ref, cur_file):
        path, _, pointer = ref.partition("#")
        fn = path or cur_file
        if fn not in self.docs:
            die("unknown schema file in $ref " + ref)
        node = self.docs[fn]
        for part in [p for p in pointer.split("/") if p]:
            if part not in node:
                die("dangling $ref " + ref)
            node = node[part]
        return fn, pointer, node

    def check_keys(self, schema, where):
        bad = set(schema) - ALLOWED_KEYS
        if bad:
            die("%s: keywords outside the subset: %s" % (where, ", ".join(sorted(bad))))

    def type_of(self, schema, cur_file, name, where):
        self.check_keys(schema, where)
        if "$ref" in schema:
            fn, pointer, target = self.resolve(schema["$ref"], cur_file)
            defname = pointer.rsplit("/", 1)[-1]
            if defname in INTS:
                ctype, size, signed, lo, hi = INTS[defname]
                return Type("int", ctype=ctype, size=size, signed=signed, lo=lo, hi=hi)
            if target.get("type") == "object" and "properties" in target:
                key = (fn, pointer)
                if key not in self.by_ref:
                    self.by_ref[key] = None  # reserve (recursion guard)
                    t = self.make_object(target, fn, "oci_" + snake(defname), where)
                    self.by_ref[key] = t
                if self.by_ref[key] is None:
                    die("%s: recursive type %s" % (where, schema["$ref"]))
                return self.by_ref[key]
            return self.type_of(target, fn, name, where)
        ty = schema.get("type")
        if ty == "string":
            if "enum" in schema:
                values = tuple(schema["enum"])
                key = (values, schema.get("x-what"))
                if key not in self.enum_by_key:
                    t = Type("string", enum=values, what=schema.get("x-what"),
                             cname="mr_type_enum_%d" % len(self.enums))
                    self.enums.append(t)
                    self.enum_by_key[key] = t
                return self.enum_by_key[key]
            return Type("string", enum=None)
        if ty == "boolean":
            return Type("bool")
        if ty == "integer":
            die("%s: integers must $ref defs.json#/definitions/<int type>" % where)
        if ty == "array":
            if "items" not in schema:
                die("%s: array without items" % where)
            elem = self.type_of(schema["items"], cur_file, name + "_elem", where + "[]")
            if elem.kind in ("array", "map"):
                die("%s: arrays of arrays or maps are outside the subset" % where)
            return Type("array", elem=elem)
        if ty == "object":
            if "properties" in schema:
                return self.make_object(schema, cur_file, name, where)
            vals = list(schema.get("patternProperties", {}).values())
            if "additionalProperties" in schema:
                vals.append(schema["additionalProperties"])
            if len(vals) != 1 or not isinstance(vals[0], dict):
                die("%s: a map needs exactly one value schema" % where)
            elem = self.type_of(vals[0], cur_file, name + "_value", where + "{}")
            if elem.kind in ("array", "map"):
                die("%s: maps of arrays or maps are outside the subset" % where)
            return self.map_of(elem)
        die("%s: unsupported schema %r" % (where, sorted(schema)))

    def map_of(self, elem):
        key = self.ckind_name(elem)
        if key not in self.maps:
            self.maps[key] = Type("map", elem=elem, cname="oci_map_" + key)
        return self.maps[key]

    def ckind_name(self, t):
        if t.kind == "int":
            return t.ctype[:-2]
        if t.kind == "object":
            return t.cname[len("oci_"):]
        if t.kind == "string" and t.enum:
            return t.cname[len("mr_type_"):]
        return t.kind

    def make_object(self, schema, cur_file, cname, where):
        if cname in self.names:
            die("%s: two object types would both be named %s" % (where, cname))
        self.names.add(cname)
        t = Type("object", cname=cname, fields=[])
        required = set(schema.get("required", []))
        for prop, sub in schema["properties"].items():
            ft = self.type_of(sub, cur_file, cname + "_" + snake(prop), where + "." + prop)
            t.fields.append((prop, snake(prop), ft, prop in required))
        unknown = required - set(schema["properties"])
        if unknown:
            die("%s: required but not a property: %s" % (where, ", ".join(sorted(unknown))))
        self.objects.append(t)
        return t

    def run(self):
        self.root_names = {r[1] for r in ROOTS}
        for fn, cname, prefix in ROOTS:
            if fn not in self.docs:
                die("missing schema " + fn)
            doc = self.docs[fn]
            # children of a root are named from the root's prefix
            self.names.add(cname)
            t = Type("object", cname=cname, fields=[])
            required = set(doc.get("required", []))
            for prop, sub in doc["properties"].items():
                ft = self.type_of(sub, fn, prefix + "_" + snake(prop), prop)
                t.fields.append((prop, snake(prop), ft, prop in required))
            self.objects.append(t)

    # ---- output ----

    def member_decl(self, cmember, t):
        if t.kind == "string":
            return ["char *%s;" % cmember]
        if t.kind == "bool":
            return ["bool %s;" % cmember, "bool has_%s;" % cmember]
        if t.kind == "int":
            return ["%s %s;" % (t.ctype, cmember), "bool has_%s;" % cmember]
        if t.kind == "object":
            return ["struct %s *%s;" % (t.cname, cmember)]
        if t.kind == "map":
            return ["struct %s *%s;" % (t.cname, cmember)]
        if t.kind == "array":
            return ["%s*%s;" % (self.slot_ctype(t.elem), cmember), "size_t %s_len;" % cmember]
        die("bad member kind")

    def slot_ctype(self, t):
        return {"string": "char *", "bool": "bool "}.get(t.kind) or \
            (t.ctype + " " if t.kind == "int" else "struct %s " % t.cname)

    def type_ref(self, t):
        if t.kind == "string":
            return t.cname if t.enum else "mr_type_string"
        if t.kind == "bool":
            return "mr_type_bool"
        if t.kind == "int":
            return "mr_type_" + t.ctype[:-2]
        if t.kind in ("object", "map"):
            return "mr_type_" + t.cname
        if t.kind == "array":
            return "mr_type_array_of_" + self.ckind_name(t.elem)
        die("bad kind")

    def all_types(self):
        for o in self.objects:
            for _, _, ft, _ in o.fields:
                yield ft
                if ft.kind in ("array", "map"):
                    yield ft.elem
        for m in self.maps.values():
            yield m.elem

    def arrays(self):
        seen = {}
        for o in self.objects:
            for _, _, ft, _ in o.fields:
                if ft.kind == "array":
                    seen.setdefault(self.type_ref(ft), ft)
        return seen

    def header(self):
        out = ["/* Generated by src/lib/spec/gen-model.py from schemas/: do not edit. */",
               "#ifndef MINIRUN_OCI_MODEL_GEN_H", "#define MINIRUN_OCI_MODEL_GEN_H", "",
               "#include <stdbool.h>", "#include <stddef.h>", "#include <stdint.h>", "#include <stdlib.h>", "",
               '#include "spec/model.h"', "",
               "/* GNU C predefines `linux` as 1; the spec's member of that name wins. */",
               "#undef linux", ""]
        for o in self.objects:
            out.append("struct %s;" % o.cname)
        out.append("")
        for m in self.maps.values():
            out += ["struct %s {" % m.cname, "\tsize_t len;", "\tchar **keys;",
                    "\t%svalues;" % self.slot_ctype(m.elem).replace("*", "**") if m.elem.kind == "string"
                    else "\t%s*values;" % self.slot_ctype(m.elem), "};", ""]
        for o in self.objects:
            out.append("struct %s {" % o.cname)
            for prop, cm, ft, _ in o.fields:
                for d in self.member_decl(cm, ft):
                    out.append("\t" + d)
            out += ["};", ""]
        for o in self.objects:
            out.append("extern const struct mr_type mr_type_%s;" % o.cname)
        out.append("")
        for o in self.objects:
            if o.cname in self.root_names:
                out.append("static inline void %s_free(struct %s *p)" % (o.cname, o.cname))
                out.append("{\n\tif (p != NULL)\n\t\tmr_model_clear(&mr_type_%s, p);\n\tfree(p);\n}" % o.cname)
        out += ["", "#endif", ""]
        return "\n".join(out)

    def source(self):
        out = ["/* Generated by src/lib/spec/gen-model.py from schemas/: do not edit. */",
               "#include <stddef.h>", "", '#include "spec/oci-model.gen.h"', ""]
        out.append("static const struct mr_type mr_type_string = { .kind = MR_STRING, .name = \"string\", "
                   ".size = sizeof(char *) };")
        out.append("static const struct mr_type mr_type_bool = { .kind = MR_BOOL, .name = \"boolean\", "
                   ".size = sizeof(bool) };")
        used = {self.type_ref(t) for t in self.all_types()}
        for name, (ctype, size, signed, lo, hi) in INTS.items():
            if "mr_type_" + name not in used:
                continue
            lo_c = "INT64_MIN" if lo == -(2**63) else "%d" % lo
            out.append("static const struct mr_type mr_type_%s = { .kind = %s, .name = \"integer\", .size = %d, "
                       ".min = %s, .max = %dULL };" % (name, "MR_INT" if signed else "MR_UINT", size, lo_c, hi))
        for e in self.enums:
            vals = ", ".join(c_string(v) for v in e.enum)
            out.append("static const char *const %s_values[] = { %s, NULL };" % (e.cname, vals))
            out.append("static const struct mr_type %s = { .kind = MR_STRING, .name = \"string\", "
                       ".size = sizeof(char *), .enum_values = %s_values, .what = %s };"
                       % (e.cname, e.cname, c_string(e.what) if e.what else "NULL"))
        out.append("")
        for o in self.objects:
            out.append("%sconst struct mr_type mr_type_%s;" % ("", o.cname))
        for m in self.maps.values():
            out.append("static const struct mr_type mr_type_%s = { .kind = MR_MAP, .name = \"object\", "
                       ".size = sizeof(void *), .elem = &%s };" % (m.cname, self.type_ref(m.elem)))
        for ref, a in self.arrays().items():
            out.append("static const struct mr_type %s = { .kind = MR_ARRAY, .name = \"array\", "
                       ".size = sizeof(void *), .elem = &%s };" % (ref, self.type_ref(a.elem)))
        out.append("")
        for o in self.objects:
            out.append("static const struct mr_field fields_%s[] = {" % o.cname)
            for prop, cm, ft, req in o.fields:
                aux = "0"
                if ft.kind in ("bool", "int"):
                    aux = "offsetof(struct %s, has_%s)" % (o.cname, cm)
                elif ft.kind == "array":
                    aux = "offsetof(struct %s, %s_len)" % (o.cname, cm)
                out.append("\t{ %s, &%s, offsetof(struct %s, %s), %s, %s }," %
                           (c_string(prop), self.type_ref(ft), o.cname, cm, aux, "true" if req else "false"))
            out.append("};")
            out.append("const struct mr_type mr_type_%s = { .kind = MR_OBJECT, .name = \"%s\", "
                       ".size = sizeof(struct %s), .fields = fields_%s, .n_fields = %d };"
                       % (o.cname, o.cname, o.cname, o.cname, len(o.fields)))
            out.append("")
        return "\n".join(out)


def main():
    if len(sys.argv) != 4:
        die("usage: gen-model.py SCHEMA_DIR OUT_H OUT_C")
    g = Generator(sys.argv[1])
    g.run()
    for path, text in ((sys.argv[2], g.header()), (sys.argv[3], g.source())):
        tmp = "%s.%d.tmp" % (path, os.getpid())
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, path)


if __name__ == "__main__":
    main()
