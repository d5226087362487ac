"""``--probe``: read-only probes of the live accounts that show access really works.

From a consumer: each image's manifest (``BatchGetImage``) and a ``HeadObject`` of each
artifact. From the registrar: ``DescribeModelPackageGroup`` of the group. Never a write: the
clients carry the live mode's read-only guard (``checker.aws.readonly``), widened by exactly
the reads a probe makes that a snapshot does not (``PROBE_READS``). Credentials are the
live mode's (profiles, SSO, environment, assume-role: ``checker.aws.session``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker.aws.boto import BotoCoreError, ClientError, ResponseParserError, error_details
from checker.aws.ecr import image_id, no_image_reason
from checker.aws.error_text import parser_message
from checker.aws.readonly import READ_OPERATIONS, guard_client
from checker.aws.session import AccountAccess, AwsAccount
from checker.matrix.references import References, collect_references
from checker.plan.model import Plan

# Reads a probe makes beyond the snapshot's allow-list. BatchGetImage only reads a manifest.
PROBE_READS: Mapping[str, frozenset[str]] = {"ecr": frozenset({"BatchGetImage"})}
MANIFEST_TYPES = [
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.index.v1+json",
]


# Every operation a probe client may send: the snapshot's reads and the probe's own.
PROBE_OPERATIONS: Mapping[str, frozenset[str]] = {
    service: READ_OPERATIONS.get(service, frozenset()) | PROBE_READS.get(service, frozenset())
    for service in {*READ_OPERATIONS, *PROBE_READS}
}


def guard_probe_client(client: Any) -> Any:
    """Refuse, before anything is signed or sent, every operation a probe does not read."""
    return guard_client(client, PROBE_OPERATIONS)


class ProbeAccount:
    """One live principal's session, with clients that can only read."""

    def __init__(self, access: AccountAccess) -> None:
        self.account = AwsAccount(access, reads=PROBE_OPERATIONS)

    def client(self, service: str, region: str) -> Any:
        return self.account.client(service, region)

    @property
    def caller(self) -> str:
        return self.account.caller_arn


def _result(call: str, principal: str, target: str, status: str, detail: str) -> dict[str, Any]:
    return {
        "call": call,
        "principal": principal,
        "target": target,
        "status": status,
        "detail": detail,
    }


def _failure(error: Exception) -> tuple[str, str]:
    if isinstance(error, ClientError):
        code, message = error_details(error)
        status = "denied" if "AccessDenied" in code or code == "403" else "failed"
        return status, f"{code}: {message}"
    return "failed", parser_message(str(error))


class ProbeFailed(Exception):
    """The service answered, but without what the probe reads (e.g. no such image)."""


def _probe(call: str, principal: str, target: str, action: Any) -> dict[str, Any]:
    try:
        detail = action()
    except (ClientError, BotoCoreError, ResponseParserError) as error:
        status, text = _failure(error)
        return _result(call, principal, target, status, text)
    except ProbeFailed as failure:
        return _result(call, principal, target, "failed", str(failure))
    return _result(call, principal, target, "succeeded", detail)


def run_probes(
    plan: Plan, registrar: AccountAccess, consumer: AccountAccess
) -> tuple[dict[str, Any], ...]:
    references = collect_references(plan, plan.registrar_principal.account)
    consumer_account = ProbeAccount(consumer)
    registrar_account = ProbeAccount(registrar)
    results = [*_consumer_probes(plan, references, consumer_account)]
    results.extend(_registrar_probes(references, registrar_account))
    return tuple(results)


def _consumer_probes(
    plan: Plan, references: References, account: ProbeAccount
) -> list[dict[str, Any]]:
    from checker.refs import parse_ecr_image

    caller = account.caller
    results: list[dict[str, Any]] = []
    for image in {image.uri: image for image in references.images}.values():
        wanted = image_id(parse_ecr_image(image.uri))

        def manifest(image: Any = image, wanted: dict[str, str] = wanted) -> str:
            answer = account.client("ecr", image.region).batch_get_image(
                registryId=image.account,
                repositoryName=image.repository,
                imageIds=[wanted],
                acceptedMediaTypes=MANIFEST_TYPES,
            )
            if not answer.get("images"):
                raise ProbeFailed(no_image_reason(answer))
            return f"manifest {answer['images'][0]['imageId'].get('imageDigest', '')}".strip()

        results.append(_probe("ecr.batch_get_image", caller, image.repository_arn, manifest))
    for artifact in {a.uri: a for a in references.artifacts}.values():
        target = f"arn:{plan.partition}:s3:::{artifact.bucket}/{artifact.key}"
        if artifact.object_arn.endswith("*"):
            results.append(
                _result(
                    "s3.head_object", caller, target, "skipped", "an S3Prefix names no one object"
                )
            )
            continue

        def head(artifact: Any = artifact) -> str:
            answer = account.client("s3", plan.region).head_object(
                Bucket=artifact.bucket, Key=artifact.key
            )
            encryption = answer.get("ServerSideEncryption", "none")
            return f"{answer.get('ContentLength', 0)} bytes, encryption {encryption}"

        results.append(_probe("s3.head_object", caller, target, head))
    return results


def _registrar_probes(references: References, account: ProbeAccount) -> list[dict[str, Any]]:
    group = references.group
    if group is None:
        return []

    def describe() -> str:
        # Another account's group is named by its ARN; in its own account the name is the
        # plainer call (and the one every SDK and emulator accepts).
        same_account = account.account.account_id == group.account
        answer = account.client("sagemaker", group.region).describe_model_package_group(
            ModelPackageGroupName=group.name if same_account else group.arn
        )
        return f"group {answer.get('ModelPackageGroupStatus', 'found')}"

    return [_probe("sagemaker.describe_model_package_group", account.caller, group.arn, describe)]
