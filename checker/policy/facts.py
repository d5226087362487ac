"""Every policy of one access question evaluated once, and the grant formula over them.

The formula (IAM User Guide, "Policy evaluation logic" and "Cross-account policy evaluation
logic"; KMS Developer Guide, "Key policies" and "Allowing users in other accounts"):

* Same account: the identity policies (capped by the permissions boundary) *or* a
  resource-policy statement naming the principal itself allow. Within an account a boundary
  does not cap a resource-policy grant to the requester's own user or session ARN, but does
  cap one to its role ARN or to ``*`` (the boundaries page; the docs say nothing of ``*``, so
  it is capped, the conservative reading). A statement naming only the account root
  delegates to identity policies and adds nothing.
* Cross account: the identity policies (capped by the boundary) *and* the resource policy
  (either scope) must allow.
* KMS key: the key policy is required. IAM policies of the key's account count only when the
  key policy allows that account's root; a key-policy statement naming the principal allows
  on its own in the same account. Across accounts the key policy (or a grant to the account
  root) *and* the external identity policy must allow, except that a grant to the
  requester's own role or user needs no IAM policy. Grants are capped by the boundary like a
  grant to a role ARN (conservative: the docs are silent).
* SCPs (principal's account) only cap: every level of the organization tree must allow.
* RCPs (resource's account) only deny: ``RCPFullAWSAccess`` is attached to every root, OU and
  account and cannot be detached, and AWS accepts ``Allow`` in no other RCP (Organizations
  User Guide, "RCP syntax"). So the RCP layer passes a request unless an RCP statement denies
  it; an ``Allow`` in an RCP file (which AWS would refuse, and lint reports) grants nothing.
"""

from __future__ import annotations

from checker.policy.decision import Evidence, Tri
from checker.policy.evaluate import PolicyEvaluation, evaluate_for, requester_of
from checker.policy.kms import GrantOutcome, evaluate_grants, grants_allow, is_key_request
from checker.policy.model import Policy
from checker.policy.principals import PrincipalScope, RequestPrincipal
from checker.policy.request import AccessQuestion
from checker.policy.trilogic import any_of, both, either

_SPECIFIC = PrincipalScope.SPECIFIC
_ACCOUNT = PrincipalScope.ACCOUNT


def _deny_only(evaluation: PolicyEvaluation) -> PolicyEvaluation:
    """An RCP's evaluation without its Allows: they never decide anything."""
    if not evaluation.allows:
        return evaluation
    keys = tuple(sorted({k for o in evaluation.denies for k in o.unknown_keys}))
    return evaluation._replace(allow=Tri.FALSE, allows=(), unknown_keys=keys)


def _levels_allow(levels: tuple[tuple[PolicyEvaluation, ...], ...] | None) -> Tri:
    result = Tri.TRUE
    for level in levels or ():
        result = both(result, any_of(e.allow for e in level))
    return result


