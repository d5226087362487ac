"""The terminal view: every access per account, the gaps with their reason, then the fixes.

Fits 100 columns; no colour when the output is not a terminal or ``NO_COLOR`` is set (rich
honours both).
"""

from __future__ import annotations

import json
import os
from typing import IO

from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.text import Text

from checker.engine.verdict import FAILING_DECISIONS
from checker.policy.decision import Decision
from checker.records import record
from checker.report.model import Fix, Level, Report, RequirementResult, Severity

MAX_WIDTH = 100

_MARKS: dict[Decision, tuple[str, str]] = {
    Decision.ALLOWED: ("✔", "green"),
    Decision.IMPLICIT_DENY: ("✘", "red"),
    Decision.EXPLICIT_DENY: ("✘", "bold red"),
    Decision.UNKNOWN: ("?", "yellow"),
    Decision.UNVERIFIED: ("~", "cyan"),
    Decision.NOT_APPLICABLE: ("·", "dim"),
}
_SEVERITY_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def make_console(file: IO[str]) -> Console:
    is_tty = file.isatty()
    console = Console(
        file=file,
        width=MAX_WIDTH,
        no_color=bool(os.environ.get("NO_COLOR")) or not is_tty,
        highlight=False,
        soft_wrap=False,
    )
    if is_tty:
        console.width = min(console.size.width, MAX_WIDTH)
    return console


def short_arn(arn: str) -> str:
    """``arn:aws:iam::111111111111:role/Deploy`` → ``111111111111:role/Deploy``."""
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn":
        service, account, resource = parts[2], parts[4], parts[5]
        if service == "s3":
            return f"s3:::{resource}"
        prefix = f"{account}:" if account else ""
        return (
            f"{prefix}{resource}" if service in ("iam", "sts") else f"{service}:{prefix}{resource}"
        )
    return arn


def _account_title(report: Report, owner: str) -> str:
    roles = {row.phase for row in report.requirements if row.resource_owner == owner}
    what = "owns the model package group" if "register" in roles else "owns images, artifacts, keys"
    if owner == "unknown":
        return "Resources whose owner the plan does not give"
    return f"Account {owner} ({what})"


@record
class _Columns:
    """Widths of the access rows' columns, shared by every account so that they line up."""

    action: int
    who: int
    decision: int


_MARK_WIDTH = 3
_GAP = "  "
_WHO_MAX = 38


def _decision_label(row: RequirementResult) -> str:
    label = row.decision.value.replace("_", " ")
    return label + "*" if row.level is Level.DOCUMENTED else label


def _columns(rows: list[RequirementResult]) -> _Columns:
    action = max([28, *(len(row.action) for row in rows)])
    decision = max([0, *(len(_decision_label(row)) for row in rows)])
    room = MAX_WIDTH - _MARK_WIDTH - action - decision - 4 * len(_GAP) - 3
    who = max(12, min(_WHO_MAX, room, max([0, *(len(short_arn(row.principal)) for row in rows)])))
    return _Columns(action, who, decision)


def _access_lines(row: RequirementResult, columns: _Columns) -> list[Text]:
    """One access as aligned columns (mark, action, who, decision, fix); a principal longer
    than its column continues on the next lines, in its column."""
    who = short_arn(row.principal)
    pieces = [who[i : i + columns.who] for i in range(0, len(who), columns.who)] or [""]
    fix = row.fix.id if row.fix is not None and row.decision in FAILING_DECISIONS else ""
    symbol, style = _MARKS[row.decision]
    if row.level is Level.DOCUMENTED and row.decision in FAILING_DECISIONS:
        style = "yellow"
    first = Text.assemble(
        (symbol.rjust(_MARK_WIDTH), style),
        _GAP,
        row.action.ljust(columns.action),
        _GAP,
        pieces[0].ljust(columns.who),
        _GAP,
        _decision_label(row).ljust(columns.decision),
        _GAP,
        fix,
    )
    first.rstrip()
    lead = " " * (_MARK_WIDTH + len(_GAP) + columns.action + len(_GAP))
    return [first, *(Text(lead + piece) for piece in pieces[1:])]


def _indented(text: Text, indent: int) -> Padding:
    return Padding(text, (0, 0, 0, indent), expand=False)


def _by_resource(rows: list[RequirementResult]) -> dict[str, list[RequirementResult]]:
    grouped: dict[str, list[RequirementResult]] = {}
    for row in rows:
        grouped.setdefault(row.resource, []).append(row)
    return grouped


