"""The resources the versions of a sweep reference, read batch by batch, each once.

A sweep reads and decides its groups a batch at a time, so that what it holds of the groups
(their versions' registrations, what they reference) stays bounded however many groups the
account has; what a batch's versions reference is read here, once for the whole sweep (an
image, a bucket, a key that versions of many batches use is read by the first).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from checker.aws.collect import collect_artifacts, collect_images, collect_keys, resolve_bucket_keys
from checker.aws.s3 import BucketOwners
from checker.aws.session import AwsAccount
from checker.aws.state import Collection
from checker.refs import EcrImage, S3Location, arn_or_none


class ResourceReads:
    """Reads into ``collection`` what versions reference and no earlier batch read."""

    def __init__(
        self,
        accounts: Mapping[str, AwsAccount],
        owners: BucketOwners,
        collection: Collection,
        *,
        jobs: int,
        partition: str,
        region: str,
    ) -> None:
        self._accounts = accounts
        self._owners = owners
        self._collection = collection
        self._jobs = jobs
        self._partition = partition
        self._region = region
        self._images: set[str] = set()
        self._artifacts: set[str] = set()
        self._buckets: set[str] = set()
        self._keys: set[str] = set()

    def read(
        self,
        images: Iterable[EcrImage],
        artifacts: Iterable[tuple[S3Location, bool]],
    ) -> None:
        collection = self._collection
        new_images = {image.uri: image for image in images if image.uri not in self._images}
        new_artifacts = {
            loc.uri: (loc, prefix) for loc, prefix in artifacts if loc.uri not in self._artifacts
        }
        self._images.update(new_images)
        self._artifacts.update(new_artifacts)
        collect_images(new_images.values(), self._accounts, collection, self._jobs)
        buckets_before = set(self._buckets)
        collect_artifacts(
            new_artifacts.values(),
            self._accounts,
            self._owners,
            {},
            collection,
            self._jobs,
            partition=self._partition,
            read_buckets=self._buckets,
        )
        resolve_bucket_keys(
            collection, self._accounts, self._region, names=self._buckets - buckets_before
        )
        object_keys = {
            state.kms_key
            for uri in new_artifacts
            if (state := collection.objects.get(uri)) and state.kms_key
        }
        # A bucket's default key was read by resolve_bucket_keys: not again for its objects.
        self._keys.update(
            bucket.encryption["kms_key"]
            for bucket in collection.buckets.values()
            if bucket.encryption and bucket.encryption.get("kms_key", "").startswith("arn:")
        )
        wanted = sorted(key for key in object_keys if arn_or_none(key) is not None)
        self._keys_read([key for key in wanted if key not in self._keys])

    def _keys_read(self, keys: list[str]) -> None:
        self._keys.update(keys)
        parsed = [(arn_or_none(key), key) for key in keys]
        collect_keys(
            [(arn.account, key) for arn, key in parsed if arn is not None],
            self._accounts,
            self._region,
            self._collection,
        )


def owners_of(collection: Collection, accounts: Mapping[str, AwsAccount]) -> set[str]:
    """The accounts that own what the collection read: their organization policies apply."""
    arns = [arn_or_none(arn) for arn in (*collection.repositories, *collection.keys)]
    owners = {arn.account for arn in arns if arn is not None and arn.account}
    owners |= {bucket.account for bucket in collection.buckets.values()}
    return {owner for owner in owners if owner in accounts}
