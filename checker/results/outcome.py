"""What each report row means for a gate: its severity, its colour, its stable identity.

Every renderer (SARIF, JUnit, Markdown, HTML) asks these questions of the same report; they
are answered once, here, so that the formats never disagree about what failed.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from checker.policy.decision import Decision
from checker.results.gate import FAIL_ON_VALUES
from checker.results.model import Finding, Fix, Level, Location, Report, RequirementResult, Severity


class CellState(StrEnum):
    """How a decision is shown: green, red, amber, or grey when it does not apply."""

    ALLOWED = "allowed"
    DENIED = "denied"
    UNDECIDED = "undecided"  # unknown or unverified: the facts to decide it are missing
    NOT_APPLICABLE = "not-applicable"


def cell_state(decision: Decision) -> CellState:
    if decision is Decision.ALLOWED:
        return CellState.ALLOWED
    if decision.is_denied:
        return CellState.DENIED
    if decision is Decision.NOT_APPLICABLE:
        return CellState.NOT_APPLICABLE
    return CellState.UNDECIDED


# The decisions that count against the verdict. ``unverified`` does not: it says a side of
# the access was not described, and the sides that were described allow it.
FAILING_DECISIONS = frozenset({Decision.IMPLICIT_DENY, Decision.EXPLICIT_DENY, Decision.UNKNOWN})


_SIDE_NAMES = (
    ("resource_policy", "resource side"),
    ("identity_policy", "identity"),
    ("organization", "organization"),
)


def unverified_sides(requirement: RequirementResult) -> tuple[str, ...]:
    """The sides of an allowed row that the plan does not give: the row is allowed only as
    far as the plan tells (``--strict`` makes it unknown)."""
    if requirement.decision is not Decision.ALLOWED:
        return ()
    return tuple(
        name
        for attribute, name in _SIDE_NAMES
        if getattr(requirement.sides, attribute) is Decision.UNVERIFIED
    )


def row_label(requirement: RequirementResult) -> str:
    """The decision in words: ``allowed, identity unverified`` when a side was not given."""
    sides = unverified_sides(requirement)
    if sides:
        return f"allowed, {' and '.join(sides)} unverified"
    return decision_label(requirement.decision)


def row_state(requirement: RequirementResult) -> CellState:
    """The colour of a row: an allowed row with a side not given is undecided (amber)."""
    if unverified_sides(requirement):
        return CellState.UNDECIDED
    return cell_state(requirement.decision)


def requirement_severity(requirement: RequirementResult) -> Severity | None:
    """``None`` when the access is allowed (or does not apply).

    A required access that is denied or unknown is an error (it fails the verdict); what the
    documentation asks beyond what AWS needs is a warning; an unverified access is a note.
    """
    # An allowed row with a side not given is shown as such (``row_state``) but is no
    # result of its own: ``--strict`` is the way to fail it.
    if cell_state(requirement.decision) in (CellState.ALLOWED, CellState.NOT_APPLICABLE):
        return None
    if requirement.decision not in FAILING_DECISIONS:
        return Severity.INFO
    return Severity.ERROR if requirement.level is Level.REQUIRED else Severity.WARNING


def report_fail_on(report: Report) -> str:
    """The ``--fail-on`` the report was made with (the engine records it in ``extra``)."""
    fail_on = report.extra.get("fail_on", "error")
    return fail_on if fail_on in FAIL_ON_VALUES else "error"


def _reaches(severity: Severity, fail_on: str) -> bool:
    threshold = Severity.WARNING if fail_on == "warning" else Severity.ERROR
    return severity.rank >= threshold.rank


def requirement_fails(requirement: RequirementResult, fail_on: str) -> bool:
    """Whether this row fails the verdict. ``never`` changes the exit status only: a required
    access that is denied still fails the verdict."""
    if requirement.accepted:
        return False  # a baseline accepts this denial (until its expiry)
    severity = requirement_severity(requirement)
    return severity is not None and _reaches(severity, fail_on)


def finding_fails(finding: Finding, fail_on: str) -> bool:
    if finding.suppressed or fail_on == "never":
        return False
    return _reaches(finding.severity, fail_on)


def active_findings(report: Report) -> tuple[Finding, ...]:
    return tuple(finding for finding in report.findings if not finding.suppressed)


def problem_requirements(report: Report) -> tuple[RequirementResult, ...]:
    """Requirements that are not known to be allowed, in report order."""
    return tuple(req for req in report.requirements if requirement_severity(req) is not None)


def requirement_fingerprint(requirement: RequirementResult) -> str:
    """A hash of what the row is about (never where it sits), so it survives edits elsewhere."""
    key = "\0".join(
        (requirement.id, requirement.principal, requirement.action, requirement.resource)
    )
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def location_path(location: Location, plan: str) -> str:
    """The path a code-scanning tool should open, relative to the working directory.

    ``file`` when the report has it. Otherwise ``source``, which names the plan itself (or
    a policy inline in it, ``PLAN#field``) or a file relative to the plan's folder.
    """
    if location.file:
        return location.file
    source = location.source
    if source == plan or source.startswith(plan + "#"):
        return plan
    if posixpath.isabs(source) or "://" in source:
        return source
    return posixpath.normpath(posixpath.join(posixpath.dirname(plan), source))


def requirement_location(report: Report, requirement: RequirementResult) -> Location:
    """Where to point for a requirement: its deciding statement, else the plan itself."""
    if requirement.location is not None:
        return requirement.location
    field = requirement.referenced_by[0] if requirement.referenced_by else None
    return Location(source=report.plan, field=field, file=report.plan)


def decision_label(decision: Decision) -> str:
    return decision.value.replace("_", " ")


def short_principal(arn: str) -> str:
    """``arn:aws:iam::111111111111:role/Deploy`` → ``role/Deploy (111111111111)``."""
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[2] in ("iam", "sts"):
        resource = parts[5]
        return f"account {parts[4]}" if resource == "root" else f"{resource} ({parts[4]})"
    return arn


def fix_document(fix: Fix) -> tuple[str, dict[str, Any]] | None:
    """What a person pastes: the whole corrected policy, else the statement, else the grant."""
    if fix.policy is not None:
        label = "Corrected policy"
        document = fix.policy
    elif fix.statement is not None:
        label, document = "Statement to add", fix.statement
    elif fix.grant is not None:
        label, document = "Grant to create", fix.grant
    else:
        return None
    if fix.policy_file:
        label += f" ({fix.policy_file})"
    return label, document


def row_fixes(requirement: RequirementResult) -> tuple[Fix, ...]:
    """Every fix a row needs: together they make it pass."""
    if requirement.fixes:
        return requirement.fixes
    return (requirement.fix,) if requirement.fix is not None else ()


def fix_key(fix: Fix) -> str:
    """Fixes that change the same thing the same way are one fix, shown once."""
    if fix.id:
        return fix.id
    shown = fix_document(fix)
    return json.dumps([fix.account, fix.target, fix.command, shown], sort_keys=True)


def allowed_on_every_side(report: Report) -> int:
    """The allowed rows with no unchecked side: ``summary.allowed`` counts the others too
    (the contract's meaning), and ``summary.unverified`` counts them as well, so a view that
    shows both counts shows this one for "allowed"."""
    return sum(
        row.decision is Decision.ALLOWED and not unverified_sides(row)
        for row in report.requirements
    )


def source_fixes_by_id(report: Report) -> dict[str, list[dict[str, Any]]]:
    """The fixes of policies that came from infrastructure code, in the source's own form
    (``extra["source_fixes"]``), by the id of the fix they restate."""
    found: dict[str, list[dict[str, Any]]] = {}
    for entry in report.extra.get("source_fixes", []):
        found.setdefault(str(entry["fix"]), []).append(entry)
    return found


def source_fix_label(entry: Mapping[str, Any]) -> str:
    """Where a source-form fix goes: ``file:line``, then the property to replace."""
    where = str(entry["file"])
    if entry.get("line"):
        where += f":{entry['line']}"
    return f"or in the source, {where}, replace {entry['property']} with"
