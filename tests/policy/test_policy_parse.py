"""The policy grammar: what parses, what it becomes, and where errors point."""

from __future__ import annotations

from typing import Any

import pytest

from checker.errors import InputError
from checker.policy import Condition, Policy, PolicyType, Principal, parse_policy


def parse(document: object, kind: PolicyType = PolicyType.BUCKET, **kwargs: Any) -> Policy:
    return parse_policy(document, source="p.json", policy_type=kind, **kwargs)


def error_of(document: object) -> InputError:
    with pytest.raises(InputError) as caught:
        parse(document)
    return caught.value


def test_single_statement_object_and_list_forms_parse_alike() -> None:
    body = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    single = parse({"Version": "2012-10-17", "Statement": body})
    listed = parse({"Version": "2012-10-17", "Statement": [body]})
    assert single.statements == listed.statements
    only = single.statements[0]
    assert only.effect == "Allow"
    assert only.action == ("s3:GetObject",)
    assert only.resource == ("arn:aws:s3:::b/*",)
    assert only.not_action is None and only.principal is None
    assert only.label == "#0"


def test_everything_is_kept_faithfully() -> None:
    policy = parse(
        {
            "Version": "2012-10-17",
            "Id": "Policy1",
            "Statement": [
                {
                    "Sid": "A",
                    "Effect": "Deny",
                    "NotPrincipal": {"AWS": ["111111111111", "arn:aws:iam::2:role/x"]},
                    "NotAction": ["s3:Get*"],
                    "NotResource": "arn:aws:s3:::b",
                    "Condition": {
                        "Bool": {"aws:SecureTransport": False},
                        "NumericLessThan": {"s3:max-keys": [10, 2.5]},
                    },
                }
            ],
        },
        attached_to="arn:aws:s3:::b",
    )
    assert policy.id == "Policy1" and policy.version == "2012-10-17"
    assert policy.attached_to == "arn:aws:s3:::b"
    only = policy.statements[0]
    assert only.sid == "A" and only.label == "A"
    assert only.not_principal == Principal(
        aws=("arn:aws:iam::111111111111:root", "arn:aws:iam::2:role/x")
    )
    assert only.not_action == ("s3:Get*",)
    assert only.not_resource == ("arn:aws:s3:::b",)
    assert only.conditions == (
        Condition("Bool", "aws:SecureTransport", ("false",)),
        Condition("NumericLessThan", "s3:max-keys", ("10", "2.5")),
    )


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        ("*", Principal(wildcard=True)),
        ({"AWS": "*"}, Principal(wildcard=True)),
        ({"AWS": "123456789012"}, Principal(aws=("arn:aws:iam::123456789012:root",))),
        (
            {"AWS": ["arn:aws:iam::123456789012:role/R", "210987654321"]},
            Principal(aws=("arn:aws:iam::123456789012:role/R", "arn:aws:iam::210987654321:root")),
        ),
        ({"Service": "sagemaker.amazonaws.com"}, Principal(service=("sagemaker.amazonaws.com",))),
        (
            {"Federated": "cognito-identity.amazonaws.com"},
            Principal(federated=("cognito-identity.amazonaws.com",)),
        ),
        ({"CanonicalUser": "79a59df900b949e5"}, Principal(canonical_user=("79a59df900b949e5",))),
    ],
)
def test_principal_forms(principal: object, expected: Principal) -> None:
    document = {"Statement": {"Effect": "Allow", "Principal": principal, "Action": "*"}}
    assert parse(document).statements[0].principal == expected


def test_bare_account_id_uses_the_given_partition() -> None:
    document = {
        "Statement": {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "*"}
    }
    parsed = parse(document, partition="aws-cn")
    assert parsed.statements[0].principal == Principal(aws=("arn:aws-cn:iam::123456789012:root",))


