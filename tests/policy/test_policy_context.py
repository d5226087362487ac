"""request_context: the keys IAM sets from the principal and the resource's account."""

from __future__ import annotations

from policy_builders import (
    BUCKET,
    ROLE_R,
    SESSION_R,
    R,
    T,
    allow_all_identity,
    identity,
    policy,
    question,
    request,
    statement,
)

from checker.policy import (
    Decision,
    PolicyType,
    Tri,
    decide_access,
    evaluate_policy,
    request_context,
)


def test_role_session_keys() -> None:
    ctx = request_context(SESSION_R, resource_account=T)
    assert ctx.lookup("aws:PrincipalAccount") == (R,)
    assert ctx.lookup("aws:ResourceAccount") == (T,)
    assert ctx.lookup("aws:SecureTransport") == ("true",)
    assert ctx.lookup("aws:PrincipalType") == ("AssumedRole",)
    # A session ARN drops the role path, so its role ARN is unknown unless given.
    assert ctx.lookup("aws:PrincipalArn") is None
    assert ctx.lookup("aws:username") is False
    assert ctx.lookup("aws:PrincipalOrgID") is None
    assert ctx.lookup("aws:SourceVpce") is None


def test_role_arn_given_for_a_session() -> None:
    role = f"arn:aws:iam::{R}:role/team/Deployer"
    ctx = request_context(SESSION_R, resource_account=T, role_arn=role, organization_id="o-1")
    assert ctx.lookup("aws:PrincipalArn") == (role,)
    assert ctx.lookup("aws:PrincipalOrgID") == ("o-1",)


def test_role_and_user_principals() -> None:
    assert request_context(ROLE_R, resource_account=T).lookup("aws:PrincipalArn") == (ROLE_R,)
    alice = f"arn:aws:iam::{R}:user/alice"
    ctx = request_context(alice, resource_account=T)
    assert ctx.lookup("aws:username") == ("alice",)
    assert ctx.lookup("aws:PrincipalType") == ("User",)


def test_an_account_as_requester_knows_only_its_account() -> None:
    ctx = request_context(f"arn:aws:iam::{R}:root", resource_account=T)
    assert ctx.lookup("aws:PrincipalAccount") == (R,)
    assert ctx.lookup("aws:PrincipalArn") is None
    assert ctx.lookup("aws:PrincipalType") is None
    assert ctx.lookup("aws:username") is None


def test_extra_and_absent_keys() -> None:
    ctx = request_context(
        ROLE_R,
        resource_account=T,
        extra={"aws:SourceVpce": "vpce-1", "aws:SecureTransport": "false"},
        absent=frozenset({"aws:PrincipalOrgID"}),
    )
    assert ctx.lookup("aws:sourcevpce") == ("vpce-1",)
    assert ctx.lookup("aws:SecureTransport") == ("false",)
    assert ctx.lookup("aws:PrincipalOrgID") is False


def test_it_decides_the_usual_bucket_conditions() -> None:
    bucket = policy(
        PolicyType.BUCKET,
        statement(
            "Allow",
            "s3:GetObject",
            f"{BUCKET}/*",
            Principal={"AWS": R},
            Condition={
                "Bool": {"aws:SecureTransport": "true"},
                "StringEquals": {"aws:PrincipalAccount": R},
            },
        ),
        statement(
            "Deny", "s3:*", "*", Principal="*", Condition={"Bool": {"aws:SecureTransport": "false"}}
        ),
    )
    ctx = request_context(ROLE_R, resource_account=T)
    assert evaluate_policy(bucket, request(ctx=ctx)).allow is Tri.TRUE
    result = decide_access(
        question(request(ctx=ctx), resource_policy=bucket, identity_policies=[allow_all_identity()])
    )
    assert result.decision is Decision.ALLOWED
    # Without the context both conditions are unknown.
    bare = decide_access(
        question(request(), resource_policy=bucket, identity_policies=[allow_all_identity()])
    )
    assert bare.decision is Decision.UNKNOWN
    assert bare.unknown_keys == ("aws:principalaccount", "aws:securetransport")


