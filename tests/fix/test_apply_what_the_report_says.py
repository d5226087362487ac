"""Apply exactly what a report says, in every format, and check again: it passes.

For every failing fixture and for plans made from them (a gap on both the key policy and the
consumer's own role policy; a bucket policy with no statement for the consumer), each format
is rendered, read back as a person reads it (documents by the file names the commands use,
and the commands), the commands are carried out on a copy of the plan, and the re-check has
no denied required access and no error-level finding.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from checker.check import check_plan
from checker.lint.config import load_config
from checker.lint.hooks import check_options
from checker.plan.loader import load_plan
from checker.report.console import console_lines
from checker.report.formats import FORMATS
from checker.report.lines import plain_text
from checker.results.model import Level, Report, Severity
from tests.fix import report_fixes
from tests.fix.aws_cli import PlanAccounts
from tests.plans import copy_fixture, edit_plan

FAILING_FIXTURES = ("aws-doc-sample", "explicit-deny", "identity-denies")


def _key_and_role_deny(plan_path: Path) -> None:
    """The consumer's Decrypt is denied by the key policy and by its own role policy."""
    folder = plan_path.parent
    key = json.loads((folder / "policies" / "key.json").read_text())
    key["Statement"] = [s for s in key["Statement"] if s.get("Sid") != "AddPerm"]
    (folder / "policies" / "key.json").write_text(json.dumps(key))
    role_file = folder / "policies" / "deploy-role.json"
    role = json.loads(role_file.read_text())
    for statement in role["Statement"]:
        if statement.get("Sid") == "DecryptArtifacts":
            statement["Resource"] = "arn:aws:kms:us-east-2:222222222222:key/another-key"
    role_file.write_text(json.dumps(role))

    def no_grants(data: dict[str, Any]) -> None:
        for key in data["resources"]["kms_keys"]:
            key.pop("grants", None)

    edit_plan(plan_path, no_grants)


