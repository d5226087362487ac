"""Validating a plan against ``checker/schemas/plan.schema.json``, reporting one error.

Importing jsonschema costs more than everything else ``xreg check`` loads, so a plan that
``schema_subset`` confirms as valid never pays for it (``checker.schema_validation``); any
other plan is judged by jsonschema, and the error it finds worded here for a person.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from checker.errors import InputError, field_path, json_type_name
from checker.plan.model import FieldPath, Positions, nearest_position
from checker.schema_validation import packaged_schema, schema_errors

_SCHEMA = "plan.schema.json"

_TYPE_WORDS = {
    "string": "a string",
    "object": "an object",
    "array": "a list",
    "number": "a number",
    "integer": "an integer",
    "boolean": "true or false",
    "null": "null",
}


def plan_schema() -> dict[str, Any]:
    return packaged_schema(_SCHEMA)


def validate_plan(data: Mapping[str, Any], *, source: str, positions: Positions) -> None:
    """Raise ``InputError`` for the most specific schema error (the deepest; among equally
    deep ones, the first in the file)."""
    errors = schema_errors(_SCHEMA, data)
    if not errors:
        return
    described = [_describe(error) for error in errors]

    def rank(indexed: tuple[int, tuple[FieldPath, str]]) -> tuple[int, tuple[int, int], int]:
        index, (path, _) = indexed
        return (-len(path), nearest_position(path, positions) or (0, 0), index)

    _, (path, reason) = min(enumerate(described), key=rank)
    raise InputError(source, field_path(path), reason)


def _describe(error: Any) -> tuple[FieldPath, str]:
    """The field path an error is about and a one-line reason a person can act on."""
    path: FieldPath = tuple(error.absolute_path)
    keyword = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    instance = error.instance
    expected = schema.get("x-expected")
    if "propertyNames" in error.absolute_schema_path:
        return (*path, str(instance)), f"{instance!r} is not {expected or 'a valid key'}"
    if keyword == "type":
        return path, _type_reason(instance, schema)
    if keyword == "pattern":
        if expected:
            return path, f"{instance!r} is not {expected}"
        return path, f"{instance!r} does not match {error.validator_value}"
    if keyword == "enum":
        choices = ", ".join(str(choice) for choice in error.validator_value)
        return path, f"{instance!r} is not one of {choices}"
    if keyword == "const":
        if path == ("version",):
            return path, f"unsupported plan version {instance!r} (this xreg reads version 1)"
        return path, f"must be {error.validator_value!r}"
    if keyword == "required":
        missing = [name for name in error.validator_value if name not in instance]
        return path, f"missing required field {missing[0]!r}"
    if keyword == "additionalProperties":
        return _unknown_field(path, instance, schema)
    if keyword == "minItems":
        if error.validator_value == 1:
            return path, f"must not be empty: {expected}" if expected else "must not be empty"
        return path, f"needs at least {error.validator_value} items"
    if keyword == "maxItems":
        return path, f"has {len(instance)} items, at most {error.validator_value} are allowed"
    if keyword == "minLength":
        return path, "must not be empty"
    if keyword == "maxLength":
        return path, f"is {len(instance)} characters long, at most {error.validator_value}"
    return path, str(error.message).splitlines()[0]


def _type_reason(instance: Any, schema: Mapping[str, Any]) -> str:
    if isinstance(instance, int) and not isinstance(instance, bool) and _is_account_schema(schema):
        quoted = f' ("{instance}")' if len(str(instance)) == 12 else ""
        return f"{instance} is a number, but account ids are strings: quote it{quoted}"
    expected = schema.get("x-expected")
    if not expected:
        types = schema.get("type")
        names = [types] if isinstance(types, str) else list(types or [])
        expected = " or ".join(_TYPE_WORDS.get(name, name) for name in names)
    return f"expected {expected}, got {json_type_name(instance)}"


def _is_account_schema(schema: Mapping[str, Any]) -> bool:
    return schema.get("pattern") == "^[0-9]{12}$"


def _unknown_field(
    path: FieldPath, instance: Mapping[str, Any], schema: Mapping[str, Any]
) -> tuple[FieldPath, str]:
    known = list(schema.get("properties", {}))
    patterns = [re.compile(pattern) for pattern in schema.get("patternProperties", {})]
    unknown = [
        key
        for key in instance
        if key not in known and not any(pattern.search(key) for pattern in patterns)
    ]
    hint = f"; known fields: {', '.join(known)}" if known else ""
    extension = " (or a key starting with x-)" if patterns else ""
    return (*path, unknown[0]), f"unknown field{hint}{extension}"
