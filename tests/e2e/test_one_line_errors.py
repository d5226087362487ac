"""Inputs that used to end in a traceback or a screenful, now one line (exit 2), and the
smaller holes: an artifact URL with no key, an AWS managed policy that does not exist."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from checker.cli import main
from checker.refs import parse_artifact_uri
from tests.conftest import run_xreg
from tests.plans import copy_fixture, edit_plan


def _one_line_error(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err.strip()


def test_a_policy_path_longer_than_the_file_system_allows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "policies/" + "a" * 300 + ".json"
    plan = edit_plan(
        copy_fixture("aws-doc-sample", tmp_path / "plan"),
        lambda data: data["resources"]["s3_buckets"][0].update(policy=name),
    )
    line = _one_line_error(capsys, ["check", str(plan)])
    assert (
        "plan.yaml: resources.s3_buckets[0].policy: cannot read the file (File name too long)"
        in line
    )
    assert len(line) < 300


def test_an_identity_policy_name_too_long_for_the_file_system(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Not a path: tried as a file in the plan's folder, then as a managed policy name.
    plan = edit_plan(
        copy_fixture("aws-doc-sample", tmp_path / "plan"),
        identities=[{"principal": "arn:aws:iam::111111111111:role/R", "policies": ["A" * 300]}],
    )
    line = _one_line_error(capsys, ["check", str(plan)])
    assert "identities[0].policies[0]" in line


def test_an_impossible_date_in_a_baseline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = copy_fixture("aws-doc-sample", tmp_path / "plan")
    baseline = tmp_path / "baseline.yaml"
    baseline.write_text(
        "version: 1\nsuppressions:\n  - fingerprint: 5c1f0e8a9b2d4c6e7f10\n    reason: later\n"
        "    expires: 2024-13-45\n",
        encoding="utf-8",
    )
    line = _one_line_error(capsys, ["check", str(plan), "--baseline", str(baseline)])
    assert line.endswith(
        "baseline.yaml: suppressions[0].expires: must be a date as YYYY-MM-DD, not '2024-13-45'"
    )


def test_an_impossible_date_in_the_lint_configuration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = copy_fixture("aws-doc-sample", tmp_path / "plan")
    (plan.parent / ".xreg.yaml").write_text("fail-on: 2024-13-45\n", encoding="utf-8")
    line = _one_line_error(capsys, ["check", str(plan)])
    assert ".xreg.yaml" in line


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (["chek", "plan.yaml"], "xreg: error: argument COMMAND: invalid choice: 'chek'"),
        (["check", "--format"], "xreg check: error: argument --format/-f: expected one argument"),
        (["check", "p", "--fail-on", "z" * 5000], "xreg check: error: argument --fail-on"),
        ([], "xreg: error: the following arguments are required: COMMAND"),
    ],
)
def test_argument_errors_are_one_line_with_a_pointer_to_help(args: list[str], start: str) -> None:
    result = run_xreg(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(start)
    assert line.endswith("--help)")
    assert len(line) < 400


def test_echoed_values_are_cut_to_a_readable_length(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long_name = "r" * 5000
    plan = edit_plan(
        copy_fixture("aws-doc-sample", tmp_path / "plan"),
        principals={"registrar": f"arn:aws:iam::222222222222:user/x/{long_name}"},
    )
    line = _one_line_error(capsys, ["check", str(plan)])
    assert "principals.registrar" in line
    assert "…" in line and len(line) < 500


@pytest.mark.parametrize("url", ["s3://my-bucket", "s3://my-bucket/"])
def test_an_artifact_url_without_a_key_names_no_object(tmp_path: Path, url: str) -> None:
    field = "registration.InferenceSpecification.Containers[0].ModelDataUrl"
    plan = edit_plan(
        copy_fixture("aws-doc-sample-fixed", tmp_path / "plan"),
        lambda data: data["registration"]["InferenceSpecification"]["Containers"][0].update(
            ModelDataUrl=url
        ),
    )
    out = tmp_path / "r.json"
    assert main(["check", str(plan), "--no-lint", "-f", "json", "-o", str(out)]) == 1
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    (finding,) = [f for f in report["findings"] if f["location"]["field"] == field]
    assert finding["rule"] == "URI-MALFORMED" and "not an object" in finding["message"]
    reads = [row for row in report["requirements"] if row["action"] == "s3:GetObject"]
    assert reads and all(row["decision"] == "unknown" for row in reads)


def test_a_prefix_may_name_a_whole_bucket() -> None:
    assert parse_artifact_uri("s3://my-bucket/", is_prefix=True).key == ""
    with pytest.raises(ValueError, match="not an object"):
        parse_artifact_uri("s3://my-bucket/", is_prefix=False)


def test_an_unknown_aws_managed_policy_is_a_finding_with_a_suggestion(tmp_path: Path) -> None:
    plan = edit_plan(
        copy_fixture("aws-doc-sample", tmp_path / "plan"),
        identities=[
            {
                "principal": "arn:aws:iam::222222222222:root",
                "policies": [
                    "AmazonSageMakerFullAcess",
                    "arn:aws:iam::aws:policy/amazons3readonlyaccess",
                ],
            }
        ],
    )
    out = tmp_path / "r.json"
    main(["check", str(plan), "-f", "json", "-o", str(out)])
    findings = [
        f for f in json.loads(out.read_text())["findings"] if f["rule"] == "UNKNOWN-MANAGED-POLICY"
    ]
    assert [f["location"]["field"] for f in findings] == [
        "identities[0].policies[0]",
        "identities[0].policies[1]",
    ]
    assert "did you mean AmazonSageMakerFullAccess" in findings[0]["message"]
    assert "did you mean AmazonS3ReadOnlyAccess?" in findings[1]["message"]
