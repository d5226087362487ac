"""The audit's in-memory plans carry only the facts of their own request."""

from __future__ import annotations

from checker.aws.memory_plan import snapshot_facts
from checker.aws.state import Collection, ObjectState


def test_a_version_plan_takes_only_the_objects_its_request_names() -> None:
    collection = Collection()
    for number in range(50):
        uri = f"s3://bucket/v{number}/model.tar.gz"
        collection.objects[uri] = ObjectState(
            uri, "aws:kms", f"arn:aws:kms:us-east-2:1:key/{number}"
        )
    facts = snapshot_facts(collection, ["s3://bucket/v7/model.tar.gz", "s3://bucket/absent"])
    assert [item.uri for item in facts.objects] == ["s3://bucket/v7/model.tar.gz"]
    assert len(snapshot_facts(collection).objects) == 50
