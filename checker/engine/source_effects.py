"""How unresolved source values bear on a decision.

A statement holding a value unknown offline may or may not apply. Where that could change
the outcome, the decision is ``unknown`` and names the expression; where it cannot, the
decision stands:
- an access allowed by statements that hold no unresolved value, while every unresolved
  statement is an Allow, stays allowed (an Allow can only add permissions);
- an access explicitly denied by a statement that holds no unresolved value stays denied
  (an explicit deny wins whatever the others say).
"""

from __future__ import annotations

from collections.abc import Iterator

from checker.engine.missing_facts import is_about
from checker.matrix.expand import Requirement
from checker.plan.model import Plan
from checker.plan.source_facts import SourceFacts, UnresolvedStatement
from checker.policy.decision import AccessDecision, Decision, SideResult
from checker.policy.model import Policy
from checker.policy.request import AccessQuestion
from checker.records import replace
from checker.results.model import Finding, Location, Severity


def _policies(question: AccessQuestion) -> Iterator[tuple[str, Policy]]:
    if question.resource_policy is not None:
        yield "resource", question.resource_policy
    for policy in question.identity_policies or ():
        yield "identity", policy
    if question.permissions_boundary is not None:
        yield "identity", question.permissions_boundary
    for levels in (question.scps, question.rcps):
        for level in levels or ():
            for policy in level:
                yield "organization", policy


def _label(policy: Policy, statement: UnresolvedStatement) -> str | None:
    if statement.statement is None or statement.statement >= len(policy.statements):
        return None
    return policy.statements[statement.statement].label


def with_source_facts(
    plan: Plan,
    facts: SourceFacts,
    requirement: Requirement,
    question: AccessQuestion,
    decision: AccessDecision,
) -> tuple[AccessDecision, tuple[str, ...]]:
    """``decision`` as the unresolved values of the plan's sources leave it, and notes."""
    reasons: list[str] = []
    sides: set[str] = set()
    unresolved_evidence: set[tuple[str, str | None]] = set()
    only_allows = True
    stand_in = False  # a policy whose statements are unknown: its stand-in decided nothing
    for side, policy in _policies(question):
        for statement in facts.unresolved.get(policy.source, ()):
            reasons.append(statement.reason)
            stand_in = stand_in or statement.statement is None
            sides.add(side)
            unresolved_evidence.add((policy.source, _label(policy, statement)))
            only_allows = only_allows and statement.effect == "Allow"
    notes: list[str] = []
    for fact in facts.resources:
        if not is_about(fact.resource, requirement, plan.partition):
            continue
        if fact.unknown:
            reasons.append(fact.reason)
            sides.add("resource")
            only_allows = False
        else:
            notes.append(fact.reason)
    if not reasons:
        return decision, tuple(notes)
    outcome = decision.decision
    if (
        outcome is Decision.ALLOWED
        and only_allows
        and _allowed_by_known(decision, unresolved_evidence)
    ):
        return decision, (*notes, *reasons)
    if outcome is Decision.EXPLICIT_DENY and _denied_by_known(decision, unresolved_evidence):
        return decision, (*notes, *reasons)
    because = "; ".join(dict.fromkeys(reasons))
    unknown = SideResult(Decision.UNKNOWN, because)
    return (
        replace(
            decision,
            decision=Decision.UNKNOWN,
            because=because if stand_in else f"{because} (without it: {decision.because})",
            resource_policy=unknown if "resource" in sides else decision.resource_policy,
            identity_policy=unknown if "identity" in sides else decision.identity_policy,
            organization=unknown if "organization" in sides else decision.organization,
        ),
        tuple(notes),
    )


def _allowed_by_known(decision: AccessDecision, unresolved: set[tuple[str, str | None]]) -> bool:
    """No statement that allowed it holds an unresolved value: the unresolved Allows only
    add to what the known statements already allow."""
    whole = {source for source, label in unresolved if label is None}
    return all(
        (item.source, item.statement) not in unresolved and item.source not in whole
        for item in decision.evidence
    )


def _denied_by_known(decision: AccessDecision, unresolved: set[tuple[str, str | None]]) -> bool:
    """Some Deny statement that decided it holds no unresolved value (and its policy's
    structure is known)."""
    whole = {source for source, label in unresolved if label is None}
    return any(
        (item.source, item.statement) not in unresolved and item.source not in whole
        for item in decision.evidence
    )


_TITLES = {
    "SOURCE-OVERRIDDEN": "The plan overrides what a source says",
    "SOURCE-UNNAMED": "A source's resource has no name known before deploy",
    "SOURCE-UNRESOLVED": "A source's value cannot be resolved offline",
    "SOURCE-UNRESOLVED-REQUEST": "The registration request holds a value unknown offline",
}


def source_findings(plan: Plan, facts: SourceFacts) -> list[Finding]:
    """The sources' notes as report findings, located in the file the user edits."""
    from checker.fingerprint import fingerprint
    from checker.paths import display_path

    findings: list[Finding] = []
    for note in facts.notes:
        file = display_path(note.file) if note.file is not None else display_path(plan.path)
        findings.append(
            Finding(
                rule=note.rule,
                severity=Severity(note.severity),
                message=note.message,
                location=Location(
                    source=note.source,
                    line=note.line,
                    column=note.column,
                    field=note.field,
                    file=file,
                ),
                fingerprint=fingerprint(note.rule, note.source, note.field or "", note.message),
                title=_TITLES.get(note.rule),
            )
        )
    return findings
