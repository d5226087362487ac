"""The bundled fixtures, and plans made from them in a temporary folder.

A plain module rather than a conftest, so that the benchmarks build the same plans as the tests.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def copy_fixture(source: str | Path, folder: Path) -> Path:
    """Copy a plan folder (a bundled fixture's name, or a path) into ``folder``; the copy's
    ``plan.yaml``."""
    origin = FIXTURES / source if isinstance(source, str) else source
    shutil.copytree(origin, folder, dirs_exist_ok=True)
    return folder / "plan.yaml"


def edit_plan(
    plan_path: Path, change: Callable[[dict[str, Any]], None] | None = None, **changes: Any
) -> Path:
    """Rewrite a copied plan: ``changes`` replace top-level fields (``registration`` merges
    one level deep), then ``change`` edits the data in place, for anything nested."""
    data = yaml.safe_load(plan_path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if key == "registration":
            data["registration"].update(value)
        else:
            data[key] = value
    if change is not None:
        change(data)
    plan_path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return plan_path


def pipeline_plan(folder: Path, containers: int = 15) -> Path:
    """The three-container fixture widened to ``containers`` containers, each its own image
    (two repositories) and its own artifact (two buckets)."""

    def widen(data: dict[str, Any]) -> None:
        data["registration"]["InferenceSpecification"]["Containers"] = [
            {
                "Image": "222222222222.dkr.ecr.us-east-2.amazonaws.com/"
                f"{'feature-pipeline' if index % 2 else 'churn-model'}:step-{index}",
                "ModelDataUrl": f"s3://churn-{'features' if index % 2 else 'models'}"
                f"/step-{index}/model.tar.gz",
            }
            for index in range(containers)
        ]

    return edit_plan(copy_fixture("pipeline-three-containers", folder), widen)


def write_plan(
    folder: Path, plan: str | dict[str, Any], files: dict[str, Any] | None = None
) -> Path:
    """Write a plan (YAML text, or data dumped as YAML) and the policy files it names
    (``files``: path under the plan's folder → document) into ``folder``; the plan's path."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, document in (files or {}).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    text = plan if isinstance(plan, str) else yaml.safe_dump(plan, sort_keys=False)
    plan_path = folder / "plan.yaml"
    plan_path.write_text(text, encoding="utf-8")
    return plan_path