def shell_lines(command: str, width: int = MAX_WIDTH) -> str:
    """A long command as shell continuation lines, one option per line, so it fits the
    terminal and still pastes as one command."""
    if len(command) <= width:
        return command
    words = command.split(" ")
    lines: list[str] = []
    current = ""
    for word in words:
        if word.startswith("--") and current:
            lines.append(current)
            current = "  " + word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return " \\\n".join(lines)


def _print_fix(console: Console, fix: Fix) -> None:
    """A fix as text to copy: no borders or wrapping inside the document and the command, so
    that what is selected in the terminal pastes back exactly."""
    console.print(
        Text.from_markup(
            f"[bold]fix {fix.id}[/]: {escape(fix.target)} in account [bold]{fix.account}[/]"
        )
    )
    if fix.description:
        console.print(_indented(Text(fix.description, style="dim"), 2))
    if fix.policy is not None:
        console.print(Text(f"  {fix.policy_file or 'policy.json'}:", style="bold"))
        console.print(Text(json.dumps(fix.policy, indent=2)), soft_wrap=True)
    console.print(Text("  apply with:", style="bold"))
    console.print(Text(shell_lines(fix.command)), soft_wrap=True)


def print_console(report: Report, file: IO[str]) -> None:
    console = make_console(file)
    console.print(Text(f"xreg check {report.plan}", style="bold"))
    owners: list[str] = []
    for row in report.requirements:
        if row.resource_owner not in owners:
            owners.append(row.resource_owner)
    columns = _columns(list(report.requirements))
    for owner in owners:
        rows = [row for row in report.requirements if row.resource_owner == owner]
        console.print()
        console.print(Text(_account_title(report, owner), style="bold underline"))
        for resource, resource_rows in _by_resource(rows).items():
            console.print(_indented(Text(resource, style="bold", overflow="fold"), 1))
            for row in resource_rows:
                for line in _access_lines(row, columns):
                    console.print(line, no_wrap=True, crop=False)
    console.print(
        Text("* documented: the AWS example asks for it, AWS does not need it", style="dim")
    )

    gaps = [row for row in report.requirements if row.decision in FAILING_DECISIONS]
    if gaps:
        console.print()
        console.print(Text("Gaps", style="bold underline"))
        for row in gaps:
            symbol, style = _MARKS[row.decision]
            if row.level is Level.DOCUMENTED:
                style = "yellow"
            head = Text(
                f"{symbol} {row.id}: {row.action} by {short_arn(row.principal)}", style=style
            )
            console.print(head)
            console.print(_indented(Text(row.because, overflow="fold"), 2))
            if row.fix is not None:
                console.print(
                    _indented(Text(f"fix {row.fix.id}: {row.fix.target}", style="dim"), 2)
                )

    fixes: list[Fix] = list(report.extra.get("fixes", []))
    if fixes:
        console.print()
        console.print(Text("Fixes", style="bold underline"))
        for fix in fixes:
            _print_fix(console, fix)

    if report.findings:
        console.print()
        console.print(Text("Findings", style="bold underline"))
        for finding in report.findings:
            style = _SEVERITY_STYLE[finding.severity]
            where = finding.location.source
            if finding.location.line:
                where += f":{finding.location.line}"
            if finding.location.statement:
                where += f" ({finding.location.statement})"
            suppressed = f" [suppressed: {finding.suppressed}]" if finding.suppressed else ""
            console.print(
                Text(f"{finding.severity.value} {finding.rule}", style=style)
                + Text(f" {where}{suppressed}", style="dim")
            )
            console.print(_indented(Text(finding.message, overflow="fold"), 2))
            if finding.fix is not None:
                fix = finding.fix
                text = f"fix ({fix.target}, account {fix.account}): "
                if fix.statement is not None:
                    text += json.dumps(fix.statement, separators=(", ", ": ")) + "; "
                text += fix.command
                console.print(_indented(Text(text, style="dim", overflow="fold"), 2))

    summary = report.summary
    console.print()
    verdict_style = "bold green" if report.verdict == "pass" else "bold red"
    counts = (
        f"{summary.requirements} accesses: {summary.allowed} allowed, {summary.denied} denied, "
        f"{summary.unknown} unknown, {summary.unverified} unverified; "
        f"{summary.errors} errors, {summary.warnings} warnings"
    )
    console.print(Text(report.verdict.upper(), style=verdict_style) + Text(f"  {counts}"))
    if summary.unverified:
        console.print(
            Text(
                "  unverified: the plan gives no identity policies for some principals; "
                "--strict treats that as unknown",
                style="dim",
            )
        )
