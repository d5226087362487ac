"""Words for decisions: how to name a policy, and which statement came closest to allowing.

The "closest statement" is an Allow that matched all but one of action, resource, principal
and conditions; naming what it lacks usually *is* the fix ("statement AddPerm lists only
arn:aws:s3:::my-bucket/*").
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from checker.policy.compiled import CompiledPolicy, NearMiss, compiled, remember
from checker.policy.conditions import evaluate_condition
from checker.policy.decision import Evidence, Tri
from checker.policy.evaluate import principal_part, requester_of, resource_part
from checker.policy.model import Policy, PolicyType, Principal, Statement
from checker.policy.request import Request
from checker.records import record

_NOUNS = {
    PolicyType.BUCKET: "the bucket policy",
    PolicyType.REPOSITORY: "the repository policy",
    PolicyType.KEY: "the key policy",
    PolicyType.MODEL_PACKAGE_GROUP: "the model package group policy",
    PolicyType.BOUNDARY: "the permissions boundary",
}
_LISTED = 3  # how many patterns a hint quotes before "…"


def policy_noun(policy: Policy) -> str:
    """``the bucket policy``, ``identity policy policies/role.json``, ``SCP scp.json``."""
    return _noun(policy.type, policy.source)


def _noun(policy_type: PolicyType, source: str) -> str:
    """``policy_noun`` from the two fields it reads (cacheable callers pass just these)."""
    known = _NOUNS.get(policy_type)
    if known:
        return known
    if policy_type is PolicyType.SCP:
        return f"SCP {source}"
    if policy_type is PolicyType.RCP:
        return f"RCP {source}"
    return f"identity policy {source}"


def statement_ref(policy: Policy, statement: Statement) -> str:
    return _statement_ref(policy.type, policy.source, statement.label)


@lru_cache(maxsize=16384)
def _statement_ref(policy_type: PolicyType, source: str, label: str) -> str:
    return f"statement {label} of {_noun(policy_type, source)}"


def evidence_of(policy: Policy, statement: Statement) -> Evidence:
    return _evidence(policy.source, statement.label)


@lru_cache(maxsize=16384)
def _evidence(source: str, label: str) -> Evidence:
    return Evidence(source, label)


def _quote(items: tuple[str, ...]) -> str:
    shown = ", ".join(items[:_LISTED])
    return shown + (", …" if len(items) > _LISTED else "")


def _principal_text(principal: Principal) -> str:
    names = (*principal.aws, *principal.service, *principal.federated, *principal.canonical_user)
    return _quote(names) if names else "no principal"


def _near_misses(cp: CompiledPolicy, request: Request, has_boundary: bool) -> tuple[NearMiss, ...]:
    """Allow statements missing at most one of action, principal and resource (memoized
    unless a Resource holds policy variables, whose values come from the context)."""
    key = (request.principal, request.action, request.resource, has_boundary)
    cacheable = not cp.resource_variables
    if cacheable and key in cp.near_misses:
        return cp.near_misses[key]
    requester = requester_of(request, None)
    found: list[NearMiss] = []
    for cs in cp.statements:
        if cs.statement.effect != "Allow":
            continue
        action = cs.action_applies(request.action)
        principal = principal_part(cs, cp, requester, has_boundary).tri is not Tri.FALSE
        resource = (
            resource_part(cs, cp.policy, request.resource, request.context).tri is not Tri.FALSE
        )
        if [action, principal, resource].count(False) <= 1:
            found.append((cs, action, principal, resource))
    result = tuple(found)
    if cacheable:
        remember(cp.near_misses, key, result)
    return result


@record
class Hint:
    """An Allow statement that missed the request on exactly one count."""

    statement: Statement
    text: str


def closest_allow(
    policy: Policy, request: Request, *, principal_has_boundary: bool = False
) -> Hint | None:
    """The Allow statements of ``policy`` that fail only one of action / resource /
    principal / conditions, with a parenthesis-ready explanation: every statement about the
    request's action (and why it misses), else the first that misses only on the action."""
    hints = list(_hints(policy, request, principal_has_boundary))
    about_action = [hint for hint, action in hints if action]
    if about_action:
        return Hint(about_action[0].statement, "; ".join(hint.text for hint in about_action))
    return hints[0][0] if hints else None


def _hints(
    policy: Policy, request: Request, principal_has_boundary: bool
) -> Iterator[tuple[Hint, bool]]:
    """Each near-miss Allow statement's hint, and whether it is about the request's action."""
    cp = compiled(policy)
    for cs, action, principal, resource in _near_misses(cp, request, principal_has_boundary):
        statement = cs.statement
        misses = [action, principal, resource].count(False)
        failing = [
            c for c in cs.conditions if evaluate_condition(c, request.context).tri is Tri.FALSE
        ]
        if misses + (1 if failing else 0) != 1:
            continue
        label = statement.label
        if not resource:
            if statement.resource is not None:
                text = f"statement {label} lists only {_quote(statement.resource)}"
            elif statement.not_resource is not None:
                excluded = _quote(statement.not_resource)
                text = f"statement {label} excludes it with NotResource {excluded}"
            else:
                text = f"statement {label} has no Resource element"
        elif not action:
            if statement.action is not None:
                text = f"statement {label} allows only {_quote(statement.action)}"
            else:
                excluded = _quote(statement.not_action or ())
                text = f"statement {label} excludes it with NotAction {excluded}"
        elif not principal:
            if statement.principal is not None:
                text = f"statement {label} names only {_principal_text(statement.principal)}"
            elif statement.not_principal is not None:
                excluded = _principal_text(statement.not_principal)
                text = f"statement {label} excludes it with NotPrincipal {excluded}"
            else:
                text = f"statement {label} has no Principal element"
        else:
            labels = ", ".join(c.label for c in failing)
            text = f"statement {label} requires {labels}, which does not hold"
        yield Hint(statement, text), action
