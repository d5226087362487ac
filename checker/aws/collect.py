"""Collect, read-only, every resource a registration references, in both accounts.

Independent reads run on a small thread pool; each collector records what it found, or
why it could not, in one ``Collection``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from checker.aws.ecr import collect_repository
from checker.aws.iam import ManagedPolicies, collect_identity
from checker.aws.kms import collect_key
from checker.aws.organizations import collect_organization
from checker.aws.reads import Failure
from checker.aws.s3 import BucketOwners, collect_bucket, collect_object, collect_object_acl
from checker.aws.sagemaker import collect_group
from checker.aws.session import AwsAccount
from checker.aws.state import Collection
from checker.matrix.references import find_images, find_s3_uris
from checker.records import field, record, replace
from checker.refs import (
    EcrImage,
    NotInEcr,
    S3Location,
    arn_or_none,
    parse_ecr_image,
    parse_s3_uri,
)

AWS_MANAGED_S3_KEY = "alias/aws/s3"


@record
class Subject:
    """What to collect: a registration request between two accounts."""

    partition: str
    region: str
    training_account: str
    registry_account: str
    registration: Mapping[str, Any]
    registrar: str | None = None
    consumers: tuple[str, ...] = ()
    training_output_key: str | None = None
    bucket_accounts: Mapping[str, str] = field(default_factory=dict)  # known owners (refresh)

    @property
    def group_arn(self) -> str:
        name = str(self.registration.get("ModelPackageGroupName", ""))
        if name.startswith("arn:"):
            return name
        return (
            f"arn:{self.partition}:sagemaker:{self.region}:{self.registry_account}"
            f":model-package-group/{name}"
        )


def run_all(tasks: Iterable[Callable[[], None]], jobs: int) -> None:
    """Run ``tasks`` on at most ``jobs`` threads; an exception in one is raised here."""
    tasks = list(tasks)
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            task()
        return
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for future in [pool.submit(task) for task in tasks]:
            future.result()


def images_of(registration: Mapping[str, Any]) -> list[EcrImage]:
    images: dict[str, EcrImage] = {}
    for uri, _ in find_images(registration):
        try:
            image = parse_ecr_image(uri)
        except (NotInEcr, ValueError):
            continue  # not in a private ECR registry, or malformed: the checker says so
        images.setdefault(image.uri, image)
    return list(images.values())


def artifacts_of(registration: Mapping[str, Any]) -> list[tuple[S3Location, bool]]:
    """Each S3 location the request reads, with whether it is a prefix."""
    found: dict[str, tuple[S3Location, bool]] = {}
    for uri, _, is_prefix in find_s3_uris(registration):
        try:
            location = parse_s3_uri(uri)
        except ValueError:
            continue
        found.setdefault(uri, (location, is_prefix))
    return list(found.values())


def _account_of_key(key: str, default: str) -> str:
    arn = arn_or_none(key)
    return arn.account if arn else default


def _region_of_key(key: str, default: str) -> str:
    arn = arn_or_none(key)
    return (arn.region if arn else "") or default


def collect_images(
    images: Iterable[EcrImage], accounts: Mapping[str, AwsAccount], into: Collection, jobs: int
) -> None:
    tasks: list[Callable[[], None]] = []
    for image in images:
        account = accounts.get(image.account)
        if account is None:
            into.no_credentials(image.repository_arn, "repository", image.account)
            continue
        tasks.append(partial(collect_repository, account, image, into))
    run_all(tasks, jobs)


def collect_artifacts(
    artifacts: Iterable[tuple[S3Location, bool]],
    accounts: Mapping[str, AwsAccount],
    owners: BucketOwners,
    known_owners: Mapping[str, str],
    into: Collection,
    jobs: int,
    *,
    partition: str,
    read_buckets: set[str] | None = None,
) -> None:
    """Buckets (once each) and each object's own encryption. ``read_buckets``: buckets an
    earlier call read already (not read, nor said unreadable, again); this call's are added."""
    artifacts = list(artifacts)
    earlier = read_buckets if read_buckets is not None else set()
    bucket_owner: dict[str, str] = {}
    unreachable: set[str] = set()
    for location, _ in artifacts:
        if location.bucket in bucket_owner or location.bucket in unreachable:
            continue
        owner: str | Failure = known_owners.get(location.bucket) or owners.owner(location.bucket)
        arn = location.bucket_arn(partition)
        if isinstance(owner, Failure) or owner not in accounts:
            unreachable.add(location.bucket)
            if location.bucket in earlier:
                continue
            if isinstance(owner, Failure):
                into.cannot_read(arn, "bucket", owner.message)
            else:
                into.no_credentials(arn, "bucket", owner)
        else:
            bucket_owner[location.bucket] = owner
    tasks: list[Callable[[], None]] = [
        partial(collect_bucket, accounts[owner], owner, bucket, into)
        for bucket, owner in sorted(bucket_owner.items())
        if bucket not in earlier
    ]
    earlier.update(bucket_owner, unreachable)
    for location, is_prefix in artifacts:
        if not is_prefix and location.key and location.bucket in bucket_owner:
            account = accounts[bucket_owner[location.bucket]]
            tasks.append(partial(collect_object, account, location, into))
            tasks.append(partial(collect_object_acl, account, location, into))
    run_all(tasks, jobs)
    # Every connected account's canonical id, whether or not a bucket had to be looked up
    # (a refresh knows its buckets' owners): so that two snapshots of one state agree.
    for account_id in sorted(accounts):
        owners.list_account(account_id)
    for account_id, ids in owners.canonical_ids.items():
        into.canonical_ids.setdefault(account_id, set()).update(ids)


