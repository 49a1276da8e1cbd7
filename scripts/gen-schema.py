#!/usr/bin/env python3
"""Generate aksos's client-side schema tables from the official AKS OpenAPI specs.

Reads the full `managedClusters.json` swagger of each api-version aksos sends
(plus the common-types files it refers to) and writes, for the two bodies aksos
PUTs -- ManagedCluster and AgentPool -- one line per property path:

    path <TAB> type <TAB> flags <TAB> format <TAB> min <TAB> max <TAB> enum <TAB> pattern

* path: JSON path from the body root, segments joined by `.`; `[]` marks the
  items of an array (`properties.availabilityZones[]`), `*` the values of a map
  (`properties.nodeLabels.*`).
* type: string | integer | number | boolean | object | array | map | any.
* flags: comma list of `ro` (readOnly: never sent; its subtree is not listed),
  `ext` (enum with x-ms-enum modelAsString: Azure treats the list as open),
  `create` (x-ms-mutability without "update": settable at create only),
  `secret` (x-ms-secret), `rec` (recursive definition cut here).
* min/max: minimum/maximum for numbers, minLength/maxLength for strings,
  minItems/maxItems for arrays; empty when the spec sets none.
* enum: values joined by `|`.  pattern: the spec's regex, verbatim (last column).

No descriptions are copied. Usage:

    scripts/gen-schema.py [--specs tests/fixtures/arm-specs] [--out src/schema/generated]

The output is committed; `cargo test` re-runs this script into a temporary
directory and fails when the committed tables differ.
"""

import argparse
import hashlib
import json
import os
import sys

# (api-version, spec path relative to the specs root)
VERSIONS = [
    ("2026-08-01", "containerservice/2026-08-01/managedClusters.json"),
    ("2026-08-02-preview", "containerservice/2026-08-02-preview/managedClusters.json"),
]
# (output stem, root definition)
BODIES = [("managed_cluster", "ManagedCluster"), ("agent_pool", "AgentPool")]


