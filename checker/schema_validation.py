"""A small, fast validator for the subset of JSON Schema (2020-12) that xreg's schemas use.

Why not ``jsonschema`` at run time: importing it costs ~110 ms, most of the time budget of an
offline check. The shipped schemas stay real JSON Schema documents; the test suite validates
them and checks this validator against ``jsonschema`` on the same inputs, and a schema that uses
a keyword this validator does not know is refused when loaded rather than silently ignored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

SUPPORTED_KEYWORDS = frozenset(
    {
        "$schema", "$id", "$defs", "$ref", "$comment", "title", "description", "examples",
        "default", "type", "properties", "required", "additionalProperties",
        "patternProperties", "propertyNames", "minProperties", "maxProperties", "items",
        "minItems", "maxItems", "uniqueItems", "enum", "const", "pattern", "minLength",
        "maxLength", "minimum", "maximum", "oneOf", "anyOf", "allOf", "not",
    }
)  # fmt: skip

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


@dataclass(frozen=True)
class SchemaError:
    path: tuple[str | int, ...]
    message: str


class UnsupportedSchema(Exception):
    """The schema uses a keyword this validator does not implement."""


def _type_name(value: Any) -> str:
    for name, kinds in _TYPES.items():
        if isinstance(value, kinds) and not (
            name in ("integer", "number") and isinstance(value, bool)
        ):
            return name
    return type(value).__name__


def _is_type(value: Any, name: str) -> bool:
    if name in ("integer", "number") and isinstance(value, bool):
        return False
    if name == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _TYPES[name])


def check_supported(schema: Any, where: str = "#") -> None:
    """Refuse a schema that uses keywords this validator would silently skip."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key not in SUPPORTED_KEYWORDS:
                raise UnsupportedSchema(f"{where}: unsupported keyword {key!r}")
            if key in ("properties", "patternProperties", "$defs"):
                for name, sub in value.items():
                    check_supported(sub, f"{where}/{key}/{name}")
            elif key in ("items", "additionalProperties", "not", "propertyNames"):
                check_supported(value, f"{where}/{key}")
            elif key in ("oneOf", "anyOf", "allOf"):
                for index, sub in enumerate(value):
                    check_supported(sub, f"{where}/{key}/{index}")


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


