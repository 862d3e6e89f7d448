#!/usr/bin/env python3
"""Convert the hashicorp/aws schema carried by @cdktf/provider-aws into the JSON shape of
`terraform providers schema -json`.

The npm package @cdktf/provider-aws@20.1.0 (identical to PyPI cdktf-cdktf-provider-aws
20.1.0) is generated from hashicorp/aws 5.100.0. Each `package/lib/<name>/index.js` ends with
an inline source map whose `sourcesContent` is the generated TypeScript, which keeps the
Terraform names:

* `public static readonly tfResourceType = "aws_s3_bucket";` names the resource (a class
  extending `cdktf.TerraformResource`), data source (`cdktf.TerraformDataSource`) or the
  provider (`cdktf.TerraformProvider`);
* every attribute and block of a class has a comment
  `// rule - computed: false, optional: false, required: true`, followed by its getter: the
  getter tells the type (`getStringAttribute`, `getListAttribute`, `Fn.tolist(...)` for a
  set, `new XList(this, "rule", wrapsSet)` for a list or set of objects,
  `new XOutputReference(this, "rule")` for one object);
* the `synthesizeHclAttributes()` map of a class (and the `xToHclTerraform` function of a
  nested object) lists what can be configured, with `isBlock`, `type` (`simple`, `list`,
  `set`, `map`, `struct`) and `storageClassType` (`string`, `stringList`, `XList`, ...).
  A block whose value goes through `listMapperHcl(fn, true)` is a list or set of blocks; a
  list block without a list mapper holds at most one block (`max_items = 1`);
* nested objects without getter comments (the provider's own blocks) take optional or
  required from their TypeScript interface (`readonly roleArn?: string`).

What the TypeScript does not keep is left out: descriptions, `sensitive`, deprecation,
schema versions (all 0) and the item bounds of the provider's own blocks. cdktf types a
few very deep recursive blocks as `any` (the wafv2 `statement`, the quicksight
`definition`): they become `dynamic` attributes, and a set of blocks holding one becomes a
list (Terraform allows no dynamic attribute in a set).

Usage: aws_schema.py PACKAGE.tgz OUT.json
"""

from __future__ import annotations

import base64
import json
import re
import sys
import tarfile
from dataclasses import dataclass, field
from typing import Iterator

PROVIDER_ADDRESS = "registry.terraform.io/hashicorp/aws"

# ------------------------------------------------------------------ reading the package

_SOURCE_MAP = re.compile(
    rb"//# sourceMappingURL=data:application/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$"
)


def typescript_of(javascript: bytes) -> str | None:
    """The TypeScript source kept in a generated `index.js`'s inline source map."""
    match = _SOURCE_MAP.search(javascript)
    if not match:
        return None
    source_map = json.loads(base64.b64decode(match.group(1)))
    contents = source_map.get("sourcesContent") or []
    return contents[0] if contents else None


def package_sources(tgz_path: str) -> Iterator[tuple[str, str]]:
    """(lib directory name, TypeScript) of every `package/lib/<name>/index.js`."""
    with tarfile.open(tgz_path, "r:gz") as tar:
        for member in tar:
            parts = member.name.split("/")
            if len(parts) == 4 and parts[1] == "lib" and parts[3] == "index.js" and member.isfile():
                handle = tar.extractfile(member)
                if handle is None:
                    continue
                ts = typescript_of(handle.read())
                if ts is not None:
                    yield parts[2], ts


# ------------------------------------------------------------------ parsing one module

_TOP_LEVEL = re.compile(r"^export (class|interface|function) (\w+)", re.M)
_CLASS_HEAD = re.compile(r"^export class (\w+) extends cdktf\.(\w+)")
_MEMBER_COMMENT = re.compile(
    r"^  // (\w+) - computed: (true|false), optional: (true|false), required: (true|false)\s*$", re.M
)
_SYNTH_ENTRY = re.compile(
    r"^\s+(\w+): \{\s*\n"
    r"\s+value: (.*?),\s*\n"
    r"\s+isBlock: (true|false),\s*\n"
    r"\s+type: \"(\w+)\",\s*\n"
    r"\s+storageClassType: \"(\w+)\",\s*\n"
    r"\s+\},?\s*$",
    re.M,
)
_INTERFACE_PROP = re.compile(r"^  readonly (\w+)(\?)?: ", re.M)
_RESOURCE_TYPE = re.compile(r'public static readonly tfResourceType = "([\w-]+)";')

