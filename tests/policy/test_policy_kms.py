"""KMS: the key policy is required; grants; cross-account use needs key policy and IAM."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policy_builders import (
    KEY,
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
    AccessDecision,
    AccessQuestion,
    Decision,
    Evidence,
    Grant,
    Policy,
    PolicyType,
    Request,
)
from checker.policy import decide_access as decide

ROLE_T2 = f"arn:aws:iam::{T}:role/Reader"
ENABLE_IAM = statement(
    "Allow",
    "kms:*",
    "*",
    Sid="Enable IAM User Permissions",
    Principal={"AWS": f"arn:aws:iam::{T}:root"},
)


def key_policy(*statements: dict[str, object]) -> Policy:
    return policy(PolicyType.KEY, *statements, source="policies/key.json", attached_to=KEY)


def decrypt(principal: str = ROLE_R, action: str = "kms:Decrypt") -> Request:
    return request(principal, action, KEY)


def kms_identity() -> Policy:
    return identity(
        statement("Allow", ["kms:Decrypt", "kms:GenerateDataKey"], KEY, Sid="UseKey"),
        source="policies/kms-use.json",
    )


def grant(
    grantee: str,
    *operations: str,
    grant_id: str | None = "g-1",
    constraints: Mapping[str, Mapping[str, str]] | None = None,
) -> Grant:
    return Grant(grantee, operations or ("Decrypt",), "plan.yaml#grants", grant_id, constraints)


class TestSameAccount:
    def same(self, **kwargs: Any) -> AccessQuestion:
        return question(decrypt(ROLE_T2), resource_account=T, principal_account=T, **kwargs)

    def test_iam_counts_when_the_key_policy_enables_it(self) -> None:
        result = decide(
            self.same(resource_policy=key_policy(ENABLE_IAM), identity_policies=[kms_identity()])
        )
        assert result.decision is Decision.ALLOWED
        assert Evidence("policies/key.json", "Enable IAM User Permissions") in result.evidence
        assert "leaving it to the IAM policies" in result.resource_policy.reason

    def test_iam_alone_is_not_enough_without_the_enabling_statement(self) -> None:
        other = statement(
            "Allow", "kms:Describe*", "*", Principal={"AWS": f"arn:aws:iam::{T}:role/Admin"}
        )
        result = decide(
            self.same(resource_policy=key_policy(other), identity_policies=[allow_all_identity()])
        )
        assert result.decision is Decision.IMPLICIT_DENY
        assert result.identity_policy.decision is Decision.ALLOWED
        assert "no statement of the key policy allows kms:Decrypt" in result.because

    def test_enabling_statement_for_other_actions_does_not_enable_decrypt(self) -> None:
        admin_only = statement(
            "Allow", "kms:Describe*", "*", Principal={"AWS": f"arn:aws:iam::{T}:root"}
        )
        result = decide(
            self.same(
                resource_policy=key_policy(admin_only), identity_policies=[allow_all_identity()]
            )
        )
        assert result.decision is Decision.IMPLICIT_DENY

    def test_enabled_but_no_identity_policy(self) -> None:
        result = decide(self.same(resource_policy=key_policy(ENABLE_IAM), identity_policies=[]))
        assert result.decision is Decision.IMPLICIT_DENY
        assert result.because.startswith(f"no identity policy of {ROLE_T2} allows kms:Decrypt")

    def test_key_policy_naming_the_role_allows_on_its_own(self) -> None:
        named = statement("Allow", "kms:Decrypt", "*", Sid="Reader", Principal={"AWS": ROLE_T2})
        result = decide(self.same(resource_policy=key_policy(named), identity_policies=[]))
        assert result.decision is Decision.ALLOWED

    def test_no_key_policy(self) -> None:
        result = decide(self.same(resource_policy=None, identity_policies=[allow_all_identity()]))
        assert result.decision is Decision.IMPLICIT_DENY
        assert "has no key policy" in result.because


class TestCrossAccount:
    external = statement(
        "Allow",
        ["kms:Decrypt", "kms:GenerateDataKey*"],
        "*",
        Sid="External",
        Principal={"AWS": f"arn:aws:iam::{R}:root"},
    )

    def test_key_policy_and_identity_both_allow(self) -> None:
        result = decide(
            question(
                decrypt(),
                resource_policy=key_policy(ENABLE_IAM, self.external),
                identity_policies=[kms_identity()],
            )
        )
        assert result.decision is Decision.ALLOWED

    def test_key_policy_alone_is_not_enough(self) -> None:
        result = decide(
            question(
                decrypt(),
                resource_policy=key_policy(ENABLE_IAM, self.external),
                identity_policies=[],
            )
        )
        assert result.decision is Decision.IMPLICIT_DENY
        assert "cross-account use of a key needs both" in result.because

    def test_key_policy_naming_the_external_role_still_needs_iam(self) -> None:
        named = statement("Allow", "kms:Decrypt", "*", Principal={"AWS": ROLE_R})
        assert (
            decide(
                question(decrypt(), resource_policy=key_policy(named), identity_policies=[])
            ).decision
            is Decision.IMPLICIT_DENY
        )
        assert (
            decide(
                question(
                    decrypt(), resource_policy=key_policy(named), identity_policies=[kms_identity()]
                )
            ).decision
            is Decision.ALLOWED
        )

    def test_identity_alone_is_not_enough(self) -> None:
        result = decide(
            question(
                decrypt(),
                resource_policy=key_policy(ENABLE_IAM),
                identity_policies=[kms_identity()],
            )
        )
        assert result.decision is Decision.IMPLICIT_DENY
        assert result.resource_policy.decision is Decision.IMPLICIT_DENY
        assert ", and no grant gives it" in result.because


class TestGrants:
    def ask(
        self,
        grants: list[Grant],
        identity_policies: list[Policy] | None = None,
        principal: str = SESSION_R,
        action: str = "kms:Decrypt",
        **kwargs: Any,
    ) -> AccessDecision:
        return decide(
            question(
                decrypt(principal, action),
                resource_policy=key_policy(ENABLE_IAM),
                identity_policies=[] if identity_policies is None else identity_policies,
                grants=grants,
                **kwargs,
            )
        )

    def test_grant_to_the_role_needs_no_iam_policy(self) -> None:
        result = self.ask([grant(ROLE_R)])
        assert result.decision is Decision.ALLOWED
        assert Evidence("plan.yaml#grants", "grant:g-1") in result.evidence
        assert result.resource_policy.decision is Decision.ALLOWED

    def test_grant_to_the_role_with_a_path(self) -> None:
        assert (
            self.ask([grant(f"arn:aws:iam::{R}:role/team/Deployer")]).decision is Decision.ALLOWED
        )

    def test_grant_to_another_role_gives_nothing(self) -> None:
        assert self.ask([grant(f"arn:aws:iam::{R}:role/Other")]).decision is Decision.IMPLICIT_DENY

    def test_grant_to_the_account_root_needs_iam(self) -> None:
        root = grant(f"arn:aws:iam::{R}:root")
        assert self.ask([root]).decision is Decision.IMPLICIT_DENY
        assert self.ask([root], [kms_identity()]).decision is Decision.ALLOWED

    def test_grant_to_a_bare_account_id_matches_nothing(self) -> None:
        result = self.ask([grant(R)], [kms_identity()])
        assert result.decision is Decision.IMPLICIT_DENY
        assert "grant:g-1 does not help" in result.because
        assert "not an ARN" in result.because

    def test_grant_operations(self) -> None:
        data_key = grant(ROLE_R, "GenerateDataKey")
        assert self.ask([data_key], action="kms:GenerateDataKey").decision is Decision.ALLOWED
        assert (
            self.ask([data_key], action="kms:GenerateDataKeyWithoutPlaintext").decision
            is Decision.IMPLICIT_DENY
        )
        assert self.ask([data_key], action="kms:Decrypt").decision is Decision.IMPLICIT_DENY

    def test_grant_with_constraints_is_unknown(self) -> None:
        constrained = grant(ROLE_R, constraints={"EncryptionContextSubset": {"team": "ml"}})
        result = self.ask([constrained])
        assert result.decision is Decision.UNKNOWN
        assert "encryption context" in result.because

    def test_empty_constraints_are_no_constraints(self) -> None:
        assert self.ask([grant(ROLE_R, constraints={})]).decision is Decision.ALLOWED

    def test_grant_label_falls_back_to_its_index(self) -> None:
        result = self.ask([grant(f"arn:aws:iam::{R}:role/Other"), grant(ROLE_R, grant_id=None)])
        assert Evidence("plan.yaml#grants", "grant:1") in result.evidence

    def test_explicit_deny_in_the_key_policy_beats_a_grant(self) -> None:
        deny = statement("Deny", "kms:Decrypt", "*", Sid="NoDecrypt", Principal="*")
        result = decide(
            question(
                decrypt(SESSION_R),
                resource_policy=key_policy(ENABLE_IAM, deny),
                identity_policies=[],
                grants=[grant(ROLE_R)],
            )
        )
        assert result.decision is Decision.EXPLICIT_DENY

    def test_explicit_deny_in_identity_beats_a_grant(self) -> None:
        deny = identity(statement("Deny", "kms:*", "*", Sid="NoKms"), source="deny.json")
        assert self.ask([grant(ROLE_R)], [deny]).decision is Decision.EXPLICIT_DENY

    def test_grants_do_not_apply_to_other_services(self) -> None:
        result = decide(
            question(
                request(ROLE_R, "s3:GetObject", KEY),
                resource_policy=key_policy(ENABLE_IAM),
                identity_policies=[],
                grants=[grant(ROLE_R, "GetObject")],
            )
        )
        assert result.decision is Decision.IMPLICIT_DENY
