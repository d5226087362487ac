"""Join the reports of several audit shards into one (``xreg merge``).

Shards are disjoint by construction (each group hashes to exactly one), so counts add up;
a group that appears in two inputs means the shards overlapped and is refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from checker import __version__
from checker.errors import InputError

SUMMARY_FIELDS = (
    "requirements",
    "allowed",
    "denied",
    "unknown",
    "unverified",
    "errors",
    "warnings",
    "infos",
)


def _check(source: str, report: Any) -> Mapping[str, Any]:
    if not isinstance(report, Mapping):
        raise InputError(source, "$", "not a JSON report object")
    if report.get("version") != 1:
        raise InputError(source, "version", "not an xreg report of format version 1")
    if not isinstance(report.get("groups"), list):
        raise InputError(source, "groups", "not an audit report (it has no groups)")
    return report


def merge_reports(reports: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    """``reports``: (source name, decoded JSON) pairs."""
    if not reports:
        raise InputError("xreg merge", "$", "give at least one report")
    groups: dict[str, Mapping[str, Any]] = {}
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    findings: dict[str, Any] = {}
    summary = dict.fromkeys(SUMMARY_FIELDS, 0)
    unreadable: set[tuple[str, ...]] = set()
    accounts: set[str] = set()
    shards: dict[int, set[int]] = {}
    verdict = "pass"
    for source, raw in reports:
        report = _check(source, raw)
        for group in report["groups"]:
            if group["arn"] in groups:
                raise InputError(source, "groups", f"{group['arn']} is in two reports")
            groups[group["arn"]] = group
        for row in report.get("requirements", []):
            key = (row["principal"], row["action"], row["resource"])
            if key in rows:
                referenced = sorted(
                    set(rows[key].get("referenced_by", [])) | set(row.get("referenced_by", []))
                )
                rows[key] = {**rows[key], "referenced_by": referenced}
            else:
                rows[key] = dict(row)
        for finding in report.get("findings", []):
            findings.setdefault(finding["fingerprint"], finding)
        for name in SUMMARY_FIELDS:
            summary[name] += int(report.get("summary", {}).get(name, 0))
        unreadable |= {tuple(entry) for entry in report.get("unreadable", [])}
        if report.get("verdict") != "pass":
            verdict = "fail"
        if report.get("account"):
            accounts.add(str(report["account"]))
        shard = report.get("shard")
        if isinstance(shard, Mapping):
            shards.setdefault(int(shard["count"]), set()).add(int(shard["index"]))
    merged: dict[str, Any] = {
        "version": 1,
        "tool": {"name": "xreg", "version": __version__},
        "command": "audit",
        "plan": ", ".join(f"registry account {account}" for account in sorted(accounts)),
        "verdict": verdict,
        "requirements": [rows[key] for key in sorted(rows, key=lambda k: (k[2], k[1], k[0]))],
        "findings": [findings[key] for key in sorted(findings)],
        "fixes": [],
        "summary": summary,
        "groups": [groups[arn] for arn in sorted(groups)],
        "unreadable": [list(entry) for entry in sorted(unreadable)],
        "merged_from": [source for source, _ in reports],
    }
    missing = {
        count: sorted(set(range(1, count + 1)) - indices) for count, indices in shards.items()
    }
    missing = {count: indices for count, indices in missing.items() if indices}
    if missing:
        merged["shards_missing"] = {str(count): indices for count, indices in missing.items()}
        merged["verdict"] = "fail"  # an incomplete audit must not pass
    return merged
