"""docs/report-format.md shows what xreg writes: its example is checked field by field
against the real report of the bundled AWS example."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import ROOT, assert_valid_report

DOC = ROOT / "docs" / "report-format.md"
REAL = ROOT / "reports" / "examples" / "xreg-report.json"


def _shown(shown: Any, real: Any) -> bool:
    """Whether every field ``shown`` gives is in ``real`` with the same value."""
    if isinstance(shown, dict):
        return isinstance(real, dict) and all(
            key in real and _shown(value, real[key]) for key, value in shown.items()
        )
    return bool(shown == real)


def test_the_report_format_example_is_real_output() -> None:
    text = DOC.read_text(encoding="utf-8")
    example = json.loads(text.split("```json\n", 1)[1].split("```", 1)[0])
    real = json.loads(REAL.read_text(encoding="utf-8"))
    assert_valid_report(example)
    for key in ("version", "tool", "command", "plan", "verdict", "summary"):
        assert example[key] == real[key], key
    for key in ("requirements", "findings", "fixes"):
        for item in example[key]:
            assert any(_shown(item, candidate) for candidate in real[key]), (key, item)


def test_every_rule_id_the_docs_name_exists() -> None:
    from checker.lint.spec import load_rule_specs
    from checker.matrix.spec import load_matrix

    known = {spec.id for spec in load_rule_specs()} | {spec.id for spec in load_matrix()}
    text = DOC.read_text(encoding="utf-8")
    example = json.loads(text.split("```json\n", 1)[1].split("```", 1)[0])
    named = {finding["rule"] for finding in example["findings"]}
    named |= {row["id"] for row in example["requirements"]}
    assert named <= known


def test_sarif_locations_are_relative_with_a_base_id() -> None:
    sarif = json.loads((ROOT / "reports" / "examples" / "xreg-report.sarif").read_text())
    (run,) = sarif["runs"]
    assert "%SRCROOT%" in run["originalUriBaseIds"]
    locations = [
        location["physicalLocation"]["artifactLocation"]
        for result in run["results"]
        for location in result["locations"]
    ]
    assert locations
    for location in locations:
        assert location["uriBaseId"] == "%SRCROOT%"
        assert not location["uri"].startswith("/") and "://" not in location["uri"]
        assert (ROOT / location["uri"]).is_file()
