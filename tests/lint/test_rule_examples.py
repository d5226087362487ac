"""Every built-in rule against its own examples: each bad one must produce the rule's finding,
each good one must not. A rule without passing examples cannot land."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from checker.lint.registry import rule_functions
from checker.lint.spec import load_rule_specs
from tests.lint.harness import POLICY_FIELDS, lint_example

CASES = [
    pytest.param(spec.id, kind, example, id=f"{spec.id}-{kind}{index}")
    for spec in load_rule_specs()
    for kind, examples in (("bad", spec.bad_examples), ("good", spec.good_examples))
    for index, example in enumerate(examples)
]


@pytest.mark.parametrize(("rule_id", "kind", "example"), CASES)
def test_rule_example(tmp_path: Path, rule_id: str, kind: str, example: Mapping[str, Any]) -> None:
    findings = [finding for finding in lint_example(tmp_path, example) if finding.rule == rule_id]
    if "policy_type" in example:
        # A policy example is judged by what the rule says about that policy.
        field = POLICY_FIELDS[example["policy_type"]]
        findings = [finding for finding in findings if finding.location.source.endswith(field)]
    if kind == "bad":
        assert findings, f"{rule_id}: the bad example produced no finding"
        for finding in findings:
            assert finding.message
            assert finding.location.source
            assert len(finding.fingerprint) == 20
    else:
        assert not findings, f"{rule_id}: the good example produced {[f.message for f in findings]}"


def test_every_rule_has_logic_and_every_logic_a_rule() -> None:
    ids = {spec.id for spec in load_rule_specs()}
    assert ids == set(rule_functions())


def test_the_example_plan_alone_has_no_finding(tmp_path: Path) -> None:
    # Good examples are judged against this plan: it must itself be clean for every rule.
    assert lint_example(tmp_path, {"plan": {}}) == []