class AccessFacts:
    """The evaluations of one question and the three-valued pieces of its decision."""

    __slots__ = (
        "boundary",
        "boundary_allow",
        "deny",
        "grants",
        "hints",
        "identity",
        "identity_allow",
        "kms",
        "organization_allow",
        "question",
        "rcps",
        "requester",
        "resource",
        "resource_account_scope",
        "resource_any",
        "resource_exact",
        "resource_named",
        "same_account",
        "scps",
    )

    def __init__(self, question: AccessQuestion) -> None:
        request = question.request
        self.question = question
        # Closest-statement hints by id of evaluation, computed at most once (on denials).
        self.hints: dict[int, tuple[str, Evidence] | None] = {}
        self.requester: RequestPrincipal = requester_of(request, question.principal_account)
        self.same_account = question.principal_account == question.resource_account
        has_boundary = question.permissions_boundary is not None

        requester = self.requester

        def run(policy: Policy) -> PolicyEvaluation:
            return evaluate_for(policy, request, requester, has_boundary)

        self.identity: tuple[PolicyEvaluation, ...] | None = (
            None
            if question.identity_policies is None
            else tuple(run(p) for p in question.identity_policies)
        )
        self.boundary = (
            run(question.permissions_boundary) if question.permissions_boundary else None
        )
        side_known = question.resource_side_applies and question.resource_state_known
        self.resource = (
            run(question.resource_policy) if side_known and question.resource_policy else None
        )
        self.scps = (
            None
            if question.scps is None
            else tuple(tuple(run(p) for p in level) for level in question.scps)
        )
        self.rcps = (
            None
            if question.rcps is None
            else tuple(tuple(_deny_only(run(p)) for p in level) for level in question.rcps)
        )
        self.kms = question.resource_side_applies and is_key_request(request)
        self.grants: tuple[GrantOutcome, ...] = (
            evaluate_grants(question.grants, request, self.requester) if self.kms else ()
        )
        self._summarize()

    def _summarize(self) -> None:
        self.identity_allow: Tri | None = (
            None if self.identity is None else any_of(e.allow for e in self.identity)
        )
        self.boundary_allow = self.boundary.allow if self.boundary is not None else Tri.TRUE
        if not self.question.resource_state_known:
            unknown = Tri.UNKNOWN
            self.resource_any = self.resource_exact = self.resource_named = unknown
            self.resource_account_scope = unknown
        else:
            exact = named = account = Tri.FALSE
            for outcome in self.resource.allows if self.resource is not None else ():
                if outcome.scope is _ACCOUNT:
                    account = either(account, outcome.applies)
                elif outcome.exact:
                    exact = either(exact, outcome.applies)
                else:
                    named = either(named, outcome.applies)
            self.resource_exact, self.resource_named = exact, named
            self.resource_account_scope = account
            self.resource_any = self.resource.allow if self.resource is not None else Tri.FALSE
        self.organization_allow = _levels_allow(self.scps)
        if self.question.organization_unknown is not None:
            self.organization_allow = both(self.organization_allow, Tri.UNKNOWN)
        deny = any_of(e.deny for e in self.evaluations())
        if self.question.resource_side_applies and not self.question.resource_state_known:
            deny = either(deny, Tri.UNKNOWN)  # an undescribed resource may carry a Deny
        self.deny = deny

    def evaluations(self) -> list[PolicyEvaluation]:
        found = list(self.identity or ())
        if self.boundary is not None:
            found.append(self.boundary)
        if self.resource is not None:
            found.append(self.resource)
        for levels in (self.scps, self.rcps):
            for level in levels or ():
                found.extend(level)
        return found

    def grants_allow(self, scope: PrincipalScope) -> Tri:
        return grants_allow(self.grants, scope)

    def resource_side_allows(self) -> Tri:
        """Whether the resource side (its policy, and a key's grants) allows at all."""
        result = self.resource_any
        if self.kms:
            grants = either(self.grants_allow(_SPECIFIC), self.grants_allow(_ACCOUNT))
            result = either(result, grants)
        return result

    def grant(self, identity_allow: Tri) -> Tri:
        """Whether the request is granted, before denies and the organization cap, given
        what the identity policies say."""
        boundary = self.boundary_allow
        identity = both(identity_allow, boundary)
        if not self.question.resource_side_applies:
            return identity
        exact = self.resource_exact
        named = both(self.resource_named, boundary)
        if self.kms:
            grant_specific = both(self.grants_allow(_SPECIFIC), boundary)
            grant_account = self.grants_allow(_ACCOUNT)
            if self.same_account:
                delegated = both(either(self.resource_account_scope, grant_account), identity)
                return either(either(exact, named), either(grant_specific, delegated))
            key_side = either(self.resource_any, grant_account)
            return either(both(key_side, identity), grant_specific)
        if self.same_account:
            return either(identity, either(exact, named))
        return both(identity, self.resource_any)