MAIN_BASES = {
    "TerraformResource": "resource",
    "TerraformDataSource": "data_source",
    "TerraformProvider": "provider",
}

# Meta-arguments cdktf adds to every provider class; not part of the provider's schema.
PROVIDER_META = {"alias"}


@dataclass
class SynthEntry:
    """One configurable member of a `synthesizeHclAttributes()` / `xToHclTerraform` map."""

    name: str
    camel: str | None
    is_block: bool
    kind: str  # simple, list, set, map, struct
    storage: str
    list_mapper: bool  # value goes through cdktf.listMapperHcl(fn, ...)
    struct: str | None  # nested object type (struct name), for blocks and object lists


@dataclass
class Member:
    """One attribute or block of a class, from its `// name - computed: ...` comment."""

    name: str
    computed: bool
    optional: bool
    required: bool
    text: str  # the declarations and getter that follow the comment


@dataclass
class Module:
    """The declarations of one generated TypeScript module."""

    classes: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (base, body)
    interfaces: dict[str, dict[str, bool]] = field(default_factory=dict)  # name -> camel -> optional
    functions: dict[str, str] = field(default_factory=dict)  # name -> body


def parse_module(ts: str) -> Module:
    module = Module()
    starts = [(m.start(), m.group(1), m.group(2)) for m in _TOP_LEVEL.finditer(ts)]
    for i, (start, kind, name) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(ts)
        text = ts[start:end]
        if kind == "class":
            head = _CLASS_HEAD.match(text)
            module.classes[name] = (head.group(2) if head else "", text)
        elif kind == "interface":
            module.interfaces[name] = {
                m.group(1): m.group(2) == "?" for m in _INTERFACE_PROP.finditer(text)
            }
        else:
            module.functions[name] = text
    return module


def _struct_of_function(function: str) -> str:
    """`s3BucketLoggingToHclTerraform` -> `S3BucketLogging`."""
    base = function[: -len("ToHclTerraform")] if function.endswith("ToHclTerraform") else function
    return base[:1].upper() + base[1:]


def synth_entries(text: str) -> list[SynthEntry]:
    """The configurable members listed in an HCL synthesis map."""
    out = []
    for m in _SYNTH_ENTRY.finditer(text):
        name, value, is_block, kind, storage = m.groups()
        camel_match = re.search(r"(?:struct!\.|this\._)(\w+)", value)
        mapper = re.search(r"cdktf\.listMapperHcl\(([\w.]+), (true|false)\)", value)
        hash_mapper = re.search(r"cdktf\.hashMapperHcl\((\w+ToHclTerraform)\)", value)
        direct = re.match(r"(\w+ToHclTerraform)\(", value)
        struct = None
        if mapper and not mapper.group(1).startswith("cdktf."):
            struct = _struct_of_function(mapper.group(1))
        elif hash_mapper:
            struct = _struct_of_function(hash_mapper.group(1))
        elif direct:
            struct = _struct_of_function(direct.group(1))
        # `listMapperHcl(fn, false)` and a map of objects are attributes even where cdktf
        # says isBlock (legacy attributes-as-blocks, nested attributes).
        block = is_block == "true" and struct is not None and kind != "map"
        if mapper and mapper.group(2) == "false":
            block = False
        out.append(
            SynthEntry(
                name=name,
                camel=camel_match.group(1) if camel_match else None,
                is_block=block,
                kind=kind,
                storage=storage,
                list_mapper=mapper is not None,
                struct=struct,
            )
        )
    return out


def members(body: str) -> list[Member]:
    """The commented members of a class body, each with the text up to the next member."""
    found = list(_MEMBER_COMMENT.finditer(body))
    out = []
    for i, m in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(body)
        text = body[m.end() : end]
        # The last member's text stops at the synthesis section.
        stop = text.find("// =========")
        if stop >= 0:
            text = text[:stop]
        out.append(
            Member(
                name=m.group(1),
                computed=m.group(2) == "true",
                optional=m.group(3) == "true",
                required=m.group(4) == "true",
                text=text,
            )
        )
    return out


