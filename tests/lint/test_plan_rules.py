"""Lint of the plan itself: a typo in an identity's principal or in the region fails the
check and names the closest right value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from checker.check import check_plan
from checker.lint.config import load_config
from checker.lint.hooks import check_options
from checker.plan.loader import load_plan
from checker.results.model import Report
from tests.plans import copy_fixture, edit_plan


def _check(plan_path: Path) -> Report:
    return check_plan(load_plan(plan_path), check_options(load_config(plan_path)))


def test_an_identity_for_nobody_is_an_error_naming_the_closest_principal(tmp_path: Path) -> None:
    plan_path = copy_fixture("aws-doc-sample-fixed", tmp_path / "plan")
    assert _check(plan_path).verdict == "pass"

    def typo(data: dict[str, Any]) -> None:
        data["principals"] = {"consumers": ["arn:aws:iam::111111111111:role/SageMakerServing"]}
        data["identities"] = [
            {
                "principal": "arn:aws:iam::111111111111:role/SageMakerServng",
                "policies": [
                    {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
                    }
                ],
            }
        ]

    report = _check(edit_plan(plan_path, typo))
    (finding,) = [f for f in report.findings if f.rule == "IDENTITY-NO-PRINCIPAL"]
    assert finding.severity.value == "error"
    assert "did you mean arn:aws:iam::111111111111:role/SageMakerServing?" in finding.message
    assert finding.location.field == "identities[0].principal"
    assert report.verdict == "fail"


def test_an_unknown_region_is_an_error_naming_the_closest(tmp_path: Path) -> None:
    plan_path = edit_plan(
        copy_fixture("aws-doc-sample-fixed", tmp_path / "plan"), region="eu-wset-1"
    )
    report = _check(plan_path)
    (finding,) = [f for f in report.findings if f.rule == "REGION-UNKNOWN"]
    assert "did you mean eu-west-1?" in finding.message
    assert report.verdict == "fail"
