"""The console's command-line options: --quiet, --verbose, --color, and a piped -f json."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from checker.report.console import plural, shell_lines
from checker.report.lines import display_width, plain_text, wrap
from tests.conftest import ANSI, run_xreg


def test_quiet_prints_the_gaps_and_the_verdict_only(example_plan: Path) -> None:
    result = run_xreg("check", str(example_plan), "--quiet")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "Gaps"
    assert "Fixes" not in lines and "Findings" not in lines
    assert not any(line.startswith("Account ") for line in lines)
    assert any(line.startswith("FAIL  ") for line in lines)


def test_verbose_gives_every_access_its_reason(example_plan: Path) -> None:
    result = run_xreg("check", str(example_plan), "--verbose")
    section = result.stdout.split("\nDecisions\n", 1)[1].split("\nGaps\n", 1)[0]
    assert "kms:Decrypt by 111111111111:root — allowed, identity unverified" in section
    assert "policies/key.json (AddPerm)" in section


def test_color_always_and_never_win_over_the_environment(example_plan: Path) -> None:
    coloured = run_xreg("check", str(example_plan), "--color", "always", env={"NO_COLOR": "1"})
    assert ANSI.search(coloured.stdout)
    plain = run_xreg("check", str(example_plan), "--color", "never", env={"FORCE_COLOR": "1"})
    assert not ANSI.search(plain.stdout)
    auto = run_xreg("check", str(example_plan), env={"FORCE_COLOR": "1"})
    assert ANSI.search(auto.stdout)


def test_json_without_output_goes_to_a_piped_stdout(example_plan: Path, tmp_path: Path) -> None:
    result = run_xreg("check", str(example_plan), "-f", "json")
    assert json.loads(result.stdout)["verdict"] == "fail"
    assert "wrote" not in result.stderr


def test_one_output_too_many_is_counted_in_words(example_plan: Path, tmp_path: Path) -> None:
    result = run_xreg("check", str(example_plan), "-f", "json", "-o", "a.json", "-o", "b.json")
    assert result.returncode == 2
    assert result.stderr == "xreg: error: -o: 2 outputs for 1 file format\n"


def test_counts_are_singular_for_one() -> None:
    assert plural(1, "error") == "1 error"
    assert plural(2, "warning") == "2 warnings"
    assert plural(0, "error") == "0 errors"


def test_width_is_measured_in_terminal_cells() -> None:
    assert display_width("abc") == 3
    assert display_width("模型") == 4  # wide characters take two cells
    combining = unicodedata.normalize("NFD", "é")
    assert len(combining) == 2 and display_width(combining) == 1
    wrapped = wrap("模型 " * 30, 20)
    assert all(display_width(plain_text(one)) <= 20 for one in wrapped)


def test_hanging_indent_is_kept_on_every_wrapped_line() -> None:
    wrapped = [plain_text(one) for one in wrap("word " * 40, 30, 2, hang=2)]
    assert wrapped[0].startswith("  word")
    assert all(line.startswith("    word") for line in wrapped[1:])


def test_a_quoted_word_of_a_command_is_never_split() -> None:
    command = (
        "GRANT_ID=$(aws kms list-grants --key-id arn:aws:kms:us-east-2:222222222222:key/k "
        "--query \"Grants[?GranteePrincipal=='111111111111'] | [0].GrantId\" --output text)"
    )
    folded = shell_lines(command, width=40)
    assert "\"Grants[?GranteePrincipal=='111111111111'] | [0].GrantId\"" in folded
    assert all(line.endswith(" \\") for line in folded.splitlines()[:-1])
