"""evaluate_policy: which statements allow and deny, by action, resource and policy type."""

from __future__ import annotations

from policy_builders import (
    BUCKET,
    KEY,
    OBJECT,
    REPO,
    ROLE_R,
    R,
    context,
    identity,
    policy,
    request,
    statement,
)

from checker.policy import PolicyType, Tri, evaluate_policy

T_, F_, U_ = Tri.TRUE, Tri.FALSE, Tri.UNKNOWN
GROUP_VERSIONS = "arn:aws:sagemaker:us-east-1:222222222222:model-package/grp/*"


def test_allow_and_deny_are_reported_separately() -> None:
    doc = identity(
        statement("Allow", "s3:*", "*", Sid="All"),
        statement("Deny", "s3:GetObject", OBJECT, Sid="NoModel"),
        statement("Allow", "ecr:*", "*", Sid="Ecr"),
    )
    evaluation = evaluate_policy(doc, request())
    assert (evaluation.allow, evaluation.deny) == (T_, T_)
    assert [o.statement.sid for o in evaluation.allows] == ["All"]
    assert [o.statement.sid for o in evaluation.denies] == ["NoModel"]


def test_not_action_matches_everything_else() -> None:
    doc = identity({"Effect": "Allow", "NotAction": "s3:Delete*", "Resource": "*"})
    assert evaluate_policy(doc, request(action="s3:GetObject")).allow is T_
    assert evaluate_policy(doc, request(action="s3:DeleteObject")).allow is F_
    assert evaluate_policy(doc, request(action="S3:deleteobject")).allow is F_


def test_action_case_does_not_matter() -> None:
    doc = identity(statement("Allow", "S3:getObject", OBJECT))
    assert evaluate_policy(doc, request(action="s3:GETOBJECT")).allow is T_


def test_object_pattern_does_not_grant_the_bucket() -> None:
    doc = identity(statement("Allow", ["s3:GetObject", "s3:GetBucketAcl"], f"{BUCKET}/*"))
    assert evaluate_policy(doc, request(action="s3:GetObject", resource=OBJECT)).allow is T_
    assert evaluate_policy(doc, request(action="s3:GetBucketAcl", resource=BUCKET)).allow is F_


def test_not_resource() -> None:
    allow = identity({"Effect": "Allow", "Action": "s3:*", "NotResource": f"{BUCKET}/secret/*"})
    deny = identity({"Effect": "Deny", "Action": "s3:*", "NotResource": f"{BUCKET}/public/*"})
    assert evaluate_policy(allow, request(resource=OBJECT)).allow is T_
    assert evaluate_policy(allow, request(resource=f"{BUCKET}/secret/x")).allow is F_
    assert evaluate_policy(deny, request(resource=OBJECT)).deny is T_
    assert evaluate_policy(deny, request(resource=f"{BUCKET}/public/x")).deny is F_


