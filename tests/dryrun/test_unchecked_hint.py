"""How a passing dry-run says what nobody checked: a call moto cannot emulate was decided
by xreg and not sent (nothing to do with --strict); an identity side the plan does not
give is what --strict stops at."""

from __future__ import annotations

from pathlib import Path

from checker.dryrun.console import dry_run_lines
from checker.report.lines import plain_text
from tests.dryrun.conftest import copy_fixture, edit_plan, replay


def ending(plan: Path) -> str:
    lines = [plain_text(line) for line in dry_run_lines(replay(plan))]
    start = next(i for i, text in enumerate(lines) if text.startswith("DRY-RUN SUCCEEDED"))
    return " ".join(" ".join(lines[start:]).split())


def test_steps_moto_cannot_emulate_are_named_as_xreg_s_own_decision(tmp_path: Path) -> None:
    text = ending(copy_fixture("aws-doc-sample-fixed", tmp_path / "plan"))
    assert (
        "steps 4, 5 (ecr:GetDownloadUrlForLayer) xreg decided itself with its evaluator and "
        "did not send: moto cannot emulate them" in text
    )
    assert "--strict" not in text  # every identity side is given: nothing for --strict


def test_an_identity_side_not_given_is_what_strict_stops_at(tmp_path: Path) -> None:
    plan = copy_fixture("aws-doc-sample-fixed", tmp_path / "plan")
    edit_plan(plan, lambda data: data.pop("identities"))
    text = ending(plan)
    assert "rest on identity policies the plan does not give" in text
    assert "--strict stops at such a step" in text
    assert "xreg decided itself" in text
