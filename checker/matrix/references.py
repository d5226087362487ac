"""What a registration request references: the group, every image, every S3 artifact."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from checker.errors import field_path
from checker.plan.model import Plan
from checker.records import record
from checker.refs import (
    NotInEcr,
    looks_like_s3,
    parse_arn,
    parse_artifact_uri,
    parse_ecr_image,
)


@record
class GroupRef:
    arn: str  # the group ARN the request resolves to
    account: str
    name: str
    field: str
    given_as_name: bool  # a bare name resolves to the registrar's own account
    region: str  # "" when the ARN gives none


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
        name = arn.resource[len(prefix) :]
        return GroupRef(value, arn.account, name, GROUP_FIELD, False, arn.region)
    group_arn = (
        f"arn:{plan.partition}:sagemaker:{plan.region}:{registrar_account}"
        f":model-package-group/{value}"
    )
    return GroupRef(group_arn, registrar_account, value, GROUP_FIELD, True, plan.region)


def collect_references(plan: Plan, registrar_account: str | None = None) -> References:
    """What ``plan.registration`` references. A bare group name resolves to
    ``registrar_account``, by default the account of the plan's registrar."""
    if registrar_account is None:
        registrar_account = plan.registrar_principal.account
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


# --- the walk of a create_model_package request --------------------------------------------


def is_uri_key(key: str) -> bool:
    # ModelDataUrl, S3Uri, ManifestS3Uri, SamplePayloadUrl, SourceUri, S3OutputPath, and
    # whatever the API adds under the same naming.
    return key.endswith(("Uri", "Url", "S3OutputPath"))


# Free-form maps whose keys are the user's: a key named like a URI there holds no artifact.
_FREE_FORM_MAPS = frozenset({"CustomerMetadataProperties", "Environment"})


_Path = tuple[str | int, ...]


def _walk(value: Any, path: _Path) -> Iterator[tuple[_Path, Any, Mapping[str, Any] | None]]:
    """Every node with its path and the mapping holding it: depth-first, in document order,
    iteratively (a request can be deep)."""
    stack: list[tuple[_Path, Any, Mapping[str, Any] | None]] = [(path, value, None)]
    while stack:
        current_path, current, parent = stack.pop()
        yield current_path, current, parent
        children: list[tuple[_Path, Any, Mapping[str, Any] | None]]
        if isinstance(current, Mapping):
            children = [
                ((*current_path, str(k)), v, current)
                for k, v in current.items()
                if k not in _FREE_FORM_MAPS
            ]
        elif isinstance(current, Sequence) and not isinstance(current, str):
            children = [((*current_path, i), v, None) for i, v in enumerate(current)]
        else:
            continue
        stack.extend(reversed(children))


def _root(root: str) -> tuple[str | int, ...]:
    return (root,) if root else ()


def find_s3_uris(
    registration: Mapping[str, Any], *, root: str = "registration"
) -> list[tuple[str, str, bool]]:
    """Every S3 URI of a ``create_model_package`` request: ``(uri, field path, is_prefix)``.

    A value counts when its key holds a URI (``ModelDataUrl``, ``S3Uri``, ``SamplePayloadUrl``,
    ``SourceUri``…); ``SourceUri`` counts only when it is an S3 URI. Strings under other keys
    and inside free-form maps (``CustomerMetadataProperties``, ``Environment``) are not
    something the model reads.
    ``is_prefix``: an ``S3Uri`` next to ``S3DataType: S3Prefix`` names every object under
    that prefix. Field paths start with ``root`` (``registration.InferenceSpecification…``).
    The list is in document order and includes malformed S3 URIs (``parse_s3_uri`` says why).
    """
    found: list[tuple[str, str, bool]] = []
    for path, value, parent in _walk(registration, _root(root)):
        key = path[-1] if path else None
        if parent is None or not isinstance(key, str) or not isinstance(value, str):
            continue
        # SourceUri may name a non-S3 source; every other URI key must hold S3.
        if is_uri_key(key) and (key != "SourceUri" or looks_like_s3(value)):
            is_prefix = key == "S3Uri" and parent.get("S3DataType") == "S3Prefix"
            found.append((value, field_path(path), is_prefix))
    return found


def find_images(
    registration: Mapping[str, Any], *, root: str = "registration"
) -> list[tuple[str, str]]:
    """Every container ``Image`` of ``InferenceSpecification`` and of
    ``AdditionalInferenceSpecifications[]``: ``(uri, field path)``, in document order.
    """
    found: list[tuple[str, str]] = []
    base = _root(root)
    specifications: list[tuple[tuple[str | int, ...], Any]] = [
        ((*base, "InferenceSpecification"), registration.get("InferenceSpecification"))
    ]
    additional = registration.get("AdditionalInferenceSpecifications")
    if isinstance(additional, Sequence) and not isinstance(additional, str):
        specifications += [
            ((*base, "AdditionalInferenceSpecifications", i), spec)
            for i, spec in enumerate(additional)
        ]
    for spec_path, spec in specifications:
        if not isinstance(spec, Mapping):
            continue
        containers = spec.get("Containers")
        if not isinstance(containers, Sequence) or isinstance(containers, str):
            continue
        for index, container in enumerate(containers):
            if isinstance(container, Mapping) and isinstance(container.get("Image"), str):
                found.append(
                    (container["Image"], field_path((*spec_path, "Containers", index, "Image")))
                )
    return found