# ------------------------------------------------------------------ types

_PRIMITIVE_STORAGE = {
    "string": "string",
    "number": "number",
    "boolean": "bool",
    "any": "dynamic",
}


def type_of_storage(kind: str, storage: str):
    """cty type (JSON form) of a configurable primitive member from its synthesis entry."""
    if storage in _PRIMITIVE_STORAGE:
        return _PRIMITIVE_STORAGE[storage]
    collection = {"list": "list", "set": "set", "map": "map"}.get(kind)
    for suffix, outer in (("List", None), ("Map", "map")):
        if storage.endswith(suffix):
            inner = type_of_storage("simple", storage[: -len(suffix)]) if storage[: -len(suffix)] in _PRIMITIVE_STORAGE else None
            if inner is None:
                # stringMapMap, stringListList, stringMapList: one more level.
                inner_storage = storage[: -len(suffix)]
                inner_kind = "map" if inner_storage.endswith("Map") else "list"
                inner = type_of_storage(inner_kind, inner_storage)
            if inner is None:
                return None
            return [outer or collection or "list", inner]
    return None


_GETTER = re.compile(r"this\.(get\w+Attribute|interpolationForAttribute)\('([\w-]+)'\)")
_GETTER_TYPES = {
    "getStringAttribute": "string",
    "getNumberAttribute": "number",
    "getBooleanAttribute": "bool",
    "getListAttribute": ["list", "string"],
    "getNumberListAttribute": ["list", "number"],
    "getStringMapAttribute": ["map", "string"],
    "getNumberMapAttribute": ["map", "number"],
    "getBooleanMapAttribute": ["map", "bool"],
    "interpolationForAttribute": "dynamic",
}
_CDKTF_MAP = re.compile(r'new cdktf\.(String|Number|Boolean)Map\(this, "[\w-]+"\)')
_CDKTF_MAP_TYPES = {"String": "string", "Number": "number", "Boolean": "bool"}
_COMPLEX = re.compile(r'new (\w+?)(List|OutputReference|Map)\(this, "([\w-]+)"(?:, (true|false))?\)')


def _ts_type(ts: str):
    """cty type of a TypeScript member type such as `{ [key: string]: string }[]`."""
    ts = ts.strip()
    for suffix in (" | cdktf.IResolvable", " | undefined"):
        if ts.endswith(suffix):
            ts = ts[: -len(suffix)].strip()
    if ts.endswith("[]"):
        inner = _ts_type(ts[:-2])
        return ["list", inner] if inner is not None else None
    m = re.fullmatch(r"\{ \[key: string\]: (.*) \}", ts)
    if m:
        inner = _ts_type(m.group(1))
        return ["map", inner] if inner is not None else None
    return {"string": "string", "number": "number", "boolean": "bool", "any": "dynamic"}.get(ts)


# ------------------------------------------------------------------ schema blocks


