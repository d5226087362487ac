"""The checking role's policy in the README allows every read xreg makes, and no write.

Decided by xreg's own evaluator, on the very JSON block of the README; and xreg's lint finds
no error in it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import botocore.session
import pytest

from checker.aws.readonly import IAM_ACTION_OVERRIDES, READ_OPERATIONS, iam_actions
from checker.policy import AccessQuestion, Request, decide_access, parse_policy
from checker.policy.model import PolicyType
from tests.conftest import ROOT
from tests.plans import copy_fixture, edit_plan

DOC = ROOT / "README.md"
ACCOUNT = "111111111111"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/xreg-checker"
READ_PREFIXES = ("Get", "List", "Describe", "Head", "BatchGet", "Lookup", "Search", "Select")


def documented_policy() -> dict:
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", text, flags=re.DOTALL)
    (block,) = [b for b in blocks if "XregReadOnly" in b]
    return json.loads(block)


def decide(action: str) -> str:
    policy = parse_policy(documented_policy(), source="README.md", policy_type=PolicyType.IDENTITY)
    decision = decide_access(
        AccessQuestion(
            request=Request(ROLE, action, f"arn:aws:{action.split(':')[0]}:us-east-2:{ACCOUNT}:x"),
            resource_account=ACCOUNT,
            principal_account=ACCOUNT,
            resource_side_applies=False,
            identity_policies=(policy,),
        )
    )
    return decision.decision.value


def test_the_documented_policy_lists_exactly_the_reads() -> None:
    (statement,) = documented_policy()["Statement"]
    assert statement["Action"] == [a for a in iam_actions() if not a.startswith("sts:")]


@pytest.mark.parametrize("action", [a for a in iam_actions() if not a.startswith("sts:")])
def test_every_read_is_allowed(action: str) -> None:
    assert decide(action) == "allowed"


def _writes() -> list[str]:
    session = botocore.session.get_session()
    writes = []
    for service in READ_OPERATIONS:
        if service == "sts":
            continue
        for operation in session.get_service_model(service).operation_names:
            action = IAM_ACTION_OVERRIDES.get((service, operation), f"{service}:{operation}")
            if action not in iam_actions() and not operation.startswith(READ_PREFIXES):
                writes.append(action)
    return sorted(set(writes))


def test_there_are_writes_to_check() -> None:
    assert {"s3:PutBucketPolicy", "kms:CreateGrant", "sagemaker:CreateModelPackage"} <= set(
        _writes()
    )


@pytest.mark.parametrize("action", _writes())
def test_no_write_is_allowed(action: str) -> None:
    assert decide(action) == "implicit_deny"


def test_lint_finds_no_error_or_warning_in_the_documented_policy(tmp_path: Path) -> None:
    from checker.check import check_plan
    from checker.lint.config import LintConfig
    from checker.lint.hooks import check_options
    from checker.plan.loader import load_plan

    plan_path = copy_fixture("aws-doc-sample-fixed", tmp_path / "plan")
    (plan_path.parent / "policies" / "checker-role.json").write_text(
        json.dumps(documented_policy())
    )
    edit_plan(
        plan_path,
        lambda plan: plan["identities"][1]["policies"].append("policies/checker-role.json"),
    )
    report = check_plan(load_plan(plan_path), check_options(LintConfig()))
    about_it = [f for f in report.findings if f.location.source == "policies/checker-role.json"]
    assert [f for f in about_it if f.severity.value != "info"] == []
