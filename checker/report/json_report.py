"""The JSON report (docs/report-format.md): a plain dict, rendered deterministically."""

from __future__ import annotations

import json
from typing import Any

from checker.records import asdict
from checker.results.model import Finding, Fix, Location, Report, RequirementResult, Sides

REPORT_FORMAT_VERSION = 1


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None}


def location_to_dict(location: Location) -> dict[str, Any]:
    return _drop_none(asdict(location))


def fix_to_dict(fix: Fix) -> dict[str, Any]:
    return _drop_none(asdict(fix))


def sides_to_dict(sides: Sides) -> dict[str, str]:
    return {
        "resource_policy": sides.resource_policy.value,
        "identity_policy": sides.identity_policy.value,
        "organization": sides.organization.value,
    }


def requirement_to_dict(row: RequirementResult) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": row.id,
        "phase": row.phase,
        "level": row.level.value,
        "principal": row.principal,
        "action": row.action,
        "resource": row.resource,
        "resource_owner": row.resource_owner,
        "decision": row.decision.value,
        "sides": sides_to_dict(row.sides),
        "because": row.because,
        "evidence": [evidence.as_dict() for evidence in row.evidence],
        "title": row.title,
        "referenced_by": list(row.referenced_by),
    }
    if row.unknown_keys:
        data["unknown_keys"] = list(row.unknown_keys)
    if row.fix is not None:
        data["fix"] = row.fix.id
    if row.fixes:
        data["fixes"] = [fix.id for fix in row.fixes]
    if row.location is not None:
        data["location"] = location_to_dict(row.location)
    if row.accepted:
        data["accepted"] = row.accepted
    return data


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    data: dict[str, Any] = {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "message": finding.message,
        "location": location_to_dict(finding.location),
    }
    if finding.title:
        data["title"] = finding.title
    if finding.fix is not None:
        data["fix"] = fix_to_dict(finding.fix)
    data["fingerprint"] = finding.fingerprint
    if finding.suppressed:
        data["suppressed"] = finding.suppressed
    return data


def report_to_dict(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": REPORT_FORMAT_VERSION,
        "tool": {"name": "xreg", "version": report.tool_version},
        "command": report.command,
        "plan": report.plan,
        "verdict": report.verdict,
        "requirements": [requirement_to_dict(row) for row in report.requirements],
        "findings": [finding_to_dict(finding) for finding in report.findings],
        "fixes": [fix_to_dict(fix) for fix in report.extra.get("fixes", [])],
        "summary": asdict(report.summary),
    }
    for key, value in sorted(report.extra.items()):
        if key not in ("fixes", "fail_on"):
            data[key] = value
    return data


def render_json(report: Report) -> str:
    return json.dumps(report_to_dict(report), indent=2, ensure_ascii=False) + "\n"
