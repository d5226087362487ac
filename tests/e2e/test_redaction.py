"""Container Environment values never reach a report: they often hold secrets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from checker.cli import main
from tests.plans import copy_fixture, edit_plan

SECRET = "hunter2-do-not-print"


def _plan_with_secret(tmp_path: Path) -> Path:
    def add_environment(data: dict[str, Any]) -> None:
        data["registration"]["InferenceSpecification"]["Containers"][0]["Environment"] = {
            "DB_PASSWORD": SECRET,
            "TOO_LONG": f"{SECRET}{'x' * 1100}",
        }

    return edit_plan(copy_fixture("aws-doc-sample", tmp_path / "plan"), add_environment)


@pytest.mark.parametrize("command", ["check", "dry-run"])
def test_no_format_prints_an_environment_value(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = _plan_with_secret(tmp_path)
    formats = ["json", "sarif", "junit", "markdown", "html"]
    outputs = [str(tmp_path / f"report.{name}") for name in formats]
    args = [command, str(plan), "-f", ",".join(["console", *formats])]
    for output in outputs:
        args += ["-o", output]
    assert main(args) == 1
    printed = capsys.readouterr()
    assert SECRET not in printed.out + printed.err
    for output in outputs:
        assert SECRET not in Path(output).read_text(), output
    # the over-long value is still reported, by its field path
    assert "Environment.TOO_LONG" in Path(outputs[0]).read_text()
