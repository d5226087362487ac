"""Small builders for policy tests: documents in, parsed policies and questions out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from checker.policy import (
    AccessQuestion,
    Grant,
    Policy,
    PolicyType,
    Request,
    RequestContext,
    parse_policy,
)

T = "111111111111"  # training account: owns bucket, key, repository
R = "222222222222"  # registry account: its roles deploy
ROLE_R = f"arn:aws:iam::{R}:role/Deployer"
SESSION_R = f"arn:aws:sts::{R}:assumed-role/Deployer/run-1"
BUCKET = "arn:aws:s3:::my-bucket"
OBJECT = "arn:aws:s3:::my-bucket/model.tar.gz"
KEY = f"arn:aws:kms:us-east-1:{T}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
REPO = f"arn:aws:ecr:us-east-1:{T}:repository/model"


def statement(
    effect: str = "Allow",
    action: str | Sequence[str] = "*",
    resource: str | Sequence[str] | None = "*",
    **extra: Any,
) -> dict[str, Any]:
    found: dict[str, Any] = {"Effect": effect, "Action": action}
    if resource is not None:
        found["Resource"] = resource
    found.update(extra)
    return found


def policy(
    kind: PolicyType,
    *statements: Mapping[str, Any],
    source: str | None = None,
    attached_to: str | None = None,
    version: str | None = "2012-10-17",
) -> Policy:
    document: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        document["Version"] = version
    return parse_policy(
        document,
        source=source or f"{kind.value}.json",
        policy_type=kind,
        attached_to=attached_to,
    )


def identity(*statements: Mapping[str, Any], source: str = "identity.json") -> Policy:
    return policy(PolicyType.IDENTITY, *statements, source=source)


def allow_all_identity() -> Policy:
    return identity(statement("Allow", "*", "*"), source="admin.json")


def context(absent: Sequence[str] = (), **values: str | Sequence[str]) -> RequestContext:
    """Keys as ``aws_SourceVpce="vpce-1"`` (``_`` after the service prefix becomes ``:``)."""
    known: dict[str, tuple[str, ...]] = {}
    for name, value in values.items():
        key = name.replace("_", ":", 1).lower()
        known[key] = (value,) if isinstance(value, str) else tuple(value)
    return RequestContext(known, frozenset(k.lower() for k in absent))


def request(
    principal: str = ROLE_R,
    action: str = "s3:GetObject",
    resource: str = OBJECT,
    ctx: RequestContext | None = None,
) -> Request:
    return Request(principal, action, resource, ctx or RequestContext())


def question(
    req: Request,
    *,
    resource_account: str = T,
    principal_account: str = R,
    resource_policy: Policy | None = None,
    identity_policies: Sequence[Policy] | None = None,
    boundary: Policy | None = None,
    scps: Sequence[Sequence[Policy]] | None = None,
    rcps: Sequence[Sequence[Policy]] | None = None,
    grants: Sequence[Grant] = (),
    resource_state_known: bool = True,
    resource_side_applies: bool = True,
) -> AccessQuestion:
    return AccessQuestion(
        request=req,
        resource_account=resource_account,
        principal_account=principal_account,
        resource_policy=resource_policy,
        resource_state_known=resource_state_known,
        resource_side_applies=resource_side_applies,
        identity_policies=None if identity_policies is None else tuple(identity_policies),
        permissions_boundary=boundary,
        scps=None if scps is None else tuple(tuple(level) for level in scps),
        rcps=None if rcps is None else tuple(tuple(level) for level in rcps),
        grants=tuple(grants),
    )
