"""JUnit XML for CI test dashboards (GitLab, Jenkins, Azure DevOps, GitHub test reporters).

Two suites: one test case per requirement row, one per rule. A case fails exactly when what
it stands for fails the verdict under the report's ``--fail-on``; a problem that does not
(a warning when only errors fail, an unverified access, a suppressed finding) is *skipped*
with its reason, so dashboards show it amber rather than green.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence

from checker.records import record
from checker.results.model import Finding, Fix, Location, Report, RequirementResult
from checker.results.outcome import (
    active_findings,
    finding_fails,
    fix_document,
    location_path,
    report_fail_on,
    requirement_fails,
    requirement_severity,
    row_fixes,
    row_label,
)

# XML 1.0 cannot carry most control characters, not even escaped; a policy file might.
_NOT_XML_CHAR = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_safe(text: str) -> str:
    return _NOT_XML_CHAR.sub("\ufffd", text)


@record
class _Case:
    classname: str
    name: str
    outcome: str  # passed | failure | skipped
    message: str = ""
    kind: str = ""
    details: str = ""


def _fix_details(fix: Fix) -> list[str]:
    name = f"Fix {fix.id}" if fix.id else "Fix"
    lines = [f"{name} ({fix.target}), run in account {fix.account}:", f"  {fix.command}"]
    if fix.description:
        lines.insert(0, fix.description)
    shown = fix_document(fix)
    if shown is not None:
        label, document = shown
        lines.append(f"{label}:")
        lines.append(json.dumps(document, indent=2))
    return lines


def _requirement_case(req: RequirementResult, fail_on: str, plan: str) -> _Case:
    name = f"{req.id}: {req.principal} {req.action} {req.resource}"
    classname = f"xreg.requirements.{req.phase}"
    severity = requirement_severity(req)
    if severity is None:
        return _Case(classname, name, "passed")
    message = f"{row_label(req)} ({req.level.value}): {req.because}"
    details = [
        message,
        f"resource policy: {req.sides.resource_policy.value}; "
        f"identity policy: {req.sides.identity_policy.value}; "
        f"organization: {req.sides.organization.value}",
    ]
    details.extend(f"evidence: {item.source} {item.statement}" for item in req.evidence)
    if req.location is not None:
        details.append(f"at: {_where(req.location, plan)}")
    for fix in row_fixes(req):
        details.extend(_fix_details(fix))
    outcome = "failure" if requirement_fails(req, fail_on) else "skipped"
    return _Case(classname, name, outcome, message, req.decision.value, "\n".join(details))


def _where(location: Location, plan: str) -> str:
    path = location_path(location, plan)
    text = f"{path}:{location.line}" if location.line else path
    return f"{text} (statement {location.statement})" if location.statement else text


def _finding_lines(finding: Finding, plan: str) -> list[str]:
    lines = [
        f"{finding.severity.value}: {finding.message}",
        f"  at: {_where(finding.location, plan)}",
    ]
    if finding.fix is not None:
        lines.extend(f"  {line}" for line in "\n".join(_fix_details(finding.fix)).splitlines())
    return lines


def _rule_case(rule: str, findings: Sequence[Finding], fail_on: str, plan: str) -> _Case:
    active = [finding for finding in findings if not finding.suppressed]
    name = rule
    if not active:
        reasons = sorted({finding.suppressed or "" for finding in findings} - {""})
        if findings:
            return _Case("xreg.rules", name, "skipped", "suppressed: " + "; ".join(reasons))
        return _Case("xreg.rules", name, "passed")
    worst = max(active, key=lambda finding: finding.severity.rank)
    count = f"{len(active)} finding{'s' if len(active) != 1 else ''}"
    message = f"{count}: {worst.message}"
    details = "\n".join(line for finding in active for line in _finding_lines(finding, plan))
    outcome = "failure" if any(finding_fails(item, fail_on) for item in active) else "skipped"
    return _Case("xreg.rules", name, outcome, message, worst.severity.value, details)


def _rule_ids(report: Report) -> list[str]:
    """Rules with a finding, plus those the report says ran clean (``extra["rules_checked"]``).

    Without that list a rule with no finding is not shown: listing every known rule as passed
    would claim checks that may not have run.
    """
    checked = report.extra.get("rules_checked", ())
    ids = {finding.rule for finding in report.findings}
    ids.update(rule for rule in checked if isinstance(rule, str))
    return sorted(ids)


def _suite(name: str, cases: Iterable[_Case]) -> ET.Element:
    case_list = list(cases)
    suite = ET.Element(
        "testsuite",
        {
            "name": name,
            "tests": str(len(case_list)),
            "failures": str(sum(case.outcome == "failure" for case in case_list)),
            "errors": "0",
            "skipped": str(sum(case.outcome == "skipped" for case in case_list)),
            "time": "0",
        },
    )
    for case in case_list:
        attributes = {"classname": _xml_safe(case.classname), "name": _xml_safe(case.name)}
        element = ET.SubElement(suite, "testcase", {**attributes, "time": "0"})
        message = _xml_safe(case.message)
        if case.outcome == "failure":
            failure = ET.SubElement(element, "failure", {"message": message, "type": case.kind})
            failure.text = _xml_safe(case.details)
        elif case.outcome == "skipped":
            ET.SubElement(element, "skipped", {"message": message})
            if case.details:
                ET.SubElement(element, "system-out").text = _xml_safe(case.details)
    return suite


def junit_tree(report: Report) -> ET.Element:
    fail_on = report_fail_on(report)
    by_rule: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    suites = [
        _suite(
            "xreg.requirements",
            (_requirement_case(req, fail_on, report.plan) for req in report.requirements),
        ),
        _suite(
            "xreg.rules",
            (
                _rule_case(rule, by_rule.get(rule, []), fail_on, report.plan)
                for rule in _rule_ids(report)
            ),
        ),
    ]
    root = ET.Element("testsuites", {"name": _xml_safe(f"xreg {report.command} {report.plan}")})
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(suite.get(key, "0")) for suite in suites)))
    root.set("time", "0")
    properties = ET.SubElement(suites[0], "properties")
    for key, value in (
        ("plan", report.plan),
        ("verdict", report.verdict),
        ("tool", f"xreg {report.tool_version}"),
        ("findings", str(len(active_findings(report)))),
    ):
        ET.SubElement(properties, "property", {"name": key, "value": _xml_safe(value)})
    # JUnit readers expect <properties> first in a suite.
    suites[0].remove(properties)
    suites[0].insert(0, properties)
    root.extend(suites)
    return root


def render_junit(report: Report) -> str:
    root = junit_tree(report)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
