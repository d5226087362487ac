"""A plan built in memory from a collection, for the audit: one per model version.

It holds what ``load_plan`` would build from the snapshot of that version (the same policy
sources, ``policies/<stem>.json``), without writing and re-reading files thousands of times.
Only the resources the version references are included.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from checker.aws.acls import canonical_map, object_entries
from checker.aws.state import Collection, OrganizationLevels, PolicyDocument
from checker.errors import InputError
from checker.matrix.references import find_s3_uris
from checker.plan.model import (
    AclGrant,
    BucketEncryption,
    EcrRepository,
    Identity,
    KmsGrant,
    KmsKey,
    LoadedPolicy,
    ModelPackageGroup,
    OrganizationPolicy,
    Plan,
    S3Bucket,
    S3Object,
)
from checker.plan.snapshot_facts import MissingFact, ObjectFact, SnapshotFacts, UnreadableFact
from checker.records import replace
from checker.refs import (
    Arn,
    arn_or_none,
    parse_ecr_repository_arn,
    parse_kms_key_arn,
    parse_model_package_group_arn,
    parse_principal_arn,
)

T = TypeVar("T")


def _parsed(parse: Callable[[str], T], text: str, source: str, field: str) -> T:
    """A name of the collection, parsed as ``load_plan`` parses it in the written plan, and
    refused in one line as it would be there."""
    try:
        return parse(text)
    except ValueError as error:
        raise InputError(source, field, str(error)) from None


def _key_arns(texts: Iterable[str | None]) -> dict[str, Arn]:
    """The key ARNs among ``texts``: what AWS answered may also name a key by id or alias."""
    found = {}
    for text in texts:
        if text and (arn := arn_or_none(text)) is not None:
            found[text] = arn
    return found


def loaded(policy: PolicyDocument | None, plan_field: str) -> LoadedPolicy | None:
    if policy is None:
        return None
    return LoadedPolicy(source=policy.path, document=policy.document, plan_field=plan_field)


def _organization(
    by_account: Mapping[str, OrganizationLevels], field: str
) -> tuple[dict[str, tuple[OrganizationPolicy, ...]], dict[str, tuple[int, ...]]]:
    """Each account's policies flat (root first) and the level of each, as ``load_plan``
    builds them from the snapshot's list of levels."""
    policies: dict[str, tuple[OrganizationPolicy, ...]] = {}
    numbers: dict[str, tuple[int, ...]] = {}
    for account, levels in by_account.items():
        entries = [
            (number, LoadedPolicy(p.path, p.document, f"{field}.{account}"))
            for number, level in enumerate(levels)
            for p in level
        ]
        policies[account] = tuple(policy for _, policy in entries)
        if len(levels) > 1:
            numbers[account] = tuple(number for number, _ in entries)
    return policies, numbers


def collection_facts(collection: Collection) -> SnapshotFacts:
    """What ``x-snapshot`` would say could not be read or does not exist (no objects)."""
    return SnapshotFacts(
        unreadable=tuple(UnreadableFact(*entry) for entry in collection.sorted_unreadable()),
        missing=tuple(
            MissingFact(*entry, index) for index, entry in enumerate(collection.sorted_missing())
        ),
    )


def snapshot_facts(
    collection: Collection,
    uris: Iterable[str] | None = None,
    shared: SnapshotFacts | None = None,
) -> SnapshotFacts:
    """What ``x-snapshot`` of the written plan would say, as ``load_plan`` reads it.

    ``uris``: only the objects a plan's request names. An audit builds one plan per version
    from one collection of every group's objects; taking all of them each time made the audit
    quadratic in the number of versions. ``shared``: the ``collection_facts`` of a collection
    that no longer changes, computed once for all those plans.
    """
    with collection.lock:
        wanted = sorted(collection.objects) if uris is None else sorted(set(uris))
        objects = [collection.objects[uri] for uri in wanted if uri in collection.objects]
    return replace(
        shared if shared is not None else collection_facts(collection),
        objects=tuple(ObjectFact(o.uri, o.sse, o.kms_key) for o in objects),
    )


def _objects(
    collection: Collection, bucket: str, index: int, registration: Mapping[str, Any]
) -> tuple[S3Object, ...]:
    """The owner and ACL of each object of ``bucket`` the request names, as ``load_plan``
    would read them from the written plan."""
    uris = (uri for uri, _, _ in find_s3_uris(registration))
    field = f"resources.s3_buckets[{index}].objects"
    built = []
    for number, entry in enumerate(object_entries(collection, bucket, uris)):
        grants = entry.get("grants")
        built.append(
            S3Object(
                plan_field=f"{field}[{number}]",
                key=entry["key"],
                owner=entry.get("owner"),
                grants=None
                if grants is None
                else tuple(
                    AclGrant(
                        grantee_type=grant["Grantee"]["Type"],
                        permission=grant["Permission"],
                        plan_field=f"{field}[{number}].grants[{g}]",
                        grantee_id=grant["Grantee"].get("ID"),
                        grantee_uri=grant["Grantee"].get("URI"),
                        grantee_email=grant["Grantee"].get("EmailAddress"),
                    )
                    for g, grant in enumerate(grants)
                ),
            )
        )
    return tuple(built)


