"""What a live collection found: each resource's state, and what could not be read.

Policy documents are kept with a stable file stem (``s3-my-bucket``) so that a snapshot
writes the same file names every time and diffs cleanly.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from typing import Any

from checker.records import field, record

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# Where a plan keeps its policy files, relative to the plan.
POLICY_DIR = "policies"


def file_stem(*parts: str) -> str:
    """A file name part from ARN pieces: ``iam``, ``role/a/b`` → ``iam-role-a-b``."""
    return "-".join(_UNSAFE.sub("-", part).strip("-") for part in parts if part)


@record
class PolicyDocument:
    stem: str
    document: Mapping[str, Any]

    @property
    def path(self) -> str:
        """Its file, relative to the plan: ``policies/<stem>.json``."""
        return f"{POLICY_DIR}/{self.stem}.json"


OrganizationLevels = tuple[tuple[PolicyDocument, ...], ...]


@record
class Unreadable:
    """A fact that could not be read: the resource stays unknown, with ``reason``.

    ``field`` says which part: ``policy``, ``encryption``, ``grants``, ``identity``…
    """

    resource: str
    field: str
    reason: str


@record
class Missing:
    """A resource the request references that the read says does not exist."""

    resource: str
    reason: str


@record
class RepositoryState:
    arn: str
    policy: PolicyDocument | None


@record
class BucketState:
    name: str
    account: str
    policy: PolicyDocument | None
    encryption: Mapping[str, str] | None = None  # {"sse": …, "kms_key": …}
    object_ownership: str | None = None
    owner_id: str | None = None  # the bucket owner's canonical user id (GetBucketAcl)


@record
class GrantState:
    grantee_principal: str
    operations: tuple[str, ...]
    grant_id: str | None = None
    constraints: Mapping[str, Mapping[str, str]] | None = None


@record
class KeyState:
    arn: str
    manager: str
    policy: PolicyDocument | None
    aliases: tuple[str, ...] = ()
    grants: tuple[GrantState, ...] = ()


@record
class GroupState:
    arn: str
    policy: PolicyDocument | None


@record
class IdentityState:
    principal: str
    policies: tuple[PolicyDocument, ...]
    permissions_boundary: PolicyDocument | None = None


@record
class ObjectState:
    """What ``HeadObject`` says of an artifact: its server-side encryption and key."""

    uri: str
    sse: str | None
    kms_key: str | None = None


@record
class ObjectAcl:
    """What ``GetObjectAcl`` says of an artifact: its owner's canonical user id and its
    grants, each as the plan writes it (``{"Grantee": {"Type", "ID" | "URI" | …},
    "Permission"}``)."""

    uri: str
    owner_id: str | None
    grants: tuple[Mapping[str, Any], ...]


@record(frozen=False)
class Collection:
    """Everything collected so far; collectors on several threads add to it."""

    repositories: dict[str, RepositoryState] = field(default_factory=dict)
    buckets: dict[str, BucketState] = field(default_factory=dict)
    keys: dict[str, KeyState] = field(default_factory=dict)
    groups: dict[str, GroupState] = field(default_factory=dict)
    identities: dict[str, IdentityState] = field(default_factory=dict)
    objects: dict[str, ObjectState] = field(default_factory=dict)
    acls: dict[str, ObjectAcl] = field(default_factory=dict)
    # Canonical user ids by account, as ListBuckets reported them (Owner.ID).
    canonical_ids: dict[str, set[str]] = field(default_factory=dict)
    # By account: the policies attached at each level of its organization path, root first
    # (root, OUs, the account). No level: nothing restricts it (no organization, or the
    # policy type is not enabled).
    scps: dict[str, OrganizationLevels] = field(default_factory=dict)
    rcps: dict[str, OrganizationLevels] = field(default_factory=dict)
    organization_ids: dict[str, str] = field(default_factory=dict)
    unreadable: list[Unreadable] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def cannot_read(self, resource: str, what: str, reason: str) -> None:
        with self.lock:
            self.unreadable.append(Unreadable(resource, what, reason))

    def no_credentials(self, resource: str, what: str, account: str) -> None:
        """``resource`` is in ``account``, which xreg was given no way to read."""
        self.cannot_read(resource, what, f"no credentials for account {account}")

    def not_found(self, resource: str, reason: str) -> None:
        with self.lock:
            self.missing.append(Missing(resource, reason))

    def sorted_unreadable(self) -> list[tuple[str, str, str]]:
        """Each distinct (resource, field, reason) that could not be read, sorted."""
        with self.lock:
            return sorted({(each.resource, each.field, each.reason) for each in self.unreadable})

    def sorted_missing(self) -> list[tuple[str, str]]:
        """Each distinct (resource, reason) found not to exist, sorted."""
        with self.lock:
            return sorted({(entry.resource, entry.reason) for entry in self.missing})

    def reasons_for(self, resource: str) -> list[str]:
        with self.lock:
            return [
                f"{entry.field}: {entry.reason}"
                for entry in self.unreadable
                if entry.resource == resource
            ] + [entry.reason for entry in self.missing if entry.resource == resource]
