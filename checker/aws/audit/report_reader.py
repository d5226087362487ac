"""A JSON report read back as the report object every format renders (``xreg merge`` writes
the merged audit in the check's formats).

Only what the renderers read is rebuilt; every other top-level field is carried in
``extra`` as it was, so the JSON written back is the JSON read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker.aws.audit.merge import SUMMARY_FIELDS
from checker.policy.decision import Decision, Evidence
from checker.results.model import (
    Finding,
    Level,
    Location,
    Report,
    RequirementResult,
    Severity,
    Sides,
    Summary,
)

# Rebuilt from the data (an audit has no fixes to carry: it suggests none).
_BUILT = frozenset(
    {
        "version",
        "tool",
        "command",
        "plan",
        "verdict",
        "requirements",
        "findings",
        "fixes",
        "summary",
    }
)
_LOCATION_FIELDS = ("source", "statement", "line", "column", "field", "file")


def _location(data: Mapping[str, Any]) -> Location:
    return Location(**{key: data[key] for key in _LOCATION_FIELDS if key in data})


def _row(data: Mapping[str, Any]) -> RequirementResult:
    sides = data.get("sides", {})
    return RequirementResult(
        id=str(data["id"]),
        phase=str(data["phase"]),
        level=Level(data["level"]),
        principal=str(data["principal"]),
        action=str(data["action"]),
        resource=str(data["resource"]),
        resource_owner=str(data.get("resource_owner", "")),
        decision=Decision(data["decision"]),
        sides=Sides(
            Decision(sides.get("resource_policy", "not_applicable")),
            Decision(sides.get("identity_policy", "not_applicable")),
            Decision(sides.get("organization", "not_applicable")),
        ),
        because=str(data.get("because", "")),
        evidence=tuple(Evidence(e["source"], e["statement"]) for e in data.get("evidence", [])),
        title=str(data.get("title", "")),
        unknown_keys=tuple(data.get("unknown_keys", ())),
        location=_location(data["location"]) if "location" in data else None,
        referenced_by=tuple(data.get("referenced_by", ())),
    )


def _finding(data: Mapping[str, Any]) -> Finding:
    return Finding(
        rule=str(data["rule"]),
        severity=Severity(data["severity"]),
        message=str(data["message"]),
        location=_location(data["location"]),
        fingerprint=str(data["fingerprint"]),
        title=data.get("title"),
        suppressed=data.get("suppressed"),
    )


def report_from_dict(data: Mapping[str, Any]) -> Report:
    summary = data.get("summary", {})
    return Report(
        plan=str(data.get("plan", "")),
        verdict=str(data.get("verdict", "fail")),
        requirements=tuple(_row(row) for row in data.get("requirements", [])),
        findings=tuple(_finding(finding) for finding in data.get("findings", [])),
        summary=Summary(**{name: int(summary.get(name, 0)) for name in SUMMARY_FIELDS}),
        command=str(data.get("command", "audit")),
        tool_version=str(data.get("tool", {}).get("version", "")),
        extra={key: value for key, value in data.items() if key not in _BUILT},
    )
