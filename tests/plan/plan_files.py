"""Building small plans and policy files in a temporary folder for loader tests."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from checker.errors import InputError
from checker.plan.loader import load_plan
from checker.plan.model import Plan

DATA = Path(__file__).resolve().parent / "data"
VALID_PLAN = DATA / "valid" / "plan.yaml"

TRAINING = "222222222222"
REGISTRY = "111111111111"
KEY_ARN = "arn:aws:kms:us-east-2:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"
GROUP_ARN = "arn:aws:sagemaker:us-east-2:111111111111:model-package-group/iris"
REPOSITORY_ARN = "arn:aws:ecr:us-east-2:222222222222:repository/decision-trees-sample"
IMAGE = "222222222222.dkr.ecr.us-east-2.amazonaws.com/decision-trees-sample:latest"

SIMPLE_POLICY: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}

_MINIMAL: dict[str, Any] = {
    "version": 1,
    "region": "us-east-2",
    "accounts": {"training": TRAINING, "registry": REGISTRY},
    "registration": {
        "ModelPackageGroupName": GROUP_ARN,
        "InferenceSpecification": {
            "Containers": [
                {
                    "Image": IMAGE,
                    "ModelDataUrl": "s3://my-bucket/model.tar.gz",
                }
            ]
        },
    },
}


def minimal_plan() -> dict[str, Any]:
    """The smallest valid plan (a fresh copy to change)."""
    return copy.deepcopy(_MINIMAL)


def write_plan(folder: Path, plan: Mapping[str, Any], name: str = "plan.yaml") -> Path:
    path = folder / name
    if name.endswith(".json"):
        path.write_text(json.dumps(dict(plan), indent=2), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(dict(plan), sort_keys=False), encoding="utf-8")
    return path


def loaded_with(folder: Path, change: Callable[[dict[str, Any]], None]) -> Plan:
    """The minimal plan, changed, written to ``folder`` and loaded by its relative name
    (the test runs in ``folder``: see the ``in_tmp`` fixture)."""
    plan = minimal_plan()
    change(plan)
    write_plan(folder, plan)
    return load_plan("plan.yaml")


def refused(folder: Path, change: Callable[[dict[str, Any]], None]) -> str:
    """The one-line message with which the loader refuses the changed minimal plan."""
    with pytest.raises(InputError) as error:
        loaded_with(folder, change)
    text = str(error.value)
    assert "\n" not in text
    return text


def write_policy(folder: Path, relative: str, document: Any = None) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(SIMPLE_POLICY if document is None else document), encoding="utf-8")
    return path
