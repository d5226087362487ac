"""A snapshot reads each artifact's owner and ACL (GetObjectAcl) and the bucket's Object
Ownership, read-only, and the checker decides the object's reads from them."""

from __future__ import annotations

from pathlib import Path

from live_helpers import read_plan, snapshot
from live_scenarios import BUCKET, TRAINING, Admin, populate_seed

from checker.check import check_plan
from checker.engine.decide import CheckOptions
from checker.plan.loader import load_plan
from tests.moto_server import MotoServer

OBJECT = f"arn:aws:s3:::{BUCKET}/model.tar.gz"


def _read(plan_path: Path) -> str:
    report = check_plan(load_plan(plan_path), CheckOptions(lint=False))
    (row,) = [r for r in report.requirements if r.action == "s3:GetObject"]
    return row.decision.value


def test_the_snapshot_writes_each_objects_owner_and_acl(server: MotoServer, tmp_path: Path) -> None:
    seed = populate_seed(server.endpoint_url)
    plan_path = snapshot(server, seed.request, tmp_path / "snap")
    (bucket,) = read_plan(plan_path)["resources"]["s3_buckets"]
    # No ownership controls: the bucket behaves as ObjectWriter.
    assert bucket["object_ownership"] == "ObjectWriter"
    (entry,) = bucket["objects"]
    assert entry["key"] == "model.tar.gz"
    # The object's ACL owner is the bucket's ACL owner: the bucket owner owns it.
    assert entry["owner"] == TRAINING
    assert [grant["Permission"] for grant in entry["grants"]] == ["FULL_CONTROL"]
    assert entry["grants"][0]["Grantee"]["Type"] == "CanonicalUser"
    operations = {operation for _, operation, _ in server.operations()}
    assert {"GetObjectAcl", "GetBucketAcl"} <= operations
    # The bucket owner owns the artifact: its bucket policy decides, as in the fixture.
    assert _read(plan_path) == "allowed"


def test_an_unreadable_acl_leaves_the_owner_unknown(server: MotoServer, tmp_path: Path) -> None:
    seed = populate_seed(server.endpoint_url)
    server.set_faults([{"service": "s3", "operation": "GetObjectAcl", "fault": "access_denied"}])
    plan_path = snapshot(server, seed.request, tmp_path / "snap")
    plan = read_plan(plan_path)
    unreadable = {(e["resource"], e["field"]) for e in plan["x-snapshot"]["unreadable"]}
    assert (f"s3://{BUCKET}/model.tar.gz", "acl") in unreadable
    assert "objects" not in plan["resources"]["s3_buckets"][0]
    # ObjectWriter and no owner: nothing says the bucket policy may grant the read.
    assert _read(plan_path) == "unknown"


def test_an_enforced_bucket_needs_no_acl(server: MotoServer, tmp_path: Path) -> None:
    seed = populate_seed(server.endpoint_url)
    Admin(server.endpoint_url, TRAINING).client("s3").put_bucket_ownership_controls(
        Bucket=BUCKET,
        OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
    )
    server.set_faults([{"service": "s3", "operation": "GetObjectAcl", "fault": "access_denied"}])
    plan_path = snapshot(server, seed.request, tmp_path / "snap")
    bucket = read_plan(plan_path)["resources"]["s3_buckets"][0]
    assert bucket["object_ownership"] == "BucketOwnerEnforced"
    assert _read(plan_path) == "allowed"
