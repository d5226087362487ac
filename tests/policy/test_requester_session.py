"""A requester whose ARN lacks its account keeps its session when the account is filled in."""

from __future__ import annotations

from policy_builders import BUCKET, OBJECT, SESSION_R, R, T, policy, request, statement

from checker.policy import PolicyType, Tri, evaluate_policy
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
