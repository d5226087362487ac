"""``reports/examples/`` is what the one command makes today, byte for byte."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from checker.report.markdown import GITHUB_COMMENT_LIMIT, comment_size
from report.sarif_schema import assert_valid_sarif
from tests.conftest import ROOT

EXAMPLES = ROOT / "reports" / "examples"
SCRIPT = ROOT / "scripts" / "make_report_examples.py"
REGENERATE = "python scripts/make_report_examples.py"


def test_examples_are_up_to_date(tmp_path: Path) -> None:
    fresh = tmp_path / "examples"
    subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(fresh)],
        cwd=tmp_path,  # the script must not depend on where it is started
        check=True,
        capture_output=True,
        timeout=300,
    )
    made = sorted(path.name for path in fresh.iterdir())
    committed = sorted(path.name for path in EXAMPLES.iterdir())
    assert made == committed, f"run {REGENERATE}"
    stale = [name for name in made if (fresh / name).read_bytes() != (EXAMPLES / name).read_bytes()]
    assert not stale, f"out of date: {stale}; run {REGENERATE}"


def test_examples_cover_every_format_and_are_valid() -> None:
    report = json.loads((EXAMPLES / "xreg-report.json").read_text(encoding="utf-8"))
    assert report["plan"] == "fixtures/aws-doc-sample/plan.yaml"
    assert report["verdict"] == "fail"
    sarif = json.loads((EXAMPLES / "xreg-report.sarif").read_text(encoding="utf-8"))
    assert_valid_sarif(sarif)
    uris = {
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for result in sarif["runs"][0]["results"]
    }
    assert uris and all((ROOT / uri).is_file() for uri in uris)  # they open from the repo root
    junit = ET.fromstring((EXAMPLES / "xreg-junit.xml").read_text(encoding="utf-8"))
    assert int(junit.attrib["tests"]) >= len(report["requirements"])
    markdown = (EXAMPLES / "xreg-report.md").read_text(encoding="utf-8")
    assert comment_size(markdown) <= GITHUB_COMMENT_LIMIT
    assert "GetDownloadUrlForLayer" in markdown
    html = (EXAMPLES / "xreg-report.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    console = (EXAMPLES / "xreg-report.txt").read_text(encoding="utf-8")
    assert "\x1b[" not in console  # no terminal colour codes in the example
    assert "GetDownloadUrlForLayer" in console


def _blocks(text: str, language: str) -> list[str]:
    return [part.split("```", 1)[0] for part in text.split(f"```{language}\n")[1:]]


@pytest.mark.parametrize(
    ("language", "position", "example"),
    [
        ("text", 0, "xreg-report.txt"),
        ("sh", 0, "apply-fixes.sh"),
        ("text", 1, "xreg-report-after-fixes.txt"),
    ],
)
def test_the_readme_excerpts_are_what_xreg_prints(
    language: str, position: int, example: str
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tour = readme.split("## A short tour", 1)[1].split("\n## ", 1)[0]
    excerpt = _blocks(tour, language)[position]
    printed = (EXAMPLES / example).read_text(encoding="utf-8").splitlines()
    missing = [line for line in excerpt.splitlines() if line and line not in printed]
    assert not missing, f"README's excerpt of {example} is out of date: {missing}"
