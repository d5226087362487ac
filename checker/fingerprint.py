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


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _subject_text(statement_or_field: Mapping[str, Any] | str) -> str:
    if isinstance(statement_or_field, Mapping):
        return _dumps(normalize_statement(statement_or_field))
    return _dumps(statement_or_field)


# The hashed text is json.dumps([rule_id, resource, subject, detail]), written in two parts:
# the head (rule, resource, subject) hashed once per statement, the detail after it.
def _head(rule_id: str, resource: str, subject_text: str) -> Any:
    return hashlib.sha256(f"[{_dumps(rule_id)}, {_dumps(resource)}, {subject_text}".encode())


def _finish(head: Any, detail: str) -> str:
    hasher = head.copy()
    hasher.update(f", {_dumps(detail)}]".encode())
    return str(hasher.hexdigest()[:20])


def fingerprint(
    rule_id: str, resource: str, statement_or_field: Mapping[str, Any] | str, detail: str = ""
) -> str:
    """A 20-hex-digit hash of the rule, the resource and the statement content (or field path).

    ``detail`` separates several findings of one rule on one statement (one per action, say).
    """
    return _finish(_head(rule_id, resource, _subject_text(statement_or_field)), detail)


class Fingerprints:
    """``fingerprint`` for many findings: each statement is normalized and hashed once per
    rule, however many findings point at it (one per action of a 2,000-action statement, say),
    so fingerprinting stays linear in the size of the policies."""

    def __init__(self) -> None:
        # By identity: the statements are the plan's own objects, alive for the whole run.
        self._texts: dict[int, tuple[Mapping[str, Any], str]] = {}
        self._heads: dict[tuple[str, str, int], Any] = {}
        self.normalized = 0  # statements normalized so far (the work a test can bound)

    def __call__(
        self,
        rule_id: str,
        resource: str,
        statement_or_field: Mapping[str, Any] | str,
        detail: str = "",
    ) -> str:
        if not isinstance(statement_or_field, Mapping):
            return fingerprint(rule_id, resource, statement_or_field, detail)
        # Each statement is kept in the cache, so its id cannot be reused by another object.
        cached = self._texts.get(id(statement_or_field))
        if cached is None:
            cached = (statement_or_field, _subject_text(statement_or_field))
            self._texts[id(statement_or_field)] = cached
            self.normalized += 1
        key = (rule_id, resource, id(statement_or_field))
        head = self._heads.get(key)
        if head is None:
            head = self._heads[key] = _head(rule_id, resource, cached[1])
        return _finish(head, detail)
