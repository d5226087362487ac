"""A cross-account plan whose consumer cannot read the model (the bucket policy names only
the training account, the consumer's role policy allows no S3), for the fix planner's tests.
Written as files and loaded by the plan loader."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

from checker.engine.decide import CheckOptions, Decided, decide_requirements
from checker.engine.policies import PolicyIndex
from checker.fix.suggest import FixPlanner
from checker.plan.model import Plan
from checker.results.model import Fix
from tests.matrix.plan_data import (
    CONSUMER,
    GROUP,
    KEY,
    REGISTRAR,
    REPOSITORY,
    R,
    T,
    load,
    plan_data,
)

BUCKET_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "OwnerReads",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{T}:root"},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::models-bucket/*",
        }
    ],
}
DEPLOY_ROLE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "Pull", "Effect": "Allow", "Action": "ecr:*", "Resource": "*"},
        {"Sid": "Decrypt", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": KEY},
    ],
}
REGISTRAR_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "sagemaker:CreateModelPackage", "Resource": "*"},
    ],
}
REPOSITORY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Pull",
            "Effect": "Allow",
            "Principal": {"AWS": CONSUMER},
            "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:DescribeImages"],
        }
    ],
}
KEY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Owner",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{T}:root"},
            "Action": "kms:*",
            "Resource": "*",
        },
        {
            "Sid": "Consumer",
            "Effect": "Allow",
            "Principal": {"AWS": CONSUMER},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": "*",
        },
    ],
}
GROUP_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Register",
            "Effect": "Allow",
            "Principal": {"AWS": REGISTRAR},
            "Action": "sagemaker:CreateModelPackage",
            "Resource": f"arn:aws:sagemaker:us-east-2:{R}:model-package/churn/*",
        }
    ],
}
FILES = {
    "policies/bucket.json": BUCKET_POLICY,
    "policies/deploy-role.json": DEPLOY_ROLE_POLICY,
    "policies/registrar.json": REGISTRAR_POLICY,
    "policies/repository.json": REPOSITORY_POLICY,
    "policies/key.json": KEY_POLICY,
    "policies/group.json": GROUP_POLICY,
}


def scenario_data() -> dict[str, Any]:
    return plan_data(
        resources={
            "ecr_repositories": [{"arn": REPOSITORY, "policy": "policies/repository.json"}],
            "s3_buckets": [
                {
                    "name": "models-bucket",
                    "account": T,
                    "policy": "policies/bucket.json",
                    "encryption": {"sse": "aws:kms", "kms_key": KEY},
                    "object_ownership": "BucketOwnerEnforced",
                }
            ],
            "kms_keys": [{"arn": KEY, "manager": "CUSTOMER", "policy": "policies/key.json"}],
            "model_package_groups": [{"arn": GROUP, "policy": "policies/group.json"}],
        },
        identities=[
            {"principal": CONSUMER, "policies": ["policies/deploy-role.json"]},
            {"principal": REGISTRAR, "policies": ["policies/registrar.json"]},
        ],
    )


def load_scenario(
    folder: Path,
    change: Callable[[dict[str, Any]], None] | None = None,
    files: dict[str, Any] | None = None,
) -> Plan:
    return load(folder, scenario_data(), change, {**copy.deepcopy(FILES), **(files or {})})


def decided(plan: Plan) -> tuple[PolicyIndex, list[Decided]]:
    index, rows, _ = decide_requirements(plan, CheckOptions(lint=False))
    return index, rows


def denied(plan: Plan) -> list[tuple[str, str, str]]:
    """The required rows that are denied or unknown, as (principal, action, resource)."""
    return [
        (item.requirement.principal, item.requirement.action, item.requirement.resource)
        for item in decided(plan)[1]
        if item.requirement.spec.level.value == "required"
        and (item.decision.decision.is_denied or item.decision.decision.value == "unknown")
    ]


def planned(plan: Plan, *, fix_documented: bool = False) -> tuple[FixPlanner, dict[Any, Fix]]:
    """The fix planner after every denied row of ``plan``, and what it builds."""
    index, rows = decided(plan)
    planner = FixPlanner(plan, index, fix_documented=fix_documented)
    for item in rows:
        planner.plan_requirement(item.requirement, item.question, item.decision)
    return planner, planner.build()
