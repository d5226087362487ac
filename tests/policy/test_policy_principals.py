"""Principal and NotPrincipal matching in resource-based policies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from policy_builders import BUCKET, ROLE_R, SESSION_R, R, T, policy, request, statement

from checker.policy import PolicyType, PrincipalScope, Tri, evaluate_policy

T_, F_, U_ = Tri.TRUE, Tri.FALSE, Tri.UNKNOWN


def bucket_allowing(principal: Any, *, key: str = "Principal", effect: str = "Allow") -> Any:
    return policy(
        PolicyType.BUCKET,
        statement(effect, "s3:GetBucketAcl", BUCKET, Sid="S", **{key: principal}),
    )


def allow_for(principal_element: Any, requester: str) -> tuple[Tri, PrincipalScope | None]:
    evaluation = evaluate_policy(
        bucket_allowing(principal_element), request(requester, "s3:GetBucketAcl", BUCKET)
    )
    return evaluation.allow, evaluation.principal_scope


@pytest.mark.parametrize(
    ("element", "requester", "expected"),
    [
        ("*", ROLE_R, (T_, PrincipalScope.SPECIFIC)),
        ({"AWS": "*"}, SESSION_R, (T_, PrincipalScope.SPECIFIC)),
        ({"AWS": R}, ROLE_R, (T_, PrincipalScope.ACCOUNT)),  # bare id = account root
        ({"AWS": f"arn:aws:iam::{R}:root"}, SESSION_R, (T_, PrincipalScope.ACCOUNT)),
        ({"AWS": T}, ROLE_R, (F_, None)),  # another account
        ({"AWS": ROLE_R}, ROLE_R, (T_, PrincipalScope.SPECIFIC)),
        ({"AWS": ROLE_R}, SESSION_R, (T_, PrincipalScope.SPECIFIC)),  # a role matches its sessions
        ({"AWS": f"arn:aws:iam::{R}:role/Other"}, SESSION_R, (F_, None)),
        (
            {"AWS": f"arn:aws:iam::{T}:role/Deployer"},
            SESSION_R,
            (F_, None),
        ),  # same name, other account
        # Sessions drop the role path; role names are unique per account whatever the path.
        (
            {"AWS": f"arn:aws:iam::{R}:role/team/ml/Deployer"},
            SESSION_R,
            (T_, PrincipalScope.SPECIFIC),
        ),
        ({"AWS": f"arn:aws:iam::{R}:role/team/Deployer"}, ROLE_R, (T_, PrincipalScope.SPECIFIC)),
        ({"AWS": SESSION_R}, SESSION_R, (T_, PrincipalScope.SPECIFIC)),
        ({"AWS": f"arn:aws:sts::{R}:assumed-role/Deployer/other"}, SESSION_R, (F_, None)),
        # The requester is "some session of the role": a named session may or may not be it.
        ({"AWS": SESSION_R}, ROLE_R, (U_, None)),
        (
            {"AWS": f"arn:aws:iam::{R}:user/alice"},
            f"arn:aws:iam::{R}:user/alice",
            (T_, PrincipalScope.SPECIFIC),
        ),
        ({"AWS": f"arn:aws:iam::{R}:user/alice"}, f"arn:aws:iam::{R}:user/bob", (F_, None)),
        ({"AWS": f"arn:aws:iam::{R}:user/alice"}, ROLE_R, (F_, None)),
        ({"AWS": f"arn:aws:iam::{R}:role/Deploy*"}, ROLE_R, (F_, None)),  # no wildcards in ARNs
        ({"AWS": f"arn:aws-cn:iam::{R}:role/Deployer"}, ROLE_R, (F_, None)),  # other partition
        ({"Service": "sagemaker.amazonaws.com"}, ROLE_R, (F_, None)),
        ({"Federated": "cognito-identity.amazonaws.com"}, ROLE_R, (F_, None)),
        ({"CanonicalUser": "79a59df900b949e5"}, ROLE_R, (F_, None)),
        ({"AWS": [f"arn:aws:iam::{R}:role/Other", R]}, ROLE_R, (T_, PrincipalScope.ACCOUNT)),
        ({"AWS": [R, ROLE_R]}, ROLE_R, (T_, PrincipalScope.SPECIFIC)),  # the most specific wins
    ],
)
def test_principal_forms(
    element: Any, requester: str, expected: tuple[Tri, PrincipalScope | None]
) -> None:
    assert allow_for(element, requester) == expected


@pytest.mark.parametrize(
    ("element", "expected"),
    [
        ({"AWS": R}, (T_, PrincipalScope.ACCOUNT)),
        ({"AWS": f"arn:aws:iam::{R}:root"}, (T_, PrincipalScope.ACCOUNT)),
        ({"AWS": ROLE_R}, (U_, None)),
        ({"AWS": SESSION_R}, (U_, None)),
        ({"AWS": f"arn:aws:iam::{T}:role/Trainer"}, (F_, None)),
        ("*", (T_, PrincipalScope.SPECIFIC)),
    ],
)
def test_a_requester_given_as_an_account_is_some_principal_of_it(
    element: Any, expected: tuple[Tri, PrincipalScope | None]
) -> None:
    assert allow_for(element, f"arn:aws:iam::{R}:root") == expected
    assert allow_for(element, R) == expected


def test_exactness_separates_own_arn_from_role() -> None:
    for element, requester, exact in [
        ({"AWS": SESSION_R}, SESSION_R, True),
        ({"AWS": ROLE_R}, SESSION_R, False),
        ({"AWS": f"arn:aws:iam::{R}:user/alice"}, f"arn:aws:iam::{R}:user/alice", True),
        ("*", SESSION_R, False),
    ]:
        evaluation = evaluate_policy(
            bucket_allowing(element), request(requester, "s3:GetBucketAcl", BUCKET)
        )
        assert evaluation.allows[0].exact is exact, element


def test_resource_policy_statement_without_principal() -> None:
    allow = policy(PolicyType.BUCKET, statement("Allow", "s3:*", "*"))
    deny = policy(PolicyType.BUCKET, statement("Deny", "s3:*", "*"))
    assert evaluate_policy(allow, request()).allow is F_
    assert evaluate_policy(deny, request()).deny is T_


def test_identity_policies_ignore_principal_matching() -> None:
    ident = policy(PolicyType.IDENTITY, statement("Allow", "s3:*", "*"))
    assert evaluate_policy(ident, request()).allow is T_
    assert evaluate_policy(ident, request()).allows[0].scope is None


def deny_not_principal(listed: Sequence[str], requester: str, *, boundary: bool = False) -> Tri:
    doc = bucket_allowing({"AWS": list(listed)}, key="NotPrincipal", effect="Deny")
    evaluation = evaluate_policy(
        doc, request(requester, "s3:GetBucketAcl", BUCKET), principal_has_boundary=boundary
    )
    return evaluation.deny


class TestNotPrincipalDeny:
    role_and_account = (ROLE_R, f"arn:aws:iam::{R}:root")
    session_role_and_account = (SESSION_R, *role_and_account)

    def test_listing_the_session_its_role_and_its_account_exempts_that_session(self) -> None:
        # The NotPrincipal page's role example: all three listed, that session exempt.
        assert deny_not_principal(self.session_role_and_account, SESSION_R) is F_

    def test_listing_the_role_and_its_account_does_not_exempt_its_sessions(self) -> None:
        # The same example denies "all principals except the assumed-role user" it names:
        # IAM checks the session level too, and a session cannot be named with a wildcard.
        assert deny_not_principal(self.role_and_account, SESSION_R) is T_
        other_session = f"arn:aws:sts::{R}:assumed-role/Deployer/run-2"
        assert deny_not_principal(self.session_role_and_account, other_session) is T_

    def test_a_role_requester_is_exempt_only_if_its_session_is_the_one_listed(self) -> None:
        # A role ARN as requester stands for any of its sessions.
        assert deny_not_principal(self.role_and_account, ROLE_R) is T_
        assert deny_not_principal(self.session_role_and_account, ROLE_R) is U_

    def test_bare_account_id_counts_as_the_account(self) -> None:
        assert deny_not_principal([SESSION_R, ROLE_R, R], SESSION_R) is F_

    def test_everyone_else_is_denied_even_in_the_listed_account(self) -> None:
        assert deny_not_principal(self.role_and_account, f"arn:aws:iam::{R}:role/Other") is T_
        assert deny_not_principal(self.role_and_account, f"arn:aws:iam::{T}:role/Trainer") is T_

    def test_only_the_session_and_role_listed_might_deny_through_the_account(self) -> None:
        # The NotPrincipal page: without the account ARN the account "might" be denied.
        assert deny_not_principal([SESSION_R, ROLE_R], SESSION_R) is U_
        # Without the session, the session level surely is not listed.
        assert deny_not_principal([ROLE_R], SESSION_R) is T_

    def test_only_the_session_listed_might_deny_through_the_role(self) -> None:
        assert deny_not_principal([SESSION_R, f"arn:aws:iam::{R}:root"], SESSION_R) is U_

    def test_only_the_account_listed_does_not_exempt_its_roles(self) -> None:
        assert deny_not_principal([f"arn:aws:iam::{R}:root"], SESSION_R) is T_

    def test_a_requester_that_is_some_principal_of_an_account(self) -> None:
        # Which principal of R asks is not known: listed or not, the Deny may apply.
        some = f"arn:aws:iam::{R}:root"
        assert deny_not_principal([some], some) is U_
        assert deny_not_principal(list(self.role_and_account), some) is U_
        assert deny_not_principal([f"arn:aws:iam::{T}:root"], some) is T_

    def test_user_and_account_listed(self) -> None:
        alice = f"arn:aws:iam::{R}:user/alice"
        assert deny_not_principal([alice, R], alice) is F_
        assert deny_not_principal([alice], alice) is U_

    def test_a_permissions_boundary_makes_it_deny_regardless(self) -> None:
        assert deny_not_principal(self.session_role_and_account, SESSION_R, boundary=True) is T_

    def test_wildcard_exempts_everyone(self) -> None:
        doc = bucket_allowing("*", key="NotPrincipal", effect="Deny")
        assert evaluate_policy(doc, request(SESSION_R, "s3:GetBucketAcl", BUCKET)).deny is F_


class TestNotPrincipalAllow:
    def allow(self, listed: list[str], requester: str) -> Tri:
        doc = bucket_allowing({"AWS": listed}, key="NotPrincipal")
        return evaluate_policy(doc, request(requester, "s3:GetBucketAcl", BUCKET)).allow

    def test_allows_everyone_not_listed(self) -> None:
        assert self.allow([f"arn:aws:iam::{T}:role/Trainer"], SESSION_R) is T_

    def test_listed_at_any_level_is_not_allowed(self) -> None:
        assert self.allow([ROLE_R], SESSION_R) is F_
        assert self.allow([R], SESSION_R) is F_
        assert self.allow([SESSION_R], SESSION_R) is F_

    def test_a_listed_session_of_the_requesting_role_is_unknown(self) -> None:
        assert self.allow([SESSION_R], ROLE_R) is U_
