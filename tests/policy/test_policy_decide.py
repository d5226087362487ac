"""decide_access: how identity, resource and organization policies combine."""

from __future__ import annotations

from typing import Any

from policy_builders import (
    BUCKET,
    OBJECT,
    ROLE_R,
    SESSION_R,
    R,
    T,
    allow_all_identity,
    context,
    identity,
    policy,
    question,
    request,
    statement,
)

from checker.policy import AccessDecision, AccessQuestion, Decision, Evidence, Policy, PolicyType
from checker.policy import decide_access as decide

ALLOWED = Decision.ALLOWED
IMPLICIT = Decision.IMPLICIT_DENY
EXPLICIT = Decision.EXPLICIT_DENY
UNKNOWN = Decision.UNKNOWN
UNVERIFIED = Decision.UNVERIFIED
NA = Decision.NOT_APPLICABLE

ROLE_T2 = f"arn:aws:iam::{T}:role/Reader"


def bucket(*statements: dict[str, object]) -> Policy:
    return policy(PolicyType.BUCKET, *statements, source="policies/bucket.json", attached_to=BUCKET)


def bucket_for(
    principal: object,
    action: str | list[str] = "s3:GetObject",
    resource: str = f"{BUCKET}/*",
    sid: str = "AddPerm",
) -> Policy:
    return bucket(statement("Allow", action, resource, Sid=sid, Principal=principal))


def s3_identity(action: str = "s3:GetObject", resource: str = f"{BUCKET}/*") -> Policy:
    return identity(
        statement("Allow", action, resource, Sid="ReadModel"), source="policies/deployer.json"
    )


class TestCrossAccount:
    def test_both_sides_allow(self) -> None:
        result = decide(
            question(
                request(), resource_policy=bucket_for({"AWS": R}), identity_policies=[s3_identity()]
            )
        )
        assert result.decision is ALLOWED
        assert result.resource_policy.decision is ALLOWED
        assert result.identity_policy.decision is ALLOWED
        assert result.organization.decision is NA
        assert set(result.evidence) == {
            Evidence("policies/bucket.json", "AddPerm"),
            Evidence("policies/deployer.json", "ReadModel"),
        }
        assert "s3:GetObject" in result.because and OBJECT in result.because

    def test_account_root_in_the_resource_policy_suffices_across_accounts(self) -> None:
        result = decide(
            question(
                request(), resource_policy=bucket_for({"AWS": R}), identity_policies=[s3_identity()]
            )
        )
        assert result.decision is ALLOWED
        assert f"allows account {R} s3:GetObject" in result.resource_policy.reason

    def test_resource_policy_alone_is_not_enough(self) -> None:
        result = decide(
            question(request(), resource_policy=bucket_for({"AWS": ROLE_R}), identity_policies=[])
        )
        assert result.decision is IMPLICIT
        assert result.identity_policy.decision is IMPLICIT
        assert result.because.startswith(
            f"no identity policy of {ROLE_R} allows s3:GetObject on {OBJECT}"
        )

    def test_identity_policy_alone_is_not_enough(self) -> None:
        result = decide(
            question(request(), resource_policy=None, identity_policies=[allow_all_identity()])
        )
        assert result.decision is IMPLICIT
        assert result.resource_policy.decision is IMPLICIT
        assert OBJECT in result.because

    def test_the_seed_bucket_policy_misses_get_bucket_acl(self) -> None:
        # The report format's own example, word for word.
        result = decide(
            question(
                request(action="s3:GetBucketAcl", resource=BUCKET),
                resource_policy=bucket_for({"AWS": R}, action=["s3:GetObject", "s3:GetBucketAcl"]),
                identity_policies=[allow_all_identity()],
            )
        )
        assert result.decision is IMPLICIT
        assert result.because == (
            "no statement of the bucket policy allows s3:GetBucketAcl on arn:aws:s3:::my-bucket "
            "(statement AddPerm lists only arn:aws:s3:::my-bucket/*)"
        )
        assert result.evidence == (Evidence("policies/bucket.json", "AddPerm"),)

    def test_hint_names_the_missing_action(self) -> None:
        result = decide(
            question(
                request(action="s3:GetObjectAcl"),
                resource_policy=bucket_for({"AWS": R}),
                identity_policies=[allow_all_identity()],
            )
        )
        assert result.decision is IMPLICIT
        assert "(statement AddPerm allows only s3:GetObject)" in result.because

    def test_hint_names_the_missing_principal(self) -> None:
        result = decide(
            question(
                request(),
                resource_policy=bucket_for({"AWS": f"arn:aws:iam::{R}:role/Other"}),
                identity_policies=[allow_all_identity()],
            )
        )
        assert f"(statement AddPerm names only arn:aws:iam::{R}:role/Other)" in result.because

    def test_hint_names_the_failing_condition(self) -> None:
        doc = bucket(
            statement(
                "Allow",
                "s3:GetObject",
                f"{BUCKET}/*",
                Sid="OrgOnly",
                Principal="*",
                Condition={"StringEquals": {"aws:PrincipalOrgID": "o-1"}},
            )
        )
        result = decide(
            question(
                request(ctx=context(aws_PrincipalOrgID="o-2")),
                resource_policy=doc,
                identity_policies=[allow_all_identity()],
            )
        )
        assert result.decision is IMPLICIT
        assert "statement OrgOnly requires StringEquals aws:PrincipalOrgID" in result.because


