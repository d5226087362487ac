"""Findings the core makes itself: references in the request that cannot be followed."""

from __future__ import annotations

import hashlib

from checker.matrix.references import References
from checker.plan.model import Plan
from checker.report.model import Finding, Location, Severity


def reference_findings(plan: Plan, references: References) -> list[Finding]:
    findings: list[Finding] = []
    for problem in references.problems:
        line = None
        for path, position in plan.positions.items():
            if ".".join(str(p) for p in path) == problem.field.replace("[", ".").replace("]", ""):
                line = position[0]
                break
        digest = hashlib.sha256(f"{problem.rule}|{problem.value}".encode()).hexdigest()[:16]
        findings.append(
            Finding(
                rule=problem.rule,
                severity=Severity.ERROR,
                message=f"{problem.value}: {problem.message}",
                location=Location(source=plan.source, field=problem.field, line=line),
                fingerprint=digest,
            )
        )
    return findings
