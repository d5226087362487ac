"""``xreg snapshot`` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from live_scenarios import REGISTRY, TRAINING, populate_seed

from checker.cli import main
from tests.moto_server import MotoServer


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
    # The consumer's role cannot be read: the plan is written, and the exit status says so.
    assert (
        main(
            snapshot_args(server, "--request", str(request), "--consumer", consumer, "-o", str(out))
        )
        == 1
    )
    first = (out / "plan.yaml").read_text(encoding="utf-8")
    plan = yaml.safe_load(first)
    assert plan["principals"] == {"consumers": [consumer]}
    # The role does not exist: its identity side is unreadable, with the reason.
    reasons = {e["resource"]: e["reason"] for e in plan["x-snapshot"]["unreadable"]}
    assert "no such entity" in reasons[consumer]
    # Refresh: the request side (principals) comes from the plan itself.
    assert main(snapshot_args(server, "--plan", str(out / "plan.yaml"), "-o", str(out))) == 1
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


def test_check_live_gives_the_offline_verdict_of_its_snapshot(
    server: MotoServer, tmp_path: Path
) -> None:
    seed = populate_seed(server.endpoint_url)
    request = tmp_path / "request.json"
    request.write_text(json.dumps(seed.request), encoding="utf-8")
    live_args = [
        "check",
        "--live",
        *snapshot_args(server, "--request", str(request))[1:],
        "--snapshot-dir",
        str(tmp_path / "snap"),
        "-f",
        "json",
        "-o",
        str(tmp_path / "live.json"),
    ]
    live_code = main(live_args)
    offline_code = main(
        [
            "check",
            str(tmp_path / "snap" / "plan.yaml"),
            "-f",
            "json",
            "-o",
            str(tmp_path / "off.json"),
        ]
    )
    live = json.loads((tmp_path / "live.json").read_text())
    offline = json.loads((tmp_path / "off.json").read_text())
    assert live_code == offline_code == 1  # the seed's repository policy lacks a layer action
    assert live["requirements"] == offline["requirements"]
    denied = {row["action"] for row in live["requirements"] if row["decision"] == "implicit_deny"}
    assert "ecr:GetDownloadUrlForLayer" in denied


def test_check_live_without_a_request_or_plan_is_bad_input(
    server: MotoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", "--live", "--endpoint-url", server.endpoint_url])
    assert code == 2
    assert "needs --request REQUEST or a PLAN" in capsys.readouterr().err
