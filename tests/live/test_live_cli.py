"""``xreg snapshot`` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from live_scenarios import REGISTRY, TRAINING, populate_seed
from moto_server import MotoServer

from checker.cli import main


def snapshot_args(server: MotoServer, *extra: str) -> list[str]:
    return [
        "snapshot",
        "--training-role-arn",
        f"arn:aws:iam::{TRAINING}:role/xreg-checker",
        "--registry-role-arn",
        f"arn:aws:iam::{REGISTRY}:role/xreg-checker",
        "--endpoint-url",
        server.endpoint_url,
        *extra,
    ]


def test_snapshot_then_refresh_from_the_plan(server: MotoServer, tmp_path: Path) -> None:
    seed = populate_seed(server.endpoint_url)
    request = tmp_path / "request.json"
    request.write_text(json.dumps(seed.request), encoding="utf-8")
    consumer = f"arn:aws:iam::{REGISTRY}:role/Deploy"
    out = tmp_path / "snap"
    assert (
        main(
            snapshot_args(server, "--request", str(request), "--consumer", consumer, "-o", str(out))
        )
        == 0
    )
    first = (out / "plan.yaml").read_text(encoding="utf-8")
    plan = yaml.safe_load(first)
    assert plan["principals"] == {"consumers": [consumer]}
    # The role does not exist: its identity side is unreadable, with the reason.
    reasons = {e["resource"]: e["reason"] for e in plan["x-snapshot"]["unreadable"]}
    assert "no such entity" in reasons[consumer]
    # Refresh: the request side (principals) comes from the plan itself.
    assert main(snapshot_args(server, "--plan", str(out / "plan.yaml"), "-o", str(out))) == 0
    assert (out / "plan.yaml").read_text(encoding="utf-8") == first


def test_a_request_that_is_not_json_is_bad_input(
    server: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    request = tmp_path / "request.json"
    request.write_text("{not json", encoding="utf-8")
    code = main(snapshot_args(server, "--request", str(request), "-o", str(tmp_path / "o")))
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "request.json: $: not valid JSON" in err[0]


def test_a_request_without_a_group_is_bad_input(
    server: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    request = tmp_path / "request.yaml"
    request.write_text("InferenceSpecification: {}\n", encoding="utf-8")
    code = main(snapshot_args(server, "--request", str(request), "-o", str(tmp_path / "o")))
    assert code == 2
    assert "ModelPackageGroupName: required" in capsys.readouterr().err
