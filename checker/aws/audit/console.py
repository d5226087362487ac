"""The audit on a terminal: one line per group, then what would break a deployment, then
what could not be read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import IO, Any

from rich.console import Console
from rich.table import Table

MARKS = {"yes": "[green]yes[/]", "no": "[red]no[/]", "unknown": "[yellow]unknown[/]"}
MAX_BLOCKING = 10
MAX_CHANGES = 20


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _registrars(group: Mapping[str, Any]) -> str:
    if group.get("policy_unreadable"):
        return "[yellow]unknown[/]"  # the reason is listed under "Could not read"
    names = [
        entry["principal"] for entry in group["may_register"] if entry["decision"] == "allowed"
    ]
    if names:
        return ", ".join(names)
    return "[dim]no policy[/]" if not group["policy"] else "[dim]nobody[/]"


def _versions_cell(group: Mapping[str, Any]) -> str:
    listing_failed = any(entry[1] == "versions" for entry in group.get("unreadable", []))
    return "[yellow]unknown[/]" if listing_failed else str(len(group["versions"]))


def _undeployable(group: Mapping[str, Any]) -> list[tuple[str, list[str], list[str]]]:
    """(deployable, its reasons, the versions) for each distinct set of reasons: a reason
    that blocks many versions is printed once, naming them all."""
    joined: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for version in group["versions"]:
        if version["status"] == "Rejected" or version["deployable"] == "yes":
            continue
        reasons = version["blocking"] or version.get("notes", [])
        key = (version["deployable"], tuple(reasons))
        joined.setdefault(key, []).append(str(version["arn"]))
    return [(state, list(reasons), names) for (state, reasons), names in joined.items()]


def _print_changes(console: Console, changes: Mapping[str, Sequence[Any]]) -> None:
    console.print("[bold]Since the earlier audit:[/]")
    for kind, items in changes.items():
        if not items:
            continue
        console.print(f"  {kind.replace('_', ' ')}: {len(items)}")
        for item in items[:MAX_CHANGES]:
            console.print(f"    {_change_text(item)}", markup=False)


def _change_text(item: Any) -> str:
    if not isinstance(item, Mapping):
        return str(item)
    if "group" in item:
        return f"{item['principal']} on {item['group']}"
    if "was" in item:
        return f"{item['arn']}: deployable {item['was']} → {item['now']}"
    return f"{item['arn']}: deployable {item.get('deployable')}"


def _place(group: Mapping[str, Any]) -> str:
    """``ACCOUNT/REGION`` of a group, from its ARN."""
    parts = str(group["arn"]).split(":")
    return f"{parts[4]}/{parts[3]}" if len(parts) > 5 else ""


def print_audit(report: Mapping[str, Any], file: IO[str]) -> None:
    console = Console(file=file, highlight=False, soft_wrap=False)
    table = Table(title=f"xreg audit: {report['plan']}", title_justify="left")
    for column in ("group", "versions", "deployable", "not deployable", "unknown", "may register"):
        table.add_column(column)
    # Groups of several accounts or regions are told apart by where they are.
    places = {_place(group) for group in report["groups"]}
    for group in report["groups"]:
        name = group["name"] if len(places) <= 1 else f"{_place(group)}/{group['name']}"
        counts = {"yes": 0, "no": 0, "unknown": 0}
        for version in group["versions"]:
            if version["status"] != "Rejected":
                counts[version["deployable"]] += 1
        table.add_row(
            name,
            _versions_cell(group),
            str(counts["yes"]),
            f"[red]{counts['no']}[/]" if counts["no"] else "0",
            f"[yellow]{counts['unknown']}[/]" if counts["unknown"] else "0",
            _registrars(group),
        )
    console.print(table)
    for group in report["groups"]:
        for state, reasons, names in _undeployable(group):
            console.print(f"{MARKS[state]} {', '.join(names)}")
            for reason in reasons[:MAX_BLOCKING]:
                console.print(f"    {reason}", markup=False)
    changes = report.get("changes")
    if changes:
        _print_changes(console, changes)
    unreadable = report.get("unreadable", [])
    if unreadable:
        console.print(f"[bold yellow]Could not read ({len(unreadable)}), so unknown:[/]")
        for resource, what, reason in unreadable:
            console.print(f"  {resource} ({what}): {reason}", markup=False)
    summary = report["summary"]
    console.print(
        f"verdict: {report['verdict']} ({summary['requirements']} accesses: "
        f"{summary['allowed']} allowed, {summary['denied']} denied, {summary['unknown']} unknown"
        + (f"; {_count(len(unreadable), 'read')} failed" if unreadable else "")
        + ")"
    )
