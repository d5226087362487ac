"""KMS: the key (``DescribeKey``: its ARN and KeyManager), aliases, key policy and grants."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker.aws.policy_text import policy_document
from checker.aws.reads import Failure, attempt, existing, paginate
from checker.aws.session import AwsAccount
from checker.aws.state import Collection, GrantState, KeyState, file_stem
from checker.refs import arn_or_none


def _grant(entry: Mapping[str, Any]) -> GrantState:
    constraints = entry.get("Constraints") or None
    return GrantState(
        grantee_principal=entry["GranteePrincipal"],
        operations=tuple(sorted(entry.get("Operations", []))),
        grant_id=entry.get("GrantId"),
        constraints={name: dict(pairs) for name, pairs in sorted(constraints.items())}
        if constraints
        else None,
    )


def collect_key(account: AwsAccount, key_id: str, region: str, into: Collection) -> str | None:
    """Read a key named by ARN, id or alias; returns its key ARN when ``DescribeKey`` worked.

    Policy or grants that cannot be read leave the whole key unknown: without its grants
    the plan would claim there are none.
    """
    kms = account.client("kms", region)
    described = existing(
        attempt(
            "kms:DescribeKey",
            lambda: kms.describe_key(KeyId=key_id)["KeyMetadata"],
            absent_codes=frozenset({"NotFoundException"}),
        ),
        into,
        key_id,
        what="key",
        missing=f"KMS key {key_id} does not exist",
    )
    if described is None:
        return None
    arn: str = described["Arn"]
    with into.lock:
        if arn in into.keys:
            return arn
    key_uuid = described["KeyId"]
    policy = attempt(
        "kms:GetKeyPolicy",
        lambda: kms.get_key_policy(KeyId=key_uuid, PolicyName="default")["Policy"],
    )
    grants = attempt(
        "kms:ListGrants",
        lambda: [_grant(entry) for entry in paginate(kms, "list_grants", "Grants", KeyId=key_uuid)],
    )
    aliases = attempt(
        "kms:ListAliases",
        lambda: sorted(
            entry["AliasName"] for entry in paginate(kms, "list_aliases", "Aliases", KeyId=key_uuid)
        ),
    )
    for what, outcome in (("policy", policy), ("grants", grants)):
        if isinstance(outcome, Failure):
            into.cannot_read(arn, what, outcome.reason)
            return arn
    if isinstance(aliases, Failure):
        into.cannot_read(arn, "aliases", aliases.reason)
    parsed = arn_or_none(arn)
    if parsed is None:
        into.cannot_read(arn, "key", f"kms:DescribeKey answered {arn!r}, which is not a key ARN")
        return arn
    stem = file_stem("kms", parsed.account, region, key_uuid)
    document = policy_document("kms:GetKeyPolicy", policy, stem)
    if isinstance(document, Failure):
        into.cannot_read(arn, "policy", document.message)
        return arn
    state = KeyState(
        arn=arn,
        manager=described.get("KeyManager", "CUSTOMER"),
        policy=document,
        aliases=tuple(aliases) if isinstance(aliases, list) else (),
        grants=tuple(sorted(grants, key=lambda g: (g.grantee_principal, g.grant_id or "")))
        if isinstance(grants, list)
        else (),
    )
    with into.lock:
        into.keys[arn] = state
    return arn
