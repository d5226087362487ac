"""The offline check: plan in, report out. load → model → decide → fix → report, no I/O here."""

from __future__ import annotations

from typing import Any

from checker import __version__
from checker.engine.decide import CheckOptions, Decided, decide_requirements
from checker.engine.locate import Locator
from checker.engine.policies import PolicyIndex
from checker.engine.request_findings import enforce_request_findings
from checker.engine.results import requirement_result
from checker.engine.verdict import summarize, verdict
from checker.fix.plan import plan_fixes
from checker.matrix.validity import invalid_fields
from checker.plan.model import Plan
from checker.results.model import Finding, Fix, Report, RequirementResult, Severity


def check_plan(plan: Plan, options: CheckOptions | None = None) -> Report:
    options = options or CheckOptions()
    index, decided, references = decide_requirements(plan, options)
    findings = _lint(plan, index, options)

    # The corrected plans differ from the plan in the policies lint corrects: each check of
    # one reuses the parses (and the decisions) of what it did not change.
    latest = index

    def redecide(corrected: Plan) -> tuple[PolicyIndex, list[Decided]]:
        corrected_index, corrected_decided, _ = decide_requirements(
            corrected, options, earlier_index=latest, earlier=decided
        )
        return corrected_index, corrected_decided

    def relint(corrected: Plan) -> list[Finding]:
        nonlocal latest
        latest = PolicyIndex(corrected, earlier=latest)
        latest.parse_all()
        return _lint(corrected, latest, options)

    outcome = plan_fixes(
        plan,
        index,
        decided,
        findings,
        redecide=redecide,
        relint=relint if options.lint and options.extra_findings is not None else None,
        fix_documented=options.fix_documented,
    )
    findings = outcome.findings
    locator = Locator(plan, index.loaded)
    rows: list[RequirementResult] = [
        requirement_result(
            locator, index, item.requirement, item.decision, item.notes, outcome.by_row
        )
        for item in decided
    ]
    if options.postprocess_requirements is not None:
        rows = options.postprocess_requirements(rows)
    # After the baseline and the fixes: a request AWS refuses fails whatever they say.
    invalid = invalid_fields(plan, references)
    findings = enforce_request_findings(plan, findings, invalid)
    findings.sort(key=_finding_order)
    return Report(
        plan=plan.source,
        # A request SageMaker refuses fails whatever lint, --fail-on or a baseline says.
        verdict="fail" if invalid else verdict(rows, findings, options.fail_on),
        requirements=tuple(rows),
        findings=tuple(findings),
        summary=summarize(rows, findings),
        tool_version=__version__,
        extra=_extra(outcome.fixes, options, plan),
    )


def _lint(plan: Plan, index: PolicyIndex, options: CheckOptions) -> list[Finding]:
    findings: list[Finding] = []
    if options.lint and options.extra_findings is not None:
        findings.extend(options.extra_findings(plan, index))
    if plan.source_facts is not None:
        from checker.engine.source_effects import source_findings

        findings.extend(source_findings(plan, plan.source_facts))
    if options.postprocess_findings is not None:
        findings = options.postprocess_findings(findings)
    return findings


def _extra(fixes: list[Fix], options: CheckOptions, plan: Plan | None = None) -> dict[str, Any]:
    extra: dict[str, Any] = {"fixes": fixes, "fail_on": options.fail_on}
    if plan is not None and plan.source_facts is not None:
        from checker.sources.fixes import source_fixes

        in_sources = source_fixes(plan.source_facts, fixes)
        if in_sources:
            extra["source_fixes"] = in_sources
    if options.lint and options.rules_checked:
        extra["rules_checked"] = list(options.rules_checked)
    return extra


def _finding_order(finding: Finding) -> tuple[int, str, str, int, str]:
    return (
        -Severity(finding.severity).rank,
        finding.location.source,
        finding.rule,
        finding.location.line or 0,
        finding.fingerprint,
    )
