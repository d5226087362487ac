"""The fix planner (checker.fix.suggest): one fix per policy it changes, in the account that
owns the policy, with the command and the corrected document; applied to the plan, the gap
closes."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from checker.fix.apply import apply_fixes
from checker.fix.suggest import fix_order, stable_id, stable_ids
from checker.put_back import revoke_grant as revoke_grant_command
from checker.results.model import Fix
from tests.fix.scenario import BUCKET_POLICY, denied, load_scenario, planned
from tests.matrix.plan_data import CONSUMER, KEY, MODEL_OBJECT, R, T, containers

BUCKET_KEY = ("resource", "models-bucket")
ROLE_KEY = ("identity-new", CONSUMER)


def _statements(fix: Fix) -> list[dict[str, Any]]:
    assert fix.policy is not None
    statements: list[dict[str, Any]] = fix.policy["Statement"]
    return statements


def test_a_gap_on_both_sides_gets_a_bucket_fix_and_a_role_fix(tmp_path: Path) -> None:
    plan = load_scenario(tmp_path)
    assert denied(plan) == [(CONSUMER, "s3:GetObject", MODEL_OBJECT)]
    planner, built = planned(plan)
    assert set(built) == {BUCKET_KEY, ROLE_KEY}
    assert planner.assigned == {(CONSUMER, "s3:getobject", MODEL_OBJECT): [BUCKET_KEY, ROLE_KEY]}

    bucket = built[BUCKET_KEY]
    assert (bucket.kind, bucket.account) == ("resource_policy", T)  # the bucket owner's account
    assert bucket.plan_field == "resources.s3_buckets[0].policy"
    assert bucket.command == (
        f"aws s3api put-bucket-policy --bucket models-bucket --policy file://{bucket.policy_file}"
    )
    # the document keeps what it had and adds one statement for the consumer
    assert _statements(bucket)[0] == BUCKET_POLICY["Statement"][0]
    assert _statements(bucket)[1] == {
        "Sid": "XregAllowSageMakerDeployRole",
        "Effect": "Allow",
        "Principal": {"AWS": CONSUMER},
        "Action": "s3:GetObject",
        "Resource": MODEL_OBJECT,
    }

    role = built[ROLE_KEY]
    assert (role.kind, role.account, role.principal) == ("identity_policy", R, CONSUMER)
    assert role.plan_field is None  # a new policy
    assert role.command.startswith(
        "aws iam put-role-policy --role-name SageMakerDeployRole "
        "--policy-name xreg-cross-account-access --policy-document file://"
    )
    assert _statements(role) == [
        {
            "Sid": "XregAllowCrossAccountRegistration",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": MODEL_OBJECT,
        }
    ]


def test_the_fixes_close_the_gap(tmp_path: Path) -> None:
    plan = load_scenario(tmp_path)
    _, built = planned(plan)
    assert denied(apply_fixes(plan, built.values())) == []


def test_either_fix_alone_leaves_the_gap_open(tmp_path: Path) -> None:
    # Cross account both sides must allow: neither fix is enough by itself.
    plan = load_scenario(tmp_path)
    _, built = planned(plan)
    assert denied(apply_fixes(plan, [built[BUCKET_KEY]])) != []
    assert denied(apply_fixes(plan, [built[ROLE_KEY]])) != []


def test_gaps_on_one_policy_make_one_fix(tmp_path: Path) -> None:
    metrics = "s3://models-bucket/churn/statistics.json"

    def change(data: dict[str, Any]) -> None:
        containers(data).append(
            {"Image": containers(data)[0]["Image"], "ModelDataUrl": "s3://models-bucket/b.tar.gz"}
        )
        data["registration"]["ModelMetrics"] = {
            "ModelQuality": {"Statistics": {"ContentType": "application/json", "S3Uri": metrics}}
        }

    plan = load_scenario(tmp_path, change)
    assert len(denied(plan)) == 3
    _, built = planned(plan)
    assert set(built) == {BUCKET_KEY, ROLE_KEY}
    added = _statements(built[BUCKET_KEY])[1]
    assert added["Resource"] == sorted(
        [
            MODEL_OBJECT,
            "arn:aws:s3:::models-bucket/b.tar.gz",
            "arn:aws:s3:::models-bucket/churn/statistics.json",
        ]
    )
    assert denied(apply_fixes(plan, built.values())) == []


def test_documented_rows_are_fixed_only_when_asked(tmp_path: Path) -> None:
    plan = load_scenario(tmp_path)
    _, built = planned(plan)
    assert _statements(built[BUCKET_KEY])[1]["Action"] == "s3:GetObject"
    _, documented = planned(plan, fix_documented=True)
    added = _statements(documented[BUCKET_KEY])[1]
    assert added["Action"] == ["s3:GetBucketAcl", "s3:GetObject", "s3:GetObjectAcl"]
    assert added["Resource"] == ["arn:aws:s3:::models-bucket", MODEL_OBJECT]


def test_an_explicit_deny_is_narrowed_not_outvoted(tmp_path: Path) -> None:
    deny = {
        "Sid": "OnlyTraining",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": "arn:aws:s3:::models-bucket/*",
        "Condition": {"StringNotEquals": {"aws:PrincipalAccount": T}},
    }
    bucket = {"Version": "2012-10-17", "Statement": [*BUCKET_POLICY["Statement"], deny]}
    plan = load_scenario(tmp_path, files={"policies/bucket.json": bucket})
    _, built = planned(plan)
    fix = built[BUCKET_KEY]
    assert _statements(fix)[1]["Condition"] == {
        "StringNotEquals": {"aws:PrincipalAccount": T},
        "ArnNotEquals": {"aws:PrincipalArn": CONSUMER},
    }
    assert "narrows 1 Deny statement" in fix.description
    assert denied(apply_fixes(plan, built.values())) != []  # the bucket still lacks an Allow
    _, again = planned(apply_fixes(plan, built.values()))
    assert denied(apply_fixes(apply_fixes(plan, built.values()), again.values())) == []


def test_a_key_without_a_policy_in_the_plan_gets_a_grant(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        del data["resources"]["kms_keys"][0]["policy"]

    plan = load_scenario(tmp_path, change)
    _, built = planned(plan)
    grant = built[("grant", f"{KEY}|{CONSUMER}")]
    assert (grant.kind, grant.account) == ("kms_grant", T)
    assert grant.grant == {"GranteePrincipal": CONSUMER, "Operations": ["Decrypt"]}
    assert grant.command == (
        f"aws kms create-grant --key-id {KEY} --grantee-principal {CONSUMER} "
        "--operations Decrypt --region us-east-2"
    )


def test_fix_ids_come_from_what_they_change(tmp_path: Path) -> None:
    first = {key: fix.id for key, fix in planned(load_scenario(tmp_path / "a"))[1].items()}
    second = {key: fix.id for key, fix in planned(load_scenario(tmp_path / "b"))[1].items()}
    assert first == second
    assert len(set(first.values())) == len(first)
    assert all(fix_id.startswith("F-") for fix_id in first.values())
    assert stable_id(("a", "b")) != stable_id(("ab",))  # the parts stay apart


def test_ids_that_would_clash_get_longer() -> None:
    seen: dict[str, tuple[str, ...]] = {}
    for number in itertools.count():
        key = (f"key-{number}",)
        short = stable_id(key)
        if short in seen:
            clash = [seen[short], key]
            break
        seen[short] = key
    ids = stable_ids(clash)
    assert len(set(ids.values())) == 2
    assert all(len(fix_id) > len("F-0000") for fix_id in ids.values())


def test_resource_fixes_come_first_then_identity_then_organization() -> None:
    kinds = ["rcp", "identity_policy", "scp", "manual", "kms_grant", "boundary", "resource_policy"]
    fixes = [Fix(account="1", target="t", command="c", kind=kind) for kind in kinds]
    assert [fix.kind for fix in sorted(fixes, key=fix_order)] == [
        "resource_policy",
        "kms_grant",
        "manual",
        "identity_policy",
        "boundary",
        "scp",
        "rcp",
    ]


def test_a_grant_is_revoked_by_its_id_or_looked_up_by_its_grantee() -> None:
    by_id = revoke_grant_command(KEY, "us-east-2", {"GrantId": "g-1", "GranteePrincipal": R})
    assert by_id == f"aws kms revoke-grant --key-id {KEY} --region us-east-2 --grant-id g-1"
    looked_up = revoke_grant_command(KEY, "us-east-2", {"GranteePrincipal": R})
    lookup, revoke = looked_up.split("\n")
    assert lookup.startswith(f"GRANT_ID=$(aws kms list-grants --key-id {KEY} --region us-east-2")
    assert f"GranteePrincipal=='{R}'" in lookup
    assert revoke.endswith('--grant-id "$GRANT_ID"')


def test_the_corrected_documents_are_json(tmp_path: Path) -> None:
    for fix in planned(load_scenario(tmp_path))[1].values():
        assert json.loads(json.dumps(fix.policy)) == fix.policy
