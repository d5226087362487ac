"""The permission matrix as an HTML grid: requirements down, (phase, principal) across.

Every cell names its decision in text and carries its reason twice: in ``title`` for a
mouse, and in a span that screen readers read and that CSS shows on hover and keyboard
focus. Every piece of report text goes through ``escape``.
"""

from __future__ import annotations

from html import escape

from checker.records import record
from checker.results.model import Report, RequirementResult
from checker.results.outcome import (
    CellState,
    decision_label,
    row_label,
    row_state,
    short_principal,
)

PHASE_ORDER = {"register": 0, "deploy": 1}
_MARK = {
    CellState.ALLOWED: "✓",
    CellState.DENIED: "✕",
    CellState.UNDECIDED: "?",
    CellState.NOT_APPLICABLE: "\u2013",  # en dash
}


@record
class Column:
    phase: str
    principal: str


@record
class RowKey:
    phase: str
    id: str
    action: str
    resource: str


def _ordered(report: Report) -> tuple[list[Column], dict[RowKey, dict[Column, RequirementResult]]]:
    def phase_rank(phase: str) -> int:
        return PHASE_ORDER.get(phase, len(PHASE_ORDER))

    requirements = sorted(
        enumerate(report.requirements), key=lambda pair: (phase_rank(pair[1].phase), pair[0])
    )
    columns: list[Column] = []
    rows: dict[RowKey, dict[Column, RequirementResult]] = {}
    for _, req in requirements:
        column = Column(req.phase, req.principal)
        if column not in columns:
            columns.append(column)
        rows.setdefault(RowKey(req.phase, req.id, req.action, req.resource), {})[column] = req
    return columns, rows


def reason_text(req: RequirementResult) -> str:
    sides = req.sides
    parts = [
        f"{row_label(req).capitalize()}: {req.because}",
        f"Resource policy: {decision_label(sides.resource_policy)}; "
        f"identity policy: {decision_label(sides.identity_policy)}; "
        f"organization: {decision_label(sides.organization)}.",
    ]
    if req.evidence:
        parts.append(
            "Decided by: " + ", ".join(f"{item.source} ({item.statement})" for item in req.evidence)
        )
    if req.unknown_keys:
        parts.append("Depends on: " + ", ".join(req.unknown_keys))
    return "\n".join(parts)


def _cell(req: RequirementResult | None, column: Column) -> str:
    if req is None:
        return (
            '<td class="cell none" aria-label="not asked of '
            f'{escape(short_principal(column.principal))}">·</td>'
        )
    state = row_state(req)
    reason = reason_text(req)
    return (
        f'<td class="cell {state.value}" tabindex="0" title="{escape(reason)}">'
        f'<span class="mark" aria-hidden="true">{_MARK[state]}</span>'
        f"{escape(row_label(req))}"
        f'<span class="reason">{escape(reason)}</span></td>'
    )


def _row_header(key: RowKey, any_req: RequirementResult) -> str:
    level = any_req.level.value
    title = f'<span class="req-title">{escape(any_req.title)}</span>' if any_req.title else ""
    return (
        f'<th scope="row"><span class="req-id">{escape(key.id)}</span>'
        f'<span class="level {escape(level)}">{escape(level)}</span>{title}'
        f'<span class="req-what"><code>{escape(key.action)}</code> on '
        f"<code>{escape(key.resource)}</code></span></th>"
    )


def _column_header(column: Column) -> str:
    phase = escape(column.phase)
    return (
        f'<th scope="col" class="principal" title="{escape(column.principal)}">'
        f'<span class="phase {phase}">{phase}</span>'
        f'<span class="who">{escape(short_principal(column.principal))}</span></th>'
    )


def render_matrix(report: Report) -> str:
    columns, rows = _ordered(report)
    if not rows:
        return '<p class="empty">The plan asks for no access.</p>'
    head = "".join(_column_header(column) for column in columns)
    body = []
    for key, cells in rows.items():
        first = next(iter(cells.values()))
        tds = "".join(_cell(cells.get(column), column) for column in columns)
        body.append(f"<tr>{_row_header(key, first)}{tds}</tr>")
    return (
        '<div class="grid-wrap"><table class="grid">'
        '<caption class="offscreen">Each required access, by principal and phase</caption>'
        f'<thead><tr><th scope="col">Requirement</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )
