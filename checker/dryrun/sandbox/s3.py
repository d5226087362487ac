"""The artifact buckets (policy, default encryption, object ownership) and one object per
artifact, encrypted the way the plan says the training job wrote it.

moto keeps one bucket namespace for every account, so a consumer in another account reads
the object straight from moto: S3 calls need no routing by xreg.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker.dryrun.emulator import Emulator
from checker.dryrun.sandbox.common import attempt, create_or_reuse, policy_text
from checker.dryrun.sandbox.kms import aws_managed_key, data_key
from checker.dryrun.sandbox.model import Sandbox, SandboxArtifact
from checker.matrix.expand import KeyChoice, choose_artifact_key, find_bucket
from checker.matrix.references import ArtifactRef
from checker.plan.model import Plan, S3Bucket

PLACEHOLDER_OBJECT = "xreg-placeholder.tar.gz"


def object_key(artifact: ArtifactRef) -> str:
    """The object to place: the key itself, or one object under an ``S3Prefix``."""
    if artifact.object_arn.endswith("*"):
        return artifact.key + PLACEHOLDER_OBJECT
    return artifact.key or PLACEHOLDER_OBJECT


def build_buckets(plan: Plan, emulator: Emulator, sandbox: Sandbox) -> None:
    for bucket in plan.s3_buckets:
        _build_bucket(plan, emulator, sandbox, bucket)


def _build_bucket(plan: Plan, emulator: Emulator, sandbox: Sandbox, bucket: S3Bucket) -> None:
    s3 = emulator.account_client("s3", bucket.account)
    create: dict[str, Any] = {"Bucket": bucket.name}
    if plan.region != "us-east-1":
        create["CreateBucketConfiguration"] = {"LocationConstraint": plan.region}
    created = attempt(
        sandbox,
        f"the bucket {bucket.name}",
        create_or_reuse,
        s3.create_bucket,
        **create,
    )
    reused = created is None
    if reused and bucket.name not in _owned_buckets(s3):
        return
    sandbox.bucket_owners[bucket.name] = bucket.account
    misjudged = conditional_star_statements(bucket.policy.document) if bucket.policy else []
    if bucket.policy is not None and misjudged:
        sandbox.note(
            f"the bucket policy {bucket.policy.source} is held by xreg: moto applies statements "
            f'with Principal "*" without their conditions ({", ".join(misjudged)}) and would '
            "refuse reads AWS allows"
        )
    if reused and (bucket.policy is None or misjudged):
        # A server reused from an earlier run may hold a policy this plan does not have.
        attempt(
            sandbox,
            f"removing the old policy of {bucket.name}",
            s3.delete_bucket_policy,
            Bucket=bucket.name,
        )
    if bucket.policy is not None and not misjudged:
        text = policy_text(bucket.policy.document)
        attempt(
            sandbox,
            f"the bucket policy {bucket.policy.source}",
            s3.put_bucket_policy,
            Bucket=bucket.name,
            Policy=text,
        )
    if bucket.encryption is not None:
        default: dict[str, str] = {"SSEAlgorithm": bucket.encryption.sse}
        if bucket.encryption.kms_key:
            key = bucket.encryption.kms_key
            default["KMSMasterKeyID"] = sandbox.sandbox_keys.get(key, key)
        rules = {"Rules": [{"ApplyServerSideEncryptionByDefault": default}]}
        attempt(
            sandbox,
            f"the default encryption of {bucket.name}",
            s3.put_bucket_encryption,
            Bucket=bucket.name,
            ServerSideEncryptionConfiguration=rules,
        )
    if bucket.object_ownership is not None:
        ownership = {"Rules": [{"ObjectOwnership": bucket.object_ownership}]}
        attempt(
            sandbox,
            f"the object ownership of {bucket.name}",
            s3.put_bucket_ownership_controls,
            Bucket=bucket.name,
            OwnershipControls=ownership,
        )


def conditional_star_statements(document: Mapping[str, Any]) -> list[str]:
    """Statements moto's S3 would misjudge: ``Principal: "*"`` with a ``Condition``.

    moto 5.2 checks such a statement on every object read but evaluates its conditions
    against no request context, so the statement counts as a refusal (``Allow`` and ``Deny``
    alike). A policy holding one is kept out of moto; xreg decides with it as always.
    """
    statements = document.get("Statement", [])
    if isinstance(statements, Mapping):
        statements = [statements]
    labels: list[str] = []
    for index, statement in enumerate(statements if isinstance(statements, list) else []):
        if not isinstance(statement, Mapping):
            continue
        if statement.get("Principal") == "*" and statement.get("Condition"):
            labels.append(str(statement.get("Sid") or f"#{index}"))
    return labels


def _owned_buckets(s3: Any) -> set[str]:
    return {item["Name"] for item in s3.list_buckets().get("Buckets", [])}


def place_artifacts(
    plan: Plan, emulator: Emulator, sandbox: Sandbox, artifacts: tuple[ArtifactRef, ...]
) -> None:
    for artifact in artifacts:
        key = object_key(artifact)
        if sandbox.artifact_at(artifact.bucket, key) is not None:
            continue  # the same object serves several containers
        bucket = find_bucket(plan, artifact.bucket)
        owner = bucket.account if bucket else None
        choice = choose_artifact_key(plan, artifact, owner)
        sandbox_key, ciphertext = _encryption(plan, emulator, sandbox, choice)
        if artifact.bucket in sandbox.bucket_owners:
            _put_object(emulator, sandbox, artifact, key, choice, sandbox_key)
        else:
            sandbox.note(
                f"the plan does not describe the bucket {artifact.bucket}: the sandbox has no "
                f"object for {artifact.uri}"
            )
        sandbox.artifacts.append(
            SandboxArtifact(
                uri=artifact.uri,
                bucket=artifact.bucket,
                key=key,
                row=artifact.object_arn,
                owner=owner,
                key_choice=choice,
                sandbox_key=sandbox_key,
                ciphertext=ciphertext,
            )
        )


def _encryption(
    plan: Plan, emulator: Emulator, sandbox: Sandbox, choice: KeyChoice | None
) -> tuple[str | None, bytes | None]:
    """The sandbox key that stands for the artifact's key, and a data key under it."""
    if choice is None or choice.arn is None:
        return None, None
    region = choice.region or plan.region
    if choice.key is not None and choice.key.arn in sandbox.sandbox_keys:
        sandbox_key = sandbox.sandbox_keys[choice.key.arn]
        return sandbox_key, data_key(emulator, sandbox, sandbox_key, choice.key.account, region)
    if choice.aws_managed and choice.key is None:
        made = aws_managed_key(emulator, sandbox, choice.arn, choice.account, region)
        return made if made is not None else (None, None)
    return None, None


def _put_object(
    emulator: Emulator,
    sandbox: Sandbox,
    artifact: ArtifactRef,
    key: str,
    choice: KeyChoice | None,
    sandbox_key: str | None,
) -> None:
    owner = sandbox.bucket_owners[artifact.bucket]
    s3 = emulator.account_client("s3", owner)
    put: dict[str, Any] = {
        "Bucket": artifact.bucket,
        "Key": key,
        "Body": f"xreg dry-run placeholder for {artifact.uri}\n".encode(),
    }
    if choice is not None and sandbox_key is not None:
        put["ServerSideEncryption"] = "aws:kms"
        put["SSEKMSKeyId"] = sandbox_key
    attempt(sandbox, f"the object {artifact.uri}", s3.put_object, **put)
