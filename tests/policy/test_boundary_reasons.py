"""Within one account, a denial the permissions boundary causes says so in its reason, not
"neither an identity policy nor the bucket policy allows" when one of them does."""

from __future__ import annotations

import json
from typing import Any

import pytest

from checker.policy import decide_access
from tests.policy.tables.test_decide_tables import TABLES, question_of


def _case(name: str) -> dict[str, Any]:
    data = json.loads((TABLES / "permissions-boundaries.json").read_text(encoding="utf-8"))
    return next(case for case in data["cases"] if case["name"] == name)


@pytest.mark.parametrize(
    ("name", "granted_by"),
    [
        ("boundary-caps-the-identity-policy", None),
        ("same-account-grant-to-a-role-is-capped", "statement ReaderMayRead of the bucket policy"),
    ],
)
def test_the_reason_names_the_boundary_and_the_grant_it_caps(
    name: str, granted_by: str | None
) -> None:
    result = decide_access(question_of(_case(name)))
    assert result.decision.value == "implicit_deny"
    assert "permissions boundary does not allow" in result.because
    assert not result.because.startswith("neither")
    if granted_by is not None:
        assert result.because.startswith(f"{granted_by} allows")
