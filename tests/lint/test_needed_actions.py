"""What a broad grant's fix narrows a resource policy to is what the engine asks of that
policy for the required rows: both come from ``rules/matrix.yaml``."""

from __future__ import annotations

import json
from pathlib import Path

from checker.engine.decide import CheckOptions, decide_requirements
from checker.lint import lint_plan
from checker.matrix.spec import needed_actions
from checker.plan.loader import load_plan
from checker.policy.model import PolicyType
from checker.results.model import Level
from tests.plans import FIXTURES, copy_fixture

_RESOURCE_POLICIES = {
    PolicyType.MODEL_PACKAGE_GROUP,
    PolicyType.REPOSITORY,
    PolicyType.BUCKET,
    PolicyType.KEY,
}


def test_each_resource_policy_needs_what_the_engine_asks_of_it() -> None:
    plan = load_plan(FIXTURES / "aws-doc-sample-fixed" / "plan.yaml")
    _, decided, _ = decide_requirements(plan, CheckOptions())
    asked: dict[PolicyType, set[str]] = {}
    for item in decided:
        policy = item.question.resource_policy
        if item.requirement.spec.level is Level.REQUIRED and policy is not None:
            asked.setdefault(policy.type, set()).add(item.requirement.action)
    assert set(asked) == _RESOURCE_POLICIES
    assert {kind: set(actions) for kind, actions in needed_actions().items()} == asked


_BROAD = {
    "ecr-repository.json": ("ecr:*", None),
    "bucket.json": ("s3:*", "arn:aws:s3:::my-bucket/*"),
    "key.json": ("kms:*", "*"),
    "model-package-group.json": (
        "sagemaker:*",
        "arn:aws:sagemaker:us-east-2:111111111111:model-package/iris/*",
    ),
}


def test_a_broad_grant_is_narrowed_to_what_the_registration_needs(tmp_path: Path) -> None:
    plan_path = copy_fixture("aws-doc-sample", tmp_path / "plan")
    for name, (action, resource) in _BROAD.items():
        path = plan_path.parent / "policies" / name
        document = json.loads(path.read_text(encoding="utf-8"))
        statement = {
            "Sid": "ThirdAccountEverything",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::333333333333:root"},
            "Action": action,
        }
        if resource is not None:
            statement["Resource"] = resource
        document["Statement"].append(statement)
        path.write_text(json.dumps(document), encoding="utf-8")
    fixed: dict[PolicyType, object] = {}
    for finding in lint_plan(load_plan(plan_path), {}):
        fix = finding.fix
        if finding.rule != "BROAD-CROSS-ACCOUNT" or fix is None or fix.statement is None:
            continue
        if fix.statement.get("Sid") == "ThirdAccountEverything":
            fixed[_kind_of(fix.target)] = fix.statement["Action"]
    expected = {
        kind: actions[0] if len(actions) == 1 else list(actions)
        for kind, actions in needed_actions().items()
    }
    assert fixed == expected


def _kind_of(target: str) -> PolicyType:
    for prefix, kind in (
        ("repository policy", PolicyType.REPOSITORY),
        ("bucket policy", PolicyType.BUCKET),
        ("key policy", PolicyType.KEY),
        ("model package group policy", PolicyType.MODEL_PACKAGE_GROUP),
    ):
        if target.startswith(prefix):
            return kind
    raise AssertionError(target)
