"""A snapshot keeps the request's Environment keys, never their values: plan.yaml is attached
to tickets and committed."""

from __future__ import annotations

from pathlib import Path

from live_helpers import read_plan, snapshot
from live_scenarios import populate_seed

from checker.cli import main
from checker.redaction import REDACTED
from tests.moto_server import MotoServer

SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
PASSWORD = "hunter2-db"


def test_snapshot_writes_no_environment_value(server: MotoServer, tmp_path: Path) -> None:
    seed = populate_seed(server.endpoint_url)
    request = dict(seed.request)
    container = dict(request["InferenceSpecification"]["Containers"][0])
    container["Environment"] = {"AWS_SECRET_ACCESS_KEY": SECRET_KEY, "DB_PASSWORD": PASSWORD}
    request["InferenceSpecification"] = {
        **request["InferenceSpecification"],
        "Containers": [container],
    }
    plan_path = snapshot(server, request, tmp_path / "snap")
    written = [path for path in (tmp_path / "snap").rglob("*") if path.is_file()]
    assert plan_path in written
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert SECRET_KEY not in text and PASSWORD not in text, path
    environment = read_plan(plan_path)["registration"]["InferenceSpecification"]["Containers"][0][
        "Environment"
    ]
    assert environment == {"AWS_SECRET_ACCESS_KEY": REDACTED, "DB_PASSWORD": REDACTED}
    # The redacted plan checks offline, as any snapshot does.
    assert main(["check", str(plan_path), "-f", "json", "-o", str(tmp_path / "r.json")]) in (0, 1)
