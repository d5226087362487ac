"""Evaluate one policy against one request: which statements allow, which deny, and how surely.

A statement applies when its action, principal, resource and conditions all match; each is
three-valued. Wildcard request resources stand for every ARN they match: an Allow must cover
all of them, a Deny applies if it matches any (see ``checker.policy.matching``); a lone
``*`` (an action without resource-level permissions) is matched as the text ``*``. For
``NotResource``, an Allow applies iff the request set is disjoint from every listed pattern,
a Deny iff no listed pattern covers the request set.

Statements with neither ``Resource`` nor ``NotResource``: in an ECR repository policy they
apply to the repository the policy is attached to; elsewhere (where AWS would reject the
policy) an Allow applies to nothing and a Deny to everything, so an unusual document never
produces a false "allowed". Likewise a statement of a resource-based policy without
``Principal`` / ``NotPrincipal``.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from checker.policy.compiled import CompiledPolicy, CompiledStatement, compiled, remember
from checker.policy.conditions import evaluate_conditions
from checker.policy.decision import Tri
from checker.policy.glob import Glob, parse_glob
from checker.policy.matching import (
    resource_glob_covers,
    resource_glob_matches,
    resource_globs_intersect,
)
from checker.policy.model import Policy, PolicyType, Statement
from checker.policy.principals import (
    PrincipalKind,
    PrincipalScope,
    RequestPrincipal,
    match_principal,
    not_principal_applies,
    parse_principal,
)
from checker.policy.request import Request, RequestContext
from checker.policy.trilogic import both
from checker.policy.variables import ABSENT, UnknownKey, resolve
from checker.records import record, replace

SESSION_NOTE: Final = "the statement names a specific session of the role"
ACCOUNT_NOTE: Final = (
    "the statement names a particular principal of the account, and which one asks is not known"
)
NOT_PRINCIPAL_NOTE: Final = (
    "NotPrincipal lists only some of the account, the role or user, and the session"
)
RESOURCE_READING_NOTE: Final = (
    "a Resource pattern of the statement matches this resource only if a wildcard may run "
    "past a colon, which the IAM User Guide leaves open (IAM JSON policy elements: Resource)"
)


# Named tuples rather than frozen dataclasses: they are built on every decision, and a
# frozen dataclass costs several times more to construct.


class StatementOutcome(NamedTuple):
    """A statement that applies (TRUE) or may apply (UNKNOWN) to the request.

    ``scope`` is set for policies that name principals: how the statement reached the
    requester. ``exact`` is true when it named the requester's own user or session ARN.
    ``note`` explains an UNKNOWN that no context key explains.
    """

    statement: Statement
    applies: Tri
    unknown_keys: tuple[str, ...] = ()
    scope: PrincipalScope | None = None
    exact: bool = False
    note: str | None = None


class PolicyEvaluation(NamedTuple):
    """What one policy says about one request."""

    policy: Policy
    allow: Tri
    deny: Tri
    allows: tuple[StatementOutcome, ...]
    denies: tuple[StatementOutcome, ...]
    unknown_keys: tuple[str, ...]

    @property
    def principal_scope(self) -> PrincipalScope | None:
        """``specific`` if a statement that surely allows named the requester itself,
        ``account`` if allows came only through its account root, else ``None``."""
        scopes = {o.scope for o in self.allows if o.applies is Tri.TRUE}
        if PrincipalScope.SPECIFIC in scopes:
            return PrincipalScope.SPECIFIC
        if PrincipalScope.ACCOUNT in scopes:
            return PrincipalScope.ACCOUNT
        return None


@record
class ResourcePart:
    """Whether a statement's Resource / NotResource admits the request, and the context
    keys of its policy variables when that is unknown."""

    tri: Tri
    keys: tuple[str, ...] = ()
    note: str | None = None


_TRUE: Final = ResourcePart(Tri.TRUE)
_FALSE: Final = ResourcePart(Tri.FALSE)


def _is_pattern(resource: str) -> bool:
    # A lone "*" is the resource of an action without resource-level permissions
    # (ecr:GetAuthorizationToken): IAM compares it as the text "*", so only a Resource
    # pattern that matches "*" names it; a Deny of some bucket's objects does not apply to it,
    # and a Deny with NotResource listing ARNs does.
    if resource == "*":
        return False
    return "*" in resource or "?" in resource


def _against_request(glob: Glob, resource: str, request_is_pattern: bool, *, cover: bool) -> Tri:
    """``cover``: every ARN the request stands for matches; else: some ARN does."""
    if not request_is_pattern:
        return resource_glob_matches(glob, resource)
    request_glob = parse_glob(resource)
    if cover:
        return resource_glob_covers(glob, request_glob)
    return resource_globs_intersect(glob, request_glob)


def _unsure(keys: list[str], reading: bool) -> ResourcePart | None:
    if keys:
        return ResourcePart(Tri.UNKNOWN, tuple(keys))
    if reading:
        return ResourcePart(Tri.UNKNOWN, (), RESOURCE_READING_NOTE)
    return None


def resource_part(
    cs: CompiledStatement, policy: Policy, resource: str, context: RequestContext
) -> ResourcePart:
    statement = cs.statement
    allow = statement.effect == "Allow"
    if cs.resources is None:
        if policy.type is PolicyType.REPOSITORY:
            if policy.attached_to is None:
                return _TRUE  # the repository's own policy, asked about that repository
            target = parse_glob(policy.attached_to)
            hit = _against_request(target, resource, _is_pattern(resource), cover=allow)
            return _TRUE if hit is Tri.TRUE else _FALSE
        return _FALSE if allow else _TRUE
    if not cs.resource_variables:
        cached = cs.resource_cache.get(resource)
        if isinstance(cached, ResourcePart):
            return cached
    request_is_pattern = _is_pattern(resource)
    covered = intersected = invalid = False
    # Some pattern may cover / meet the request, depending on how it is read.
    cover_open = meet_open = False
    unknown: list[str] = []
    for template in cs.resources:
        glob = resolve(template, context)
        if glob is ABSENT:
            invalid = True
            continue
        if isinstance(glob, UnknownKey):
            unknown.append(glob.key)
            continue
        assert isinstance(glob, tuple)
        cover = _against_request(glob, resource, request_is_pattern, cover=True)
        if cover is Tri.TRUE:
            covered = intersected = True
            break
        cover_open = cover_open or cover is Tri.UNKNOWN
        if request_is_pattern:
            meet = _against_request(glob, resource, True, cover=False)
            intersected = intersected or meet is Tri.TRUE
            meet_open = meet_open or meet is Tri.UNKNOWN
        else:
            meet_open = cover_open
    if not cs.resources_negated:
        applies, open_ = (covered, cover_open) if allow else (intersected, meet_open)
        part = _TRUE if applies else _unsure(unknown, open_) or _FALSE
    else:
        excluded, open_ = (intersected, meet_open) if allow else (covered, cover_open)
        # A NotResource entry whose variable has no value names no resource, so it exempts
        # nothing from a Deny; AWS "might" drop such a statement altogether, so in an Allow
        # it grants nothing (never a grant from an unresolvable variable).
        settled = _FALSE if invalid and allow else _TRUE
        part = _FALSE if excluded else _unsure(unknown, open_) or settled
    if not cs.resource_variables:
        remember(cs.resource_cache, resource, part)
    return part


@record
class PrincipalPart:
    """Whether a statement's Principal / NotPrincipal names the requester, and how."""

    tri: Tri
    scope: PrincipalScope | None
    exact: bool
    note: str | None = None


