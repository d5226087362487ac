"""Parse an IAM JSON policy document into the policy model, with exact error locations.

The grammar is the IAM JSON policy reference: ``Version`` (optional), ``Id``, ``Statement``
as one object or a non-empty list; each statement has ``Sid``, ``Effect``, exactly one of
``Action`` / ``NotAction``, at most one of ``Resource`` / ``NotResource`` and of
``Principal`` / ``NotPrincipal``, and ``Condition``. What a policy *type* forbids (a
``Resource`` in an ECR repository policy, a ``Principal`` in an identity policy) is kept as
written: lint rules judge it, the parser does not.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from checker.errors import InputError, field_path
from checker.errors import json_type_name as _kind
from checker.policy.conditions import parse_operator
from checker.policy.model import Condition, Effect, Policy, PolicyType, Principal, Statement
from checker.policy.principals import ACCOUNT_ID

MAX_DEPTH: Final = 10
MAX_STATEMENTS: Final = 1000
VERSIONS: Final = ("2012-10-17", "2008-10-17")

DOCUMENT_KEYS: Final = ("Version", "Id", "Statement")
STATEMENT_KEYS: Final = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
_PRINCIPAL_KEYS: Final = ("AWS", "Service", "Federated", "CanonicalUser")

Path = tuple[str | int, ...]


class _Parser:
    def __init__(self, source: str, partition: str) -> None:
        self.source = source
        self.partition = partition

    def fail(self, path: Path, reason: str) -> InputError:
        return InputError(self.source, field_path(path), reason)

    def string(self, value: object, path: Path, what: str) -> str:
        if not isinstance(value, str):
            raise self.fail(path, f"{what} must be a string, not {_kind(value)}")
        return value

    def strings(self, value: object, path: Path, what: str) -> tuple[str, ...]:
        """A string or a non-empty list of strings."""
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list):
            raise self.fail(
                path, f"{what} must be a string or a list of strings, not {_kind(value)}"
            )
        if not value:
            raise self.fail(path, f"{what} must not be an empty list")
        return tuple(self.string(item, (*path, index), what) for index, item in enumerate(value))

    def principal(self, value: object, path: Path) -> Principal:
        if value == "*":
            return Principal(wildcard=True)
        if not isinstance(value, Mapping):
            raise self.fail(path, 'a principal must be "*" or an object such as {"AWS": ...}')
        if not value:
            raise self.fail(path, "a principal object must name at least one principal")
        found: dict[str, tuple[str, ...]] = {}
        for key, item in value.items():
            if key not in _PRINCIPAL_KEYS:
                raise self.fail(
                    (*path, key),
                    f"unknown principal type (expected one of {', '.join(_PRINCIPAL_KEYS)})",
                )
            found[key] = self.strings(item, (*path, key), f"{key} principal")
        aws = found.get("AWS", ())
        wildcard = "*" in aws
        return Principal(
            wildcard=wildcard,
            aws=tuple(self.account_arn(entry) for entry in aws if entry != "*"),
            service=found.get("Service", ()),
            federated=found.get("Federated", ()),
            canonical_user=found.get("CanonicalUser", ()),
        )

    def account_arn(self, entry: str) -> str:
        """A bare account id means that account's root."""
        if ACCOUNT_ID.match(entry):
            return f"arn:{self.partition}:iam::{entry}:root"
        return entry

    def conditions(self, value: object, path: Path) -> tuple[Condition, ...]:
        if not isinstance(value, Mapping):
            raise self.fail(path, f"Condition must be an object, not {_kind(value)}")
        result: list[Condition] = []
        for operator, block in value.items():
            block_path = (*path, operator)
            if not isinstance(operator, str) or parse_operator(operator) is None:
                raise self.fail(block_path, f"unknown condition operator {operator!r}")
            if not isinstance(block, Mapping):
                raise self.fail(
                    block_path,
                    f"a condition operator takes an object of keys, not {_kind(block)}",
                )
            if not block:
                raise self.fail(block_path, "a condition operator must test at least one key")
            for key, raw in block.items():
                key_path = (*block_path, key)
                values = self.condition_values(raw, key_path)
                result.append(Condition(operator, key, values))
        return tuple(result)

    def condition_values(self, raw: object, path: Path) -> tuple[str, ...]:
        items = raw if isinstance(raw, list) else [raw]
        values: list[str] = []
        for index, item in enumerate(items):
            item_path = (*path, index) if isinstance(raw, list) else path
            if isinstance(item, str):
                values.append(item)
            elif isinstance(item, bool | int | float):
                # Booleans and numbers keep their JSON spelling: "true", "10", "1.5".
                values.append(json.dumps(item))
            else:
                raise self.fail(
                    item_path,
                    f"a condition value must be a string, number or boolean, not {_kind(item)}",
                )
        return tuple(values)

    def statement(self, value: object, path: Path, index: int, line: int | None) -> Statement:
        if not isinstance(value, Mapping):
            raise self.fail(path, f"a statement must be an object, not {_kind(value)}")
        for key in value:
            if key not in STATEMENT_KEYS:
                raise self.fail((*path, key), "unknown statement element")
        sid = self.string(value["Sid"], (*path, "Sid"), "Sid") if "Sid" in value else None
        if "Effect" not in value:
            raise self.fail((*path, "Effect"), 'a statement needs an Effect ("Allow" or "Deny")')
        effect_value = value["Effect"]
        if effect_value not in ("Allow", "Deny"):
            raise self.fail(
                (*path, "Effect"),
                f'Effect must be "Allow" or "Deny", not {json.dumps(effect_value)}',
            )
        effect: Effect = "Allow" if effect_value == "Allow" else "Deny"
        self.exactly_one(value, path, "Action", "NotAction")
        self.at_most_one(value, path, "Resource", "NotResource")
        self.at_most_one(value, path, "Principal", "NotPrincipal")

        def optional_strings(key: str) -> tuple[str, ...] | None:
            return self.strings(value[key], (*path, key), key) if key in value else None

        def optional_principal(key: str) -> Principal | None:
            return self.principal(value[key], (*path, key)) if key in value else None

        conditions = (
            self.conditions(value["Condition"], (*path, "Condition"))
            if "Condition" in value
            else ()
        )
        return Statement(
            index=index,
            sid=sid,
            effect=effect,
            principal=optional_principal("Principal"),
            not_principal=optional_principal("NotPrincipal"),
            action=optional_strings("Action"),
            not_action=optional_strings("NotAction"),
            resource=optional_strings("Resource"),
            not_resource=optional_strings("NotResource"),
            conditions=conditions,
            line=line,
        )

    def exactly_one(self, value: Mapping[str, Any], path: Path, first: str, second: str) -> None:
        if first in value and second in value:
            raise self.fail((*path, second), f"a statement takes {first} or {second}, not both")
        if first not in value and second not in value:
            raise self.fail((*path, first), f"a statement needs {first} or {second}")

    def at_most_one(self, value: Mapping[str, Any], path: Path, first: str, second: str) -> None:
        if first in value and second in value:
            raise self.fail((*path, second), f"a statement takes {first} or {second}, not both")


