"""The findings of a request SageMaker refuses: always there, always errors, never suppressed.

Lint reports a refused field with its own rule (REQUEST-INVALID, URI-MALFORMED); when lint
did not run, the rule is disabled, its severity lowered or a baseline suppresses the finding,
the finding is still reported, as an error: a request AWS refuses never passes.
"""

from __future__ import annotations

from collections.abc import Sequence

from checker.errors import parse_field_path
from checker.fingerprint import fingerprint
from checker.matrix.validity import REQUEST_RULES, InvalidField
from checker.paths import display_path
from checker.plan.model import Plan
from checker.records import replace
from checker.results.model import Finding, Location, Severity


def _location(plan: Plan, field: str) -> Location:
    path = parse_field_path(field)
    for length in range(len(path), -1, -1):
        position = plan.positions.get(path[:length])
        if position is not None:
            break
    line, column = position if position is not None else (None, None)
    return Location(
        source=plan.source, line=line, column=column, field=field, file=display_path(plan.path)
    )


def enforce_request_findings(
    plan: Plan, findings: Sequence[Finding], invalid: Sequence[InvalidField]
) -> list[Finding]:
    """``findings`` with one active error per refused field of the request."""
    fields = {item.field for item in invalid}
    kept: list[Finding] = []
    covered: set[str] = set()
    for finding in findings:
        field = finding.location.field
        if finding.rule in REQUEST_RULES and field in fields:
            covered.add(field)
            finding = replace(finding, severity=Severity.ERROR, suppressed=None)
        kept.append(finding)
    for item in invalid:
        if item.field in covered:
            continue
        kept.append(
            Finding(
                rule=item.rule,
                severity=Severity.ERROR,
                message=item.message,
                location=_location(plan, item.field),
                fingerprint=fingerprint(item.rule, item.resource, item.field, item.detail),
            )
        )
    return kept
