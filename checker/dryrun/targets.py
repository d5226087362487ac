"""What a replayed call acts on: its IAM action, its resource, and how it reaches moto.

One function per operation the replay makes. ``route``: moto cannot follow the call into the
resource's account (ECR, KMS and SageMaker keep per-account state and resolve a call in the
caller's account), so xreg sends it to moto as the owner, after authorizing the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from checker.dryrun.sandbox.model import Sandbox
from checker.plan.model import Plan
from checker.records import field, record
from checker.refs import arn_or_none, group_versions_arn

# Operations moto 5.2 does not implement: xreg decides them and does not send them.
NOT_EMULATED: frozenset[tuple[str, str]] = frozenset({("ecr", "GetDownloadUrlForLayer")})


@record
class Target:
    """``resource``: the ARN as the plan names it; ``row``: the requirement row it falls
    under; ``concrete``: decide again on ``resource`` rather than take the row's decision."""

    action: str
    resource: str
    row: str
    owner: str | None
    route: bool = False
    routed_params: Mapping[str, Any] = field(default_factory=dict)
    concrete: bool = False
    emulated: bool = True


class UnplannedCall(Exception):
    """A gated client made a call the replay does not know how to authorize."""


@record
class CallSite:
    service: str
    operation: str
    params: Mapping[str, Any]
    caller_account: str
    region: str


def _ecr_repository(plan: Plan, site: CallSite, action: str) -> Target:
    registry = str(site.params.get("registryId") or site.caller_account)
    name = site.params["repositoryName"]
    arn = f"arn:{plan.partition}:ecr:{site.region}:{registry}:repository/{name}"
    return Target(
        action=action,
        resource=arn,
        row=arn,
        owner=registry,
        route=registry != site.caller_account,
        routed_params=dict(site.params),
        emulated=(site.service, site.operation) not in NOT_EMULATED,
    )


def _ecr_token(site: CallSite) -> Target:
    # No resource: only the caller's identity policy decides it.
    return Target("ecr:GetAuthorizationToken", "*", "*", site.caller_account)


def _s3_object(plan: Plan, site: CallSite, sandbox: Sandbox) -> Target:
    bucket, key = site.params["Bucket"], site.params["Key"]
    arn = f"arn:{plan.partition}:s3:::{bucket}/{key}"
    artifact = sandbox.artifact_at(bucket, key)
    return Target(
        action="s3:GetObject",
        resource=arn,
        row=artifact.row if artifact else arn,
        owner=sandbox.bucket_owners.get(bucket),
    )


def _kms_decrypt(plan: Plan, site: CallSite, sandbox: Sandbox) -> Target:
    key_id = str(site.params.get("KeyId", ""))
    artifact = sandbox.artifact_for_key(key_id)
    plan_key = sandbox.plan_keys.get(key_id, key_id)
    # A call names a key by ARN, key id or alias: only an ARN tells its account.
    parsed = arn_or_none(key_id)
    owner = parsed.account if parsed and parsed.account else None
    return Target(
        action="kms:Decrypt",
        resource=plan_key,
        row=artifact.key_row if artifact else plan_key,
        owner=owner,
        route=owner is not None and owner != site.caller_account,
        routed_params=dict(site.params),
        # Without a data key from the sandbox there is nothing moto could decrypt.
        emulated=artifact is not None and artifact.ciphertext is not None,
    )


def _create_model_package(
    plan: Plan, site: CallSite, sandbox: Sandbox, next_version: Callable[[], int]
) -> Target:
    group = sandbox.group
    if group is None:
        raise UnplannedCall("the request names no model package group")
    if site.params.get("ModelPackageGroupName") not in (group.arn, group.name):
        raise UnplannedCall("the request names another group than the plan's registration")
    prefix = group.arn.split(":model-package-group/")[0]
    version = f"{prefix}:model-package/{group.name}/{next_version()}"
    # moto resolves a group by name in the caller's account: send the name, as the owner.
    params = {**site.params, "ModelPackageGroupName": group.name}
    return Target(
        action="sagemaker:CreateModelPackage",
        resource=version,
        row=group_versions_arn(group.arn),
        owner=group.account,
        route=True,
        routed_params=params,
        concrete=True,
    )


def resolve_target(
    plan: Plan, site: CallSite, sandbox: Sandbox, next_version: Callable[[], int]
) -> Target:
    key = (site.service, site.operation)
    if key == ("ecr", "BatchGetImage"):
        return _ecr_repository(plan, site, "ecr:BatchGetImage")
    if key == ("ecr", "GetDownloadUrlForLayer"):
        return _ecr_repository(plan, site, "ecr:GetDownloadUrlForLayer")
    if key == ("ecr", "GetAuthorizationToken"):
        return _ecr_token(site)
    if key == ("s3", "GetObject"):
        return _s3_object(plan, site, sandbox)
    if key == ("kms", "Decrypt"):
        return _kms_decrypt(plan, site, sandbox)
    if key == ("sagemaker", "CreateModelPackage"):
        return _create_model_package(plan, site, sandbox, next_version)
    raise UnplannedCall(f"{site.service}:{site.operation} is not a call the dry-run replays")
