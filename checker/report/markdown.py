"""Markdown for a pull-request comment: the verdict, what is not allowed, and how to fix it.

A GitHub comment holds at most 65,536 characters. The comment is assembled from blocks in
order of importance (verdict, requirement rows, findings, fixes, the full list) and stops
adding blocks before the limit, ending with a note of what was cut. Sizes are counted in
UTF-16 code units, which is never less than characters however the limit is counted.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from checker.records import field, record
from checker.results.model import Finding, Fix, Report, RequirementResult, Severity
from checker.results.outcome import (
    CellState,
    active_findings,
    allowed_on_every_side,
    fix_document,
    fix_key,
    location_path,
    problem_requirements,
    requirement_severity,
    row_fixes,
    row_label,
    row_state,
    short_principal,
    source_fix_label,
    source_fixes_by_id,
)

GITHUB_COMMENT_LIMIT = 65_536
# Lets a CI step find the comment it posted before and update it instead of adding another.
COMMENT_MARKER = "<!-- xreg-report -->"
_NOTE_RESERVE = 600
_STATE_ICON = {
    CellState.ALLOWED: "🟢",
    CellState.DENIED: "🔴",
    CellState.UNDECIDED: "🟠",
    CellState.NOT_APPLICABLE: "⚪",
}
_SEVERITY_ICON = {Severity.ERROR: "🔴", Severity.WARNING: "🟠", Severity.INFO: "🔵"}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def comment_size(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _prose(text: str) -> str:
    """Text for a table cell or a line: no HTML, no Markdown, no @-mentions, one line."""
    escaped = html.escape(" ".join(text.split()), quote=False)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", escaped).replace("@", "&#64;")


def _code(text: str) -> str:
    """An inline code span that survives backticks and table pipes in ``text``."""
    flat = " ".join(text.split()).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def _fenced(text: str, language: str) -> str:
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence}{language}\n{text}\n{fence}\n"


@record(frozen=False)
class _Block:
    text: str
    counts_as: str | None = None  # what a reader lost if this block is cut


@record(frozen=False)
class _FixGroup:
    fix: Fix
    fixes: list[str] = field(default_factory=list)


def _head(report: Report) -> str:
    summary = report.summary
    if report.verdict == "pass":
        title = "## ✅ xreg: the cross-account registration will work"
    else:
        title = "## ❌ xreg: the cross-account registration will fail"
    requirements = (
        f"**Requirements** {summary.requirements}: {allowed_on_every_side(report)} allowed, "
        f"{summary.denied} denied, {summary.unknown} unknown, {summary.unverified} unverified"
    )
    findings = (
        f"**Findings** {_plural(summary.errors, 'error')}, {_plural(summary.warnings, 'warning')}"
    )
    suppressed = sum(bool(finding.suppressed) for finding in report.findings)
    if suppressed:
        findings += f" ({suppressed} suppressed)"
    plan = f"**Plan** {_code(report.plan)}"
    return f"{COMMENT_MARKER}\n{title}\n\n{plan} · {requirements} · {findings}\n\n"


def _requirement_row(req: RequirementResult) -> str:
    icon = _STATE_ICON[row_state(req)]
    cells = (
        f"{icon} {_prose(row_label(req))}",
        f"{_code(req.id)}<br>{req.phase}, {req.level.value}",
        _code(short_principal(req.principal)),
        _code(req.action),
        _code(req.resource),
        _prose(req.because + (f" [accepted: {req.accepted}]" if req.accepted else "")),
    )
    return "| " + " | ".join(cells) + " |\n"


def _requirement_blocks(report: Report) -> list[_Block]:
    problems = sorted(
        problem_requirements(report),
        key=lambda req: -(requirement_severity(req) or Severity.INFO).rank,
    )
    if not problems:
        return [_Block("Every requirement is allowed.\n\n")]
    header = (
        f"### Requirements not allowed ({len(problems)})\n\n"
        "| Decision | Requirement | Principal | Action | Resource | Why |\n"
        "|---|---|---|---|---|---|\n"
    )
    rows = [_Block(_requirement_row(req), "requirement rows") for req in problems]
    return [_Block(header), *rows, _Block("\n")]


def _finding_where(finding: Finding, plan: str) -> str:
    location = finding.location
    where = location_path(location, plan)
    if location.line:
        where += f":{location.line}"
    text = _code(where)
    if location.statement:
        text += f" ({_prose(location.statement)})"
    return text


def _finding_blocks(report: Report) -> list[_Block]:
    findings = sorted(active_findings(report), key=lambda finding: -finding.severity.rank)
    if not findings:
        return []
    header = (
        f"### Findings ({len(findings)})\n\n"
        "| Severity | Rule | Where | Message |\n|---|---|---|---|\n"
    )
    rows = [
        _Block(
            f"| {_SEVERITY_ICON[finding.severity]} {finding.severity.value} | "
            f"{_code(finding.rule)} | {_finding_where(finding, report.plan)} | "
            f"{_prose(finding.message)} |\n",
            "findings",
        )
        for finding in findings
    ]
    return [_Block(header), *rows, _Block("\n")]


def _fix_groups(report: Report) -> list[_FixGroup]:
    """Fixes in report order; one fix that closes several gaps is shown once."""
    groups: dict[str, _FixGroup] = {}
    for fix in report.extra.get("fixes", []):
        groups[fix_key(fix)] = _FixGroup(fix)
    sources: list[tuple[Fix | None, str]] = [
        (fix, req.id) for req in problem_requirements(report) for fix in row_fixes(req)
    ]
    sources.extend((finding.fix, finding.rule) for finding in active_findings(report))
    for fix, what in sources:
        if fix is None:
            continue
        group = groups.setdefault(fix_key(fix), _FixGroup(fix))
        if what not in group.fixes:
            group.fixes.append(what)
    return list(groups.values())


def _fix_block(group: _FixGroup, in_sources: Sequence[Mapping[str, Any]] = ()) -> str:
    fix = group.fix
    name = f"{html.escape(fix.id)}: " if fix.id else ""
    summary = f"🔧 {name}<b>{html.escape(fix.target)}</b> — account {html.escape(fix.account)}"
    if group.fixes:
        summary += " — fixes " + ", ".join(
            f"<code>{html.escape(what)}</code>" for what in group.fixes
        )
    parts = [f"<details>\n<summary>{summary}</summary>\n\n"]
    if fix.description:
        parts.append(f"{_prose(fix.description)}\n\n")
    parts.append(f"Run in account {_code(fix.account)}:\n\n")
    parts.append(_fenced(fix.command, "sh"))
    shown = fix_document(fix)
    if shown is not None:
        label, document = shown
        parts.append(f"\n{_prose(label)}:\n\n")
        parts.append(_fenced(json.dumps(document, indent=2, ensure_ascii=False), "json"))
    for entry in in_sources:
        language = {"yaml": "yaml", "json": "json"}.get(str(entry["form"]), "hcl")
        parts.append(f"\n{_prose(source_fix_label(entry))}:\n\n")
        parts.append(_fenced(str(entry["value"]).rstrip("\n"), language))
    parts.append("\n</details>\n\n")
    return "".join(parts)


def _fix_blocks(report: Report) -> list[_Block]:
    groups = _fix_groups(report)
    if not groups:
        return []
    in_sources = source_fixes_by_id(report)
    return [
        _Block(f"### Fixes ({len(groups)})\n\n"),
        *(_Block(_fix_block(group, in_sources.get(group.fix.id, ())), "fixes") for group in groups),
    ]


def _all_requirements_block(report: Report) -> list[_Block]:
    if not report.requirements:
        return []
    rows = "".join(_requirement_row(req) for req in report.requirements)
    text = (
        f"<details>\n<summary>All {len(report.requirements)} requirements</summary>\n\n"
        "| Decision | Requirement | Principal | Action | Resource | Why |\n"
        f"|---|---|---|---|---|---|\n{rows}\n</details>\n\n"
    )
    return [_Block(text, "the full requirement list")]


def _cut_note(cut: Counter[str], limit: int) -> str:
    lost = ", ".join(
        f"{count} {what}" if what != "the full requirement list" else what
        for what, count in cut.items()
    )
    return (
        f"\n> ✂️ Cut to stay within GitHub's {limit:,}-character comment limit: {lost} left out. "
        "The JSON, SARIF and HTML reports have everything.\n"
    )


def _assemble(head: str, blocks: list[_Block], limit: int) -> str:
    parts = [head]
    used = comment_size(head)
    cut: Counter[str] = Counter()
    cutting = False
    for block in blocks:
        size = comment_size(block.text)
        if not cutting and used + size + _NOTE_RESERVE <= limit:
            parts.append(block.text)
            used += size
            continue
        # Once one block does not fit, stop: later blocks out of order would mislead.
        cutting = True
        if block.counts_as:
            cut[block.counts_as] += 1
    if cut:
        parts.append(_cut_note(cut, limit))
    text = "".join(parts)
    if comment_size(text) > limit:  # only a pathological head (a huge plan path) gets here
        text = text.encode("utf-16-le")[: 2 * (limit - 1)].decode("utf-16-le", "ignore") + "…"
    return text


def render_markdown_within(report: Report, limit: int) -> str:
    blocks = [
        *_requirement_blocks(report),
        *_finding_blocks(report),
        *_fix_blocks(report),
        *_all_requirements_block(report),
    ]
    return _assemble(_head(report), blocks, limit)


def render_markdown(report: Report) -> str:
    return render_markdown_within(report, GITHUB_COMMENT_LIMIT)
