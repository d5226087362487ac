"""The terminal view: every access per account, the gaps with their reason, then the fixes.

Built as styled lines (``checker.report.lines``) wrapped to at most 100 columns. A terminal
gets them coloured through rich; a pipe, a file, or ``NO_COLOR`` gets the same characters as
plain text, and rich is then never imported.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import IO, Any

from checker.policy.decision import Decision
from checker.records import record
from checker.report.lines import Line, display_width, line, wrap
from checker.report.terminal import MAX_WIDTH, print_view
from checker.results.model import Fix, Level, Report, RequirementResult, Severity
from checker.results.outcome import (
    FAILING_DECISIONS,
    allowed_on_every_side,
    row_fixes,
    row_label,
    source_fix_label,
    source_fixes_by_id,
    unverified_sides,
)

_MARKS: dict[Decision, tuple[str, str]] = {
    Decision.ALLOWED: ("✔", "green"),
    Decision.IMPLICIT_DENY: ("✘", "red"),
    Decision.EXPLICIT_DENY: ("✘", "bold red"),
    Decision.UNKNOWN: ("?", "yellow"),
    Decision.UNVERIFIED: ("~", "cyan"),
    Decision.NOT_APPLICABLE: ("·", "dim"),
}
_SEVERITY_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


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
    """The decision; "(documented)" when only the documentation asks for the access, so that
    a pipe without colour still tells such rows apart."""
    # "allowed, unverified": the summary's note says which side (short, so the row fits).
    label = "allowed, unverified" if unverified_sides(row) else row_label(row)
    return f"{label} (documented)" if row.level is Level.DOCUMENTED else label


def _fix_column(row: RequirementResult) -> str:
    return ",".join(fix.id for fix in row_fixes(row)) if row.decision in FAILING_DECISIONS else ""


def _columns(rows: list[RequirementResult], width: int) -> _Columns:
    action = max([28, *(len(row.action) for row in rows)])
    decision = max([0, *(len(_decision_label(row)) for row in rows)])
    fixes = max([0, *(len(_fix_column(row)) for row in rows)])
    room = width - _MARK_WIDTH - action - decision - 4 * len(_GAP) - fixes
    who = max(12, min(_WHO_MAX, room, max([0, *(len(short_arn(row.principal)) for row in rows)])))
    return _Columns(action, who, decision)


def _fold_at_separators(text: str, width: int) -> list[str]:
    """``text`` in pieces of at most ``width``, each cut after a ``:`` or ``/`` where one
    falls in the piece, so that an ARN breaks between its parts rather than inside a name."""
    pieces: list[str] = []
    while len(text) > width:
        cut = max(text.rfind(":", 0, width), text.rfind("/", 0, width)) + 1
        cut = cut if cut > 0 else width
        pieces.append(text[:cut])
        text = text[cut:]
    pieces.append(text)
    return pieces


def _access_lines(row: RequirementResult, columns: _Columns) -> list[Line]:
    """One access as aligned columns (mark, action, who, decision, fix); a principal longer
    than its column continues on the next lines, in its column."""
    pieces = _fold_at_separators(short_arn(row.principal), columns.who)
    fix = _fix_column(row)
    symbol, style = _MARKS[Decision.UNVERIFIED if unverified_sides(row) else row.decision]
    if row.level is Level.DOCUMENTED and row.decision in FAILING_DECISIONS:
        style = "yellow"
    rest = _GAP.join(
        (
            row.action.ljust(columns.action),
            pieces[0].ljust(columns.who),
            _decision_label(row).ljust(columns.decision),
            fix,
        )
    )
    first = line((symbol.rjust(_MARK_WIDTH), style), (_GAP + rest).rstrip())
    lead = " " * (_MARK_WIDTH + len(_GAP) + columns.action + len(_GAP))
    return [first, *(line(lead + piece) for piece in pieces[1:])]


def _by_resource(rows: list[RequirementResult]) -> dict[str, list[RequirementResult]]:
    grouped: dict[str, list[RequirementResult]] = {}
    for row in rows:
        grouped.setdefault(row.resource, []).append(row)
    return grouped


def shell_lines(command: str, width: int = MAX_WIDTH) -> str:
    """Each command of ``command`` (one per line) whole; a long one as shell continuation
    lines, one option per line, so it fits the terminal and still pastes as one command.
    Nothing inside quotes is split."""
    return "\n".join(_one_command(text, width) for text in command.split("\n"))


def _top_level_words(command: str) -> list[str]:
    """``command`` split at the spaces outside quotes (a quoted string is never split)."""
    words: list[str] = []
    current: list[str] = []
    quote = ""
    for char in command:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == " ":
            words.append("".join(current))
            current = []
            continue
        current.append(char)
    words.append("".join(current))
    return [word for word in words if word]


def _one_command(command: str, width: int) -> str:
    if display_width(command) <= width:
        return command
    lines: list[str] = []
    current = ""
    for word in _top_level_words(command):
        if word.startswith("--") and current:
            lines.append(current)
            current = "  " + word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return " \\\n".join(lines)


def _fix_lines(fix: Fix, width: int, in_sources: Sequence[Mapping[str, Any]] = ()) -> list[Line]:
    """A fix as text to copy: the document and the command are never wrapped, so that what is
    selected in the terminal pastes back exactly."""
    title = line((f"fix {fix.id}", "bold"), f": {fix.target} in account ", (fix.account, "bold"))
    lines = wrap(title, width, hang=2)
    if fix.description:
        lines += wrap(fix.description, width, 2, "dim")
    if fix.policy is not None:
        lines.append(line((f"  {fix.policy_file or 'policy.json'}:", "bold")))
        lines += [line(text) for text in json.dumps(fix.policy, indent=2).split("\n")]
    lines.append(line(("  apply with:", "bold")))
    lines += [line(text) for text in shell_lines(fix.command).split("\n")]
    for entry in in_sources:
        lines += wrap(source_fix_label(entry) + ":", width, 2, "bold", hang=2)
        lines += [line(text) for text in str(entry["value"]).rstrip("\n").split("\n")]
    return lines


def _access_section(report: Report, width: int) -> list[Line]:
    lines: list[Line] = [line((f"xreg check {report.plan}", "bold"))]
    owners: list[str] = []
    for row in report.requirements:
        if row.resource_owner not in owners:
            owners.append(row.resource_owner)
    columns = _columns(list(report.requirements), width)
    for owner in owners:
        rows = [row for row in report.requirements if row.resource_owner == owner]
        lines.append(line())
        lines.append(line((_account_title(report, owner), "bold underline")))
        for resource, resource_rows in _by_resource(rows).items():
            lines += wrap(resource, width, 1, "bold")
            for row in resource_rows:
                lines += _access_lines(row, columns)
    if any(row.level is Level.DOCUMENTED for row in report.requirements):
        documented = (
            "(documented): the AWS documentation asks for it, AWS does not need it; "
            "xreg adds it to a fix only with --fix-documented"
        )
        lines += wrap(documented, width, 0, "dim", hang=2)
    return lines


def _gap_section(report: Report, width: int) -> list[Line]:
    gaps = [row for row in report.requirements if row.decision in FAILING_DECISIONS]
    if not gaps:
        return []
    lines: list[Line] = [line(), line(("Gaps", "bold underline"))]
    for row in gaps:
        symbol, style = _MARKS[row.decision]
        if row.level is Level.DOCUMENTED:
            style = "yellow"
        head = f"{symbol} {row.id}: {row.action} by {short_arn(row.principal)}"
        if row.accepted:
            head += f" [accepted: {row.accepted}]"
        lines += wrap(head, width, 0, style, hang=2)
        lines += wrap(row.because, width, 2)
        for fix in row_fixes(row):
            lines += wrap(f"fix {fix.id}: {fix.target}", width, 2, "dim", hang=2)
    return lines


def _fix_section(report: Report, width: int) -> list[Line]:
    fixes: list[Fix] = list(report.extra.get("fixes", []))
    if not fixes:
        return []
    lines: list[Line] = [line(), line(("Fixes", "bold underline"))]
    in_sources = source_fixes_by_id(report)
    for fix in fixes:
        lines += _fix_lines(fix, width, in_sources.get(fix.id, ()))
    return lines


def _finding_section(report: Report, width: int) -> list[Line]:
    if not report.findings:
        return []
    lines: list[Line] = [line(), line(("Findings", "bold underline"))]
    listed = {fix.id for fix in report.extra.get("fixes", [])}
    for finding in report.findings:
        where = finding.location.source
        if finding.location.line:
            where += f":{finding.location.line}"
        if finding.location.statement:
            where += f" ({finding.location.statement})"
        suppressed = f" [suppressed: {finding.suppressed}]" if finding.suppressed else ""
        head = line(
            (f"{finding.severity.value} {finding.rule}", _SEVERITY_STYLE[finding.severity]),
            (f" {where}{suppressed}", "dim"),
        )
        lines += wrap(head, width)
        lines += wrap(finding.message, width, 2)
        fix = finding.fix
        if fix is not None and fix.id in listed:
            lines += wrap(f"fix {fix.id}: {fix.target} (under Fixes)", width, 2, "dim")
        elif fix is not None:
            lines += wrap(f"fix {fix.id}: {fix.target} in account {fix.account}", width, 2, "dim")
            if fix.description:
                lines += wrap(fix.description, width, 4, "dim")
            lines += [line(text) for text in shell_lines(fix.command).split("\n")]
    return lines


def _summary_section(report: Report, width: int) -> list[Line]:
    summary = report.summary
    verdict_style = "bold green" if report.verdict == "pass" else "bold red"
    # An allowed row with an unchecked side is in both counts of the summary; shown once.
    counts = (
        f"{summary.requirements} accesses: {allowed_on_every_side(report)} allowed, "
        f"{summary.denied} denied, {summary.unknown} unknown, {summary.unverified} unverified; "
        f"{plural(summary.errors, 'error')}, {plural(summary.warnings, 'warning')}"
    )
    head = line((report.verdict.upper(), verdict_style), f"  {counts}")
    lines = [line(), *wrap(head, width, hang=6)]
    if summary.unverified:
        note = (
            "unverified: the plan gives no identity policies for some principals, so only the "
            "other sides were decided; --strict treats that as unknown"
        )
        lines += wrap(note, width, 2, "dim")
    return lines


def plural(count: int, noun: str) -> str:
    """``1 error``, ``2 errors``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _reason_section(report: Report, width: int) -> list[Line]:
    """``--verbose``: why every access is decided as it is, failing or not."""
    lines: list[Line] = [line(), line(("Decisions", "bold underline"))]
    for row in report.requirements:
        symbol, style = _MARKS[Decision.UNVERIFIED if unverified_sides(row) else row.decision]
        head = f"{symbol} {row.id}: {row.action} by {short_arn(row.principal)} — {row_label(row)}"
        lines += wrap(head, width, 0, style, hang=2)
        lines += wrap(row.because, width, 2)
        for item in row.evidence:
            lines += wrap(f"{item.source} ({item.statement})", width, 4, "dim")
    return lines


def console_lines(report: Report, width: int = MAX_WIDTH, detail: str = "normal") -> list[Line]:
    """The whole console view as styled lines at most ``width`` wide (fix documents and
    commands excepted: they stay whole so that they paste back). ``detail`` ``quiet``: the
    gaps and the verdict only; ``verbose``: also every access's reason."""
    if detail == "quiet":
        gaps = _gap_section(report, width)
        return [*gaps[1:], *_summary_section(report, width)[(0 if gaps else 1) :]]
    return [
        *_access_section(report, width),
        *(_reason_section(report, width) if detail == "verbose" else []),
        *_gap_section(report, width),
        *_fix_section(report, width),
        *_finding_section(report, width),
        *_summary_section(report, width),
    ]


def print_console(report: Report, file: IO[str], detail: str = "normal") -> None:
    print_view(lambda width: console_lines(report, width, detail), file)
