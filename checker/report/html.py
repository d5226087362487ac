"""One self-contained HTML page: verdict, permission matrix, gaps and findings with fixes.

No external asset: the CSS and the script are inlined, and a Content-Security-Policy allows
exactly those two (by hash) and nothing else, so the page works offline and a policy or ARN
that smuggles markup in could not run even if escaping missed it. Every piece of report text
goes through ``escape``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from html import escape

from checker.paths import PACKAGE_DIR
from checker.report.html_matrix import render_matrix
from checker.results.model import Finding, Fix, Location, Report, RequirementResult
from checker.results.outcome import (
    allowed_on_every_side,
    decision_label,
    fix_document,
    fix_key,
    location_path,
    problem_requirements,
    row_fixes,
    row_label,
    row_state,
    short_principal,
)


@functools.cache
def _asset(name: str) -> str:
    return (PACKAGE_DIR / "report" / "assets" / name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


class _Fixes:
    """Renders each distinct fix once; later references link back to it."""

    def __init__(self) -> None:
        self._anchors: dict[str, str] = {}

    def render(self, fix: Fix) -> str:
        key = fix_key(fix)
        if key in self._anchors:
            anchor = self._anchors[key]
            return (
                f'<div class="fix same">Same fix as <a href="#{anchor}">above</a>: '
                f"{escape(fix.target)}.</div>"
            )
        anchor = f"fix-{len(self._anchors) + 1}"
        self._anchors[key] = anchor
        name = f"Fix {fix.id}" if fix.id else "Fix"
        parts = [
            f'<div class="fix" id="{anchor}"><header><span>{escape(name)}: '
            f"<b>{escape(fix.target)}</b></span><span>run in account "
            f"<code>{escape(fix.account)}</code></span></header>"
        ]
        if fix.description:
            parts.append(f'<div class="snippet"><p>{escape(fix.description)}</p></div>')
        command = _snippet(f"{anchor}-command", "Command", "Copy command", fix.command, "command")
        parts.append(command)
        shown = fix_document(fix)
        if shown is not None:
            label, document = shown
            text = json.dumps(document, indent=2, ensure_ascii=False)
            parts.append(_snippet(f"{anchor}-policy", label, "Copy policy", text, "document"))
        parts.append("</div>")
        return "".join(parts)


def _snippet(element_id: str, label: str, button: str, text: str, kind: str) -> str:
    # The button starts hidden: without the script it could not copy anything.
    return (
        f'<div class="snippet"><div class="snippet-label"><span>{escape(label)}</span>'
        f'<button type="button" class="copy" data-copy="{element_id}" hidden>{button}</button>'
        f'</div><pre class="{kind}" id="{element_id}"><code>{escape(text)}</code></pre></div>'
    )


def _where(location: Location, plan: str) -> str:
    text = location_path(location, plan)
    if location.line:
        text += f":{location.line}"
        if location.column:
            text += f":{location.column}"
    parts = [f"<code>{escape(text)}</code>"]
    if location.statement:
        parts.append(f"statement <code>{escape(location.statement)}</code>")
    elif location.field:
        parts.append(f"field <code>{escape(location.field)}</code>")
    return '<p class="where">' + ", ".join(parts) + "</p>"


def _requirement_card(req: RequirementResult, fixes: _Fixes, plan: str) -> str:
    state = row_state(req)
    sides = req.sides
    parts = [
        f'<article class="card {state.value}">',
        f'<h3><span class="badge {state.value}">{escape(row_label(req))}</span>',
        f"<span>{escape(req.title)}</span>" if req.title else "",
        f'<span class="rule">{escape(req.id)}</span></h3>',
        f"<p><code>{escape(short_principal(req.principal))}</code> → "
        f"<code>{escape(req.action)}</code> on <code>{escape(req.resource)}</code> "
        f"({escape(req.phase)}, {escape(req.level.value)})</p>",
        f"<p>{escape(req.because)}</p>",
        '<dl class="sides">',
        f"<dt>Resource policy</dt><dd>{escape(decision_label(sides.resource_policy))}</dd>",
        f"<dt>Identity policy</dt><dd>{escape(decision_label(sides.identity_policy))}</dd>",
        f"<dt>Organization</dt><dd>{escape(decision_label(sides.organization))}</dd>",
        "</dl>",
    ]
    if req.location is not None:
        parts.append(_where(req.location, plan))
    for fix in row_fixes(req):
        parts.append(fixes.render(fix))
    parts.append("</article>")
    return "".join(parts)


def _finding_card(finding: Finding, fixes: _Fixes, plan: str) -> str:
    severity = finding.severity.value
    classes = f"card {severity}" + (" suppressed" if finding.suppressed else "")
    badge = f'<span class="badge {severity}">{escape(severity)}</span>'
    if finding.suppressed:
        badge += '<span class="badge suppressed">suppressed</span>'
    parts = [
        f'<article class="{classes}"><h3>{badge}',
        f"<span>{escape(finding.title)}</span>" if finding.title else "",
        f'<span class="rule">{escape(finding.rule)}</span></h3>',
        f"<p>{escape(finding.message)}</p>",
        _where(finding.location, plan),
    ]
    if finding.suppressed:
        parts.append(f"<p>Suppressed: {escape(finding.suppressed)}</p>")
    if finding.fix is not None:
        parts.append(fixes.render(finding.fix))
    parts.append("</article>")
    return "".join(parts)


def _banner(report: Report) -> str:
    summary = report.summary
    passed = report.verdict == "pass"
    heading = (
        "The cross-account registration will work"
        if passed
        else "The cross-account registration will fail"
    )
    chips = (
        ("requirements", summary.requirements),
        ("allowed", allowed_on_every_side(report)),
        ("denied", summary.denied),
        ("unknown", summary.unknown),
        ("unverified", summary.unverified),
        ("errors", summary.errors),
        ("warnings", summary.warnings),
    )
    items = "".join(f"<li><b>{count}</b> {name}</li>" for name, count in chips)
    return (
        f'<header class="verdict {"pass" if passed else "fail"}"><div class="inner">'
        f"<h1>{'✓' if passed else '✕'} {heading}</h1>"
        f'<p class="meta">Plan <code>{escape(report.plan)}</code> · xreg '
        f"{escape(report.tool_version)} {escape(report.command)} · verdict "
        f"<b>{escape(report.verdict)}</b></p>"
        f'<ul class="chips" aria-label="Summary">{items}</ul></div></header>'
    )


_LEGEND = (
    '<ul class="legend">'
    '<li><span class="swatch allowed"></span>allowed</li>'
    '<li><span class="swatch denied"></span>denied (implicit or explicit)</li>'
    '<li><span class="swatch undecided"></span>unknown or unverified: facts missing</li>'
    '<li><span class="swatch none"></span>not asked of this principal</li>'
    "<li>Hover or focus a cell for the reason.</li></ul>"
)


def _section(title: str, lead: str, body: str, section_id: str) -> str:
    return (
        f'<section id="{section_id}"><h2>{escape(title)}</h2>'
        f'<p class="lead">{escape(lead)}</p>{body}</section>'
    )


def render_html(report: Report) -> str:
    css = _asset("report.css")
    script = _asset("report.js")
    csp = (
        f"default-src 'none'; style-src {_csp_hash(css)}; script-src {_csp_hash(script)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    fixes = _Fixes()
    problems = problem_requirements(report)
    problem_cards = "".join(_requirement_card(req, fixes, report.plan) for req in problems)
    finding_cards = "".join(
        _finding_card(finding, fixes, report.plan) for finding in report.findings
    )
    sections = [
        _section(
            "Permission matrix",
            "Every access the registration and its deployments need, decided.",
            _LEGEND + render_matrix(report),
            "matrix",
        ),
        _section(
            f"Not allowed ({len(problems)})",
            "The accesses that are denied or cannot be decided, and how to fix them.",
            f'<div class="cards">{problem_cards}</div>'
            if problems
            else '<p class="empty">Every requirement is allowed.</p>',
            "gaps",
        ),
        _section(
            f"Findings ({len(report.findings)})",
            "What the lint rules found in the plan and its policies.",
            f'<div class="cards">{finding_cards}</div>'
            if report.findings
            else '<p class="empty">No findings.</p>',
            "findings",
        ),
    ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{escape(csp)}">'
        f"<title>xreg {escape(report.verdict)}: {escape(report.plan)}</title>"
        f"<style>{css}</style></head><body>"
        f"{_banner(report)}<main>{''.join(sections)}</main>"
        '<p id="copy-status" class="offscreen" role="status" aria-live="polite"></p>'
        f"<footer>xreg {escape(report.tool_version)} · a self-contained report: "
        "no external assets, works offline</footer>"
        f"<script>{script}</script></body></html>\n"
    )
