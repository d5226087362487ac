"""Lint: the policies and the registration request, read the way a careful reviewer would.

``lint_plan`` runs every enabled built-in rule (``rules/lint/*.yaml`` + ``checker/lint/*.py``)
and the configuration's organization rules, and returns findings with the configured
severities. Suppression by a baseline is a separate step (``checker.lint.baseline``) so that it
can cover every finding of a report, not only lint's.
"""

from __future__ import annotations

from collections.abc import Mapping

from checker.fingerprint import Fingerprints, fingerprint
from checker.lint.config import LintConfig, load_config
from checker.lint.context import Hit, LintContext
from checker.lint.registry import configured_rules
from checker.lint.units import build_units
from checker.plan.model import Plan
from checker.policy.model import Policy
from checker.results.model import Finding, Severity

__all__ = ["LintConfig", "fingerprint", "lint_plan", "load_config"]


def _finding(
    rule_id: str, title: str, severity: Severity, hit: Hit, fingerprints: Fingerprints
) -> Finding:
    return Finding(
        rule=rule_id,
        severity=severity,
        message=hit.message,
        location=hit.location,
        fingerprint=fingerprints(rule_id, hit.resource, hit.subject, hit.detail),
        fix=hit.fix,
        title=title,
    )


def lint_plan(
    plan: Plan, policies: Mapping[str, Policy], config: LintConfig | None = None
) -> list[Finding]:
    """Every finding of the enabled rules on ``plan``.

    ``policies`` maps a ``LoadedPolicy.source`` to its parsed policy; a policy missing from it
    is parsed here, and one that does not parse is reported as POLICY-INVALID (the other
    policy rules skip it).
    """
    context = LintContext(plan, build_units(plan, policies))
    findings: list[Finding] = []
    seen: set[str] = set()
    fingerprints = Fingerprints()
    for configured in configured_rules(config or LintConfig()):
        if not configured.enabled:
            continue
        for hit in configured.run(context):
            finding = _finding(
                configured.id, configured.title, configured.severity, hit, fingerprints
            )
            if finding.fingerprint not in seen:
                seen.add(finding.fingerprint)
                findings.append(finding)
    return findings
