"""narrow_for_request: an SCP or RCP Deny narrowed to spare one request, in the form the
statement already uses; the evaluator confirms it spares that request and no other."""

from __future__ import annotations

import copy
from typing import Any

from checker.fix.org_exceptions import narrow_for_request
from checker.policy import PolicyType, Request, RequestContext, Tri, evaluate_policy, parse_policy
from checker.refs import parse_principal_arn

ORG = "o-a1b2c3d4e5"
OTHER_ORG = "o-zzzzzzzzzz"
T = "222222222222"
R = "111111111111"
ROLE = f"arn:aws:iam::{R}:role/SageMakerDeployRole"
OBJECT = "arn:aws:s3:::models-bucket/churn/model.tar.gz"


def _ctx(principal: str = ROLE, **keys: str) -> RequestContext:
    """The request's context: its principal keys, and ``aws_ResourceAccount="…"`` style keys."""
    values = {"aws:principalarn": principal, "aws:principalaccount": principal.split(":")[4]}
    values.update({key.replace("_", ":", 1).lower(): value for key, value in keys.items()})
    return RequestContext({key: (value,) for key, value in values.items()})


def _narrow(
    statement: dict[str, Any],
    context: RequestContext,
    principal: str,
    organization_id: str | None = None,
) -> None:
    """``narrow_for_request``, given the principal's account as the plan model parses it."""
    account = parse_principal_arn(principal).account
    narrow_for_request(statement, context, principal, organization_id, principal_account=account)


def _denies(statement: dict[str, Any], context: RequestContext, principal: str = ROLE) -> Tri:
    kind = PolicyType.RCP if "Principal" in statement else PolicyType.SCP
    document = {"Version": "2012-10-17", "Statement": [statement]}
    policy = parse_policy(document, source="org.json", policy_type=kind)
    return evaluate_policy(policy, Request(principal, "s3:GetObject", OBJECT, context)).deny


def _deny(condition: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "Sid": "Guard",
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": condition,
        **extra,
    }


def test_the_plans_organization_joins_an_organization_list() -> None:
    statement = _deny({"StringNotEqualsIfExists": {"aws:ResourceOrgID": OTHER_ORG}})
    context = _ctx(aws_ResourceOrgID=ORG, aws_ResourceAccount=T)
    assert _denies(statement, context) is Tri.TRUE
    narrowed = copy.deepcopy(statement)
    _narrow(narrowed, context, ROLE, ORG)
    assert narrowed["Condition"] == {
        "StringNotEqualsIfExists": {"aws:ResourceOrgID": [OTHER_ORG, ORG]}
    }
    assert _denies(narrowed, context) is Tri.FALSE
    # a resource of a third organization is still denied
    assert _denies(narrowed, _ctx(aws_ResourceOrgID="o-3333333333")) is Tri.TRUE


def test_without_the_plans_organization_the_narrowest_known_value_joins() -> None:
    statement = _deny(
        {
            "StringNotEqualsIfExists": {
                "aws:PrincipalOrgID": OTHER_ORG,
                "aws:PrincipalAccount": [T],
            }
        }
    )
    context = _ctx(aws_PrincipalOrgID=ORG)
    _narrow(statement, context, ROLE)
    block = statement["Condition"]["StringNotEqualsIfExists"]
    assert block["aws:PrincipalAccount"] == [T, R]  # the account, narrower than the org
    assert block["aws:PrincipalOrgID"] == OTHER_ORG
    assert _denies(statement, context) is Tri.FALSE


def test_the_principal_arn_is_narrower_than_its_account() -> None:
    statement = _deny(
        {
            "ArnNotLikeIfExists": {"aws:PrincipalArn": f"arn:aws:iam::{T}:role/*"},
            "StringNotEqualsIfExists": {"aws:PrincipalAccount": T},
        }
    )
    _narrow(statement, _ctx(), ROLE)
    assert statement["Condition"]["ArnNotLikeIfExists"]["aws:PrincipalArn"] == [
        f"arn:aws:iam::{T}:role/*",
        ROLE,
    ]
    assert statement["Condition"]["StringNotEqualsIfExists"]["aws:PrincipalAccount"] == T
    assert _denies(statement, _ctx()) is Tri.FALSE
    other = f"arn:aws:iam::{R}:role/Other"
    assert _denies(statement, _ctx(other), other) is Tri.TRUE


def test_a_resource_perimeter_gets_the_resource_account_in_its_own_block() -> None:
    # The request's resource organization is not known; its account is.
    statement = _deny({"StringNotEqualsIfExists": {"aws:ResourceOrgID": ORG}})
    context = _ctx(aws_ResourceAccount=T)
    assert _denies(statement, context) is Tri.UNKNOWN
    _narrow(statement, context, ROLE)
    assert statement["Condition"] == {
        "StringNotEqualsIfExists": {"aws:ResourceOrgID": ORG, "aws:ResourceAccount": T}
    }
    assert _denies(statement, context) is Tri.FALSE


def test_a_deny_in_no_negated_form_gets_a_principal_exception() -> None:
    statement = _deny({"Bool": {"aws:SecureTransport": "false"}}, Principal="*")
    context = _ctx(aws_SecureTransport="false")
    _narrow(statement, context, ROLE)
    assert statement["Condition"]["ArnNotEquals"] == {"aws:PrincipalArn": ROLE}
    assert _denies(statement, context) is Tri.FALSE


def test_an_account_root_gets_an_account_exception() -> None:
    root = f"arn:aws:iam::{R}:root"
    statement = _deny({"Bool": {"aws:SecureTransport": "false"}})
    _narrow(statement, _ctx(root, aws_SecureTransport="false"), root)
    assert statement["Condition"]["StringNotEquals"] == {"aws:PrincipalAccount": R}


def test_a_value_already_listed_is_not_repeated() -> None:
    statement = _deny({"StringNotEquals": {"aws:PrincipalAccount": [R]}})
    _narrow(statement, _ctx(), ROLE)
    assert statement["Condition"]["StringNotEquals"]["aws:PrincipalAccount"] == [R]
