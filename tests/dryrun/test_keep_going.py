"""A dry-run goes on past a failing step wherever the later steps do not need it, so one
replay lists every gap; the steps that do need it are not reached and say which."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.cli import main
from tests.dryrun.conftest import copy_fixture, replay, trace_of

GROUP_VERSIONS = "arn:aws:sagemaker:us-east-2:111111111111:model-package/iris/1"
OBJECT = "arn:aws:s3:::my-bucket/model.tar.gz"


def three_gaps(tmp_path: Path) -> Path:
    """The documentation's example (its repository policy lacks the layer download) with
    a group policy that does not allow registering and a bucket policy without GetObject."""
    plan = copy_fixture("aws-doc-sample", tmp_path / "plan")
    for name, old, new in (
        ("model-package-group.json", "sagemaker:CreateModelPackage", "sagemaker:ListTags"),
        ("bucket.json", '"s3:GetObject",', ""),
    ):
        path = tmp_path / "plan" / "policies" / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")
    return plan


def test_every_independent_gap_is_replayed(tmp_path: Path) -> None:
    trace = trace_of(replay(three_gaps(tmp_path)))
    by_number = {step["step"]: step for step in trace["steps"]}
    failed = [by_number[number] for number in trace["failed_steps"]]
    assert [(s["action"], s["status"]) for s in failed] == [
        ("sagemaker:CreateModelPackage", "denied"),
        ("ecr:GetDownloadUrlForLayer", "denied"),
        ("ecr:GetDownloadUrlForLayer", "denied"),
        ("s3:GetObject", "denied"),
    ]
    assert failed[0]["target"] == GROUP_VERSIONS and failed[-1]["target"] == OBJECT
    assert trace["stopped_at"] == failed[0]["step"] and trace["outcome"] == "denied"
    # The token and the manifest do not need the registration: they ran and went through.
    succeeded = {s["action"] for s in trace["steps"] if s["status"] == "succeeded"}
    assert {"ecr:GetAuthorizationToken", "ecr:BatchGetImage"} <= succeeded
    # The decrypt of the object's data key needs the object: not reached, naming it.
    (decrypt,) = [s for s in trace["steps"] if s["action"] == "kms:Decrypt"]
    assert decrypt["status"] == "not_reached"
    assert decrypt["because"] == (
        f"not reached: it needs step {failed[-1]['step']} (s3.get_object), which is denied"
    )


def test_a_denied_manifest_leaves_its_layers_not_reached(tmp_path: Path) -> None:
    plan = copy_fixture("identity-denies", tmp_path / "plan")
    trace = trace_of(replay(plan))
    manifest = next(s for s in trace["steps"] if s["action"] == "ecr:BatchGetImage")
    assert manifest["status"] == "denied"
    layers = [s for s in trace["steps"] if s["action"] == "ecr:GetDownloadUrlForLayer"]
    assert layers and all(s["status"] == "not_reached" for s in layers)
    assert all(
        f"needs step {manifest['step']} (ecr.batch_get_image)" in s["because"] for s in layers
    )


def test_the_console_and_json_list_every_failing_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = three_gaps(tmp_path)
    output = tmp_path / "dry-run.json"
    code = main(["dry-run", str(plan), "-f", "console,json", "-o", str(output)])
    out = capsys.readouterr().out
    assert code == 1
    report = json.loads(output.read_text(encoding="utf-8"))
    assert len(report["trace"]["failed_steps"]) == 4
    assert "4 steps failed, each on its own:" in out
    for number in report["trace"]["failed_steps"]:
        assert f"step {number}: " in out
