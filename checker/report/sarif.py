"""SARIF 2.1.0 for code scanning (GitHub, GitLab, IDE viewers).

One result per active or suppressed finding and per requirement that is not known to be
allowed, each located in the policy file or plan it comes from. ``partialFingerprints``
hash what a result is about, never its line, so alerts survive unrelated edits.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from checker.records import asdict
from checker.report.json_report import sides_to_dict
from checker.results.model import Finding, Fix, Level, Location, Report, RequirementResult, Severity
from checker.results.outcome import (
    fix_document,
    location_path,
    requirement_fingerprint,
    requirement_location,
    requirement_severity,
    row_fixes,
    row_label,
    source_fix_label,
    source_fixes_by_id,
)
from checker.results.rule_help import RuleHelp, rule_help

SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
FINGERPRINT_KEY = "xreg/v1"
# Every artifact URI is relative to the folder xreg ran in (a checkout's root in CI), which
# code-scanning tools know as %SRCROOT%.
SRCROOT = "%SRCROOT%"
SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
RULE_TAGS = ["iam", "cross-account", "sagemaker"]


def _artifact_uri(path: str) -> str:
    # SARIF wants a URI reference: forward slashes, and spaces or '#' percent-encoded.
    return quote(path.replace("\\", "/"), safe="/:@!$&'()*+,;=-._~")


def _location(location: Location, plan: str) -> dict[str, Any]:
    # Code-scanning tools need a line to show a result; the file's start stands in for an
    # unknown one rather than dropping the result.
    region: dict[str, Any] = {"startLine": location.line or 1}
    if location.line and location.column:
        region["startColumn"] = location.column
    sarif_location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {
                "uri": _artifact_uri(location_path(location, plan)),
                "uriBaseId": SRCROOT,
            },
            "region": region,
        }
    }
    logical = location.statement or location.field
    if logical:
        sarif_location["logicalLocations"] = [
            {
                "name": logical,
                "fullyQualifiedName": f"{location.source}#{logical}",
                "kind": "statement" if location.statement else "field",
            }
        ]
    return sarif_location


def _fix_text(fix: Fix) -> str:
    name = f"Fix {fix.id}" if fix.id else "Fix"
    lines = [f"{name} ({fix.target}, in account {fix.account}): {fix.command}"]
    if fix.description:
        lines.insert(0, fix.description)
    return "\n".join(lines)


InSources = Mapping[str, Sequence[Mapping[str, Any]]]


def _fix_markdown(fix: Fix, in_sources: InSources) -> str:
    name = f"Fix {fix.id}" if fix.id else "Fix"
    parts = [f"**{name}** — {fix.target}, in account `{fix.account}`:"]
    if fix.description:
        parts.append(fix.description)
    parts.append(f"```sh\n{fix.command}\n```")
    shown = fix_document(fix)
    if shown is not None:
        label, document = shown
        parts.append(f"{label}:\n```json\n{json.dumps(document, indent=2)}\n```")
    for entry in in_sources.get(fix.id, ()):
        language = {"yaml": "yaml", "json": "json"}.get(str(entry["form"]), "hcl")
        value = str(entry["value"]).rstrip("\n")
        parts.append(f"{source_fix_label(entry)}:\n```{language}\n{value}\n```")
    return "\n\n".join(parts)


def _fix_properties(fix: Fix, in_sources: InSources) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "account": fix.account,
        "target": fix.target,
        "command": fix.command,
        "kind": fix.kind,
    }
    if fix.statement is not None:
        properties["statement"] = fix.statement
    if fix.policy is not None:
        properties["policy"] = fix.policy
    if fix.grant is not None:
        properties["grant"] = fix.grant
    if fix.policy_file:
        properties["policyFile"] = fix.policy_file
    if fix.id:
        properties["id"] = fix.id
    if in_sources.get(fix.id):
        properties["inSource"] = [dict(entry) for entry in in_sources[fix.id]]
    return properties


def _message(text: str, fixes: Sequence[Fix], in_sources: InSources) -> dict[str, str]:
    if not fixes:
        return {"text": text}
    return {
        "text": "\n".join([text, *(_fix_text(fix) for fix in fixes)]),
        "markdown": "\n\n".join([text, *(_fix_markdown(fix, in_sources) for fix in fixes)]),
    }


def _requirement_text(requirement: RequirementResult) -> str:
    return (
        f"{requirement.principal} → {requirement.action} on {requirement.resource}: "
        f"{row_label(requirement)} — {requirement.because}"
    )


def _requirement_result(report: Report, requirement: RequirementResult) -> dict[str, Any] | None:
    severity = requirement_severity(requirement)
    if severity is None:
        return None
    properties: dict[str, Any] = {
        "phase": requirement.phase,
        "level": requirement.level.value,
        "principal": requirement.principal,
        "action": requirement.action,
        "resource": requirement.resource,
        "resourceOwner": requirement.resource_owner,
        "decision": requirement.decision.value,
        "sides": sides_to_dict(requirement.sides),
        "evidence": [item.as_dict() for item in requirement.evidence],
    }
    if requirement.unknown_keys:
        properties["unknownKeys"] = list(requirement.unknown_keys)
    fixes = row_fixes(requirement)
    in_sources = source_fixes_by_id(report)
    if fixes:
        properties["fix"] = _fix_properties(fixes[0], in_sources)
        properties["fixes"] = [_fix_properties(fix, in_sources) for fix in fixes]
    return {
        "ruleId": requirement.id,
        "level": SARIF_LEVEL[severity],
        "kind": "fail",
        "message": _message(_requirement_text(requirement), fixes, in_sources),
        "locations": [_location(requirement_location(report, requirement), report.plan)],
        "partialFingerprints": {FINGERPRINT_KEY: requirement_fingerprint(requirement)},
        "properties": properties,
    }


def _finding_result(finding: Finding, plan: str, in_sources: InSources) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": SARIF_LEVEL[finding.severity],
        "kind": "fail",
        "message": _message(finding.message, [finding.fix] if finding.fix else [], in_sources),
        "locations": [_location(finding.location, plan)],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
    }
    if finding.suppressed:
        result["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": finding.suppressed}
        ]
    if finding.fix is not None:
        result["properties"] = {"fix": _fix_properties(finding.fix, in_sources)}
    return result


def _rule_level(help_: RuleHelp, fallback: Severity) -> str:
    by_name = {
        Level.REQUIRED.value: "error",
        Level.DOCUMENTED.value: "warning",
        Severity.ERROR.value: "error",
        Severity.WARNING.value: "warning",
        Severity.INFO.value: "note",
    }
    return by_name.get(help_.level or "", SARIF_LEVEL[fallback])


def _rule_descriptor(help_: RuleHelp, fallback: Severity) -> dict[str, Any]:
    title = help_.title or help_.id
    text_parts = [part for part in (help_.rationale, help_.fix and f"Fix: {help_.fix}") if part]
    markdown_parts = [f"**{title}**"]
    if help_.rationale:
        markdown_parts.append(help_.rationale)
    if help_.fix:
        markdown_parts.append(f"**Fix:** {help_.fix}")
    markdown_parts.append(
        "Where xreg can compute one, a result carries the exact statement to add and the "
        "command that applies it."
    )
    if help_.help_uri:
        markdown_parts.append(f"[AWS documentation]({help_.help_uri})")
    descriptor: dict[str, Any] = {
        "id": help_.id,
        "name": "".join(word.capitalize() for word in help_.id.replace("_", "-").split("-")),
        "shortDescription": {"text": title},
        "fullDescription": {"text": help_.rationale or title},
        "help": {"text": "\n\n".join(text_parts) or title, "markdown": "\n\n".join(markdown_parts)},
        "defaultConfiguration": {"level": _rule_level(help_, fallback)},
        "properties": {"tags": RULE_TAGS, "precision": "very-high"},
    }
    if help_.help_uri:
        descriptor["helpUri"] = help_.help_uri
    return descriptor


def _rules(report: Report) -> list[dict[str, Any]]:
    """One descriptor per rule id that has a result, sorted so output is stable."""
    seen: dict[str, dict[str, Any]] = {}
    for requirement in report.requirements:
        severity = requirement_severity(requirement)
        if severity is not None and requirement.id not in seen:
            seen[requirement.id] = _rule_descriptor(
                rule_help(report.rule_help, requirement.id, requirement.title), severity
            )
    for finding in report.findings:
        if finding.rule not in seen:
            seen[finding.rule] = _rule_descriptor(
                rule_help(report.rule_help, finding.rule, finding.title or ""), finding.severity
            )
    return [seen[rule_id] for rule_id in sorted(seen)]


def sarif_log(report: Report) -> dict[str, Any]:
    rules = _rules(report)
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    results = [
        result
        for result in (_requirement_result(report, req) for req in report.requirements)
        if result is not None
    ]
    in_sources = source_fixes_by_id(report)
    results.extend(_finding_result(finding, report.plan, in_sources) for finding in report.findings)
    for result in results:
        result["ruleIndex"] = index[result["ruleId"]]
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "xreg",
                        "version": report.tool_version,
                        "semanticVersion": report.tool_version,
                        "rules": rules,
                    }
                },
                "automationDetails": {"id": f"xreg/{report.command}/"},
                "columnKind": "unicodeCodePoints",
                "originalUriBaseIds": {
                    SRCROOT: {
                        "description": {
                            "text": "the folder xreg ran in"
                            + (f"; the plan is {_artifact_uri(report.plan)}" if report.plan else "")
                        }
                    }
                },
                "results": results,
                "properties": {
                    "plan": report.plan,
                    "verdict": report.verdict,
                    "summary": asdict(report.summary),
                },
            }
        ],
    }


def render_sarif(report: Report) -> str:
    return json.dumps(sarif_log(report), indent=2, ensure_ascii=False) + "\n"
