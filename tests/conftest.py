"""Shared test helpers: the bundled fixtures, the report schema, running ``xreg``."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.plans import FIXTURES, ROOT

REPORT_SCHEMA = json.loads((ROOT / "checker" / "schemas" / "report.schema.json").read_text())
ANSI = re.compile(r"\x1b\[")


def fixture_plans() -> list[Path]:
    return sorted(path for path in FIXTURES.glob("*/plan.yaml"))


def assert_valid_report(data: dict[str, Any]) -> None:
    """Every report the tests produce is validated against the shipped report schema."""
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(data)


def run_xreg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``xreg`` in a process of its own, from the repository root, its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "checker.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        check=False,
    )


class Terminal(io.StringIO):
    """An output stream that says it is a terminal, as the console renderers check."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def example_plan() -> Path:
    return FIXTURES / "aws-doc-sample" / "plan.yaml"
