"""From what ``GetObjectAcl`` / ``GetBucketAcl`` / ``ListBuckets`` said to the plan's object facts.

S3 names owners and grantees by canonical user id, the plan by account. An object whose ACL
owner is the bucket's ACL owner is the bucket owner's; other ids are placed by the canonical id
each connected account's ``ListBuckets`` (or the ACL of a bucket it owns) reported. An id no
account reported, or that two accounts reported (only an emulator does that), stays a canonical
id, so that the checker calls such an owner unknown rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from checker.aws.state import Collection
from checker.refs import parse_s3_uri

_CANONICAL_ID = re.compile(r"[0-9a-f]{64}")


def canonical_map(collection: Collection) -> dict[str, str]:
    """Each connected account's canonical user id, where it is unambiguous."""
    candidates: dict[str, set[str]] = {a: set(ids) for a, ids in collection.canonical_ids.items()}
    for bucket in collection.buckets.values():
        if bucket.owner_id:
            candidates.setdefault(bucket.account, set()).add(bucket.owner_id)
    claimed: dict[str, set[str]] = {}
    for account, ids in candidates.items():
        for canonical in ids:
            claimed.setdefault(canonical, set()).add(account)
    found: dict[str, str] = {}
    for account, ids in sorted(candidates.items()):
        canonical = next(iter(ids)) if len(ids) == 1 else ""
        if _CANONICAL_ID.fullmatch(canonical) and len(claimed[canonical]) == 1:
            found[account] = canonical
    return found


def _valid_grant(grant: dict[str, Any]) -> bool:
    grantee = grant["Grantee"]
    return grantee["Type"] != "CanonicalUser" or bool(_CANONICAL_ID.fullmatch(grantee["ID"]))


def object_entries(
    collection: Collection, bucket_name: str, uris: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """The ``objects`` of a bucket's plan entry: each read object's key, owner and grants
    (``uris``: only these objects). An owner or an ACL xreg cannot write faithfully is left
    out (unknown), never guessed."""
    bucket = collection.buckets[bucket_name]
    by_id = {canonical: account for account, canonical in canonical_map(collection).items()}
    wanted = set(uris) if uris is not None else None
    entries = []
    for uri, acl in sorted(collection.acls.items()):
        location = parse_s3_uri(uri)
        if location.bucket != bucket_name or (wanted is not None and uri not in wanted):
            continue
        entry: dict[str, Any] = {"key": location.key}
        if acl.owner_id and acl.owner_id == bucket.owner_id:
            entry["owner"] = bucket.account
        elif acl.owner_id in by_id:
            entry["owner"] = by_id[acl.owner_id]
        elif acl.owner_id and _CANONICAL_ID.fullmatch(acl.owner_id):
            entry["owner"] = acl.owner_id
        grants = [dict(grant) for grant in acl.grants]
        if all(_valid_grant(grant) for grant in grants):
            entry["grants"] = grants
        entries.append(entry)
    return entries
