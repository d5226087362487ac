"""``xreg audit`` over a registry account on the moto server, and ``xreg merge``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from live_scenarios import (
    GOOD_BUCKET,
    GOOD_REPOSITORY,
    GROUP,
    REGION,
    REGISTRY,
    TRAINING,
    Admin,
    add_version,
    populate_audit,
    put_artifact,
)

from checker.cli import main
from tests.moto_server import MotoServer

TRAINING_ROOT = f"arn:aws:iam::{TRAINING}:root"


@pytest.fixture
def profiles(server: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Named profiles for both accounts, as a user would have them (role via source_profile)."""
    config = tmp_path / "aws-config"
    sections = ["[profile base]\naws_access_key_id = testing\naws_secret_access_key = testing\n"]
    for name, account in (("training", TRAINING), ("registry", REGISTRY)):
        sections.append(
            f"[profile {name}]\nrole_arn = arn:aws:iam::{account}:role/xreg-checker\n"
            f"source_profile = base\nregion = {REGION}\nendpoint_url = {server.endpoint_url}\n"
        )
    config.write_text("\n".join(sections), encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))


def run_audit(
    server: MotoServer, tmp_path: Path, *extra: str, name: str = "audit"
) -> tuple[int, Any]:
    output = tmp_path / f"{name}.json"
    code = main(
        [
            "audit",
            "--registry-profile",
            "registry",
            "--endpoint-url",
            server.endpoint_url,
            "--format",
            "json",
            "-o",
            str(output),
            *extra,
        ]
    )
    return code, json.loads(output.read_text(encoding="utf-8"))


def groups_of(report: Any) -> dict[str, Any]:
    return {group["name"]: group for group in report["groups"]}


def test_audit_decides_each_version_with_the_owners_policies(
    server: MotoServer, profiles: None, tmp_path: Path
) -> None:
    populate_audit(server.endpoint_url)
    code, report = run_audit(server, tmp_path, "--training-profile", "training")
    assert code == 1 and report["verdict"] == "fail"
    groups = groups_of(report)
    assert sorted(groups) == ["churn", GROUP, "old", "unshared"]
    # The seed's repository policy lacks ecr:GetDownloadUrlForLayer: iris cannot deploy.
    (iris_version,) = groups[GROUP]["versions"]
    assert iris_version["deployable"] == "no"
    assert any("ecr:GetDownloadUrlForLayer" in line for line in iris_version["blocking"])
    assert iris_version["images"] == [
        f"{TRAINING}.dkr.ecr.{REGION}.amazonaws.com/decision-trees-sample:latest"
    ]
    # churn's resources allow the registry account: both versions deploy.
    churn = groups["churn"]
    assert [v["deployable"] for v in churn["versions"]] == ["yes", "yes"]
    assert [v["version"] for v in churn["versions"]] == [1, 2]
    assert all(v["status"] == "Approved" and v["created"] for v in churn["versions"])
    assert churn["versions"][0]["keys"] and churn["versions"][0]["keys"][0].startswith(
        f"arn:aws:kms:{REGION}:{TRAINING}:key/"
    )
    # A rejected version is listed but does not fail the audit on its own.
    assert groups["old"]["versions"][0]["status"] == "Rejected"
    # Who may register: the group policy's principal, decided by the evaluator.
    assert groups["churn"]["may_register"] == [
        {
            "principal": TRAINING_ROOT,
            "decision": "allowed",
            "because": churn["may_register"][0]["because"],
        }
    ]
    assert groups["unshared"]["may_register"] == [] and groups["unshared"]["policy"] is None
    # Top-level requirements: what is not allowed, each row naming its versions.
    pull = [
        row
        for row in report["requirements"]
        if row["action"] == "ecr:GetDownloadUrlForLayer" and row["decision"] != "allowed"
    ]
    assert [row["referenced_by"] for row in pull] == [[iris_version["arn"]]]


def test_without_the_owners_profile_access_is_unknown(
    server: MotoServer, profiles: None, tmp_path: Path
) -> None:
    populate_audit(server.endpoint_url)
    _, report = run_audit(server, tmp_path)
    churn = groups_of(report)["churn"]
    assert [v["deployable"] for v in churn["versions"]] == ["unknown", "unknown"]
    assert report["summary"]["allowed"] < report["summary"]["requirements"]
    assert any("no credentials for account" in entry[2] for entry in report["unreadable"])


def test_group_pattern_selects_groups(server: MotoServer, profiles: None, tmp_path: Path) -> None:
    populate_audit(server.endpoint_url)
    _, report = run_audit(server, tmp_path, "--training-profile", "training", "--group", "ch*")
    assert list(groups_of(report)) == ["churn"]
    assert report["verdict"] == "pass"


