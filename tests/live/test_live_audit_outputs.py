"""An audit's report in the check's formats, with the check's wording, --fail-on and
--strict, and owners reached by role as a snapshot reaches them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from pathlib import Path

import pytest
from live_scenarios import REGISTRY, TRAINING, populate_audit

from checker.cli import main
from tests.conftest import assert_valid_report
from tests.moto_server import MotoServer

REGISTRY_ROLE = f"arn:aws:iam::{REGISTRY}:role/xreg-checker"
TRAINING_ROLE = f"arn:aws:iam::{TRAINING}:role/xreg-checker"


def audit(server: MotoServer, *extra: str) -> int:
    return main(
        [
            "audit",
            "--registry-role-arn",
            REGISTRY_ROLE,
            "--endpoint-url",
            server.endpoint_url,
            *extra,
        ]
    )


def test_owners_reached_by_role_are_read(server: MotoServer, tmp_path: Path) -> None:
    populate_audit(server.endpoint_url)
    output = tmp_path / "audit.json"
    code = audit(
        server,
        "--training-role-arn",
        TRAINING_ROLE,
        "--group",
        "churn",
        "-f",
        "json",
        "-o",
        str(output),
    )
    report = json.loads(output.read_text(encoding="utf-8"))
    assert code == 0 and report["verdict"] == "pass"
    assert [v["deployable"] for v in report["groups"][0]["versions"]] == ["yes", "yes"]
    assert not any("no credentials" in entry[2] for entry in report["unreadable"])
    assert_valid_report(report)


def test_every_format_of_the_check_is_written(server: MotoServer, tmp_path: Path) -> None:
    populate_audit(server.endpoint_url)
    names = {f: tmp_path / f"audit.{f}" for f in ("json", "sarif", "junit", "markdown", "html")}
    outputs = [arg for path in names.values() for arg in ("-o", str(path))]
    code = audit(server, "--training-role-arn", TRAINING_ROLE, "-f", ",".join(names), *outputs)
    assert code == 1
    report = json.loads(names["json"].read_text(encoding="utf-8"))
    sarif = json.loads(names["sarif"].read_text(encoding="utf-8"))
    results = sarif["runs"][0]["results"]
    assert results and any("GetDownloadUrlForLayer" in r["message"]["text"] for r in results)
    suite = ElementTree.parse(names["junit"]).getroot()
    assert int(suite.get("failures") or suite[0].get("failures") or 0) >= 1
    markdown = names["markdown"].read_text(encoding="utf-8")
    assert "ecr:GetDownloadUrlForLayer" in markdown and "implicit deny" in markdown
    assert "ecr:GetDownloadUrlForLayer" in names["html"].read_text(encoding="utf-8")
    # The versions' reasons speak as the check does.
    blocking = [line for g in report["groups"] for v in g["versions"] for line in v["blocking"]]
    assert blocking and all("implicit_deny" not in line for line in blocking)
    assert any(": implicit deny: " in line for line in blocking)


def test_fail_on_never_reports_without_failing(server: MotoServer, tmp_path: Path) -> None:
    populate_audit(server.endpoint_url)
    output = tmp_path / "audit.json"
    code = audit(
        server,
        "--training-role-arn",
        TRAINING_ROLE,
        "--fail-on",
        "never",
        "-f",
        "json",
        "-o",
        str(output),
    )
    assert code == 0
    assert json.loads(output.read_text(encoding="utf-8"))["verdict"] == "fail"


def test_strict_makes_an_unverified_identity_side_unknown(
    server: MotoServer, tmp_path: Path
) -> None:
    populate_audit(server.endpoint_url)
    output = tmp_path / "audit.json"
    args = ["--training-role-arn", TRAINING_ROLE, "--group", "churn", "-f", "json", "-o"]
    assert audit(server, *args, str(output)) == 0
    code = audit(server, *args, str(output), "--strict")
    report = json.loads(output.read_text(encoding="utf-8"))
    assert code == 1
    assert {v["deployable"] for v in report["groups"][0]["versions"]} == {"unknown"}


def test_one_reason_that_blocks_several_versions_is_printed_once(
    server: MotoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    populate_audit(server.endpoint_url)
    from live_scenarios import GOOD_REPOSITORY, Admin

    Admin(server.endpoint_url, TRAINING).client("ecr").delete_repository_policy(
        repositoryName=GOOD_REPOSITORY
    )
    code = audit(server, "--training-role-arn", TRAINING_ROLE, "--group", "churn")
    out = capsys.readouterr().out
    assert code == 1
    reason = next(line for line in out.splitlines() if "ecr:BatchGetImage" in line)
    assert out.count(reason) == 1
    assert "model-package/churn/1" in out and "model-package/churn/2" in out


def test_merge_writes_the_check_s_formats_and_honours_fail_on(
    server: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    populate_audit(server.endpoint_url)
    shards = []
    for index in (1, 2):
        shard = tmp_path / f"shard{index}.json"
        audit(
            server,
            "--training-role-arn",
            TRAINING_ROLE,
            "--shard",
            f"{index}/2",
            "-f",
            "json",
            "-o",
            str(shard),
        )
        shards.append(str(shard))
    sarif, markdown = tmp_path / "merged.sarif", tmp_path / "merged.md"
    code = main(["merge", *shards, "-f", "sarif,markdown", "-o", str(sarif), "-o", str(markdown)])
    assert code == 1
    results = json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["results"]
    assert any("GetDownloadUrlForLayer" in result["message"]["text"] for result in results)
    assert "implicit deny" in markdown.read_text(encoding="utf-8")
    assert main(["merge", *shards, "--fail-on", "never", "-f", "json", "-o", "-"]) == 0
    merged = json.loads(capsys.readouterr().out)
    assert merged["verdict"] == "fail" and len(merged["groups"]) == 4
    assert_valid_report(merged)


def test_progress_counts_the_groups_of_the_account_being_read(server: MotoServer) -> None:
    from checker.aws.audit.sweep import AuditSettings
    from checker.aws.audit.sweep import audit as run_audit
    from checker.aws.session import AccountAccess, AwsAccount

    populate_audit(server.endpoint_url)
    bars: list[list[object]] = []

    def progress(label: str, total: int) -> Callable[[], None]:
        bar: list[object] = [label, total, 0]
        bars.append(bar)

        def tick() -> None:
            bar[2] = int(str(bar[2])) + 1

        return tick

    access = AccountAccess(
        "--registry-profile", role_arn=REGISTRY_ROLE, endpoint_url=server.endpoint_url
    )
    run_audit(AwsAccount(access), [], AuditSettings(progress=progress, jobs=2))
    assert bars == [[f"groups of account {REGISTRY}", 4, 4]]


def test_since_names_new_groups_and_versions_in_words(
    server: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from live_scenarios import IMAGE, Admin, add_group, add_version

    populate_audit(server.endpoint_url)
    before = tmp_path / "before.json"
    audit(server, "--training-role-arn", TRAINING_ROLE, "-f", "json", "-o", str(before))
    registry = Admin(server.endpoint_url, REGISTRY)
    group = add_group(registry, "fraud", register_principal=None)
    version = add_version(registry, "fraud", IMAGE, "s3://my-bucket/model.tar.gz")
    capsys.readouterr()
    audit(server, "--training-role-arn", TRAINING_ROLE, "--since", str(before))
    out = " ".join(capsys.readouterr().out.split())
    assert f"new groups: 1 {group} " in out
    assert f"new versions: 1 {version}: deployable no " in out
    assert "{'arn'" not in out
