"""Which identity of the plan speaks for a principal: itself, or for a role session its role."""

from __future__ import annotations

from checker.plan.model import Identity, Plan
from checker.refs import IamPrincipal, parse_principal_arn


def find_identity(plan: Plan, principal: str) -> Identity | None:
    """The plan's identity for ``principal``; for a role session
    (``arn:P:sts::A:assumed-role/ROLE/SESSION``) the role's, matched by partition, account and
    name whatever its path (role names are unique in an account; a session ARN drops the path).
    """
    for identity in plan.identities:
        if identity.principal == principal:
            return identity
    session = _session_of(plan, principal)
    if session is None:
        return None
    for identity in plan.identities:
        role = identity.parsed
        if role.kind == "role" and (role.partition, role.account, role.name) == (
            session.partition,
            session.account,
            session.name,
        ):
            return identity
    return None


def identity_principal(plan: Plan, principal: str) -> str:
    """Whose identity policies decide for ``principal``: a session's role (its ARN from
    ``identities`` when listed, else without a path), else the principal itself."""
    identity = find_identity(plan, principal)
    if identity is not None:
        return identity.principal
    session = _session_of(plan, principal)
    if session is None:
        return principal
    return f"arn:{session.partition}:iam::{session.account}:role/{session.name}"


def _parsed(principal: str) -> IamPrincipal | None:
    try:
        return parse_principal_arn(principal)
    except ValueError:
        return None


def _session_of(plan: Plan, principal: str) -> IamPrincipal | None:
    # The plan's own principals were parsed at load; any other name is parsed here, strictly.
    parsed = plan.principal(principal) or _parsed(principal)
    return parsed if parsed is not None and parsed.kind == "assumed-role" else None
