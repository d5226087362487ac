"""The audit on a terminal: one line per group, then what would break a deployment."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from rich.console import Console
from rich.table import Table

MARKS = {"yes": "[green]yes[/]", "no": "[red]no[/]", "unknown": "[yellow]unknown[/]"}


def print_audit(report: Mapping[str, Any], file: IO[str]) -> None:
    console = Console(file=file, highlight=False, soft_wrap=False)
    table = Table(title=f"xreg audit: {report['plan']}", title_justify="left")
    for column in ("group", "versions", "deployable", "not deployable", "unknown", "may register"):
        table.add_column(column)
    for group in report["groups"]:
        counts = {"yes": 0, "no": 0, "unknown": 0}
        for version in group["versions"]:
            if version["status"] != "Rejected":
                counts[version["deployable"]] += 1
        registrars = ", ".join(
            entry["principal"] for entry in group["may_register"] if entry["decision"] == "allowed"
        )
        table.add_row(
            group["name"],
            str(len(group["versions"])),
            str(counts["yes"]),
            f"[red]{counts['no']}[/]" if counts["no"] else "0",
            f"[yellow]{counts['unknown']}[/]" if counts["unknown"] else "0",
            registrars or ("[dim]no policy[/]" if not group["policy"] else "[dim]nobody[/]"),
        )
    console.print(table)
    for group in report["groups"]:
        for version in group["versions"]:
            if version["status"] == "Rejected" or version["deployable"] == "yes":
                continue
            console.print(f"{MARKS[version['deployable']]} {version['arn']}")
            for line in version["blocking"][:10]:
                console.print(f"    {line}", markup=False)
    changes = report.get("changes")
    if changes:
        console.print("[bold]Since the earlier audit:[/]")
        for kind, items in changes.items():
            if items:
                console.print(f"  {kind.replace('_', ' ')}: {len(items)}")
                for item in items[:20]:
                    console.print(f"    {item}", markup=False)
    summary = report["summary"]
    console.print(
        f"verdict: {report['verdict']} ({summary['requirements']} accesses: "
        f"{summary['allowed']} allowed, {summary['denied']} denied, {summary['unknown']} unknown)"
    )
