"""``xreg plan``: the derived plan, each value with its origin, checks as its sources do."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import FIXTURES, run_xreg
from tests.sources.helpers import check

IAC = sorted((FIXTURES / "iac").glob("*/plan.yaml"))


@pytest.mark.parametrize("plan_path", IAC, ids=lambda path: path.parent.name)
def test_the_written_plan_decides_as_its_sources(plan_path: Path, tmp_path: Path) -> None:
    shutil.copytree(plan_path.parent, tmp_path / "copy")
    written = tmp_path / "copy" / "derived.yaml"  # beside the plan: its policy files are there
    result = run_xreg("plan", str(plan_path), "-o", str(written))
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load(written.read_text())
    assert "sources" not in data
    original = {
        (r.id, r.action, r.resource): r.decision.value for r in check(plan_path).requirements
    }
    again = {(r.id, r.action, r.resource): r.decision.value for r in check(written).requirements}
    assert set(again) == set(original)
    for key, decision in original.items():
        if decision == "unknown":  # an unresolved value: never allowed in the written plan
            assert again[key] in ("unknown", "explicit_deny"), key
        else:
            assert again[key] == decision, key


def test_each_derived_value_names_its_origin(tmp_path: Path) -> None:
    result = run_xreg("plan", str(FIXTURES / "iac" / "cdk-pipeline" / "plan.yaml"))
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load(result.stdout)
    assert data["x-origins"]["registration"].startswith("pipeline.json:")
    assert data["x-origins"]["registration"].endswith("step RegisterIris-RegisterModel")
    (bucket,) = data["resources"]["s3_buckets"]
    assert bucket["x-origin"].startswith("cdk.out/TrainingStack.template.json:")
    assert bucket["x-origin"].endswith("Resources.ArtifactBucket7410C9EF")


def test_an_unresolved_policy_is_left_out_and_listed(tmp_path: Path) -> None:
    result = run_xreg("plan", str(FIXTURES / "iac" / "cfn-training-yaml" / "plan.yaml"))
    data = yaml.safe_load(result.stdout)
    assert "ecr_repositories" not in data["resources"]
    (entry,) = data["x-unresolved"]
    assert entry["origin"].endswith("Resources.ImageRepository")
    assert "Fn::ImportValue OrganizationId" in entry["reasons"][0]