class Converter:
    """Turns the classes of one module into schema blocks."""

    def __init__(self, module: Module, label: str):
        self.module = module
        self.label = label
        self.problems: list[str] = []

    def _synth_of_struct(self, struct: str) -> dict[str, SynthEntry]:
        function = struct[:1].lower() + struct[1:] + "ToHclTerraform"
        body = self.module.functions.get(function, "")
        return {e.name: e for e in synth_entries(body)}

    def _members_of_struct(self, struct: str) -> list[Member]:
        cls = self.module.classes.get(struct + "OutputReference")
        return members(cls[1]) if cls else []

    def block(self, struct: str, synth: dict[str, SynthEntry], member_list: list[Member],
              optional_by_camel: dict[str, bool], skip: set[str] = frozenset()) -> dict:
        attributes: dict[str, dict] = {}
        block_types: dict[str, dict] = {}
        by_name = {m.name: m for m in member_list}
        names = list(dict.fromkeys([m.name for m in member_list] + list(synth)))
        for name in names:
            if name in skip:
                continue
            entry = synth.get(name)
            member = by_name.get(name)
            if member is not None:
                flags = (member.computed, member.optional, member.required)
            elif entry is not None:
                optional = optional_by_camel.get(entry.camel or "", True)
                flags = (False, optional, not optional)
            else:
                continue
            complex_match = _COMPLEX.search(member.text) if member is not None else None
            if entry is not None and entry.is_block:
                block_types[name] = self._block_type(struct, name, entry, flags)
                continue
            cty = self._attribute_type(struct, name, entry, member, complex_match)
            if cty is None:
                self.problems.append(f"{self.label}: {struct}.{name}: unknown type")
                cty = "dynamic"
            attributes[name] = _attribute(cty, flags)
        out: dict = {}
        if attributes:
            out["attributes"] = dict(sorted(attributes.items()))
        if block_types:
            out["block_types"] = dict(sorted(block_types.items()))
        out["description_kind"] = "plain"
        return out

    def struct_block(self, struct: str) -> dict:
        return self.block(
            struct,
            self._synth_of_struct(struct),
            self._members_of_struct(struct),
            self.module.interfaces.get(struct, {}),
        )

    def _block_type(self, parent: str, name: str, entry: SynthEntry, flags) -> dict:
        computed, optional, required = flags
        struct = entry.struct
        if struct is None:
            self.problems.append(f"{self.label}: {parent}.{name}: block without a nested type")
            return {"nesting_mode": "list", "block": {"description_kind": "plain"}}
        nesting = {"list": "list", "set": "set", "map": "map", "struct": "single"}.get(entry.kind)
        if nesting is None:
            self.problems.append(f"{self.label}: {parent}.{name}: unknown block kind {entry.kind}")
            nesting = "list"
        out = {"nesting_mode": nesting, "block": self.struct_block(struct)}
        if nesting in ("list", "set"):
            if required:
                out["min_items"] = 1
            if not entry.list_mapper:
                out["max_items"] = 1
        return out

    def object_type(self, struct: str, seen: tuple[str, ...] = ()):
        """The cty object type of a nested struct used as an attribute."""
        if struct in seen:
            self.problems.append(f"{self.label}: recursive type {struct}")
            return "dynamic"
        synth = self._synth_of_struct(struct)
        attrs = {}
        for member in self._members_of_struct(struct):
            complex_match = _COMPLEX.search(member.text)
            cty = self._attribute_type(struct, member.name, synth.get(member.name), member,
                                       complex_match, seen + (struct,))
            attrs[member.name] = cty if cty is not None else "dynamic"
        if not attrs:
            # A nested object of a provider block: its fields come from the interface.
            for name, entry in synth.items():
                attrs[name] = (self._attribute_type(struct, name, entry, None, None, seen + (struct,))
                               or "dynamic")
        return ["object", dict(sorted(attrs.items()))]

    def _attribute_type(self, parent, name, entry, member, complex_match, seen=()):
        primitive_map = _CDKTF_MAP.search(member.text) if member is not None else None
        if primitive_map is not None:
            return ["map", _CDKTF_MAP_TYPES[primitive_map.group(1)]]
        if complex_match is not None:
            struct, kind, _, wraps_set = complex_match.groups()
            obj = self.object_type(struct, seen)
            if kind == "List":
                return ["set" if wraps_set == "true" else "list", obj]
            if kind == "Map":
                return ["map", obj]
            return obj
        if entry is not None and entry.struct is not None and not entry.is_block:
            obj = self.object_type(entry.struct, seen)
            if entry.kind in ("list", "set", "map"):
                return [entry.kind, obj]
            return obj
        if entry is not None:
            cty = type_of_storage(entry.kind, entry.storage)
            if cty is not None:
                return cty
        if member is not None:
            getter = _GETTER.search(member.text)
            if getter:
                cty = _GETTER_TYPES[getter.group(1)]
                if getter.group(1) == "interpolationForAttribute":
                    declared = re.search(r"private _\w+\?: (.*?); ?$", member.text, re.M)
                    cty = (_ts_type(declared.group(1)) if declared else None) or "dynamic"
                if isinstance(cty, list) and "Fn.tolist(" in member.text:
                    cty = ["set", cty[1]]
                return cty
            # Provider classes return the stored value: read the declared type.
            declared = re.search(r"private _\w+\?: (.*?); ?$", member.text, re.M)
            if declared:
                return _ts_type(declared.group(1))
        return None