def test_username_variable_of_a_role_is_absent() -> None:
    home = identity(statement("Allow", "s3:GetObject", f"{BUCKET}/home/${{aws:username}}/*"))
    ctx = request_context(ROLE_R, resource_account=T)
    assert evaluate_policy(home, request(resource=f"{BUCKET}/home/x/y", ctx=ctx)).allow is Tri.FALSE


# --- keys of other services, and the resource of an action without resource-level permissions


def test_another_services_key_is_absent_from_an_s3_ecr_kms_or_sagemaker_request() -> None:
    for action in (
        "s3:GetObject",
        "ecr:BatchGetImage",
        "kms:Decrypt",
        "sagemaker:CreateModelPackage",
    ):
        ctx = request_context(ROLE_R, resource_account=T, action=action)
        assert ctx.lookup("ec2:Owner") is False, action
        assert ctx.lookup("saml:sub") is False, action
        # Its own service's keys and the global ones stay unknown unless given.
        service = action.split(":")[0]
        assert ctx.lookup(f"{service}:ResourceTag/team") is None
        assert ctx.lookup("aws:SourceVpce") is None
        # A cross-service key can be in a request to any service (IAM User Guide).
        assert ctx.lookup("ec2:SourceInstanceARN") is None
        assert ctx.lookup("lambda:SourceFunctionArn") is None


def test_other_services_keep_foreign_keys_unknown() -> None:
    assert (
        request_context(ROLE_R, resource_account=T, action="sqs:SendMessage").lookup("ec2:Owner")
        is None
    )
    assert request_context(ROLE_R, resource_account=T).lookup("ec2:Owner") is None


def test_a_deny_on_another_services_key_is_decided() -> None:
    """StringNotEqualsIfExists on ec2:Owner (absent: true) ANDed with a key known to differ:
    the Deny applies; with the org key equal it does not, whatever the unknown tag says."""
    deny = policy(
        PolicyType.SCP,
        statement(
            "Deny",
            "*",
            "*",
            Sid="Perimeter",
            Condition={
                "StringNotEqualsIfExists": {
                    "aws:ResourceOrgID": "o-a1b2c3d4e5",
                    "ec2:Owner": "amazon",
                    "aws:PrincipalTag/dp:exclude:resource": "true",
                }
            },
        ),
    )
    outside = request_context(
        ROLE_R,
        resource_account=T,
        action="s3:GetObject",
        absent=frozenset({"aws:ResourceOrgID", "aws:PrincipalTag/dp:exclude:resource"}),
    )
    assert evaluate_policy(deny, request(ctx=outside)).deny is Tri.TRUE
    inside = request_context(
        ROLE_R,
        resource_account=T,
        action="s3:GetObject",
        extra={"aws:ResourceOrgID": "o-a1b2c3d4e5"},
    )
    result = evaluate_policy(deny, request(ctx=inside))
    assert result.deny is Tri.FALSE
    assert result.unknown_keys == ()


def test_an_unknown_owner_leaves_the_resource_account_unknown() -> None:
    assert request_context(ROLE_R, resource_account="").lookup("aws:ResourceAccount") is None


def test_a_deny_of_named_arns_does_not_reach_an_action_without_resources() -> None:
    """ecr:GetAuthorizationToken is asked on "*": IAM compares the text "*", so a Deny of some
    bucket's objects does not apply, a Deny with NotResource of ARNs does, and an Allow needs
    a Resource that names "*"."""
    token = request(action="ecr:GetAuthorizationToken", resource="*")
    named = policy(PolicyType.SCP, statement("Deny", "*", "arn:aws:s3:::partner/*"))
    assert evaluate_policy(named, token).deny is Tri.FALSE
    not_resource = policy(
        PolicyType.SCP, statement("Deny", "*", None, NotResource=["arn:aws:s3:::partner/*"])
    )
    assert evaluate_policy(not_resource, token).deny is Tri.TRUE
    ecr_only = identity(statement("Allow", "ecr:*", "arn:aws:ecr:*:*:repository/*"))
    assert evaluate_policy(ecr_only, token).allow is Tri.FALSE
    assert evaluate_policy(identity(statement("Allow", "ecr:*", "*")), token).allow is Tri.TRUE
