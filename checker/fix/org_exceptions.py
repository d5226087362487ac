"""Narrowing an SCP or RCP Deny for one request, in the form the statement already uses.

An organization policy's Deny is a guardrail: the fix spares one request and keeps the rest.
The data-perimeter statements of aws-samples/data-perimeter-policy-examples hold their
exceptions in negated blocks (``StringNotEqualsIfExists`` on ``aws:PrincipalOrgID``,
``aws:PrincipalAccount``, ``aws:ResourceOrgID``, ``aws:ResourceAccount``...): adding the
request's own value to such a list makes that conjunct false, so the statement no longer
applies to it. A statement about the resource's side (a resource perimeter) gets an
``aws:ResourceAccount`` exception in the block it already has; any other an exception for
the principal (``checker.fix.statements.exclude_principal``).
"""

from __future__ import annotations

from typing import Any

from checker.fix.statements import exclude_principal
from checker.policy.request import RequestContext

# Keys whose request value is one fact of the plan, narrowest first within each side.
_PRINCIPAL_KEYS = ("aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalOrgID")
_RESOURCE_KEYS = ("aws:ResourceAccount", "aws:ResourceOrgID")
_NEGATED = ("stringnotequals", "stringnotlike", "arnnotequals", "arnnotlike")


def _negated_blocks(statement: dict[str, Any]) -> list[dict[str, Any]]:
    """The condition blocks whose values mean "none of these" (IfExists or not)."""
    conditions = statement.get("Condition")
    if not isinstance(conditions, dict):
        return []
    blocks = []
    for operator, block in conditions.items():
        name = operator.lower().removesuffix("ifexists")
        if name in _NEGATED and isinstance(block, dict):
            blocks.append(block)
    return blocks


def _known(context: RequestContext, key: str) -> str | None:
    found = context.lookup(key)
    if isinstance(found, tuple) and len(found) == 1:
        return found[0]
    return None


def narrow_for_request(
    statement: dict[str, Any],
    context: RequestContext,
    principal: str,
    organization_id: str | None = None,
    *,
    principal_account: str,
) -> None:
    """Narrow the Deny ``statement`` (a copy, edited in place) so that it spares the request
    of ``context`` by ``principal`` (of ``principal_account``). When the request is inside
    ``organization_id`` (the plan's) and the statement lists organizations, the organization
    joins that list: the guardrail was meant to let it through. Otherwise the narrowest known
    value does."""
    blocks = _negated_blocks(statement)
    lowered = {key.lower(): (block, key) for block in blocks for key in block}
    resource_side = any(key.lower() in lowered for key in _RESOURCE_KEYS)
    order: list[str] = []
    if organization_id is not None:
        order.extend(
            key
            for key in ("aws:PrincipalOrgID", "aws:ResourceOrgID")
            if _known(context, key) == organization_id
        )
    order.extend((*_PRINCIPAL_KEYS, *_RESOURCE_KEYS))
    for key in order:
        entry = lowered.get(key.lower())
        value = _known(context, key)
        if entry is None or value is None:
            continue
        block, spelled = entry
        values = block[spelled] if isinstance(block[spelled], list) else [block[spelled]]
        if value not in values:
            block[spelled] = [*values, value]
        return
    account = _known(context, "aws:ResourceAccount")
    if resource_side and account is not None:
        block = next(b for b in blocks if any(k.lower() in _lower(_RESOURCE_KEYS) for k in b))
        block["aws:ResourceAccount"] = account
        return
    if principal.endswith(":root"):
        exclude_principal(statement, "aws:PrincipalAccount", principal_account)
    else:
        exclude_principal(statement, "aws:PrincipalArn", principal)


def _lower(keys: tuple[str, ...]) -> frozenset[str]:
    return frozenset(key.lower() for key in keys)
