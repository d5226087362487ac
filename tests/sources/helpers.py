"""Plans with infrastructure-as-code sources, written into a temporary folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from checker.check import check_plan
from checker.engine.decide import CheckOptions
from checker.plan.loader import load_plan
from checker.results.model import Report

TRAINING = "222222222222"
REGISTRY = "111111111111"
GROUP_ARN = f"arn:aws:sagemaker:us-east-2:{REGISTRY}:model-package-group/iris"
IMAGE = f"{TRAINING}.dkr.ecr.us-east-2.amazonaws.com/sample:latest"
REQUEST: dict[str, Any] = {
    "ModelPackageGroupName": GROUP_ARN,
    "InferenceSpecification": {
        "Containers": [{"Image": IMAGE, "ModelDataUrl": "s3://my-bucket/model.tar.gz"}],
        "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"],
    },
}


def write_plan(folder: Path, sources: list[dict[str, Any]], **fields: Any) -> Path:
    plan: dict[str, Any] = {
        "version": 1,
        "region": "us-east-2",
        "accounts": {"training": TRAINING, "registry": REGISTRY},
        "sources": sources,
    }
    if "registration" not in fields:
        plan["registration"] = REQUEST
    plan.update({key: value for key, value in fields.items() if value is not None})
    path = folder / "plan.yaml"
    path.write_text(yaml.safe_dump(plan, sort_keys=False), encoding="utf-8")
    return path


def write_json(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def check(path: Path) -> Report:
    return check_plan(load_plan(path), CheckOptions(lint=False))


def decisions(report: Report) -> dict[str, str]:
    """action → decision (each action appears once in the small plans of these tests)."""
    return {row.action: row.decision.value for row in report.requirements}


def row(report: Report, action: str) -> Any:
    return next(item for item in report.requirements if item.action == action)
