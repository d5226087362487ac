"""Organization levels and snapshot facts, end to end: plan file → decisions and findings.

Each plan is ``fixtures/aws-doc-sample-fixed`` (every access allowed) copied into a temporary
folder with one change, so a test's outcome is that change's doing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from checker.check import check_plan
from checker.engine.decide import CheckOptions
from checker.fix.apply import apply_fixes
from checker.lint import lint_plan
from checker.plan.loader import load_plan
from checker.plan.model import Plan
from checker.results.model import Report, RequirementResult
from tests.conftest import FIXTURES
from tests.plans import copy_fixture, edit_plan

FIXED = FIXTURES / "aws-doc-sample-fixed"
TRAINING = "222222222222"
REGISTRY = "111111111111"
CONSUMER = f"arn:aws:iam::{REGISTRY}:role/SageMakerDeployRole"
REGISTRAR = f"arn:aws:iam::{TRAINING}:role/TrainingPipelineRole"
KEY = "arn:aws:kms:us-east-2:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY = "arn:aws:kms:us-east-2:222222222222:key/99999999-8888-7777-6666-555555555555"
IMAGE = "222222222222.dkr.ecr.us-east-2.amazonaws.com/decision-trees-sample:latest"
ARTIFACT = "s3://my-bucket/model.tar.gz"

# An OU's allow-list SCP: everything the consumer needs except ecr:BatchGetImage.
OU_ALLOW_LIST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "AllowListed",
            "Effect": "Allow",
            "Action": [
                "ecr:GetDownloadUrlForLayer",
                "ecr:GetAuthorizationToken",
                "ecr:DescribeImages",
                "s3:*",
                "kms:*",
                "sagemaker:*",
            ],
            "Resource": "*",
        }
    ],
}
DENY_KMS = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "NoKms", "Effect": "Deny", "Action": "kms:*", "Resource": "*"}],
}


def plan_with(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Plan:
    path = edit_plan(copy_fixture(FIXED, tmp_path / "plan"), change)
    (path.parent / "policies" / "ou-allow-list.json").write_text(
        json.dumps(OU_ALLOW_LIST), encoding="utf-8"
    )
    return load_plan(path)


def checked(plan: Plan) -> Report:
    return check_plan(plan, CheckOptions(lint=False))


def rows(report: Report, principal: str, action: str) -> list[RequirementResult]:
    found = [r for r in report.requirements if r.principal == principal and r.action == action]
    assert found, f"no requirement {principal} {action}"
    return found


def row(report: Report, principal: str, action: str) -> RequirementResult:
    (found,) = rows(report, principal, action)
    return found


# --- organization levels ----------------------------------------------------------------------


def scps(value: list[Any]) -> Callable[[dict[str, Any]], None]:
    return lambda data: data.update(service_control_policies={REGISTRY: value})


def test_an_ou_level_that_lacks_the_action_denies_it(tmp_path: Path) -> None:
    plan = plan_with(tmp_path, scps([["FullAWSAccess"], ["policies/ou-allow-list.json"]]))
    report = checked(plan)
    pull = row(report, CONSUMER, "ecr:BatchGetImage")
    assert pull.decision.value == "implicit_deny"
    assert pull.sides.organization.value == "implicit_deny"
    assert "level 1" in pull.because and "policies/ou-allow-list.json" in pull.because
    # What the OU lists is still allowed, and the registrar's account has no SCPs here.
    assert row(report, CONSUMER, "ecr:GetDownloadUrlForLayer").decision.value == "allowed"
    assert row(report, REGISTRAR, "sagemaker:CreateModelPackage").decision.value == "allowed"
    # The same policies as one level: FullAWSAccess allows, and one Allow is enough there.
    flat = plan_with(tmp_path / "flat", scps(["FullAWSAccess", "policies/ou-allow-list.json"]))
    flat_pull = row(checked(flat), CONSUMER, "ecr:BatchGetImage")
    assert flat_pull.decision.value == "allowed"
    assert flat_pull.sides.organization.value == "allowed"


def test_a_deny_at_any_level_wins(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["service_control_policies"] = {
            REGISTRY: [["FullAWSAccess"], ["FullAWSAccess"], [DENY_KMS, "FullAWSAccess"]]
        }

    report = checked(plan_with(tmp_path, change))
    assert row(report, CONSUMER, "kms:Decrypt").decision.value == "explicit_deny"
    assert row(report, CONSUMER, "ecr:BatchGetImage").decision.value == "allowed"


def test_rcp_levels_of_the_resource_account_only_deny(tmp_path: Path) -> None:
    """RCPFullAWSAccess is at every level and cannot be detached: an OU level whose RCP
    allows only ECR (which AWS would refuse) refuses nothing; a Deny at any level wins."""
    ou_rcp = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:*", "Resource": "*"}],
    }
    deny_s3 = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "NoS3", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}
        ],
    }

    def change(data: dict[str, Any]) -> None:
        data["resource_control_policies"] = {TRAINING: [["RCPFullAWSAccess"], [ou_rcp]]}

    report = checked(plan_with(tmp_path, change))
    read = row(report, CONSUMER, "s3:GetObject")
    assert read.decision.value == "allowed"
    assert read.sides.organization.value == "allowed"
    assert row(report, CONSUMER, "ecr:BatchGetImage").decision.value == "allowed"

    def deny(data: dict[str, Any]) -> None:
        data["resource_control_policies"] = {TRAINING: [["RCPFullAWSAccess"], [deny_s3]]}

    denied = checked(plan_with(tmp_path / "deny", deny))
    assert row(denied, CONSUMER, "s3:GetObject").decision.value == "explicit_deny"
    assert "NoS3" in row(denied, CONSUMER, "s3:GetObject").because
    assert row(denied, CONSUMER, "kms:Decrypt").decision.value == "allowed"


def test_a_managed_policy_xreg_does_not_ship_makes_its_side_unknown(tmp_path: Path) -> None:
    # Its document is unknown: it may deny anything, so nothing it covers is "allowed".
    plan = plan_with(tmp_path, scps([["FullAWSAccess"], ["CompanyGuardrails"]]))
    pull = row(checked(plan), CONSUMER, "ecr:BatchGetImage")
    assert pull.decision.value == "unknown"
    assert pull.sides.organization.value == "unknown"
    assert "CompanyGuardrails" in pull.because


def test_a_known_deny_beside_an_unknown_document_still_denies(tmp_path: Path) -> None:
    plan = plan_with(tmp_path, scps([["FullAWSAccess"], ["CompanyGuardrails", DENY_KMS]]))
    assert row(checked(plan), CONSUMER, "kms:Decrypt").decision.value == "explicit_deny"


def test_the_fix_adds_the_action_to_the_level_that_lacks_it(tmp_path: Path) -> None:
    plan = plan_with(tmp_path, scps([["FullAWSAccess"], ["policies/ou-allow-list.json"]]))
    report = checked(plan)
    fix = row(report, CONSUMER, "ecr:BatchGetImage").fix
    assert fix is not None and "ou-allow-list" in fix.target
    fixed = checked(apply_fixes(plan, report.extra["fixes"]))
    assert row(fixed, CONSUMER, "ecr:BatchGetImage").decision.value == "allowed"


# --- snapshot facts: what could not be read ----------------------------------------------------


def snapshot_notes(**notes: Any) -> Callable[[dict[str, Any]], None]:
    return lambda data: data.update({"x-snapshot": {"tool": "xreg 0.1.0", **notes}})


@pytest.mark.parametrize("field", ["scps", "organization"])
def test_unreadable_scps_of_the_consumers_account_make_its_accesses_unknown(
    tmp_path: Path, field: str
) -> None:
    reason = "organizations:ListPoliciesForTarget denied: AccessDeniedException"
    unreadable = [{"resource": REGISTRY, "field": field, "reason": reason}]
    report = checked(plan_with(tmp_path, snapshot_notes(unreadable=unreadable)))
    for result in (r for r in report.requirements if r.principal == CONSUMER):
        assert result.decision.value == "unknown", result
        assert result.sides.organization.value == "unknown"
        assert reason in result.because
    # The registrar is in the training account, whose SCPs were read (none here); the group
    # is in the registry account, whose RCPs are unknown when its organization is, but RCPs
    # never govern sagemaker: requests.
    register = row(report, REGISTRAR, "sagemaker:CreateModelPackage")
    assert register.decision.value == "allowed"
    assert register.sides.organization.value == "not_applicable"


def test_unreadable_rcps_of_the_resource_account_make_its_resources_unknown(
    tmp_path: Path,
) -> None:
    unreadable = [{"resource": TRAINING, "field": "rcps", "reason": "throttled"}]
    report = checked(plan_with(tmp_path, snapshot_notes(unreadable=unreadable)))
    assert row(report, CONSUMER, "s3:GetObject").decision.value == "unknown"
    # The group is in the registry account, whose RCPs are not in question.
    assert row(report, REGISTRAR, "sagemaker:CreateModelPackage").decision.value == "allowed"


def test_a_known_deny_wins_over_unreadable_scps(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["service_control_policies"] = {REGISTRY: [DENY_KMS, "FullAWSAccess"]}
        data["x-snapshot"] = {
            "unreadable": [{"resource": REGISTRY, "field": "scps", "reason": "denied"}]
        }

    report = checked(plan_with(tmp_path, change))
    assert row(report, CONSUMER, "kms:Decrypt").decision.value == "explicit_deny"
    assert row(report, CONSUMER, "ecr:BatchGetImage").decision.value == "unknown"


def test_an_unreadable_bucket_gives_its_reason(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        del data["resources"]["s3_buckets"]  # as a snapshot leaves it out
        data["x-snapshot"] = {
            "unreadable": [
                {
                    "resource": "arn:aws:s3:::my-bucket",
                    "field": "policy",
                    "reason": "s3:GetBucketPolicy denied: AccessDenied",
                }
            ]
        }

    report = checked(plan_with(tmp_path, change))
    for action in ("s3:GetObject", "s3:GetBucketAcl"):
        result = row(report, CONSUMER, action)
        assert result.decision.value == "unknown"
        assert "s3:GetBucketPolicy denied: AccessDenied" in result.because
    assert "GetBucketPolicy" not in row(report, CONSUMER, "ecr:BatchGetImage").because


# --- snapshot facts: what does not exist -------------------------------------------------------


def test_a_missing_image_is_a_finding_and_its_pulls_are_unknown(tmp_path: Path) -> None:
    reason = f"image {IMAGE} does not exist in its repository"
    plan = plan_with(tmp_path, snapshot_notes(missing=[{"resource": IMAGE, "reason": reason}]))
    report = checked(plan)
    for action in ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:DescribeImages"):
        result = row(report, CONSUMER, action)
        assert result.decision.value == "unknown"
        assert reason in result.because
    assert row(report, CONSUMER, "s3:GetObject").decision.value == "allowed"
    (finding,) = [f for f in lint_plan(plan, {}) if f.rule == "SNAPSHOT-MISSING"]
    assert finding.severity == "error"
    assert IMAGE in finding.message
    # It points at the request field that names the image.
    assert finding.location.field == "registration.InferenceSpecification.Containers[0].Image"


def test_a_missing_object_leaves_a_denied_access_denied(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["service_control_policies"] = {REGISTRY: [DENY_KMS, "FullAWSAccess"]}
        data["x-snapshot"] = {
            "missing": [{"resource": ARTIFACT, "reason": f"object {ARTIFACT} does not exist"}]
        }

    report = checked(plan_with(tmp_path, change))
    get = row(report, CONSUMER, "s3:GetObject")
    assert get.decision.value == "unknown" and "does not exist" in get.because
    assert row(report, CONSUMER, "kms:Decrypt").decision.value == "explicit_deny"


# --- snapshot facts: each artifact's own encryption --------------------------------------------


def objects(**entry: str) -> Callable[[dict[str, Any]], None]:
    return snapshot_notes(objects=[{"uri": ARTIFACT, **entry}])


def kms_rows(report: Report) -> list[RequirementResult]:
    return [r for r in report.requirements if r.action.startswith("kms:")]


def test_an_artifact_with_s3_managed_encryption_needs_no_key(tmp_path: Path) -> None:
    # The plan's training job and bucket name a KMS key; the object itself says AES256.
    report = checked(plan_with(tmp_path, objects(sse="AES256")))
    assert kms_rows(report) == []
    assert row(report, CONSUMER, "s3:GetObject").decision.value == "allowed"


def test_an_artifact_encrypted_with_another_key_needs_that_key(tmp_path: Path) -> None:
    report = checked(plan_with(tmp_path, objects(sse="aws:kms", kms_key=OTHER_KEY)))
    assert {r.resource for r in kms_rows(report)} == {OTHER_KEY}
    # The plan does not describe that key, and the deploy role's policy names only the other.
    assert {r.sides.resource_policy.value for r in kms_rows(report)} == {"unknown"}
    assert {r.decision.value for r in kms_rows(report)} == {"implicit_deny"}
    # The plan's own key, or an entry that does not say how the object is encrypted: as before.
    same = checked(plan_with(tmp_path / "same", objects(sse="aws:kms", kms_key=KEY)))
    assert {(r.resource, r.decision.value) for r in kms_rows(same)} == {(KEY, "allowed")}
    silent = checked(plan_with(tmp_path / "silent", objects()))
    assert {r.resource for r in kms_rows(silent)} == {KEY}
