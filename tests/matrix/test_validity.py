"""invalid_fields: the request fields AWS would refuse, and what names each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from checker.matrix.references import collect_references
from checker.matrix.validity import REQUEST_INVALID, URI_MALFORMED, InvalidField, invalid_fields
from tests.matrix.plan_data import GROUP, T, containers, load, plan_data

IMAGE_FIELD = "registration.InferenceSpecification.Containers[0].Image"


def _invalid(
    tmp_path: Path, data: dict[str, Any] | None = None, change: Any = None
) -> list[InvalidField]:
    plan = load(tmp_path, data, change)
    return invalid_fields(plan, collect_references(plan))


def test_a_valid_request_has_no_invalid_field(tmp_path: Path) -> None:
    assert _invalid(tmp_path) == []


def test_a_value_outside_the_enum_depends_on_nothing(tmp_path: Path) -> None:
    [found] = _invalid(tmp_path, plan_data(registration={"ModelApprovalStatus": "Maybe"}))
    assert found.field == "registration.ModelApprovalStatus"
    assert found.rule == REQUEST_INVALID
    assert found.depends is None  # no access depends on the approval status
    assert found.resource == GROUP  # the finding is about the group the request names
    assert "'Maybe' is not one of" in found.message
    assert found.reason().endswith("the request is invalid, so the access cannot be decided")


def test_a_group_name_off_the_pattern_is_refused_and_the_group_depends_on_it(
    tmp_path: Path,
) -> None:
    [found] = _invalid(tmp_path, plan_data(registration={"ModelPackageGroupName": "churn_group"}))
    assert found.field == "registration.ModelPackageGroupName"
    assert (found.rule, found.depends) == (REQUEST_INVALID, "group")
    assert "does not match the pattern" in found.message


def test_a_malformed_image_is_malformed_uri_and_the_image_depends_on_it(tmp_path: Path) -> None:
    uri = f"{T}.dkr.ecr.us-east-2.amazonaws.com/"

    def change(data: dict[str, Any]) -> None:
        containers(data)[0]["Image"] = uri

    [found] = _invalid(tmp_path, change=change)
    assert (found.field, found.rule, found.depends) == (IMAGE_FIELD, URI_MALFORMED, "image")
    assert found.resource == uri
    assert found.message.startswith(f"{IMAGE_FIELD} is not a valid image URI")


def test_a_uri_off_the_api_pattern_is_refused_by_the_api_model(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        containers(data)[0]["ModelDataUrl"] = "s3://"

    found = _invalid(tmp_path, change=change)
    assert [(item.rule, item.depends) for item in found] == [(REQUEST_INVALID, "artifact")]


def test_a_uri_that_names_no_s3_object_is_malformed(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        containers(data)[0]["ModelDataUrl"] = "s3://Bad_Bucket/model.tar.gz"

    [found] = _invalid(tmp_path, change=change)
    assert (found.rule, found.depends) == (URI_MALFORMED, "artifact")
    assert found.resource == "s3://Bad_Bucket/model.tar.gz"
    assert "is not a valid S3 location" in found.message


def test_a_uri_named_key_in_a_free_form_map_names_no_artifact(tmp_path: Path) -> None:
    data = plan_data(registration={"CustomerMetadataProperties": {"SourceUrl": 5}})
    [found] = _invalid(tmp_path, data)
    assert found.field == "registration.CustomerMetadataProperties.SourceUrl"
    assert found.depends is None


def test_an_image_outside_ecr_is_not_a_refused_field(tmp_path: Path) -> None:
    # SageMaker accepts such a request; only following the reference is impossible.
    def change(data: dict[str, Any]) -> None:
        containers(data)[0]["Image"] = "docker.io/library/python:3.12"

    assert _invalid(tmp_path, change=change) == []


def test_one_entry_per_field_in_document_order(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["registration"]["ModelApprovalStatus"] = "Maybe"
        containers(data)[0]["Image"] = f"{T}.dkr.ecr.us-east-2.amazonaws.com/"
        containers(data)[0]["ModelDataUrl"] = "s3://"

    fields = [item.field for item in _invalid(tmp_path, change=change)]
    assert len(fields) == len(set(fields))
    assert set(fields) == {
        "registration.ModelApprovalStatus",
        IMAGE_FIELD,
        "registration.InferenceSpecification.Containers[0].ModelDataUrl",
    }
