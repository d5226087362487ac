"""The three reported sides of a decision (identity, resource, organization), each with one
line a person can act on and the statements behind it."""

from __future__ import annotations

from collections.abc import Sequence

from checker.policy.decision import Decision, Evidence, SideResult, Tri
from checker.policy.evaluate import PolicyEvaluation, StatementOutcome
from checker.policy.explain import closest_allow, evidence_of, policy_noun, statement_ref
from checker.policy.facts import AccessFacts
from checker.policy.principals import PrincipalScope
from checker.policy.trilogic import any_of, both

# A module global: reading an enum member off its class costs several times more, and
# preferred_allow reads it for every Allow of every decision.
_ACCOUNT = PrincipalScope.ACCOUNT


def first_applying(
    outcomes: tuple[StatementOutcome, ...], tri: Tri = Tri.TRUE
) -> StatementOutcome | None:
    for outcome in outcomes:
        if outcome.applies is tri:
            return outcome
    return None


def depends(keys: Sequence[str], note: str | None) -> str:
    if keys:
        return "it depends on " + ", ".join(keys) + ", which the plan does not give"
    return note or "it depends on facts the plan does not give"


def subject(facts: AccessFacts) -> str:
    """``ecr:BatchGetImage on arn:…``: what the request asks, for reasons."""
    request = facts.question.request
    return f"{request.action} on {request.resource}"


def preferred_allow(evaluation: PolicyEvaluation) -> StatementOutcome | None:
    """The Allow to quote: prefer a statement that names the requester over one that names
    its account."""
    return next(
        (o for o in evaluation.allows if o.applies is Tri.TRUE and o.scope is not _ACCOUNT),
        first_applying(evaluation.allows),
    )


def deny_side(evaluations: Sequence[PolicyEvaluation], facts: AccessFacts) -> SideResult | None:
    """EXPLICIT_DENY naming the first Deny that surely applies, if any."""
    first: tuple[PolicyEvaluation, StatementOutcome] | None = None
    evidence: list[Evidence] = []
    for evaluation in evaluations:
        for outcome in evaluation.denies:
            if outcome.applies is Tri.TRUE:
                first = first or (evaluation, outcome)
                evidence.append(evidence_of(evaluation.policy, outcome.statement))
    if first is None:
        return None
    reason = f"{statement_ref(first[0].policy, first[1].statement)} explicitly denies "
    return SideResult(Decision.EXPLICIT_DENY, reason + subject(facts), tuple(evidence))


def unknown_side(evaluations: Sequence[PolicyEvaluation], facts: AccessFacts) -> SideResult:
    found = [
        (e, o) for e in evaluations for o in (*e.denies, *e.allows) if o.applies is Tri.UNKNOWN
    ]
    keys = tuple(sorted({k for _, o in found for k in o.unknown_keys}))
    evidence = tuple(evidence_of(e.policy, o.statement) for e, o in found)
    if not found:
        return SideResult(Decision.UNKNOWN, f"whether {subject(facts)} is allowed is unknown")
    evaluation, outcome = found[0]
    verb = "deny" if outcome.statement.effect == "Deny" else "allow"
    reason = (
        f"{statement_ref(evaluation.policy, outcome.statement)} may {verb} {subject(facts)}: "
        f"{depends(keys, outcome.note)}"
    )
    return SideResult(Decision.UNKNOWN, reason, evidence, keys)


def closest_hint(
    evaluations: Sequence[PolicyEvaluation], facts: AccessFacts
) -> tuple[str, Evidence] | None:
    """The Allow statement that came closest to allowing, as text and evidence."""
    has_boundary = facts.boundary is not None
    for evaluation in evaluations:
        key = id(evaluation)
        if key not in facts.hints:
            hint = closest_allow(
                evaluation.policy, facts.question.request, principal_has_boundary=has_boundary
            )
            facts.hints[key] = (
                None
                if hint is None
                else (hint.text, evidence_of(evaluation.policy, hint.statement))
            )
        found = facts.hints[key]
        if found is not None:
            return found
    return None


def denied_with_hint(
    reason: str,
    evaluations: Sequence[PolicyEvaluation],
    facts: AccessFacts,
    evidence: tuple[Evidence, ...] = (),
) -> SideResult:
    """IMPLICIT_DENY, with the closest Allow statement appended when there is one (its
    statement is then the evidence, else ``evidence``)."""
    hint = closest_hint(evaluations, facts)
    if hint is None:
        return SideResult(Decision.IMPLICIT_DENY, reason, evidence)
    return SideResult(Decision.IMPLICIT_DENY, f"{reason} ({hint[0]})", (hint[1],))


def identity_side(facts: AccessFacts) -> SideResult:
    principal = facts.question.request.principal
    boundary = [facts.boundary] if facts.boundary is not None else []
    if facts.identity is None:
        denied = deny_side(boundary, facts)
        if denied is not None:
            return denied
        return SideResult(
            Decision.UNVERIFIED, f"the identity policies of {principal} are not given"
        )
    evaluations = [*facts.identity, *boundary]
    denied = deny_side(evaluations, facts)
    if denied is not None:
        return denied
    raw = facts.identity_allow
    allow = Tri.FALSE if raw is None else both(raw, facts.boundary_allow)
    deny = any_of(e.deny for e in evaluations)
    if allow is Tri.TRUE and deny is Tri.FALSE:
        allowing = [
            (e.policy, o) for e in facts.identity if (o := first_applying(e.allows)) is not None
        ]
        policy, outcome = allowing[0]
        reason = f"{statement_ref(policy, outcome.statement)} allows {subject(facts)}"
        evidence = tuple(evidence_of(p, o.statement) for p, o in allowing)
        return SideResult(Decision.ALLOWED, reason, evidence)
    if raw is Tri.FALSE:
        reason = f"no identity policy of {principal} allows {subject(facts)}"
        return denied_with_hint(reason, facts.identity, facts)
    if raw is Tri.TRUE and facts.boundary_allow is Tri.FALSE:
        reason = f"the permissions boundary does not allow {subject(facts)}"
        return denied_with_hint(reason, boundary, facts)
    return unknown_side(evaluations, facts)


