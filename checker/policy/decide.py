"""Decide one access: AWS's policy evaluation logic, three-valued, with one reason.

* An explicit Deny that applies in any policy (identity, permissions boundary, resource, SCPs
  of the principal's account, RCPs of the resource's account) wins. A Deny that may apply
  (UNKNOWN) turns a would-be allow into UNKNOWN, never into allowed.
* Otherwise the grant formula of ``checker.policy.facts`` decides, capped by the
  organization.
* Identity policies not given (UNVERIFIED): the decision is left to the known sides. When a
  known resource side allowed and only the identity side could still refuse, the answer is
  ALLOWED with ``identity_policy=unverified``; when the identity side alone would decide, it
  is UNVERIFIED. ``strict`` turns every ALLOWED that rests on unverified identity policies
  into UNKNOWN.

Not modelled here: session policies. The caller passes only the SCPs / RCPs that apply: none
for the management account, for a service-linked role, or (RCPs) for a service that RCPs do
not govern (``checker.engine.organization``). RCPs only deny: their Allows are not read.
"""

from __future__ import annotations

from checker.policy.decision import AccessDecision, Decision, Evidence, SideResult, Tri
from checker.policy.explain import evidence_of, policy_noun, statement_ref
from checker.policy.facts import AccessFacts
from checker.policy.principals import PrincipalScope
from checker.policy.request import AccessQuestion
from checker.policy.sides import (
    denied_with_hint,
    depends,
    first_applying,
    identity_side,
    organization_side,
    preferred_allow,
    resource_side,
    subject,
)
from checker.policy.trilogic import both, either


def _granted(facts: AccessFacts) -> Tri | Decision:
    """Whether the request is granted (capped by the organization), or ``UNVERIFIED`` when
    only the missing identity policies could decide."""
    organization = facts.organization_allow
    if facts.identity_allow is not None:
        return both(facts.grant(facts.identity_allow), organization)
    with_identity = both(facts.grant(Tri.TRUE), organization)
    without_identity = both(facts.grant(Tri.FALSE), organization)
    if without_identity is Tri.TRUE or with_identity is Tri.FALSE:
        return without_identity
    if with_identity is Tri.TRUE:
        return Tri.TRUE if facts.resource_side_allows() is Tri.TRUE else Decision.UNVERIFIED
    return Tri.UNKNOWN


def _allowed_because(facts: AccessFacts) -> tuple[str, tuple[Evidence, ...]]:
    refs: list[str] = []
    evidence: list[Evidence] = []
    for evaluation in facts.identity or ():
        outcome = first_applying(evaluation.allows)
        if outcome is not None and facts.boundary_allow is Tri.TRUE:
            refs.append(statement_ref(evaluation.policy, outcome.statement))
            evidence.append(evidence_of(evaluation.policy, outcome.statement))
            break
    if facts.resource is not None:
        outcome = preferred_allow(facts.resource)
        if outcome is not None:
            through = ""
            if outcome.scope is PrincipalScope.ACCOUNT:
                through = f" (granted to account {facts.requester.account})"
            refs.append(statement_ref(facts.resource.policy, outcome.statement) + through)
            evidence.append(evidence_of(facts.resource.policy, outcome.statement))
    for grant in facts.grants:
        if grant.applies is Tri.TRUE and grant.scope is not None:
            refs.append(grant.evidence.statement)
            evidence.append(grant.evidence)
            break
    principal = facts.question.request.principal
    because = f"{principal} may {subject(facts)}"
    if refs:
        because += ": allowed by " + " and ".join(refs)
    return because, tuple(evidence)


def _same_account_because(facts: AccessFacts, identity: SideResult) -> SideResult:
    if identity.decision is Decision.ALLOWED:
        return identity  # only a boundary can cap an identity allow; its side says so
    if facts.identity_allow is Tri.TRUE and facts.boundary_allow is Tri.FALSE:
        return identity  # the identity policies allow; the boundary's reason is the one
    noun = policy_noun(facts.resource.policy) if facts.resource else "a resource policy"
    reason = (
        f"neither an identity policy of {facts.question.request.principal} nor {noun} "
        f"allows {subject(facts)}"
    )
    if facts.resource_account_scope is Tri.TRUE:
        reason += f" ({noun} names only the account root, which delegates to IAM)"
        return SideResult(Decision.IMPLICIT_DENY, reason, identity.evidence)
    capped = preferred_allow(facts.resource) if facts.resource is not None else None
    if (
        capped is not None
        and facts.resource_named is Tri.TRUE
        and facts.boundary_allow is Tri.FALSE
    ):
        # Within one account a boundary caps a resource policy's grant to the role (or its
        # sessions through it), not one to the session or user itself (IAM User Guide,
        # permissions boundaries): the grant exists, the boundary is why it does not count.
        assert facts.resource is not None
        reason = (
            f"{statement_ref(facts.resource.policy, capped.statement)} allows "
            f"{facts.question.request.principal}, but its permissions boundary does not allow "
            f"{subject(facts)}, and within one account a boundary caps a grant to a role"
        )
        evidence = (*identity.evidence, evidence_of(facts.resource.policy, capped.statement))
        return SideResult(Decision.IMPLICIT_DENY, reason, evidence)
    evaluations = [facts.resource] if facts.resource is not None else []
    candidates = [*evaluations, *(facts.identity or ())]
    return denied_with_hint(reason, candidates, facts, identity.evidence)


