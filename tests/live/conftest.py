"""Live-mode tests run against a real moto server over HTTP on 127.0.0.1.

The session's one server (``moto_server`` in tests/conftest.py) serves them all; each test
starts from empty accounts (moto's reset), no fault rules and an empty request log.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.moto_server import MotoServer


@pytest.fixture(scope="session")
def moto_server_with_managed_policies() -> Iterator[MotoServer]:
    """A server whose accounts hold the AWS managed policies, as real accounts do (moto
    loads them into every account it touches, which costs seconds: only where needed)."""
    with MotoServer(environment={"MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}) as server:
        yield server


@pytest.fixture
def server(moto_server: MotoServer, isolated_aws_environment: None) -> MotoServer:
    """The session's server, emptied, with credentials that reach it and nothing else."""
    return moto_server.clean()


@pytest.fixture
def managed_server(
    moto_server_with_managed_policies: MotoServer, isolated_aws_environment: None
) -> MotoServer:
    return moto_server_with_managed_policies.clean()
