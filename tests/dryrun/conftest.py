"""Shared helpers for the dry-run tests: the fixtures' scenarios, replays, the moto server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from checker.dryrun.run import DryRunOptions, dry_run
from checker.plan.loader import load_plan
from checker.results.model import Report
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
    "hub-and-spoke-object-writer": (
        "s3.get_object",
        "arn:aws:s3:::hub-model-artifacts/spoke-a/churn/model.tar.gz",
        "AccessDenied",
        "because no resource-based policy allows the s3:GetObject action",
    ),
    "metrics-in-another-bucket": (
        "kms.decrypt",
        "arn:aws:kms:us-east-2:222222222222:key/0e1d2c3b-4a59-6877-8695-a4b3c2d1e0f9",
        "AccessDeniedException",
        "because no resource-based policy allows the kms:Decrypt action",
    ),
    "identity-denies": (
        "ecr.batch_get_image",
        REPOSITORY,
        "AccessDeniedException",
        "because no identity-based policy allows the ecr:BatchGetImage action",
    ),
    "policy-variables-and-segments": (
        "sagemaker.create_model_package",
        REGISTRY_PACKAGE.format(group="iris"),
        "AccessDeniedException",
        "because no identity-based policy allows the sagemaker:CreateModelPackage action",
    ),
}
PASSING = {
    "aws-doc-sample-fixed": "iris",
    "data-perimeter": "iris",
    "kms-grant-only": "iris",
    "org-principal-star": "iris",
    "pipeline-three-containers": "churn",
    "session-principals": "iris",
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


@pytest.fixture
def fresh_server(moto_server: MotoServer) -> MotoServer:
    """The session's shared server (tests/conftest.py), cleaned."""
    return moto_server.clean()
