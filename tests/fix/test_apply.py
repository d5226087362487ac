"""apply_fix: what the plan says once a fix's command has run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from checker.fix.apply import apply_fix, apply_fixes
from checker.results.model import Fix
from tests.fix.scenario import load_scenario
from tests.matrix.plan_data import CONSUMER, KEY, R, T

NEW_BUCKET_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "New", "Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}
    ],
}


def _policy_fix(plan_field: str | None, **fields: Any) -> Fix:
    return Fix(
        account=T,
        target="t",
        command="c",
        policy=NEW_BUCKET_POLICY,
        plan_field=plan_field,
        **fields,
    )


def test_a_policy_fix_replaces_the_policy_at_its_plan_field_only(tmp_path: Path) -> None:
    plan = load_scenario(tmp_path)
    fixed = apply_fix(plan, _policy_fix("resources.s3_buckets[0].policy"))
    policy = fixed.s3_buckets[0].policy
    assert policy is not None and policy.document == NEW_BUCKET_POLICY
    assert policy.plan_field == "resources.s3_buckets[0].policy"
    assert plan.s3_buckets[0].policy is not None
    assert plan.s3_buckets[0].policy.document != NEW_BUCKET_POLICY  # the plan is not changed
    assert fixed.kms_keys == plan.kms_keys
    assert fixed.ecr_repositories == plan.ecr_repositories
    assert fixed.identities == plan.identities


def test_an_identity_policy_of_a_listed_principal_is_added_to_its_policies(tmp_path: Path) -> None:
    plan = load_scenario(tmp_path)
    fix = _policy_fix(None, kind="identity_policy", principal=CONSUMER, policy_file="new.json")
    fixed = apply_fix(plan, fix)
    [consumer] = [i for i in fixed.identities if i.principal == CONSUMER]
    assert len(consumer.policies) == 2
    added = consumer.policies[-1]
    assert getattr(added, "source", None) == "new.json"
    assert getattr(added, "plan_field", None) == f"{consumer.plan_field}.policies[1]"


def test_an_identity_policy_of_an_unlisted_principal_adds_the_identity(tmp_path: Path) -> None:
    plan = load_scenario(tmp_path)
    other = f"arn:aws:iam::{R}:role/BatchRole"
    fixed = apply_fix(plan, _policy_fix(None, kind="identity_policy", principal=other, id="F-1"))
    assert len(fixed.identities) == len(plan.identities) + 1
    identity = fixed.identities[-1]
    assert identity.principal == other
    assert identity.plan_field == f"identities[{len(plan.identities)}]"
    [added] = identity.policies
    assert getattr(added, "source", None) == "F-1.json"  # no file name given: the fix's id


def test_a_resource_policy_where_there_was_none(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        del data["resources"]["s3_buckets"][0]["policy"]

    plan = load_scenario(tmp_path, change)
    assert plan.s3_buckets[0].policy is None
    fixed = apply_fix(plan, _policy_fix(None, resource="arn:aws:s3:::models-bucket"))
    policy = fixed.s3_buckets[0].policy
    assert policy is not None and policy.plan_field == f"{plan.s3_buckets[0].plan_field}.policy"


def test_a_grant_fix_adds_the_grant_to_its_key(tmp_path: Path) -> None:
    plan = load_scenario(tmp_path)
    fix = Fix(
        account=T,
        target="grants",
        command="c",
        kind="kms_grant",
        resource=KEY,
        grant={"GranteePrincipal": CONSUMER, "Operations": ["Decrypt"]},
    )
    [key] = apply_fix(plan, fix).kms_keys
    [grant] = key.grants
    assert (grant.grantee_principal, grant.operations) == (CONSUMER, ("Decrypt",))
    assert grant.plan_field == f"{key.plan_field}.grants[0]"


def test_a_grant_that_replaces_another_revokes_it(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["resources"]["kms_keys"][0]["grants"] = [
            {"grantee_principal": R, "operations": ["Decrypt"], "grant_id": "g-1"},
            {"grantee_principal": f"arn:aws:iam::{R}:role/Keep", "operations": ["Decrypt"]},
        ]

    plan = load_scenario(tmp_path, change)

    def replace_with(revoke: dict[str, Any]) -> list[str]:
        fix = Fix(
            account=T,
            target="grants",
            command="c",
            kind="kms_grant",
            resource=KEY,
            grant={"GranteePrincipal": CONSUMER, "Operations": ["Decrypt"]},
            revoke_grant=revoke,
        )
        [key] = apply_fix(plan, fix).kms_keys
        return [grant.grantee_principal for grant in key.grants]

    keep = f"arn:aws:iam::{R}:role/Keep"
    assert replace_with({"GrantId": "g-1", "GranteePrincipal": R}) == [keep, CONSUMER]
    assert replace_with({"GranteePrincipal": R}) == [keep, CONSUMER]
    assert replace_with({"GrantId": "g-other"}) == [R, keep, CONSUMER]


def test_object_ownership_is_set_on_its_bucket(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["resources"]["s3_buckets"][0]["object_ownership"] = "ObjectWriter"

    plan = load_scenario(tmp_path, change)
    field = f"{plan.s3_buckets[0].plan_field}.object_ownership"
    fix = Fix(account=T, target="t", command="c", kind="manual", plan_field=field)
    assert apply_fix(plan, fix).s3_buckets[0].object_ownership == "BucketOwnerEnforced"


def test_a_manual_fix_changes_nothing_in_the_plan(tmp_path: Path) -> None:
    plan = load_scenario(tmp_path)
    fix = Fix(account=T, target="t", command="aws s3 cp …", kind="manual")
    assert apply_fix(plan, fix) is plan
    assert apply_fixes(plan, []) is plan
