"""Compatibility of two JSON Schemas of one contract version: is the change additive?"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["breaking_changes"]

Schema = Mapping[str, Any]

_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", type(None): "null"}


def breaking_changes(old: Schema, new: Schema) -> list[str]:
    """What makes `new` a non-additive change of `old`; empty when `new` only adds.

    Non-additive: a property removed, a type changed (JSON type, format or set of allowed
    values), or a property required that was not required before. Adding an optional
    property, a description or a default is additive.
    """
    diff = _Diff(old, new)
    diff.compare(old, new, "data")
    return diff.problems


class _Diff:
    """One comparison: the two root documents (for `$ref`) and what was found."""

    def __init__(self, old_root: Schema, new_root: Schema) -> None:
        self.old_root = old_root
        self.new_root = new_root
        self.problems: list[str] = []

    def compare(self, old: Schema, new: Schema, path: str) -> None:
        old_kinds = _kinds(old, self.old_root)
        new_kinds = _kinds(new, self.new_root)
        if set(old_kinds) != set(new_kinds):
            self.problems.append(
                f"{path}: type changed from {_names(old_kinds)} to {_names(new_kinds)}"
            )
        for kind in sorted(set(old_kinds) & set(new_kinds)):
            before, after = old_kinds[kind], new_kinds[kind]
            if kind == "object":
                self.compare_objects(before, after, path)
            elif kind == "array":
                if "items" in before and "items" in after:
                    self.compare(before["items"], after["items"], f"{path}[]")
            else:
                self.compare_scalars(before, after, kind, path)

    def compare_objects(self, old: Schema, new: Schema, path: str) -> None:
        old_props: Schema = old.get("properties", {})
        new_props: Schema = new.get("properties", {})
        for name in sorted(old_props):
            if name not in new_props:
                self.problems.append(f"{path}.{name}: property removed")
            else:
                self.compare(old_props[name], new_props[name], f"{path}.{name}")
        for name in sorted(set(new.get("required", ())) - set(old.get("required", ()))):
            self.problems.append(f"{path}.{name}: new required property")

    def compare_scalars(self, old: Schema, new: Schema, kind: str, path: str) -> None:
        if old.get("format") != new.get("format"):
            self.problems.append(
                f"{path}: format changed from {old.get('format')} to {new.get('format')}"
            )
        old_values, new_values = _allowed(old, kind), _allowed(new, kind)
        if old_values != new_values:
            self.problems.append(
                f"{path}: allowed values changed from {_values(old_values)} "
                f"to {_values(new_values)}"
            )


def _kinds(node: Schema, root: Schema) -> dict[str, Schema]:
    """The JSON types a node allows, each with the (sub)schema that describes it."""
    node = _resolve(node, root)
    alternatives = node.get("anyOf") or node.get("oneOf")
    if alternatives:
        kinds: dict[str, Schema] = {}
        for alternative in alternatives:
            kinds.update(_kinds(alternative, root))
        return kinds
    declared = node.get("type")
    if declared is None:
        if "const" in node or "enum" in node:
            values = [node["const"]] if "const" in node else node["enum"]
            declared = sorted({_JSON_TYPES.get(type(v), "any") for v in values})
        elif "properties" in node:
            declared = "object"
        else:
            declared = "any"
    types = [declared] if isinstance(declared, str) else list(declared)
    return {kind: node for kind in types}


def _resolve(node: Schema, root: Schema) -> Schema:
    seen: set[str] = set()
    while "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/") or ref in seen:
            raise ValueError(f"cannot resolve $ref {ref!r}")
        seen.add(ref)
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _allowed(node: Schema, kind: str) -> frozenset[Any] | None:
    if "const" in node:
        values: list[Any] = [node["const"]]
    elif "enum" in node:
        values = list(node["enum"])
    else:
        return None
    return frozenset(v for v in values if _JSON_TYPES.get(type(v), "any") == kind)


def _names(kinds: Mapping[str, Any]) -> str:
    return " | ".join(sorted(kinds))


def _values(values: frozenset[Any] | None) -> str:
    return "any" if values is None else str(sorted(values, key=repr))
