"""The model package group in its account, and where its resource policy is held.

moto 5.2 does not implement ``PutModelPackageGroupPolicy``. A moto server with xreg's test
plugin does; otherwise xreg holds the policy itself. Either way xreg's evaluator decides
``CreateModelPackage`` with the plan's policy: moto would not evaluate it.
"""

from __future__ import annotations

from checker.dryrun.emulator import Emulator
from checker.dryrun.sandbox.common import REFUSALS, attempt, create_or_reuse, policy_text
from checker.dryrun.sandbox.model import Sandbox
from checker.matrix.references import GroupRef
from checker.plan.model import Plan


def build_group(plan: Plan, emulator: Emulator, sandbox: Sandbox, group: GroupRef | None) -> None:
    sandbox.group = group
    if group is None:
        return
    described = next((g for g in plan.model_package_groups if g.arn == group.arn), None)
    if described is None:
        sandbox.note(
            f"the plan does not describe the group {group.arn}: the sandbox does not create it"
        )
        return
    sagemaker = emulator.account_client("sagemaker", group.account, group.region)
    attempt(
        sandbox,
        f"the group {group.arn}",
        create_or_reuse,
        sagemaker.create_model_package_group,
        ModelPackageGroupName=group.name,
    )
    sandbox.group_created = True
    if described.policy is None:
        return
    where = "held by xreg (moto in-process has no group policies)"
    if not emulator.in_process:
        try:
            sagemaker.put_model_package_group_policy(
                ModelPackageGroupName=group.name,
                ResourcePolicy=policy_text(described.policy.document),
            )
            where = "stored in the moto server (PutModelPackageGroupPolicy)"
        except REFUSALS:
            where = "held by xreg (the moto server has no PutModelPackageGroupPolicy)"
    sandbox.note(f"the group policy {described.policy.source} is {where}")


def next_version(emulator: Emulator, sandbox: Sandbox) -> int:
    """The version number the next ``CreateModelPackage`` into the group gets."""
    group = sandbox.group
    if group is None or not sandbox.group_created:
        return 1
    sagemaker = emulator.account_client("sagemaker", group.account, group.region)
    count, token = 0, None
    while True:
        paging: dict[str, str] = {"NextToken": token} if token else {}
        page = sagemaker.list_model_packages(
            ModelPackageGroupName=group.name,
            MaxResults=100,
            **paging,
        )
        count += len(page.get("ModelPackageSummaryList", []))
        token = page.get("NextToken")
        if not token:
            return count + 1
