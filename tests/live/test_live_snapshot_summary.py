"""What a snapshot could not read is said where it is run, with the exit status, and a
service's error page is cut to its code and one line; ``check --live`` keeps its snapshot
where every location of its reports can find it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from live_scenarios import BUCKET, REGISTRY, TRAINING, populate_seed

from checker.cli import main
from tests.moto_server import MotoServer

ROLES = [
    "--training-role-arn",
    f"arn:aws:iam::{TRAINING}:role/xreg-checker",
    "--registry-role-arn",
    f"arn:aws:iam::{REGISTRY}:role/xreg-checker",
]


def write_request(tmp_path: Path, request: dict) -> Path:
    path = tmp_path / "request.json"
    path.write_text(json.dumps(request), encoding="utf-8")
    return path


def snapshot(server: MotoServer, tmp_path: Path, request: dict) -> int:
    return main(
        [
            "snapshot",
            *ROLES,
            "--endpoint-url",
            server.endpoint_url,
            "--max-attempts",
            "1",
            "--request",
            str(write_request(tmp_path, request)),
            "-o",
            str(tmp_path / "snap"),
        ]
    )


def test_a_snapshot_with_failed_reads_lists_them_and_exits_1(
    server: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = populate_seed(server.endpoint_url)
    server.set_faults([{"service": "s3", "operation": "GetBucketPolicy", "fault": "access_denied"}])
    assert snapshot(server, tmp_path, seed.request) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == f"xreg: wrote {tmp_path / 'snap' / 'plan.yaml'}"
    assert lines[1] == "xreg: could not read 1, unknown in the plan:"
    assert lines[2].startswith(f"  arn:aws:s3:::{BUCKET} (policy): s3:GetBucketPolicy denied: ")


# JSON (ECR) and query (IAM) protocols: botocore passes the page on, or cannot parse it.
@pytest.mark.parametrize("operation", ["GetRepositoryPolicy", "GetRole"])
def test_an_error_page_is_kept_as_its_code_and_one_line(
    server: MotoServer, tmp_path: Path, operation: str
) -> None:
    seed = populate_seed(server.endpoint_url)
    server.set_faults([{"operation": operation, "fault": "internal_error"}])
    consumer = f"arn:aws:iam::{REGISTRY}:role/Deploy"
    main(
        [
            "snapshot",
            *ROLES,
            "--endpoint-url",
            server.endpoint_url,
            "--max-attempts",
            "1",
            "--consumer",
            consumer,
            "--request",
            str(write_request(tmp_path, seed.request)),
            "-o",
            str(tmp_path / "snap"),
        ]
    )
    plan = yaml.safe_load((tmp_path / "snap" / "plan.yaml").read_text(encoding="utf-8"))
    reasons = [
        entry["reason"]
        for entry in plan["x-snapshot"]["unreadable"]
        if operation in entry["reason"]
    ]
    assert reasons
    for reason in reasons:
        assert "\n" not in reason and "<" not in reason and len(reason) < 200
        # The HTTP status where botocore keeps it; an answer it cannot parse says so.
        assert ": 500: " in reason or ": ResponseParserError: " in reason


def test_check_live_keeps_the_snapshot_beside_its_reports(
    server: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed = populate_seed(server.endpoint_url)
    monkeypatch.chdir(tmp_path)
    request = write_request(tmp_path, seed.request)
    main(
        [
            "check",
            "--live",
            *ROLES,
            "--endpoint-url",
            server.endpoint_url,
            "--request",
            str(request),
            "-f",
            "json,sarif",
            "-o",
            "out/report.json",
            "-o",
            "out/report.sarif",
        ]
    )
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert (tmp_path / report["plan"]).is_file()
    assert Path(report["plan"]).parent == Path("out/xreg-snapshot")
    sources = {row["evidence"][0]["source"] for row in report["requirements"] if row["evidence"]}
    assert sources and all((tmp_path / "out/xreg-snapshot" / s).is_file() for s in sources)
