"""Every policy document of a plan, with its type, its account and how to put it back."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from checker import put_back
from checker.errors import InputError
from checker.lint.context import PolicyUnit
from checker.plan.model import LoadedPolicy, ManagedPolicyRef, OrganizationKind, Plan
from checker.policy import parse_policy
from checker.policy.model import Policy, PolicyType
from checker.put_back import inline_policy_name


def _put_back_inline(kind: str, name: str, source: str, file_name: str) -> str:
    # The policy's name is worked out only for a fix that is written.
    return put_back.identity_policy(kind, name, inline_policy_name(source), file_name)


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
        command: Callable[[str], str],
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
                put_back=command,
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
                command=partial(put_back.repository_policy, account, region, name),
            )
        for bucket in plan.s3_buckets:
            self.add(
                bucket.policy,
                PolicyType.BUCKET,
                owner=bucket.account,
                attached_to=f"arn:{plan.partition}:s3:::{bucket.name}",
                target=f"bucket policy of {bucket.name}",
                command=partial(put_back.bucket_policy, bucket.name),
            )
        for key in plan.kms_keys:
            account = key.account
            self.add(
                key.policy,
                PolicyType.KEY,
                owner=account,
                attached_to=key.arn,
                target=f"key policy of {key.arn}",
                command=partial(put_back.key_policy, key.arn),
            )
        for group in plan.model_package_groups:
            region, account, name = group.region, group.account, group.name
            self.add(
                group.policy,
                PolicyType.MODEL_PACKAGE_GROUP,
                owner=account,
                attached_to=group.arn,
                target=f"model package group policy of {name}",
                command=partial(put_back.model_package_group_policy, name, region),
            )
        for identity in plan.identities:
            principal = identity.parsed
            owner = principal.account
            principal_kind = "user" if principal.kind == "user" else "role"
            name = principal.name or "NAME"
            for loaded in identity.policies:
                if not isinstance(loaded, LoadedPolicy):
                    continue  # an AWS managed policy: not the plan author's to put back
                self.add(
                    loaded,
                    PolicyType.IDENTITY,
                    owner=owner,
                    attached_to=identity.principal,
                    target=f"identity policy of {identity.principal}",
                    command=partial(_put_back_inline, principal_kind, name, loaded.source),
                )
            self.add(
                identity.permissions_boundary,
                PolicyType.BOUNDARY,
                owner=owner,
                attached_to=identity.principal,
                target=f"permissions boundary of {identity.principal}",
                command=put_back.permissions_boundary,
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
                        if not isinstance(entry, LoadedPolicy):
                            continue  # an AWS managed policy: not the plan author's to put back
                        self.add(
                            entry,
                            policy_type,
                            owner=account,
                            attached_to=account,
                            target=f"{policy_type.value.upper()} {where}",
                            command=partial(put_back.organization_policy, entry.source),
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