class TestWildcardRequests:
    """A request resource with wildcards stands for every ARN it matches."""

    def test_allow_must_cover_every_version(self) -> None:
        every = identity(statement("Allow", "sagemaker:CreateModelPackage", GROUP_VERSIONS))
        one = identity(
            statement("Allow", "sagemaker:CreateModelPackage", GROUP_VERSIONS[:-1] + "1")
        )
        some = identity(
            statement("Allow", "sagemaker:CreateModelPackage", GROUP_VERSIONS[:-1] + "1*")
        )
        req = request(action="sagemaker:CreateModelPackage", resource=GROUP_VERSIONS)
        assert evaluate_policy(every, req).allow is T_
        assert evaluate_policy(one, req).allow is F_
        assert evaluate_policy(some, req).allow is F_

    def test_deny_applies_when_it_meets_any_version(self) -> None:
        one = identity(statement("Deny", "sagemaker:CreateModelPackage", GROUP_VERSIONS[:-1] + "1"))
        other = identity(
            statement(
                "Deny",
                "sagemaker:CreateModelPackage",
                "arn:aws:sagemaker:*:*:model-package/other/*",
            )
        )
        req = request(action="sagemaker:CreateModelPackage", resource=GROUP_VERSIONS)
        assert evaluate_policy(one, req).deny is T_
        assert evaluate_policy(other, req).deny is F_

    def test_not_resource_with_wildcard_requests(self) -> None:
        req = request(action="sagemaker:CreateModelPackage", resource=GROUP_VERSIONS)
        # Allow + NotResource applies iff the request set is disjoint from the exclusions.
        allow_meets = identity(
            {"Effect": "Allow", "Action": "*", "NotResource": GROUP_VERSIONS[:-1] + "1"}
        )
        allow_apart = identity({"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:s3:::*"})
        assert evaluate_policy(allow_meets, req).allow is F_
        assert evaluate_policy(allow_apart, req).allow is T_
        # Deny + NotResource applies iff no exclusion covers the request set.
        deny_partial = identity(
            {"Effect": "Deny", "Action": "*", "NotResource": GROUP_VERSIONS[:-1] + "1"}
        )
        deny_whole = identity(
            {
                "Effect": "Deny",
                "Action": "*",
                "NotResource": "arn:aws:sagemaker:*:*:model-package/*",
            }
        )
        assert evaluate_policy(deny_partial, req).deny is T_
        assert evaluate_policy(deny_whole, req).deny is F_

    def test_star_request_needs_a_star_allow(self) -> None:
        req = request(action="ecr:GetAuthorizationToken", resource="*")
        assert evaluate_policy(identity(statement("Allow", "ecr:*", "*")), req).allow is T_
        narrow = identity(statement("Allow", "ecr:*", "arn:aws:ecr:*:*:repository/*"))
        assert evaluate_policy(narrow, req).allow is F_

    def test_star_request_is_literal_for_denies_and_not_resource(self) -> None:
        # An action without resource-level permissions is requested on "*" itself (Service
        # Authorization Reference: such actions take Resource "*"): a statement that names
        # a particular resource neither denies it nor, as a NotResource exclusion, spares it.
        req = request(action="ecr:GetAuthorizationToken", resource="*")
        repository = "arn:aws:ecr:*:*:repository/*"
        deny_repository = identity(statement("Deny", "ecr:*", repository))
        assert evaluate_policy(deny_repository, req).deny is F_
        assert evaluate_policy(identity(statement("Deny", "ecr:*", "*")), req).deny is T_
        allow_but = identity({"Effect": "Allow", "Action": "ecr:*", "NotResource": repository})
        assert evaluate_policy(allow_but, req).allow is T_
        deny_but = identity({"Effect": "Deny", "Action": "ecr:*", "NotResource": repository})
        assert evaluate_policy(deny_but, req).deny is T_
        deny_but_star = identity({"Effect": "Deny", "Action": "ecr:*", "NotResource": "*"})
        assert evaluate_policy(deny_but_star, req).deny is F_


class TestMissingResourceElement:
    def test_repository_policy_applies_to_its_repository(self) -> None:
        doc = policy(
            PolicyType.REPOSITORY,
            statement("Allow", ["ecr:BatchGetImage"], None, Principal={"AWS": R}),
            attached_to=REPO,
        )
        req = request(ROLE_R, "ecr:BatchGetImage", REPO)
        assert evaluate_policy(doc, req).allow is T_
        other = request(ROLE_R, "ecr:BatchGetImage", REPO + "-other")
        assert evaluate_policy(doc, other).allow is F_

    def test_repository_policy_without_attachment_is_its_own_resource(self) -> None:
        doc = policy(PolicyType.REPOSITORY, statement("Allow", "ecr:*", None, Principal="*"))
        assert evaluate_policy(doc, request(ROLE_R, "ecr:BatchGetImage", REPO)).allow is T_

    def test_elsewhere_allow_applies_to_nothing_deny_to_everything(self) -> None:
        allow = policy(PolicyType.BUCKET, statement("Allow", "s3:*", None, Principal="*"))
        deny = policy(PolicyType.BUCKET, statement("Deny", "s3:*", None, Principal="*"))
        assert evaluate_policy(allow, request()).allow is F_
        assert evaluate_policy(deny, request()).deny is T_


def test_key_policy_star_means_this_key() -> None:
    doc = policy(PolicyType.KEY, statement("Allow", "kms:Decrypt", "*", Principal={"AWS": R}))
    assert evaluate_policy(doc, request(ROLE_R, "kms:Decrypt", KEY)).allow is T_


