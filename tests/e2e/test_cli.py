"""The ``xreg check`` command end to end: exit codes, outputs, determinism, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from checker.cli import main
from tests.conftest import ANSI, FIXTURES, assert_valid_report, run_xreg
from tests.plans import copy_fixture, edit_plan


def test_failing_plan_exits_1_and_names_the_gaps(example_plan: Path) -> None:
    result = run_xreg("check", str(example_plan))
    assert result.returncode == 1, result.stderr
    assert "ecr:GetDownloadUrlForLayer" in result.stdout
    assert "aws ecr set-repository-policy" in result.stdout
    assert "FAIL" in result.stdout


def test_passing_plan_exits_0() -> None:
    result = run_xreg("check", str(FIXTURES / "aws-doc-sample-fixed" / "plan.yaml"), "--no-lint")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASS" in result.stdout


def test_console_fits_100_columns_and_has_no_colour_off_a_terminal(example_plan: Path) -> None:
    result = run_xreg("check", str(example_plan))
    assert not ANSI.search(result.stdout)
    assert max(len(line) for line in result.stdout.splitlines()) <= 100


def test_json_report_is_valid_and_byte_identical(example_plan: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert main(["check", str(example_plan), "--format", "json", "-o", str(first)]) == 1
    assert main(["check", str(example_plan), "--format", "json", "-o", str(second)]) == 1
    assert first.read_bytes() == second.read_bytes()
    data = json.loads(first.read_text())
    assert_valid_report(data)
    assert data["verdict"] == "fail"
    assert data["summary"]["denied"] == 2


def test_fail_on_never_exits_0_but_keeps_the_verdict(example_plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    code = main(["check", str(example_plan), "--fail-on", "never", "-f", "json", "-o", str(out)])
    assert code == 0
    assert json.loads(out.read_text())["verdict"] == "fail"


def test_strict_turns_unverified_into_unknown(example_plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    main(["check", str(example_plan), "--strict", "-f", "json", "-o", str(out), "--no-lint"])
    rows = json.loads(out.read_text())["requirements"]
    assert not any(row["decision"] == "unverified" for row in rows)
    token = next(row for row in rows if row["action"] == "ecr:GetAuthorizationToken")
    assert token["decision"] == "unknown"


def _bad_plan(tmp_path: Path, text: str, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("version: 1\naccounts: [\n", "plan.yaml"),
        ("version: 1\n", "plan.yaml"),
    ],
    ids=["malformed-yaml", "schema-violation"],
)
def test_bad_plan_exits_2_with_one_line(tmp_path: Path, content: str, expected: str) -> None:
    plan = _bad_plan(tmp_path, content)
    result = run_xreg("check", str(plan))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0]
    assert "Traceback" not in result.stderr


def test_bad_policy_file_names_the_file_and_field(tmp_path: Path) -> None:
    plan = copy_fixture("aws-doc-sample", tmp_path / "plan")
    (plan.parent / "policies" / "bucket.json").write_text(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Permit", "Action": "s3:GetObject",'
        ' "Resource": "*", "Principal": "*"}]}'
    )
    result = run_xreg("check", str(plan))
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "bucket.json" in line and "Statement[0].Effect" in line


def test_missing_plan_exits_2(tmp_path: Path) -> None:
    result = run_xreg("check", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2
    assert "nope.yaml" in result.stderr and "Traceback" not in result.stderr


def test_unknown_format_exits_2(example_plan: Path) -> None:
    result = run_xreg("check", str(example_plan), "--format", "pdf")
    assert result.returncode == 2
    assert "unknown format 'pdf'" in result.stderr


def test_image_outside_ecr_and_bad_s3_uri_are_findings_not_crashes(tmp_path: Path) -> None:
    def add_container(data: dict[str, Any]) -> None:
        data["registration"]["InferenceSpecification"]["Containers"].append(
            {
                "Image": "docker.io/library/python:3.11",
                "ModelDataUrl": "s3://Not_A_Bucket/model.tar.gz",
            }
        )

    plan = edit_plan(copy_fixture("aws-doc-sample", tmp_path / "plan"), add_container)
    out = tmp_path / "r.json"
    code = main(["check", str(plan), "-f", "json", "-o", str(out)])
    data = json.loads(out.read_text())
    assert code == 1
    assert_valid_report(data)
    by_field = {f["location"].get("field"): f for f in data["findings"]}
    image = by_field["registration.InferenceSpecification.Containers[1].Image"]
    assert "docker.io/library/python:3.11" in image["message"]
    uri = by_field["registration.InferenceSpecification.Containers[1].ModelDataUrl"]
    assert "Not_A_Bucket" in uri["message"] and uri["severity"] == "error"


@pytest.mark.parametrize("columns", ["50", "120"])
def test_help_wraps_to_the_terminal_width_from_columns(columns: str) -> None:
    result = run_xreg("check", "--help", env={"COLUMNS": columns})
    assert result.returncode == 0, result.stderr
    lengths = [len(line) for line in result.stdout.splitlines()]
    # argparse cannot break a single long option group or a group title; all else wraps
    within = [length for length in lengths if length <= int(columns) - 2]
    assert len(within) >= 0.9 * len(lengths)
    if columns == "120":
        assert max(lengths) > 78, "a wide terminal gets long help lines, not the default 80"
