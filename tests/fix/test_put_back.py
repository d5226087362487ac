"""A lint rule's fix and the fix planner's fix of one policy put it back with one command.

Every kind of policy a plan holds (repository, bucket, key and group policies, a role's and a
user's inline policies, a permissions boundary, SCPs and RCPs) is taken as lint sees it and as
the planner corrects it: given the planner's file name, lint's command is the planner's.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import pytest

from checker import put_back
from checker.check import check_plan
from checker.engine.policies import PolicyIndex
from checker.fix.suggest import FixPlanner
from checker.lint import lint_plan
from checker.lint.config import load_config
from checker.lint.context import PolicyUnit
from checker.lint.hooks import check_options
from checker.lint.units import build_units
from checker.plan.loader import load_plan
from checker.plan.model import Plan
from checker.policy.model import PolicyType
from tests.plans import FIXTURES, copy_fixture, edit_plan

_OPS_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}


def _every_kind(data: dict[str, Any]) -> None:
    data["identities"][1]["permissions_boundary"] = "policies/deploy-boundary.json"
    data["identities"].append(
        {"principal": "arn:aws:iam::111111111111:user/ops/Operator", "policies": ["ops.json"]}
    )


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    plan_path = copy_fixture("data-perimeter", tmp_path_factory.mktemp("plan"))
    folder = plan_path.parent
    for name in ("policies/deploy-boundary.json", "ops.json"):
        (folder / name).write_text(json.dumps(_OPS_POLICY), encoding="utf-8")
    return load_plan(edit_plan(plan_path, _every_kind))


@pytest.fixture(scope="module")
def units(plan: Plan) -> list[PolicyUnit]:
    index = PolicyIndex(plan)
    index.parse_all()
    return build_units(plan, index.by_source)


def test_the_plan_has_every_kind_of_policy(units: list[PolicyUnit]) -> None:
    assert {unit.type for unit in units} == set(PolicyType)
    assert any(":user/" in unit.attached_to for unit in units)


def _planner_fix_command(plan: Plan, plan_field: str) -> tuple[str, str]:
    index = PolicyIndex(plan)
    index.parse_all()
    planner = FixPlanner(plan, index)
    assert planner.corrected_by_lint(plan_field, ["A-RULE"]) is not None, plan_field
    [fix] = planner.build().values()
    assert fix.policy_file is not None
    return fix.policy_file, fix.command


def test_lint_and_the_planner_give_one_command(plan: Plan, units: list[PolicyUnit]) -> None:
    compared = 0
    for unit in units:
        file_name, command = _planner_fix_command(plan, unit.loaded.plan_field)
        assert unit.put_back(file_name) == command, unit.target
        compared += 1
    assert compared == len(units) > 10


def test_a_lint_fix_names_the_corrected_inline_policy(units: list[PolicyUnit]) -> None:
    [operator] = [unit for unit in units if ":user/" in unit.attached_to]
    assert operator.put_back("fixed.json") == (
        "aws iam put-user-policy --user-name Operator --policy-name ops "
        "--policy-document file://fixed.json"
    )


def test_names_reach_the_cli_as_written() -> None:
    command = put_back.repository_policy("222222222222", "us-east-2", "team a/b", "f.json")
    words = shlex.split(command)
    assert words[words.index("--repository-name") + 1] == "team a/b"
    assert put_back.bucket_policy("my-bucket", "f.json") == (
        "aws s3api put-bucket-policy --bucket my-bucket --policy file://f.json"
    )


def test_an_identity_without_a_policy_of_its_own_gets_xreg_s() -> None:
    assert put_back.inline_policy_name(None) == put_back.NEW_IDENTITY_POLICY_NAME
    assert put_back.inline_policy_name("policies/Deploy_Role.json") == "deploy-role"


def test_organization_policies_are_named_by_their_file(tmp_path: Path) -> None:
    command = put_back.organization_policy("policies/scp-resource-perimeter.json", "f.json")
    assert "--policy-id POLICY_ID_OF_SCP-RESOURCE-PERIMETER " in command


def test_lint_s_grant_fix_is_the_report_s() -> None:
    plan = load_plan(FIXTURES / "aws-doc-sample" / "plan.yaml")
    [raw] = [f.fix for f in lint_plan(plan, {}) if f.rule == "KMS-GRANT-GRANTEE"]
    report = check_plan(
        plan, check_options(load_config(FIXTURES / "aws-doc-sample" / "plan.yaml", "error"))
    )
    [merged] = [f.fix for f in report.findings if f.rule == "KMS-GRANT-GRANTEE"]
    assert raw is not None and merged is not None
    assert raw.command == merged.command
    assert "aws kms revoke-grant" in raw.command and "--region us-east-2" in raw.command


def test_object_ownership_has_one_command() -> None:
    assert shlex.split(put_back.bucket_owner_enforced("my-bucket"))[-1] == (
        "Rules=[{ObjectOwnership=BucketOwnerEnforced}]"
    )