def grant_evidence(facts: AccessFacts) -> tuple[Evidence, ...]:
    return tuple(g.evidence for g in facts.grants if g.applies is Tri.TRUE and g.scope)


def resource_side(facts: AccessFacts) -> SideResult:
    question = facts.question
    if not question.resource_side_applies:
        return SideResult(
            Decision.NOT_APPLICABLE,
            f"no resource policy takes part in {question.request.action}",
        )
    if not question.resource_state_known:
        return SideResult(
            Decision.UNKNOWN, f"the plan does not describe {question.request.resource}"
        )
    evaluations = [facts.resource] if facts.resource is not None else []
    denied = deny_side(evaluations, facts)
    if denied is not None:
        return denied
    allow = facts.resource_side_allows()
    deny = facts.resource.deny if facts.resource is not None else Tri.FALSE
    if allow is Tri.TRUE and deny is Tri.FALSE:
        return _resource_allowed(facts)
    if allow is Tri.FALSE:
        return _resource_denied(facts)
    side = unknown_side(evaluations, facts)
    unsure_grants = [g for g in facts.grants if g.applies is Tri.UNKNOWN]
    if not side.evidence and unsure_grants:
        grant = unsure_grants[0]
        reason = f"{grant.evidence.statement} may give {subject(facts)}: {grant.note}"
        return SideResult(Decision.UNKNOWN, reason, tuple(g.evidence for g in unsure_grants))
    return side


def _resource_allowed(facts: AccessFacts) -> SideResult:
    principal = facts.question.request.principal
    evaluation = facts.resource
    outcome = preferred_allow(evaluation) if evaluation is not None else None
    if evaluation is not None and outcome is not None:
        ref = statement_ref(evaluation.policy, outcome.statement)
        if outcome.scope is _ACCOUNT:
            account = facts.requester.account
            reason = f"{ref} allows account {account} {subject(facts)}"
            if facts.same_account or facts.kms:
                reason += f", leaving it to the IAM policies of {account}"
        else:
            reason = f"{ref} allows {principal} {subject(facts)}"
        evidence = tuple(
            evidence_of(evaluation.policy, o.statement)
            for o in evaluation.allows
            if o.applies is Tri.TRUE
        )
        return SideResult(Decision.ALLOWED, reason, evidence + grant_evidence(facts))
    evidence = grant_evidence(facts)
    reason = f"{evidence[0].statement} gives {principal} {subject(facts)}"
    return SideResult(Decision.ALLOWED, reason, evidence)


def _resource_denied(facts: AccessFacts) -> SideResult:
    evaluation = facts.resource
    if evaluation is None:
        what = "key policy" if facts.kms else "resource policy"
        reason = f"{facts.question.request.resource} has no {what}"
        if not facts.same_account and not facts.kms:
            reason += f", which access from account {facts.requester.account} needs"
        return SideResult(Decision.IMPLICIT_DENY, reason + grant_remark(facts))
    reason = f"no statement of {policy_noun(evaluation.policy)} allows {subject(facts)}"
    side = denied_with_hint(reason, [evaluation], facts)
    remark = grant_remark(facts)
    return SideResult(side.decision, side.reason + remark, side.evidence) if remark else side


def grant_remark(facts: AccessFacts) -> str:
    if not facts.kms:
        return ""
    noted = [g for g in facts.grants if g.note]
    if noted:
        return f", and {noted[0].evidence.statement} does not help: {noted[0].note}"
    return ", and no grant gives it"


def organization_side(facts: AccessFacts) -> SideResult:
    question = facts.question
    unreadable = question.organization_unknown
    exempt = question.organization_exempt
    if facts.scps is None and facts.rcps is None and unreadable is None:
        reason = exempt or "no SCPs or RCPs are given"
        return SideResult(Decision.NOT_APPLICABLE, reason)
    evaluations = [e for levels in (facts.scps, facts.rcps) for lvl in levels or () for e in lvl]
    denied = deny_side(evaluations, facts)
    if denied is not None:
        return denied
    if unreadable is not None:
        return SideResult(Decision.UNKNOWN, unreadable)
    # Only SCP levels need an Allow; RCPs only deny (see checker.policy.facts).
    for number, level in enumerate(facts.scps or ()):
        if any_of(e.allow for e in level) is Tri.FALSE:
            sources = ", ".join(e.policy.source for e in level) or "none"
            reason = (
                f"no SCP at level {number} of the organization ({sources}) allows {subject(facts)}"
            )
            return SideResult(Decision.IMPLICIT_DENY, reason)
    deny = any_of(e.deny for e in evaluations)
    if facts.organization_allow is Tri.TRUE and deny is Tri.FALSE:
        evidence = tuple(
            evidence_of(e.policy, outcome.statement)
            for e in evaluations
            if (outcome := first_applying(e.allows)) is not None
        )
        said = []
        if facts.scps is not None:
            said.append(f"every level of the organization's SCPs allows {subject(facts)}")
        if facts.rcps is not None:
            said.append(f"no RCP denies {subject(facts)}")
        reason = ", and ".join(said)
        if exempt:
            reason += f" ({exempt})"
        return SideResult(Decision.ALLOWED, reason, evidence)
    return unknown_side(evaluations, facts)
