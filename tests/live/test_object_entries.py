"""How a snapshot writes what S3's ACL reads said: canonical ids placed only when unambiguous."""

from __future__ import annotations

from checker.aws.acls import canonical_map, object_entries
from checker.aws.state import BucketState, Collection, ObjectAcl

TRAINING, REGISTRY, THIRD = "222222222222", "111111111111", "333333333333"
T_ID, R_ID, X_ID = "a" * 64, "b" * 64, "c" * 64


def full_control(canonical: str) -> dict[str, object]:
    return {"Grantee": {"Type": "CanonicalUser", "ID": canonical}, "Permission": "FULL_CONTROL"}


def collection(**acls: tuple[str, tuple[dict[str, object], ...]]) -> Collection:
    into = Collection()
    into.buckets["hub"] = BucketState("hub", REGISTRY, None, owner_id=R_ID)
    into.canonical_ids = {TRAINING: {T_ID}, REGISTRY: {R_ID}}
    for key, (owner, grants) in acls.items():
        into.acls[f"s3://hub/{key}"] = ObjectAcl(f"s3://hub/{key}", owner, grants)
    return into


def test_owners_are_placed_by_the_accounts_canonical_ids() -> None:
    into = collection(
        own=(R_ID, (full_control(R_ID),)),
        spoke=(T_ID, (full_control(T_ID),)),
        stranger=(X_ID, (full_control(X_ID),)),
    )
    entries = {entry["key"]: entry for entry in object_entries(into, "hub")}
    assert entries["own"]["owner"] == REGISTRY
    assert entries["spoke"]["owner"] == TRAINING
    # An id no connected account reported stays an id: the checker calls that owner unknown.
    assert entries["stranger"]["owner"] == X_ID
    assert entries["spoke"]["grants"] == [full_control(T_ID)]
    assert canonical_map(into) == {REGISTRY: R_ID, TRAINING: T_ID}


def test_an_id_two_accounts_report_places_nobody() -> None:
    into = collection(spoke=(T_ID, (full_control(T_ID),)))
    into.canonical_ids[REGISTRY] = {T_ID}
    into.buckets["hub"] = BucketState("hub", REGISTRY, None, owner_id=None)
    assert canonical_map(into) == {}
    (entry,) = object_entries(into, "hub")
    assert entry["owner"] == T_ID


def test_an_acl_with_a_malformed_grantee_is_left_out_whole() -> None:
    into = collection(spoke=(T_ID, (full_control(T_ID), full_control("short"))))
    (entry,) = object_entries(into, "hub")
    assert "grants" not in entry and entry["owner"] == TRAINING
