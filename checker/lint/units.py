"""Every policy document of a plan, with its type, its account and how to put it back."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Any

from checker.errors import InputError
from checker.lint.context import PolicyUnit
from checker.plan.model import LoadedPolicy, ManagedPolicyRef, OrganizationKind, Plan
from checker.policy import parse_policy
from checker.policy.model import Policy, PolicyType
from checker.refs import IamPrincipal


def _identity_command(parsed: IamPrincipal, policy_name: str) -> str:
    name = shlex.quote(parsed.name) if parsed.name else "NAME"
    kind = "user" if parsed.kind == "user" else "role"
    return (
        f"aws iam put-{kind}-policy --{kind}-name {name} --policy-name {policy_name} "
        "--policy-document file://{file}"
    )


class _Builder:
    def __init__(self, plan: Plan, policies: Mapping[str, Policy]) -> None:
        self.plan = plan
        self.policies = policies
        self.units: list[PolicyUnit] = []

    def add(
        self,
        loaded: LoadedPolicy | ManagedPolicyRef | None,
        policy_type: PolicyType,
        *,
        owner: str,
        attached_to: str,
        target: str,
        command: str,
    ) -> None:
        # AWS managed policies are not the plan author's to fix: only the evaluator reads them.
        if not isinstance(loaded, LoadedPolicy):
            return
        policy = self.policies.get(loaded.source)
        error: InputError | None = None
        if policy is None:
            try:
                policy = parse_policy(
                    loaded.document,
                    source=loaded.source,
                    policy_type=policy_type,
                    attached_to=attached_to if policy_type.is_resource_policy else None,
                    partition=self.plan.partition,
                    lines=loaded.positions,
                )
            except InputError as problem:
                error = problem
        self.units.append(
            PolicyUnit(
                loaded=loaded,
                policy=policy,
                error=error,
                type=policy_type,
                owner=owner,
                attached_to=attached_to,
                target=target,
                command_template=command,
            )
        )

    def build(self) -> list[PolicyUnit]:
        plan = self.plan
        for repository in plan.ecr_repositories:
            region, account, name = repository.region, repository.account, repository.name
            self.add(
                repository.policy,
                PolicyType.REPOSITORY,
                owner=account,
                attached_to=repository.arn,
                target=f"repository policy of {name}",
                command=(
                    f"aws ecr set-repository-policy --registry-id {account} --repository-name "
                    f"{shlex.quote(name)} --policy-text file://{{file}} --region {region}"
                ),
            )
        for bucket in plan.s3_buckets:
            self.add(
                bucket.policy,
                PolicyType.BUCKET,
                owner=bucket.account,
                attached_to=f"arn:{plan.partition}:s3:::{bucket.name}",
                target=f"bucket policy of {bucket.name}",
                command=f"aws s3api put-bucket-policy --bucket {bucket.name} --policy file://{{file}}",
            )
        for key in plan.kms_keys:
            region, account = key.region, key.account
            self.add(
                key.policy,
                PolicyType.KEY,
                owner=account,
                attached_to=key.arn,
                target=f"key policy of {key.arn}",
                command=(
                    f"aws kms put-key-policy --key-id {key.arn} --policy-name default "
                    f"--policy file://{{file}} --region {region}"
                ),
            )
        for group in plan.model_package_groups:
            region, account, name = group.region, group.account, group.name
            self.add(
                group.policy,
                PolicyType.MODEL_PACKAGE_GROUP,
                owner=account,
                attached_to=group.arn,
                target=f"model package group policy of {name}",
                command=(
                    "aws sagemaker put-model-package-group-policy --model-package-group-name "
                    f"{name} --resource-policy file://{{file}} --region {region}"
                ),
            )
        for identity in plan.identities:
            principal = identity.parsed
            owner = principal.account
            for index, loaded in enumerate(identity.policies):
                self.add(
                    loaded,
                    PolicyType.IDENTITY,
                    owner=owner,
                    attached_to=identity.principal,
                    target=f"identity policy of {identity.principal}",
                    command=_identity_command(principal, f"xreg-fix-{index + 1}"),
                )
            self.add(
                identity.permissions_boundary,
                PolicyType.BOUNDARY,
                owner=owner,
                attached_to=identity.principal,
                target=f"permissions boundary of {identity.principal}",
                command=(
                    f"aws iam create-policy-version --policy-arn arn:{plan.partition}:iam::{owner}"
                    ":policy/BOUNDARY-POLICY-NAME --policy-document file://{file} --set-as-default"
                ),
            )
        organization: tuple[tuple[PolicyType, OrganizationKind, Mapping[str, Any] | None], ...] = (
            (PolicyType.SCP, "scp", plan.service_control_policies),
            (PolicyType.RCP, "rcp", plan.resource_control_policies),
        )
        for policy_type, kind, accounts in organization:
            for account in accounts or {}:
                levels = plan.organization_levels(kind, account) or ()
                for number, level in enumerate(levels):
                    where = _level_name(number, len(levels), account)
                    for entry in level:
                        self.add(
                            entry,
                            policy_type,
                            owner=account,
                            attached_to=account,
                            target=f"{policy_type.value.upper()} {where}",
                            command=(
                                "aws organizations update-policy --policy-id POLICY-ID "
                                "--content file://{file}"
                            ),
                        )
        return self.units


def _level_name(number: int, count: int, account: str) -> str:
    """Where an organization policy is attached, for a fix's target."""
    if count == 1:
        return f"applied to account {account}"
    if number == 0:
        return f"attached to the organization root (above account {account})"
    if number == count - 1:
        return f"attached to account {account}"
    return f"attached to the OU at level {number} above account {account}"


def build_units(plan: Plan, policies: Mapping[str, Policy]) -> list[PolicyUnit]:
    """The plan's policy documents, each parsed (from ``policies`` when the caller has)."""
    return _Builder(plan, policies).build()
