"""Credentials that reach another account than the one the request names are refused
before anything is read: a snapshot of the wrong account would claim it holds nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from live_scenarios import REGISTRY, TRAINING, populate_seed

from checker.cli import main
from tests.moto_server import MotoServer

# The account moto gives the environment's plain credentials (no role assumed).
DEFAULT_ACCOUNT = "123456789012"


def snapshot_cli(server: MotoServer, tmp_path: Path, request: dict, *extra: str) -> int:
    request_file = tmp_path / "request.json"
    request_file.write_text(json.dumps(request), encoding="utf-8")
    return main(
        [
            "snapshot",
            "--request",
            str(request_file),
            "-o",
            str(tmp_path / "snap"),
            "--endpoint-url",
            server.endpoint_url,
            *extra,
        ]
    )


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_credentials_of_another_registry_account_are_refused(
    server: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = populate_seed(server.endpoint_url)
    code = snapshot_cli(server, tmp_path, seed.request)
    assert code == 2
    line = one_error_line(capsys)
    assert "--registry-profile" in line
    assert f"reach account {DEFAULT_ACCOUNT}" in line and f"in account {REGISTRY}" in line
    assert not (tmp_path / "snap" / "plan.yaml").exists()


def test_credentials_of_another_training_account_are_refused(
    server: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = populate_seed(server.endpoint_url)
    registry_role = f"arn:aws:iam::{REGISTRY}:role/xreg-checker"
    code = snapshot_cli(server, tmp_path, seed.request, "--registry-role-arn", registry_role)
    assert code == 2
    line = one_error_line(capsys)
    assert "--training-profile" in line
    assert f"reach account {DEFAULT_ACCOUNT}" in line and TRAINING in line
    assert not (tmp_path / "snap" / "plan.yaml").exists()
    training_role = f"arn:aws:iam::{TRAINING}:role/xreg-checker"
    code = snapshot_cli(
        server,
        tmp_path,
        seed.request,
        "--registry-role-arn",
        registry_role,
        "--training-role-arn",
        training_role,
    )
    assert code == 0 and (tmp_path / "snap" / "plan.yaml").exists()


def test_an_sts_that_answers_with_an_error_page_is_one_line(
    server: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = populate_seed(server.endpoint_url)
    # STS speaks XML: botocore cannot parse the page, and says so.
    server.set_faults([{"service": "sts", "fault": "internal_error"}])
    code = snapshot_cli(server, tmp_path, seed.request, "--max-attempts", "1")
    assert code == 2
    line = one_error_line(capsys)
    assert "cannot reach the account" in line and "<" not in line
