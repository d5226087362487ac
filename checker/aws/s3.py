"""S3: who owns the bucket, its policy, default encryption and ownership, and each
artifact's own encryption (``HeadObject``), owner and ACL (``GetObjectAcl``)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from checker.aws.policy_text import policy_document
from checker.aws.reads import ABSENT, Failure, attempt, existing
from checker.aws.session import AwsAccount
from checker.aws.state import (
    BucketState,
    Collection,
    ObjectAcl,
    ObjectState,
    PolicyDocument,
    file_stem,
)
from checker.refs import S3Location


class BucketOwners:
    """Which of the connected accounts owns a bucket (``ListBuckets`` of each, once)."""

    def __init__(self, accounts: Mapping[str, AwsAccount]) -> None:
        self._accounts = accounts
        self._lock = threading.Lock()
        self._listed: dict[str, set[str] | Failure] = {}
        self.canonical_ids: dict[str, set[str]] = {}

    def _buckets_of(self, account_id: str) -> set[str] | Failure:
        with self._lock:
            if account_id not in self._listed:
                s3 = self._accounts[account_id].client("s3")
                listed = attempt("s3:ListBuckets", lambda: self._names(account_id, s3))
                self._listed[account_id] = set() if listed is ABSENT else listed
            return self._listed[account_id]

    def list_account(self, account_id: str) -> None:
        """List ``account_id``'s buckets (once), which also reads its canonical user id."""
        self._buckets_of(account_id)

    def _names(self, account_id: str, s3: Any) -> set[str]:
        names: set[str] = set()
        for page in s3.get_paginator("list_buckets").paginate():
            names.update(bucket["Name"] for bucket in page.get("Buckets", []))
            owner = page.get("Owner", {}).get("ID")
            if owner:  # the account's canonical user id, which S3 ACLs name it by
                self.canonical_ids.setdefault(account_id, set()).add(owner)
        return names

    def owner(self, bucket: str) -> str | Failure:
        """The owning account id; a ``Failure`` when no connected account lists it."""
        failures: list[str] = []
        for account_id in sorted(self._accounts):
            buckets = self._buckets_of(account_id)
            if isinstance(buckets, Failure):
                failures.append(f"{account_id}: {buckets.reason}")
            elif bucket in buckets:
                return account_id
        why = "; ".join(failures) or "none of the connected accounts lists it"
        return Failure(
            "s3:ListBuckets", "OwnerUnknown", f"the owner of {bucket} is unknown ({why})"
        )


def _encryption(response: Any) -> dict[str, str] | None:
    for rule in response.get("ServerSideEncryptionConfiguration", {}).get("Rules", []):
        default = rule.get("ApplyServerSideEncryptionByDefault")
        if default:
            found = {"sse": default["SSEAlgorithm"]}
            if default.get("KMSMasterKeyID"):
                found["kms_key"] = default["KMSMasterKeyID"]
            return found
    return None


