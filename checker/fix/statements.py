"""Building and merging policy statements: the smallest change that closes a gap."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from typing import Any

from checker.policy.model import PolicyType
from checker.policy.principals import parse_principal

# Negated operators whose value lists mean "none of these": adding a value narrows a Deny.
_EXCLUDING_OPERATORS = ("ArnNotEquals", "ArnNotLike", "StringNotEquals", "StringNotLike")


def sid_for(principal: str) -> str:
    """A readable, valid Sid naming whom the statement is for (``XregAllowDeployRole``)."""
    name = principal.rsplit(":", 1)[-1]
    name = (
        "Account" + parse_principal(principal).account
        if name == "root"
        else name.rsplit("/", 1)[-1]
    )
    return "XregAllow" + re.sub(r"[^A-Za-z0-9]", "", name)


def unique_sid(sid: str, taken: set[str]) -> str:
    candidate, number = sid, 2
    while candidate in taken:
        candidate, number = f"{sid}{number}", number + 1
    taken.add(candidate)
    return candidate


def allow_statement(
    policy_type: PolicyType,
    sid: str,
    principal: str | None,
    actions: Iterable[str],
    resources: Iterable[str],
) -> dict[str, Any]:
    statement: dict[str, Any] = {"Sid": sid, "Effect": "Allow"}
    if principal is not None:
        statement["Principal"] = {"AWS": principal}
    action_list = sorted(set(actions), key=str.lower)
    statement["Action"] = action_list[0] if len(action_list) == 1 else action_list
    if policy_type is PolicyType.REPOSITORY:
        return statement  # ECR repository policies have no Resource element
    if policy_type is PolicyType.KEY:
        statement["Resource"] = "*"  # in a key policy "*" means this key
        return statement
    resource_list = sorted(set(resources))
    statement["Resource"] = resource_list[0] if len(resource_list) == 1 else resource_list
    return statement


def statements_of(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    raw = document.get("Statement", [])
    return [copy.deepcopy(raw)] if isinstance(raw, dict) else copy.deepcopy(list(raw))


def exclude_principal(statement: dict[str, Any], condition_key: str, value: str) -> None:
    """Narrow a Deny so it no longer applies to ``value`` of ``condition_key``.

    A key already under an excluding operator gets the value appended (its values mean "none
    of these"); otherwise a new condition is added, which ANDs with the existing ones.
    """
    conditions: dict[str, Any] = statement.setdefault("Condition", {})
    for operator in _EXCLUDING_OPERATORS:
        block = conditions.get(operator)
        if not isinstance(block, dict):
            continue
        for key in list(block):
            if key.lower() == condition_key.lower():
                values = block[key] if isinstance(block[key], list) else [block[key]]
                if value not in values:
                    block[key] = [*values, value]
                return
    operator = "StringNotEquals" if condition_key == "aws:PrincipalAccount" else "ArnNotEquals"
    block = conditions.setdefault(operator, {})
    block[condition_key] = value


def merged_document(
    document: Mapping[str, Any] | None,
    added: list[dict[str, Any]],
    narrowed: Mapping[int, dict[str, Any]],
) -> dict[str, Any]:
    """``document`` with ``narrowed`` statements replaced in place and ``added`` appended;
    every other statement and top-level element is kept as it was."""
    if document is None:
        return {"Version": "2012-10-17", "Statement": added}
    result = {key: copy.deepcopy(value) for key, value in document.items() if key != "Statement"}
    result.setdefault("Version", "2012-10-17")
    statements = statements_of(document)
    for index, replacement in narrowed.items():
        statements[index] = replacement
    result["Statement"] = statements + added
    return result