class Specs:
    """Loads swagger files by path relative to the specs root, resolving `$ref`s."""

    def __init__(self, root):
        self.root = root
        self.files = {}
        self.used = []

    def load(self, rel):
        rel = os.path.normpath(rel)
        if rel not in self.files:
            with open(os.path.join(self.root, rel), "rb") as f:
                raw = f.read()
            self.files[rel] = json.loads(raw)
            self.used.append((rel, hashlib.sha256(raw).hexdigest()))
        return self.files[rel]

    def resolve(self, ref, cur):
        """Returns (schema, file, key) for a `$ref` seen in file `cur`."""
        target, _, pointer = ref.partition("#")
        rel = cur
        if target:
            joined = os.path.normpath(os.path.join(os.path.dirname(cur), target))
            # Refs climb out of the azure-rest-api-specs tree layout
            # (../../../../../../common-types/...); the copies keep only the
            # part from `common-types/` on, under the same root.
            idx = joined.find("common-types/")
            rel = joined[idx:] if idx >= 0 else joined
        doc = self.load(rel)
        node = doc
        for part in pointer.strip("/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node, rel, rel + "#" + pointer


def flatten(specs, schema, cur, seen=()):
    """Merges `$ref` targets and `allOf` parts into one description."""
    out = {"props": {}, "refs": set()}
    if "$ref" in schema:
        target, tfile, key = specs.resolve(schema["$ref"], cur)
        if key in seen:
            out["rec"] = True
            out["type"] = "object"
        else:
            base = flatten(specs, target, tfile, seen + (key,))
            base["refs"].add(key)
            out = base
        cur_over = {k: v for k, v in schema.items() if k != "$ref"}
        merge_own(out, cur_over, cur)
        return out
    for part in schema.get("allOf", []):
        sub = flatten(specs, part, cur, seen)
        for name, val in sub["props"].items():
            out["props"].setdefault(name, val)
        out["refs"] |= sub["refs"]
        for k in ("additional", "type"):
            if k in sub and k not in out:
                out[k] = sub[k]
        if sub.get("rec"):
            out["rec"] = True
    merge_own(out, schema, cur)
    out["seen"] = seen
    return out


def merge_own(out, schema, cur):
    for name, sub in schema.get("properties", {}).items():
        out["props"][name] = (sub, cur)
    if "additionalProperties" in schema:
        ap = schema["additionalProperties"]
        out["additional"] = (ap if isinstance(ap, dict) else {}, cur)
    for k in ("type", "format", "enum", "pattern", "minimum", "maximum", "minLength",
              "maxLength", "minItems", "maxItems", "readOnly", "x-ms-mutability",
              "x-ms-secret", "x-ms-enum"):
        if k in schema:
            out[k] = schema[k]
    if "items" in schema:
        out["items"] = (schema["items"], cur)


def kind_of(s):
    t = s.get("type")
    if t == "object" or (t is None and (s["props"] or "additional" in s)):
        if "additional" in s and not s["props"]:
            return "map"
        return "object"
    if t in ("string", "integer", "number", "boolean", "array"):
        return t
    if t is None and "items" in s:
        return "array"
    if t is None and "enum" in s:
        return "string"
    return "any"


def num(v):
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


def walk(specs, path, schema, cur, seen, rows):
    s = flatten(specs, schema, cur, seen)
    seen = seen + tuple(sorted(s["refs"]))
    kind = kind_of(s)
    flags = []
    if s.get("readOnly"):
        flags.append("ro")
    if s.get("enum") and s.get("x-ms-enum", {}).get("modelAsString"):
        flags.append("ext")
    mut = s.get("x-ms-mutability")
    if mut and "update" not in mut and "create" in mut:
        flags.append("create")
    if s.get("x-ms-secret"):
        flags.append("secret")
    if s.get("rec"):
        flags.append("rec")
    if kind in ("integer", "number"):
        lo, hi = s.get("minimum"), s.get("maximum")
    elif kind == "string":
        lo, hi = s.get("minLength"), s.get("maxLength")
    elif kind == "array":
        lo, hi = s.get("minItems"), s.get("maxItems")
    else:
        lo = hi = None
    enum = "|".join(str(v) for v in s.get("enum", []))
    pattern = s.get("pattern", "")
    for text in (path, enum, pattern):
        if "\t" in text or "\n" in text:
            sys.exit(f"gen-schema: tab or newline in {path!r}")
    rows.append("\t".join([path, kind, ",".join(flags), s.get("format", ""), num(lo),
                           num(hi), enum, pattern]))
    if s.get("readOnly") or s.get("rec"):
        return
    prefix = path + "." if path else ""
    if kind in ("object", "map"):
        for name, (sub, f) in s["props"].items():
            walk(specs, prefix + name, sub, f, seen, rows)
        if "additional" in s:
            sub, f = s["additional"]
            walk(specs, prefix + "*", sub, f, seen, rows)
    elif kind == "array":
        sub, f = s["items"]
        walk(specs, path + "[]", sub, f, seen, rows)


def generate(specs_root, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    written = []
    for version, rel in VERSIONS:
        for stem, root in BODIES:
            specs = Specs(specs_root)
            specs.load(rel)
            rows = []
            walk(specs, "", {"$ref": "#/definitions/" + root}, rel, (), rows)
            rows = rows[1:]  # the root object itself
            header = [
                f"# aksos client schema table: {root} body at api-version {version}.",
                "# Generated by scripts/gen-schema.py; do not edit. Columns:",
                "# path\ttype\tflags\tformat\tmin\tmax\tenum\tpattern",
            ]
            header += [f"# source: {p} sha256:{h}" for p, h in specs.used]
            name = f"{stem}_{version.replace('-', '_')}.tsv"
            with open(os.path.join(out_dir, name), "w", encoding="utf-8", newline="\n") as f:
                f.write("\n".join(header + rows) + "\n")
            written.append((name, len(rows)))
    return written


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--specs", default=os.path.join(repo, "tests/fixtures/arm-specs"))
    ap.add_argument("--out", default=os.path.join(repo, "src/schema/generated"))
    args = ap.parse_args()
    for name, n in generate(args.specs, args.out):
        print(f"{name}: {n} paths")


if __name__ == "__main__":
    main()
