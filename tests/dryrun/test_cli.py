"""``xreg dry-run`` end to end: exit codes, console, JSON report, lazy imports."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from checker.cli import main
from tests.conftest import ANSI, FIXTURES, ROOT, Terminal, assert_valid_report, run_xreg


def test_the_seed_exits_1_and_says_where_and_why(example_plan: Path) -> None:
    result = run_xreg("dry-run", str(example_plan))
    assert result.returncode == 1, result.stderr
    assert "DRY-RUN FAILED at step 4: ecr:GetDownloadUrlForLayer by 111111111111:root" in (
        result.stdout
    )
    assert "AccessDeniedException: User: arn:aws:iam::111111111111:root is not authorized" in (
        result.stdout
    )
    # the fix for the failing step is shown beside it
    assert "aws ecr set-repository-policy --registry-id 222222222222" in result.stdout
    assert not ANSI.search(result.stdout)
    assert max(len(line) for line in result.stdout.splitlines()) <= 100
    assert not [line for line in result.stdout.splitlines() if line.endswith(" ")]


def test_a_passing_plan_exits_0_with_the_model_package_arn() -> None:
    result = run_xreg("dry-run", str(FIXTURES / "aws-doc-sample-fixed" / "plan.yaml"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "DRY-RUN SUCCEEDED  arn:aws:sagemaker:us-east-2:111111111111:model-package/iris/1"
        in result.stdout
    )


def test_with_fixes_the_seed_exits_0(example_plan: Path) -> None:
    result = run_xreg("dry-run", str(example_plan), "--with-fixes")
    assert result.returncode == 0, result.stdout
    assert re.search(r"with fix F-[0-9a-f]{4}: repository policy of", result.stdout)


def test_bad_input_exits_2_with_one_line(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("version: 1\nregion: us-east-2\n")
    result = run_xreg("dry-run", str(plan))
    assert result.returncode == 2
    assert result.stderr.startswith("xreg: error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_json_report_carries_the_trace_and_is_deterministic(
    example_plan: Path, tmp_path: Path
) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert main(["dry-run", str(example_plan), "-f", "json", "-o", str(first)]) == 1
    assert main(["dry-run", str(example_plan), "-f", "json", "-o", str(second)]) == 1
    assert first.read_bytes() == second.read_bytes()
    data = json.loads(first.read_text())
    assert_valid_report(data)
    assert data["command"] == "dry-run"
    assert data["verdict"] == "fail"
    assert data["trace"]["outcome"] == "denied"
    assert data["trace"]["stopped_at"] == 4
    assert data["trace"]["emulator"] == "moto in-process"
    # the check's rows ride along, so other formats render the same plan
    assert any(row["action"] == "ecr:GetDownloadUrlForLayer" for row in data["requirements"])


def test_registering_the_command_imports_neither_boto3_nor_moto() -> None:
    code = (
        "import sys\n"
        "from checker.cli import build_parser\n"
        "build_parser().parse_args(['dry-run', 'plan.yaml'])\n"
        "print(','.join(m for m in ('boto3', 'botocore', 'moto') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == ""


COLOUR = re.compile(r"\x1b\[(?:[0-9]+;)*(?:3[0-8]|9[0-7])[;m]")


def test_colour_only_on_a_terminal_without_no_color(
    example_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from checker.dryrun.console import print_dry_run
    from tests.dryrun.conftest import replay

    report = replay(example_plan)
    monkeypatch.delenv("NO_COLOR", raising=False)
    coloured = Terminal()
    print_dry_run(report, coloured)
    monkeypatch.setenv("NO_COLOR", "1")
    plain = Terminal()
    print_dry_run(report, plain)
    # NO_COLOR takes the colours away; bold and dim are not colours and stay
    assert COLOUR.search(coloured.getvalue())
    assert not COLOUR.search(plain.getvalue())
    assert "DRY-RUN FAILED at step 4" in plain.getvalue()


def test_a_pipe_and_a_terminal_get_the_same_characters(
    example_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from checker.dryrun.console import print_dry_run
    from tests.dryrun.conftest import replay

    report = replay(example_plan)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "100")  # a terminal as wide as a pipe's lines
    piped = io.StringIO()
    print_dry_run(report, piped)
    terminal = Terminal()
    print_dry_run(report, terminal)
    assert COLOUR.search(terminal.getvalue())
    assert re.sub(r"\x1b\[[0-9;]*m", "", terminal.getvalue()) == piped.getvalue()
    assert all(len(text) <= 100 for text in piped.getvalue().splitlines())
