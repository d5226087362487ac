"""Shared helpers for the dry-run tests: replays, generated plans, a moto server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from checker.dryrun.run import DryRunOptions, dry_run
from checker.plan.loader import load_plan
from checker.report.model import Report
from tests.moto_server import MotoServer

# The plan helpers are shared with the benchmarks; the dry-run tests take them from here.
from tests.plans import copy_fixture as copy_fixture
from tests.plans import edit_plan as edit_plan
from tests.plans import pipeline_plan as pipeline_plan

REGISTRY_PACKAGE = "arn:aws:sagemaker:us-east-2:111111111111:model-package/{group}/1"
REPOSITORY = "arn:aws:ecr:us-east-2:222222222222:repository/decision-trees-sample"

# fixture -> (call that stops the replay, its target, error code, end of the AWS message)
FAILING = {
    "aws-doc-sample": (
        "ecr.get_download_url_for_layer",
        REPOSITORY,
        "AccessDeniedException",
        "because no resource-based policy allows the ecr:GetDownloadUrlForLayer action",
    ),
    "explicit-deny": (
        "s3.get_object",
        "arn:aws:s3:::my-bucket/model.tar.gz",
        "AccessDenied",
        "with an explicit deny in a resource-based policy",
    ),
    "identity-denies": (
        "ecr.batch_get_image",
        REPOSITORY,
        "AccessDeniedException",
        "because no identity-based policy allows the ecr:BatchGetImage action",
    ),
}
PASSING = {
    "aws-doc-sample-fixed": "iris",
    "kms-grant-only": "iris",
    "org-principal-star": "iris",
    "pipeline-three-containers": "churn",
}


def replay(plan_path: Path, **options: Any) -> Report:
    return dry_run(load_plan(plan_path), DryRunOptions(**options))


def trace_of(report: Report) -> dict[str, Any]:
    trace: dict[str, Any] = report.extra["trace"]
    return trace


def stopped_step(report: Report) -> dict[str, Any]:
    trace = trace_of(report)
    step: dict[str, Any] = trace["steps"][trace["stopped_at"] - 1]
    return step


def client_as(service: str, endpoint_url: str, role_arn: str, session: str) -> Any:
    """A boto3 client of the moto server acting as ``role_arn`` (moto switches account)."""
    import boto3

    plain = {
        "region_name": "us-east-2",
        "endpoint_url": endpoint_url,
    }
    sts = boto3.client("sts", aws_access_key_id="testing", aws_secret_access_key="testing", **plain)
    credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName=session)["Credentials"]
    return boto3.client(
        service,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        **plain,
    )


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    with MotoServer() as server:
        yield server


@pytest.fixture
def fresh_server(moto_server: MotoServer) -> MotoServer:
    """The shared server with every account's state and the request log cleared."""
    moto_server.reset()
    moto_server.clear_log()
    moto_server.clear_faults()
    return moto_server
