"""Validating documents against the JSON Schemas shipped in ``checker/schemas/``: xreg's own
data files (the matrix, the lint rules) here, plans through ``checker.plan.schema``.

The yes/no check of ``checker.schema_subset`` confirms a valid document without importing
jsonschema (whose import costs more than a whole offline check); jsonschema judges and words
the error for any document it does not confirm.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from checker.errors import InputError, field_path
from checker.paths import PACKAGE_DIR
from checker.schema_subset import Unsupported, conforms


@cache
def packaged_schema(name: str) -> dict[str, Any]:
    """A schema shipped in ``checker/schemas/``."""
    text = (PACKAGE_DIR / "schemas" / name).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator(name: str) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(packaged_schema(name))


def schema_errors(name: str, data: Any) -> list[Any]:
    """jsonschema's errors of ``data`` against the shipped schema ``name``: none, and
    jsonschema not imported, for a document the subset validator confirms."""
    schema = packaged_schema(name)
    try:
        if conforms(data, schema, schema):
            return []
    except Unsupported:
        pass  # jsonschema decides below
    return list(_validator(name).iter_errors(data))


def check_against(name: str, data: Any, *, source: str) -> None:
    """Raise ``InputError`` (file, field path, reason) unless ``data`` is valid for ``name``."""
    errors = schema_errors(name, data)
    if errors:
        from jsonschema.exceptions import best_match

        error = best_match(errors)
        raise InputError(source, field_path(tuple(error.absolute_path)), error.message)
