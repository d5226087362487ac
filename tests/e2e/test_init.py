"""``xreg init`` writes a commented plan that loads, checks and gets fixes."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.check import check_plan
from checker.cli import main
from checker.engine.decide import CheckOptions
from checker.plan.loader import load_plan


def test_init_writes_a_plan_that_checks(tmp_path: Path) -> None:
    plan_path = tmp_path / "plan.yaml"
    argv = ["init", "--training", "222222222222", "--registry", "111111111111"]
    assert main([*argv, "--region", "eu-west-1", "-o", str(plan_path)]) == 0
    text = plan_path.read_text()
    assert text.startswith("# A registration plan for xreg")
    plan = load_plan(plan_path)
    assert (plan.training_account, plan.registry_account, plan.region) == (
        "222222222222",
        "111111111111",
        "eu-west-1",
    )
    report = check_plan(plan, CheckOptions())
    assert report.verdict == "fail"
    assert report.extra["fixes"], "a plan without policies gets the policies it needs"


def test_init_refuses_a_bad_account_and_an_existing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_path = tmp_path / "plan.yaml"
    assert main(["init", "--training", "2222", "--registry", "111111111111"]) == 2
    assert "an account id is 12 digits" in capsys.readouterr().err
    plan_path.write_text("mine\n")
    argv = ["init", "--training", "222222222222", "--registry", "111111111111"]
    assert main([*argv, "-o", str(plan_path)]) == 2
    assert plan_path.read_text() == "mine\n"
