"""SageMaker: the model package group, its resource policy, and (for audits) its versions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker.aws.policy_text import policy_document
from checker.aws.reads import ABSENT, Absent, Failure, attempt, existing, paginate
from checker.aws.session import AwsAccount
from checker.aws.state import Collection, GroupState, PolicyDocument, file_stem


def group_policy(account: AwsAccount, name: str, region: str) -> PolicyDocument | Absent | Failure:
    """The group's resource policy.

    The service answers ``ValidationException`` both for a missing group and for a group
    without a policy; callers ask only about groups they know exist, so here it means
    "no policy".
    """
    sagemaker = account.client("sagemaker", region)
    text = attempt(
        "sagemaker:GetModelPackageGroupPolicy",
        lambda: sagemaker.get_model_package_group_policy(ModelPackageGroupName=name)[
            "ResourcePolicy"
        ],
        absent_codes=frozenset({"ValidationException"}),
    )
    if isinstance(text, Failure) or text is ABSENT:
        return text
    stem = file_stem("sagemaker", account.account_id, region, name)
    return policy_document("sagemaker:GetModelPackageGroupPolicy", text, stem)


def collect_group(account: AwsAccount, arn: str, region: str, into: Collection) -> None:
    name = arn.rsplit("/", 1)[-1]
    sagemaker = account.client("sagemaker", region)
    described = attempt(
        "sagemaker:DescribeModelPackageGroup",
        lambda: sagemaker.describe_model_package_group(ModelPackageGroupName=name),
        absent_codes=frozenset({"ValidationException", "ResourceNotFound"}),
    )
    missing = f"model package group {name} does not exist"
    if existing(described, into, arn, what="group", missing=missing) is None:
        return
    policy = group_policy(account, name, region)
    if isinstance(policy, Failure):
        into.cannot_read(arn, "policy", policy.reason)
        return
    with into.lock:
        into.groups[arn] = GroupState(arn, policy if isinstance(policy, PolicyDocument) else None)


def list_groups(account: AwsAccount, region: str) -> list[Mapping[str, Any]]:
    """Every model package group of the account (summaries), oldest first."""
    sagemaker = account.client("sagemaker", region)
    return list(
        paginate(
            sagemaker,
            "list_model_package_groups",
            "ModelPackageGroupSummaryList",
            SortBy="CreationTime",
            SortOrder="Ascending",
        )
    )


def list_versions(account: AwsAccount, name: str, region: str) -> list[Mapping[str, Any]]:
    sagemaker = account.client("sagemaker", region)
    return list(
        paginate(
            sagemaker,
            "list_model_packages",
            "ModelPackageSummaryList",
            ModelPackageGroupName=name,
            ModelPackageType="Versioned",
        )
    )


def describe_version(account: AwsAccount, arn: str, region: str) -> Mapping[str, Any]:
    sagemaker = account.client("sagemaker", region)
    described: Mapping[str, Any] = sagemaker.describe_model_package(ModelPackageName=arn)
    return described
