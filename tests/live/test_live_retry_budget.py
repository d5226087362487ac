"""Throttling is retried with backoff within one budget per account, over all its clients and
threads; past the budget a throttled read is unreadable and the audit fails.

The server throttles (fault rules); the waits go to a recorded sleep, never the clock."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from live_helpers import access
from live_scenarios import REGISTRY, TRAINING, populate_audit

from checker.aws.audit.sweep import AuditSettings, audit
from checker.aws.retry_budget import RetryBudget
from checker.aws.session import AwsAccount
from checker.cli import main
from checker.results.model import Report
from tests.moto_server import MotoServer

# DescribeModelPackage calls of populate_audit: iris 1, churn 2, old 1.
VERSIONS = 4


def budget(limit: int, slept: list[float]) -> RetryBudget:
    """A budget whose waits are recorded, each the full ceiling (jitter 1)."""
    return RetryBudget(limit, sleep=slept.append, jitter=lambda: 1.0)


def run(server: MotoServer, registry: RetryBudget, training: RetryBudget, jobs: int) -> Report:
    return audit(
        AwsAccount(access(server, REGISTRY), retries=registry),
        [AwsAccount(access(server, TRAINING), retries=training)],
        AuditSettings(jobs=jobs),
    )


def calls(server: MotoServer, *operations: str) -> int:
    return sum(1 for _, operation, _ in server.operations() if operation in operations)


def test_a_throttled_account_stops_retrying_once_its_budget_is_spent(
    server: MotoServer,
) -> None:
    populate_audit(server.endpoint_url)
    server.set_faults([{"operation": "DescribeModelPackage", "fault": "throttle"}])
    server.clear_log()
    slept: list[float] = []
    registry = budget(3, slept)
    report = run(server, registry, RetryBudget(0), jobs=4)
    # Each version's first attempt, and three retries among all four threads: not 4 x 8.
    assert calls(server, "DescribeModelPackage") == VERSIONS + 3
    assert registry.used == 3 and registry.refused == VERSIONS
    assert len(slept) == 3
    # Each version stays unknown, saying why; the audit fails.
    assert report.verdict == "fail"
    versions = [v for group in report.extra["groups"] for v in group["versions"]]
    assert len(versions) == VERSIONS
    assert {v["deployable"] for v in versions} == {"unknown"}
    reasons = [reason for _, what, reason in report.extra["unreadable"] if what == "version"]
    assert len(reasons) == VERSIONS
    assert all("ThrottlingException" in reason for reason in reasons)
    assert all("retry budget is spent" in reason for reason in reasons)


def test_one_budget_is_shared_by_every_client_of_the_account(server: MotoServer) -> None:
    populate_audit(server.endpoint_url)
    # An ECR and an S3 read of the training account, throttled every time.
    server.set_faults(
        [
            {"service": "ecr", "operation": "GetRepositoryPolicy", "fault": "throttle"},
            {"service": "s3", "operation": "GetBucketPolicy", "fault": "throttle"},
        ]
    )
    server.clear_log()
    slept: list[float] = []
    training = budget(5, slept)
    report = run(server, RetryBudget(0), training, jobs=8)
    first = {"GetRepositoryPolicy": 2, "GetBucketPolicy": 2}  # two repositories, two buckets
    assert calls(server, *first) == sum(first.values()) + 5
    assert training.used == 5 and len(slept) == 5
    assert report.verdict == "fail"
    fields = {what for _, what, _ in report.extra["unreadable"]}
    assert "policy" in fields


def test_throttling_within_the_budget_backs_off_exponentially_and_reads(
    server: MotoServer,
) -> None:
    populate_audit(server.endpoint_url)
    server.set_faults([{"operation": "ListModelPackageGroups", "fault": "throttle", "times": 3}])
    server.clear_log()
    slept: list[float] = []
    registry = budget(10, slept)
    report = run(server, registry, RetryBudget(10), jobs=2)
    assert calls(server, "ListModelPackageGroups") == 4
    assert slept == [1.0, 2.0, 4.0]
    assert registry.used == 3 and registry.refused == 0
    assert len(report.extra["groups"]) == 4
    assert not [entry for entry in report.extra["unreadable"] if entry[1] == "groups"]


def test_a_budget_of_zero_fails_the_first_throttled_read_from_the_command_line(
    server: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    populate_audit(server.endpoint_url)
    server.set_faults([{"operation": "ListModelPackageGroups", "fault": "throttle"}])
    server.clear_log()
    output = tmp_path / "audit.json"
    code = main(
        [
            "audit",
            "--registry-role-arn",
            f"arn:aws:iam::{REGISTRY}:role/xreg-checker",
            "--endpoint-url",
            server.endpoint_url,
            "--retry-budget",
            "0",
            "--format",
            "json",
            "-o",
            str(output),
        ]
    )
    assert code == 1
    assert calls(server, "ListModelPackageGroups") == 1
    assert "retry budget is spent" in output.read_text(encoding="utf-8")


def test_a_negative_budget_is_bad_input(
    server: MotoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["audit", "--endpoint-url", server.endpoint_url, "--retry-budget", "-1"])
    assert code == 2
    error = capsys.readouterr().err.strip()
    assert error.splitlines() == [error] and "--retry-budget" in error and "0 or more" in error


def test_a_budget_taken_by_many_threads_is_never_overdrawn() -> None:
    shared = RetryBudget(50, sleep=lambda _: None)
    taken: list[bool] = []
    lock = threading.Lock()

    def take() -> None:
        for _ in range(20):
            answer = shared.take()
            with lock:
                taken.append(answer)

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert taken.count(True) == 50 and shared.used == 50 and shared.refused == 8 * 20 - 50


def test_the_backoff_doubles_up_to_its_cap() -> None:
    ceilings = RetryBudget(jitter=lambda: 1.0, base=1.0, cap=20.0)
    assert [ceilings.delay(n) for n in range(1, 8)] == [1.0, 2.0, 4.0, 8.0, 16.0, 20.0, 20.0]
    assert RetryBudget(jitter=lambda: 0.25).delay(3) == 1.0
