"""Verdict and summary: what fails a plan, counted once, the same way for every format."""

from __future__ import annotations

from collections.abc import Sequence

from checker.policy.decision import Decision
from checker.results import outcome
from checker.results.model import Finding, RequirementResult, Severity, Summary
from checker.results.outcome import FAILING_DECISIONS as FAILING_DECISIONS
from checker.results.outcome import finding_fails, unverified_sides


def requirement_fails(row: RequirementResult) -> bool:
    """Whether ``row`` fails the verdict whatever ``--fail-on`` says: a required access
    that is not allowed."""
    return outcome.requirement_fails(row, "error")


def verdict(rows: Sequence[RequirementResult], findings: Sequence[Finding], fail_on: str) -> str:
    """``fail_on`` sets the failing severity of findings; a required access that is not
    allowed fails whatever it says (``never`` changes only the exit status, see the CLI)."""
    if any(outcome.requirement_fails(row, fail_on) for row in rows):
        return "fail"
    if any(finding_fails(finding, fail_on) for finding in findings):
        return "fail"
    return "pass"


def summarize(rows: Sequence[RequirementResult], findings: Sequence[Finding]) -> Summary:
    active = [finding for finding in findings if not finding.suppressed]
    return Summary(
        requirements=len(rows),
        # The contract's meaning: every allowed row, an unverified side or not.
        allowed=sum(row.decision is Decision.ALLOWED for row in rows),
        denied=sum(row.decision.is_denied for row in rows),
        unknown=sum(row.decision is Decision.UNKNOWN for row in rows),
        # An allowed row whose identity side the plan does not give is counted here too (and
        # in ``allowed``): it passes only as far as the plan lets xreg see.
        unverified=sum(
            row.decision is Decision.UNVERIFIED or bool(unverified_sides(row)) for row in rows
        ),
        errors=sum(finding.severity is Severity.ERROR for finding in active),
        warnings=sum(finding.severity is Severity.WARNING for finding in active),
        infos=sum(finding.severity is Severity.INFO for finding in active),
    )
