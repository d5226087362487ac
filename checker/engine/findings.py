"""Findings the core makes itself: references in the request that cannot be followed."""

from __future__ import annotations

import hashlib

from checker.engine.locate import Locator
from checker.matrix.references import References
from checker.report.model import Finding, Severity


def reference_findings(locator: Locator, references: References) -> list[Finding]:
    findings: list[Finding] = []
    for problem in references.problems:
        digest = hashlib.sha256(f"{problem.rule}|{problem.value}".encode()).hexdigest()[:16]
        findings.append(
            Finding(
                rule=problem.rule,
                severity=Severity.ERROR,
                message=f"{problem.value}: {problem.message}",
                location=locator.plan_field(problem.field),
                fingerprint=digest,
            )
        )
    return findings
