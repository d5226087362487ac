"""An image in one of AWS's own SageMaker registries is recognised by every caller of the engine.

``check`` builds its options through ``checker.lint.hooks.check_options``; dry-run and audit build
``CheckOptions`` themselves. Both must decide the image's pull rows the same way.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from checker.catalog import is_aws_owned_image_account
from checker.check import check_plan
from checker.engine.decide import CheckOptions
from checker.lint.config import LintConfig
from checker.lint.hooks import check_options
from checker.plan.loader import load_plan
from checker.plan.model import Plan
from checker.policy.decision import Decision
from tests.conftest import FIXTURES

SAMPLE_IMAGE = "222222222222.dkr.ecr.us-east-2.amazonaws.com/decision-trees-sample:latest"
# A Deep Learning Containers registry (checker/data/aws_image_accounts.json).
AWS_OWNED_IMAGE = "763104351884.dkr.ecr.us-east-2.amazonaws.com/pytorch-inference:2.1.0-gpu-py310"
PULL_ACTIONS = {"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:DescribeImages"}


def _plan_with_aws_owned_image(tmp_path: Path) -> Plan:
    assert is_aws_owned_image_account("763104351884", "us-east-2")
    target = tmp_path / "aws-owned-image"
    shutil.copytree(FIXTURES / "aws-doc-sample", target)
    plan_file = target / "plan.yaml"
    text = plan_file.read_text(encoding="utf-8")
    assert SAMPLE_IMAGE in text
    plan_file.write_text(text.replace(SAMPLE_IMAGE, AWS_OWNED_IMAGE), encoding="utf-8")
    return load_plan(plan_file)


def test_bare_options_decide_like_the_check_command(tmp_path: Path) -> None:
    plan = _plan_with_aws_owned_image(tmp_path)
    bare = check_plan(plan, CheckOptions())
    as_check = check_plan(plan, check_options(LintConfig(), lint=False))
    assert bare.requirements == as_check.requirements


def test_pulling_an_aws_owned_image_needs_no_repository_policy(tmp_path: Path) -> None:
    report = check_plan(_plan_with_aws_owned_image(tmp_path), CheckOptions())
    pulls = [row for row in report.requirements if row.action in PULL_ACTIONS]
    assert {row.action for row in pulls} == PULL_ACTIONS
    # The plan gives no identity policies: unverified, not unknown for want of the repository.
    assert {row.decision for row in pulls} == {Decision.UNVERIFIED}
    assert {row.sides.resource_policy for row in pulls} == {Decision.NOT_APPLICABLE}