def _kms_because(facts: AccessFacts, identity: SideResult, resource: SideResult) -> SideResult:
    if facts.resource_side_allows() is Tri.FALSE:
        return resource
    key_account = either(facts.resource_account_scope, facts.grants_allow(PrincipalScope.ACCOUNT))
    if facts.same_account and key_account is Tri.FALSE:
        reason = (
            f"the key policy does not name {facts.question.request.principal} and does not let "
            f"the IAM policies of account {facts.requester.account} allow {subject(facts)} "
            f"(no statement allows {facts.requester.root_arn})"
        )
        return SideResult(Decision.IMPLICIT_DENY, reason, resource.evidence)
    if identity.decision is Decision.IMPLICIT_DENY:
        need = (
            "the key policy leaves it to IAM"
            if facts.same_account
            else "cross-account use of a key needs both the key policy and IAM"
        )
        return SideResult(
            Decision.IMPLICIT_DENY,
            f"{identity.reason}; {need}",
            identity.evidence + resource.evidence,
        )
    return resource if resource.decision is Decision.IMPLICIT_DENY else identity


def _denied_because(
    facts: AccessFacts, identity: SideResult, resource: SideResult, organization: SideResult
) -> SideResult:
    """The one side reason that best explains an implicit deny."""
    if organization.decision is Decision.IMPLICIT_DENY:
        return organization
    if facts.kms:
        return _kms_because(facts, identity, resource)
    if not facts.question.resource_side_applies:
        return identity
    if facts.same_account:
        return _same_account_because(facts, identity)
    if resource.decision is Decision.IMPLICIT_DENY:
        return resource
    return identity


def _unknown_because(
    facts: AccessFacts, sides: tuple[SideResult, ...]
) -> tuple[str, tuple[Evidence, ...], tuple[str, ...]]:
    keys: set[str] = set()
    for evaluation in facts.evaluations():
        keys.update(evaluation.unknown_keys)
    for side in sides:
        if side.decision is Decision.UNKNOWN:
            return side.reason, side.evidence, tuple(sorted(keys))
    # Every side allows on its own terms, but a Deny somewhere may apply.
    for evaluation in facts.evaluations():
        outcome = first_applying(evaluation.denies, Tri.UNKNOWN)
        if outcome is not None:
            because = (
                f"{statement_ref(evaluation.policy, outcome.statement)} may deny "
                f"{subject(facts)}: {depends(outcome.unknown_keys, outcome.note)}"
            )
            return (
                because,
                (evidence_of(evaluation.policy, outcome.statement),),
                tuple(sorted(keys)),
            )
    return f"whether {subject(facts)} is allowed is unknown", (), tuple(sorted(keys))


def decide_access(question: AccessQuestion, *, strict: bool = False) -> AccessDecision:
    """The decision for one (principal, action, resource), with its sides and one reason."""
    facts = AccessFacts(question)
    identity = identity_side(facts)
    resource = resource_side(facts)
    organization = organization_side(facts)

    def result(
        decision: Decision,
        because: str,
        evidence: tuple[Evidence, ...] = (),
        keys: tuple[str, ...] = (),
    ) -> AccessDecision:
        return AccessDecision(
            decision,
            because,
            resource,
            identity,
            organization,
            tuple(dict.fromkeys(evidence)),
            keys,
        )

    if facts.deny is Tri.TRUE:
        side = next(
            s for s in (identity, resource, organization) if s.decision is Decision.EXPLICIT_DENY
        )
        return result(Decision.EXPLICIT_DENY, side.reason, side.evidence)
    granted = _granted(facts)
    principal = question.request.principal
    if granted is Decision.UNVERIFIED:
        because = (
            f"the identity policies of {principal} are not given, and they alone decide "
            f"{subject(facts)}"
        )
        return result(Decision.UNVERIFIED, because)
    if granted is Tri.FALSE:
        side = _denied_because(facts, identity, resource, organization)
        return result(Decision.IMPLICIT_DENY, side.reason, side.evidence)
    if granted is Tri.TRUE and facts.deny is Tri.FALSE:
        because, evidence = _allowed_because(facts)
        if facts.identity is None:
            if strict:
                because = (
                    f"the identity policies of {principal} are not given (strict mode); "
                    f"otherwise {because}"
                )
                return result(Decision.UNKNOWN, because, evidence)
            because += f"; the identity policies of {principal} are not given (unverified)"
        return result(Decision.ALLOWED, because, evidence)
    because, evidence, keys = _unknown_because(facts, (resource, identity, organization))
    return result(Decision.UNKNOWN, because, evidence, keys)
