"""expand: the plan's requirements, one row per (principal, action, resource), with the key
that decides each artifact's decryption."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from checker.matrix.expand import Requirement, expand, find_key
from checker.matrix.references import collect_references
from checker.matrix.spec import load_matrix
from checker.matrix.validity import invalid_fields
from checker.plan.model import Plan
from tests.matrix.plan_data import (
    CONSUMER,
    GROUP,
    IMAGE,
    KEY,
    MODEL_OBJECT,
    MODEL_URI,
    OTHER_KEY,
    REGISTRAR,
    REPOSITORY,
    SECOND_CONSUMER,
    R,
    T,
    containers,
    load,
    plan_data,
)

IMAGE_FIELD = "registration.InferenceSpecification.Containers[0].Image"
MODEL_FIELD = "registration.InferenceSpecification.Containers[0].ModelDataUrl"
VERSIONS = f"arn:aws:sagemaker:us-east-2:{R}:model-package/churn/*"


def _rows(plan: Plan, aws_owned: bool = False) -> list[Requirement]:
    references = collect_references(plan)
    return expand(
        plan,
        references,
        load_matrix(),
        is_aws_owned_image=lambda account, region: aws_owned,
        invalid=invalid_fields(plan, references),
    )


def _by_action(rows: list[Requirement], action: str) -> list[Requirement]:
    return [row for row in rows if row.action == action]


def _bucket(**fields: Any) -> dict[str, Any]:
    return {"s3_buckets": [{"name": "models-bucket", "account": T, **fields}]}


def test_each_required_access_of_a_cross_account_registration(tmp_path: Path) -> None:
    rows = _rows(load(tmp_path))
    required = {
        (row.principal, row.action, row.resource, row.resource_owner)
        for row in rows
        if row.spec.level.value == "required" and not row.action.startswith("kms:")
    }
    assert required == {
        (REGISTRAR, "sagemaker:CreateModelPackage", VERSIONS, R),
        (CONSUMER, "ecr:BatchGetImage", REPOSITORY, T),
        (CONSUMER, "ecr:GetDownloadUrlForLayer", REPOSITORY, T),
        # no resource-level permissions: the consumer's own account answers for "*"
        (CONSUMER, "ecr:GetAuthorizationToken", "*", R),
        # the bucket is not in the plan: its owner is not known
        (CONSUMER, "s3:GetObject", MODEL_OBJECT, None),
    }
    [registration] = _by_action(rows, "sagemaker:CreateModelPackage")
    assert registration.referenced_by == ["registration.ModelPackageGroupName"]
    assert registration.group is None  # the plan does not describe the group


def test_documented_rows_are_kept_apart_from_required_ones(tmp_path: Path) -> None:
    rows = _rows(load(tmp_path))
    levels = {row.action: row.spec.level.value for row in rows}
    assert levels["ecr:DescribeImages"] == "documented"
    assert levels["s3:GetBucketAcl"] == "documented"
    assert levels["s3:GetObject"] == "required"
    [bucket_acl] = _by_action(rows, "s3:GetBucketAcl")
    assert bucket_acl.resource == "arn:aws:s3:::models-bucket"  # the bucket, not the object


def test_the_described_resources_are_attached_and_owned(tmp_path: Path) -> None:
    resources = {
        **_bucket(),
        "ecr_repositories": [{"arn": REPOSITORY}],
        "model_package_groups": [{"arn": GROUP}],
    }
    rows = _rows(load(tmp_path, plan_data(resources=resources)))
    [read] = _by_action(rows, "s3:GetObject")
    assert read.resource_owner == T
    assert read.bucket is not None and read.bucket.name == "models-bucket"
    assert read.artifact is not None and read.artifact.uri == MODEL_URI
    [pull] = _by_action(rows, "ecr:BatchGetImage")
    assert pull.repository is not None and pull.repository.arn == REPOSITORY
    [registration] = _by_action(rows, "sagemaker:CreateModelPackage")
    assert registration.group is not None and registration.group.arn == GROUP


def test_every_consumer_gets_its_rows_and_the_registrar_registers_once(tmp_path: Path) -> None:
    data = plan_data(principals={"registrar": REGISTRAR, "consumers": [CONSUMER, SECOND_CONSUMER]})
    rows = _rows(load(tmp_path, data))
    assert {row.principal for row in _by_action(rows, "s3:GetObject")} == {
        CONSUMER,
        SECOND_CONSUMER,
    }
    assert len(_by_action(rows, "ecr:GetAuthorizationToken")) == 2
    assert [row.principal for row in _by_action(rows, "sagemaker:CreateModelPackage")] == [
        REGISTRAR
    ]


def test_containers_sharing_an_image_share_its_rows(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        containers(data).append({"Image": IMAGE, "ModelDataUrl": "s3://models-bucket/other.tar.gz"})

    rows = _rows(load(tmp_path, change=change))
    [pull] = _by_action(rows, "ecr:BatchGetImage")
    assert pull.referenced_by == [
        IMAGE_FIELD,
        "registration.InferenceSpecification.Containers[1].Image",
    ]
    assert len(_by_action(rows, "ecr:GetAuthorizationToken")) == 1
    assert len(_by_action(rows, "s3:GetObject")) == 2  # two objects, two rows


def test_an_aws_owned_image_is_marked(tmp_path: Path) -> None:
    [pull] = _by_action(_rows(load(tmp_path), aws_owned=True), "ecr:BatchGetImage")
    assert pull.aws_owned_image
    [own] = _by_action(_rows(load(tmp_path / "own")), "ecr:BatchGetImage")
    assert not own.aws_owned_image


def _decrypt(plan: Plan) -> list[Requirement]:
    return _by_action(_rows(plan), "kms:Decrypt")


def test_the_buckets_default_key_decides(tmp_path: Path) -> None:
    resources = _bucket(encryption={"sse": "aws:kms", "kms_key": KEY})
    [row] = _decrypt(load(tmp_path, plan_data(resources=resources)))
    assert (row.resource, row.resource_owner) == (KEY, T)
    assert row.key is not None and not row.key.aws_managed
    assert "default SSE-KMS key of models-bucket" in row.key.reason


def test_the_objects_own_key_beats_the_training_jobs_and_the_buckets(tmp_path: Path) -> None:
    resources = _bucket(
        encryption={"sse": "aws:kms", "kms_key": KEY},
        objects=[{"key": "churn/model.tar.gz", "kms_key": OTHER_KEY}],
    )
    data = plan_data(resources=resources, training_job={"output_kms_key": KEY})
    [row] = _decrypt(load(tmp_path, data))
    assert row.resource == OTHER_KEY


def test_the_training_jobs_output_key_decides_the_model_data(tmp_path: Path) -> None:
    resources = _bucket(encryption={"sse": "AES256"})
    data = plan_data(resources=resources, training_job={"output_kms_key": OTHER_KEY})
    [row] = _decrypt(load(tmp_path, data))
    assert row.resource == OTHER_KEY
    assert row.key is not None and "training job's output key" in row.key.reason


def test_the_output_key_says_nothing_of_other_artifacts(tmp_path: Path) -> None:
    metrics = "s3://models-bucket/churn/statistics.json"
    data = plan_data(
        training_job={"output_kms_key": OTHER_KEY},
        registration={
            "ModelMetrics": {
                "ModelQuality": {
                    "Statistics": {"ContentType": "application/json", "S3Uri": metrics}
                }
            }
        },
    )
    rows = {row.artifact.uri: row for row in _decrypt(load(tmp_path, data)) if row.artifact}
    assert rows[MODEL_URI].resource == OTHER_KEY
    assert rows[metrics].resource == f"(key of {metrics})"
    assert rows[metrics].key is not None and rows[metrics].key.arn is None
    assert "covers only the model data" in rows[metrics].key.reason


def test_sse_s3_needs_no_key(tmp_path: Path) -> None:
    resources = _bucket(encryption={"sse": "AES256"})
    assert _decrypt(load(tmp_path, plan_data(resources=resources))) == []


def test_sse_kms_without_a_key_is_the_aws_managed_key_of_the_bucket_owner(tmp_path: Path) -> None:
    resources = _bucket(encryption={"sse": "aws:kms"})
    [row] = _decrypt(load(tmp_path, plan_data(resources=resources)))
    assert row.resource == f"arn:aws:kms:us-east-2:{T}:alias/aws/s3"
    assert row.key is not None and row.key.aws_managed


def test_a_training_job_without_an_output_key_used_aws_s3(tmp_path: Path) -> None:
    [row] = _decrypt(load(tmp_path, plan_data(training_job={})))
    assert row.resource.endswith(":alias/aws/s3")
    assert row.key is not None and row.key.aws_managed


def test_an_unknown_key_is_a_row_that_says_what_to_give(tmp_path: Path) -> None:
    [row] = _decrypt(load(tmp_path))
    assert row.resource == f"(key of {MODEL_URI})"
    assert row.key is not None and row.key.arn is None
    assert "get-bucket-encryption --bucket models-bucket" in row.key.reason
    assert "head-object --bucket models-bucket --key churn/model.tar.gz" in row.key.reason


def test_a_key_named_by_its_alias_is_the_plans_key(tmp_path: Path) -> None:
    alias = f"arn:aws:kms:us-east-2:{T}:alias/models"
    resources = {
        **_bucket(encryption={"sse": "aws:kms", "kms_key": alias}),
        "kms_keys": [{"arn": KEY, "aliases": [alias]}],
    }
    [row] = _decrypt(load(tmp_path, plan_data(resources=resources)))
    assert row.key is not None and row.key.key is not None
    assert row.resource == KEY


def test_a_malformed_image_gets_placeholder_rows_marked_invalid(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        containers(data)[0]["Image"] = f"{T}.dkr.ecr.us-east-2.amazonaws.com/"

    rows = _rows(load(tmp_path, change=change))
    [pull] = _by_action(rows, "ecr:BatchGetImage")
    assert pull.resource == f"(repository of {IMAGE_FIELD})"
    assert pull.invalid is not None and "is not a valid image URI" in pull.invalid
    assert pull.referenced_by == [IMAGE_FIELD]
    [read] = _by_action(rows, "s3:GetObject")
    assert read.invalid is None  # the artifact does not depend on the image


def test_a_request_field_aws_refuses_marks_the_rows_that_depend_on_it(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        containers(data)[0]["ModelDataUrl"] = "s3://"

    rows = _rows(load(tmp_path, change=change))
    [read] = _by_action(rows, "s3:GetObject")
    assert read.resource == f"(object named by {MODEL_FIELD})"
    assert read.invalid is not None and "the access cannot be decided" in read.invalid
    [pull] = _by_action(rows, "ecr:BatchGetImage")
    assert pull.invalid is None


def test_an_alias_arn_names_the_key_whose_alias_names_it_as_a_snapshot_writes(
    tmp_path: Path,
) -> None:
    # A snapshot keeps the alias names ListAliases gives (alias/models); the bucket's default
    # encryption names the alias by its ARN. Both are the same key, in its account and region.
    alias = f"arn:aws:kms:us-east-2:{T}:alias/models"
    resources = {
        **_bucket(encryption={"sse": "aws:kms", "kms_key": alias}),
        "kms_keys": [{"arn": KEY, "aliases": ["alias/models"]}],
    }
    [row] = _decrypt(load(tmp_path, plan_data(resources=resources)))
    assert row.key is not None and row.key.key is not None
    assert row.resource == KEY


def test_an_alias_arn_of_another_account_is_not_the_key_of_the_same_alias_name(
    tmp_path: Path,
) -> None:
    alias = f"arn:aws:kms:us-east-2:{R}:alias/models"
    resources = {
        **_bucket(encryption={"sse": "aws:kms", "kms_key": alias}),
        "kms_keys": [{"arn": KEY, "aliases": ["alias/models"]}],
    }
    [row] = _decrypt(load(tmp_path, plan_data(resources=resources)))
    assert row.resource != KEY


def test_a_bare_key_id_names_the_plans_key_with_that_id(tmp_path: Path) -> None:
    # As a request field may give it (OutputDataConfig.KmsKeyId takes a key id).
    plan = load(tmp_path, plan_data(resources={"kms_keys": [{"arn": KEY}]}))
    key = find_key(plan, KEY.rsplit("/", 1)[-1])
    assert key is not None and key.arn == KEY
    assert find_key(plan, OTHER_KEY.rsplit("/", 1)[-1]) is None
