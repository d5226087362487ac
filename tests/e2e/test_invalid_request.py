"""A request SageMaker refuses never passes: whatever --no-lint, --fail-on, the lint
configuration or a baseline says, the check fails with the field named, and every access
that depends on the refused field is still reported, unknown, naming it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from checker.cli import main
from tests.plans import copy_fixture, edit_plan

ARTIFACT = "registration.InferenceSpecification.Containers[0].ModelDataUrl"
IMAGE = "registration.InferenceSpecification.Containers[0].Image"
GROUP = "registration.ModelPackageGroupName"


def _container(**values: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["registration"]["InferenceSpecification"]["Containers"][0].update(values)

    return change


CASES: dict[str, tuple[Callable[[dict[str, Any]], None], str, set[str]]] = {
    "ModelDataUrl is a number": (
        _container(ModelDataUrl=5),
        ARTIFACT,
        {"s3:GetObject", "s3:GetObjectAcl", "s3:GetBucketAcl", "kms:Decrypt"},
    ),
    "image URI malformed": (
        _container(Image="222222222222.dkr.ecr.us-east-2.amazonaws.com/"),
        IMAGE,
        {"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"},
    ),
    "group ARN of another service": (
        lambda data: data["registration"].update(ModelPackageGroupName="arn:aws:s3:::iris"),
        GROUP,
        {"sagemaker:CreateModelPackage"},
    ),
    "artifact URL without a scheme": (
        _container(ModelDataUrl="my-bucket/model.tar.gz"),
        ARTIFACT,
        {"s3:GetObject", "kms:Decrypt"},
    ),
}


def _report(plan: Path, out: Path, *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["check", str(plan), "-f", "json", "-o", str(out), *args])
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return code, report


def _accesses(report: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(row["id"], row["principal"], row["action"]) for row in report["requirements"]}


@pytest.fixture(scope="module")
def valid_accesses(tmp_path_factory: pytest.TempPathFactory) -> set[tuple[str, str, str]]:
    folder = tmp_path_factory.mktemp("valid")
    plan = copy_fixture("aws-doc-sample", folder)
    return _accesses(_report(plan, folder / "r.json", "--no-lint")[1])


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize(
    "flags", [(), ("--no-lint",), ("--fail-on", "never"), ("--no-lint", "--fail-on", "warning")]
)
def test_a_refused_request_fails_and_keeps_every_access(
    tmp_path: Path,
    case: str,
    flags: tuple[str, ...],
    valid_accesses: set[tuple[str, str, str]],
) -> None:
    change, field, actions = CASES[case]
    plan = edit_plan(copy_fixture("aws-doc-sample", tmp_path / "plan"), change)
    code, report = _report(plan, tmp_path / "r.json", *flags)
    assert code == 1
    assert report["verdict"] == "fail"
    findings = [f for f in report["findings"] if f["location"].get("field") == field]
    assert findings and all(f["severity"] == "error" for f in findings), report["findings"]
    assert findings[0]["rule"] in ("REQUEST-INVALID", "URI-MALFORMED")
    # No access is dropped: the same (requirement, principal, action) rows as the valid plan.
    assert _accesses(report) == valid_accesses
    dependent = [row for row in report["requirements"] if field in (row.get("because") or "")]
    assert {row["action"] for row in dependent} >= actions
    assert all(row["decision"] == "unknown" for row in dependent)


def test_a_baseline_cannot_suppress_a_refused_request(tmp_path: Path) -> None:
    plan = edit_plan(copy_fixture("aws-doc-sample", tmp_path / "plan"), _container(ModelDataUrl=5))
    baseline = tmp_path / "baseline.yaml"
    assert main(["baseline", str(plan), "-o", str(baseline)]) == 0
    assert "REQUEST-INVALID" in baseline.read_text(encoding="utf-8")
    code, report = _report(plan, tmp_path / "r.json", "--baseline", str(baseline))
    assert code == 1 and report["verdict"] == "fail"
    (finding,) = [f for f in report["findings"] if f["rule"] == "REQUEST-INVALID"]
    assert not finding.get("suppressed")
    # Other findings the baseline lists stay suppressed.
    assert any(f.get("suppressed") for f in report["findings"])


def test_disabling_the_rule_does_not_hide_a_refused_request(tmp_path: Path) -> None:
    plan = edit_plan(
        copy_fixture("aws-doc-sample", tmp_path / "plan"),
        _container(ModelDataUrl=5),
    )
    (plan.parent / ".xreg.yaml").write_text(
        "disable: [REQUEST-INVALID]\nseverity: {URI-MALFORMED: info}\n", encoding="utf-8"
    )
    code, report = _report(plan, tmp_path / "r.json")
    assert code == 1
    (finding,) = [f for f in report["findings"] if f["location"].get("field") == ARTIFACT]
    assert (finding["rule"], finding["severity"]) == ("REQUEST-INVALID", "error")
    assert "must be a string, not a number" in finding["message"]


def test_a_refused_field_nothing_depends_on_still_fails(tmp_path: Path) -> None:
    plan = edit_plan(
        copy_fixture("aws-doc-sample-fixed", tmp_path / "plan"),
        lambda data: data["registration"].update(ModelApprovalStatus="Maybe"),
    )
    code, report = _report(plan, tmp_path / "r.json", "--no-lint", "--fail-on", "never")
    assert code == 1 and report["verdict"] == "fail"
    assert all(row["decision"] != "unknown" for row in report["requirements"])
    assert [f["location"]["field"] for f in report["findings"]] == [
        "registration.ModelApprovalStatus"
    ]


def test_a_valid_request_with_never_still_exits_0(tmp_path: Path) -> None:
    plan = copy_fixture("aws-doc-sample", tmp_path / "plan")
    assert main(["check", str(plan), "--fail-on", "never"]) == 0
