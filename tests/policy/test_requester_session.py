"""A requester whose ARN lacks its account keeps its session when the account is filled in."""

from __future__ import annotations

from policy_builders import BUCKET, OBJECT, SESSION_R, R, T, policy, request, statement

from checker.policy import PolicyType, Tri, evaluate_policy
from checker.policy.context import request_context
from checker.policy.evaluate import requester_of
from checker.policy.principals import PrincipalKind

SESSION_WITHOUT_ACCOUNT = "arn:aws:sts:::assumed-role/Deployer/run-1"


def test_filling_in_the_account_keeps_the_session() -> None:
    requester = requester_of(request(principal=SESSION_WITHOUT_ACCOUNT), R)
    assert requester.kind is PrincipalKind.SESSION
    assert (requester.account, requester.name, requester.session) == (R, "Deployer", "run-1")


def test_a_statement_naming_the_session_matches_it() -> None:
    bucket_policy = policy(
        PolicyType.BUCKET,
        statement("Allow", "s3:GetObject", f"{BUCKET}/*", Principal={"AWS": SESSION_R}),
        attached_to=BUCKET,
    )
    req = request(principal=SESSION_WITHOUT_ACCOUNT, resource=OBJECT)
    evaluation = evaluate_policy(bucket_policy, req, principal_account=R)
    assert evaluation.allow is Tri.TRUE
    assert evaluation.allows[0].exact


def test_the_same_account_less_arn_is_decided_per_account() -> None:
    """The statement's principal match is cached per requester: two questions with the same
    account-less ARN but different accounts must not share the first one's match."""
    bucket_policy = policy(
        PolicyType.BUCKET,
        statement("Allow", "s3:GetObject", f"{BUCKET}/*", Principal={"AWS": SESSION_R}),
        attached_to=BUCKET,
    )
    req = request(principal=SESSION_WITHOUT_ACCOUNT, resource=OBJECT)
    assert evaluate_policy(bucket_policy, req, principal_account=R).allow is Tri.TRUE
    assert evaluate_policy(bucket_policy, req, principal_account=T).allow is not Tri.TRUE


class TestPrincipalArnOfASessionWithoutItsRole:
    """A session's aws:PrincipalArn is its role's ARN, whose path the session ARN drops: a
    condition that does not depend on the path is decided, one that does stays unknown."""

    SESSION = "arn:aws:sts::222222222222:assumed-role/Registrar/pipeline-run"

    def decide(self, operator: str, values: str | list[str]) -> Tri:
        condition = {operator: {"aws:PrincipalArn": values}}
        deny = policy(
            PolicyType.IDENTITY, statement("Deny", "s3:GetObject", "*", Condition=condition)
        )
        ctx = request_context(self.SESSION, resource_account=T)
        return evaluate_policy(deny, request(principal=self.SESSION, ctx=ctx)).deny

    def test_a_guard_that_names_the_role_with_any_path_is_decided(self) -> None:
        assert self.decide("StringNotLike", "arn:aws:iam::*:role/*Registrar") is Tri.FALSE
        assert self.decide("ArnNotLike", "arn:aws:iam::222222222222:role/*") is Tri.FALSE
        assert self.decide("ArnNotLike", "arn:aws:iam::111111111111:role/*") is Tri.TRUE
        assert self.decide("StringNotLike", ["arn:aws:iam::*:role/Other", "x"]) is Tri.TRUE
        assert self.decide("StringLike", "arn:aws:iam::*:role/*") is Tri.TRUE
        assert self.decide("StringEquals", "arn:aws:iam::222222222222:role/Other") is Tri.FALSE
        assert self.decide("Null", "false") is Tri.TRUE

    def test_a_guard_that_depends_on_the_path_stays_unknown(self) -> None:
        assert self.decide("StringNotLike", "arn:aws:iam::*:role/Registrar") is Tri.UNKNOWN
        assert self.decide("ArnEquals", "arn:aws:iam::222222222222:role/Registrar") is Tri.UNKNOWN
        assert self.decide("StringEquals", "arn:aws:iam::222222222222:role/Registrar") is (
            Tri.UNKNOWN
        )
        assert self.decide("StringLike", "arn:aws:iam::*:role/team/*") is Tri.UNKNOWN

    def test_the_role_arn_decides_when_known(self) -> None:
        ctx = request_context(
            self.SESSION,
            resource_account=T,
            role_arn="arn:aws:iam::222222222222:role/Registrar",
        )
        condition = {"StringNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Registrar"}}
        deny = policy(
            PolicyType.IDENTITY, statement("Deny", "s3:GetObject", "*", Condition=condition)
        )
        assert evaluate_policy(deny, request(principal=self.SESSION, ctx=ctx)).deny is Tri.FALSE