def collect_keys(
    wanted: Iterable[tuple[str, str]],
    accounts: Mapping[str, AwsAccount],
    region: str,
    into: Collection,
) -> dict[tuple[str, str], str]:
    """Read each (owner account, key id / ARN / alias); returns each one's key ARN."""
    resolved: dict[tuple[str, str], str] = {}
    for owner, key in sorted(set(wanted)):
        account = accounts.get(owner)
        if account is None:
            into.no_credentials(key, "key", owner)
            continue
        arn = collect_key(account, key, _region_of_key(key, region), into)
        if arn is not None:
            resolved[(owner, key)] = arn
    return resolved


def resolve_bucket_keys(
    into: Collection,
    accounts: Mapping[str, AwsAccount],
    region: str,
    names: Iterable[str] | None = None,
) -> None:
    """Name each bucket's default key by its key ARN (an alias or bare id would not match
    the key's entry); SSE-KMS with no key named means the AWS managed ``aws/s3`` key.
    ``names``: only these buckets (default: all)."""
    chosen = set(into.buckets) if names is None else set(names) & set(into.buckets)
    wanted = []
    for bucket in (into.buckets[name] for name in sorted(chosen)):
        if bucket.encryption and bucket.encryption.get("sse", "").startswith("aws:kms"):
            wanted.append((bucket.account, bucket.encryption.get("kms_key") or AWS_MANAGED_S3_KEY))
    resolved = collect_keys(wanted, accounts, region, into)
    for name, bucket in [(name, into.buckets[name]) for name in sorted(chosen)]:
        if not bucket.encryption or not bucket.encryption.get("sse", "").startswith("aws:kms"):
            continue
        key = bucket.encryption.get("kms_key") or AWS_MANAGED_S3_KEY
        if (bucket.account, key) in resolved:
            encryption = {**bucket.encryption, "kms_key": resolved[(bucket.account, key)]}
            into.buckets[name] = replace(bucket, encryption=encryption)


def collect(subject: Subject, accounts: Mapping[str, AwsAccount], *, jobs: int = 4) -> Collection:
    into = Collection()
    managed = ManagedPolicies()
    group_account = _account_of_key(subject.group_arn, subject.registry_account)
    if group_account in accounts:
        collect_group(accounts[group_account], subject.group_arn, subject.region, into)
    else:
        into.no_credentials(subject.group_arn, "group", group_account)
    collect_images(images_of(subject.registration), accounts, into, jobs)
    owners = BucketOwners(dict(accounts))
    collect_artifacts(
        artifacts_of(subject.registration),
        accounts,
        owners,
        subject.bucket_accounts,
        into,
        jobs,
        partition=subject.partition,
    )
    resolve_bucket_keys(into, accounts, subject.region)
    other_keys = [
        (_account_of_key(state.kms_key, subject.training_account), state.kms_key)
        for state in into.objects.values()
        if state.kms_key
    ]
    if subject.training_output_key:
        other_keys.append(
            (
                _account_of_key(subject.training_output_key, subject.training_account),
                subject.training_output_key,
            )
        )
    collect_keys(other_keys, accounts, subject.region, into)
    principals = [subject.registrar] if subject.registrar else []
    principals += list(subject.consumers)
    run_all(
        [
            partial(collect_identity, accounts, principal, managed, into)
            for principal in dict.fromkeys(principals)
        ],
        jobs,
    )
    for account in {id(a): a for a in accounts.values()}.values():
        collect_organization(account, into, kinds=("scp", "rcp"))
    return into
