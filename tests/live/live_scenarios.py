"""Accounts populated through boto3 on the moto server, for the live tests and benchmark.

``SEED`` is the AWS documentation's cross-account example (the same state as
``fixtures/aws-doc-sample``): registry account 111111111111, training account
222222222222, bucket my-bucket, repository decision-trees-sample, group iris.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tests.moto_server import session_as

REGISTRY = "111111111111"
TRAINING = "222222222222"
REGION = "us-east-2"
BUCKET = "my-bucket"
REPOSITORY = "decision-trees-sample"
GROUP = "iris"
IMAGE = f"{TRAINING}.dkr.ecr.{REGION}.amazonaws.com/{REPOSITORY}:latest"
GROUP_ARN = f"arn:aws:sagemaker:{REGION}:{REGISTRY}:model-package-group/{GROUP}"


class Admin:
    """Clients inside one account of the server: one AssumeRole, each client made once."""

    def __init__(self, endpoint_url: str, account: str) -> None:
        self.endpoint_url = endpoint_url
        self.account = account
        self.session = session_as(endpoint_url, account)
        self._clients: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.session.client(service, endpoint_url=self.endpoint_url)
        return self._clients[service]


def allow(
    principal: str, actions: list[str], resource: str | None = None, sid: str = "AddPerm"
) -> str:
    statement: dict[str, Any] = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": actions,
    }
    if resource is not None:
        statement["Resource"] = resource
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@dataclass(frozen=True)
class Seed:
    key_arn: str
    request: dict[str, Any]


def seed_request() -> dict[str, Any]:
    return {
        "ModelPackageGroupName": GROUP_ARN,
        "ModelPackageDescription": "Model to detect 3 different types of irises "
        "(Setosa, Versicolour, and Virginica)",
        "ModelApprovalStatus": "PendingManualApproval",
        "InferenceSpecification": {
            "Containers": [{"Image": IMAGE, "ModelDataUrl": f"s3://{BUCKET}/model.tar.gz"}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    }


def populate_seed(endpoint_url: str) -> Seed:
    """Both accounts exactly as the documentation's example sets them up."""
    registry_root = f"arn:aws:iam::{REGISTRY}:root"
    training = Admin(endpoint_url, TRAINING)
    ecr = training.client("ecr")
    ecr.create_repository(repositoryName=REPOSITORY)
    ecr.put_image(repositoryName=REPOSITORY, imageTag="latest", imageManifest=_manifest("1"))
    ecr.set_repository_policy(
        registryId=TRAINING,
        repositoryName=REPOSITORY,
        policyText=allow(registry_root, ["ecr:BatchGetImage", "ecr:Describe*"]),
    )
    kms = training.client("kms")
    key_arn = kms.create_key(
        Policy=allow(registry_root, ["kms:Decrypt", "kms:GenerateDataKey*"], "*")
    )["KeyMetadata"]["Arn"]
    kms.create_grant(
        KeyId=key_arn, GranteePrincipal=REGISTRY, Operations=["Decrypt", "GenerateDataKey"]
    )
    s3 = training.client("s3")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_policy(
        Bucket=BUCKET,
        Policy=allow(
            registry_root,
            ["s3:GetObject", "s3:GetBucketAcl", "s3:GetObjectAcl"],
            f"arn:aws:s3:::{BUCKET}/*",
        ),
    )
    s3.put_object(
        Bucket=BUCKET,
        Key="model.tar.gz",
        Body=b"model",
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId=key_arn,
    )
    sagemaker = Admin(endpoint_url, REGISTRY).client("sagemaker")
    sagemaker.create_model_package_group(ModelPackageGroupName=GROUP)
    sagemaker.put_model_package_group_policy(
        ModelPackageGroupName=GROUP,
        ResourcePolicy=allow(
            f"arn:aws:iam::{TRAINING}:root",
            ["sagemaker:CreateModelPackage"],
            f"arn:aws:sagemaker:{REGION}:{REGISTRY}:model-package/{GROUP}/*",
            sid="AddPermModelPackageVersion",
        ),
    )
    return Seed(key_arn=key_arn, request=seed_request())


