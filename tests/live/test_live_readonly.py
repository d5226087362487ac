"""Read-only is enforced in code: a write is refused before anything is sent."""

from __future__ import annotations

import boto3
import botocore.session
import pytest
from live_helpers import access
from live_scenarios import BUCKET, REGION, TRAINING, allow, populate_seed

from checker.aws.readonly import READ_OPERATIONS, WriteRefused, guard_client, iam_actions
from checker.aws.session import AwsAccount
from tests.moto_server import MotoServer, session_as

READ_PREFIXES = ("Get", "List", "Describe", "Head")


def checker_account(server: MotoServer, account: str) -> AwsAccount:
    return AwsAccount(access(server, account))


def test_a_write_is_refused_and_never_reaches_the_server(server: MotoServer) -> None:
    populate_seed(server.endpoint_url)
    before = (
        session_as(server.endpoint_url, TRAINING)
        .client("s3", endpoint_url=server.endpoint_url)
        .get_bucket_policy(Bucket=BUCKET)["Policy"]
    )
    server.clear_log()
    s3 = checker_account(server, TRAINING).client("s3")
    with pytest.raises(WriteRefused, match="s3:PutBucketPolicy"):
        s3.put_bucket_policy(Bucket=BUCKET, Policy=allow("*", ["s3:*"], "*"))
    after = (
        session_as(server.endpoint_url, TRAINING)
        .client("s3", endpoint_url=server.endpoint_url)
        .get_bucket_policy(Bucket=BUCKET)["Policy"]
    )
    assert after == before
    operations = [operation for _, operation, _ in server.operations()]
    assert "PutBucketPolicy" not in operations


def test_every_client_of_an_account_is_guarded(server: MotoServer) -> None:
    account = checker_account(server, TRAINING)
    server.clear_log()
    with pytest.raises(WriteRefused):
        account.client("kms").create_key()
    with pytest.raises(WriteRefused):
        account.client("sagemaker", "eu-west-1").create_model_package_group(
            ModelPackageGroupName="g"
        )
    with pytest.raises(WriteRefused):
        account.client("iam").put_role_policy(RoleName="r", PolicyName="p", PolicyDocument="{}")
    assert not [op for _, op, _ in server.operations() if op.startswith(("Create", "Put"))]
    # Reads pass: the guard does not get in the way of the allow-listed operations.
    assert account.client("kms").list_aliases()["Aliases"] is not None


def test_a_guarded_client_refuses_even_with_valid_parameters() -> None:
    client = guard_client(
        boto3.client(
            "ecr",
            region_name=REGION,
            endpoint_url="http://127.0.0.1:9",  # nothing listens: a sent request would fail
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
    )
    with pytest.raises(WriteRefused, match="ecr:SetRepositoryPolicy"):
        client.set_repository_policy(repositoryName="repo", policyText="{}")


@pytest.mark.parametrize("service", sorted(READ_OPERATIONS))
def test_the_allow_list_names_real_read_operations(service: str) -> None:
    model = botocore.session.get_session().get_service_model(service)
    for operation in READ_OPERATIONS[service]:
        assert operation in model.operation_names, f"{service}:{operation} is not an operation"
        if operation != "AssumeRole":
            assert operation.startswith(READ_PREFIXES), f"{service}:{operation} is not a read"


def test_the_iam_actions_are_reads() -> None:
    actions = iam_actions()
    assert "s3:GetEncryptionConfiguration" in actions  # GetBucketEncryption's IAM action
    assert "s3:GetObject" in actions  # HeadObject's IAM action
    assert not [a for a in actions if a.split(":")[1].startswith(("Put", "Create", "Delete"))]
