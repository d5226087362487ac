"""Which requests SCPs and RCPs restrict, and the organization facts the plan gives, end to end.

Each plan is ``fixtures/aws-doc-sample-fixed`` (every access allowed) with one change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from checker.check import check_plan
from checker.engine.decide import CheckOptions
from checker.engine.organization import is_service_linked_role, rcp_services
from checker.errors import InputError
from checker.plan.loader import load_plan
from checker.results.model import Report, RequirementResult
from tests.plans import copy_fixture, edit_plan

TRAINING = "222222222222"
REGISTRY = "111111111111"
ORG = "o-a1b2c3d4e5"
CONSUMER = f"arn:aws:iam::{REGISTRY}:role/SageMakerDeployRole"
REGISTRAR = f"arn:aws:iam::{TRAINING}:role/TrainingPipelineRole"


def deny(sid: str, actions: Any, **condition: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"Sid": sid, "Effect": "Deny", "Action": actions, "Resource": "*"}
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


def rcp_deny(sid: str, actions: Any, **condition: Any) -> dict[str, Any]:
    document = deny(sid, actions, **condition)
    document["Statement"][0]["Principal"] = "*"
    return document


def checked(tmp_path: Path, **changes: Any) -> Report:
    path = edit_plan(copy_fixture("aws-doc-sample-fixed", tmp_path / "plan"), **changes)
    return check_plan(load_plan(path), CheckOptions(lint=False))


def row(report: Report, principal: str, action: str) -> RequirementResult:
    (found,) = [r for r in report.requirements if r.principal == principal and r.action == action]
    return found


def test_the_rcp_service_list_is_data_and_has_no_sagemaker() -> None:
    services = rcp_services()
    assert {"s3", "sts", "kms", "sqs", "secretsmanager", "ecr"} <= services
    assert "sagemaker" not in services


def test_an_rcp_never_governs_sagemaker_requests(tmp_path: Path) -> None:
    report = checked(
        tmp_path,
        resource_control_policies={REGISTRY: [rcp_deny("NoSageMaker", "sagemaker:*")]},
    )
    register = row(report, REGISTRAR, "sagemaker:CreateModelPackage")
    assert register.decision.value == "allowed"
    assert register.sides.organization.value == "not_applicable"
    # The same Deny as an SCP of the registrar's account does apply.
    report = checked(
        tmp_path / "scp",
        service_control_policies={TRAINING: ["FullAWSAccess", deny("NoSageMaker", "sagemaker:*")]},
    )
    assert row(report, REGISTRAR, "sagemaker:CreateModelPackage").decision.value == (
        "explicit_deny"
    )


def test_an_rcp_deny_of_ecr_applies(tmp_path: Path) -> None:
    report = checked(
        tmp_path, resource_control_policies={TRAINING: [rcp_deny("NoEcr", "ecr:BatchGetImage")]}
    )
    assert row(report, CONSUMER, "ecr:BatchGetImage").decision.value == "explicit_deny"


def test_the_management_account_is_spared(tmp_path: Path) -> None:
    scps = {TRAINING: ["FullAWSAccess", deny("NoSageMaker", "sagemaker:*")]}
    rcps = {TRAINING: [rcp_deny("NoS3", "s3:*")]}
    denied = checked(tmp_path, service_control_policies=scps, resource_control_policies=rcps)
    assert row(denied, REGISTRAR, "sagemaker:CreateModelPackage").decision.value == (
        "explicit_deny"
    )
    assert row(denied, CONSUMER, "s3:GetObject").decision.value == "explicit_deny"
    spared = checked(
        tmp_path / "management",
        organization={"id": ORG, "management_account": TRAINING},
        service_control_policies=scps,
        resource_control_policies=rcps,
    )
    assert row(spared, REGISTRAR, "sagemaker:CreateModelPackage").decision.value == "allowed"
    assert row(spared, CONSUMER, "s3:GetObject").decision.value == "allowed"


def test_a_service_linked_role_is_spared(tmp_path: Path) -> None:
    linked = (
        f"arn:aws:iam::{TRAINING}:role/aws-service-role/sagemaker.amazonaws.com/"
        "AWSServiceRoleForAmazonSageMaker"
    )
    assert is_service_linked_role(linked)
    assert not is_service_linked_role(REGISTRAR)
    assert not is_service_linked_role(f"arn:aws:iam::{TRAINING}:role/aws-service-role")

    def registrar(data: dict[str, Any]) -> None:
        data["principals"]["registrar"] = linked
        data["identities"][0]["principal"] = linked

    scps = {TRAINING: ["FullAWSAccess", deny("NoSageMaker", "sagemaker:*")]}
    path = edit_plan(
        copy_fixture("aws-doc-sample-fixed", tmp_path / "plan"),
        registrar,
        service_control_policies=scps,
    )
    report = check_plan(load_plan(path), CheckOptions(lint=False))
    register = row(report, linked, "sagemaker:CreateModelPackage")
    assert register.sides.organization.value == "not_applicable"
    assert register.decision.value != "explicit_deny"


def test_aws_managed_keys_are_spared_by_rcps(tmp_path: Path) -> None:
    """RCPs do not restrict AWS managed KMS keys (Organizations User Guide, RCPs)."""
    from checker.engine.decide import decide_requirements
    from checker.engine.policies import PolicyIndex
    from checker.engine.questions import build_question
    from checker.records import replace

    rcps = {TRAINING: [rcp_deny("NoKms", "kms:*")]}
    report = checked(tmp_path, resource_control_policies=rcps)
    assert row(report, CONSUMER, "kms:Decrypt").decision.value == "explicit_deny"
    plan = load_plan(
        edit_plan(
            copy_fixture("aws-doc-sample-fixed", tmp_path / "managed"),
            resource_control_policies=rcps,
        )
    )
    _, decided, _ = decide_requirements(plan, CheckOptions(lint=False))
    (decrypt,) = [d.requirement for d in decided if d.requirement.action == "kms:Decrypt"]
    assert decrypt.key is not None
    managed = replace(decrypt, key=replace(decrypt.key, aws_managed=True))
    question = build_question(plan, PolicyIndex(plan), managed).access
    assert question.rcps is None
    assert question.organization_exempt == "RCPs do not restrict AWS managed KMS keys"


def test_a_null_context_value_is_an_absent_key(tmp_path: Path) -> None:
    untagged = deny("UnlessTagged", "s3:GetObject", Null={"aws:PrincipalTag/team": "true"})
    scps = {REGISTRY: ["FullAWSAccess", untagged]}
    unknown = checked(tmp_path, service_control_policies=scps)
    assert row(unknown, CONSUMER, "s3:GetObject").decision.value == "unknown"
    # Null: true holds for an absent key: the Deny applies.
    absent = checked(
        tmp_path / "absent", context={"aws:PrincipalTag/team": None}, service_control_policies=scps
    )
    assert row(absent, CONSUMER, "s3:GetObject").decision.value == "explicit_deny"
    tagged = checked(
        tmp_path / "tagged", context={"aws:PrincipalTag/team": "ml"}, service_control_policies=scps
    )
    assert row(tagged, CONSUMER, "s3:GetObject").decision.value == "allowed"


def test_organization_keys_follow_from_the_plan(tmp_path: Path) -> None:
    outside_org = rcp_deny(
        "EnforceOrgIdentities",
        "s3:*",
        StringNotEqualsIfExists={"aws:PrincipalOrgID": ORG, "aws:ResourceTag/keep-out": "no"},
    )
    rcps = {TRAINING: [outside_org]}
    # No organization in the plan: unknown.
    assert row(
        checked(tmp_path, resource_control_policies=rcps), CONSUMER, "s3:GetObject"
    ).decision.value == ("unknown")
    # Both accounts in it: the org conjunct is false whatever the tag (derived, not context).
    inside = checked(tmp_path / "in", organization_id=ORG, resource_control_policies=rcps)
    assert row(inside, CONSUMER, "s3:GetObject").decision.value == "allowed"
    # The registry in another organization: aws:PrincipalOrgID differs, the tag is unknown.
    other = checked(
        tmp_path / "other",
        organization={"id": ORG, "outside": {REGISTRY: "o-zzzzzzzzzz"}},
        resource_control_policies=rcps,
        context={"aws:ResourceTag/keep-out": None},
    )
    assert row(other, CONSUMER, "s3:GetObject").decision.value == "explicit_deny"


def test_the_fix_adds_the_organization_to_a_mistyped_list(tmp_path: Path) -> None:
    mistyped = rcp_deny(
        "EnforceOrgIdentities", "s3:*", StringNotEquals={"aws:PrincipalOrgID": "o-mistyped00"}
    )
    report = checked(
        tmp_path, organization_id=ORG, resource_control_policies={TRAINING: [mistyped]}
    )
    read = row(report, CONSUMER, "s3:GetObject")
    assert read.decision.value == "explicit_deny"
    assert read.fix is not None and read.fix.kind == "rcp" and read.fix.policy is not None
    (statement,) = read.fix.policy["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {
        "StringNotEquals": {"aws:PrincipalOrgID": ["o-mistyped00", ORG]}
    }


def test_an_scp_allow_list_gap_is_fixed_in_the_scp_never_in_an_rcp(tmp_path: Path) -> None:
    allow_list = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "Listed", "Effect": "Allow", "Action": "ecr:*", "Resource": "*"}],
    }
    report = checked(
        tmp_path,
        service_control_policies={REGISTRY: [["FullAWSAccess"], [allow_list]]},
        resource_control_policies={TRAINING: [rcp_deny("NoSqs", "sqs:*")]},
    )
    read = row(report, CONSUMER, "s3:GetObject")
    assert read.decision.value == "implicit_deny"
    kinds = {fix.kind for fix in report.extra["fixes"]}
    assert "rcp" not in kinds and "scp" in kinds


@pytest.mark.parametrize(
    ("organization", "reason"),
    [
        ({"id": ORG, "outside": {REGISTRY: ORG}}, "cannot be in it"),
        ({"id": ORG, "management_account": TRAINING, "outside": {TRAINING: None}}, "management"),
        ({"id": ORG, "outside": {REGISTRY: "o-x"}}, "organization.outside"),
        ({"id": "o-x"}, "organization.id"),
    ],
)
def test_bad_organization_fields_are_refused(
    tmp_path: Path, organization: dict[str, Any], reason: str
) -> None:
    path = edit_plan(
        copy_fixture("aws-doc-sample-fixed", tmp_path / "plan"), organization=organization
    )
    with pytest.raises(InputError) as error:
        load_plan(path)
    assert reason in str(error.value)


def test_both_organization_forms_are_refused(tmp_path: Path) -> None:
    path = edit_plan(
        copy_fixture("aws-doc-sample-fixed", tmp_path / "plan"),
        organization={"id": ORG},
        organization_id=ORG,
    )
    with pytest.raises(InputError, match="not both"):
        load_plan(path)


def test_organization_of(tmp_path: Path) -> None:
    path = edit_plan(
        copy_fixture("aws-doc-sample-fixed", tmp_path / "plan"),
        organization={"id": ORG, "management_account": "333333333333", "outside": {REGISTRY: None}},
    )
    plan = load_plan(path)
    assert plan.organization_id == ORG
    assert plan.organization_of(TRAINING) == ORG
    assert plan.organization_of(REGISTRY) == ""
    assert plan.organization_of("333333333333") == ORG
    assert plan.organization_of("444444444444") is None


def test_a_deny_without_exceptions_gets_one_for_the_principal(tmp_path: Path) -> None:
    report = checked(
        tmp_path,
        organization={"id": ORG, "management_account": "999999999999"},
        service_control_policies={REGISTRY: ["FullAWSAccess", deny("NoS3", "s3:GetObject")]},
    )
    read = row(report, CONSUMER, "s3:GetObject")
    assert read.fix is not None and read.fix.policy is not None
    (statement,) = read.fix.policy["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": CONSUMER}}
    # Organization policies are changed in the management account.
    assert read.fix.account == "999999999999"
    assert "management account 999999999999" in (read.fix.description or "")


def test_policies_for_an_account_in_no_organization_are_refused(tmp_path: Path) -> None:
    path = edit_plan(
        copy_fixture("aws-doc-sample-fixed", tmp_path / "plan"),
        organization={"id": ORG, "outside": {REGISTRY: None}},
        service_control_policies={REGISTRY: ["FullAWSAccess"]},
    )
    with pytest.raises(InputError, match="is in no organization") as error:
        load_plan(path)
    assert f"service_control_policies.{REGISTRY}" in str(error.value)


def test_no_org_condition_is_asked_of_a_grant_to_an_account_outside(tmp_path: Path) -> None:
    """MISSING-ORG-CONDITION's fix would lock out an account outside the organization."""
    from checker.lint import LintConfig, lint_plan

    def flagged(folder: str, organization: dict[str, Any]) -> list[str]:
        path = edit_plan(
            copy_fixture("aws-doc-sample-fixed", tmp_path / folder), organization=organization
        )
        found = lint_plan(load_plan(path), {}, LintConfig())
        return [f.message for f in found if f.rule == "MISSING-ORG-CONDITION"]

    inside = flagged("inside", {"id": ORG})
    assert any(f"allows account {REGISTRY}" in message for message in inside)
    outside = flagged("outside", {"id": ORG, "outside": {REGISTRY: None}})
    assert outside and not any(f"allows account {REGISTRY}" in message for message in outside)


def test_an_rcp_allow_is_a_lint_error_that_says_what_was_assumed(tmp_path: Path) -> None:
    from checker.lint import LintConfig, lint_plan

    allow = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Reads", "Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}
        ],
    }
    path = edit_plan(
        copy_fixture("aws-doc-sample-fixed", tmp_path / "plan"),
        resource_control_policies={TRAINING: ["RCPFullAWSAccess", allow]},
    )
    plan = load_plan(path)
    (finding,) = [f for f in lint_plan(plan, {}, LintConfig()) if f.rule == "RCP-SYNTAX"]
    assert finding.severity.value == "error"
    assert "would not attach" in finding.message and "grant nothing" in finding.message
    assert finding.fix is not None and finding.fix.policy is None
    assert "detach and delete the policy" in (finding.fix.description or "")
    assert finding.fix.command.startswith("aws organizations detach-policy")
    # The evaluation is what the message says: the RCP layer denies nothing here.
    read = row(check_plan(plan, CheckOptions(lint=False)), CONSUMER, "s3:GetObject")
    assert read.decision.value == "allowed"
