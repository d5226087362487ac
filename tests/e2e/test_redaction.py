"""Container Environment values never reach a report: they often hold secrets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checker.cli import main
from tests.conftest import FIXTURES

SECRET = "hunter2-do-not-print"


def _plan_with_secret(tmp_path: Path) -> Path:
    target = tmp_path / "plan"
    shutil.copytree(FIXTURES / "aws-doc-sample", target)
    text = (target / "plan.yaml").read_text()
    text = text.replace(
        "        ModelDataUrl: s3://my-bucket/model.tar.gz\n",
        "        ModelDataUrl: s3://my-bucket/model.tar.gz\n"
        "        Environment:\n"
        f"          DB_PASSWORD: {SECRET}\n"
        f"          TOO_LONG: {SECRET}{'x' * 1100}\n",
        1,
    )
    (target / "plan.yaml").write_text(text)
    return target / "plan.yaml"


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
