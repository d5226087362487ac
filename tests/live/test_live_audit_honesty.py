"""What an audit could not read is unknown, with its reason, in every view: never a pass,
never a traceback, never "no policy"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from live_scenarios import REGISTRY, TRAINING, populate_audit

from checker.cli import main
from tests.moto_server import MotoServer

FAULTS = ["access_denied", "throttle", "reset", "internal_error"]
GROUP_LISTING = f"arn:aws:sagemaker:us-east-2:{REGISTRY}:model-package-group/*"


@pytest.fixture
def profiles(server: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "aws-config"
    sections = ["[profile base]\naws_access_key_id = testing\naws_secret_access_key = testing\n"]
    for name, account in (("training", TRAINING), ("registry", REGISTRY)):
        sections.append(
            f"[profile {name}]\nrole_arn = arn:aws:iam::{account}:role/xreg-checker\n"
            f"source_profile = base\nregion = us-east-2\nendpoint_url = {server.endpoint_url}\n"
        )
    config.write_text("\n".join(sections), encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))


def audit_json(server: MotoServer, tmp_path: Path, *extra: str) -> tuple[int, Any]:
    output = tmp_path / "audit.json"
    code = main(
        [
            "audit",
            "--registry-profile",
            "registry",
            "--endpoint-url",
            server.endpoint_url,
            "--max-attempts",
            "2",
            "--read-timeout",
            "5",
            "--format",
            "json",
            "-o",
            str(output),
            *extra,
        ]
    )
    return code, json.loads(output.read_text(encoding="utf-8"))


def churn_audit(server: MotoServer, tmp_path: Path, *extra: str) -> tuple[int, Any]:
    """The audit of group churn, which passes when everything can be read."""
    return audit_json(
        server, tmp_path, "--training-profile", "training", "--group", "churn", *extra
    )


def test_the_churn_audit_passes_when_every_read_works(
    server: MotoServer, profiles: None, tmp_path: Path
) -> None:
    populate_audit(server.endpoint_url)
    code, report = churn_audit(server, tmp_path)
    assert (code, report["verdict"], report["unreadable"]) == (0, "pass", [])
    assert report["groups"][0]["unreadable"] == []


@pytest.mark.parametrize("fault", FAULTS)
def test_a_group_whose_versions_cannot_be_listed_is_unknown(
    server: MotoServer, profiles: None, tmp_path: Path, fault: str
) -> None:
    populate_audit(server.endpoint_url)
    server.set_faults([{"operation": "ListModelPackages", "fault": fault}])
    code, report = churn_audit(server, tmp_path)
    assert code == 1 and report["verdict"] == "fail"
    (group,) = report["groups"]
    ((resource, what, reason),) = report["unreadable"]
    assert (resource, what) == (group["arn"], "versions")
    assert reason.startswith("sagemaker:ListModelPackages ") and "\n" not in reason
    assert group["unreadable"] == [[resource, what, reason]]


@pytest.mark.parametrize("fault", ["access_denied", "reset"])
def test_a_version_that_cannot_be_described_is_unknown_and_listed(
    server: MotoServer, profiles: None, tmp_path: Path, fault: str
) -> None:
    populate_audit(server.endpoint_url)
    server.set_faults([{"operation": "DescribeModelPackage", "fault": fault}])
    code, report = churn_audit(server, tmp_path)
    assert code == 1 and report["verdict"] == "fail"
    versions = report["groups"][0]["versions"]
    assert len(versions) == 2  # listed, not dropped
    assert [v["deployable"] for v in versions] == ["unknown", "unknown"]
    assert sorted(entry[0] for entry in report["unreadable"]) == sorted(v["arn"] for v in versions)
    assert all(entry[1] == "version" for entry in report["unreadable"])


def test_an_unreadable_group_policy_is_unknown_not_no_policy(
    server: MotoServer, profiles: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    populate_audit(server.endpoint_url)
    server.set_faults([{"operation": "GetModelPackageGroupPolicy", "fault": "internal_error"}])
    code, report = churn_audit(server, tmp_path)
    assert code == 1 and report["verdict"] == "fail"
    (group,) = report["groups"]
    ((resource, what, reason),) = report["unreadable"]
    assert (resource, what) == (group["arn"], "policy")
    # The service's HTML error page is cut to its code and one line.
    assert reason == ("sagemaker:GetModelPackageGroupPolicy failed: 500: 500 Internal Server Error")
    assert group["policy_unreadable"] == reason
    capsys.readouterr()
    code = main(
        [
            "audit",
            "--registry-profile",
            "registry",
            "--training-profile",
            "training",
            "--group",
            "churn",
            "--endpoint-url",
            server.endpoint_url,
            "--max-attempts",
            "1",
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    row = next(line for line in out.splitlines() if "churn" in line)
    assert "no policy" not in out and row.split("│")[-2].strip() == "unknown"
    assert f"{group['arn']} (policy): {reason}" in " ".join(out.split())


@pytest.mark.parametrize("fault", FAULTS)
def test_an_unlistable_account_is_unknown_not_a_traceback(
    server: MotoServer,
    profiles: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fault: str,
) -> None:
    populate_audit(server.endpoint_url)
    server.set_faults([{"operation": "ListModelPackageGroups", "fault": fault}])
    code, report = audit_json(server, tmp_path)
    assert code == 1 and report["verdict"] == "fail" and report["groups"] == []
    ((resource, what, reason),) = report["unreadable"]
    assert (resource, what) == (GROUP_LISTING, "groups")
    assert reason.startswith("sagemaker:ListModelPackageGroups ") and "\n" not in reason
    assert "Traceback" not in capsys.readouterr().err


def test_since_does_not_call_an_unreadable_policy_revoked(
    server: MotoServer, profiles: None, tmp_path: Path
) -> None:
    populate_audit(server.endpoint_url)
    before = tmp_path / "before.json"
    _, report = churn_audit(server, tmp_path)
    before.write_text(json.dumps(report), encoding="utf-8")
    server.set_faults([{"operation": "GetModelPackageGroupPolicy", "fault": "access_denied"}])
    _, after = churn_audit(server, tmp_path, "--since", str(before))
    assert after["changes"]["revoked_grants"] == []
