"""The plan's object facts (``objects`` under a bucket, ``canonical_ids``): read, or refused
with one line naming the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.plan.plan_files import loaded_with, refused

CANONICAL = "a" * 64


def bucket(**fields: Any) -> Any:
    def change(plan: dict[str, Any]) -> None:
        plan["resources"] = {
            "s3_buckets": [{"name": "my-bucket", "account": "222222222222", **fields}]
        }

    return change


def test_object_facts_are_read(in_tmp: Path) -> None:
    grants = [
        {"Grantee": {"Type": "CanonicalUser", "ID": CANONICAL}, "Permission": "FULL_CONTROL"},
        {
            "Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
            "Permission": "READ",
        },
    ]
    change = bucket(
        object_ownership="ObjectWriter",
        objects=[
            {"key": "model.tar.gz", "owner": "111111111111", "grants": grants},
            {"prefix": "eval/", "owner": CANONICAL},
        ],
    )

    def with_ids(plan: dict[str, Any]) -> None:
        change(plan)
        plan["canonical_ids"] = {"111111111111": CANONICAL}

    plan = loaded_with(in_tmp, with_ids)
    (loaded,) = plan.s3_buckets
    first, second = loaded.objects
    assert (first.key, first.owner, second.prefix, second.grants) == (
        "model.tar.gz",
        "111111111111",
        "eval/",
        None,
    )
    assert [(g.grantee_type, g.permission) for g in first.grants or ()] == [
        ("CanonicalUser", "FULL_CONTROL"),
        ("Group", "READ"),
    ]
    assert plan.account_of_canonical_id(CANONICAL) == "111111111111"
    assert loaded.object_facts("eval/run/metrics.json", False) is second
    assert loaded.object_facts("model.tar.gz", False) is first
    assert loaded.object_facts("other", False) is None


def test_an_object_names_a_key_or_a_prefix(in_tmp: Path) -> None:
    for entry in ({"key": "a", "prefix": "b"}, {"owner": "111111111111"}):
        assert refused(in_tmp, bucket(objects=[entry])) == (
            "plan.yaml: resources.s3_buckets[0].objects[0]: "
            "give exactly one of key (one object) or prefix"
        )


def test_a_grantee_needs_what_its_type_names(in_tmp: Path) -> None:
    grant = {"Grantee": {"Type": "Group"}, "Permission": "READ"}
    assert refused(in_tmp, bucket(objects=[{"key": "a", "grants": [grant]}])) == (
        "plan.yaml: resources.s3_buckets[0].objects[0].grants[0].Grantee: "
        "a grantee of Type Group needs its URI"
    )


def test_an_object_is_listed_once(in_tmp: Path) -> None:
    message = refused(in_tmp, bucket(objects=[{"key": "a"}, {"key": "a"}]))
    assert message.startswith("plan.yaml: resources.s3_buckets[0].objects[1]: ")
    assert "listed twice" in message


def test_two_accounts_never_share_a_canonical_id(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        plan["canonical_ids"] = {"111111111111": CANONICAL, "222222222222": CANONICAL}

    assert "is also the canonical id of account 111111111111" in refused(in_tmp, change)


def test_an_owner_is_an_account_or_a_canonical_id(in_tmp: Path) -> None:
    message = refused(in_tmp, bucket(objects=[{"key": "a", "owner": "bob"}]))
    assert message.startswith("plan.yaml: resources.s3_buckets[0].objects[0].owner: ")
