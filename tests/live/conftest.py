"""Live-mode tests run against a real moto server over HTTP on 127.0.0.1.

One server process serves the whole session; each test starts from empty accounts (moto's
reset), no fault rules and an empty request log.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from moto_server import MotoServer


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    with MotoServer() as server:
        yield server


@pytest.fixture(scope="session")
def moto_server_with_managed_policies() -> Iterator[MotoServer]:
    """A server whose accounts hold the AWS managed policies, as real accounts do (moto
    loads them into every account it touches, which costs seconds: only where needed)."""
    with MotoServer(environment={"MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}) as server:
        yield server


def _prepared(
    moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> MotoServer:
    moto_server.reset()
    moto_server.clear_faults()
    moto_server.clear_log()
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-2")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    return moto_server


@pytest.fixture
def server(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> MotoServer:
    """The session's server, emptied, with credentials that reach it and nothing else."""
    return _prepared(moto_server, monkeypatch, tmp_path)


@pytest.fixture
def managed_server(
    moto_server_with_managed_policies: MotoServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> MotoServer:
    return _prepared(moto_server_with_managed_policies, monkeypatch, tmp_path)
