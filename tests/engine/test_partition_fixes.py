"""Fixes outside the ``aws`` partition name the plan's own resources, and close the gaps.

The AWS documentation sample, moved to aws-cn: every ARN, region and registry host of the
plan and its policies is rewritten, so only the partition differs from the aws fixture.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from checker.check import check_plan
from checker.engine.decide import CheckOptions
from checker.fix.apply import apply_fixes
from checker.plan.loader import load_plan
from checker.plan.model import Plan
from checker.results.model import Report
from tests.conftest import FIXTURES

_TO_AWS_CN = (
    ("partition: aws\n", "partition: aws-cn\n"),
    ("arn:aws:", "arn:aws-cn:"),
    ("us-east-2", "cn-north-1"),
    (".amazonaws.com/", ".amazonaws.com.cn/"),
)


def _aws_cn_sample(tmp_path: Path, *, bucket_policy: bool = True) -> Plan:
    target = tmp_path / "aws-doc-sample-cn"
    shutil.copytree(FIXTURES / "aws-doc-sample", target)
    for path in [target / "plan.yaml", *(target / "policies").glob("*.json")]:
        text = path.read_text(encoding="utf-8")
        for old, new in _TO_AWS_CN:
            text = text.replace(old, new)
        if path.name == "plan.yaml" and not bucket_policy:
            text = text.replace("      policy: policies/bucket.json\n", "")
        path.write_text(text, encoding="utf-8")
    plan = load_plan(target / "plan.yaml")
    assert plan.partition == "aws-cn"
    return plan


def _denied(report: Report) -> list[tuple[str, str]]:
    return [(row.action, row.resource) for row in report.requirements if row.decision.is_denied]


def _bucket_fix_resources(report: Report) -> list[str | None]:
    return [fix.resource for fix in report.extra["fixes"] if fix.target.startswith("bucket policy")]


def test_the_bucket_fix_names_the_bucket_in_its_partition(tmp_path: Path) -> None:
    report = check_plan(_aws_cn_sample(tmp_path), CheckOptions(lint=False, fix_documented=True))
    assert ("s3:GetBucketAcl", "arn:aws-cn:s3:::my-bucket") in _denied(report)
    assert _bucket_fix_resources(report) == ["arn:aws-cn:s3:::my-bucket"]


def test_every_fix_makes_the_aws_cn_plan_pass(tmp_path: Path) -> None:
    plan = _aws_cn_sample(tmp_path)
    report = check_plan(plan, CheckOptions(lint=False, fix_documented=True))
    assert _denied(report)
    fixed = check_plan(
        apply_fixes(plan, report.extra["fixes"]), CheckOptions(lint=False, fix_documented=True)
    )
    assert _denied(fixed) == []


def test_a_new_bucket_policy_is_attached_to_the_aws_cn_bucket(tmp_path: Path) -> None:
    """With no bucket policy the fix is a new policy, attached by the bucket's ARN."""
    plan = _aws_cn_sample(tmp_path, bucket_policy=False)
    report = check_plan(plan, CheckOptions(lint=False, fix_documented=True))
    assert _bucket_fix_resources(report) == ["arn:aws-cn:s3:::my-bucket"]
    fixed_plan = apply_fixes(plan, report.extra["fixes"])
    (bucket,) = fixed_plan.s3_buckets
    assert bucket.policy is not None
    assert _denied(check_plan(fixed_plan, CheckOptions(lint=False, fix_documented=True))) == []
