"""What a live snapshot could not read, or found missing, as it bears on one requirement.

A snapshot names resources as it read them: an ARN, an image or S3 URI, a key id or alias, a
principal. A requirement is *about* such a resource when its resource is that one (a
repository for its image, an object for its URI, a group's versions for the group), or when
its principal is the principal that could not be read.
"""

from __future__ import annotations

from contextlib import suppress

from checker.matrix.expand import Requirement
from checker.plan.model import Plan
from checker.policy.decision import AccessDecision, Decision, SideResult
from checker.records import replace
from checker.refs import (
    arn_or_none,
    group_versions_arn,
    parse_ecr_image,
    parse_principal_arn,
    parse_s3_uri,
)


def _named_resources(resource: str, partition: str) -> set[str]:
    """The requirement resources (ARNs) that a snapshot entry's ``resource`` names."""
    names = {resource}
    if resource.startswith("s3://"):
        with suppress(ValueError):
            names.add(parse_s3_uri(resource).object_arn(partition))
    elif ".dkr.ecr." in resource:
        with suppress(ValueError):
            names.add(parse_ecr_image(resource).repository_arn)
    elif ":model-package-group/" in resource:
        names.add(group_versions_arn(resource))
    return names


def _key_name(text: str) -> str:
    """A KMS key by what tells it apart: ``key/ID`` → ``ID``, alias ARN → ``alias/NAME``."""
    if text.startswith("arn:"):
        arn = arn_or_none(text)
        if arn is None:
            return text
        text = arn.resource
    return text.removeprefix("key/")


def _role_of(principal: str) -> str:
    """A session's role ARN (a snapshot describes a session by its role); else itself."""
    try:
        parsed = parse_principal_arn(principal)
    except ValueError:
        return principal
    if parsed.kind == "assumed-role":
        return f"arn:{parsed.partition}:iam::{parsed.account}:role/{parsed.name}"
    return principal


def is_about(resource: str, requirement: Requirement, partition: str) -> bool:
    if requirement.resource in _named_resources(resource, partition):
        return True
    if resource in (requirement.principal, _role_of(requirement.principal)):
        return True
    if resource.startswith(f"arn:{partition}:s3:::") and "/" not in resource:
        return requirement.resource.startswith(f"{resource}/")  # a bucket: its objects
    if requirement.spec.resource == "artifact_key" and not resource.startswith("s3://"):
        return _key_name(resource) == _key_name(requirement.resource)
    return False


def unreadable_notes(plan: Plan, requirement: Requirement) -> list[str]:
    """Why facts bearing on ``requirement`` are absent from the plan (the organization's are
    handled apart: they make the organization side unknown)."""
    return [
        f"the snapshot could not read {fact.field} of {fact.resource}: {fact.reason}"
        for fact in plan.snapshot.other_unreadable()
        if is_about(fact.resource, requirement, plan.partition)
    ]


def missing_reasons(plan: Plan, requirement: Requirement) -> list[str]:
    return [
        fact.reason
        for fact in plan.snapshot.missing
        if is_about(fact.resource, requirement, plan.partition)
    ]


def unknown_when_missing(
    decision: AccessDecision, reasons: tuple[str, ...]
) -> tuple[AccessDecision, tuple[str, ...]]:
    """A requirement on a resource that does not exist is unknown (what its policies say
    decides nothing), unless it is denied anyway; then the reasons become notes."""
    if not reasons:
        return decision, ()
    # A denial stands: the access fails either way, and the policy that refuses it still has
    # to be fixed.
    if decision.decision.is_denied:
        return decision, reasons
    because = "; ".join(reasons)
    unknown = replace(
        decision,
        decision=Decision.UNKNOWN,
        because=because,
        resource_policy=SideResult(Decision.UNKNOWN, because),
        evidence=(),
    )
    return unknown, ()
