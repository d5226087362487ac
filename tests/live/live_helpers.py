"""Running a snapshot against the test server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from live_scenarios import REGISTRY, TRAINING

from checker.aws.session import AccountAccess
from checker.aws.snapshot import SnapshotOptions, snapshot_to_dir
from tests.moto_server import MotoServer


def access(server: MotoServer, account: str, **settings: Any) -> AccountAccess:
    return AccountAccess(
        f"--{account}-profile",
        role_arn=f"arn:aws:iam::{account}:role/xreg-checker",
        endpoint_url=server.endpoint_url,
        **settings,
    )


def snapshot(
    server: MotoServer,
    request: dict[str, Any],
    output: Path,
    *,
    consumers: tuple[str, ...] = (),
    registrar: str | None = None,
    **settings: Any,
) -> Path:
    request_file = output.parent / f"{output.name}-request.json"
    request_file.write_text(json.dumps(request), encoding="utf-8")
    return snapshot_to_dir(
        SnapshotOptions(
            output_dir=output,
            training=access(server, TRAINING, **settings),
            registry=access(server, REGISTRY, **settings),
            request=request_file,
            registrar=registrar,
            consumers=consumers,
        )
    )


def read_plan(path: Path) -> dict[str, Any]:
    """A snapshot's plan file, as data."""
    plan: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return plan


def tree(directory: Path) -> dict[str, str]:
    return {
        str(path.relative_to(directory)): path.read_text(encoding="utf-8")
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }
