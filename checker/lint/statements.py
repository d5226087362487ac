"""Questions several rules ask about one parsed statement: who it names, what limits it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker.policy.conditions import parse_operator
from checker.policy.model import Statement
from checker.policy.principals import parse_principal

# Keys that pin a request to known callers, as IAM Access Analyzer counts them: a statement
# open to "*" with a positive test on one of these is not public.
RESTRICTING_KEYS = frozenset(
    key.lower()
    for key in (
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:PrincipalServiceName",
        "aws:SourceAccount",
        "aws:SourceArn",
        "aws:SourceOrgID",
        "aws:SourceOrgPaths",
        "aws:SourceIp",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:VpcSourceIp",
        "aws:userid",
        "aws:username",
        "kms:CallerAccount",
        "s3:DataAccessPointAccount",
        "s3:DataAccessPointArn",
    )
)
ORGANIZATION_KEYS = frozenset({"aws:principalorgid", "aws:principalorgpaths"})


def with_condition(
    statement: Mapping[str, Any], operator: str, key: str, value: Any
) -> dict[str, Any]:
    """A copy of a raw ``statement`` whose Condition also tests ``key`` with ``operator``
    (the statement's own Condition is left as it was)."""
    fixed = dict(statement)
    condition = {k: dict(v) for k, v in dict(fixed.get("Condition", {})).items()}
    condition.setdefault(operator, {})[key] = value
    fixed["Condition"] = condition
    return fixed


def principal_arns(statement: Statement) -> tuple[str, ...]:
    return statement.principal.aws if statement.principal else ()


def is_public(statement: Statement) -> bool:
    return statement.principal is not None and statement.principal.wildcard


def other_accounts(statement: Statement, owner: str) -> list[str]:
    """Accounts other than ``owner`` whose principals the statement names (sorted)."""
    accounts = {parse_principal(arn).account for arn in principal_arns(statement)}
    return sorted(account for account in accounts if account and account != owner)


def limiting_condition_keys(statement: Statement) -> set[str]:
    """Lower-cased keys tested by a condition that can only narrow who matches.

    Negated operators, ``…IfExists`` (true when the key is missing, as for anonymous callers)
    and ``ForAllValues:`` (true for an empty set) do not narrow; nor does a value of ``*``.
    """
    keys: set[str] = set()
    for condition in statement.conditions:
        operator = parse_operator(condition.operator)
        if operator is None or operator.spec.negated or operator.if_exists:
            continue
        if operator.spec.family in ("null", "bool") or operator.set_operator == "all":
            continue
        if not condition.values or all(value == "*" for value in condition.values):
            continue
        keys.add(condition.key.lower())
    return keys


def is_restricted(statement: Statement) -> bool:
    return bool(limiting_condition_keys(statement) & RESTRICTING_KEYS)


def has_organization_condition(statement: Statement) -> bool:
    return bool(limiting_condition_keys(statement) & ORGANIZATION_KEYS)


def action_services(statement: Statement) -> set[str]:
    """Service prefixes of the statement's actions; ``*`` when it names every service."""
    if statement.not_action is not None:
        return {"*"}
    services: set[str] = set()
    for action in statement.action or ():
        services.add(action.split(":", 1)[0].lower() if ":" in action else "*")
    return services
