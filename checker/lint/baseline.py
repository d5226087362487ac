"""Baselines: findings accepted for a while, by fingerprint, each with a reason and an expiry.

A suppressed finding stays in the report with ``suppressed`` set to the reason (it no longer
fails the verdict). Once its expiry date has passed the suppression stops: the finding counts
again and its message says the suppression expired. ``xreg baseline`` writes a baseline from
the current findings.

The file (YAML; JSON is read too)::

    version: 1
    suppressions:
      - fingerprint: 5c1f0e8a9b2d4c6e7f10
        rule: ACTION-RESOURCE-MISMATCH          # for people; matching uses the fingerprint
        location: policies/bucket.json AddPerm  # for people
        reason: the bucket policy change ships with release 42
        expires: 2026-12-31                     # last day the suppression holds
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from checker.errors import InputError
from checker.records import record, replace
from checker.results.model import Finding, RequirementResult
from checker.results.outcome import requirement_fingerprint

BASELINE_VERSION = 1
_FINGERPRINT = re.compile(r"^[0-9a-f]{8,64}$")
DEFAULT_DAYS = 90


@record
class Suppression:
    fingerprint: str
    reason: str
    expires: dt.date
    rule: str | None = None
    location: str | None = None

    def expired(self, today: dt.date) -> bool:
        return today > self.expires


@record
class Baseline:
    suppressions: Mapping[str, Suppression]
    source: str = ""


def _date(value: object, source: str, path: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        for parse in (dt.date.fromisoformat, lambda text: dt.datetime.fromisoformat(text).date()):
            try:
                return parse(value)
            except ValueError:
                continue
    raise InputError(source, path, f"must be a date as YYYY-MM-DD, not {value!r}")


def parse_baseline(data: object, source: str) -> Baseline:
    if not isinstance(data, Mapping):
        raise InputError(source, "$", "a baseline is a mapping with version and suppressions")
    for key in data:
        if key not in ("version", "suppressions"):
            raise InputError(source, str(key), "unknown key (known: version, suppressions)")
    if data.get("version") != BASELINE_VERSION:
        raise InputError(source, "version", f"must be {BASELINE_VERSION}")
    entries = data.get("suppressions", [])
    if not isinstance(entries, list):
        raise InputError(source, "suppressions", "must be a list")
    suppressions: dict[str, Suppression] = {}
    for index, entry in enumerate(entries):
        path = f"suppressions[{index}]"
        if not isinstance(entry, Mapping):
            raise InputError(source, path, "must be a mapping with fingerprint, reason, expires")
        for key in entry:
            known = (
                "fingerprint",
                "reason",
                "expires",
                "rule",
                "requirement",
                "location",
                "message",
            )
            if key not in known:
                raise InputError(source, f"{path}.{key}", "unknown key")
        fingerprint = entry.get("fingerprint")
        if not isinstance(fingerprint, str) or not _FINGERPRINT.match(fingerprint):
            raise InputError(source, f"{path}.fingerprint", "must be a finding's fingerprint (hex)")
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise InputError(source, f"{path}.reason", "every suppression needs a reason")
        if "expires" not in entry:
            raise InputError(source, f"{path}.expires", "every suppression needs an expiry date")
        rule = entry.get("rule", entry.get("requirement"))
        location = entry.get("location")
        suppressions[fingerprint] = Suppression(
            fingerprint=fingerprint,
            reason=reason.strip(),
            expires=_date(entry["expires"], source, f"{path}.expires"),
            rule=rule if isinstance(rule, str) else None,
            location=location if isinstance(location, str) else None,
        )
    return Baseline(suppressions, source)


def load_baseline(path: Path) -> Baseline:
    # The plan's reader: dates stay text (2024-13-45 is then refused at its field), and
    # every other problem is one line naming the file and field.
    from checker.plan.documents import format_of, parse_text, read_text

    source = str(path)
    text = read_text(path, source=source)
    data, _ = parse_text(text, source=source, format=format_of(path))
    return parse_baseline(data, source)


def apply_baseline(
    findings: Iterable[Finding], baseline: Baseline, today: dt.date | None = None
) -> list[Finding]:
    """The findings with the baseline applied: suppressed, or marked as no longer suppressed."""
    today = today or dt.date.today()
    result: list[Finding] = []
    for finding in findings:
        entry = baseline.suppressions.get(finding.fingerprint)
        if entry is None or finding.suppressed:
            result.append(finding)
        elif not entry.expired(today):
            result.append(replace(finding, suppressed=entry.reason))
        else:
            note = f" [suppression expired on {entry.expires.isoformat()}: {entry.reason}]"
            message = finding.message if finding.message.endswith(note) else finding.message + note
            result.append(replace(finding, message=message))
    return result


def accept_requirements(
    rows: Iterable[RequirementResult], baseline: Baseline, today: dt.date | None = None
) -> list[RequirementResult]:
    """The rows with the baseline applied: a denied access it lists is accepted (it no
    longer fails the verdict) until the entry expires. An unknown access is never accepted:
    the plan lacks the facts to say it is denied."""
    today = today or dt.date.today()
    result: list[RequirementResult] = []
    for row in rows:
        entry = baseline.suppressions.get(requirement_fingerprint(row))
        if entry is None or not row.decision.is_denied:
            result.append(row)
        elif not entry.expired(today):
            result.append(replace(row, accepted=entry.reason))
        else:
            note = f" [acceptance expired on {entry.expires.isoformat()}: {entry.reason}]"
            result.append(replace(row, because=row.because + note))
    return result


def stale_suppressions(findings: Iterable[Finding], baseline: Baseline) -> list[Suppression]:
    """Suppressions that match no current finding (fixed, or the statement changed)."""
    current = {finding.fingerprint for finding in findings}
    return [entry for key, entry in baseline.suppressions.items() if key not in current]


def _location_text(finding: Finding) -> str:
    location = finding.location
    parts = [location.source]
    if location.statement:
        parts.append(location.statement)
    elif location.field:
        parts.append(location.field)
    return " ".join(parts)


def baseline_document(
    findings: Sequence[Finding],
    *,
    reason: str,
    expires: dt.date,
    denied: Sequence[RequirementResult] = (),
) -> dict[str, Any]:
    entries: dict[str, dict[str, Any]] = {}
    for row in denied:
        fingerprint = requirement_fingerprint(row)
        entries.setdefault(
            fingerprint,
            {
                "fingerprint": fingerprint,
                "requirement": row.id,
                "location": f"{row.principal} {row.action} {row.resource}",
                "reason": reason,
                "expires": expires.isoformat(),
            },
        )
    for finding in findings:
        entries.setdefault(
            finding.fingerprint,
            {
                "fingerprint": finding.fingerprint,
                "rule": finding.rule,
                "location": _location_text(finding),
                "reason": reason,
                "expires": expires.isoformat(),
            },
        )
    ordered = sorted(
        entries.values(),
        key=lambda e: (e.get("rule", e.get("requirement", "")), e["location"], e["fingerprint"]),
    )
    return {"version": BASELINE_VERSION, "suppressions": ordered}


def write_baseline(
    findings: Sequence[Finding],
    path: Path,
    *,
    reason: str,
    expires: dt.date,
    denied: Sequence[RequirementResult] = (),
) -> int:
    """Write a baseline suppressing every finding and accepting every denied access in
    ``denied``; returns how many entries it has."""
    import yaml

    document = baseline_document(findings, reason=reason, expires=expires, denied=denied)
    header = (
        "# xreg baseline: findings and denied accesses accepted until their expiry date\n"
        "# (xreg baseline wrote it). Matching is by fingerprint; rule, requirement and\n"
        "# location are there for people.\n"
    )
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(header + text, encoding="utf-8")
    return len(document["suppressions"])
