"""A cross-account registration plan as data, loaded through the plan loader.

Training account T owns the image, the artifacts and the key and registers; registry account
R owns the group and deploys. Tests change the data (``registration``, ``resources``…) and
load it, so that the plan model is always the one the loader builds.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

from checker.plan.loader import load_plan
from checker.plan.model import Plan
from tests.plans import write_plan

T = "222222222222"
R = "111111111111"
REGISTRAR = f"arn:aws:iam::{T}:role/TrainingPipelineRole"
CONSUMER = f"arn:aws:iam::{R}:role/SageMakerDeployRole"
SECOND_CONSUMER = f"arn:aws:iam::{R}:role/BatchRole"
GROUP = f"arn:aws:sagemaker:us-east-2:{R}:model-package-group/churn"
IMAGE = f"{T}.dkr.ecr.us-east-2.amazonaws.com/churn:latest"
REPOSITORY = f"arn:aws:ecr:us-east-2:{T}:repository/churn"
MODEL_URI = "s3://models-bucket/churn/model.tar.gz"
MODEL_OBJECT = "arn:aws:s3:::models-bucket/churn/model.tar.gz"
KEY = f"arn:aws:kms:us-east-2:{T}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY = f"arn:aws:kms:us-east-2:{T}:key/9999abcd-12ab-34cd-56ef-1234567890ab"

BASE: dict[str, Any] = {
    "version": 1,
    "region": "us-east-2",
    "accounts": {"training": T, "registry": R},
    "principals": {"registrar": REGISTRAR, "consumers": [CONSUMER]},
    "registration": {
        "ModelPackageGroupName": GROUP,
        "ModelApprovalStatus": "PendingManualApproval",
        "InferenceSpecification": {
            "Containers": [{"Image": IMAGE, "ModelDataUrl": MODEL_URI}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    },
}


def plan_data(**changes: Any) -> dict[str, Any]:
    """A copy of ``BASE`` with top-level fields replaced (``registration`` merges)."""
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        if key == "registration":
            data["registration"].update(value)
        else:
            data[key] = value
    return data


def load(
    folder: Path,
    data: dict[str, Any] | None = None,
    change: Callable[[dict[str, Any]], None] | None = None,
    files: dict[str, Any] | None = None,
) -> Plan:
    """``data`` (default ``BASE``), edited by ``change``, written to ``folder`` and loaded."""
    data = copy.deepcopy(data if data is not None else BASE)
    if change is not None:
        change(data)
    return load_plan(write_plan(folder, data, files))


def containers(data: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = data["registration"]["InferenceSpecification"]["Containers"]
    return found
