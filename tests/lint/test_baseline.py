"""Baselines: suppression with a reason, expiry that brings findings back, writing one."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from checker.check import check_plan
from checker.errors import InputError
from checker.lint import lint_plan
from checker.lint.baseline import (
    apply_baseline,
    load_baseline,
    parse_baseline,
    stale_suppressions,
    write_baseline,
)
from checker.lint.config import LintConfig, load_config
from checker.lint.hooks import check_options
from checker.plan.loader import load_plan
from checker.results.model import Finding
from tests.lint.harness import SEED

TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def findings() -> list[Finding]:
    return lint_plan(load_plan(SEED / "plan.yaml"), {}, LintConfig())


def _by_rule(findings: list[Finding], rule: str) -> Finding:
    return next(finding for finding in findings if finding.rule == rule)


def test_round_trip_suppresses_every_finding(tmp_path: Path, findings: list[Finding]) -> None:
    path = tmp_path / "baseline.yaml"
    count = write_baseline(findings, path, reason="known gaps", expires=dt.date(2026, 12, 31))
    assert count == len(findings)
    applied = apply_baseline(findings, load_baseline(path), today=TODAY)
    assert [finding.suppressed for finding in applied] == ["known gaps"] * len(findings)
    assert [finding.message for finding in applied] == [finding.message for finding in findings]
    assert LintConfig().fails(applied[0]) is False


def test_expiry_day_is_the_last_day_it_holds(findings: list[Finding]) -> None:
    target = _by_rule(findings, "ACTION-RESOURCE-MISMATCH")
    baseline = parse_baseline(
        {
            "version": 1,
            "suppressions": [
                {"fingerprint": target.fingerprint, "reason": "ticket 42", "expires": "2026-06-01"}
            ],
        },
        "baseline.yaml",
    )
    on_the_day = _by_rule(apply_baseline(findings, baseline, today=TODAY), target.rule)
    assert on_the_day.suppressed == "ticket 42"
    after = _by_rule(
        apply_baseline(findings, baseline, today=TODAY + dt.timedelta(days=1)), target.rule
    )
    assert after.suppressed is None
    assert after.message.endswith("[suppression expired on 2026-06-01: ticket 42]")
    assert LintConfig().fails(after) is True
    others = [f for f in apply_baseline(findings, baseline, today=TODAY) if f is not target]
    assert all(f.suppressed is None for f in others if f.rule != target.rule)


def test_applying_twice_does_not_repeat_the_note(findings: list[Finding]) -> None:
    target = findings[0]
    baseline = parse_baseline(
        {
            "version": 1,
            "suppressions": [
                {"fingerprint": target.fingerprint, "reason": "r", "expires": dt.date(2020, 1, 1)}
            ],
        },
        "b",
    )
    once = apply_baseline(findings, baseline, today=TODAY)
    twice = apply_baseline(once, baseline, today=TODAY)
    assert once == twice


def test_stale_suppressions_are_listed(findings: list[Finding]) -> None:
    baseline = parse_baseline(
        {
            "version": 1,
            "suppressions": [
                {"fingerprint": findings[0].fingerprint, "reason": "r", "expires": "2030-01-01"},
                {"fingerprint": "ab" * 10, "reason": "fixed long ago", "expires": "2030-01-01"},
            ],
        },
        "b",
    )
    assert [entry.reason for entry in stale_suppressions(findings, baseline)] == ["fixed long ago"]


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"version": 2, "suppressions": []}, "version"),
        (
            {
                "version": 1,
                "suppressions": [{"fingerprint": "abcdef0123", "expires": "2030-01-01"}],
            },
            "suppressions[0].reason",
        ),
        (
            {"version": 1, "suppressions": [{"fingerprint": "abcdef0123", "reason": "r"}]},
            "suppressions[0].expires",
        ),
        (
            {
                "version": 1,
                "suppressions": [{"fingerprint": "abcdef0123", "reason": "r", "expires": "soon"}],
            },
            "suppressions[0].expires",
        ),
        (
            {
                "version": 1,
                "suppressions": [
                    {"fingerprint": "not hex!", "reason": "r", "expires": "2030-01-01"}
                ],
            },
            "suppressions[0].fingerprint",
        ),
        ({"version": 1, "entries": []}, "entries"),
    ],
)
def test_bad_baseline_names_the_field(data: object, path: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_baseline(data, "baseline.yaml")
    assert raised.value.path == path


def test_unreadable_baseline_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        load_baseline(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: [1\n")
    with pytest.raises(InputError):
        load_baseline(broken)


def test_baseline_from_configuration_is_applied_by_the_check(tmp_path: Path) -> None:
    from checker.check import check_plan
    from checker.lint.config import load_config
    from checker.lint.hooks import check_options

    folder = tmp_path / "seed"
    shutil.copytree(SEED, folder)
    (folder / ".git").mkdir()
    plan = load_plan(folder / "plan.yaml")
    first = check_plan(plan, check_options(load_config(folder / "plan.yaml")))
    errors = [f for f in first.findings if f.severity == "error" and not f.suppressed]
    assert errors
    write_baseline(
        first.findings, folder / "accepted.yaml", reason="ticket 7", expires=dt.date(2999, 1, 1)
    )
    (folder / ".xreg.yaml").write_text("baseline: accepted.yaml\n")
    second = check_plan(plan, check_options(load_config(folder / "plan.yaml")))
    assert second.findings and all(finding.suppressed == "ticket 7" for finding in second.findings)


def test_a_baseline_accepts_a_known_denied_access_until_it_expires(tmp_path: Path) -> None:
    from checker.cli import main
    from tests.plans import copy_fixture

    plan_path = copy_fixture("explicit-deny", tmp_path / "plan")
    baseline = plan_path.parent / ".xreg-baseline.yaml"
    assert main(["baseline", str(plan_path), "-o", str(baseline), "--reason", "release 42"]) == 0
    text = baseline.read_text()
    assert "requirement: " in text
    (plan_path.parent / ".xreg.yaml").write_text("baseline: .xreg-baseline.yaml\n")
    report = check_plan(load_plan(plan_path), check_options(load_config(plan_path)))
    denied = [row for row in report.requirements if row.decision.is_denied]
    assert denied and all(row.accepted == "release 42" for row in denied)
    assert report.verdict == "pass"
    # once expired, the denial fails again and says so
    past = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    baseline.write_text(re.sub(r"expires: '[0-9-]+'", f"expires: '{past}'", text))
    report = check_plan(load_plan(plan_path), check_options(load_config(plan_path)))
    assert report.verdict == "fail"
    assert any("acceptance expired" in row.because for row in report.requirements)


def test_baseline_says_what_it_cannot_suppress(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from checker.cli import main
    from tests.plans import copy_fixture, edit_plan

    plan_path = copy_fixture("aws-doc-sample-fixed", tmp_path / "plan")

    def unknown_bucket(data: dict[str, Any]) -> None:
        data["resources"]["s3_buckets"] = []

    edit_plan(plan_path, unknown_bucket)
    assert main(["baseline", str(plan_path), "-o", str(tmp_path / "b.yaml")]) == 0
    err = capsys.readouterr().err
    assert "cannot suppress" in err and "is unknown, not denied" in err
