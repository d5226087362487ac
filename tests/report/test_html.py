from __future__ import annotations

import base64
import hashlib
import re

from checker.records import replace
from checker.report.html import render_html
from checker.results.model import Report
from report.factories import (
    CONSUMER,
    HOSTILE,
    REGISTRAR,
    Elements,
    hostile_report,
    make_report,
)


def parse(report: Report) -> Elements:
    parser = Elements()
    parser.feed(render_html(report))
    parser.close()
    return parser


def test_hostile_text_never_becomes_markup() -> None:
    page = parse(hostile_report())
    assert [tag for tag, _ in page.tags].count("script") == 1
    assert [tag for tag, _ in page.tags].count("img") == 0
    for _, attributes in page.tags:
        assert not any(name.startswith("on") for name in attributes)
    assert "window.__xss" not in page.raw["script"][0]
    # The text still reads as the user wrote it.
    assert HOSTILE in "".join(page.text)


def test_everything_is_inline_and_pinned_by_the_content_security_policy() -> None:
    page = parse(make_report())
    for tag, attributes in page.tags:
        assert "src" not in attributes, tag
        href = attributes.get("href")
        assert href is None or href.startswith("#"), href
    (csp,) = [
        attributes["content"]
        for tag, attributes in page.tags
        if tag == "meta" and attributes.get("http-equiv") == "Content-Security-Policy"
    ]
    assert csp is not None
    assert "default-src 'none'" in csp
    for kind, directive in (("script", "script-src"), ("style", "style-src")):
        (body,) = page.raw[kind]
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in csp
    assert "unsafe-inline" not in csp


def test_grid_has_requirements_down_and_principals_across() -> None:
    report = make_report()
    page = parse(report)
    headers = [attrs for tag, attrs in page.tags if tag == "th" and attrs.get("scope") == "col"]
    principals = [attrs.get("title") for attrs in headers if attrs.get("class") == "principal"]
    assert principals == [REGISTRAR, CONSUMER]  # register before deploy
    rows = [attrs for tag, attrs in page.tags if tag == "th" and attrs.get("scope") == "row"]
    assert len(rows) == len(report.requirements)
    cells = [attrs for tag, attrs in page.tags if tag == "td"]
    assert len(cells) == len(rows) * len(principals)
    classes = [attrs.get("class") for attrs in cells]
    # one allowed access has no identity policy in the plan: it is shown undecided (amber)
    assert classes.count("cell allowed") == 1
    assert classes.count("cell denied") == 2
    assert classes.count("cell undecided") == 2
    assert classes.count("cell none") == 5


def test_each_cell_explains_itself_on_hover_and_to_screen_readers() -> None:
    page = parse(make_report())
    decided = [
        attrs for tag, attrs in page.tags if tag == "td" and "none" not in (attrs["class"] or "")
    ]
    for attrs in decided:
        assert attrs.get("tabindex") == "0"
        assert attrs.get("title")
    unknown = next(
        attrs
        for attrs in decided
        if attrs["class"] == "cell undecided" and (attrs["title"] or "").startswith("Unknown")
    )
    unverified = next(
        attrs
        for attrs in decided
        if attrs["class"] == "cell undecided" and (attrs["title"] or "").startswith("Allowed")
    )
    assert (unverified["title"] or "").startswith("Allowed, identity unverified:")
    assert "aws:SourceVpce" in (unknown["title"] or "")
    assert "Resource policy: unknown" in (unknown["title"] or "")
    html = render_html(make_report())
    assert '<span class="reason">Unknown: statement AllowUse allows it only when' in html


def test_fixes_are_shown_once_with_copy_buttons() -> None:
    html = render_html(make_report())
    page = parse(make_report())
    buttons = [attrs for tag, attrs in page.tags if tag == "button"]
    targets = {attrs["data-copy"] for attrs in buttons}
    ids = {attrs["id"] for _, attrs in page.tags if attrs.get("id")}
    assert targets <= ids
    assert len(buttons) == 4  # two fixes: a command and a document each
    assert all("hidden" in attrs for attrs in buttons)  # shown by the script only
    assert html.count('id="fix-2"') == 1
    assert 'Same fix as <a href="#fix-2">above</a>' in html
    command = re.search(r'<pre class="command" id="fix-1-command"><code>(.*?)</code></pre>', html)
    assert command is not None
    assert command.group(1).startswith("aws ecr set-repository-policy")


def test_verdict_banner() -> None:
    failing = render_html(make_report())
    assert '<header class="verdict fail">' in failing
    assert "The cross-account registration will fail" in failing
    passing = render_html(replace(make_report((), ()), verdict="pass"))
    assert '<header class="verdict pass">' in passing
    assert "The plan asks for no access." in passing
