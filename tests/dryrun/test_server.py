"""The fixtures replayed against a real moto server on 127.0.0.1, over HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.dryrun.conftest import (
    FAILING,
    PASSING,
    REGISTRY_PACKAGE,
    replay,
    stopped_step,
    trace_of,
)
from tests.moto_server import MotoServer, session_as


@pytest.mark.parametrize("name", sorted(FAILING))
def test_failing_fixture_stops_at_the_same_step_on_the_server(
    name: str, fresh_server: MotoServer
) -> None:
    report = replay(FIXTURES / name / "plan.yaml", endpoint_url=fresh_server.endpoint_url)
    trace = trace_of(report)
    assert trace["emulator"] == f"moto server at {fresh_server.endpoint_url}"
    call, target, code, clause = FAILING[name]
    step = stopped_step(report)
    assert (step["call"], step["target"], step["error_code"]) == (call, target, code)
    assert step["error_message"].endswith(clause)
    # a denied call never reaches moto: the gate answers for AWS
    operation = {
        "ecr.get_download_url_for_layer": "GetDownloadUrlForLayer",
        "ecr.batch_get_image": "BatchGetImage",
        "s3.get_object": "GetObject",
        "sagemaker.create_model_package": "CreateModelPackage",
        "kms.decrypt": "Decrypt",
    }[call]
    reached = [entry[1] for entry in fresh_server.operations()].count(operation)
    allowed = [s for s in trace["steps"] if s["call"] == call and s["status"] == "succeeded"]
    assert reached == len(allowed)


@pytest.mark.parametrize("name", sorted(PASSING))
def test_passing_fixture_registers_on_the_server(name: str, fresh_server: MotoServer) -> None:
    report = replay(FIXTURES / name / "plan.yaml", endpoint_url=fresh_server.endpoint_url)
    trace = trace_of(report)
    assert trace["outcome"] == "succeeded", stopped_step(report) if trace["stopped_at"] else ""
    assert trace["model_package_arn"] == REGISTRY_PACKAGE.format(group=PASSING[name])
    # the package really is in the registry account's moto state
    sagemaker = session_as(
        fresh_server.endpoint_url, "111111111111", role="inspector", session_name="inspector"
    ).client("sagemaker", endpoint_url=fresh_server.endpoint_url)
    described = sagemaker.describe_model_package(ModelPackageName=trace["model_package_arn"])
    assert described["ModelPackageArn"] == trace["model_package_arn"]


def test_the_group_policy_is_stored_by_the_servers_plugin(
    example_plan: Path, fresh_server: MotoServer
) -> None:
    trace = trace_of(replay(example_plan, endpoint_url=fresh_server.endpoint_url))
    assert any(
        "policies/model-package-group.json is stored in the moto server" in note
        for note in trace["sandbox"]
    )
    assert "PutModelPackageGroupPolicy" in {entry[1] for entry in fresh_server.operations()}


def test_a_reused_server_gets_the_next_version_and_it_is_authorized_on_its_own_arn(
    fresh_server: MotoServer,
) -> None:
    plan = FIXTURES / "aws-doc-sample-fixed" / "plan.yaml"
    first = trace_of(replay(plan, endpoint_url=fresh_server.endpoint_url))
    second = trace_of(replay(plan, endpoint_url=fresh_server.endpoint_url))
    assert first["model_package_arn"].endswith(":model-package/iris/1")
    assert second["model_package_arn"].endswith(":model-package/iris/2")
    # the second replay authorized the version it created, not the first one
    assert second["steps"][0]["target"] == second["model_package_arn"]
    assert second["outcome"] == "succeeded"


def test_an_unreachable_server_is_bad_input(example_plan: Path) -> None:
    from checker.errors import InputError
    from tests.moto_server import free_port

    with pytest.raises(InputError, match="cannot reach the emulator"):
        replay(example_plan, endpoint_url=f"http://127.0.0.1:{free_port()}")
