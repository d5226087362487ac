"""The AWS page's own sample policies: exactly the findings a reviewer wants, nothing else."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from checker.lint import LintConfig, lint_plan
from checker.plan.loader import load_plan
from checker.results.model import Finding, Severity
from tests.lint.harness import SEED
from tests.plans import copy_fixture, edit_plan


@pytest.fixture
def seed_findings() -> list[Finding]:
    return lint_plan(load_plan(SEED / "plan.yaml"), {}, LintConfig())


def _only(findings: list[Finding], rule: str) -> Finding:
    matching = [finding for finding in findings if finding.rule == rule]
    assert len(matching) == 1, [f.message for f in matching]
    return matching[0]


def test_exactly_the_reviewers_findings(seed_findings: list[Finding]) -> None:
    assert sorted(finding.rule for finding in seed_findings) == [
        "ACTION-RESOURCE-MISMATCH",  # s3:GetBucketAcl on bucket/* only
        "ACTION-WILDCARD",  # kms:GenerateDataKey* grants four actions
        "KMS-GRANT-GRANTEE",  # the grant names a bare account id
        "REPOSITORY-REGISTRY-ACTION",  # ecr:Describe* includes registry-level actions
    ]


def test_bucket_policy_grants_get_bucket_acl_on_nothing(seed_findings: list[Finding]) -> None:
    finding = _only(seed_findings, "ACTION-RESOURCE-MISMATCH")
    assert finding.severity is Severity.ERROR
    assert finding.message.startswith("s3:GetBucketAcl acts on")
    assert "lists only arn:aws:s3:::my-bucket/* (an object)" in finding.message
    assert finding.location.source == "policies/bucket.json"
    assert finding.location.statement == "AddPerm"
    assert finding.location.field == "Statement[0].Action[1]"
    assert finding.location.line == 12  # the "s3:GetBucketAcl" line of the file
    assert finding.fix is not None
    assert finding.fix.account == "222222222222"
    assert finding.fix.statement is not None
    assert finding.fix.statement["Resource"] == [
        "arn:aws:s3:::my-bucket/*",
        "arn:aws:s3:::my-bucket",
    ]
    assert finding.fix.command == (
        "aws s3api put-bucket-policy --bucket my-bucket --policy file://fixed-bucket.json"
    )
    assert finding.fix.policy is not None
    assert finding.fix.policy["Statement"] == [finding.fix.statement]


def test_repository_policy_describe_wildcard(seed_findings: list[Finding]) -> None:
    finding = _only(seed_findings, "REPOSITORY-REGISTRY-ACTION")
    assert finding.severity is Severity.WARNING
    assert "DescribeRegistry" in finding.message
    assert "DescribeImages" not in finding.message  # a repository action, grantable here
    assert finding.fix is not None and finding.fix.statement is not None
    actions = finding.fix.statement["Action"]
    assert "ecr:DescribeImages" in actions and "ecr:BatchGetImage" in actions
    assert not any("Registry" in action for action in actions)


def test_key_policy_wildcard_is_information_only(seed_findings: list[Finding]) -> None:
    finding = _only(seed_findings, "ACTION-WILDCARD")
    assert finding.severity is Severity.INFO
    assert finding.location.source == "policies/key.json"
    assert "GenerateDataKeyPairWithoutPlaintext" in finding.message


def test_grant_to_bare_account_id(seed_findings: list[Finding]) -> None:
    finding = _only(seed_findings, "KMS-GRANT-GRANTEE")
    assert finding.location.field == "resources.kms_keys[0].grants[0].grantee_principal"
    assert finding.fix is not None
    assert "--grantee-principal arn:aws:iam::111111111111:root" in finding.fix.command


def test_no_false_positive_on_ecr_missing_resource_or_kms_star(
    seed_findings: list[Finding],
) -> None:
    flagged = {(finding.rule, finding.location.source) for finding in seed_findings}
    assert ("MISSING-RESOURCE", "policies/ecr-repository.json") not in flagged
    assert not any(rule == "BROAD-CROSS-ACCOUNT" for rule, _ in flagged)
    assert not any(source == "policies/model-package-group.json" for _, source in flagged)


def test_organization_in_the_plan_adds_the_org_condition_warnings(tmp_path: Path) -> None:
    plan_path = edit_plan(copy_fixture(SEED, tmp_path / "seed"), organization_id="o-a1b2c3d4e5")
    findings = lint_plan(load_plan(plan_path), {}, LintConfig())
    org = sorted(f.location.source for f in findings if f.rule == "MISSING-ORG-CONDITION")
    assert org == [
        "policies/bucket.json",
        "policies/ecr-repository.json",
        "policies/key.json",
        "policies/model-package-group.json",
    ]


def test_the_fixes_applied_leave_only_the_informational_finding(tmp_path: Path) -> None:
    def grant_to_the_account_root(plan: dict[str, Any]) -> None:
        plan["resources"]["kms_keys"][0]["grants"][0]["grantee_principal"] = (
            "arn:aws:iam::111111111111:root"
        )

    plan_path = copy_fixture(SEED, tmp_path / "seed")
    folder = plan_path.parent
    for finding in lint_plan(load_plan(plan_path), {}, LintConfig()):
        fix = finding.fix
        if fix is not None and fix.policy is not None:
            (folder / finding.location.source).write_text(json.dumps(fix.policy, indent=2))
    edit_plan(plan_path, grant_to_the_account_root)
    remaining = lint_plan(load_plan(plan_path), {}, LintConfig())
    assert [finding.rule for finding in remaining] == ["ACTION-WILDCARD"]
