"""Every policy of a plan, parsed once with its type and the resource it is attached to."""

from __future__ import annotations

import json
from functools import cache
from string import Template

from checker.matrix.expand import Requirement
from checker.paths import PACKAGE_DIR
from checker.plan.model import Identity, LoadedPolicy, ManagedPolicyRef, Plan
from checker.policy import parse_policy
from checker.policy.model import Policy, PolicyType
from checker.records import field, record


@record
class ResourcePolicyTarget:
    """The plan's resource whose policy decides a requirement's resource side."""

    loaded: LoadedPolicy | None  # None: the plan gives the resource without a policy
    policy_type: PolicyType
    arn: str  # what the policy is attached to: the bucket, not the object the access is on
    name: str  # how fixes name the resource: a bucket by its name, the others by their ARN
    # From the resource's ARN: a bucket's ARN has neither.
    account: str = ""
    region: str = ""


def resource_policy_target(requirement: Requirement, partition: str) -> ResourcePolicyTarget | None:
    """The group, repository, bucket or customer managed key a requirement is on, as the plan
    gives it; ``None`` when the plan does not give it (or the requirement has no resource)."""
    kind = requirement.spec.resource
    if kind == "group_versions" and requirement.group is not None:
        group = requirement.group
        return ResourcePolicyTarget(
            group.policy,
            PolicyType.MODEL_PACKAGE_GROUP,
            group.arn,
            group.arn,
            group.account,
            group.region,
        )
    if kind == "repository" and requirement.repository is not None:
        repository = requirement.repository
        return ResourcePolicyTarget(
            repository.policy,
            PolicyType.REPOSITORY,
            repository.arn,
            repository.arn,
            repository.account,
            repository.region,
        )
    if kind in ("object", "bucket") and requirement.bucket is not None:
        bucket = requirement.bucket
        return ResourcePolicyTarget(
            bucket.policy, PolicyType.BUCKET, bucket.arn(partition), bucket.name
        )
    if kind == "artifact_key" and requirement.key is not None and requirement.key.key is not None:
        key = requirement.key.key
        return ResourcePolicyTarget(
            key.policy, PolicyType.KEY, key.arn, key.arn, key.account, key.region
        )
    return None


@record(frozen=False)
class PolicyIndex:
    """Parsed policies by source, so lint and evaluation share one parse."""

    plan: Plan
    by_source: dict[str, Policy] = field(default_factory=dict)
    # The index of the plan this one was corrected from: a document both plans hold (the
    # same object: a correction replaces the documents it changes) keeps its parse, and so
    # the evaluator's compiled form of it, kept by identity.
    earlier: PolicyIndex | None = field(default=None, repr=False, compare=False)
    # The plan's policy documents by source, collected once for everything that looks one up.
    loaded: dict[str, LoadedPolicy] = field(init=False)
    # One file may serve several resources (the same repository policy on two
    # repositories): each gets its own parse, attached to its own resource.
    _parsed: dict[tuple[str, PolicyType, str | None], Policy] = field(default_factory=dict)
    # The document each of those parses was made from.
    _parsed_from: dict[tuple[str, PolicyType, str | None], LoadedPolicy] = field(
        default_factory=dict
    )

    def __post_init__(self) -> None:
        self.loaded = self.plan.loaded_policies()

    def parse(
        self, loaded: LoadedPolicy, policy_type: PolicyType, attached_to: str | None = None
    ) -> Policy:
        cache_key = (loaded.source, policy_type, attached_to)
        policy = self._parsed.get(cache_key)
        if policy is None:
            earlier = self.earlier
            if earlier is not None and earlier._parsed_from.get(cache_key) is loaded:
                policy = earlier._parsed[cache_key]
            else:
                policy = parse_policy(
                    loaded.document,
                    source=loaded.source,
                    policy_type=policy_type,
                    attached_to=attached_to,
                    partition=self.plan.partition,
                    lines=loaded.positions,
                )
            self._parsed[cache_key] = policy
            self._parsed_from[cache_key] = loaded
            self.by_source.setdefault(loaded.source, policy)
        return policy

    def parse_all(self) -> None:
        """Parse every policy in the plan, so that a malformed one fails fast (exit 2)."""
        plan = self.plan
        for repository in plan.ecr_repositories:
            if repository.policy:
                self.parse(repository.policy, PolicyType.REPOSITORY, repository.arn)
        for bucket in plan.s3_buckets:
            if bucket.policy:
                self.parse(bucket.policy, PolicyType.BUCKET, bucket.arn(plan.partition))
        for key in plan.kms_keys:
            if key.policy:
                self.parse(key.policy, PolicyType.KEY, key.arn)
        for group in plan.model_package_groups:
            if group.policy:
                self.parse(group.policy, PolicyType.MODEL_PACKAGE_GROUP, group.arn)
        for identity in plan.identities:
            for item in identity.policies:
                if isinstance(item, LoadedPolicy):
                    self.parse(item, PolicyType.IDENTITY)
            if identity.permissions_boundary:
                self.parse(identity.permissions_boundary, PolicyType.BOUNDARY)
        for kind, mapping in (
            (PolicyType.SCP, plan.service_control_policies),
            (PolicyType.RCP, plan.resource_control_policies),
        ):
            for items in (mapping or {}).values():
                for item in items:
                    self.organization_policy(item, kind)

    def organization_policy(
        self, item: LoadedPolicy | ManagedPolicyRef, kind: PolicyType
    ) -> Policy | None:
        if isinstance(item, LoadedPolicy):
            return self.parse(item, kind)
        return self.managed(item, kind)

    def managed(self, ref: ManagedPolicyRef, kind: PolicyType) -> Policy | None:
        """A bundled AWS managed policy; ``None`` when xreg does not ship its document."""
        if ref.document is None:
            return None
        source = f"aws-managed:{ref.name}"
        policy = self.by_source.get(source)
        if policy is None:
            earlier = self.earlier.by_source.get(source) if self.earlier is not None else None
            if earlier is not None and earlier.type is kind and earlier.document is ref.document:
                policy = earlier
            else:
                policy = parse_policy(
                    ref.document, source=source, policy_type=kind, partition=self.plan.partition
                )
            self.by_source[source] = policy
        return policy

    def identity_policies(self, identity: Identity) -> tuple[tuple[Policy, ...], list[str]]:
        """The identity's policies, and the names of managed policies xreg cannot read."""
        parsed: list[Policy] = []
        missing: list[str] = []
        for item in identity.policies:
            if isinstance(item, LoadedPolicy):
                parsed.append(self.parse(item, PolicyType.IDENTITY))
                continue
            policy = self.managed(item, PolicyType.IDENTITY)
            if policy is None:
                missing.append(item.name)
            else:
                parsed.append(policy)
        return tuple(parsed), missing


@cache
def _managed_key_template() -> str:
    return (PACKAGE_DIR / "data" / "aws_managed_key_policy.json").read_text(encoding="utf-8")


@cache
def aws_managed_key_policy(
    key_arn: str, *, service: str, account: str, region: str, partition: str
) -> Policy:
    """The policy AWS gives every AWS managed key (aws/s3, aws/sagemaker): it cannot be
    changed, and only lets the owning account use the key through the service.

    Cached: every requirement on the key then gets the same Policy, so the evaluator's
    compiled form of it (kept by identity) is built once."""
    text = Template(_managed_key_template()).substitute(
        service=service, account=account, region=region, partition=partition
    )
    return parse_policy(
        json.loads(text),
        source=f"aws-managed-key:aws/{service}",
        policy_type=PolicyType.KEY,
        attached_to=key_arn,
        partition=partition,
    )