def _bucket_without_consumer(plan_path: Path) -> None:
    folder = plan_path.parent
    bucket = folder / "policies" / "bucket.json"
    only_owner = {
        "Sid": "OwnerReads",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::my-bucket/*",
    }
    bucket.write_text(json.dumps({"Version": "2012-10-17", "Statement": [only_owner]}))


GENERATED: dict[str, tuple[str, Callable[[Path], None]]] = {
    "key-and-role-deny": ("identity-denies", _key_and_role_deny),
    "bucket-without-consumer": ("aws-doc-sample", _bucket_without_consumer),
}


def _render(report: Report, format_name: str) -> str:
    if format_name == "console":
        return "\n".join(plain_text(line) for line in console_lines(report)) + "\n"
    return FORMATS[format_name].renderer()(report)


READERS = {
    "console": report_fixes.from_console,
    "json": report_fixes.from_json,
    "markdown": report_fixes.from_markdown,
    "html": report_fixes.from_html,
    "sarif": report_fixes.from_sarif,
}


def _check(plan_path: Path) -> Report:
    return check_plan(load_plan(plan_path), check_options(load_config(plan_path)))


def _cases() -> list[tuple[str, str]]:
    names = [*FAILING_FIXTURES, *GENERATED]
    return [(name, fmt) for name in names for fmt in READERS]


@pytest.mark.parametrize(("plan_name", "format_name"), _cases())
def test_applying_what_the_report_says_makes_the_check_pass(
    plan_name: str, format_name: str, tmp_path: Path
) -> None:
    source, change = GENERATED.get(plan_name, (plan_name, None))
    plan_path = copy_fixture(source, tmp_path / "plan")
    if change is not None:
        change(plan_path)
    report = _check(plan_path)
    assert report.verdict == "fail"
    documents, commands = READERS[format_name](_render(report, format_name))
    assert commands, "a failing plan must get commands"
    accounts = PlanAccounts(plan_path, documents)
    for command in commands:
        accounts.run(command)
    accounts.save()
    fixed = _check(plan_path)
    denied = [
        (row.id, row.action, row.decision.value)
        for row in fixed.requirements
        if row.level is Level.REQUIRED
        and (row.decision.is_denied or row.decision.value == "unknown")
    ]
    errors = [f.rule for f in fixed.findings if f.severity is Severity.ERROR and not f.suppressed]
    assert (denied, errors) == ([], [])
    assert fixed.verdict == "pass"


def test_a_gap_denied_on_both_sides_names_both_fixes(tmp_path: Path) -> None:
    plan_path = copy_fixture("identity-denies", tmp_path / "plan")
    _key_and_role_deny(plan_path)
    report = _check(plan_path)
    (row,) = [
        r
        for r in report.requirements
        if r.action == "kms:Decrypt" and r.principal.endswith("role/SageMakerDeployRole")
    ]
    assert {fix.kind for fix in row.fixes} == {"resource_policy", "identity_policy"}
    assert [fix.kind for fix in row.fixes] == ["resource_policy", "identity_policy"]
    ids = [fix.id for fix in row.fixes]
    for format_name in ("console", "markdown", "html", "sarif", "json", "junit"):
        text = _render(report, format_name)
        assert all(fix_id in text for fix_id in ids), format_name


def test_fix_ids_are_derived_from_the_policy_not_the_order(tmp_path: Path) -> None:
    plan_path = copy_fixture("aws-doc-sample", tmp_path / "plan")
    first = {fix.target: fix.id for fix in _check(plan_path).extra["fixes"]}
    # Drop the repository gap: the bucket fix keeps its id though it is now the only one.
    _bucket_without_consumer(plan_path)
    second = {fix.target: fix.id for fix in _check(plan_path).extra["fixes"]}
    shared = set(first) & set(second)
    assert shared and all(first[target] == second[target] for target in shared)
    report = _check(plan_path)
    assert all(f.fix.id for f in report.findings if f.fix is not None)


def test_lint_and_access_fixes_of_one_policy_are_one_document(tmp_path: Path) -> None:
    plan_path = copy_fixture("aws-doc-sample", tmp_path / "plan")
    report = _check(plan_path)
    by_target: dict[str, set[tuple[str | None, str]]] = {}
    for fix in report.extra["fixes"]:
        by_target.setdefault(fix.target, set()).add((fix.policy_file, fix.command))
    for finding in report.findings:
        if finding.fix is not None and finding.fix.policy is not None:
            by_target.setdefault(finding.fix.target, set()).add(
                (finding.fix.policy_file, finding.fix.command)
            )
    assert all(len(ways) == 1 for ways in by_target.values()), by_target


@pytest.mark.parametrize("plan_name", [*FAILING_FIXTURES, *GENERATED])
def test_xreg_fix_writes_every_document_its_script_reads(plan_name: str, tmp_path: Path) -> None:
    from checker.cli import main

    source, change = GENERATED.get(plan_name, (plan_name, None))
    plan_path = copy_fixture(source, tmp_path / "plan")
    if change is not None:
        change(plan_path)
    before = {path: path.read_bytes() for path in plan_path.parent.rglob("*") if path.is_file()}
    out = tmp_path / "fixes"
    assert main(["fix", str(plan_path), "-o", str(out)]) == 0
    script = (out / "apply-fixes.sh").read_text()
    assert script.startswith("#!/bin/sh\n") and 'cd "$(dirname "$0")"' in script
    documents = {path.name: json.loads(path.read_text()) for path in out.glob("*.json")}
    for name in re.findall(r"file://(\S+)", script):
        assert name in documents, f"{name} is not written"
    # the user's files are untouched
    assert {p: p.read_bytes() for p in before} == before
    accounts = PlanAccounts(plan_path, documents)
    accounts.run(
        "\n".join(line for line in script.splitlines() if not line.startswith(("#", "set ", "cd ")))
    )
    accounts.save()
    assert _check(plan_path).verdict == "pass"


def test_in_place_rewrites_the_policy_files_and_keeps_the_originals(tmp_path: Path) -> None:
    from checker.cli import main

    plan_path = copy_fixture("aws-doc-sample", tmp_path / "plan")
    bucket = plan_path.parent / "policies" / "bucket.json"
    original = bucket.read_text()
    assert (
        main(["check", str(plan_path), "--write-fixes", str(tmp_path / "out"), "--in-place"]) == 1
    )
    assert (plan_path.parent / "policies" / "bucket.json.orig").read_text() == original
    assert json.loads(bucket.read_text()) == json.loads(
        (tmp_path / "out" / "fixed-bucket-policy-my-bucket.json").read_text()
    )


def test_in_place_alone_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from checker.cli import main

    plan_path = copy_fixture("aws-doc-sample", tmp_path / "plan")
    assert main(["check", str(plan_path), "--in-place"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # refused before any work
    assert "needs --write-fixes DIR" in captured.err
