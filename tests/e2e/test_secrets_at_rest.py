"""No file xreg writes holds a container Environment value: every command that writes files
is run, and every file it wrote is searched for the secrets. A plan whose Environment values
are redacted checks as the original does."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from checker.cli import main
from checker.redaction import REDACTED, redact_environment
from tests.plans import copy_fixture, edit_plan

SECRETS = ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "hunter2-db")
FORMATS = ["json", "sarif", "junit", "markdown", "html"]


def _environment() -> dict[str, str]:
    return {
        "AWS_ACCESS_KEY_ID": SECRETS[0],
        "AWS_SECRET_ACCESS_KEY": SECRETS[1],
        "DB_PASSWORD": SECRETS[2],
        "TOO_LONG": SECRETS[2] + "x" * 1100,  # past AWS's 1,024: an invalid request
    }


def plan_with_secrets(folder: Path) -> Path:
    def add(data: dict[str, Any]) -> None:
        containers = data["registration"]["InferenceSpecification"]["Containers"]
        containers[0]["Environment"] = _environment()
        data["registration"]["AdditionalInferenceSpecifications"] = [
            {
                "Name": "extra",
                "Containers": [{"Image": containers[0]["Image"], "Environment": _environment()}],
            }
        ]

    return edit_plan(copy_fixture("aws-doc-sample", folder), add)


def files_under(folder: Path) -> dict[Path, float]:
    return {path: path.stat().st_mtime_ns for path in folder.rglob("*") if path.is_file()}


def assert_no_secret_in_new_files(folder: Path, before: dict[Path, float]) -> list[Path]:
    written = [p for p, mtime in files_under(folder).items() if before.get(p) != mtime]
    for path in written:
        text = path.read_bytes().decode("utf-8", errors="replace")
        for secret in SECRETS:
            assert secret not in text, f"{secret} in {path}"
    return written


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Run in the folder, so files written to default places (reports/) are searched too.
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("command", ["check", "dry-run"])
def test_report_files_of_every_format_hold_no_secret(
    workspace: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = plan_with_secrets(workspace / "plan")
    before = files_under(workspace)
    args = [command, str(plan), "-f", ",".join(["console", *FORMATS])]
    for name in FORMATS:
        args += ["-o", str(workspace / "out" / f"report.{name}")]
    main(args)
    printed = capsys.readouterr()
    for secret in SECRETS:
        assert secret not in printed.out + printed.err
    written = assert_no_secret_in_new_files(workspace, before)
    assert len(written) >= len(FORMATS)
    # Default places too: every format to reports/.
    before = files_under(workspace)
    main([command, str(plan), "-f", ",".join(FORMATS)])
    assert len(assert_no_secret_in_new_files(workspace, before)) >= len(FORMATS)


def test_baseline_file_holds_no_secret(workspace: Path) -> None:
    plan = plan_with_secrets(workspace / "plan")
    before = files_under(workspace)
    assert main(["baseline", str(plan), "-o", str(workspace / "baseline.yaml")]) == 0
    assert assert_no_secret_in_new_files(workspace, before) == [workspace / "baseline.yaml"]


def test_redaction_keeps_keys_and_replaces_every_value() -> None:
    request = {
        "InferenceSpecification": {"Containers": [{"Image": "i", "Environment": _environment()}]},
        "ValidationSpecification": {
            "ValidationProfiles": [
                {"TransformJobDefinition": {"Environment": {"TOKEN": SECRETS[2]}}}
            ]
        },
    }
    redacted = redact_environment(request)
    environment = redacted["InferenceSpecification"]["Containers"][0]["Environment"]
    assert list(environment) == list(_environment())
    assert environment["DB_PASSWORD"] == REDACTED
    assert len(environment["TOO_LONG"]) == len(_environment()["TOO_LONG"])
    assert environment["TOO_LONG"].startswith(REDACTED)
    profile = redacted["ValidationSpecification"]["ValidationProfiles"][0]
    assert profile["TransformJobDefinition"]["Environment"] == {"TOKEN": REDACTED}
    assert not any(secret in json.dumps(redacted) for secret in SECRETS)
    assert redact_environment(redacted) == redacted  # a snapshot refreshed from one


def _report(plan: Path, output: Path) -> dict[str, Any]:
    main(["check", str(plan), "-f", "json", "-o", str(output)])
    report: dict[str, Any] = json.loads(output.read_text(encoding="utf-8"))
    return report


def test_a_redacted_plan_checks_as_the_original(workspace: Path) -> None:
    original = plan_with_secrets(workspace / "original")
    redacted = plan_with_secrets(workspace / "redacted")
    edit_plan(
        redacted, lambda data: data.update(registration=redact_environment(data["registration"]))
    )
    assert SECRETS[1] not in redacted.read_text(encoding="utf-8")
    first = json.dumps(_report(original, workspace / "a.json"), sort_keys=True)
    second = json.dumps(_report(redacted, workspace / "b.json"), sort_keys=True)
    first = first.replace(str(original.parent), "").replace(os.path.relpath(original.parent), "")
    second = second.replace(str(redacted.parent), "").replace(os.path.relpath(redacted.parent), "")
    assert first == second
    # The too-long value is still refused, as AWS would.
    assert "Environment.TOO_LONG" in second