GOOD_REPOSITORY = "good-repo"
GOOD_BUCKET = "good-bucket"
PULL_ACTIONS = [
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchCheckLayerAvailability",
]


@dataclass(frozen=True)
class AuditWorld:
    key_arn: str
    groups: tuple[str, ...]


def _manifest(config_digit: str) -> str:
    """An image manifest whose config digest is ``config_digit`` repeated."""
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"digest": "sha256:" + config_digit * 64, "size": 1},
            "layers": [],
        }
    )


def populate_good_training(
    training: Admin, repositories: Sequence[str] = (GOOD_REPOSITORY,), bucket: str = GOOD_BUCKET
) -> str:
    """Repositories (image ``v1`` each), a bucket and a key in the training account that the
    registry can read; the key's ARN."""
    registry_root = f"arn:aws:iam::{REGISTRY}:root"
    ecr = training.client("ecr")
    for repository in repositories:
        ecr.create_repository(repositoryName=repository)
        ecr.put_image(repositoryName=repository, imageTag="v1", imageManifest=_manifest("2"))
        ecr.set_repository_policy(
            registryId=TRAINING,
            repositoryName=repository,
            policyText=allow(registry_root, PULL_ACTIONS),
        )
    key_arn: str = training.client("kms").create_key(
        Policy=allow(registry_root, ["kms:Decrypt", "kms:GenerateDataKey*"], "*")
    )["KeyMetadata"]["Arn"]
    s3 = training.client("s3")
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=allow(
            registry_root, ["s3:GetObject", "s3:GetObjectAcl"], f"arn:aws:s3:::{bucket}/*"
        ),
    )
    return key_arn


def put_artifact(training: Admin, bucket: str, key: str, key_arn: str) -> str:
    training.client("s3").put_object(
        Bucket=bucket, Key=key, Body=b"m", ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn
    )
    return f"s3://{bucket}/{key}"


def add_version(
    registry: Admin, group: str, image: str, model_url: str, status: str = "Approved"
) -> str:
    arn: str = registry.client("sagemaker").create_model_package(
        ModelPackageGroupName=group,
        ModelApprovalStatus=status,
        InferenceSpecification={
            "Containers": [{"Image": image, "ModelDataUrl": model_url}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    )["ModelPackageArn"]
    return arn


def add_group(registry: Admin, name: str, *, register_principal: str | None) -> str:
    sagemaker = registry.client("sagemaker")
    arn: str = sagemaker.create_model_package_group(ModelPackageGroupName=name)[
        "ModelPackageGroupArn"
    ]
    if register_principal:
        sagemaker.put_model_package_group_policy(
            ModelPackageGroupName=name,
            ResourcePolicy=allow(
                register_principal,
                ["sagemaker:CreateModelPackage"],
                f"arn:aws:sagemaker:{REGION}:{REGISTRY}:model-package/{name}/*",
            ),
        )
    return arn


def populate_audit(endpoint_url: str) -> AuditWorld:
    """The seed (group iris, whose image cannot be pulled) plus a group that works, one with
    a rejected version, and one without a policy."""
    populate_seed(endpoint_url)
    training, registry = Admin(endpoint_url, TRAINING), Admin(endpoint_url, REGISTRY)
    key_arn = populate_good_training(training)
    good_image = f"{TRAINING}.dkr.ecr.{REGION}.amazonaws.com/{GOOD_REPOSITORY}:v1"
    training_root = f"arn:aws:iam::{TRAINING}:root"
    add_version(registry, GROUP, IMAGE, f"s3://{BUCKET}/model.tar.gz")
    add_group(registry, "churn", register_principal=training_root)
    for number in (1, 2):
        url = put_artifact(training, GOOD_BUCKET, f"churn/v{number}/model.tar.gz", key_arn)
        add_version(registry, "churn", good_image, url)
    add_group(registry, "old", register_principal=training_root)
    add_version(registry, "old", IMAGE, f"s3://{BUCKET}/model.tar.gz", status="Rejected")
    add_group(registry, "unshared", register_principal=None)
    return AuditWorld(key_arn=key_arn, groups=("churn", GROUP, "old", "unshared"))