class TestResourceVariables:
    def test_substituted_into_resource(self) -> None:
        doc = identity(statement("Allow", "s3:GetObject", f"{BUCKET}/home/${{aws:username}}/*"))
        alice = context(aws_username="alice")
        assert (
            evaluate_policy(doc, request(resource=f"{BUCKET}/home/alice/x", ctx=alice)).allow is T_
        )
        assert evaluate_policy(doc, request(resource=f"{BUCKET}/home/bob/x", ctx=alice)).allow is F_

    def test_unknown_key_makes_the_match_unknown_and_is_named(self) -> None:
        doc = identity(statement("Allow", "s3:GetObject", f"{BUCKET}/home/${{aws:username}}/*"))
        evaluation = evaluate_policy(doc, request(resource=f"{BUCKET}/home/alice/x"))
        assert evaluation.allow is U_
        assert evaluation.unknown_keys == ("aws:username",)

    def test_absent_key_makes_the_element_not_match(self) -> None:
        absent = context(absent=["aws:username"])
        doc = identity(statement("Allow", "s3:GetObject", f"{BUCKET}/home/${{aws:username}}/*"))
        assert evaluate_policy(doc, request(resource=f"{BUCKET}/home/x", ctx=absent)).allow is F_
        deny = identity(statement("Deny", "s3:GetObject", f"{BUCKET}/home/${{aws:username}}/*"))
        assert evaluate_policy(deny, request(resource=f"{BUCKET}/home/x", ctx=absent)).deny is F_

    def test_not_resource_entry_without_a_value_spares_nothing_from_a_deny(self) -> None:
        # The entry names no resource ("no equal or like value", IAM User Guide, policy
        # variables with no value), so it exempts nothing: the Deny still covers the object.
        # The same entry in an Allow (where AWS "might" drop the whole statement) grants
        # nothing: never a grant from an unresolvable variable.
        absent = context(absent=["aws:username"])
        home = f"{BUCKET}/home/${{aws:username}}/*"
        deny = identity({"Effect": "Deny", "Action": "s3:GetObject", "NotResource": home})
        assert evaluate_policy(deny, request(resource=OBJECT, ctx=absent)).deny is T_
        allow = identity({"Effect": "Allow", "Action": "s3:GetObject", "NotResource": home})
        assert evaluate_policy(allow, request(resource=OBJECT, ctx=absent)).allow is F_

    def test_other_patterns_of_the_element_still_match(self) -> None:
        doc = identity(
            statement("Allow", "s3:GetObject", [f"{BUCKET}/${{aws:username}}", f"{BUCKET}/*"])
        )
        assert evaluate_policy(doc, request(resource=OBJECT)).allow is T_


def test_unknown_conditions_make_allow_and_deny_unknown() -> None:
    vpce = {"StringEquals": {"aws:SourceVpce": "vpce-1"}}
    doc = identity(
        statement("Allow", "s3:*", "*", Condition=vpce),
        statement("Deny", "s3:*", "*", Condition=vpce),
    )
    evaluation = evaluate_policy(doc, request())
    assert (evaluation.allow, evaluation.deny) == (U_, U_)
    known = evaluate_policy(doc, request(ctx=context(aws_SourceVpce="vpce-2")))
    assert (known.allow, known.deny) == (F_, F_)


def test_a_sure_statement_outweighs_an_unknown_one() -> None:
    doc = identity(
        statement("Allow", "s3:*", "*", Condition={"StringEquals": {"aws:SourceVpce": "v"}}),
        statement("Allow", "s3:GetObject", OBJECT),
    )
    evaluation = evaluate_policy(doc, request())
    assert evaluation.allow is T_
    assert [o.applies for o in evaluation.allows] == [U_, T_]


def test_evaluation_is_repeatable_across_requests() -> None:
    # Memoized matches must not leak from one request into the next.
    doc = identity(statement("Allow", "s3:GetObject", f"{BUCKET}/*"))
    for _ in range(3):
        assert evaluate_policy(doc, request(resource=OBJECT)).allow is T_
        assert evaluate_policy(doc, request(resource=BUCKET)).allow is F_
        assert evaluate_policy(doc, request(action="s3:PutObject")).allow is F_


class TestResourceSegments:
    """A Resource pattern with too few segments is not a whole-string glob."""

    ARN = "arn:aws:s3:::bucket-a"

    def test_a_question_mark_does_not_stand_for_a_colon(self) -> None:
        for pattern in ("arn:aws:s3:?:bucket-a", "arn:aws:s3::?bucket-a"):
            allow = identity(statement("Allow", "s3:ListBucket", pattern))
            deny = identity(statement("Deny", "s3:ListBucket", pattern))
            req = request(action="s3:ListBucket", resource=self.ARN)
            assert evaluate_policy(allow, req).allow is F_
            assert evaluate_policy(deny, req).deny is F_
            # NotResource: the malformed pattern excludes nothing.
            not_resource = identity(statement("Deny", "s3:ListBucket", None, NotResource=pattern))
            assert evaluate_policy(not_resource, req).deny is T_

    def test_a_malformed_pattern_covers_no_wildcard_request(self) -> None:
        allow = identity(
            statement("Allow", "sagemaker:*", "arn:aws:sagemaker:us-east-1?222222222222:*")
        )
        req = request(action="sagemaker:CreateModelPackage", resource=GROUP_VERSIONS)
        assert evaluate_policy(allow, req).allow is F_

    def test_an_open_reading_is_unknown_and_says_why(self) -> None:
        deny = identity(statement("Deny", "logs:*", "arn:aws:logs:*:log-group:*"))
        req = request(action="logs:PutLogEvents", resource="arn:aws:logs:us-east-1:1:log-group:x")
        evaluation = evaluate_policy(deny, req)
        assert evaluation.deny is U_
        note = evaluation.denies[0].note
        assert note is not None and "colon" in note
