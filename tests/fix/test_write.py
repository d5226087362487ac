"""write_fixes: each corrected document under the name its command reads, one script of the
commands, and (only when asked) the user's policy files rewritten with the originals kept."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from checker.check import check_plan
from checker.engine.decide import CheckOptions
from checker.fix.write import SCRIPT_NAME, report_fixes, script_text, write_fixes
from checker.records import replace
from checker.results.model import Finding, Fix, Location, Report, Severity, Summary
from tests.fix.scenario import BUCKET_POLICY, load_scenario

MANUAL = Fix(
    account="222222222222",
    target="encryption of the artifacts",
    command="aws s3 cp s3://BUCKET/KEY s3://BUCKET/KEY\n--sse aws:kms",
    kind="manual",
    id="F-man1",
)


def _report(tmp_path: Path) -> Report:
    plan = load_scenario(tmp_path / "plan")
    report = check_plan(plan, CheckOptions(lint=False))
    assert report.extra["fixes"], "the scenario has gaps to fix"
    return report


def test_every_document_is_written_where_its_command_reads_it(tmp_path: Path) -> None:
    report = _report(tmp_path)
    written = write_fixes(report, tmp_path / "out")
    fixes = report_fixes(report)
    assert {path.name for path in written.documents} == {fix.policy_file for fix in fixes}
    script = written.script.read_text(encoding="utf-8")
    for fix in fixes:
        assert fix.policy is not None and fix.policy_file is not None
        document = tmp_path / "out" / fix.policy_file
        assert json.loads(document.read_text(encoding="utf-8")) == fix.policy
        assert f"file://{fix.policy_file}" in fix.command
        assert fix.command in script
    assert written.replaced == ()


def test_the_script_runs_where_the_documents_are(tmp_path: Path) -> None:
    written = write_fixes(_report(tmp_path), tmp_path / "out")
    assert written.script == tmp_path / "out" / SCRIPT_NAME
    assert os.access(written.script, os.X_OK)
    lines = written.script.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#!/bin/sh"
    assert "set -eu" in lines
    assert 'cd "$(dirname "$0")"' in lines  # file://NAME resolves beside the script


def test_each_command_says_its_account_and_a_manual_step_is_a_comment() -> None:
    runnable = Fix(
        account="111111111111",
        target="grants of k",
        command="aws kms create-grant --key-id k\naws kms revoke-grant --key-id k",
        kind="kms_grant",
        id="F-g1",
        description="create   the grant\nand revoke",
    )
    text = script_text([runnable, MANUAL])
    assert "# F-g1: grants of k (account 111111111111)" in text
    assert "# create the grant and revoke" in text  # one line, spaces collapsed
    assert "\naws kms create-grant --key-id k\naws kms revoke-grant --key-id k\n" in text
    assert "# F-man1: encryption of the artifacts (account 222222222222)" in text
    assert "#   aws s3 cp s3://BUCKET/KEY s3://BUCKET/KEY\n#   --sse aws:kms" in text
    assert not re.search(r"^aws s3 cp", text, re.M)


def test_report_fixes_lists_each_fix_once_and_skips_suppressed_findings() -> None:
    location = Location(source="plan.yaml")
    finding = Finding("R1", Severity.WARNING, "m", location, "fp1", fix=MANUAL)
    again = Finding("R2", Severity.WARNING, "m", location, "fp2", fix=MANUAL)
    other = replace(MANUAL, id="F-man2")
    suppressed = Finding("R3", Severity.WARNING, "m", location, "fp3", fix=other, suppressed="ok")
    report = Report(
        plan="plan.yaml",
        verdict="fail",
        requirements=(),
        findings=(finding, again, suppressed),
        summary=Summary(0, 0, 0, 0, 0, 0, 0),
        tool_version="0",
        extra={"fixes": []},
    )
    assert [fix.id for fix in report_fixes(report)] == ["F-man1"]


def test_in_place_rewrites_the_policy_file_and_keeps_the_original(tmp_path: Path) -> None:
    plan = load_scenario(tmp_path / "plan")
    report = check_plan(plan, CheckOptions(lint=False))
    bucket_file = tmp_path / "plan" / "policies" / "bucket.json"
    original = bucket_file.read_text(encoding="utf-8")
    (tmp_path / "plan" / "policies" / "bucket.json.orig").write_text("older", encoding="utf-8")
    written = write_fixes(report, tmp_path / "out", plan, in_place=True)
    kept = tmp_path / "plan" / "policies" / "bucket.json.orig.1"  # .orig was taken
    assert written.replaced == ((bucket_file, kept),)
    assert kept.read_text(encoding="utf-8") == original
    rewritten = json.loads(bucket_file.read_text(encoding="utf-8"))
    assert rewritten["Statement"][0] == BUCKET_POLICY["Statement"][0]
    assert len(rewritten["Statement"]) == 2


def test_without_in_place_the_users_files_are_left_alone(tmp_path: Path) -> None:
    plan = load_scenario(tmp_path / "plan")
    bucket_file = tmp_path / "plan" / "policies" / "bucket.json"
    before = bucket_file.read_text(encoding="utf-8")
    write_fixes(check_plan(plan, CheckOptions(lint=False)), tmp_path / "out", plan)
    assert bucket_file.read_text(encoding="utf-8") == before
    assert not (tmp_path / "plan" / "policies" / "bucket.json.orig").exists()


def test_an_inline_policy_never_rewrites_the_plan_file(tmp_path: Path) -> None:
    def inline(data: dict[str, Any]) -> None:
        data["resources"]["s3_buckets"][0]["policy"] = BUCKET_POLICY

    plan = load_scenario(tmp_path / "plan", inline)
    plan_text = (tmp_path / "plan" / "plan.yaml").read_text(encoding="utf-8")
    written = write_fixes(
        check_plan(plan, CheckOptions(lint=False)), tmp_path / "out", plan, in_place=True
    )
    assert written.replaced == ()
    assert (tmp_path / "plan" / "plan.yaml").read_text(encoding="utf-8") == plan_text