class TestSameAccount:
    def same(self, **kwargs: Any) -> AccessQuestion:
        return question(request(ROLE_T2), resource_account=T, principal_account=T, **kwargs)

    def test_identity_alone_suffices(self) -> None:
        result = decide(self.same(resource_policy=None, identity_policies=[s3_identity()]))
        assert result.decision is ALLOWED
        assert result.resource_policy.decision is IMPLICIT

    def test_resource_policy_naming_the_role_suffices(self) -> None:
        result = decide(
            self.same(resource_policy=bucket_for({"AWS": ROLE_T2}), identity_policies=[])
        )
        assert result.decision is ALLOWED
        assert result.evidence == (Evidence("policies/bucket.json", "AddPerm"),)

    def test_resource_policy_naming_only_the_root_delegates_to_iam(self) -> None:
        result = decide(self.same(resource_policy=bucket_for({"AWS": T}), identity_policies=[]))
        assert result.decision is IMPLICIT
        assert "names only the account root, which delegates to IAM" in result.because
        with_identity = decide(
            self.same(resource_policy=bucket_for({"AWS": T}), identity_policies=[s3_identity()])
        )
        assert with_identity.decision is ALLOWED

    def test_neither_allows(self) -> None:
        result = decide(self.same(resource_policy=bucket_for({"AWS": R}), identity_policies=[]))
        assert result.decision is IMPLICIT
        assert result.because.startswith(
            f"neither an identity policy of {ROLE_T2} nor the bucket policy allows"
        )

    def test_wildcard_principal_counts_as_naming_the_requester(self) -> None:
        result = decide(self.same(resource_policy=bucket_for("*"), identity_policies=[]))
        assert result.decision is ALLOWED


