"""Join the reports of several audit shards into one (``xreg merge``), and the parts of one
organization-wide audit into its report: the same function, so that merging the shards of
an audit gives, byte for byte, the report of the audit run unsharded.

Shards are disjoint by construction (each group hashes to exactly one), so counts add up;
a group that appears in two inputs means the shards overlapped and is refused. Every choice
is made by a total order on the data (never by the order the inputs come in): a row needed
by several versions keeps the row of the first version in (account, region, group, version)
order, and lists every version in that order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from checker import __version__
from checker.errors import InputError
from checker.refs import arn_or_none

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
# The plan line names this many account regions at most; beyond, their number.
NAMED_IN_PLAN = 3


def _check(source: str, report: Any) -> Mapping[str, Any]:
    if not isinstance(report, Mapping):
        raise InputError(source, "$", "not a JSON report object")
    if report.get("version") != 1:
        raise InputError(source, "version", "not an xreg report of format version 1")
    if not isinstance(report.get("groups"), list):
        raise InputError(source, "groups", "not an audit report (it has no groups)")
    return report


def version_order(arn: str) -> tuple[str, str, str, int, str]:
    """(account, region, group, number) of a model package version ARN
    (``arn:P:sagemaker:REGION:ACCOUNT:model-package/GROUP/N``): the order the audit reads
    versions in."""
    parsed = arn_or_none(arn)
    if parsed is not None and parsed.resource.count("/") >= 2:
        group, _, number = parsed.resource.split("/", 1)[1].rpartition("/")
        if number.isdigit():
            return (parsed.account, parsed.region, group, int(number), arn)
    return (arn, "", "", 0, arn)


def _merge_row(kept: dict[str, Any] | None, row: Mapping[str, Any]) -> dict[str, Any]:
    refs = sorted(row.get("referenced_by", []), key=version_order)
    if kept is None:
        return {**row, "referenced_by": refs}
    before = kept["referenced_by"]
    first = (
        kept if not refs or (before and version_order(before[0]) <= version_order(refs[0])) else row
    )
    union = sorted(set(before) | set(refs), key=version_order)
    return {**first, "referenced_by": union}


def fleet_plan(accounts: Sequence[Mapping[str, Any]]) -> str:
    """The plan line of an audit of several account regions."""
    names = [f"{entry['account_id']} ({entry['region']})" for entry in accounts]
    if len(names) <= NAMED_IN_PLAN:
        return (
            "registry accounts " + ", ".join(names)
            if len(names) != 1
            else "registry account " + names[0]
        )
    return f"{len(names)} registry account regions, {names[0]} to {names[-1]}"


def combine(reports: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    """The joined content of audit reports (decoded JSON): groups, rows, findings, summary,
    what could not be read and the verdict; ``accounts`` when every report names its own."""
    groups: dict[str, Mapping[str, Any]] = {}
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    findings: dict[str, Any] = {}
    summary = dict.fromkeys(SUMMARY_FIELDS, 0)
    unreadable: set[tuple[str, ...]] = set()
    accounts: dict[tuple[str, str], Mapping[str, Any]] = {}
    every_lists_accounts = True
    verdict = "pass"
    for source, raw in reports:
        report = _check(source, raw)
        try:
            for group in report["groups"]:
                if group["arn"] in groups:
                    raise InputError(source, "groups", f"{group['arn']} is in two reports")
                groups[group["arn"]] = group
            for row in report.get("requirements", []):
                key = (row["principal"], row["action"], row["resource"])
                rows[key] = _merge_row(rows.get(key), row)
            for finding in report.get("findings", []):
                findings.setdefault(finding["fingerprint"], finding)
            for name in SUMMARY_FIELDS:
                summary[name] += int(report.get("summary", {}).get(name, 0))
            unreadable |= {tuple(entry) for entry in report.get("unreadable", [])}
            if isinstance(report.get("accounts"), list):
                for entry in report["accounts"]:
                    accounts.setdefault((entry["account_id"], entry["region"]), entry)
            else:
                every_lists_accounts = False
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            # A hand-edited or truncated report: refused, never half merged.
            raise InputError(source, "$", f"not an audit report xreg wrote ({error!r})") from None
        if report.get("verdict") != "pass":
            verdict = "fail"
    joined: dict[str, Any] = {
        "verdict": verdict,
        "requirements": [rows[key] for key in sorted(rows, key=lambda k: (k[2], k[1], k[0]))],
        "findings": [findings[key] for key in sorted(findings)],
        "summary": summary,
        "groups": [groups[arn] for arn in sorted(groups)],
        "unreadable": [list(entry) for entry in sorted(unreadable)],
    }
    if every_lists_accounts and reports:
        joined["accounts"] = [accounts[key] for key in sorted(accounts)]
    return joined


def fleet_report(joined: Mapping[str, Any]) -> dict[str, Any]:
    """The report of an organization-wide audit (or of the merge of its shards)."""
    return {
        "version": 1,
        "tool": {"name": "xreg", "version": __version__},
        "command": "audit",
        "plan": fleet_plan(joined["accounts"]),
        "fixes": [],
        **joined,
    }


def stamp_counts(report: Mapping[str, Any]) -> dict[str, int]:
    groups = report.get("groups", [])
    return {
        "accounts": len(report.get("accounts", [])) if "accounts" in report else 1,
        "groups": len(groups),
        "versions": sum(len(group.get("versions", [])) for group in groups),
    }


def check_shards(reports: Sequence[tuple[str, Mapping[str, Any]]]) -> None:
    """Refuse shards that do not make one whole audit: from different inputs, one given
    twice, one missing, or a report whose content is not what its stamp counted."""
    stamped = [
        (source, report, report["shard"])
        for source, report in reports
        if isinstance(report.get("shard"), Mapping)
    ]
    if not stamped:
        return
    for source, _, stamp in stamped:
        _check_stamp(source, stamp)
    first_source, _, first = stamped[0]
    for source, report, stamp in stamped:
        if stamp.get("input_digest") != first.get("input_digest"):
            raise InputError(
                source,
                "shard.input_digest",
                f"from different inputs than {first_source} (accounts, options or xreg version)",
            )
        counts = stamp.get("counts")
        if isinstance(counts, Mapping) and dict(counts) != stamp_counts(report):
            raise InputError(
                source, "shard.counts", "the report does not hold what its shard counted"
            )
        if ("items" in stamp) != ("items" in first):
            raise InputError(
                source, "shard", f"mixes --items batches and --shard I/N ({first_source})"
            )
    if "items" in first:
        _check_items(stamped)
    else:
        _check_indices(stamped)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _check_stamp(source: str, stamp: Mapping[str, Any]) -> None:
    """A stamp whose fields are not what ``xreg audit`` writes is refused, not guessed at."""
    if "items" in stamp:
        items = stamp["items"]
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise InputError(source, "shard.items", "must be a list of ACCOUNT/REGION items")
        if not _whole(stamp.get("of")):
            raise InputError(source, "shard.of", "must be the number of items (1 or more)")
    else:
        index, count = stamp.get("index", 0), stamp.get("count", 0)
        if not (_whole(index) and _whole(count) and index <= count):
            raise InputError(source, "shard", "index and count must be I/N with 1 <= I <= N")
    digest = stamp.get("input_digest")
    if digest is not None and not isinstance(digest, str):
        raise InputError(source, "shard.input_digest", "must be a string")


def _check_indices(stamped: Sequence[tuple[str, Mapping[str, Any], Mapping[str, Any]]]) -> None:
    first_source, _, first = stamped[0]
    count = int(first["count"])
    seen: dict[int, str] = {}
    for source, _, stamp in stamped:
        if int(stamp["count"]) != count:
            raise InputError(
                source, "shard.count", f"{stamp['count']} shards, not {count} as {first_source}"
            )
        index = int(stamp["index"])
        if index in seen:
            raise InputError(
                source, "shard", f"shard {index}/{count} is given twice ({seen[index]})"
            )
        seen[index] = source
    missing = [f"{index}/{count}" for index in range(1, count + 1) if index not in seen]
    if missing:
        raise InputError(
            first_source, "shard", f"shard {', '.join(missing)} missing: give every shard's report"
        )


def _check_items(stamped: Sequence[tuple[str, Mapping[str, Any], Mapping[str, Any]]]) -> None:
    first_source, _, first = stamped[0]
    total = int(first["of"])
    seen: dict[str, str] = {}
    for source, _, stamp in stamped:
        if int(stamp["of"]) != total:
            raise InputError(
                source, "shard.of", f"{stamp['of']} items, not {total} as {first_source}"
            )
        for item in stamp["items"]:
            if item in seen:
                raise InputError(
                    source, "shard.items", f"item {item} is given twice ({seen[item]})"
                )
            seen[item] = source
    if len(seen) != total:
        raise InputError(
            first_source,
            "shard.items",
            f"{total - len(seen)} of {total} items missing: give every batch's report",
        )


def merge_reports(reports: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    """``reports``: (source name, decoded JSON) pairs."""
    if not reports:
        raise InputError("xreg merge", "$", "give at least one report")
    checked = [(source, _check(source, report)) for source, report in reports]
    check_shards(checked)
    joined = combine(checked)
    if "accounts" in joined:
        return fleet_report(joined)
    # Reports of single registry accounts (``--registry-profile``), as merged before.
    places = {(report.get("account"), report.get("region")) for _, report in checked}
    merged: dict[str, Any] = {
        "version": 1,
        "tool": {"name": "xreg", "version": __version__},
        "command": "audit",
        "plan": "",
        "fixes": [],
        **joined,
        "merged_from": [source for source, _ in reports],
    }
    if len(places) == 1 and None not in next(iter(places)):
        account, region = next(iter(places))
        merged.update(plan=f"registry account {account} ({region})", account=account, region=region)
    else:
        accounts = sorted(
            {str(report["account"]) for _, report in checked if report.get("account")}
        )
        merged["plan"] = ", ".join(f"registry account {account}" for account in accounts)
    return merged
