"""What a live collection could not read of a bucket is recorded under the bucket's ARN in
the plan's own partition, as the bucket's own reads name it (``arn:aws-cn:s3:::…`` in
China), so that the plan's requirement on that bucket finds the reason."""

from __future__ import annotations

import pytest

from checker.aws.collect import collect_artifacts
from checker.aws.s3 import BucketOwners
from checker.aws.state import Collection
from checker.refs import parse_s3_uri


@pytest.mark.parametrize(
    ("known_owners", "reason"),
    [
        ({}, "the owner of models-cn is unknown"),
        ({"models-cn": "111122223333"}, "no credentials for account 111122223333"),
    ],
)
def test_an_unreadable_bucket_is_named_in_the_plans_partition(
    known_owners: dict[str, str], reason: str
) -> None:
    into = Collection()
    location = parse_s3_uri("s3://models-cn/model.tar.gz")
    collect_artifacts(
        [(location, False)], {}, BucketOwners({}), known_owners, into, 1, partition="aws-cn"
    )
    assert [(entry.resource, entry.field) for entry in into.unreadable] == [
        ("arn:aws-cn:s3:::models-cn", "bucket")
    ]
    assert into.unreadable[0].reason.startswith(reason)
