"""Shared test helpers: the bundled fixtures, the report schema, running ``xreg``, the moto
server."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import settings

from tests.moto_server import MotoServer
from tests.plans import FIXTURES, ROOT

# Hypothesis fails an example that runs longer than 200 ms by default: a wall-clock
# assertion, which a busy machine breaks. The suite bounds work instead (tests/work.py).
settings.register_profile("xreg", deadline=None)
settings.load_profile("xreg")

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


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    """One moto server process for the whole run; tests clean it (``MotoServer.clean``)."""
    with MotoServer() as server:
        yield server


@pytest.fixture
def isolated_aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Credentials that reach the test server and nothing else, as a user's shell would hold
    them: no profile, no session token, no config or credentials file of this machine."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-2")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
