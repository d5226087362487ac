"""The official SARIF 2.1.0 schema that xreg ships, as a validator for tests."""

from __future__ import annotations

import functools
import json
from typing import Any

import jsonschema

from tests.conftest import ROOT

SARIF_SCHEMA = ROOT / "checker" / "schemas" / "sarif-2.1.0.json"


@functools.cache
def sarif_validator() -> jsonschema.Draft4Validator:
    schema: dict[str, Any] = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


def sarif_errors(log: Any) -> list[str]:
    errors = sorted(sarif_validator().iter_errors(log), key=lambda error: list(error.path))
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in errors]


def assert_valid_sarif(log: Any) -> None:
    errors = sarif_errors(log)
    assert not errors, "\n".join(errors[:5])