def _ids(collection: Collection, kind: str, wanted: Iterable[str]) -> list[str]:
    have: Mapping[str, Any] = getattr(collection, kind)
    return sorted({name for name in wanted if name in have})


def build_plan(
    *,
    source: str,
    partition: str,
    region: str,
    training_account: str,
    registry_account: str,
    registration: Mapping[str, Any],
    collection: Collection,
    repositories: Iterable[str] = (),
    buckets: Iterable[str] = (),
    keys: Iterable[str] = (),
    groups: Iterable[str] = (),
    consumers: tuple[str, ...] = (),
    training_output_key: str | None = None,
    shared_facts: SnapshotFacts | None = None,
) -> Plan:
    """``shared_facts``: see ``snapshot_facts``."""
    repository_entries = tuple(
        EcrRepository(
            arn=arn,
            policy=loaded(collection.repositories[arn].policy, f"repositories[{index}].policy"),
            plan_field=f"resources.ecr_repositories[{index}]",
            parsed=_parsed(
                parse_ecr_repository_arn, arn, source, f"resources.ecr_repositories[{index}].arn"
            ),
        )
        for index, arn in enumerate(_ids(collection, "repositories", repositories))
    )
    bucket_entries = []
    for index, name in enumerate(_ids(collection, "buckets", buckets)):
        bucket = collection.buckets[name]
        encryption = (
            BucketEncryption(bucket.encryption["sse"], bucket.encryption.get("kms_key"))
            if bucket.encryption
            else None
        )
        bucket_entries.append(
            S3Bucket(
                name=name,
                account=bucket.account,
                policy=loaded(bucket.policy, f"resources.s3_buckets[{index}].policy"),
                plan_field=f"resources.s3_buckets[{index}]",
                encryption=encryption,
                object_ownership=bucket.object_ownership,
                objects=_objects(collection, name, index, registration),
            )
        )
    key_entries = []
    for index, arn in enumerate(_ids(collection, "keys", keys)):
        key = collection.keys[arn]
        field = f"resources.kms_keys[{index}]"
        key_entries.append(
            KmsKey(
                arn=arn,
                policy=loaded(key.policy, f"{field}.policy"),
                plan_field=field,
                parsed=_parsed(parse_kms_key_arn, arn, source, f"{field}.arn"),
                manager=key.manager,
                aliases=key.aliases,
                grants=tuple(
                    KmsGrant(
                        grantee_principal=grant.grantee_principal,
                        operations=grant.operations,
                        plan_field=f"{field}.grants[{number}]",
                        grant_id=grant.grant_id,
                        constraints=grant.constraints,
                    )
                    for number, grant in enumerate(key.grants)
                ),
            )
        )
    group_entries = tuple(
        ModelPackageGroup(
            arn=arn,
            policy=loaded(collection.groups[arn].policy, f"resources.model_package_groups[{i}]"),
            plan_field=f"resources.model_package_groups[{i}]",
            parsed=_parsed(
                parse_model_package_group_arn, arn, source, f"resources.model_package_groups[{i}]"
            ),
        )
        for i, arn in enumerate(_ids(collection, "groups", groups))
    )
    identities = []
    for index, principal in enumerate(_ids(collection, "identities", consumers)):
        identity = collection.identities[principal]
        field = f"identities[{index}]"
        policies = tuple(
            policy
            for number, document in enumerate(identity.policies)
            if (policy := loaded(document, f"{field}.policies[{number}]")) is not None
        )
        identities.append(
            Identity(
                principal=principal,
                policies=policies,
                plan_field=field,
                parsed=_parsed(parse_principal_arn, principal, source, f"{field}.principal"),
                permissions_boundary=loaded(identity.permissions_boundary, f"{field}.boundary"),
            )
        )
    scps, scp_levels = _organization(collection.scps, "service_control_policies")
    rcps, rcp_levels = _organization(collection.rcps, "resource_control_policies")
    snapshot = snapshot_facts(
        collection, (uri for uri, _, _ in find_s3_uris(registration)), shared_facts
    )
    key_arns = _key_arns(
        [
            training_output_key,
            *(b.encryption.kms_key for b in bucket_entries if b.encryption),
            *(alias for key in key_entries for alias in key.aliases),
            *(fact.kms_key for fact in snapshot.objects),
        ]
    )
    return Plan(
        path=Path(source),
        source=source,
        version=1,
        partition=partition,
        region=region,
        training_account=training_account,
        registry_account=registry_account,
        registration=registration,
        # The audit's consumers are its --consumer options.
        consumers=tuple(_parsed(parse_principal_arn, arn, "--consumer", "$") for arn in consumers),
        canonical_ids=canonical_map(collection),
        training_job_output_kms_key=training_output_key,
        key_arns=key_arns,
        has_training_job=training_output_key is not None,
        ecr_repositories=repository_entries,
        s3_buckets=tuple(bucket_entries),
        kms_keys=tuple(key_entries),
        model_package_groups=group_entries,
        identities=tuple(identities),
        service_control_policies=scps or None,
        resource_control_policies=rcps or None,
        scp_levels=scp_levels,
        rcp_levels=rcp_levels,
        snapshot=snapshot,
        raw={"registration": registration},
    )
