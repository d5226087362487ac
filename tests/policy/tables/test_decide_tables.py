"""decide_access against the tables of this folder: one JSON file per topic of AWS's policy
evaluation logic, each case a request, its policies, and AWS's decision with a reason fragment.

How to add a case: README.md beside this file. Every file is validated against
``case.schema.json`` first, so a malformed case fails naming its file, field and reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from checker.policy import (
    AccessQuestion,
    Grant,
    Policy,
    PolicyType,
    Request,
    RequestContext,
    decide_access,
    parse_policy,
)

TABLES = Path(__file__).resolve().parent
SCHEMA = json.loads((TABLES / "case.schema.json").read_text(encoding="utf-8"))
_VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def topic_files() -> list[Path]:
    found = (path for path in TABLES.glob("*.json") if not path.name.endswith(".schema.json"))
    return sorted(found, key=lambda path: path.name)


def _where(path: Any) -> str:
    where = "$"
    for part in path:
        where += f"[{part}]" if isinstance(part, int) else f".{part}"
    return where


def problems(name: str, data: Any) -> list[str]:
    """Every way ``data`` (the topic file ``name``) is malformed, one line each."""
    found = [
        f"{name}: {_where(error.absolute_path)}: {error.message}"
        for error in sorted(_VALIDATOR.iter_errors(data), key=lambda e: list(e.absolute_path))
    ]
    if found:
        return found
    seen: set[str] = set()
    for index, case in enumerate(data["cases"]):
        if case["name"] in seen:
            found.append(f"{name}: $.cases[{index}].name: {case['name']!r} is used twice")
        seen.add(case["name"])
        request = case["request"]
        if "resource_account" not in request and not _arn_account(request["resource"]):
            found.append(
                f"{name}: $.cases[{index}].request: resource_account is required when the "
                "resource ARN names no account"
            )
    return found


def _arn_account(arn: str) -> str:
    parts = arn.split(":", 5)
    return parts[4] if len(parts) == 6 and parts[0] == "arn" else ""


def _context(request: Mapping[str, Any]) -> RequestContext:
    values = {
        key.lower(): (value,) if isinstance(value, str) else tuple(value)
        for key, value in request.get("context", {}).items()
    }
    return RequestContext(values, frozenset(key.lower() for key in request.get("absent", ())))


def _policy(document: Mapping[str, Any], source: str, kind: PolicyType, **kw: Any) -> Policy:
    return parse_policy(document, source=source, policy_type=kind, **kw)


def _levels(case: Mapping[str, Any], key: str, kind: PolicyType) -> Any:
    if key not in case:
        return None
    return tuple(
        tuple(
            _policy(document, f"{key[:3]}[{level}][{index}]", kind)
            for index, document in enumerate(documents)
        )
        for level, documents in enumerate(case[key])
    )


def question_of(case: Mapping[str, Any]) -> AccessQuestion:
    """The access question a case describes (sources are named as README.md says)."""
    raw = case["request"]
    request = Request(raw["principal"], raw["action"], raw["resource"], _context(raw))
    resource_policy = None
    if "resource_policy" in case:
        given = case["resource_policy"]
        kind = PolicyType(given["type"])
        attached_to = given.get("attached_to")
        if attached_to is None and kind in (PolicyType.REPOSITORY, PolicyType.KEY):
            attached_to = raw["resource"]
        resource_policy = _policy(given["document"], "resource", kind, attached_to=attached_to)
    identity = case.get("identity_policies")
    boundary = case.get("permissions_boundary")
    return AccessQuestion(
        request=request,
        resource_account=raw.get("resource_account") or _arn_account(raw["resource"]),
        principal_account=raw.get("principal_account") or _arn_account(raw["principal"]),
        resource_policy=resource_policy,
        resource_side_applies=case.get("resource_side", True),
        identity_policies=None
        if identity is None
        else tuple(
            _policy(document, f"identity[{index}]", PolicyType.IDENTITY)
            for index, document in enumerate(identity)
        ),
        permissions_boundary=None
        if boundary is None
        else _policy(boundary, "boundary", PolicyType.BOUNDARY),
        scps=_levels(case, "scps", PolicyType.SCP),
        rcps=_levels(case, "rcps", PolicyType.RCP),
        grants=tuple(
            Grant(
                grantee_principal=grant["grantee_principal"],
                operations=tuple(grant["operations"]),
                source=f"grant[{index}]",
                grant_id=grant.get("grant_id"),
                constraints=grant.get("constraints"),
            )
            for index, grant in enumerate(case.get("grants", ()))
        ),
    )


def _params() -> Iterator[Any]:
    for path in topic_files():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            found = [f"{path.name}: line {error.lineno} column {error.colno}: {error.msg}"]
        else:
            found = problems(path.name, data)
        if found:
            yield pytest.param(path.stem, None, "\n".join(found), id=f"{path.stem}::INVALID")
            continue
        for case in data["cases"]:
            yield pytest.param(path.stem, case, None, id=f"{path.stem}::{case['name']}")


@pytest.mark.parametrize(("topic", "case", "invalid"), list(_params()))
def test_case(topic: str, case: dict[str, Any] | None, invalid: str | None) -> None:
    if invalid is not None:
        pytest.fail(invalid, pytrace=False)
    assert case is not None
    result = decide_access(question_of(case))
    expected = case["expect"]
    said = f"{topic}::{case['name']}: xreg says {result.decision.value}: {result.because}"
    assert result.decision.value == expected["decision"], said
    sides = (result.identity_policy, result.resource_policy, result.organization)
    reasons = [result.because, *(side.reason for side in sides)]
    assert any(expected["reason"].lower() in reason.lower() for reason in reasons), said + "".join(
        f"\n  {side.decision.value}: {side.reason}" for side in sides
    )


def test_there_is_a_topic_file_per_topic() -> None:
    assert len(topic_files()) >= 12


def test_a_malformed_case_is_named_by_file_and_field() -> None:
    data = {
        "topic": "t",
        "sources": ["https://docs.aws.amazon.com/IAM/latest/UserGuide/x.html"],
        "cases": [
            {
                "name": "a",
                "aws": "an explanation",
                "request": {"principal": "arn:aws:iam::111111111111:role/R", "action": "s3:Get"},
                "expect": {"decision": "allow", "reason": "x"},
            }
        ],
    }
    found = problems("broken.json", data)
    assert "broken.json: $.cases[0].expect.decision: 'allow' is not one of" in found[0]
    assert any(
        line.startswith("broken.json: $.cases[0].request: 'resource' is a required property")
        for line in found
    )


def test_a_resource_without_an_account_needs_resource_account() -> None:
    case = {
        "name": "a",
        "aws": "an explanation",
        "request": {
            "principal": "arn:aws:iam::111111111111:role/R",
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::bucket/key",
        },
        "expect": {"decision": "allowed", "reason": "x"},
    }
    data = {
        "topic": "t",
        "sources": ["https://docs.aws.amazon.com/IAM/latest/UserGuide/x.html"],
        "cases": [case, case],
    }
    found = problems("s3.json", data)
    assert found[0] == (
        "s3.json: $.cases[0].request: resource_account is required when the resource ARN "
        "names no account"
    )
    assert "s3.json: $.cases[1].name: 'a' is used twice" in found
