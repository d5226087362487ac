"""The IAM policy model: what a parsed policy document is, independent of where it came from."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Literal

from checker.records import field, record

Effect = Literal["Allow", "Deny"]


class PolicyType(StrEnum):
    """Which kind of policy a document is: evaluation and lint rules depend on it."""

    IDENTITY = "identity"
    BOUNDARY = "boundary"
    SCP = "scp"
    RCP = "rcp"
    BUCKET = "bucket"
    REPOSITORY = "repository"  # ECR: no Resource element; the statement applies to the repository
    KEY = "key"  # KMS: Resource "*" means "this key"
    MODEL_PACKAGE_GROUP = "model_package_group"

    @property
    def is_resource_policy(self) -> bool:
        return self in (
            PolicyType.BUCKET,
            PolicyType.REPOSITORY,
            PolicyType.KEY,
            PolicyType.MODEL_PACKAGE_GROUP,
        )


@record
class Principal:
    """A ``Principal`` or ``NotPrincipal`` element, normalized.

    ``aws`` holds ARNs; a bare account id ``123456789012`` is stored as
    ``arn:<partition>:iam::123456789012:root``. ``wildcard`` is true for ``"*"`` and for
    ``{"AWS": "*"}``.
    """

    wildcard: bool = False
    aws: tuple[str, ...] = ()
    service: tuple[str, ...] = ()
    federated: tuple[str, ...] = ()
    canonical_user: tuple[str, ...] = ()


@record
class Condition:
    """One (operator, key) pair of a Condition block with its values as strings.

    ``operator`` is as written (``ForAnyValue:StringLikeIfExists``); booleans and numbers in
    the document are kept as their JSON text (``true``, ``10``).
    """

    operator: str
    key: str
    values: tuple[str, ...]


@record
class Statement:
    index: int
    sid: str | None
    effect: Effect
    principal: Principal | None = None
    not_principal: Principal | None = None
    action: tuple[str, ...] | None = None
    not_action: tuple[str, ...] | None = None
    resource: tuple[str, ...] | None = None
    not_resource: tuple[str, ...] | None = None
    conditions: tuple[Condition, ...] = ()
    line: int | None = None

    @property
    def label(self) -> str:
        """How reports name the statement: its Sid, else its position (``#0``)."""
        return self.sid if self.sid else f"#{self.index}"


@record
class Policy:
    """A parsed policy document.

    ``attached_to`` is the ARN of the resource a resource policy is attached to (the ECR
    repository, the bucket, the key, the group); evaluation uses it where the grammar leaves
    the resource implicit (ECR) or means "this resource" (KMS ``Resource: "*"``).
    """

    source: str
    type: PolicyType
    statements: tuple[Statement, ...]
    version: str | None = None
    id: str | None = None
    attached_to: str | None = None
    document: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
