#!/usr/bin/env python3
"""Generates the emulator's validation tables from the official AKS specs.

Usage (from the repository root):

    python3 crates/aksos-emulator/gen/gen_schema.py /work/shared/arm-specs

ARM_SPECS is a copy of the needed parts of Azure/azure-rest-api-specs (MIT);
see its README.md. For each api-version below the script reads
`containerservice/<version>/managedClusters.json`, resolves `$ref` (local and
to common-types v6), merges `allOf`, and writes
`crates/aksos-emulator/src/spec/<version>.tsv`: one line per property path of
the two PUT bodies (ManagedCluster, AgentPool) plus the path parameters' name
rules. No prose is kept. Re-run it after changing a spec; the header of each
file names its source path, commit and sha256, and a test compares the
committed file with a fresh run when the specs are present.

Line format (tab-separated):

    @source <repo path> @ <commit> sha256 <hex>
    @param  <name> <pattern> <minLength> <maxLength>
    <root>  <path> <type> <flags> <enum values joined by |> <pattern> <limits>

root: ManagedCluster | AgentPool. path: dotted property names; `[]` is an
array item, `{}` a map value (additionalProperties). type: object, array,
string, integer, number, boolean, any. flags: comma-separated `ro` (readOnly),
`open` (enum is modelAsString: other values are allowed), `req` (required in
its parent object), `co` (create-only: `x-ms-mutability` without `update`, so
a PUT on an existing resource may not change it) or `-`. limits:
comma-separated `minimum=`, `maximum=`, `minLength=`, `maxLength=`,
`minItems=`, `maxItems=` as the spec states them, or `-`. Empty enum/pattern
columns are `-`.
"""

import hashlib
import json
import os
import sys

VERSIONS = {
    # api-version: (repository path, commit) — from arm-specs/README.md §1.
    "2026-08-01": (
        "specification/containerservice/resource-manager/Microsoft.ContainerService/aks/stable/2026-08-01/managedClusters.json",
        "10c88683aa6480f070406fcef2b24f41a6218f07",
    ),
    "2026-08-02-preview": (
        "specification/containerservice/resource-manager/Microsoft.ContainerService/aks/preview/2026-08-02-preview/managedClusters.json",
        "0227e50b696364940d51f18e7df35a2e8350a2b3",
    ),
}
ROOTS = ["ManagedCluster", "AgentPool"]
PARAMS = ["resourceName", "agentPoolName", "resourceGroupName"]
LIMITS = ("minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems")


class Specs:
    def __init__(self, root):
        self.root = root
        self.docs = {}

    def load(self, path):
        path = os.path.normpath(path)
        if path not in self.docs:
            with open(path, encoding="utf-8") as f:
                self.docs[path] = json.load(f)
        return self.docs[path]

    def resolve(self, base, ref):
        """Returns (schema, file it lives in, definition name)."""
        file, _, pointer = ref.partition("#")
        path = os.path.join(os.path.dirname(base), file) if file else base
        if file and not os.path.exists(path):
            # arm-specs keeps common-types under its own root.
            marker = "common-types/"
            path = os.path.join(self.root, file[file.index(marker):])
        node = self.load(path)
        for part in pointer.strip("/").split("/"):
            node = node[part]
        return node, os.path.normpath(path), pointer.rsplit("/", 1)[-1]


def flatten(specs, base, schema, seen):
    """Merges $ref and allOf into one schema dict (properties, required, ...)."""
    out = {"properties": {}, "required": set()}
    stack = [(base, schema)]
    while stack:
        b, s = stack.pop()
        if "$ref" in s:
            key = s["$ref"] if s["$ref"].split("#")[0] else b + s["$ref"]
            if key in seen:
                out["cycle"] = True
                continue
            target, tb, _ = specs.resolve(b, s["$ref"])
            seen = seen | {key}
            stack.append((tb, target))
            for k in ("readOnly", "x-ms-mutability") + LIMITS:
                if k in s:
                    out[k] = s[k]
            continue
        for sub in s.get("allOf", []):
            stack.append((b, sub))
        for k, v in s.items():
            if k == "properties":
                for name, p in v.items():
                    out["properties"].setdefault(name, (b, p))
            elif k == "required":
                out["required"].update(v)
            elif k in ("type", "enum", "pattern", "items", "additionalProperties", "x-ms-enum", "readOnly", "format", "x-ms-mutability") + LIMITS:
                out.setdefault(k, v if k not in ("items", "additionalProperties") else (b, v))
    out["seen"] = seen
    return out


