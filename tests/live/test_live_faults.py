"""Faults injected at the server: a denied read leaves that resource unknown with the
reason and the collection goes on; throttling is retried; a timeout is a reason too."""

from __future__ import annotations

from pathlib import Path

import pytest
from live_helpers import read_plan, snapshot
from live_scenarios import BUCKET, REGISTRY, TRAINING, populate_seed

from checker.aws.session import AccountAccess, AwsAccount
from checker.errors import InputError
from tests.moto_server import MotoServer


def unreadable(plan: dict) -> dict[tuple[str, str], str]:
    return {
        (entry["resource"], entry["field"]): entry["reason"]
        for entry in plan["x-snapshot"].get("unreadable", [])
    }


def test_a_denied_bucket_policy_leaves_the_bucket_unknown(
    server: MotoServer, tmp_path: Path
) -> None:
    seed = populate_seed(server.endpoint_url)
    server.set_faults([{"service": "s3", "operation": "GetBucketPolicy", "fault": "access_denied"}])
    plan = read_plan(snapshot(server, seed.request, tmp_path / "snap"))
    assert "s3_buckets" not in plan["resources"]  # unknown, not "no policy"
    reason = unreadable(plan)[(f"arn:aws:s3:::{BUCKET}", "policy")]
    assert "s3:GetBucketPolicy denied" in reason and "AccessDenied" in reason
    # The check went on: everything else was read.
    assert {"ecr_repositories", "kms_keys", "model_package_groups"} <= set(plan["resources"])


def test_denied_grants_leave_the_key_unknown(server: MotoServer, tmp_path: Path) -> None:
    seed = populate_seed(server.endpoint_url)
    server.set_faults([{"service": "kms", "operation": "ListGrants", "fault": "access_denied"}])
    plan = read_plan(snapshot(server, seed.request, tmp_path / "snap"))
    assert "kms_keys" not in plan["resources"]
    assert "AccessDeniedException" in unreadable(plan)[(seed.key_arn, "grants")]


def test_a_denied_group_policy_is_reported_and_the_rest_collected(
    server: MotoServer, tmp_path: Path
) -> None:
    seed = populate_seed(server.endpoint_url)
    server.set_faults([{"operation": "GetModelPackageGroupPolicy", "fault": "access_denied"}])
    plan = read_plan(snapshot(server, seed.request, tmp_path / "snap"))
    assert "model_package_groups" not in plan["resources"]
    group = seed.request["ModelPackageGroupName"]
    assert "sagemaker:GetModelPackageGroupPolicy denied" in unreadable(plan)[(group, "policy")]
    assert plan["resources"]["s3_buckets"][0]["name"] == BUCKET


def test_an_offline_check_calls_an_unreadable_resource_unknown(
    server: MotoServer, tmp_path: Path
) -> None:
    from checker.check import check_plan
    from checker.engine.decide import CheckOptions
    from checker.plan.loader import load_plan

    seed = populate_seed(server.endpoint_url)
    server.set_faults(
        [{"service": "ecr", "operation": "GetRepositoryPolicy", "fault": "access_denied"}]
    )
    report = check_plan(
        load_plan(snapshot(server, seed.request, tmp_path / "snap")), CheckOptions()
    )
    pulls = [row for row in report.requirements if row.action == "ecr:BatchGetImage"]
    assert pulls and all(row.decision.value == "unknown" for row in pulls)


def test_throttling_is_retried(server: MotoServer, tmp_path: Path) -> None:
    seed = populate_seed(server.endpoint_url)
    server.set_faults(
        [{"service": "ecr", "operation": "GetRepositoryPolicy", "fault": "throttle", "times": 2}]
    )
    server.clear_log()
    plan = read_plan(snapshot(server, seed.request, tmp_path / "snap"))
    assert plan["resources"]["ecr_repositories"][0]["policy"].endswith(".json")
    calls = [op for _, op, _ in server.operations() if op == "GetRepositoryPolicy"]
    assert len(calls) == 3  # two throttled, the third answered


def test_throttling_beyond_the_attempts_is_a_reason(server: MotoServer, tmp_path: Path) -> None:
    seed = populate_seed(server.endpoint_url)
    server.set_faults([{"service": "s3", "operation": "GetBucketEncryption", "fault": "throttle"}])
    plan = read_plan(snapshot(server, seed.request, tmp_path / "snap", max_attempts=2))
    assert "SlowDown" in unreadable(plan)[(f"arn:aws:s3:::{BUCKET}", "encryption")]
    assert "s3_buckets" not in plan["resources"]


def test_a_read_that_times_out_is_a_reason(server: MotoServer, tmp_path: Path) -> None:
    seed = populate_seed(server.endpoint_url)
    server.set_faults(
        [{"service": "kms", "operation": "GetKeyPolicy", "fault": "delay", "seconds": 2}]
    )
    plan = read_plan(
        snapshot(server, seed.request, tmp_path / "snap", read_timeout=0.3, max_attempts=1)
    )
    reason = unreadable(plan)[(seed.key_arn, "policy")]
    assert "ReadTimeoutError" in reason
    assert "kms_keys" not in plan["resources"]


def test_a_named_profile_with_a_role_reaches_its_account(
    server: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "aws-config"
    config.write_text(
        "[profile base]\n"
        "aws_access_key_id = testing\n"
        "aws_secret_access_key = testing\n"
        "[profile training]\n"
        f"role_arn = arn:aws:iam::{TRAINING}:role/xreg-checker\n"
        "source_profile = base\n"
        f"endpoint_url = {server.endpoint_url}\n"
        "region = eu-west-1\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    account = AwsAccount(AccountAccess("--training-profile", profile="training"))
    assert account.account_id == TRAINING
    assert account.region == "eu-west-1"
    assert account.partition == "aws"


def test_assume_role_with_an_external_id_reaches_the_role_account(server: MotoServer) -> None:
    server.clear_log()
    account = AwsAccount(
        AccountAccess(
            "--registry-profile",
            role_arn=f"arn:aws:iam::{REGISTRY}:role/xreg-checker",
            external_id="ticket-42",
            session_name="xreg-audit",
            endpoint_url=server.endpoint_url,
        )
    )
    assert account.caller_arn == f"arn:aws:sts::{REGISTRY}:assumed-role/xreg-checker/xreg-audit"
    assert ("sts", "AssumeRole", "/") in server.operations()


def test_credentials_that_do_not_work_are_bad_input(server: MotoServer) -> None:
    server.set_faults(
        [{"service": "sts", "operation": "GetCallerIdentity", "fault": "access_denied"}]
    )
    account = AwsAccount(AccountAccess("--registry-profile", endpoint_url=server.endpoint_url))
    with pytest.raises(InputError, match=r"--registry-profile: .*cannot reach the account"):
        _ = account.account_id


def test_an_unknown_profile_is_bad_input(server: MotoServer) -> None:
    with pytest.raises(InputError, match="could not be found"):
        AwsAccount(AccountAccess("--training-profile", profile="no-such-profile"))