class Validator:
    def __init__(self, schema: Mapping[str, Any]) -> None:
        check_supported(schema)
        self.schema = schema

    def _resolve(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            raise UnsupportedSchema(f"only local $ref is supported, got {ref!r}")
        node: Any = self.schema
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def errors(self, instance: Any) -> list[SchemaError]:
        return list(self._errors(instance, self.schema, ()))

    def best_error(self, instance: Any) -> SchemaError | None:
        """The most specific error: the deepest path, first in document order on ties."""
        best: SchemaError | None = None
        for error in self._errors(instance, self.schema, ()):
            if best is None or len(error.path) > len(best.path):
                best = error
        return best

    def _errors(
        self, value: Any, schema: Any, path: tuple[str | int, ...]
    ) -> Iterator[SchemaError]:
        if schema is True:
            return
        if schema is False:
            yield SchemaError(path, "is not allowed here")
            return
        if "$ref" in schema:
            yield from self._errors(value, self._resolve(schema["$ref"]), path)
        if "type" in schema:
            expected = schema["type"]
            names = expected if isinstance(expected, list) else [expected]
            if not any(_is_type(value, name) for name in names):
                article = " or ".join(names)
                yield SchemaError(
                    path, f"must be {article}, got {_type_name(value)} {_short(value)}"
                )
                return
        if "const" in schema and value != schema["const"]:
            yield SchemaError(path, f"must be {json.dumps(schema['const'])}, got {_short(value)}")
        if "enum" in schema and value not in schema["enum"]:
            choices = ", ".join(json.dumps(choice) for choice in schema["enum"])
            yield SchemaError(path, f"must be one of {choices}; got {_short(value)}")
        if isinstance(value, str):
            yield from self._string_errors(value, schema, path)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                yield SchemaError(path, f"must be at least {schema['minimum']}, got {value}")
            if "maximum" in schema and value > schema["maximum"]:
                yield SchemaError(path, f"must be at most {schema['maximum']}, got {value}")
        elif isinstance(value, list):
            yield from self._array_errors(value, schema, path)
        elif isinstance(value, dict):
            yield from self._object_errors(value, schema, path)
        for sub in schema.get("allOf", ()):
            yield from self._errors(value, sub, path)
        for keyword in ("anyOf", "oneOf"):
            if keyword in schema:
                yield from self._choice_errors(value, schema[keyword], keyword, path)
        if "not" in schema and not any(True for _ in self._errors(value, schema["not"], path)):
            yield SchemaError(path, "matches a form that is not allowed")

    def _string_errors(
        self, value: str, schema: Any, path: tuple[str | int, ...]
    ) -> Iterator[SchemaError]:
        if "minLength" in schema and len(value) < schema["minLength"]:
            yield SchemaError(path, f"must be at least {schema['minLength']} characters long")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            yield SchemaError(
                path, f"must be at most {schema['maxLength']} characters long, got {len(value)}"
            )
        if "pattern" in schema and not _regex(schema["pattern"]).search(value):
            yield SchemaError(path, f"{_short(value)} does not match {schema['pattern']}")

    def _array_errors(
        self, value: list[Any], schema: Any, path: tuple[str | int, ...]
    ) -> Iterator[SchemaError]:
        if "minItems" in schema and len(value) < schema["minItems"]:
            yield SchemaError(
                path, f"must have at least {schema['minItems']} items, got {len(value)}"
            )
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            yield SchemaError(
                path, f"must have at most {schema['maxItems']} items, got {len(value)}"
            )
        if schema.get("uniqueItems"):
            seen: list[Any] = []
            for index, item in enumerate(value):
                if item in seen:
                    yield SchemaError((*path, index), "repeats an earlier item")
                seen.append(item)
        if "items" in schema:
            for index, item in enumerate(value):
                yield from self._errors(item, schema["items"], (*path, index))

    def _object_errors(
        self, value: dict[str, Any], schema: Any, path: tuple[str | int, ...]
    ) -> Iterator[SchemaError]:
        for name in schema.get("required", ()):
            if name not in value:
                yield SchemaError((*path, name), "is required")
        if "minProperties" in schema and len(value) < schema["minProperties"]:
            yield SchemaError(path, f"must have at least {schema['minProperties']} entries")
        if "maxProperties" in schema and len(value) > schema["maxProperties"]:
            yield SchemaError(path, f"must have at most {schema['maxProperties']} entries")
        properties = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        for name, item in value.items():
            matched = False
            if name in properties:
                matched = True
                yield from self._errors(item, properties[name], (*path, name))
            for pattern, sub in patterns.items():
                if _regex(pattern).search(name):
                    matched = True
                    yield from self._errors(item, sub, (*path, name))
            if "propertyNames" in schema:
                for error in self._errors(name, schema["propertyNames"], (*path, name)):
                    yield SchemaError(error.path, f"key {error.message}")
            if not matched and "additionalProperties" in schema:
                extra = schema["additionalProperties"]
                if extra is False:
                    allowed = ", ".join(sorted(properties)) or "none"
                    yield SchemaError((*path, name), f"unknown field (allowed: {allowed})")
                else:
                    yield from self._errors(item, extra, (*path, name))

    def _choice_errors(
        self, value: Any, choices: list[Any], keyword: str, path: tuple[str | int, ...]
    ) -> Iterator[SchemaError]:
        failures = [list(self._errors(value, choice, path)) for choice in choices]
        passing = sum(1 for errors in failures if not errors)
        if keyword == "oneOf" and passing > 1:
            yield SchemaError(path, "matches more than one allowed form")
        if passing:
            return
        # The branch that got furthest explains the problem best (as jsonschema's best_match).
        closest = max(failures, key=lambda errors: max(len(error.path) for error in errors))
        deepest = max(closest, key=lambda error: len(error.path))
        if len(deepest.path) > len(path):
            yield deepest
        else:
            yield SchemaError(path, _describe_choices(value, choices))


def _describe_choices(value: Any, choices: list[Any]) -> str:
    kinds = sorted(
        {str(choice.get("type", "value")) for choice in choices if isinstance(choice, dict)}
    )
    return f"must be one of the allowed forms ({' or '.join(kinds)}), got {_type_name(value)}"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@cache
def packaged_validator(name: str) -> Validator:
    """The validator for a schema shipped in ``checker/schemas/``."""
    text = resources.files("checker.schemas").joinpath(name).read_text(encoding="utf-8")
    return Validator(json.loads(text))