def kind(f):
    t = f.get("type")
    if t:
        return t
    if f["properties"] or "additionalProperties" in f:
        return "object"
    if "items" in f:
        return "array"
    return "any"


def emit(specs, root, path, base, schema, seen, rows, required=False, depth=0):
    f = flatten(specs, base, schema, seen)
    t = kind(f)
    flags = []
    if f.get("readOnly"):
        flags.append("ro")
    if f.get("x-ms-enum", {}).get("modelAsString", False) and "enum" in f:
        flags.append("open")
    if required:
        flags.append("req")
    mutability = f.get("x-ms-mutability")
    if mutability is not None and "update" not in mutability and not f.get("readOnly"):
        flags.append("co")
    enum = "|".join(str(e) for e in f.get("enum", [])) or "-"
    limits = ",".join(f"{k}={f[k]}" for k in LIMITS if k in f) or "-"
    rows.append((root, path, t, ",".join(flags) or "-", enum, f.get("pattern", "-"), limits))
    if f.get("cycle") or depth > 12:
        return
    for name, (b, p) in sorted(f["properties"].items()):
        child = f"{path}.{name}" if path else name
        emit(specs, root, child, b, p, f["seen"], rows, name in f["required"], depth + 1)
    if "items" in f:
        b, p = f["items"]
        emit(specs, root, f"{path}[]", b, p, f["seen"], rows, False, depth + 1)
    ap = f.get("additionalProperties")
    if ap and isinstance(ap[1], dict):
        b, p = ap
        emit(specs, root, f"{path}{{}}", b, p, f["seen"], rows, False, depth + 1)
    elif ap and ap[1] is True:
        rows.append((root, f"{path}{{}}", "any", "-", "-", "-", "-"))


def generate(specs_root, version):
    repo_path, commit = VERSIONS[version]
    spec_path = os.path.join(specs_root, "containerservice", version, "managedClusters.json")
    with open(spec_path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    specs = Specs(specs_root)
    doc = specs.load(spec_path)
    lines = [
        "# GENERATED by crates/aksos-emulator/gen/gen_schema.py from the official spec; do not edit.",
        f"@source\t{repo_path}\t@\t{commit}\tsha256\t{digest}",
    ]
    found = {}
    for ops in doc["paths"].values():
        for op in ops.values():
            for prm in op.get("parameters", []) if isinstance(op, dict) else []:
                if "$ref" in prm:
                    prm, _, _ = specs.resolve(spec_path, prm["$ref"])
                if prm.get("in") == "path" and prm.get("name") in PARAMS:
                    found.setdefault(prm["name"], prm)
    for name in PARAMS:
        p = found[name]
        lines.append("\t".join(["@param", name, p.get("pattern", "-"), str(p.get("minLength", "-")), str(p.get("maxLength", "-"))]))
    for root in ROOTS:
        rows = []
        emit(specs, root, "", spec_path, doc["definitions"][root], frozenset(), rows)
        for r in rows:
            lines.append("\t".join(x if x else "." for x in r))
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    specs_root = sys.argv[1]
    out_dir = os.environ.get("GEN_SCHEMA_OUT") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "src", "spec"
    )
    os.makedirs(out_dir, exist_ok=True)
    for version in VERSIONS:
        text = generate(specs_root, version)
        with open(os.path.join(out_dir, f"{version}.tsv"), "w", encoding="utf-8") as f:
            f.write(text)
        print(f"{version}: {text.count(chr(10)) - 1} lines, {len(text)} bytes")


if __name__ == "__main__":
    main()
