"""A decided requirement as a report row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from checker.engine.locate import Locator
from checker.engine.policies import PolicyIndex
from checker.matrix.expand import Requirement
from checker.policy.decision import AccessDecision, Decision
from checker.results.model import Fix, Location, RequirementResult, Sides


def requirement_result(
    locator: Locator,
    index: PolicyIndex,
    requirement: Requirement,
    decision: AccessDecision,
    notes: Sequence[str],
    fixes: Mapping[tuple[str, str, str], Sequence[Fix]],
) -> RequirementResult:
    because = decision.because
    row_fixes = tuple(fixes.get(requirement.row_key, ()))
    if notes and decision.decision is not Decision.ALLOWED:
        because = f"{because}; {'; '.join(notes)}"
    elif notes:
        because = f"{because} ({'; '.join(notes)})"
    return RequirementResult(
        id=requirement.spec.id,
        phase=requirement.spec.phase,
        level=requirement.spec.level,
        principal=requirement.principal,
        action=requirement.action,
        resource=requirement.resource,
        resource_owner=requirement.resource_owner or "unknown",
        decision=decision.decision,
        sides=Sides(
            resource_policy=decision.resource_policy.decision,
            identity_policy=decision.identity_policy.decision,
            organization=decision.organization.decision,
        ),
        because=because,
        evidence=decision.evidence,
        title=requirement.spec.title,
        unknown_keys=decision.unknown_keys,
        fix=row_fixes[0] if row_fixes else None,
        fixes=row_fixes,
        location=_location(locator, index, requirement, decision),
        referenced_by=tuple(requirement.referenced_by),
    )


def _location(
    locator: Locator, index: PolicyIndex, requirement: Requirement, decision: AccessDecision
) -> Location:
    """Point at the deciding statement when there is one, else at the plan field (the
    object's entry for an object the plan describes: its ACL is no policy file)."""
    for evidence in decision.evidence:
        policy = index.by_source.get(evidence.source)
        if policy is None and evidence.source.startswith("the ACL of "):
            continue
        return locator.statement(policy, evidence.source, evidence.statement)
    bucket, artifact = requirement.bucket, requirement.artifact
    if bucket is not None and artifact is not None:
        facts = bucket.object_facts(artifact.key, requirement.resource.endswith("*"))
        if facts is not None:
            return locator.plan_field(facts.plan_field)
    return locator.plan_field(requirement.referenced_by[0] if requirement.referenced_by else "$")
