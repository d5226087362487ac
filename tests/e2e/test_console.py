"""The console view: fixes that paste back exactly, and fit the terminal."""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from checker.check import check_plan
from checker.engine.decide import CheckOptions
from checker.plan.loader import load_plan
from checker.records import replace
from checker.report.console import print_console, shell_lines, short_arn
from tests.conftest import FIXTURES, Terminal, fixture_plans


def test_long_commands_become_continuation_lines_that_mean_the_same() -> None:
    command = (
        "aws ecr set-repository-policy --registry-id 222222222222 --repository-name "
        "decision-trees-sample --region us-east-2 --policy-text file://fixed.json"
    )
    folded = shell_lines(command, width=60)
    assert all(len(line) <= 60 for line in folded.splitlines())
    assert shlex.split(folded.replace("\\\n", " ")) == shlex.split(command)
    assert shell_lines("aws s3 ls", width=60) == "aws s3 ls"


def test_the_printed_fix_document_is_the_fix_policy() -> None:
    report = check_plan(load_plan(FIXTURES / "aws-doc-sample" / "plan.yaml"), CheckOptions())
    out = io.StringIO()
    print_console(report, out)
    text = out.getvalue()
    for fix in report.extra["fixes"]:
        assert fix.policy is not None
        assert json.dumps(fix.policy, indent=2) in text
        assert shell_lines(fix.command) in text
    assert all(len(line.rstrip()) <= 100 for line in text.splitlines())


def test_access_rows_line_up_and_a_long_principal_stays_in_its_column() -> None:
    report = check_plan(load_plan(FIXTURES / "aws-doc-sample" / "plan.yaml"), CheckOptions())
    long_principal = "arn:aws:iam::111111111111:role/" + "deploy-" * 10
    first = replace(report.requirements[0], principal=long_principal)
    report = replace(report, requirements=(first, *report.requirements[1:]))
    out = io.StringIO()
    print_console(report, out)
    lines = out.getvalue().splitlines()
    accesses = lines[: lines.index("Gaps")]
    columns = set()
    for row in report.requirements:
        who = short_arn(row.principal)
        line = next(line for line in accesses if f" {row.action} " in line)
        columns.add(line.index(who[:12]))  # the account id starts the principal
    assert len(columns) == 1, "the principal column starts at one place in every row"
    (column,) = columns
    who = short_arn(long_principal)
    at = next(i for i, line in enumerate(accesses) if "111111111111:role/" in line)
    pieces = [accesses[at][column:].split("  ")[0]]
    for line in accesses[at + 1 :]:
        if line[:column].strip():
            break
        pieces.append(line[column:].strip())
    assert "".join(pieces) == who
    assert pieces[0] == "111111111111:role/", "the ARN breaks after a separator, not in a name"
    assert all(len(line.rstrip()) <= 100 for line in lines)


@pytest.mark.parametrize("plan_path", fixture_plans(), ids=lambda path: path.parent.name)
def test_a_pipe_and_a_terminal_get_the_same_characters(
    plan_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = check_plan(load_plan(plan_path), CheckOptions())
    piped = io.StringIO()
    print_console(report, piped)
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    terminal = io.StringIO()
    print_console(report, terminal)
    coloured = terminal.getvalue()
    assert "\x1b[" in coloured, "a terminal gets colour"
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == piped.getvalue()


def test_no_color_wins_over_force_color(monkeypatch: pytest.MonkeyPatch) -> None:
    report = check_plan(load_plan(FIXTURES / "aws-doc-sample" / "plan.yaml"), CheckOptions())
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    out = io.StringIO()
    print_console(report, out)
    assert "\x1b[" not in out.getvalue()


def test_a_piped_check_never_imports_rich(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from checker.cli import main\n"
        "code = main(['check', sys.argv[1]])\n"
        "assert code == 1, code\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'rich'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(FIXTURES / "aws-doc-sample" / "plan.yaml")],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")},
        cwd=tmp_path,
        check=True,
    )
    assert done.stdout.splitlines()[-1] == "[]"
    assert "Gaps" in done.stdout


@pytest.mark.parametrize(("columns", "width"), [("60", 60), ("150", 100)])
def test_a_terminal_narrower_than_100_columns_gets_lines_that_fit_it(
    columns: str, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = check_plan(load_plan(FIXTURES / "aws-doc-sample" / "plan.yaml"), CheckOptions())
    monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = Terminal()
    print_console(report, out)
    text = re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue())
    gaps = text[text.index("Gaps") : text.index("Fixes")]
    lengths = [len(line) for line in gaps.splitlines()]
    assert max(lengths) <= width
    assert max(lengths) > width - 15, "the text fills the terminal's width"
