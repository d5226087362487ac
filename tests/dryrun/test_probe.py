"""``--probe``: read-only probes of "live" accounts; the moto server stands in for AWS."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest

from checker.aws.readonly import WriteRefused
from checker.aws.session import AccountAccess
from checker.cli import main
from checker.dryrun.probe import guard_probe_client, run_probes
from checker.plan.loader import load_plan
from tests.conftest import FIXTURES, assert_valid_report
from tests.dryrun.conftest import replay
from tests.moto_server import MotoServer

FIXED = FIXTURES / "aws-doc-sample-fixed" / "plan.yaml"
READS = {
    "GetCallerIdentity",
    "AssumeRole",
    "BatchGetImage",
    "HeadObject",
    "DescribeModelPackageGroup",
}


@pytest.fixture
def live(fresh_server: MotoServer, isolated_aws_environment: None) -> MotoServer:
    """The server holding both accounts as a dry-run built them, reached with plain
    environment credentials, as a user's shell would."""
    replay(FIXED, endpoint_url=fresh_server.endpoint_url)
    fresh_server.clear_log()
    return fresh_server


def _access(server: MotoServer, account: str) -> AccountAccess:
    return AccountAccess(
        label="--consumer-profile",
        role_arn=f"arn:aws:iam::{account}:role/Reader",
        region="us-east-2",
        endpoint_url=server.endpoint_url,
    )


def test_probes_read_the_manifest_the_artifact_and_the_group_and_nothing_else(
    live: MotoServer,
) -> None:
    # moto keeps each account's ECR to itself, so the "consumer" reads as the owner here.
    results = run_probes(
        load_plan(FIXED), _access(live, "111111111111"), _access(live, "222222222222")
    )
    by_call = {result["call"]: result for result in results}
    assert set(by_call) == {
        "ecr.batch_get_image",
        "s3.head_object",
        "sagemaker.describe_model_package_group",
    }
    assert all(result["status"] == "succeeded" for result in results), results
    assert by_call["s3.head_object"]["target"] == "arn:aws:s3:::my-bucket/model.tar.gz"
    assert by_call["s3.head_object"]["principal"].startswith(
        "arn:aws:sts::222222222222:assumed-role/Reader/"
    )
    assert {entry[1] for entry in live.operations()} <= READS


def test_a_refused_probe_is_reported_as_denied_and_fails_the_run(
    live: MotoServer, tmp_path: Path
) -> None:
    live.set_faults([{"operation": "HeadObject", "fault": "access_denied"}])
    output = tmp_path / "report.json"
    code = main(
        [
            "dry-run", str(FIXED), "--probe",
            "--consumer-role-arn", "arn:aws:iam::222222222222:role/Reader",
            "--registrar-role-arn", "arn:aws:iam::111111111111:role/Reader",
            "--probe-endpoint-url", live.endpoint_url,
            "-f", "json", "-o", str(output),
        ]
    )  # fmt: skip
    data = json.loads(output.read_text())
    assert_valid_report(data)
    probes = {probe["call"]: probe for probe in data["trace"]["probes"]}
    assert probes["s3.head_object"]["status"] == "denied"
    assert probes["ecr.batch_get_image"]["status"] == "succeeded"
    assert data["trace"]["outcome"] == "succeeded"  # the replay itself went through
    assert (data["verdict"], code) == ("fail", 1)


def test_the_probe_guard_refuses_writes_before_anything_is_sent(live: MotoServer) -> None:
    client = boto3.client(
        "ecr",
        region_name="us-east-2",
        endpoint_url=live.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    guard_probe_client(client)
    with pytest.raises(WriteRefused, match="ecr:PutImage"):
        client.put_image(repositoryName="decision-trees-sample", imageManifest="{}")
    with pytest.raises(WriteRefused, match="ecr:GetDownloadUrlForLayer"):
        client.get_download_url_for_layer(repositoryName="x1", layerDigest="sha256:" + "0" * 64)
    assert live.operations() == []
