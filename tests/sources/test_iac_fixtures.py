"""Each IaC fixture decides exactly as its hand-written expected.yaml says, and the fixes it
suggests make it pass."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checker.check import check_plan
from checker.engine.decide import CheckOptions
from checker.fix.apply import apply_fixes
from checker.plan.loader import load_plan
from checker.report.json_report import report_to_dict
from tests.conftest import FIXTURES, assert_valid_report

IAC = sorted((FIXTURES / "iac").glob("*/plan.yaml"))


def _decisions(rows: list[dict[str, str]]) -> dict[tuple[str, str, str], str]:
    return {(row["id"], row["action"], row["resource"]): row["decision"] for row in rows}


def test_there_is_a_fixture_of_each_kind() -> None:
    kinds = set()
    for plan in IAC:
        for source in yaml.safe_load(plan.read_text())["sources"]:
            kinds.update(
                key
                for key in source
                if key in ("cloudformation", "cdk", "terraform_plan", "sagemaker_pipeline")
            )
    assert kinds == {"cloudformation", "cdk", "terraform_plan", "sagemaker_pipeline"}


@pytest.mark.parametrize("plan_path", IAC, ids=lambda path: path.parent.name)
def test_iac_fixture_decisions_match_expected(plan_path: Path) -> None:
    expected = yaml.safe_load((plan_path.parent / "expected.yaml").read_text())
    report = check_plan(load_plan(plan_path), CheckOptions(lint=False))
    data = report_to_dict(report)
    assert_valid_report(data)
    assert _decisions(data["requirements"]) == _decisions(expected["requirements"])
    assert report.verdict == expected["verdict"]


@pytest.mark.parametrize("plan_path", IAC, ids=lambda path: path.parent.name)
def test_every_suggested_fix_closes_its_denial(plan_path: Path) -> None:
    plan = load_plan(plan_path)
    # Documented accesses too: every fix xreg can suggest must close its denial.
    options = CheckOptions(lint=False, fix_documented=True)
    report = check_plan(plan, options)
    fixed = check_plan(apply_fixes(plan, report.extra["fixes"]), options)
    assert not [row.action for row in fixed.requirements if row.decision.is_denied]
