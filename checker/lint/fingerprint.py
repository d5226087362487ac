"""Stable finding fingerprints, for baselines and for tracking findings across runs.

A fingerprint hashes the rule, the resource the finding is about and the *normalized content*
of the statement (or the plan field path) it points at. The statement's index, line and Sid
order play no part, so adding, removing or moving other statements leaves it unchanged; a
change to the statement itself (a new action, another principal) gives a new fingerprint, as
a reviewer would want: the suppression was granted for what the statement said.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

# Elements whose value is a string or a list with no meaningful order.
_UNORDERED = frozenset({"Action", "NotAction", "Resource", "NotResource"})
# Elements whose names and values ignore case in IAM.
_CASELESS_VALUES = frozenset({"Action", "NotAction"})


def _as_sorted_list(value: Any, *, lower: bool) -> Any:
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str) for item in items):
        return value
    return sorted({item.lower() if lower else item for item in items})


def _normalize_principal(value: Any) -> Any:
    if not isinstance(value, Mapping):
        return value
    return {str(kind): _as_sorted_list(entries, lower=False) for kind, entries in value.items()}


def _normalize_condition(value: Any) -> Any:
    if not isinstance(value, Mapping):
        return value
    normalized: dict[str, Any] = {}
    for operator, block in value.items():
        if not isinstance(block, Mapping):
            normalized[str(operator)] = block
            continue
        # Condition keys ignore case; values keep theirs (most operators are case-sensitive).
        normalized[str(operator)] = {
            str(key).lower(): _as_sorted_list(item, lower=False) for key, item in block.items()
        }
    return normalized


def normalize_statement(statement: Mapping[str, Any]) -> dict[str, Any]:
    """The statement with IAM's insignificant differences removed (list order, a single
    string vs a one-item list, action and condition-key case)."""
    normalized: dict[str, Any] = {}
    for key, value in statement.items():
        if key in _UNORDERED:
            normalized[key] = _as_sorted_list(value, lower=key in _CASELESS_VALUES)
        elif key in ("Principal", "NotPrincipal"):
            normalized[key] = _normalize_principal(value)
        elif key == "Condition":
            normalized[key] = _normalize_condition(value)
        else:
            normalized[key] = value
    return normalized


def fingerprint(
    rule_id: str, resource: str, statement_or_field: Mapping[str, Any] | str, detail: str = ""
) -> str:
    """A 20-hex-digit hash of the rule, the resource and the statement content (or field path).

    ``detail`` separates several findings of one rule on one statement (one per action, say).
    """
    subject: Any = (
        normalize_statement(statement_or_field)
        if isinstance(statement_or_field, Mapping)
        else statement_or_field
    )
    text = json.dumps(
        [rule_id, resource, subject, detail], sort_keys=True, ensure_ascii=False, default=str
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
