"""The HTML report in a real headless Chromium (Debian's ``chromium`` package)."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from checker.cli import main
from checker.report.html import render_html
from report.chromium import HeadlessChromium, Page
from report.factories import hostile_report, make_report
from tests.conftest import ROOT

SAMPLE_PLAN = Path("fixtures/aws-doc-sample/plan.yaml")
SCREENSHOT = ROOT / "reports" / "html-screenshot.png"
WIDTH = 1280


@pytest.fixture(scope="module")
def browser() -> Iterator[HeadlessChromium]:
    with HeadlessChromium() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def sample_page(browser: HeadlessChromium, tmp_path_factory: pytest.TempPathFactory) -> Page:
    """The report `xreg check` writes for the AWS-documentation example."""
    output = tmp_path_factory.mktemp("html") / "xreg-report.html"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        status = main(["check", str(SAMPLE_PLAN), "--format", "html", "-o", str(output)])
    assert status == 1  # the documented example does not work as written
    return browser.open_page(output.as_uri(), WIDTH)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_renders_at_1280_without_console_errors_or_network(sample_page: Page) -> None:
    assert sample_page.evaluate("document.readyState") == "complete"
    assert sample_page.console_errors() == []
    assert sample_page.requested_urls() == [sample_page.evaluate("location.href")]
    assert sample_page.evaluate("window.innerWidth") == WIDTH
    # Nothing wider than the window: no horizontal scrolling at 1280 px.
    assert sample_page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_screenshot_is_written_under_reports(sample_page: Page) -> None:
    sample_page.evaluate("window.scrollTo(0, 0)")
    width, height = sample_page.screenshot(SCREENSHOT)
    assert png_size(SCREENSHOT) == (WIDTH, height)
    assert width == WIDTH and height > 600


def test_matrix_cells_are_coloured_by_decision(
    browser: HeadlessChromium, sample_page: Page, tmp_path: Path
) -> None:
    """A plan that gives identity policies, so that some accesses are allowed outright (in
    the AWS example every allowed access is unverified on the identity side: amber)."""
    output = tmp_path / "xreg-report.html"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        plan = ROOT / "fixtures" / "identity-denies" / "plan.yaml"
        assert main(["check", str(plan), "--format", "html", "-o", str(output)]) == 1
    colours = {}
    for page in (browser.open_page(output.as_uri(), WIDTH), sample_page):
        colours.update(_cell_colours(page))
    assert colours["allowed"] == "rgb(218, 251, 225)"
    assert colours["denied"] == "rgb(255, 235, 233)"
    assert colours["undecided"] == "rgb(255, 248, 197)"


def _cell_colours(page: Page) -> dict[str, str]:
    colours: dict[str, str] = page.evaluate(
        """(() => {
          const out = {};
          for (const cell of document.querySelectorAll('td.cell')) {
            const kind = cell.classList[1];
            out[kind] = getComputedStyle(cell).backgroundColor;
          }
          return out;
        })()"""
    )
    return colours


def test_focus_shows_the_reason(sample_page: Page) -> None:
    shown = sample_page.evaluate(
        """(() => {
          const cell = document.querySelector('td.cell.denied');
          const reason = cell.querySelector('.reason');
          const before = reason.getBoundingClientRect().width;
          cell.focus();
          const after = reason.getBoundingClientRect().width;
          cell.blur();
          return [before, after, reason.textContent, cell.title];
        })()"""
    )
    before, after, text, title = shown
    assert before <= 1 < 200 < after
    assert "GetDownloadUrlForLayer" in text
    assert title == text


def test_copy_button_puts_the_fix_on_the_clipboard(
    browser: HeadlessChromium, sample_page: Page
) -> None:
    browser.send(
        "Browser.grantPermissions",
        {"permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    copied = sample_page.evaluate(
        """(async () => {
          const button = document.querySelector('button.copy');
          const source = document.getElementById(button.dataset.copy).textContent;
          const visible = !button.hidden;
          button.click();
          await new Promise((done) => setTimeout(done, 150));
          return [visible, button.textContent, source, await navigator.clipboard.readText()];
        })()"""
    )
    visible, label, source, clipboard = copied
    assert visible
    assert label == "Copied"
    assert source.startswith("aws ")
    assert clipboard == source
    assert sample_page.console_errors() == []


def test_hostile_report_runs_nothing_in_the_browser(
    browser: HeadlessChromium, tmp_path: Path
) -> None:
    page_file = tmp_path / "hostile.html"
    page_file.write_text(render_html(hostile_report()), encoding="utf-8")
    page = browser.open_page(page_file.as_uri(), WIDTH)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.evaluate("document.scripts.length") == 1
    assert page.evaluate("document.images.length") == 0
    assert page.console_errors() == []
    assert page.requested_urls() == [page_file.as_uri()]


def test_a_report_made_by_hand_also_renders_cleanly(
    browser: HeadlessChromium, tmp_path: Path
) -> None:
    page_file = tmp_path / "sample.html"
    page_file.write_text(render_html(make_report()), encoding="utf-8")
    page = browser.open_page(page_file.as_uri(), WIDTH)
    assert page.console_errors() == []
    assert page.evaluate("document.querySelectorAll('td.cell').length") == 10
