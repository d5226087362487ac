"""Objects the bucket owner does not own: their ACL, not the bucket policy, grants their reads.

Each plan is ``fixtures/aws-doc-sample-fixed`` (every access allowed: the bucket policy of the
training account's bucket grants the registry account the reads, the consumer's identity
policy allows them) with one change, so a test's outcome is that change's doing. The rules are
those of the S3 User Guide, "How Amazon S3 authorizes a request for an object operation".
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from checker.check import check_plan
from checker.engine.decide import CheckOptions
from checker.fix.apply import apply_fixes
from checker.plan.loader import load_plan
from checker.plan.model import Plan
from checker.results.model import Report, RequirementResult
from tests.conftest import FIXTURES
from tests.plans import copy_fixture, edit_plan

FIXED = FIXTURES / "aws-doc-sample-fixed"
TRAINING = "222222222222"
REGISTRY = "111111111111"
THIRD = "333333333333"
CONSUMER = f"arn:aws:iam::{REGISTRY}:role/SageMakerDeployRole"
OBJECT = "arn:aws:s3:::my-bucket/model.tar.gz"
CANONICAL = {account: account[0] * 64 for account in (TRAINING, REGISTRY, THIRD)}
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def grant(account: str, permission: str = "READ") -> dict[str, Any]:
    return {
        "Grantee": {"Type": "CanonicalUser", "ID": CANONICAL[account]},
        "Permission": permission,
    }


PRIVATE = [grant(THIRD, "FULL_CONTROL")]  # the default ACL of an object account THIRD wrote


def bucket_with(
    ownership: str | None = "ObjectWriter",
    objects: list[dict[str, Any]] | None = None,
    *,
    canonical_ids: bool = True,
    training_job: bool = True,
) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        bucket = data["resources"]["s3_buckets"][0]
        bucket.pop("object_ownership", None)
        if ownership is not None:
            bucket["object_ownership"] = ownership
        if objects is not None:
            bucket["objects"] = objects
        if canonical_ids:
            data["canonical_ids"] = dict(CANONICAL)
        if not training_job:
            data.pop("training_job", None)

    return change


def plan_with(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Plan:
    return load_plan(edit_plan(copy_fixture(FIXED, tmp_path / "plan"), change))


def checked(plan: Plan) -> Report:
    return check_plan(plan, CheckOptions(lint=False))


def read(report: Report, action: str = "s3:GetObject") -> RequirementResult:
    (found,) = [r for r in report.requirements if r.action == action and r.resource == OBJECT]
    return found


def owned_by(owner: str, grants: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    entry: dict[str, Any] = {"key": "model.tar.gz", "owner": owner}
    if grants is not None:
        entry["grants"] = grants
    return [entry]


def test_an_object_another_account_owns_is_refused_when_its_acl_grants_nothing(
    tmp_path: Path,
) -> None:
    plan = plan_with(tmp_path, bucket_with(objects=owned_by(THIRD, PRIVATE)))
    report = checked(plan)
    row = read(report)
    # The bucket policy allows the registry account, but cannot grant an object it does not own.
    assert row.decision.value == "implicit_deny"
    assert f"owned by account {THIRD}" in row.because
    assert "grants READ or FULL_CONTROL to no principal of account 111111111111" in row.because
    assert read(report, "s3:GetObjectAcl").decision.value == "implicit_deny"
    # The fix makes the bucket owner the owner; then the bucket policy decides, and allows.
    assert row.fix is not None and row.fix.command.startswith(
        "aws s3api put-bucket-ownership-controls --bucket my-bucket"
    )
    assert row.fix.account == TRAINING
    fixed = checked(apply_fixes(plan, report.extra["fixes"]))
    assert read(fixed).decision.value == "allowed"


def test_the_acl_grant_to_the_readers_account_allows_it(tmp_path: Path) -> None:
    objects = owned_by(THIRD, [*PRIVATE, grant(REGISTRY)])
    report = checked(plan_with(tmp_path, bucket_with(objects=objects)))
    assert read(report).decision.value == "allowed"
    # READ is not READ_ACP: the ACL read stays refused.
    assert read(report, "s3:GetObjectAcl").decision.value == "implicit_deny"


def test_an_acl_grant_still_needs_the_readers_identity_policy(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        bucket_with(
            objects=owned_by(
                THIRD, [{"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"}]
            )
        )(data)
        data["identities"][1]["policies"] = [
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}],
            }
        ]

    row = read(checked(plan_with(tmp_path, change)))
    assert row.decision.value == "implicit_deny"
    assert row.sides.identity_policy.value == "implicit_deny"


def test_a_grant_to_everyone_allows_the_reader(tmp_path: Path) -> None:
    everyone = [{"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"}]
    row = read(checked(plan_with(tmp_path, bucket_with(objects=owned_by(THIRD, everyone)))))
    assert row.decision.value == "allowed"


def test_a_grant_to_a_canonical_id_the_plan_cannot_place_is_unknown(tmp_path: Path) -> None:
    stranger = {"Grantee": {"Type": "CanonicalUser", "ID": "f" * 64}, "Permission": "READ"}
    change = bucket_with(objects=owned_by(THIRD, [stranger]), canonical_ids=False)

    def with_only_third(data: dict[str, Any]) -> None:
        change(data)
        data["canonical_ids"] = {THIRD: CANONICAL[THIRD]}

    row = read(checked(plan_with(tmp_path, with_only_third)))
    assert row.decision.value == "unknown"
    assert "canonical_ids" in row.because and "f" * 64 in row.because


def test_the_readers_own_account_owning_the_object_needs_no_acl(tmp_path: Path) -> None:
    objects = owned_by(REGISTRY, [grant(REGISTRY, "FULL_CONTROL")])
    report = checked(plan_with(tmp_path, bucket_with(objects=objects)))
    assert read(report).decision.value == "allowed"


def test_the_bucket_policy_deny_still_applies(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        bucket_with(objects=owned_by(THIRD, [grant(REGISTRY)]))(data)
        data["resources"]["s3_buckets"][0]["policy"] = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "NoRegistryReads",
                    "Effect": "Deny",
                    "Principal": {"AWS": f"arn:aws:iam::{REGISTRY}:root"},
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::my-bucket/*",
                }
            ],
        }

    row = read(checked(plan_with(tmp_path, change)))
    assert row.decision.value == "explicit_deny"
    assert "NoRegistryReads" in row.because


def test_an_owner_without_its_acl_is_unknown(tmp_path: Path) -> None:
    row = read(checked(plan_with(tmp_path, bucket_with(objects=owned_by(THIRD, None)))))
    assert row.decision.value == "unknown"
    assert row.fix is None


def test_the_owner_given_by_canonical_id_of_the_bucket_owner_is_the_usual_case(
    tmp_path: Path,
) -> None:
    objects = owned_by(CANONICAL[TRAINING], None)
    assert read(checked(plan_with(tmp_path, bucket_with(objects=objects)))).decision.value == (
        "allowed"
    )


def test_an_unknown_owner_in_a_bucket_not_enforced_is_unknown_with_the_fix_named(
    tmp_path: Path,
) -> None:
    for ownership in ("ObjectWriter", "BucketOwnerPreferred", None):
        folder = tmp_path / str(ownership)
        plan = plan_with(folder, bucket_with(ownership, canonical_ids=False, training_job=False))
        row = read(checked(plan))
        assert row.decision.value == "unknown", ownership
        assert "who owns s3://my-bucket/model.tar.gz is unknown" in row.because
        assert "put-bucket-ownership-controls --bucket my-bucket" in row.because
        assert "get-object-acl --bucket my-bucket --key model.tar.gz" in row.because


def test_an_unknown_owner_does_not_hide_a_denial_that_holds_for_any_owner(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        bucket_with(None, training_job=False)(data)
        data["identities"][1]["policies"] = [
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}],
            }
        ]

    assert read(checked(plan_with(tmp_path, change))).decision.value == "implicit_deny"


def test_the_training_jobs_model_data_in_its_own_accounts_bucket_is_that_accounts(
    tmp_path: Path,
) -> None:
    # Whatever the setting: the training account wrote it into a bucket it owns.
    for ownership in ("ObjectWriter", None):
        plan = plan_with(tmp_path / str(ownership), bucket_with(ownership, canonical_ids=False))
        assert read(checked(plan)).decision.value == "allowed"


def test_the_training_job_writing_into_an_object_writer_bucket_of_another_account_owns_it(
    tmp_path: Path,
) -> None:
    def change(data: dict[str, Any]) -> None:
        bucket_with("ObjectWriter", canonical_ids=False)(data)
        data["resources"]["s3_buckets"][0]["account"] = REGISTRY

    row = read(checked(plan_with(tmp_path, change)))
    # The training account owns it; its ACL is not given.
    assert row.decision.value == "unknown"
    assert f"the training job of account {TRAINING} wrote it" in row.because


def test_a_prefix_entry_describes_the_objects_under_it(tmp_path: Path) -> None:
    objects = [{"prefix": "", "owner": THIRD, "grants": PRIVATE}]
    assert read(checked(plan_with(tmp_path, bucket_with(objects=objects)))).decision.value == (
        "implicit_deny"
    )


def test_bucket_owner_enforced_ignores_the_acl(tmp_path: Path) -> None:
    plan = plan_with(tmp_path, bucket_with("BucketOwnerEnforced", owned_by(THIRD, PRIVATE)))
    assert read(checked(plan)).decision.value == "allowed"
