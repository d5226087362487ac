"""Condition operators: every family, IfExists, set operators, absent and unknown keys."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from policy_builders import context, identity, request, statement

from checker.policy import Condition, Request, RequestContext, Tri, evaluate_policy
from checker.policy.conditions import compile_condition, evaluate_condition

ABSENT = "absent"
UNKNOWN = "unknown"


def check(
    operator: str,
    values: str | Sequence[str],
    request_values: str | Sequence[str] | None,
    *,
    key: str = "test:Key",
    variables: bool = True,
    extra: RequestContext | None = None,
) -> Tri:
    """Evaluate one condition; ``request_values`` ABSENT / UNKNOWN / a value / values."""
    policy_values = (values,) if isinstance(values, str) else tuple(values)
    compiled = compile_condition(Condition(operator, key, policy_values), variables=variables)
    known = dict(extra.values) if extra else {}
    absent = set(extra.absent) if extra else set()
    if request_values == ABSENT:
        absent.add(key.lower())
    elif request_values != UNKNOWN and request_values is not None:
        found = (request_values,) if isinstance(request_values, str) else tuple(request_values)
        known[key.lower()] = found
    result = evaluate_condition(compiled, RequestContext(known, frozenset(absent)))
    if result.tri is Tri.UNKNOWN:
        assert result.unknown_keys, "an unknown result names its keys"
    return result.tri


T, F, U = Tri.TRUE, Tri.FALSE, Tri.UNKNOWN


@pytest.mark.parametrize(
    ("operator", "values", "actual", "expected"),
    [
        ("StringEquals", "abc", "abc", T),
        ("StringEquals", "abc", "ABC", F),
        ("StringEquals", ["x", "abc"], "abc", T),  # values OR
        ("StringEquals", "a*", "abc", F),  # no wildcards
        ("StringEquals", "a*", "a*", T),
        ("StringNotEquals", "abc", "abc", F),
        ("StringNotEquals", ["x", "y"], "abc", T),
        ("StringNotEquals", ["x", "abc"], "abc", F),  # negated: matches NONE of them
        ("StringEqualsIgnoreCase", "AbC", "aBc", T),
        ("StringNotEqualsIgnoreCase", "AbC", "aBc", F),
        ("StringNotEqualsIgnoreCase", ["q", "r"], "aBc", T),
        ("StringLike", "a*c", "abbbc", T),
        ("StringLike", "a?c", "abbc", F),
        ("StringLike", "A*", "abc", F),  # case-sensitive
        ("StringNotLike", ["x*", "a*"], "abc", F),
        ("StringNotLike", ["x*", "y*"], "abc", T),
        ("NumericEquals", "10", "10.0", T),
        ("NumericEquals", "10", "11", F),
        ("NumericNotEquals", ["10", "11"], "12", T),
        ("NumericNotEquals", ["10", "11"], "11", F),
        ("NumericLessThan", "10", "9", T),
        ("NumericLessThan", "10", "10", F),
        ("NumericLessThanEquals", "10", "10", T),
        ("NumericGreaterThan", "10", "10.5", T),
        ("NumericGreaterThanEquals", "10", "9.99", F),
        ("NumericEquals", "ten", "10", F),  # unparseable policy value: false
        ("NumericNotEquals", "ten", "10", F),  # ... even negated
        ("NumericEquals", "10", "ten", F),
        ("DateLessThan", "2030-01-01T00:00:00Z", "2029-12-31T23:59:59Z", T),
        ("DateLessThan", "2030-01-01T00:00:00Z", "2030-01-01T00:00:00Z", F),
        ("DateEquals", "2030-01-01T00:00:00Z", "1893456000", T),  # epoch seconds
        ("DateEquals", "2030-01-01", "2030-01-01T00:00:00+00:00", T),
        ("DateGreaterThan", "1893456000", "2030-01-01T01:00:00+01:00", F),  # same instant
        ("DateGreaterThanEquals", "1893456000", "2030-01-01T01:00:00+01:00", T),
        ("DateNotEquals", ["2030-01-01", "2031-01-01"], "2032-01-01", T),
        ("DateLessThanEquals", "not a date", "2030-01-01", F),
        ("Bool", "true", "true", T),
        ("Bool", "true", "false", F),
        ("Bool", "TRUE", "true", T),
        ("Bool", "yes", "true", F),
        ("BinaryEquals", "QmluYXJ5", "QmluYXJ5", T),
        ("BinaryEquals", "QmluYXJ5", "QmluYXJ6", F),
        ("BinaryEquals", "!!!", "QmluYXJ5", F),
        ("IpAddress", "203.0.113.0/24", "203.0.113.7", T),
        ("IpAddress", "203.0.113.0/24", "203.0.114.7", F),
        ("IpAddress", "203.0.113.7", "203.0.113.7", T),  # a bare address is a /32
        ("IpAddress", "2001:db8::/32", "2001:db8::1", T),
        ("IpAddress", "2001:db8::/32", "203.0.113.7", F),  # families never mix
        ("IpAddress", "300.0.0.0/8", "203.0.113.7", F),
        ("NotIpAddress", ["10.0.0.0/8", "192.168.0.0/16"], "203.0.113.7", T),
        ("NotIpAddress", ["10.0.0.0/8", "192.168.0.0/16"], "10.1.2.3", F),
        ("ArnEquals", "arn:aws:iam::*:role/R", "arn:aws:iam::111111111111:role/R", T),
        ("ArnLike", "arn:aws:iam::111111111111:role/*", "arn:aws:iam::111111111111:role/R", T),
        ("ArnLike", "arn:aws:iam::*:role/*", "arn:aws:sts::1:assumed-role/R/s", F),
        ("ArnLike", "arn:aws:*:*:*:*", "arn:aws:iam::1:role/R", T),
        ("ArnNotEquals", "arn:aws:iam::1:role/R", "arn:aws:iam::1:role/R", F),
        (
            "ArnNotLike",
            ["arn:aws:iam::1:role/A*", "arn:aws:iam::1:role/B*"],
            "arn:aws:iam::1:role/C",
            T,
        ),
        (
            "ArnNotLike",
            ["arn:aws:iam::1:role/A*", "arn:aws:iam::1:role/C*"],
            "arn:aws:iam::1:role/C",
            F,
        ),
    ],
)
def test_operator_families(
    operator: str, values: str | list[str], actual: str, expected: Tri
) -> None:
    assert check(operator, values, actual) is expected


def test_keys_ignore_case_values_do_not() -> None:
    ctx = RequestContext({"aws:sourcevpce": ("vpce-1",)})
    compiled = compile_condition(
        Condition("StringEquals", "AWS:SourceVPCE", ("vpce-1",)), variables=True
    )
    assert evaluate_condition(compiled, ctx).tri is T
    upper = compile_condition(
        Condition("StringEquals", "aws:SourceVpce", ("VPCE-1",)), variables=True
    )
    assert evaluate_condition(upper, ctx).tri is F


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        ("StringEquals", F),
        ("StringLike", F),
        ("NumericLessThan", F),
        ("DateGreaterThan", F),
        ("Bool", F),
        ("IpAddress", F),
        ("ArnLike", F),
        ("BinaryEquals", F),
        # The IAM docs: a negated operator on a missing key is TRUE.
        ("StringNotEquals", T),
        ("StringNotLike", T),
        ("NumericNotEquals", T),
        ("DateNotEquals", T),
        ("ArnNotLike", T),
        ("ArnNotEquals", T),
        ("NotIpAddress", T),
        ("StringNotEqualsIgnoreCase", T),
        ("StringEqualsIfExists", T),
        ("StringNotEqualsIfExists", T),
        ("ArnLikeIfExists", T),
        ("ForAllValues:StringEquals", T),  # vacuous truth
        ("ForAllValues:StringNotLike", T),
        ("ForAnyValue:StringEquals", F),
        ("ForAnyValue:StringNotEquals", F),
        ("ForAnyValue:StringEqualsIfExists", T),
    ],
)
def test_known_absent_key(operator: str, expected: Tri) -> None:
    value = "1" if "Numeric" in operator else "true" if operator == "Bool" else "x"
    if operator.endswith(("IpAddress",)):
        value = "10.0.0.0/8"
    if "Date" in operator:
        value = "2030-01-01"
    if "Binary" in operator:
        value = "QQ=="
    assert check(operator, value, ABSENT) is expected
    # Present with no value at all behaves like absent.
    assert check(operator, value, ()) is expected


@pytest.mark.parametrize(
    "operator",
    [
        "StringEquals",
        "StringNotEquals",
        "StringLikeIfExists",
        "Null",
        "ForAllValues:StringEquals",
        "ForAnyValue:StringLike",
        "Bool",
    ],
)
def test_unknown_key_is_unknown_whatever_the_operator(operator: str) -> None:
    assert check(operator, "true", UNKNOWN) is U


def test_unknown_key_is_reported_by_name() -> None:
    policy = identity(
        statement("Allow", "s3:*", "*", Condition={"StringEquals": {"aws:SourceVpce": "vpce-1"}})
    )
    evaluation = evaluate_policy(policy, request(ctx=context()))
    assert evaluation.allow is U
    assert evaluation.unknown_keys == ("aws:sourcevpce",)
    assert evaluation.allows[0].unknown_keys == ("aws:sourcevpce",)


@pytest.mark.parametrize(
    ("values", "actual", "expected"),
    [
        ("true", ABSENT, T),
        ("true", "x", F),
        ("false", ABSENT, F),
        ("false", "x", T),
        ("maybe", "x", F),
        ("maybe", ABSENT, F),
    ],
)
def test_null(values: str, actual: str, expected: Tri) -> None:
    assert check("Null", values, actual) is expected


@pytest.mark.parametrize(
    ("operator", "values", "actual", "expected"),
    [
        ("ForAllValues:StringEquals", ["a", "b"], ["a", "b"], T),
        ("ForAllValues:StringEquals", ["a", "b"], ["a", "c"], F),
        ("ForAnyValue:StringEquals", ["a", "b"], ["c", "b"], T),
        ("ForAnyValue:StringEquals", ["a", "b"], ["c", "d"], F),
        ("ForAllValues:StringNotLike", "key1*", ["key1:legal"], F),  # the IAM docs' table
        ("ForAllValues:StringNotLike", "key1*", ["key2:audit"], T),
        ("ForAllValues:StringNotLike", "key1*", ["key1:hr", "key2:audit"], F),
        ("ForAnyValue:StringNotLike", "key1*", ["key1:hr", "key2:audit"], T),
        ("ForAllValues:StringLikeIfExists", "a*", ["ab", "ac"], T),
        # A plain operator on several request values: true if any satisfies it.
        ("StringEquals", "a", ["b", "a"], T),
        ("StringEquals", "a", ["b", "c"], F),
        ("StringNotEquals", "a", ["a", "b"], T),
        ("StringNotEquals", "a", ["a"], F),
    ],
)
def test_set_operators(
    operator: str, values: str | list[str], actual: list[str], expected: Tri
) -> None:
    assert check(operator, values, actual) is expected


def test_if_exists_applies_the_operator_when_present() -> None:
    assert check("StringEqualsIfExists", "a", "a") is T
    assert check("StringEqualsIfExists", "a", "b") is F
    assert check("NumericLessThanIfExists", "5", "9") is F


class TestPolicyVariables:
    def test_substituted_from_the_context(self) -> None:
        ctx = context(aws_username="alice")
        assert check("StringEquals", "${aws:username}", "alice", extra=ctx) is T
        assert check("StringEquals", "${aws:username}", "bob", extra=ctx) is F
        assert check("StringLike", "home/${aws:username}/*", "home/alice/x", extra=ctx) is T
        assert (
            check(
                "ArnLike",
                "arn:aws:iam::1:user/${aws:username}",
                "arn:aws:iam::1:user/alice",
                extra=ctx,
            )
            is T
        )

    def test_condition_values_substitute_in_every_arn_segment(self) -> None:
        # Unlike Resource, a condition value takes variables before the fifth colon too.
        ctx = context(aws_PrincipalAccount="222222222222")
        pattern = "arn:aws:sagemaker:us-east-1:${aws:PrincipalAccount}:*"
        arn = "arn:aws:sagemaker:us-east-1:222222222222:model-package-group/g"
        assert check("ArnLike", pattern, arn, extra=ctx) is T
        assert check("StringLike", pattern, arn, extra=ctx) is T
        assert check("ArnLike", pattern, arn.replace("2222", "3333"), extra=ctx) is F

    def test_variable_names_ignore_case(self) -> None:
        ctx = context(aws_username="alice")
        assert check("StringEquals", "${AWS:UserName}", "alice", extra=ctx) is T

    def test_substituted_text_is_literal_not_a_wildcard(self) -> None:
        ctx = context(aws_username="a*")
        assert check("StringLike", "${aws:username}", "abc", extra=ctx) is F
        assert check("StringLike", "${aws:username}", "a*", extra=ctx) is T

    def test_escapes(self) -> None:
        assert check("StringLike", "a${*}", "a*") is T
        assert check("StringLike", "a${*}", "ab") is F
        assert check("StringLike", "a${?}", "a?") is T
        assert check("StringEquals", "${$}x", "$x") is T

    def test_unknown_variable_key_is_unknown(self) -> None:
        compiled = compile_condition(
            Condition("StringEquals", "s3:prefix", ("${aws:username}/",)), variables=True
        )
        result = evaluate_condition(compiled, RequestContext({"s3:prefix": ("alice/",)}))
        assert result.tri is U
        assert result.unknown_keys == ("aws:username",)

    def test_absent_variable_key_does_not_match_even_negated(self) -> None:
        ctx = context(absent=["aws:username"])
        assert check("StringEquals", "${aws:username}", "x", extra=ctx) is F
        assert check("StringNotEquals", "${aws:username}", "x", extra=ctx) is F

    def test_an_unresolvable_value_leaves_the_other_values_deciding(self) -> None:
        # A role session has no aws:username: that value never matches, "ops" still does.
        ctx = context(absent=["aws:username"])
        values = ["ops", "${aws:username}"]
        assert check("StringLike", values, "ops", extra=ctx) is T
        assert check("StringEquals", values, "ops", extra=ctx) is T
        assert check("StringLike", values, "dev", extra=ctx) is F
        assert check("ForAnyValue:StringLike", values, ["dev", "ops"], extra=ctx) is T
        assert check("ForAllValues:StringLike", values, ["ops", "ops"], extra=ctx) is T
        assert check("ForAllValues:StringLike", values, ["ops", "dev"], extra=ctx) is F
        assert check("StringLikeIfExists", values, "ops", extra=ctx) is T

    def test_a_negated_operator_fails_on_an_unresolvable_value(self) -> None:
        # Every comparison with the value fails, so "matches none of them" cannot hold.
        ctx = context(absent=["aws:username"])
        values = ["ops", "${aws:username}"]
        assert check("StringNotLike", values, "dev", extra=ctx) is F
        assert check("StringNotLike", values, "ops", extra=ctx) is F
        assert check("ForAllValues:StringNotEquals", values, ["dev"], extra=ctx) is F
        # ... while an absent request key still decides before any comparison.
        assert check("StringNotLike", values, ABSENT, extra=ctx) is T
        assert check("ForAllValues:StringNotEquals", values, ABSENT, extra=ctx) is T

    def test_an_unknown_variable_leaves_what_other_values_decide(self) -> None:
        values = ["ops", "${aws:PrincipalTag/team}"]
        assert check("StringEquals", values, "ops") is T
        assert check("StringEquals", values, "dev") is U
        assert check("StringNotEquals", values, "ops") is F
        assert check("StringNotEquals", values, "dev") is U
        assert check("ForAllValues:StringEquals", values, ["ops", "dev"]) is U

    def test_a_deny_with_an_unresolvable_value_still_denies(self) -> None:
        condition = {"StringLike": {"aws:PrincipalTag/team": ["ops", "${aws:username}"]}}
        deny = identity(statement("Deny", "s3:GetObject", "*", Condition=condition))
        ctx = context(absent=["aws:username"], **{"aws_PrincipalTag/team": "ops"})
        assert evaluate_policy(deny, request(ctx=ctx)).deny is T

    def test_default_value_applies_when_absent(self) -> None:
        ctx = context(absent=["aws:PrincipalTag/team"])
        assert check("StringEquals", "${aws:PrincipalTag/team, 'none'}", "none", extra=ctx) is T
        present = context(**{"aws_PrincipalTag/team": "ml"})
        assert check("StringEquals", "${aws:PrincipalTag/team, 'none'}", "ml", extra=present) is T

    def test_only_version_2012_10_17_substitutes(self) -> None:
        ctx = context(aws_username="alice")
        assert check("StringEquals", "${aws:username}", "alice", extra=ctx, variables=False) is F
        assert (
            check("StringEquals", "${aws:username}", "${aws:username}", extra=ctx, variables=False)
            is T
        )

    def test_numeric_operators_take_no_variables(self) -> None:
        ctx = context(test_Limit="5")
        assert check("NumericEquals", "${test:Limit}", "5", extra=ctx) is F

    def test_policy_version_decides_through_evaluate(self) -> None:
        ctx = context(aws_username="alice")
        doc = statement("Allow", "s3:GetObject", "arn:aws:s3:::b/${aws:username}/*")
        new = identity(doc)
        req = request(resource="arn:aws:s3:::b/alice/x", ctx=ctx)
        assert evaluate_policy(new, req).allow is T
        from policy_builders import policy

        from checker.policy import PolicyType

        old = policy(PolicyType.IDENTITY, doc, version="2008-10-17")
        assert evaluate_policy(old, req).allow is F
        unversioned = policy(PolicyType.IDENTITY, doc, version=None)
        assert evaluate_policy(unversioned, req).allow is F


class TestResourceVariables:
    """Variables in Resource / NotResource are substituted only after the fifth colon."""

    GROUP = "arn:aws:sagemaker:us-east-1:222222222222:model-package-group/g"
    HEAD = "arn:aws:sagemaker:us-east-1:${aws:PrincipalAccount}:*"

    def req(self, resource: str = GROUP) -> Request:
        return request(
            action="sagemaker:CreateModelPackage",
            resource=resource,
            ctx=context(aws_PrincipalAccount="222222222222", aws_username="alice"),
        )

    def test_not_substituted_in_the_account(self) -> None:
        allow = identity(statement("Allow", "sagemaker:*", self.HEAD))
        assert evaluate_policy(allow, self.req()).allow is F
        deny = identity(statement("Deny", "sagemaker:*", self.HEAD))
        assert evaluate_policy(deny, self.req()).deny is F

    def test_not_substituted_in_partition_service_or_region(self) -> None:
        for pattern in (
            "arn:${aws:username}:sagemaker:us-east-1:222222222222:*",
            "arn:aws:${aws:username}:us-east-1:222222222222:*",
            "arn:aws:sagemaker:${aws:username}:222222222222:*",
        ):
            allow = identity(statement("Allow", "sagemaker:*", pattern))
            assert evaluate_policy(allow, self.req()).allow is F

    def test_a_head_variable_in_not_resource_excludes_nothing(self) -> None:
        deny = identity(statement("Deny", "sagemaker:*", None, NotResource=self.HEAD))
        assert evaluate_policy(deny, self.req()).deny is T

    def test_substituted_in_the_resource_part(self) -> None:
        pattern = "arn:aws:sagemaker:us-east-1:222222222222:model-package-group/${aws:username}"
        allow = identity(statement("Allow", "sagemaker:*", pattern))
        alices = self.GROUP.replace("/g", "/alice")
        assert evaluate_policy(allow, self.req(alices)).allow is T
        assert evaluate_policy(allow, self.req()).allow is F


def test_several_keys_and_operators_are_anded() -> None:
    conditions = {
        "StringEquals": {"aws:PrincipalAccount": "1", "aws:SourceVpce": "v"},
        "Bool": {"aws:SecureTransport": "true"},
    }
    policy = identity(statement("Allow", "s3:*", "*", Condition=conditions))
    good = context(aws_PrincipalAccount="1", aws_SourceVpce="v", aws_SecureTransport="true")
    assert evaluate_policy(policy, request(ctx=good)).allow is T
    for key, wrong in [
        ("aws_PrincipalAccount", "2"),
        ("aws_SourceVpce", "w"),
        ("aws_SecureTransport", "false"),
    ]:
        values = {"aws_PrincipalAccount": "1", "aws_SourceVpce": "v", "aws_SecureTransport": "true"}
        values[key] = wrong
        assert evaluate_policy(policy, request(ctx=context(**values))).allow is F
    # One condition false decides even when another key is unknown.
    partial = context(aws_PrincipalAccount="2", aws_SecureTransport="true")
    evaluation = evaluate_policy(policy, request(ctx=partial))
    assert evaluation.allow is F and evaluation.unknown_keys == ()


# An ARN operator compares the six colon-delimited parts one by one; a pattern with fewer
# parts has no documented alignment. The whole-string reading (where ``?`` or ``*`` may match
# a ``:``) is the widest: a value it matches is only possibly matched, one it misses is not.
ROLE = "arn:aws:iam::111111111111:role/Deploy"


@pytest.mark.parametrize(
    ("operator", "pattern", "expected"),
    [
        ("ArnLike", "arn:aws:iam:?111111111111:role/Deploy", U),  # was T: `?` took the `:`
        ("ArnEquals", "arn:aws:iam:*:role/Deploy", U),
        ("ArnNotLike", "arn:aws:iam:?111111111111:role/Deploy", U),  # was F: a Deny's exception
        ("ArnLike", "arn:aws:iam:?222222222222:role/Deploy", F),  # misses in every reading
        ("ArnNotLike", "arn:aws:iam:?222222222222:role/Deploy", T),
        ("ArnLike", "arn:aws:iam::111111111111:role/*", T),  # six parts: decided as before
        ("ArnLike", "arn:aws:iam::*:role/Deploy", T),
        ("ArnNotLike", "arn:aws:iam::*:role/Deploy", F),
        ("ArnLike", "*", T),
    ],
)
def test_an_arn_pattern_of_fewer_than_six_parts_is_never_a_sure_match(
    operator: str, pattern: str, expected: Tri
) -> None:
    assert check(operator, pattern, ROLE, key="aws:PrincipalArn") == expected


def test_a_short_arn_pattern_with_a_variable_is_never_a_sure_match() -> None:
    extra = RequestContext({"aws:principalaccount": ("111111111111",)})
    pattern = "arn:aws:iam:?${aws:PrincipalAccount}:role/Deploy"
    assert check("ArnLike", pattern, ROLE, key="aws:PrincipalArn", extra=extra) == U
    assert check("ArnLike", [pattern, ROLE], ROLE, key="aws:PrincipalArn", extra=extra) == T


def test_an_allow_on_a_short_arn_condition_grants_nothing_for_sure() -> None:
    condition = {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam:?111111111111:role/Deploy"}}
    policy = identity(statement("Allow", "s3:GetObject", "*", Condition=condition))
    ctx = context(aws_PrincipalArn=ROLE)
    assert evaluate_policy(policy, request(ROLE, "s3:GetObject", ctx=ctx)).allow is U