_ANY_PRINCIPAL: Final = PrincipalPart(Tri.TRUE, None, False)


def principal_part(
    cs: CompiledStatement, cp: CompiledPolicy, requester: RequestPrincipal, has_boundary: bool
) -> PrincipalPart:
    if not cp.names_principals:
        return _ANY_PRINCIPAL
    # The account is part of the key: an ARN without one (a session ARN written without its
    # account) is matched with the account the question fills in.
    key = (requester.arn, requester.account, has_boundary)
    cached = cs.principal_cache.get(key)
    if isinstance(cached, PrincipalPart):
        return cached
    statement = cs.statement
    if statement.principal is not None:
        match = match_principal(statement.principal, requester)
        note = None
        if match.tri is Tri.UNKNOWN:
            note = ACCOUNT_NOTE if requester.kind is PrincipalKind.ROOT else SESSION_NOTE
        part = PrincipalPart(match.tri, match.scope, match.exact, note)
    elif statement.not_principal is not None:
        tri = not_principal_applies(
            statement.not_principal, requester, effect=statement.effect, has_boundary=has_boundary
        )
        note = NOT_PRINCIPAL_NOTE if tri is Tri.UNKNOWN else None
        part = PrincipalPart(tri, PrincipalScope.SPECIFIC, False, note)
    else:
        part = PrincipalPart(
            Tri.FALSE if statement.effect == "Allow" else Tri.TRUE, PrincipalScope.SPECIFIC, False
        )
    remember(cs.principal_cache, key, part)
    return part