def test_shards_split_the_groups_and_merge_joins_them(
    server: MotoServer, profiles: None, tmp_path: Path
) -> None:
    populate_audit(server.endpoint_url)
    common = ("--training-profile", "training")
    _, whole = run_audit(server, tmp_path, *common, name="whole")
    shards = [
        run_audit(server, tmp_path, *common, "--shard", f"{i}/3", name=f"shard{i}")[1]
        for i in (1, 2, 3)
    ]
    names = [sorted(groups_of(shard)) for shard in shards]
    assert sorted(n for shard in names for n in shard) == sorted(groups_of(whole))
    assert sum(len(shard) for shard in names) == len(whole["groups"])  # disjoint
    merged_path = tmp_path / "merged.json"
    code = main(
        ["merge", *(str(tmp_path / f"shard{i}.json") for i in (1, 2, 3)), "-o", str(merged_path)]
    )
    merged = json.loads(merged_path.read_text(encoding="utf-8"))
    assert code == 1 and merged["verdict"] == whole["verdict"] == "fail"
    assert [g["arn"] for g in merged["groups"]] == [g["arn"] for g in whole["groups"]]
    assert merged["summary"] == whole["summary"]
    key = lambda row: (row["principal"], row["action"], row["resource"])  # noqa: E731
    assert sorted(map(key, merged["requirements"])) == sorted(map(key, whole["requirements"]))
    # A missing shard is refused: an incomplete audit must not pass as a complete one.
    code = main(["merge", str(tmp_path / "shard1.json"), "-o", str(tmp_path / "partial.json")])
    assert code == 2 and not (tmp_path / "partial.json").exists()
    stamp = shards[0]["shard"]
    assert (stamp["index"], stamp["count"], stamp["chosen_by"]) == (1, 3, "--shard")
    assert stamp["input_digest"].startswith("sha256:")
    assert stamp["counts"] == {
        "accounts": 1,
        "groups": len(shards[0]["groups"]),
        "versions": sum(len(group["versions"]) for group in shards[0]["groups"]),
    }


def test_merge_refuses_overlapping_shards(
    server: MotoServer, profiles: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    populate_audit(server.endpoint_url)
    run_audit(server, tmp_path, "--group", "churn", name="a")
    code = main(["merge", str(tmp_path / "a.json"), str(tmp_path / "a.json"), "-o", "-"])
    assert code == 2
    assert "is in two reports" in capsys.readouterr().err


def test_since_reports_new_versions_and_revoked_access(
    server: MotoServer, profiles: None, tmp_path: Path
) -> None:
    world = populate_audit(server.endpoint_url)
    common = ("--training-profile", "training")
    run_audit(server, tmp_path, *common, name="before")
    image = f"{TRAINING}.dkr.ecr.{REGION}.amazonaws.com/{GOOD_REPOSITORY}:v1"
    training, registry = Admin(server.endpoint_url, TRAINING), Admin(server.endpoint_url, REGISTRY)
    url = put_artifact(training, GOOD_BUCKET, "churn/v3/model.tar.gz", world.key_arn)
    new_version = add_version(registry, "churn", image, url)
    training.client("ecr").delete_repository_policy(repositoryName=GOOD_REPOSITORY)
    registry.client("sagemaker").delete_model_package_group_policy(ModelPackageGroupName="old")
    _, after = run_audit(
        server, tmp_path, *common, "--since", str(tmp_path / "before.json"), name="after"
    )
    changes = after["changes"]
    assert changes["new_versions"] == [{"arn": new_version, "deployable": "no"}]
    churn_arns = [v["arn"] for v in groups_of(after)["churn"]["versions"][:2]]
    assert changes["deployability_changed"] == [
        {"arn": arn, "was": "yes", "now": "no"} for arn in churn_arns
    ]
    old_arn = groups_of(after)["old"]["arn"]
    assert changes["revoked_grants"] == [{"group": old_arn, "principal": TRAINING_ROOT}]
    assert changes["new_groups"] == changes["removed_groups"] == changes["new_grants"] == []


def test_a_denied_group_policy_is_reported_and_the_audit_goes_on(
    server: MotoServer, profiles: None, tmp_path: Path
) -> None:
    populate_audit(server.endpoint_url)
    server.set_faults(
        [{"operation": "GetModelPackageGroupPolicy", "fault": "access_denied", "times": 1}]
    )
    _, report = run_audit(server, tmp_path, "--training-profile", "training", "--jobs", "1")
    groups = groups_of(report)
    denied = [g for g in groups.values() if g["policy_unreadable"]]
    assert len(denied) == 1
    assert "sagemaker:GetModelPackageGroupPolicy denied" in denied[0]["policy_unreadable"]
    assert len(groups) == 4 and groups["churn"]["versions"]


def test_the_console_output_names_what_would_break(
    server: MotoServer, profiles: None, capsys: pytest.CaptureFixture[str]
) -> None:
    populate_audit(server.endpoint_url)
    code = main(
        [
            "audit",
            "--registry-profile",
            "registry",
            "--training-profile",
            "training",
            "--endpoint-url",
            server.endpoint_url,
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "model-package/iris/1" in out and "GetDownloadUrlForLayer" in out
    assert "verdict: fail" in out


def test_a_bad_shard_is_bad_input(
    server: MotoServer, profiles: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["audit", "--registry-profile", "registry", "--shard", "4/3"])
    assert code == 2
    assert "--shard" in capsys.readouterr().err