class TestExplicitDeny:
    def base(self, **kwargs: Any) -> AccessQuestion:
        values: dict[str, Any] = {
            "resource_policy": bucket_for({"AWS": R}),
            "identity_policies": [allow_all_identity()],
        }
        values.update(kwargs)
        return question(request(), **values)

    def deny_policy(self, kind: PolicyType, source: str) -> Policy:
        extra = {"Principal": "*"} if kind in (PolicyType.BUCKET, PolicyType.RCP) else {}
        return policy(kind, statement("Deny", "s3:*", "*", Sid="NoS3", **extra), source=source)

    def test_identity_deny_wins(self) -> None:
        deny = self.deny_policy(PolicyType.IDENTITY, "deny.json")
        result = decide(self.base(identity_policies=[allow_all_identity(), deny]))
        assert result.decision is EXPLICIT
        assert result.identity_policy.decision is EXPLICIT
        assert result.evidence == (Evidence("deny.json", "NoS3"),)
        expected = "statement NoS3 of identity policy deny.json explicitly denies s3:GetObject"
        assert result.because == f"{expected} on {OBJECT}"

    def test_resource_deny_wins(self) -> None:
        doc = bucket(
            statement("Allow", "s3:*", "*", Principal={"AWS": R}),
            statement("Deny", "s3:GetObject", f"{BUCKET}/*", Sid="Lock", Principal="*"),
        )
        result = decide(self.base(resource_policy=doc))
        assert result.decision is EXPLICIT
        assert result.resource_policy.decision is EXPLICIT
        assert "statement Lock of the bucket policy explicitly denies" in result.because

    def test_boundary_deny_wins(self) -> None:
        boundary = policy(
            PolicyType.BOUNDARY,
            statement("Allow", "*", "*"),
            statement("Deny", "s3:*", "*", Sid="B"),
        )
        result = decide(self.base(boundary=boundary))
        assert result.decision is EXPLICIT
        assert "statement B of the permissions boundary" in result.because

    def test_scp_deny_wins(self) -> None:
        full = policy(PolicyType.SCP, statement("Allow", "*", "*"), source="FullAWSAccess")
        deny = self.deny_policy(PolicyType.SCP, "scp-deny.json")
        result = decide(self.base(scps=[[full], [full, deny]]))
        assert result.decision is EXPLICIT
        assert result.organization.decision is EXPLICIT
        assert "SCP scp-deny.json" in result.because

    def test_rcp_deny_wins(self) -> None:
        deny = self.deny_policy(PolicyType.RCP, "rcp.json")
        full = policy(
            PolicyType.RCP, statement("Allow", "*", "*", Principal="*"), source="RCPFullAWSAccess"
        )
        result = decide(self.base(rcps=[[full, deny]]))
        assert result.decision is EXPLICIT
        assert "RCP rcp.json" in result.because

    def test_deny_wins_even_with_an_unverified_identity_side(self) -> None:
        doc = bucket(
            statement("Allow", "s3:*", "*", Principal={"AWS": R}),
            statement("Deny", "s3:*", "*", Principal="*"),
        )
        result = decide(self.base(resource_policy=doc, identity_policies=None))
        assert result.decision is EXPLICIT

    def test_a_deny_that_may_apply_makes_the_allow_unknown(self) -> None:
        doc = bucket(
            statement("Allow", "s3:*", "*", Principal={"AWS": R}),
            statement(
                "Deny",
                "s3:*",
                "*",
                Sid="VpceOnly",
                Principal="*",
                Condition={"StringNotEquals": {"aws:SourceVpce": "vpce-1"}},
            ),
        )
        result = decide(self.base(resource_policy=doc))
        assert result.decision is UNKNOWN
        assert result.unknown_keys == ("aws:sourcevpce",)
        assert "aws:sourcevpce" in result.because
        assert Evidence("policies/bucket.json", "VpceOnly") in result.evidence
        # With the key known the answer is certain either way.
        inside = decide(
            question(
                request(ctx=context(aws_SourceVpce="vpce-1")),
                resource_policy=doc,
                identity_policies=[allow_all_identity()],
            )
        )
        outside = decide(
            question(
                request(ctx=context(aws_SourceVpce="vpce-9")),
                resource_policy=doc,
                identity_policies=[allow_all_identity()],
            )
        )
        assert (inside.decision, outside.decision) == (ALLOWED, EXPLICIT)

    def test_a_deny_that_may_apply_does_not_soften_a_denial(self) -> None:
        maybe = identity(
            statement("Deny", "s3:*", "*", Condition={"Bool": {"aws:ViaAWSService": "true"}})
        )
        result = decide(
            question(
                request(), resource_policy=None, identity_policies=[allow_all_identity(), maybe]
            )
        )
        assert result.decision is IMPLICIT