def requester_of(request: Request, principal_account: str | None) -> RequestPrincipal:
    requester = parse_principal(request.principal)
    if not requester.account and principal_account:
        requester = replace(requester, account=principal_account)
    return requester


def statement_outcome(
    cs: CompiledStatement,
    cp: CompiledPolicy,
    request: Request,
    requester: RequestPrincipal,
    has_boundary: bool,
) -> StatementOutcome | None:
    """How one statement whose action matches applies; ``None`` when it surely does not."""
    principal = principal_part(cs, cp, requester, has_boundary)
    if principal.tri is Tri.FALSE:
        return None
    resource = resource_part(cs, cp.policy, request.resource, request.context)
    if resource.tri is Tri.FALSE:
        return None
    note = resource.note
    if not cs.conditions:
        return _outcome(cs, principal, resource.tri, resource.keys, note)
    conditions = evaluate_conditions(cs.conditions, request.context)
    if conditions.tri is Tri.FALSE:
        return None
    if conditions.tri is Tri.TRUE:
        return _outcome(cs, principal, resource.tri, resource.keys, note)
    return _outcome(cs, principal, Tri.UNKNOWN, resource.keys + conditions.unknown_keys, note)


def _outcome(
    cs: CompiledStatement,
    principal: PrincipalPart,
    tri: Tri,
    keys: tuple[str, ...],
    note: str | None = None,
) -> StatementOutcome:
    applies = both(principal.tri, tri)
    if applies is Tri.TRUE:
        return StatementOutcome(cs.statement, Tri.TRUE, (), principal.scope, principal.exact)
    return StatementOutcome(
        cs.statement,
        applies,
        tuple(sorted(set(keys))),
        principal.scope,
        principal.exact,
        principal.note if principal.tri is Tri.UNKNOWN else note,
    )


def evaluate_policy(
    policy: Policy,
    request: Request,
    *,
    principal_account: str | None = None,
    principal_has_boundary: bool = False,
) -> PolicyEvaluation:
    """Which statements of ``policy`` allow and deny ``request``, three-valued.

    ``principal_account`` fills in the requester's account when its ARN does not carry one.
    ``principal_has_boundary``: the requester has a permissions boundary, which makes every
    Deny with ``NotPrincipal`` apply to it (IAM User Guide, permissions boundaries).
    """
    requester = requester_of(request, principal_account)
    return evaluate_for(policy, request, requester, principal_has_boundary)


def evaluate_for(
    policy: Policy, request: Request, requester: RequestPrincipal, has_boundary: bool
) -> PolicyEvaluation:
    """``evaluate_policy`` for a requester already parsed."""
    cp = compiled(policy)
    candidates = cp.candidates(request.action)
    if not candidates:
        return PolicyEvaluation(policy, Tri.FALSE, Tri.FALSE, (), (), ())
    allows: list[StatementOutcome] = []
    denies: list[StatementOutcome] = []
    unsure = False
    for cs in candidates:
        outcome = statement_outcome(cs, cp, request, requester, has_boundary)
        if outcome is None:
            continue
        if outcome.applies is not Tri.TRUE:
            unsure = True
        if cs.statement.effect == "Allow":
            allows.append(outcome)
        else:
            denies.append(outcome)
    if not allows and not denies:
        return PolicyEvaluation(policy, Tri.FALSE, Tri.FALSE, (), (), ())
    keys: tuple[str, ...] = ()
    if unsure:
        keys = tuple(sorted({k for o in (*allows, *denies) for k in o.unknown_keys}))
    return PolicyEvaluation(policy, _any(allows), _any(denies), tuple(allows), tuple(denies), keys)


def _any(outcomes: list[StatementOutcome]) -> Tri:
    result = Tri.FALSE
    for outcome in outcomes:
        if outcome.applies is Tri.TRUE:
            return Tri.TRUE
        result = Tri.UNKNOWN
    return result
