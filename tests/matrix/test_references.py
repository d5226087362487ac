"""collect_references: what a registration request names (group, images, S3 artifacts)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from checker.matrix.references import collect_references, is_model_data_field
from tests.matrix.plan_data import (
    GROUP,
    IMAGE,
    MODEL_OBJECT,
    MODEL_URI,
    REPOSITORY,
    R,
    T,
    containers,
    load,
    plan_data,
)

CONTAINER_0 = "registration.InferenceSpecification.Containers[0]"


def test_a_group_arn_names_the_registry_account(tmp_path: Path) -> None:
    group = collect_references(load(tmp_path)).group
    assert group is not None
    assert (group.arn, group.account, group.name) == (GROUP, R, "churn")
    assert group.field == "registration.ModelPackageGroupName"
    assert not group.given_as_name


def test_a_bare_group_name_resolves_to_the_registrars_own_account(tmp_path: Path) -> None:
    # The registrar's account (T), not the registry's: SageMaker looks the name up where the
    # caller is, which is why a cross-account registration needs the group's ARN.
    plan = load(tmp_path, plan_data(registration={"ModelPackageGroupName": "churn"}))
    group = collect_references(plan).group
    assert group is not None
    assert group.arn == f"arn:aws:sagemaker:us-east-2:{T}:model-package-group/churn"
    assert group.account == T
    assert group.given_as_name


def test_a_bare_group_name_resolves_to_the_account_asked_for(tmp_path: Path) -> None:
    plan = load(tmp_path, plan_data(registration={"ModelPackageGroupName": "churn"}))
    group = collect_references(plan, registrar_account="333333333333").group
    assert group is not None
    assert group.arn == "arn:aws:sagemaker:us-east-2:333333333333:model-package-group/churn"


def test_an_arn_of_another_resource_type_is_no_group(tmp_path: Path) -> None:
    version = f"arn:aws:sagemaker:us-east-2:{R}:model-package/churn/1"
    plan = load(tmp_path, plan_data(registration={"ModelPackageGroupName": version}))
    references = collect_references(plan)
    assert references.group is None
    [problem] = references.problems
    assert (problem.rule, problem.field, problem.value) == (
        "REF-GROUP-INVALID",
        "registration.ModelPackageGroupName",
        version,
    )
    assert "not a model package group" in problem.message


def test_an_ecr_image_names_its_repository(tmp_path: Path) -> None:
    [image] = collect_references(load(tmp_path)).images
    assert (image.uri, image.account, image.region, image.repository) == (
        IMAGE,
        T,
        "us-east-2",
        "churn",
    )
    assert image.repository_arn == REPOSITORY
    assert image.field == f"{CONTAINER_0}.Image"


def test_a_digest_and_a_nested_repository_name(tmp_path: Path) -> None:
    digest = "sha256:" + "a" * 64
    uri = f"{T}.dkr.ecr.eu-west-1.amazonaws.com/team/churn@{digest}"

    def change(data: dict[str, Any]) -> None:
        containers(data)[0]["Image"] = uri

    [image] = collect_references(load(tmp_path, change=change)).images
    assert image.repository == "team/churn"
    assert image.region == "eu-west-1"
    assert image.repository_arn == f"arn:aws:ecr:eu-west-1:{T}:repository/team/churn"


def test_every_container_of_a_pipeline_counts(tmp_path: Path) -> None:
    other = f"{T}.dkr.ecr.us-east-2.amazonaws.com/features:v2"

    def change(data: dict[str, Any]) -> None:
        containers(data).append({"Image": other, "ModelDataUrl": "s3://features/model.tar.gz"})

    references = collect_references(load(tmp_path, change=change))
    assert [image.repository for image in references.images] == ["churn", "features"]
    assert [artifact.bucket for artifact in references.artifacts] == ["models-bucket", "features"]
    assert references.images[1].field == "registration.InferenceSpecification.Containers[1].Image"


def test_an_image_outside_ecr_is_a_problem_not_a_repository(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        containers(data)[0]["Image"] = "docker.io/library/python:3.12"

    references = collect_references(load(tmp_path, change=change))
    assert references.images == ()
    assert [(p.rule, p.field) for p in references.problems] == [
        ("REF-IMAGE-NOT-ECR", f"{CONTAINER_0}.Image")
    ]


def test_a_malformed_ecr_image_is_a_problem(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        containers(data)[0]["Image"] = f"{T}.dkr.ecr.us-east-2.amazonaws.com/"

    references = collect_references(load(tmp_path, change=change))
    assert references.images == ()
    assert [p.rule for p in references.problems] == ["REF-IMAGE-INVALID"]


def test_model_data_names_an_object(tmp_path: Path) -> None:
    [artifact] = collect_references(load(tmp_path)).artifacts
    assert (artifact.uri, artifact.bucket, artifact.key) == (
        MODEL_URI,
        "models-bucket",
        "churn/model.tar.gz",
    )
    assert artifact.bucket_arn == "arn:aws:s3:::models-bucket"
    assert artifact.object_arn == MODEL_OBJECT
    assert artifact.model_data
    assert artifact.field == f"{CONTAINER_0}.ModelDataUrl"


def test_an_s3_prefix_names_every_object_under_it(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        container = containers(data)[0]
        del container["ModelDataUrl"]
        container["ModelDataSource"] = {
            "S3DataSource": {
                "S3Uri": "s3://models-bucket/churn/",
                "S3DataType": "S3Prefix",
                "CompressionType": "None",
            }
        }

    [artifact] = collect_references(load(tmp_path, change=change)).artifacts
    assert artifact.object_arn == "arn:aws:s3:::models-bucket/churn/*"
    assert artifact.model_data  # ModelDataSource.S3DataSource.S3Uri is model data too
    assert artifact.field == f"{CONTAINER_0}.ModelDataSource.S3DataSource.S3Uri"


def test_metrics_are_artifacts_but_not_model_data(tmp_path: Path) -> None:
    metrics = "s3://metrics-bucket/churn/statistics.json"
    data = plan_data(
        registration={
            "ModelMetrics": {
                "ModelQuality": {
                    "Statistics": {"ContentType": "application/json", "S3Uri": metrics}
                }
            }
        }
    )
    references = collect_references(load(tmp_path, data))
    found = {artifact.uri: artifact for artifact in references.artifacts}
    assert set(found) == {MODEL_URI, metrics}
    assert not found[metrics].model_data
    assert found[metrics].object_arn == "arn:aws:s3:::metrics-bucket/churn/statistics.json"
    assert found[metrics].field == "registration.ModelMetrics.ModelQuality.Statistics.S3Uri"


def test_uris_in_free_form_maps_are_not_artifacts(tmp_path: Path) -> None:
    data = plan_data(registration={"CustomerMetadataProperties": {"SourceUrl": "s3://x/y"}})
    references = collect_references(load(tmp_path, data))
    assert [artifact.uri for artifact in references.artifacts] == [MODEL_URI]


def test_a_malformed_s3_uri_is_a_problem(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        containers(data)[0]["ModelDataUrl"] = "s3://"

    references = collect_references(load(tmp_path, change=change))
    assert references.artifacts == ()
    assert [(p.rule, p.field, p.value) for p in references.problems] == [
        ("REF-S3-URI-INVALID", f"{CONTAINER_0}.ModelDataUrl", "s3://")
    ]


def test_arns_take_the_plans_partition(tmp_path: Path) -> None:
    data = plan_data(
        partition="aws-cn",
        region="cn-north-1",
        principals={
            "registrar": f"arn:aws-cn:iam::{T}:role/TrainingPipelineRole",
            "consumers": [f"arn:aws-cn:iam::{R}:role/SageMakerDeployRole"],
        },
        registration={"ModelPackageGroupName": "churn"},
    )

    def change(data: dict[str, Any]) -> None:
        containers(data)[0]["Image"] = f"{T}.dkr.ecr.cn-north-1.amazonaws.com.cn/churn:latest"

    references = collect_references(load(tmp_path, data, change))
    assert references.group is not None
    assert references.group.arn == f"arn:aws-cn:sagemaker:cn-north-1:{T}:model-package-group/churn"
    [artifact] = references.artifacts
    assert artifact.object_arn == "arn:aws-cn:s3:::models-bucket/churn/model.tar.gz"
    [image] = references.images
    assert image.repository_arn == f"arn:aws-cn:ecr:cn-north-1:{T}:repository/churn"


def test_which_fields_are_model_data() -> None:
    assert is_model_data_field(f"{CONTAINER_0}.ModelDataUrl")
    assert is_model_data_field(f"{CONTAINER_0}.ModelDataSource.S3DataSource.S3Uri")
    assert not is_model_data_field("registration.ModelMetrics.ModelQuality.Statistics.S3Uri")
    assert not is_model_data_field("registration.DriftCheckBaselines.ModelDataUrl")