class TestBoundary:
    def boundary(self, action: str = "ecr:*") -> Policy:
        return policy(PolicyType.BOUNDARY, statement("Allow", action, "*"), source="boundary.json")

    def test_boundary_caps_identity_allow(self) -> None:
        result = decide(
            question(
                request(),
                resource_policy=bucket_for({"AWS": R}),
                identity_policies=[allow_all_identity()],
                boundary=self.boundary(),
            )
        )
        assert result.decision is IMPLICIT
        assert result.identity_policy.decision is IMPLICIT
        assert result.because.startswith(
            f"the permissions boundary does not allow s3:GetObject on {OBJECT}"
        )

    def test_boundary_that_allows_lets_identity_through(self) -> None:
        result = decide(
            question(
                request(),
                resource_policy=bucket_for({"AWS": R}),
                identity_policies=[allow_all_identity()],
                boundary=self.boundary("s3:*"),
            )
        )
        assert result.decision is ALLOWED

    def same(self, principal: str, resource_principal: str) -> AccessQuestion:
        return question(
            request(principal),
            resource_account=R,
            principal_account=R,
            resource_policy=bucket_for({"AWS": resource_principal}),
            identity_policies=[],
            boundary=self.boundary(),
        )

    def test_same_account_grant_to_the_session_arn_is_not_capped(self) -> None:
        assert decide(self.same(SESSION_R, SESSION_R)).decision is ALLOWED

    def test_same_account_grant_to_a_user_arn_is_not_capped(self) -> None:
        alice = f"arn:aws:iam::{R}:user/alice"
        assert decide(self.same(alice, alice)).decision is ALLOWED

    def test_same_account_grant_to_the_role_arn_is_capped(self) -> None:
        assert decide(self.same(SESSION_R, ROLE_R)).decision is IMPLICIT
        assert decide(self.same(ROLE_R, ROLE_R)).decision is IMPLICIT

    def test_same_account_grant_without_boundary_is_not_capped(self) -> None:
        q = question(
            request(SESSION_R),
            resource_account=R,
            principal_account=R,
            resource_policy=bucket_for({"AWS": ROLE_R}),
            identity_policies=[],
        )
        assert decide(q).decision is ALLOWED


class TestOrganization:
    full_scp = policy(PolicyType.SCP, statement("Allow", "*", "*"), source="FullAWSAccess")
    ecr_only = policy(PolicyType.SCP, statement("Allow", "ecr:*", "*"), source="ecr-only.json")

    def decide_with(self, **kwargs: Any) -> AccessDecision:
        return decide(
            question(
                request(),
                resource_policy=bucket_for({"AWS": R}),
                identity_policies=[allow_all_identity()],
                **kwargs,
            )
        )

    def test_every_level_must_allow(self) -> None:
        allowed = self.decide_with(scps=[[self.full_scp], [self.full_scp]])
        assert allowed.decision is ALLOWED
        assert allowed.organization.decision is ALLOWED
        denied = self.decide_with(scps=[[self.full_scp], [self.ecr_only]])
        assert denied.decision is IMPLICIT
        assert denied.because.startswith(
            "no SCP at level 1 of the organization (ecr-only.json) allows"
        )

    def test_unreadable_organization_policies_make_a_would_be_allow_unknown(self) -> None:
        from checker.records import replace

        base = question(
            request(),
            resource_policy=bucket_for({"AWS": R}),
            identity_policies=[allow_all_identity()],
        )
        assert decide(base).decision is ALLOWED
        reason = "organizations:ListPoliciesForTarget denied: AccessDenied"
        result = decide(replace(base, organization_unknown=reason))
        assert result.decision is UNKNOWN
        assert result.organization.decision is UNKNOWN
        assert reason in result.because

    def test_a_known_scp_deny_still_wins_when_other_levels_are_unreadable(self) -> None:
        from checker.records import replace

        deny = policy(PolicyType.SCP, statement("Deny", "s3:*", "*"), source="deny-s3.json")
        base = question(
            request(),
            resource_policy=bucket_for({"AWS": R}),
            identity_policies=[allow_all_identity()],
            scps=[[self.full_scp, deny]],
        )
        result = decide(replace(base, organization_unknown="root SCPs unreadable"))
        assert result.decision is EXPLICIT

    def test_one_allowing_policy_per_level_suffices(self) -> None:
        result = self.decide_with(scps=[[self.ecr_only, self.full_scp]])
        assert result.decision is ALLOWED

    def test_an_empty_level_allows_nothing(self) -> None:
        assert self.decide_with(scps=[[]]).decision is IMPLICIT

    def test_scps_never_grant(self) -> None:
        result = decide(
            question(request(), resource_policy=None, identity_policies=[], scps=[[self.full_scp]])
        )
        assert result.decision is IMPLICIT

    def test_rcps_only_deny_a_level_without_an_allow_passes(self) -> None:
        """RCPFullAWSAccess sits at every level and cannot be detached, so a level whose
        given RCPs hold only Denies (or an Allow of something else) refuses nothing."""
        rcp_full = policy(
            PolicyType.RCP, statement("Allow", "*", "*", Principal="*"), source="RCPFullAWSAccess"
        )
        rcp_narrow = policy(
            PolicyType.RCP, statement("Allow", "kms:*", "*", Principal="*"), source="rcp.json"
        )
        deny_kms = policy(
            PolicyType.RCP,
            statement("Deny", "kms:*", "*", Principal="*", Sid="NoKms"),
            source="deny-kms.json",
        )
        assert self.decide_with(rcps=[[rcp_full]]).decision is ALLOWED
        passed = self.decide_with(rcps=[[rcp_full], [rcp_narrow], [deny_kms], []])
        assert passed.decision is ALLOWED
        assert passed.organization.decision is ALLOWED
        assert "no RCP denies s3:GetObject" in passed.organization.reason

    def test_an_rcp_deny_still_wins(self) -> None:
        deny_s3 = policy(
            PolicyType.RCP,
            statement("Deny", "s3:*", "*", Principal="*", Sid="NoS3"),
            source="deny-s3.json",
        )
        denied = self.decide_with(rcps=[[deny_s3]])
        assert denied.decision is EXPLICIT
        assert "NoS3" in denied.because

    def test_rcp_condition_on_org_id(self) -> None:
        deny_outside = policy(
            PolicyType.RCP,
            statement("Allow", "*", "*", Principal="*"),
            statement(
                "Deny",
                "s3:*",
                "*",
                Sid="EnforceOrg",
                Principal="*",
                Condition={"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-1"}},
            ),
            source="rcp.json",
        )
        unknown = self.decide_with(rcps=[[deny_outside]])
        assert unknown.decision is UNKNOWN
        assert unknown.unknown_keys == ("aws:principalorgid",)
        inside = decide(
            question(
                request(ctx=context(aws_PrincipalOrgID="o-1")),
                resource_policy=bucket_for({"AWS": R}),
                identity_policies=[allow_all_identity()],
                rcps=[[deny_outside]],
            )
        )
        assert inside.decision is ALLOWED