def _attribute(cty, flags) -> dict:
    computed, optional, required = flags
    out = {"type": cty, "description_kind": "plain"}
    if required:
        out["required"] = True
    if optional:
        out["optional"] = True
    if computed:
        out["computed"] = True
    if not (required or optional or computed):
        out["optional"] = True
    return out


def _holds_dynamic(block: dict) -> bool:
    """Whether a block's own attributes (or its single/list blocks') hold a dynamic type."""

    def dynamic(t) -> bool:
        if t == "dynamic":
            return True
        if isinstance(t, list):
            inner = t[1]
            if isinstance(inner, dict):
                return any(dynamic(v) for v in inner.values())
            if t[0] == "tuple":
                return any(dynamic(v) for v in inner)
            return dynamic(inner)
        return False

    if any(dynamic(a["type"]) for a in block.get("attributes", {}).values()):
        return True
    return any(
        _holds_dynamic(b["block"])
        for b in block.get("block_types", {}).values()
        if b["nesting_mode"] != "set"
    )


def _sets_without_dynamic(block: dict) -> list[str]:
    """Terraform rejects a set of blocks that holds a dynamic attribute. cdktf types a few
    very deep recursive blocks as `any` (wafv2 `statement`): their set becomes a list.
    Returns the blocks changed."""
    changed = []
    for name, b in block.get("block_types", {}).items():
        changed += [f"{name}.{c}" for c in _sets_without_dynamic(b["block"])]
        if b["nesting_mode"] == "set" and _holds_dynamic(b["block"]):
            b["nesting_mode"] = "list"
            changed.append(name)
    return changed


def convert_module(ts: str, label: str = "?") -> tuple[str, str, dict, list[str]] | None:
    """(kind, Terraform name, schema, problems) of the resource, data source or provider a
    generated module declares; None for a module without one."""
    module = parse_module(ts)
    for name, (base, body) in module.classes.items():
        kind = MAIN_BASES.get(base)
        if kind is None:
            continue
        type_match = _RESOURCE_TYPE.search(body)
        if not type_match:
            continue
        converter = Converter(module, label)
        synth_at = body.find("synthesizeHclAttributes()")
        synth = {e.name: e for e in synth_entries(body[synth_at:])} if synth_at >= 0 else {}
        skip = PROVIDER_META if kind == "provider" else set()
        block = converter.block(name, synth, members(body), {}, skip)
        _sets_without_dynamic(block)
        return kind, type_match.group(1), {"version": 0, "block": block}, converter.problems
    return None


def convert_package(tgz_path: str) -> tuple[dict, list[str]]:
    """The provider schema document and the problems met while converting."""
    resources, data_sources, provider, problems = {}, {}, None, []
    for lib, ts in package_sources(tgz_path):
        converted = convert_module(ts, lib)
        if converted is None:
            continue
        kind, name, schema, found = converted
        problems.extend(found)
        if kind == "resource":
            resources[name] = schema
        elif kind == "data_source":
            data_sources[name] = schema
        else:
            provider = schema
    if provider is None:
        problems.append("no provider class found")
        provider = {"version": 0, "block": {"description_kind": "plain"}}
    document = {
        "format_version": "1.0",
        "provider_schemas": {
            PROVIDER_ADDRESS: {
                "provider": provider,
                "resource_schemas": dict(sorted(resources.items())),
                "data_source_schemas": dict(sorted(data_sources.items())),
            }
        },
    }
    return document, problems


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        sys.stderr.write(__doc__.rsplit("Usage: ", 1)[-1])
        return 2
    document, problems = convert_package(argv[1])
    for p in problems:
        sys.stderr.write(f"aws_schema: {p}\n")
    schemas = document["provider_schemas"][PROVIDER_ADDRESS]
    if problems:
        sys.stderr.write(f"aws_schema: {len(problems)} problem(s); schema not written\n")
        return 1
    with open(argv[2] + ".tmp", "w", encoding="utf-8") as out:
        json.dump(document, out, separators=(",", ":"), sort_keys=False)
    import os

    os.replace(argv[2] + ".tmp", argv[2])
    print(
        f"aws_schema: {len(schemas['resource_schemas'])} resources, "
        f"{len(schemas['data_source_schemas'])} data sources -> {argv[2]}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
