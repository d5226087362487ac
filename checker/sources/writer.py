"""The plan xreg derived from a plan's sources, written out for review or editing.

Each entry a source gave carries ``x-origin`` (file, line and column, and the template
property, Terraform address or pipeline step); the registration's is under the top-level
``x-origins``. A resource whose policy holds a value unknown offline is left out (so that the
written plan, checked again, finds it unknown rather than taking a placeholder for a value);
an identity policy holding one is replaced by a policy that denies everything (a plan cannot
say "unknown" of one identity policy, and leaving it out could drop a Deny). Both are listed
under ``x-unresolved`` with the reasons.
"""

from __future__ import annotations

import copy
from typing import Any

from checker.errors import parse_field_path
from checker.plan.model import Plan
from checker.plan.source_facts import FieldOrigin


def _origin_text(origin: FieldOrigin) -> str:
    place = f"{origin.source}:{origin.line}:{origin.column}" if origin.line else origin.source
    return f"{place} {origin.where}"


def derived_plan(plan: Plan) -> dict[str, Any]:
    """The plan's data with its sources merged in, each derived value with its origin."""
    data: dict[str, Any] = copy.deepcopy(dict(plan.raw))
    data.pop("sources", None)
    facts = plan.source_facts
    if facts is None:
        return data
    origins: dict[str, str] = {}
    for field_text, origin in facts.origins.items():
        path = parse_field_path(field_text)
        if path == ("registration",):
            origins["registration"] = _origin_text(origin)
            continue
        _at(data, path)["x-origin"] = _origin_text(origin)
    loaded = plan.loaded_policies()
    dropped: dict[tuple[str | int, ...], list[str]] = {}
    unresolved: list[dict[str, Any]] = []
    for label, statements in facts.unresolved.items():
        policy = loaded.get(label)
        if policy is None:
            continue
        field = parse_field_path(policy.plan_field)
        reasons = list(dict.fromkeys(statement.reason for statement in statements))
        if all(item.effect == "Allow" and item.statement is not None for item in statements):
            # An Allow can only add permissions: without it the plan may deny more, never less.
            document = _at(data, field)
            listed = document.get("Statement")
            gone = {item.statement for item in statements}
            kept = (
                [st for index, st in enumerate(listed) if index not in gone]
                if isinstance(listed, list)
                else []
            )
            entry = _at(data, field[: 3 if field[0] == "resources" else 2])
            unresolved.append(
                {
                    "field": policy.plan_field,
                    "origin": entry.get("x-origin", ""),
                    "reasons": reasons,
                    "left_out": "the Allow statements that hold these values",
                }
            )
            if kept:
                document["Statement"] = kept
            elif field[0] == "resources":
                entry["policy"] = None
            else:
                _at(data, field[:-1])[field[-1]] = None
            continue
        if field[0] == "identities":
            identity = _at(data, field[:2])
            unresolved.append(
                {
                    "field": policy.plan_field,
                    "origin": identity.get("x-origin", ""),
                    "reasons": reasons,
                }
            )
            _at(data, field[:-1])[field[-1]] = _stand_in(label)
            continue
        dropped.setdefault(field[:3], []).extend(reasons)
    for path, reasons in dropped.items():
        entry = _at(data, path)
        unresolved.append(
            {"field": _text(path), "origin": entry.get("x-origin", ""), "reasons": reasons}
        )
    for path in sorted(dropped, key=lambda item: -int(item[-1])):
        container = _at(data, path[:-1])
        del container[int(path[-1])]
    for identity in data.get("identities") or []:
        identity["policies"] = [item for item in identity.get("policies", []) if item is not None]
    for entries in (data.get("resources") or {}).values():
        for entry in entries:
            if "policy" in entry and entry["policy"] is None:
                del entry["policy"]
    for kind in list(data.get("resources") or {}):
        if not data["resources"][kind]:
            del data["resources"][kind]
    if data.get("identities") == []:
        del data["identities"]
    if origins:
        data["x-origins"] = origins
    if unresolved:
        data["x-unresolved"] = sorted(unresolved, key=lambda item: item["field"])
    return data


def _stand_in(label: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Id": f"unresolved {label}",
        "Statement": [{"Sid": "Unresolved", "Effect": "Deny", "Action": "*", "Resource": "*"}],
    }


def _at(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _text(path: tuple[str | int, ...]) -> str:
    from checker.errors import field_path

    return field_path(path)