def _too_deep(document: object) -> Path | None:
    """The path of the first value nested deeper than ``MAX_DEPTH``; iterative, so a
    pathological document cannot exhaust the stack."""
    stack: list[tuple[object, Path]] = [(document, ())]
    while stack:
        value, path = stack.pop()
        if len(path) >= MAX_DEPTH and isinstance(value, Mapping | list):
            return path
        if isinstance(value, Mapping):
            stack.extend((item, (*path, str(key))) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((item, (*path, index)) for index, item in enumerate(value))
    return None


def parse_policy(
    document: object,
    *,
    source: str,
    policy_type: PolicyType,
    attached_to: str | None = None,
    partition: str = "aws",
    lines: Mapping[tuple[str | int, ...], tuple[int, int]] | None = None,
) -> Policy:
    """Parse ``document`` (already decoded JSON) or raise ``InputError`` naming the field."""
    parser = _Parser(source, partition)
    if not isinstance(document, Mapping):
        raise parser.fail((), f"a policy document must be a JSON object, not {_kind(document)}")
    deep = _too_deep(document)
    if deep is not None:
        raise parser.fail(
            deep, f"nested deeper than any policy can be (more than {MAX_DEPTH} levels)"
        )
    for key in document:
        if key not in DOCUMENT_KEYS:
            raise parser.fail(
                (str(key),), "unknown policy element (expected Version, Id, Statement)"
            )
    version = None
    if "Version" in document:
        version = parser.string(document["Version"], ("Version",), "Version")
        if version not in VERSIONS:
            raise parser.fail(
                ("Version",), f"Version must be one of {', '.join(VERSIONS)}, not {version!r}"
            )
    policy_id = parser.string(document["Id"], ("Id",), "Id") if "Id" in document else None
    if "Statement" not in document:
        raise parser.fail(("Statement",), "a policy needs a Statement")
    raw = document["Statement"]
    positions = lines or {}
    statements: Sequence[tuple[object, Path]]
    if isinstance(raw, Mapping):
        statements = [(raw, ("Statement",))]
    elif isinstance(raw, list):
        if not raw:
            raise parser.fail(("Statement",), "Statement must not be an empty list")
        if len(raw) > MAX_STATEMENTS:
            raise parser.fail(("Statement",), f"more than {MAX_STATEMENTS} statements")
        statements = [(item, ("Statement", index)) for index, item in enumerate(raw)]
    else:
        raise parser.fail(
            ("Statement",), f"Statement must be an object or a list, not {_kind(raw)}"
        )
    parsed = []
    for index, (item, path) in enumerate(statements):
        position = positions.get(path)
        parsed.append(parser.statement(item, path, index, position[0] if position else None))
    return Policy(
        source=source,
        type=policy_type,
        statements=tuple(parsed),
        version=version,
        id=policy_id,
        attached_to=attached_to,
        document=document,
    )