class TestResourceSide:
    def test_not_applicable_leaves_identity_alone(self) -> None:
        req = request(action="ecr:GetAuthorizationToken", resource="*")
        allowed = decide(
            question(
                req,
                resource_side_applies=False,
                identity_policies=[identity(statement("Allow", "ecr:GetAuthorizationToken", "*"))],
            )
        )
        assert allowed.decision is ALLOWED
        assert allowed.resource_policy.decision is NA
        denied = decide(
            question(req, resource_side_applies=False, identity_policies=[s3_identity()])
        )
        assert denied.decision is IMPLICIT
        assert denied.because.startswith(
            f"no identity policy of {ROLE_R} allows ecr:GetAuthorizationToken on *"
        )

    def test_undescribed_resource_is_unknown(self) -> None:
        result = decide(
            question(
                request(), resource_state_known=False, identity_policies=[allow_all_identity()]
            )
        )
        assert result.decision is UNKNOWN
        assert result.resource_policy.decision is UNKNOWN
        assert result.because == f"the plan does not describe {OBJECT}"

    def test_undescribed_resource_may_deny_even_in_the_same_account(self) -> None:
        q = question(
            request(ROLE_T2),
            resource_account=T,
            principal_account=T,
            resource_state_known=False,
            identity_policies=[allow_all_identity()],
        )
        assert decide(q).decision is UNKNOWN


