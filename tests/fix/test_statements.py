"""checker.fix.statements: the statements a fix adds, and how it narrows a Deny.

What a narrowed or added statement means is checked with xreg's evaluator, on the request
the fix is for and on one it must leave alone.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from checker.fix.statements import (
    allow_statement,
    exclude_principal,
    merged_document,
    sid_for,
    statements_of,
    unique_sid,
)
from checker.policy import PolicyType, Request, RequestContext, Tri, evaluate_policy, parse_policy

ROLE = "arn:aws:iam::111111111111:role/SageMakerDeployRole"
OTHER_ROLE = "arn:aws:iam::111111111111:role/Other"
OBJECT = "arn:aws:s3:::models-bucket/churn/model.tar.gz"


def _bucket(*statements: dict[str, Any]) -> Any:
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    return parse_policy(document, source="bucket.json", policy_type=PolicyType.BUCKET)


def _request(principal: str, account: str = "111111111111") -> Request:
    values = {"aws:principalarn": (principal,), "aws:principalaccount": (account,)}
    return Request(principal, "s3:GetObject", OBJECT, RequestContext(values))


@pytest.mark.parametrize(
    ("principal", "sid"),
    [
        (ROLE, "XregAllowSageMakerDeployRole"),
        ("arn:aws:iam::111111111111:role/path/to/Deploy-Role_1", "XregAllowDeployRole1"),
        ("arn:aws:iam::222222222222:root", "XregAllowAccount222222222222"),
        ("arn:aws:iam::111111111111:user/bob.smith", "XregAllowbobsmith"),
    ],
)
def test_a_sid_names_whom_the_statement_is_for_in_valid_characters(
    principal: str, sid: str
) -> None:
    assert sid_for(principal) == sid


def test_a_taken_sid_gets_the_next_number() -> None:
    taken = {"XregAllowRole", "XregAllowRole2"}
    assert unique_sid("XregAllowRole", taken) == "XregAllowRole3"
    assert unique_sid("XregAllowRole", taken) == "XregAllowRole4"  # taken now holds 3
    assert unique_sid("Fresh", taken) == "Fresh"


def test_a_bucket_statement_names_principal_actions_and_resources_sorted() -> None:
    statement = allow_statement(
        PolicyType.BUCKET,
        "Sid1",
        ROLE,
        ["s3:GetObjectAcl", "s3:GetObject", "s3:GetObject"],
        [OBJECT, "arn:aws:s3:::models-bucket"],
    )
    assert statement == {
        "Sid": "Sid1",
        "Effect": "Allow",
        "Principal": {"AWS": ROLE},
        "Action": ["s3:GetObject", "s3:GetObjectAcl"],
        "Resource": ["arn:aws:s3:::models-bucket", OBJECT],
    }


def test_one_action_and_one_resource_are_strings() -> None:
    statement = allow_statement(PolicyType.IDENTITY, "S", None, ["s3:GetObject"], [OBJECT])
    assert statement == {
        "Sid": "S",
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": OBJECT,
    }


def test_a_repository_statement_has_no_resource_and_a_key_statement_has_star() -> None:
    repository = allow_statement(PolicyType.REPOSITORY, "S", ROLE, ["ecr:BatchGetImage"], ["x"])
    assert "Resource" not in repository  # ECR rejects a Resource element
    key = allow_statement(PolicyType.KEY, "S", ROLE, ["kms:Decrypt"], ["arn:aws:kms:…:key/k"])
    assert key["Resource"] == "*"  # "this key" in a key policy


def test_the_added_statement_allows_the_request_it_was_made_for() -> None:
    statement = allow_statement(PolicyType.BUCKET, "S", ROLE, ["s3:GetObject"], [OBJECT])
    policy = _bucket(statement)
    assert evaluate_policy(policy, _request(ROLE)).allow is Tri.TRUE
    assert evaluate_policy(policy, _request(OTHER_ROLE)).allow is Tri.FALSE


def test_statements_are_copies_and_a_single_statement_becomes_a_list() -> None:
    single = {"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}
    found = statements_of(single)
    assert found == [single["Statement"]]
    found[0]["Action"] = "changed"
    assert single["Statement"]["Action"] == "s3:*"
    assert statements_of({}) == []


DENY_OTHERS = {
    "Sid": "OnlyPipelines",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": "arn:aws:s3:::models-bucket/*",
    "Condition": {"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/Pipeline"}},
}


def test_excluding_a_principal_joins_the_negated_list_it_already_has() -> None:
    statement = copy.deepcopy(DENY_OTHERS)
    assert evaluate_policy(_bucket(statement), _request(ROLE)).deny is Tri.TRUE
    exclude_principal(statement, "aws:PrincipalArn", ROLE)
    assert statement["Condition"] == {
        "ArnNotEquals": {"aws:PrincipalArn": ["arn:aws:iam::111111111111:role/Pipeline", ROLE]}
    }
    assert evaluate_policy(_bucket(statement), _request(ROLE)).deny is Tri.FALSE
    # the guardrail still holds for everyone else
    assert evaluate_policy(_bucket(statement), _request(OTHER_ROLE)).deny is Tri.TRUE


def test_excluding_twice_adds_the_value_once() -> None:
    statement = copy.deepcopy(DENY_OTHERS)
    exclude_principal(statement, "aws:PrincipalArn", ROLE)
    exclude_principal(statement, "AWS:PRINCIPALARN", ROLE)  # keys ignore case
    assert statement["Condition"]["ArnNotEquals"]["aws:PrincipalArn"].count(ROLE) == 1


def test_a_deny_without_such_a_condition_gets_one_anded_in() -> None:
    statement: dict[str, Any] = {
        "Sid": "NoReads",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    exclude_principal(statement, "aws:PrincipalAccount", "222222222222")
    assert statement["Condition"] == {
        "Bool": {"aws:SecureTransport": "false"},
        "StringNotEquals": {"aws:PrincipalAccount": "222222222222"},
    }
    exclude_principal(statement, "aws:PrincipalArn", ROLE)
    assert statement["Condition"]["ArnNotEquals"] == {"aws:PrincipalArn": ROLE}


def test_a_merged_document_keeps_everything_else_and_replaces_in_place() -> None:
    document = {
        "Version": "2008-10-17",
        "Id": "Policy1",
        "Statement": [
            {"Sid": "A", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Sid": "B", "Effect": "Deny", "Action": "s3:*", "Resource": "*"},
        ],
    }
    narrowed = {1: {"Sid": "B", "Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"}}
    added = [{"Sid": "C", "Effect": "Allow", "Action": "s3:GetObject", "Resource": OBJECT}]
    merged = merged_document(document, added, narrowed)
    assert merged["Version"] == "2008-10-17"  # kept as written
    assert merged["Id"] == "Policy1"
    assert [s["Sid"] for s in merged["Statement"]] == ["A", "B", "C"]
    assert merged["Statement"][1]["Action"] == "s3:PutObject"
    assert document["Statement"][1]["Action"] == "s3:*"  # the input is untouched


def test_a_new_document_has_a_version_and_only_the_added_statements() -> None:
    added = [{"Sid": "C", "Effect": "Allow", "Action": "s3:GetObject", "Resource": OBJECT}]
    assert merged_document(None, added, {}) == {"Version": "2012-10-17", "Statement": added}
    without_version = merged_document({"Statement": []}, added, {})
    assert without_version["Version"] == "2012-10-17"
