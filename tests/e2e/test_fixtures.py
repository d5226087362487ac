"""Each bundled fixture decides exactly as its hand-written expected.yaml says."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checker.check import check_plan
from checker.engine.decide import CheckOptions
from checker.fix.apply import apply_fixes
from checker.plan.loader import load_plan
from checker.plan.model import Plan
from checker.policy.decision import Decision
from checker.report.json_report import report_to_dict
from checker.results.model import Level
from tests.conftest import assert_valid_report, fixture_plans
from tests.plans import copy_fixture


def _decisions(report_rows: list[dict[str, str]]) -> dict[tuple[str, str, str], str]:
    return {(row["id"], row["action"], row["resource"]): row["decision"] for row in report_rows}


@pytest.mark.parametrize("plan_path", fixture_plans(), ids=lambda path: path.parent.name)
def test_fixture_decisions_match_expected(plan_path: Path) -> None:
    expected = yaml.safe_load((plan_path.parent / "expected.yaml").read_text())
    report = check_plan(load_plan(plan_path), CheckOptions(lint=False))
    data = report_to_dict(report)
    assert_valid_report(data)
    assert _decisions(data["requirements"]) == _decisions(expected["requirements"])
    assert report.verdict == expected["verdict"]


@pytest.mark.parametrize("plan_path", fixture_plans(), ids=lambda path: path.parent.name)
def test_the_whole_check_with_lint_gives_the_expected_verdict(plan_path: Path) -> None:
    """Lint runs beside the decisions: a fixture that should pass must draw no error either
    (a role session's identities, given for its role, are the ones the check reads)."""
    from checker.lint.config import LintConfig
    from checker.lint.hooks import check_options

    expected = yaml.safe_load((plan_path.parent / "expected.yaml").read_text())
    report = check_plan(load_plan(plan_path), check_options(LintConfig()))
    errors = [f.rule for f in report.findings if f.severity.value == "error" and not f.suppressed]
    assert report.verdict == expected["verdict"], errors
    if expected["verdict"] == "pass":
        assert not errors


@pytest.mark.parametrize("fix_documented", [False, True], ids=["needed", "documented"])
@pytest.mark.parametrize("plan_path", fixture_plans(), ids=lambda path: path.parent.name)
def test_every_suggested_fix_makes_the_plan_pass(plan_path: Path, fix_documented: bool) -> None:
    """By default the fixes close what AWS needs; --fix-documented closes the rest too."""
    plan = load_plan(plan_path)
    options = CheckOptions(lint=False, fix_documented=fix_documented)
    report = check_plan(plan, options)
    fixes = report.extra["fixes"]
    fixed = check_plan(apply_fixes(plan, fixes), options)
    still_denied = [
        (row.id, row.action, row.decision.value)
        for row in fixed.requirements
        if row.decision in (Decision.IMPLICIT_DENY, Decision.EXPLICIT_DENY)
        and (fix_documented or row.level is Level.REQUIRED)
    ]
    assert still_denied == []
    if any(row.decision.is_denied and row.level is Level.REQUIRED for row in report.requirements):
        assert fixes, "a failing fixture must get at least one fix"


@pytest.mark.parametrize("plan_path", fixture_plans(), ids=lambda path: path.parent.name)
def test_by_default_no_fix_grants_what_only_the_documentation_asks(plan_path: Path) -> None:
    """A documented access that is denied gets no fix unless --fix-documented asks."""
    plan = load_plan(plan_path)
    report = check_plan(plan, CheckOptions(lint=False))
    documented = {row.action for row in report.requirements if row.level is Level.DOCUMENTED}
    granted = set()
    for fix in report.extra["fixes"]:
        before = _document_actions(fix.plan_field, plan)
        granted |= _actions(fix.policy or {}) - before
    assert not (granted & documented)
    for row in report.requirements:
        if row.level is Level.DOCUMENTED and row.decision.is_denied:
            assert row.fixes == ()


def _actions(document: dict[str, object]) -> set[str]:
    statements = document.get("Statement", [])
    items = statements if isinstance(statements, list) else [statements]
    found: set[str] = set()
    for item in items:
        if isinstance(item, dict) and item.get("Effect") == "Allow":
            actions = item.get("Action", [])
            found.update([actions] if isinstance(actions, str) else actions)
    return found


def _document_actions(plan_field: str | None, plan: Plan) -> set[str]:
    if plan_field is None:
        return set()
    for loaded in plan.loaded_policies().values():
        if loaded.plan_field == plan_field:
            return _actions(dict(loaded.document))
    return set()


def test_the_aws_example_fails_for_the_documented_reasons(example_plan: Path) -> None:
    report = check_plan(load_plan(example_plan), CheckOptions(lint=False))
    denied = {row.action: row for row in report.requirements if row.decision.is_denied}
    assert set(denied) == {"ecr:GetDownloadUrlForLayer", "s3:GetBucketAcl"}
    assert "AddPerm" in denied["s3:GetBucketAcl"].because
    assert "arn:aws:s3:::my-bucket/*" in denied["s3:GetBucketAcl"].because
    assert denied["ecr:GetDownloadUrlForLayer"].fix is not None
    fix = denied["ecr:GetDownloadUrlForLayer"].fix
    assert fix.account == "222222222222"
    assert fix.command.startswith("aws ecr set-repository-policy --registry-id 222222222222")
    # the page's statement is kept as it was, the new one is added beside it
    assert fix.policy is not None
    sids = [statement["Sid"] for statement in fix.policy["Statement"]]
    assert sids[0] == "AddPerm" and len(sids) == 2
    assert fix.policy["Statement"][0]["Action"] == ["ecr:BatchGetImage", "ecr:Describe*"]
    assert "Resource" not in fix.policy["Statement"][1]


def test_explicit_deny_fix_narrows_the_deny_and_keeps_it(tmp_path: Path) -> None:
    from tests.conftest import FIXTURES

    report = check_plan(
        load_plan(FIXTURES / "explicit-deny" / "plan.yaml"), CheckOptions(lint=False)
    )
    (row,) = [row for row in report.requirements if row.decision is Decision.EXPLICIT_DENY]
    assert row.evidence[0].statement == "KeepModelsInTrainingAccount"
    assert row.fix is not None and row.fix.policy is not None
    deny = next(s for s in row.fix.policy["Statement"] if s["Sid"] == "KeepModelsInTrainingAccount")
    assert deny["Effect"] == "Deny"
    # the guardrail keeps its own condition and now spares exactly the consumer role
    assert deny["Condition"]["StringNotEquals"]["aws:PrincipalAccount"] == "222222222222"
    assert deny["Condition"]["ArnNotEquals"]["aws:PrincipalArn"] == (
        "arn:aws:iam::111111111111:role/SageMakerDeployRole"
    )


def test_identity_side_fix_is_an_inline_role_policy() -> None:
    from tests.conftest import FIXTURES

    report = check_plan(
        load_plan(FIXTURES / "identity-denies" / "plan.yaml"),
        CheckOptions(lint=False, fix_documented=True),
    )
    fixes = {fix.kind: fix for fix in report.extra["fixes"]}
    fix = fixes["identity_policy"]
    assert fix.account == "111111111111"
    assert fix.command.startswith(
        "aws iam put-role-policy --role-name SageMakerDeployRole "
        "--policy-name xreg-cross-account-access"
    )
    assert fix.policy is not None
    (statement,) = fix.policy["Statement"]
    assert set(statement["Action"]) == {
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
        "ecr:DescribeImages",
    }
    assert "Principal" not in statement


def test_a_group_policy_for_one_version_is_denied_and_fixed(tmp_path: Path) -> None:
    """Granting model-package/iris/1 does not cover every future version."""
    plan_path = copy_fixture("aws-doc-sample-fixed", tmp_path / "plan")
    group_policy = plan_path.parent / "policies" / "model-package-group.json"
    group_policy.write_text(
        group_policy.read_text().replace("model-package/iris/*", "model-package/iris/1")
    )
    plan = load_plan(plan_path)
    report = check_plan(plan, CheckOptions(lint=False))
    (row,) = [r for r in report.requirements if r.action == "sagemaker:CreateModelPackage"]
    assert row.decision is Decision.IMPLICIT_DENY
    assert row.fix is not None
    assert row.fix.command.startswith(
        "aws sagemaker put-model-package-group-policy --model-package-group-name iris"
    )
    fixed = check_plan(apply_fixes(plan, report.extra["fixes"]), CheckOptions(lint=False))
    assert all(r.decision is Decision.ALLOWED for r in fixed.requirements)
