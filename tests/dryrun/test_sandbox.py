"""The sandbox holds both accounts as the plan describes them, each resource in its owner's
account, read back from a moto server as any client would."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import FIXTURES
from tests.dryrun.conftest import copy_fixture, edit_plan, replay, trace_of
from tests.moto_server import MotoServer, session_as

FIXED = FIXTURES / "aws-doc-sample-fixed"
KEY = "arn:aws:kms:us-east-2:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def _client(server: MotoServer, service: str, account: str) -> Any:
    return session_as(server.endpoint_url, account).client(
        service, endpoint_url=server.endpoint_url
    )


def _document(name: str) -> Any:
    return json.loads((FIXED / "policies" / name).read_text())


def test_every_resource_is_in_its_owners_account_with_its_policy(
    fresh_server: MotoServer,
) -> None:
    replay(FIXED / "plan.yaml", endpoint_url=fresh_server.endpoint_url)
    training, registry = "222222222222", "111111111111"

    ecr = _client(fresh_server, "ecr", training)
    policy = ecr.get_repository_policy(repositoryName="decision-trees-sample")["policyText"]
    assert json.loads(policy) == _document("ecr-repository.json")
    images = ecr.describe_images(repositoryName="decision-trees-sample")["imageDetails"]
    assert [detail["imageTags"] for detail in images] == [["latest"]]

    s3 = _client(fresh_server, "s3", training)
    assert json.loads(s3.get_bucket_policy(Bucket="my-bucket")["Policy"]) == _document(
        "bucket.json"
    )
    rule = s3.get_bucket_encryption(Bucket="my-bucket")["ServerSideEncryptionConfiguration"][
        "Rules"
    ][0]["ApplyServerSideEncryptionByDefault"]
    assert rule["SSEAlgorithm"] == "aws:kms"
    ownership = s3.get_bucket_ownership_controls(Bucket="my-bucket")["OwnershipControls"]
    assert ownership["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    head = s3.head_object(Bucket="my-bucket", Key="model.tar.gz")
    assert head["ServerSideEncryption"] == "aws:kms"

    kms = _client(fresh_server, "kms", training)
    (key_id,) = [key["KeyId"] for key in kms.list_keys()["Keys"]]
    tags = kms.list_resource_tags(KeyId=key_id)["Tags"]
    assert {"TagKey": "xreg:plan-arn", "TagValue": KEY} in tags
    assert json.loads(
        kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]
    ) == _document("key.json")
    assert head["SSEKMSKeyId"].endswith(key_id)  # the object is encrypted with that key
    (grant,) = kms.list_grants(KeyId=key_id)["Grants"]
    assert grant["GranteePrincipal"] == "arn:aws:iam::111111111111:role/SageMakerDeployRole"
    assert sorted(grant["Operations"]) == ["Decrypt", "GenerateDataKey"]

    sagemaker = _client(fresh_server, "sagemaker", registry)
    group = sagemaker.describe_model_package_group(ModelPackageGroupName="iris")
    assert group["ModelPackageGroupArn"].split(":")[4] == registry
    stored = sagemaker.get_model_package_group_policy(ModelPackageGroupName="iris")
    assert json.loads(stored["ResourcePolicy"]) == _document("model-package-group.json")
    # nothing of the registry's state leaked into the training account, or back
    assert (
        _client(fresh_server, "sagemaker", training).list_model_package_groups()[
            "ModelPackageGroupSummaryList"
        ]
        == []
    )
    assert _client(fresh_server, "ecr", registry).describe_repositories()["repositories"] == []

    iam = _client(fresh_server, "iam", registry)
    role_policy = iam.get_role_policy(RoleName="SageMakerDeployRole", PolicyName="deploy-role")
    assert role_policy["PolicyDocument"] == _document("deploy-role.json")


def test_principals_with_a_boundary_are_created_as_such(
    tmp_path: Path, fresh_server: MotoServer
) -> None:
    """A role gets its boundary; a user's boundary moto cannot hold, and the trace says so."""
    plan_path = copy_fixture("aws-doc-sample-fixed", tmp_path / "plan")
    user = "arn:aws:iam::222222222222:user/ci/deployer"
    boundary = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["sagemaker:*", "ecr:*", "s3:*", "kms:*"],
                       "Resource": "*"}],
    }  # fmt: skip
    (tmp_path / "plan" / "policies" / "boundary.json").write_text(json.dumps(boundary))

    def bounded_user_registrar_and_consumer(data: dict[str, Any]) -> None:
        data["principals"]["registrar"] = user
        data["identities"][0] = {
            "principal": user,
            "policies": ["policies/training-pipeline-role.json"],
            "permissions_boundary": "policies/boundary.json",
        }
        data["identities"][1]["permissions_boundary"] = "policies/boundary.json"

    edit_plan(plan_path, bounded_user_registrar_and_consumer)

    trace = trace_of(replay(plan_path, endpoint_url=fresh_server.endpoint_url))
    assert trace["steps"][0]["principal"] == user
    assert trace["outcome"] == "succeeded", trace["steps"][0]
    assert any("cannot hold the permissions boundary of a user" in n for n in trace["sandbox"])
    training = _client(fresh_server, "iam", "222222222222")
    assert training.list_user_policies(UserName="deployer")["PolicyNames"] == [
        "training-pipeline-role"
    ]
    assert [u["Path"] for u in training.list_users()["Users"]] == ["/ci/"]
    registry = _client(fresh_server, "iam", "111111111111")
    role = registry.get_role(RoleName="SageMakerDeployRole")["Role"]
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == (
        "arn:aws:iam::111111111111:policy/xreg-boundary-SageMakerDeployRole"
    )
