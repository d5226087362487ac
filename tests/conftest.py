"""Shared test helpers: the bundled fixtures and the report schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
REPORT_SCHEMA = json.loads((ROOT / "checker" / "schemas" / "report.schema.json").read_text())


def fixture_plans() -> list[Path]:
    return sorted(path for path in FIXTURES.glob("*/plan.yaml"))


def assert_valid_report(data: dict[str, Any]) -> None:
    """Every report the tests produce is validated against the shipped report schema."""
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(data)


@pytest.fixture
def example_plan() -> Path:
    return FIXTURES / "aws-doc-sample" / "plan.yaml"