def test_type_specific_oddities_are_parsed_not_rejected() -> None:
    # A Resource in an ECR repository policy and a Principal in an identity policy are lint
    # findings, not grammar errors.
    repo = parse(
        {"Statement": {"Effect": "Allow", "Principal": "*", "Action": "ecr:*", "Resource": "*"}},
        PolicyType.REPOSITORY,
    )
    assert repo.statements[0].resource == ("*",)
    ident = parse(
        {"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}},
        PolicyType.IDENTITY,
    )
    assert ident.statements[0].principal == Principal(wildcard=True)


def test_statement_lines_come_from_the_positions() -> None:
    lines = {("Statement", 0): (3, 5), ("Statement", 1): (9, 5)}
    body = {"Effect": "Allow", "Action": "*"}
    parsed = parse({"Statement": [body, body]}, lines=lines)
    assert [s.line for s in parsed.statements] == [3, 9]
    single = parse({"Statement": body}, lines={("Statement",): (2, 3)})
    assert single.statements[0].line == 2
    assert parse({"Statement": body}).statements[0].line is None


@pytest.mark.parametrize(
    ("document", "path", "reason_part"),
    [
        ([], "$", "JSON object"),
        ({"Statement": []}, "Statement", "empty"),
        ({"Version": "2012-10-17"}, "Statement", "needs a Statement"),
        ({"Statement": "x"}, "Statement", "object or a list"),
        ({"Statement": {"Effect": "Allow", "Action": "*"}, "Extra": 1}, "Extra", "unknown"),
        ({"Version": 2012, "Statement": {"Effect": "Allow", "Action": "*"}}, "Version", "string"),
        (
            {"Version": "2020-01-01", "Statement": {"Effect": "Allow", "Action": "*"}},
            "Version",
            "2012-10-17",
        ),
        ({"Id": 5, "Statement": {"Effect": "Allow", "Action": "*"}}, "Id", "string"),
        ({"Statement": [{"Effect": "Allow", "Action": "*"}, 7]}, "Statement[1]", "object"),
        ({"Statement": [{"Action": "*"}]}, "Statement[0].Effect", "needs an Effect"),
        (
            {"Statement": [{"Effect": "allow", "Action": "*"}]},
            "Statement[0].Effect",
            '"Allow" or "Deny"',
        ),
        ({"Statement": [{"Effect": "Allow"}]}, "Statement[0].Action", "Action or NotAction"),
        (
            {"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "s3:*"}]},
            "Statement[0].NotAction",
            "not both",
        ),
        (
            {
                "Statement": [
                    {"Effect": "Allow", "Action": "*", "Resource": "*", "NotResource": "x"}
                ]
            },
            "Statement[0].NotResource",
            "not both",
        ),
        (
            {
                "Statement": [
                    {"Effect": "Allow", "Action": "*", "Principal": "*", "NotPrincipal": "*"}
                ]
            },
            "Statement[0].NotPrincipal",
            "not both",
        ),
        ({"Statement": [{"Effect": "Allow", "Action": []}]}, "Statement[0].Action", "empty"),
        (
            {"Statement": [{"Effect": "Allow", "Action": 5}]},
            "Statement[0].Action",
            "string or a list",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": ["s3:*", 5]}]},
            "Statement[0].Action[1]",
            "string",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": [None]}]},
            "Statement[0].Resource[0]",
            "null",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": "*", "Sid": 3}]},
            "Statement[0].Sid",
            "string",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": "*", "Foo": 1}]},
            "Statement[0].Foo",
            "unknown statement element",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": "*", "Principal": "arn:aws:iam::1:root"}]},
            "Statement[0].Principal",
            '"*" or an object',
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": "*", "Principal": {}}]},
            "Statement[0].Principal",
            "at least one",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": "*", "Principal": {"Aws": "*"}}]},
            "Statement[0].Principal.Aws",
            "unknown principal type",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": "*", "Principal": {"AWS": []}}]},
            "Statement[0].Principal.AWS",
            "empty",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": "*", "Condition": []}]},
            "Statement[0].Condition",
            "object",
        ),
        (
            {
                "Statement": [
                    {"Effect": "Allow", "Action": "*", "Condition": {"StringEqualz": {"k": "v"}}}
                ]
            },
            "Statement[0].Condition.StringEqualz",
            "unknown condition operator",
        ),
        (
            {
                "Statement": [
                    {"Effect": "Allow", "Action": "*", "Condition": {"NullIfExists": {"k": "true"}}}
                ]
            },
            "Statement[0].Condition.NullIfExists",
            "unknown condition operator",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"StringEquals": "v"}}]},
            "Statement[0].Condition.StringEquals",
            "object of keys",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"StringEquals": {}}}]},
            "Statement[0].Condition.StringEquals",
            "at least one key",
        ),
        (
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "*",
                        "Condition": {"StringEquals": {"k": {"a": 1}}},
                    }
                ]
            },
            "Statement[0].Condition.StringEquals.k",
            "string, number or boolean",
        ),
        (
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "*",
                        "Condition": {"StringEquals": {"k": ["a", None]}},
                    }
                ]
            },
            "Statement[0].Condition.StringEquals.k[1]",
            "null",
        ),
    ],
)
def test_errors_name_their_field(document: object, path: str, reason_part: str) -> None:
    error = error_of(document)
    assert error.source == "p.json"
    assert error.path == path
    assert reason_part in error.reason
    assert str(error).startswith(f"p.json: {path}: ")
    assert "\n" not in str(error)


def test_single_statement_object_errors_point_at_statement() -> None:
    error = error_of({"Statement": {"Effect": "Maybe", "Action": "*"}})
    assert error.path == "Statement.Effect"


def test_deep_nesting_is_an_input_error_not_a_recursion_error() -> None:
    nested: object = "x"
    for _ in range(5000):
        nested = [nested]
    document = {
        "Statement": {
            "Effect": "Allow",
            "Action": "*",
            "Condition": {"StringEquals": {"k": nested}},
        }
    }
    error = error_of(document)
    assert error.path.startswith("Statement.Condition.StringEquals.k")
    assert "deeper" in error.reason


def test_real_policies_are_not_too_deep() -> None:
    document = {
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "*",
                "Condition": {"ForAnyValue:StringLike": {"aws:TagKeys": ["a*", "b*"]}},
            }
        ]
    }
    assert parse(document).statements[0].conditions[0].values == ("a*", "b*")


def test_too_many_statements() -> None:
    body = {"Effect": "Allow", "Action": "*"}
    assert len(parse({"Statement": [body] * 1000}).statements) == 1000
    error = error_of({"Statement": [body] * 1001})
    assert error.path == "Statement"
    assert "1000" in error.reason


def test_condition_operator_names_ignore_case_and_take_prefixes() -> None:
    document = {
        "Statement": {
            "Effect": "Allow",
            "Action": "*",
            "Condition": {
                "forallvalues:stringlikeifexists": {"aws:TagKeys": "a*"},
                "ForAnyValue:ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/x"},
            },
        }
    }
    conditions = parse(document).statements[0].conditions
    assert [c.operator for c in conditions] == [
        "forallvalues:stringlikeifexists",
        "ForAnyValue:ArnLike",
    ]
