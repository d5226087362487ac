"""Organization levels (``[[ref…], [ref…]]``) and ``x-snapshot`` facts as the loader reads them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from checker.plan.model import LoadedPolicy, ManagedPolicyRef
from checker.plan.snapshot_facts import NO_FACTS, ObjectFact
from tests.plan.plan_files import KEY_ARN, SIMPLE_POLICY, TRAINING, loaded_with, refused

ALLOW_LIST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
}


# --- organization levels ----------------------------------------------------------------------


def test_a_list_of_levels_keeps_each_policy_on_its_level(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        plan["service_control_policies"] = {
            TRAINING: [["FullAWSAccess"], [ALLOW_LIST, SIMPLE_POLICY], ["FullAWSAccess"]]
        }

    plan = loaded_with(in_tmp, change)
    flat = plan.service_control_policies[TRAINING]
    assert len(flat) == 4  # every policy, root first, for code that iterates them all
    assert plan.scp_levels[TRAINING] == (0, 1, 1, 2)
    levels = plan.organization_levels("scp", TRAINING)
    assert [len(level) for level in levels] == [1, 2, 1]
    root, (first_ou, second_ou), account = levels[0][0], levels[1], levels[2][0]
    assert isinstance(root, ManagedPolicyRef) and isinstance(account, ManagedPolicyRef)
    assert isinstance(first_ou, LoadedPolicy) and first_ou.document == ALLOW_LIST
    assert first_ou.plan_field == f"service_control_policies.{TRAINING}[1][0]"
    assert isinstance(second_ou, LoadedPolicy) and second_ou.document == SIMPLE_POLICY
    assert plan.organization_levels("rcp", TRAINING) is None


def test_a_plain_list_is_one_level(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        plan["resource_control_policies"] = {TRAINING: ["RCPFullAWSAccess", ALLOW_LIST]}

    plan = loaded_with(in_tmp, change)
    assert plan.rcp_levels == {}
    (level,) = plan.organization_levels("rcp", TRAINING)
    assert len(level) == 2
    assert level[1].plan_field == f"resource_control_policies.{TRAINING}[1]"


def test_an_empty_list_means_no_level(in_tmp: Path) -> None:
    plan = loaded_with(in_tmp, lambda plan: plan.update(service_control_policies={TRAINING: []}))
    assert plan.organization_levels("scp", TRAINING) == ()


def test_mixing_policies_and_levels_is_refused(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        plan["service_control_policies"] = {TRAINING: ["FullAWSAccess", ["FullAWSAccess"]]}

    assert refused(in_tmp, change) == (
        f"plan.yaml: service_control_policies.{TRAINING}[1]: mixes policies and levels: give a "
        "list of policies (one level) or a list of levels, each a list of policies, root first"
    )


def test_mixing_is_refused_whichever_comes_first(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        plan["resource_control_policies"] = {TRAINING: [["RCPFullAWSAccess"], ALLOW_LIST]}

    assert f"resource_control_policies.{TRAINING}[1]: mixes policies and levels" in refused(
        in_tmp, change
    )


def test_an_empty_level_is_refused(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        plan["service_control_policies"] = {TRAINING: [["FullAWSAccess"], []]}

    text = refused(in_tmp, change)
    assert text.startswith(f"plan.yaml: service_control_policies.{TRAINING}[1]: must not be empty")


def test_a_level_of_levels_is_refused(in_tmp: Path) -> None:
    def change(plan: dict[str, Any]) -> None:
        plan["service_control_policies"] = {TRAINING: [[["FullAWSAccess"]]]}

    text = refused(in_tmp, change)
    assert f"service_control_policies.{TRAINING}[0][0]" in text


# --- x-snapshot ---------------------------------------------------------------------------------


def snapshot(**notes: Any) -> Callable[[dict[str, Any]], None]:
    return lambda plan: plan.update({"x-snapshot": {"tool": "xreg 0.1.0", **notes}})


def test_a_plan_without_snapshot_notes_has_no_facts(in_tmp: Path) -> None:
    assert loaded_with(in_tmp, lambda plan: None).snapshot == NO_FACTS


def test_snapshot_facts_are_read_into_the_plan(in_tmp: Path) -> None:
    plan = loaded_with(
        in_tmp,
        snapshot(
            unreadable=[
                {"resource": TRAINING, "field": "scps", "reason": "denied: AccessDenied"},
                {"resource": TRAINING, "field": "organization", "reason": "timed out"},
                {"resource": "arn:aws:s3:::my-bucket", "field": "policy", "reason": "denied"},
            ],
            missing=[{"resource": "s3://my-bucket/gone.tar.gz", "reason": "does not exist"}],
            objects=[
                {"uri": "s3://my-bucket/model.tar.gz", "sse": "aws:kms", "kms_key": KEY_ARN},
                {"uri": "s3://my-bucket/other.tar.gz", "sse": "AES256"},
            ],
        ),
    )
    facts = plan.snapshot
    assert facts.organization_unreadable("scp", TRAINING) == "denied: AccessDenied; timed out"
    assert facts.organization_unreadable("rcp", TRAINING) == "timed out"
    assert facts.organization_unreadable("scp", "111111111111") is None
    assert [f.field for f in facts.other_unreadable()] == ["policy"]
    assert facts.missing[0].resource == "s3://my-bucket/gone.tar.gz"
    assert facts.object("s3://my-bucket/model.tar.gz") == ObjectFact(
        "s3://my-bucket/model.tar.gz", "aws:kms", KEY_ARN
    )
    assert facts.object("s3://my-bucket/other.tar.gz") == ObjectFact(
        "s3://my-bucket/other.tar.gz", "AES256"
    )


@pytest.mark.parametrize(
    ("notes", "message"),
    [
        (["no"], "x-snapshot: expected an object, got an array"),
        ({"unreadable": {}}, "x-snapshot.unreadable: expected a list, got an object"),
        ({"unreadable": ["x"]}, "x-snapshot.unreadable[0]: expected an object, got a string"),
        (
            {"unreadable": [{"resource": TRAINING, "field": "scps"}]},
            "x-snapshot.unreadable[0]: missing required field 'reason'",
        ),
        (
            {"unreadable": [{"resource": "my-bucket", "field": "scps", "reason": "denied"}]},
            "x-snapshot.unreadable[0].resource: 'my-bucket' is not an account id (12 digits), "
            "which field scps is about",
        ),
        (
            {"missing": [{"resource": 12, "reason": "gone"}]},
            "x-snapshot.missing[0].resource: expected a string, got a number",
        ),
        (
            {"objects": [{"uri": "my-bucket/model.tar.gz", "sse": "AES256"}]},
            "x-snapshot.objects[0].uri: 'my-bucket/model.tar.gz' is not an S3 URI "
            "(s3://BUCKET/KEY)",
        ),
        (
            {"objects": [{"uri": "s3://b/k", "sse": "aws:kms:gcm"}]},
            "x-snapshot.objects[0].sse: 'aws:kms:gcm' is not one of AES256, aws:kms, aws:kms:dsse",
        ),
        (
            {"objects": [{"uri": "s3://b/k", "sse": "AES256", "kms_key": KEY_ARN}]},
            "x-snapshot.objects[0].kms_key: a KMS key needs sse aws:kms or aws:kms:dsse, "
            "not AES256",
        ),
        (
            {"objects": [{"uri": "s3://b/k", "sse": "aws:kms", "kms_key": "key-1"}]},
            "x-snapshot.objects[0].kms_key: ",
        ),
        (
            {
                "objects": [
                    {"uri": "s3://b/k", "sse": "AES256"},
                    {"uri": "s3://b/k", "sse": "aws:kms"},
                ]
            },
            "x-snapshot.objects[1].uri: 's3://b/k' is listed twice (also at x-snapshot.objects[0])",
        ),
    ],
)
def test_malformed_snapshot_facts_are_refused_in_one_line(
    in_tmp: Path, notes: Any, message: str
) -> None:
    assert refused(in_tmp, lambda plan: plan.update({"x-snapshot": notes})).startswith(
        f"plan.yaml: {message}"
    )


def test_an_object_key_in_another_partition_is_refused(in_tmp: Path) -> None:
    key = KEY_ARN.replace("arn:aws:", "arn:aws-cn:")
    text = refused(
        in_tmp, snapshot(objects=[{"uri": "s3://b/k", "sse": "aws:kms", "kms_key": key}])
    )
    assert text.startswith("plan.yaml: x-snapshot.objects[0].kms_key: ")
    assert "partition" in text