def collect_bucket(account: AwsAccount, account_id: str, bucket: str, into: Collection) -> None:
    """Read the bucket's policy, default encryption and object ownership.

    A policy or encryption that cannot be read leaves the whole bucket unknown: written
    without them, the plan would claim "no policy" or "no default key".
    """
    arn = f"arn:{account.partition}:s3:::{bucket}"
    s3 = account.client("s3")
    policy = attempt(
        "s3:GetBucketPolicy",
        lambda: s3.get_bucket_policy(Bucket=bucket)["Policy"],
        absent_codes=frozenset({"NoSuchBucketPolicy"}),
    )
    if isinstance(policy, Failure):
        if policy.code == "NoSuchBucket":
            into.not_found(arn, f"bucket {bucket} does not exist")
        else:
            into.cannot_read(arn, "policy", policy.reason)
        return
    document: PolicyDocument | None = None
    if policy is not ABSENT:
        read = policy_document("s3:GetBucketPolicy", policy, file_stem("s3", bucket))
        if isinstance(read, Failure):
            into.cannot_read(arn, "policy", read.message)
            return
        document = read
    encryption = attempt(
        "s3:GetBucketEncryption",
        lambda: _encryption(s3.get_bucket_encryption(Bucket=bucket)),
        absent_codes=frozenset({"ServerSideEncryptionConfigurationNotFoundError"}),
    )
    if isinstance(encryption, Failure):
        into.cannot_read(arn, "encryption", encryption.reason)
        return
    ownership = attempt(
        "s3:GetBucketOwnershipControls",
        lambda: s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"][0][
            "ObjectOwnership"
        ],
        absent_codes=frozenset({"OwnershipControlsNotFoundError"}),
    )
    if isinstance(ownership, Failure):
        # Optional in the plan: absent means "not known", so the bucket stays usable.
        into.cannot_read(arn, "object_ownership", ownership.reason)
    elif ownership is ABSENT:
        # A bucket without ownership controls (one created before April 2023 and never
        # changed) behaves as ObjectWriter: whoever uploads an object owns it.
        ownership = "ObjectWriter"
    acl = attempt("s3:GetBucketAcl", lambda: s3.get_bucket_acl(Bucket=bucket))
    if isinstance(acl, Failure):
        into.cannot_read(arn, "acl", acl.reason)
    owner_id = acl.get("Owner", {}).get("ID") if isinstance(acl, dict) else None
    with into.lock:
        into.buckets[bucket] = BucketState(
            name=bucket,
            account=account_id,
            policy=document,
            encryption=encryption if isinstance(encryption, dict) else None,
            object_ownership=ownership if isinstance(ownership, str) else None,
            owner_id=owner_id,
        )


def collect_object(account: AwsAccount, location: S3Location, into: Collection) -> None:
    """The artifact's own server-side encryption, which decides the key to decrypt with."""
    s3 = account.client("s3")
    head = attempt(
        "s3:HeadObject",
        lambda: s3.head_object(Bucket=location.bucket, Key=location.key),
        absent_codes=frozenset({"404", "NoSuchKey", "NotFound"}),
    )
    missing = f"object {location.uri} does not exist"
    head = existing(head, into, location.uri, what="object", missing=missing)
    if head is None:
        return
    state = ObjectState(location.uri, head.get("ServerSideEncryption"), head.get("SSEKMSKeyId"))
    with into.lock:
        into.objects[location.uri] = state


_GRANTEE_FIELDS = {"CanonicalUser": "ID", "Group": "URI", "AmazonCustomerByEmail": "EmailAddress"}


def _grant(grant: Any) -> dict[str, Any] | None:
    """One ACL grant as the plan writes it (without display names, which decide nothing)."""
    grantee = grant.get("Grantee", {})
    kind = grantee.get("Type")
    name = _GRANTEE_FIELDS.get(kind or "")
    if name is None or not grantee.get(name) or not grant.get("Permission"):
        return None
    return {"Grantee": {"Type": kind, name: grantee[name]}, "Permission": grant["Permission"]}


def collect_object_acl(account: AwsAccount, location: S3Location, into: Collection) -> None:
    """The artifact's owner and ACL: who besides the bucket owner may grant its reads."""
    s3 = account.client("s3")
    acl = attempt(
        "s3:GetObjectAcl",
        lambda: s3.get_object_acl(Bucket=location.bucket, Key=location.key),
        absent_codes=frozenset({"404", "NoSuchKey", "NotFound"}),
    )
    if acl is ABSENT:
        return  # HeadObject records the missing object
    if isinstance(acl, Failure):
        into.cannot_read(location.uri, "acl", acl.reason)
        return
    grants = tuple(
        sorted(
            (g for g in map(_grant, acl.get("Grants", [])) if g is not None),
            key=lambda g: (g["Permission"], sorted(g["Grantee"].items())),
        )
    )
    state = ObjectAcl(location.uri, acl.get("Owner", {}).get("ID"), grants)
    with into.lock:
        into.acls[location.uri] = state
