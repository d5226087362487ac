"""What a registration request references: the group, every image, every S3 artifact."""

from __future__ import annotations

from checker.plan.model import Plan
from checker.records import record
from checker.refs import (
    NotInEcr,
    find_images,
    find_s3_uris,
    parse_arn,
    parse_artifact_uri,
    parse_ecr_image,
    principal_account,
)


@record
class GroupRef:
    arn: str  # the group ARN the request resolves to
    account: str
    name: str
    field: str
    given_as_name: bool  # a bare name resolves to the registrar's own account


@record
class ImageRef:
    uri: str
    field: str
    account: str
    region: str
    repository: str
    repository_arn: str


@record
class ArtifactRef:
    uri: str
    field: str
    bucket: str
    key: str
    bucket_arn: str
    object_arn: str  # ends with * when the URI names a prefix
    # A container's model data (ModelDataUrl, ModelDataSource.S3DataSource.S3Uri): what a
    # training job writes, so the one the training job's output key covers.
    model_data: bool = False


@record
class ReferenceProblem:
    """A reference xreg could not follow: reported as a finding, never a crash."""

    rule: str
    field: str
    value: str
    message: str


@record
class References:
    group: GroupRef | None
    images: tuple[ImageRef, ...]
    artifacts: tuple[ArtifactRef, ...]
    problems: tuple[ReferenceProblem, ...]


GROUP_FIELD = "registration.ModelPackageGroupName"
_MODEL_DATA_FIELDS = (".ModelDataUrl", ".ModelDataSource.S3DataSource.S3Uri")


def is_model_data_field(field: str) -> bool:
    """Whether ``field`` (a request field path) is a container's model data."""
    return ".Containers[" in field and field.endswith(_MODEL_DATA_FIELDS)


def _group_ref(plan: Plan, registrar_account: str) -> GroupRef | ReferenceProblem:
    value = plan.registration.get("ModelPackageGroupName")
    if not isinstance(value, str) or not value:
        return ReferenceProblem(
            "REF-GROUP-INVALID", GROUP_FIELD, str(value), "ModelPackageGroupName is missing"
        )
    if value.startswith("arn:"):
        try:
            arn = parse_arn(value)
        except ValueError as error:
            return ReferenceProblem("REF-GROUP-INVALID", GROUP_FIELD, value, str(error))
        prefix = "model-package-group/"
        if arn.service != "sagemaker" or not arn.resource.startswith(prefix):
            return ReferenceProblem(
                "REF-GROUP-INVALID", GROUP_FIELD, value, "not a model package group ARN"
            )
        return GroupRef(value, arn.account, arn.resource[len(prefix) :], GROUP_FIELD, False)
    group_arn = (
        f"arn:{plan.partition}:sagemaker:{plan.region}:{registrar_account}"
        f":model-package-group/{value}"
    )
    return GroupRef(group_arn, registrar_account, value, GROUP_FIELD, True)


def collect_references(plan: Plan, registrar_account: str | None = None) -> References:
    """What ``plan.registration`` references. A bare group name resolves to
    ``registrar_account``, by default the account of the plan's registrar."""
    if registrar_account is None:
        registrar_account = principal_account(plan.registrar_arn)
    problems: list[ReferenceProblem] = []
    group: GroupRef | None = None
    resolved = _group_ref(plan, registrar_account)
    if isinstance(resolved, ReferenceProblem):
        problems.append(resolved)
    else:
        group = resolved

    images: dict[str, ImageRef] = {}
    for uri, field in find_images(plan.registration):
        try:
            image = parse_ecr_image(uri)
        except NotInEcr as error:
            problems.append(ReferenceProblem("REF-IMAGE-NOT-ECR", field, uri, str(error)))
            continue
        except ValueError as error:
            problems.append(ReferenceProblem("REF-IMAGE-INVALID", field, uri, str(error)))
            continue
        images.setdefault(
            field,
            ImageRef(
                uri,
                field,
                image.account,
                image.region,
                image.repository,
                image.repository_arn,
            ),
        )

    artifacts: list[ArtifactRef] = []
    for uri, field, is_prefix in find_s3_uris(plan.registration):
        try:
            location = parse_artifact_uri(uri, is_prefix=is_prefix)
        except ValueError as error:
            problems.append(ReferenceProblem("REF-S3-URI-INVALID", field, uri, str(error)))
            continue
        object_arn = location.object_arn(plan.partition)
        if is_prefix:
            object_arn = object_arn + "*"
        artifacts.append(
            ArtifactRef(
                uri,
                field,
                location.bucket,
                location.key,
                location.bucket_arn(plan.partition),
                object_arn,
                is_model_data_field(field),
            )
        )
    return References(group, tuple(images.values()), tuple(artifacts), tuple(problems))