class TestUnverifiedIdentity:
    def test_cross_account_resource_allows(self) -> None:
        result = decide(
            question(request(), resource_policy=bucket_for({"AWS": R}), identity_policies=None)
        )
        assert result.decision is ALLOWED
        assert result.identity_policy.decision is UNVERIFIED
        assert "not given" in result.because

    def test_strict_turns_it_unknown(self) -> None:
        result = decide(
            question(request(), resource_policy=bucket_for({"AWS": R}), identity_policies=None),
            strict=True,
        )
        assert result.decision is UNKNOWN
        assert "strict" in result.because

    def test_strict_does_not_touch_verified_decisions(self) -> None:
        q = question(
            request(), resource_policy=bucket_for({"AWS": R}), identity_policies=[s3_identity()]
        )
        assert decide(q, strict=True).decision is ALLOWED

    def test_cross_account_resource_denies(self) -> None:
        result = decide(question(request(), resource_policy=None, identity_policies=None))
        assert result.decision is IMPLICIT

    def test_identity_alone_would_decide(self) -> None:
        same = question(
            request(ROLE_T2),
            resource_account=T,
            principal_account=T,
            resource_policy=None,
            identity_policies=None,
        )
        assert decide(same).decision is UNVERIFIED
        no_resource = question(
            request(action="ecr:GetAuthorizationToken", resource="*"), resource_side_applies=False
        )
        result = decide(no_resource)
        assert result.decision is UNVERIFIED
        assert result.because.startswith(f"the identity policies of {ROLE_R} are not given")

    def test_same_account_resource_grant_needs_no_identity(self) -> None:
        same = question(
            request(ROLE_T2),
            resource_account=T,
            principal_account=T,
            resource_policy=bucket_for({"AWS": ROLE_T2}),
            identity_policies=None,
        )
        assert decide(same).decision is ALLOWED
        assert decide(same, strict=True).decision is UNKNOWN

    def test_organization_still_caps(self) -> None:
        ecr_only = policy(PolicyType.SCP, statement("Allow", "ecr:*", "*"), source="ecr-only.json")
        q = question(
            request(),
            resource_policy=bucket_for({"AWS": R}),
            identity_policies=None,
            scps=[[ecr_only]],
        )
        assert decide(q).decision is IMPLICIT


def test_every_result_carries_one_line() -> None:
    cases = [
        question(
            request(), resource_policy=bucket_for({"AWS": R}), identity_policies=[s3_identity()]
        ),
        question(request(), resource_policy=None, identity_policies=[]),
        question(request(), resource_state_known=False),
        question(request(), resource_policy=bucket_for({"AWS": R})),
    ]
    for q in cases:
        result = decide(q)
        for text in (
            result.because,
            result.resource_policy.reason,
            result.identity_policy.reason,
            result.organization.reason,
        ):
            assert text and "\n" not in text


def test_deny_with_not_principal_denies_a_principal_with_a_boundary() -> None:
    doc = bucket(
        statement("Allow", "s3:*", "*", Principal={"AWS": R}),
        statement(
            "Deny", "s3:*", "*", Sid="OnlyDeployer", NotPrincipal={"AWS": [SESSION_R, ROLE_R, R]}
        ),
    )
    open_boundary = policy(PolicyType.BOUNDARY, statement("Allow", "*", "*"))
    plain = question(
        request(SESSION_R), resource_policy=doc, identity_policies=[allow_all_identity()]
    )
    bounded = question(
        request(SESSION_R),
        resource_policy=doc,
        identity_policies=[allow_all_identity()],
        boundary=open_boundary,
    )
    assert decide(plain).decision is ALLOWED
    result = decide(bounded)
    assert result.decision is EXPLICIT
    assert "statement OnlyDeployer of the bucket policy explicitly denies" in result.because


def test_boundary_deny_counts_when_identity_policies_are_not_given() -> None:
    boundary = policy(PolicyType.BOUNDARY, statement("Deny", "s3:*", "*", Sid="NoS3"))
    q = question(request(), resource_policy=bucket_for({"AWS": R}), boundary=boundary)
    result = decide(q)
    assert result.decision is EXPLICIT
    assert result.identity_policy.decision is EXPLICIT


def test_a_requester_given_as_an_account_is_some_principal_of_it() -> None:
    root_grant = bucket_for({"AWS": f"arn:aws:iam::{T}:root"})
    role_grant = bucket_for({"AWS": ROLE_T2})
    for principal in (T, f"arn:aws:iam::{T}:root"):
        same = {"resource_account": T, "principal_account": T}
        # Naming the account delegates to its IAM policies, even in the same account.
        delegated = decide(
            question(request(principal), resource_policy=root_grant, identity_policies=[], **same)
        )
        assert delegated.decision is IMPLICIT
        allowed = decide(
            question(
                request(principal),
                resource_policy=root_grant,
                identity_policies=[s3_identity()],
                **same,
            )
        )
        assert allowed.decision is ALLOWED
        # Naming one role of it may or may not be the principal that asks.
        maybe = decide(
            question(request(principal), resource_policy=role_grant, identity_policies=[], **same)
        )
        assert maybe.decision is UNKNOWN
        assert "which one asks is not known" in maybe.because
