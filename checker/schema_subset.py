"""A yes/no check of a document against the JSON Schema keywords xreg's schemas use.

Why it exists: importing jsonschema takes longer than the rest of ``xreg check`` together.
A valid plan (the usual case) is confirmed here without that import; jsonschema still
judges every plan this check does not confirm, and writes the error. A keyword outside this
subset makes the check give up (``Unsupported``) rather than guess, and the test suite
compares both on many plans, so a schema change cannot make them quietly disagree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any


class Unsupported(Exception):
    """The schema uses a keyword this check does not implement."""


# Keywords that never constrain an instance.
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$defs", "$comment", "title", "description", "default", "examples"}
)


def _is_type(instance: Any, name: str) -> bool:
    if name == "object":
        return isinstance(instance, dict)
    if name == "array":
        return isinstance(instance, list)
    if name == "string":
        return isinstance(instance, str)
    if name == "boolean":
        return isinstance(instance, bool)
    if name == "null":
        return instance is None
    if isinstance(instance, bool):
        return False
    if name == "number":
        return isinstance(instance, int | float)
    if name == "integer":
        return isinstance(instance, int) or (isinstance(instance, float) and instance.is_integer())
    raise Unsupported(f"type {name}")


def _equal(left: Any, right: Any) -> bool:
    """JSON equality: true is not 1, 1 is 1.0."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_equal(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(_equal, left, right))
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    return type(left) is type(right) and bool(left == right)


def conforms(instance: Any, schema: Any, root: Mapping[str, Any]) -> bool:
    """Whether ``instance`` is valid against ``schema`` (``root`` resolves ``#/$defs/…``)."""
    if schema is True:
        return True
    if schema is False:
        return False
    for keyword, value in schema.items():
        if keyword in _ANNOTATIONS or keyword.startswith("x-"):
            continue
        if not _keyword_holds(keyword, value, instance, schema, root):
            return False
    return True


def _keyword_holds(
    keyword: str, value: Any, instance: Any, schema: Mapping[str, Any], root: Mapping[str, Any]
) -> bool:
    if keyword == "$ref":
        prefix = "#/$defs/"
        if not value.startswith(prefix):
            raise Unsupported(f"$ref {value}")
        return conforms(instance, root["$defs"][value[len(prefix) :]], root)
    if keyword == "type":
        names = [value] if isinstance(value, str) else value
        return any(_is_type(instance, name) for name in names)
    if keyword == "const":
        return _equal(instance, value)
    if keyword == "enum":
        return any(_equal(instance, choice) for choice in value)
    if keyword in ("pattern", "minLength", "maxLength"):
        if not isinstance(instance, str):
            return True
        if keyword == "pattern":
            return re.search(value, instance) is not None
        limit: int = value
        return len(instance) >= limit if keyword == "minLength" else len(instance) <= limit
    if keyword in ("items", "minItems", "maxItems", "uniqueItems"):
        if not isinstance(instance, list):
            return True
        if keyword == "items":
            return all(conforms(item, value, root) for item in instance)
        if keyword == "uniqueItems":
            return not value or not any(
                _equal(a, b) for i, a in enumerate(instance) for b in instance[i + 1 :]
            )
        count: int = value
        return len(instance) >= count if keyword == "minItems" else len(instance) <= count
    if keyword in ("required", "properties", "patternProperties", "additionalProperties"):
        return not isinstance(instance, dict) or _object_holds(
            keyword, value, instance, schema, root
        )
    if keyword in ("minProperties", "maxProperties"):
        if not isinstance(instance, dict):
            return True
        size: int = value
        return len(instance) >= size if keyword == "minProperties" else len(instance) <= size
    if keyword in ("minimum", "maximum"):
        if isinstance(instance, bool) or not isinstance(instance, int | float):
            return True
        bound: float = value
        return instance >= bound if keyword == "minimum" else instance <= bound
    if keyword in ("anyOf", "oneOf"):
        passing = sum(1 for choice in value if conforms(instance, choice, root))
        return passing >= 1 if keyword == "anyOf" else passing == 1
    if keyword == "allOf":
        return all(conforms(instance, choice, root) for choice in value)
    if keyword == "propertyNames":
        return not isinstance(instance, dict) or all(conforms(k, value, root) for k in instance)
    raise Unsupported(keyword)


def _object_holds(
    keyword: str,
    value: Any,
    instance: dict[str, Any],
    schema: Mapping[str, Any],
    root: Mapping[str, Any],
) -> bool:
    if keyword == "required":
        return all(name in instance for name in value)
    if keyword == "properties":
        return all(conforms(instance[k], sub, root) for k, sub in value.items() if k in instance)
    if keyword == "patternProperties":
        return all(
            conforms(item, sub, root)
            for pattern, sub in value.items()
            for key, item in instance.items()
            if re.search(pattern, key)
        )
    known = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    return all(
        conforms(item, value, root)
        for key, item in instance.items()
        if key not in known and not any(re.search(pattern, key) for pattern in patterns)
    )
