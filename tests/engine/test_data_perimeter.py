"""The published data perimeter (fixtures/data-perimeter) when the accounts are not both inside
one organization, and when one of them is its management account.

Worked out from the AWS documentation:
* IAM User Guide, "AWS global condition context keys": ``aws:PrincipalOrgID`` /
  ``aws:ResourceOrgID`` are in the request only when the principal's / resource's account is
  in an organization; ``...IfExists`` is true for a key that is absent; ``ec2:Owner`` is an
  EC2 key, absent from S3, KMS and SageMaker requests.
* Organizations User Guide: SCPs do not restrict the management account's principals; RCPs do
  not restrict its resources, and govern only the services that support them (not SageMaker).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from checker.check import check_plan
from checker.engine.decide import CheckOptions
from checker.fix.apply import apply_fixes
from checker.plan.loader import load_plan
from checker.results.model import Report, RequirementResult
from tests.plans import copy_fixture, edit_plan

TRAINING = "222222222222"
REGISTRY = "111111111111"
ORG = "o-a1b2c3d4e5"
REGISTRAR = f"arn:aws:iam::{TRAINING}:role/TrainingPipelineRole"
CONSUMER = f"arn:aws:iam::{REGISTRY}:role/SageMakerDeployRole"
SCP = "policies/scp-resource-perimeter.json"
RCP = "policies/rcp-identity-perimeter.json"
READS = ("s3:GetObject", "s3:GetObjectAcl", "s3:GetBucketAcl", "kms:Decrypt", "kms:GenerateDataKey")


def registry_outside(data: dict[str, Any]) -> None:
    """The registry account leaves the organization: it is in none, so no SCP or RCP of the
    plan is its own any more."""
    data["organization"]["outside"] = {REGISTRY: None}
    del data["service_control_policies"][REGISTRY]
    del data["resource_control_policies"][REGISTRY]


def checked(tmp_path: Path, *changes: Any) -> tuple[Report, Path]:
    def change(data: dict[str, Any]) -> None:
        for one in changes:
            one(data)

    path = edit_plan(copy_fixture("data-perimeter", tmp_path / "plan"), change)
    return check_plan(load_plan(path), CheckOptions(lint=False)), path


def row(report: Report, principal: str, action: str) -> RequirementResult:
    (found,) = [r for r in report.requirements if r.principal == principal and r.action == action]
    return found


def test_inside_one_organization_nothing_is_denied(tmp_path: Path) -> None:
    report, _ = checked(tmp_path)
    assert report.verdict == "pass"
    for result in report.requirements:
        assert result.decision.value == "allowed", result
        assert result.unknown_keys == ()


def test_a_registry_outside_the_organization_fails_on_the_right_statements(
    tmp_path: Path,
) -> None:
    report, _ = checked(tmp_path, registry_outside)
    assert report.verdict == "fail"
    # The training account's SCP keeps its registrar off resources outside the organization:
    # aws:ResourceOrgID is absent (IfExists: true), ec2:Owner absent, the exclusion tag absent.
    register = row(report, REGISTRAR, "sagemaker:CreateModelPackage")
    assert register.decision.value == "explicit_deny"
    assert register.sides.organization.value == "explicit_deny"
    assert "statement EnforceResourcePerimeterAWSResources of SCP" in register.because
    # The training account's RCP keeps principals outside the organization off its S3 objects
    # and keys; it does not list ecr:, and the registry's own principals have no SCPs now.
    for action in READS:
        read = row(report, CONSUMER, action)
        assert read.decision.value == "explicit_deny", action
        assert "statement EnforceOrgIdentities of RCP" in read.because
    for action in ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:GetAuthorizationToken"):
        assert row(report, CONSUMER, action).decision.value == "allowed", action


def test_the_fixes_narrow_the_guardrails_in_their_own_form(tmp_path: Path) -> None:
    report, path = checked(tmp_path, registry_outside)
    fixes = {fix.target.split(" (")[0]: fix for fix in report.extra["fixes"]}
    scp_fix, rcp_fix = fixes[f"SCP {SCP}"], fixes[f"RCP {RCP}"]
    for fix in (scp_fix, rcp_fix):
        assert fix.policy is not None
        # Never an Allow added: RCPs refuse one, and the SCP is a deny list.
        assert [s["Effect"] for s in fix.policy["Statement"]] == (
            ["Deny"] * len(fix.policy["Statement"])
        )
        assert "management account" in (fix.description or "")
        assert "narrows 1 Deny statement" in (fix.description or "")
    identities = next(s for s in rcp_fix.policy["Statement"] if s["Sid"] == "EnforceOrgIdentities")
    # The registry joins the statement's own list of trusted accounts.
    accounts = identities["Condition"]["StringNotEqualsIfExists"]["aws:PrincipalAccount"]
    assert accounts[-1] == REGISTRY and len(accounts) == 5
    assert set(identities["Condition"]) == {"StringNotEqualsIfExists", "BoolIfExists"}
    perimeter = next(
        s for s in scp_fix.policy["Statement"] if s["Sid"] == "EnforceResourcePerimeterAWSResources"
    )
    # The resource perimeter spares the registry account's resources, in its existing block.
    block = perimeter["Condition"]["StringNotEqualsIfExists"]
    assert block["aws:ResourceAccount"] == REGISTRY
    assert block["aws:ResourceOrgID"] == ORG
    fixed = check_plan(
        apply_fixes(load_plan(path), report.extra["fixes"]), CheckOptions(lint=False)
    )
    assert [r.decision.value for r in fixed.requirements if r.decision.is_denied] == []


def test_the_management_account_is_restricted_by_neither_scps_nor_rcps(tmp_path: Path) -> None:
    def management(data: dict[str, Any]) -> None:
        data["organization"]["management_account"] = TRAINING

    report, _ = checked(tmp_path, registry_outside, management)
    assert report.verdict == "pass"
    register = row(report, REGISTRAR, "sagemaker:CreateModelPackage")
    assert register.decision.value == "allowed"
    # SCPs spare the management account's registrar; RCPs never govern sagemaker: calls.
    assert register.sides.organization.value == "not_applicable"
    for action in READS:
        read = row(report, CONSUMER, action)
        assert read.decision.value == "allowed", action
        # RCPs do not restrict the management account's resources.
        assert read.sides.organization.value == "not_applicable"


def test_the_management_account_inside_one_organization(tmp_path: Path) -> None:
    def management(data: dict[str, Any]) -> None:
        data["organization"]["management_account"] = TRAINING

    report, _ = checked(tmp_path, management)
    assert report.verdict == "pass"
    assert row(report, REGISTRAR, "sagemaker:CreateModelPackage").sides.organization.value == (
        "not_applicable"
    )
    # The registry stays a member: its SCP still decides (and allows) its consumer's calls.
    token = row(report, CONSUMER, "ecr:GetAuthorizationToken")
    assert token.sides.organization.value == "allowed"


def test_without_an_organization_the_perimeter_is_unknown_not_allowed(tmp_path: Path) -> None:
    """The plan no longer says which organization the accounts are in: the guardrails may
    fire, so nothing they cover is allowed."""

    def forget(data: dict[str, Any]) -> None:
        del data["organization"]

    report, _ = checked(tmp_path, forget)
    register = row(report, REGISTRAR, "sagemaker:CreateModelPackage")
    assert register.decision.value == "unknown"
    assert "aws:resourceorgid" in register.unknown_keys
    assert row(report, CONSUMER, "s3:GetObject").decision.value == "unknown"
