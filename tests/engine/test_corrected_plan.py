"""The check of the plan lint corrected: it reuses the parses and decisions of what the
corrections left alone, and decides exactly as a check of that plan from scratch."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from checker.check import check_plan
from checker.engine.decide import CheckOptions, decide_requirements
from checker.engine.policies import PolicyIndex
from checker.fix.plan import lint_corrected
from checker.lint.config import load_config
from checker.lint.hooks import check_options
from checker.plan.loader import load_plan
from checker.plan.model import Plan
from checker.results.model import Finding
from tests.conftest import fixture_plans
from tests.plans import copy_fixture, edit_plan
from tests.work import counted


def _relint(plan_path: Path) -> tuple[CheckOptions, Callable[[Plan], list[Finding]]]:
    options = check_options(load_config(plan_path, "error"))

    def relint(plan: Plan) -> list[Finding]:
        index = PolicyIndex(plan)
        index.parse_all()
        assert options.extra_findings is not None
        return list(options.extra_findings(plan, index))

    return options, relint


@pytest.mark.parametrize("plan_path", fixture_plans(), ids=lambda path: path.parent.name)
def test_reused_decisions_are_the_decisions_of_the_corrected_plan(plan_path: Path) -> None:
    plan = load_plan(plan_path)
    options, relint = _relint(plan_path)
    index, decided, _ = decide_requirements(plan, options)
    corrected = lint_corrected(plan, relint(plan), relint).plan
    reusing = decide_requirements(corrected, options, earlier_index=index, earlier=decided)
    fresh = decide_requirements(corrected, options)
    assert reusing[1] == fresh[1]
    assert reusing[0].by_source == fresh[0].by_source


_BROAD_REPOSITORY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "RegistryEverything",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
            "Action": "ecr:*",
        }
    ],
}


def _unused_repository(data: dict[str, object]) -> None:
    resources = data["resources"]
    assert isinstance(resources, dict)
    resources["ecr_repositories"].append(
        {
            "arn": "arn:aws:ecr:us-east-2:222222222222:repository/unused",
            "policy": "policies/unused-repository.json",
        }
    )


def test_a_correction_no_row_reads_decides_nothing_again(tmp_path: Path) -> None:
    plan_path = copy_fixture("aws-doc-sample-fixed", tmp_path / "plan")
    (plan_path.parent / "policies" / "unused-repository.json").write_text(
        json.dumps(_BROAD_REPOSITORY_POLICY), encoding="utf-8"
    )
    plan = load_plan(edit_plan(plan_path, _unused_repository))
    options = check_options(load_config(plan_path, "error"))
    with counted() as work:
        report = check_plan(plan, options)
    assert any(f.rule == "BROAD-CROSS-ACCOUNT" and f.fix is not None for f in report.findings)
    assert any(fix.target.endswith("repository/unused") for fix in report.extra["fixes"])
    # Every row is decided once; the policies are parsed once, and the corrected one again.
    assert work["decide_access"] == len(report.requirements)
    assert work["parse_policy"] == len(plan.loaded_policies()) + 1
