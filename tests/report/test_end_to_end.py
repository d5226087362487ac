"""Every format from real ``xreg check`` runs on every bundled fixture."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from checker.cli import main
from checker.report.markdown import GITHUB_COMMENT_LIMIT, comment_size
from report.factories import Elements
from report.sarif_schema import assert_valid_sarif
from tests.conftest import ROOT, fixture_plans

FIXTURES = [plan.parent for plan in fixture_plans()]
FORMATS = ("json", "sarif", "junit", "markdown", "html")
NOT_ALLOWED = {"implicit_deny", "explicit_deny", "unknown", "unverified"}


def run_check(plan: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, dict[str, str]]:
    files = {name: out / f"report.{name}" for name in FORMATS}
    argv = ["check", str(plan.relative_to(ROOT)), "--format", ",".join(FORMATS)]
    for name in FORMATS:
        argv += ["-o", str(files[name])]
    monkeypatch.chdir(ROOT)
    status = main(argv)
    return status, {name: path.read_text(encoding="utf-8") for name, path in files.items()}


def test_the_bundled_fixtures_are_found() -> None:
    assert {path.name for path in FIXTURES} >= {"aws-doc-sample", "aws-doc-sample-fixed"}


@pytest.mark.parametrize("fixture", FIXTURES, ids=[path.name for path in FIXTURES])
def test_every_format_agrees_with_the_json_report(
    fixture: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    status, texts = run_check(fixture / "plan.yaml", tmp_path, monkeypatch)
    report: dict[str, Any] = json.loads(texts["json"])
    assert status == (0 if report["verdict"] == "pass" else 1)
    problems = [row for row in report["requirements"] if row["decision"] in NOT_ALLOWED]

    sarif = json.loads(texts["sarif"])
    assert_valid_sarif(sarif)
    results = sarif["runs"][0]["results"]
    requirement_results = [
        result for result in results if "principal" in result.get("properties", {})
    ]
    assert len(requirement_results) == len(problems)
    assert len(results) == len(problems) + len(report["findings"])
    for result in results:
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert (ROOT / uri).is_file(), uri
    errors = [result for result in results if result["level"] == "error"]
    if report["verdict"] == "pass":
        assert not errors

    junit = ET.fromstring(texts["junit"])
    requirement_cases = junit.findall("testsuite[@name='xreg.requirements']/testcase")
    assert len(requirement_cases) == len(report["requirements"])
    rule_cases = {case.attrib["name"] for case in junit.iter("testcase")} - {
        case.attrib["name"] for case in requirement_cases
    }
    assert {finding["rule"] for finding in report["findings"]} <= rule_cases
    assert (int(junit.attrib["failures"]) > 0) == (report["verdict"] == "fail")

    markdown = texts["markdown"]
    assert comment_size(markdown) <= GITHUB_COMMENT_LIMIT
    verdict_line = markdown.splitlines()[1]
    assert ("will work" in verdict_line) == (report["verdict"] == "pass")
    for row in problems:
        assert f"`{row['action']}`" in markdown

    page = Elements()
    page.feed(texts["html"])
    cells = [attrs for tag, attrs in page.tags if tag == "td" and attrs.get("tabindex") == "0"]
    assert len(cells) == len(report["requirements"])
    assert [tag for tag, _ in page.tags].count("script") == 1
