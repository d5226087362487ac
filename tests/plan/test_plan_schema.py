"""The plan schema, and the quick check that spares valid plans the jsonschema import."""

from __future__ import annotations

import copy
import subprocess
import sys
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.plan.schema import plan_schema
from checker.schema_subset import Unsupported, conforms
from tests.conftest import ROOT
from tests.plan.plan_files import VALID_PLAN, minimal_plan

VALIDATOR = jsonschema.Draft202012Validator(plan_schema())
EXAMPLE = yaml.safe_load(VALID_PLAN.read_text())


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(plan_schema())


@pytest.mark.parametrize("plan", [EXAMPLE, minimal_plan()], ids=["example", "minimal"])
def test_valid_plans_pass_both_checks(plan: dict[str, Any]) -> None:
    assert VALIDATOR.is_valid(plan)
    assert conforms(plan, plan_schema(), plan_schema())


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


_PATHS = [path for path in _paths(EXAMPLE) if path]
_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.sampled_from(
        [
            "",
            "x",
            "222222222222",
            "2222",
            "aws",
            "aws:kms",
            "AES256",
            "CUSTOMER",
            "Decrypt",
            "us-east-2",
            "arn:aws:iam::111111111111:root",
            "arn:aws:iam::111111111111:group/x",
            "arn:aws:kms:us-east-2:222222222222:alias/aws/s3",
            "policies/bucket.json",
            "x-note",
        ]
    )
)
_values = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["x-a", "arn", "name", "sse", "Image", "a"]), children, max_size=3
        )
    ),
    max_leaves=6,
)


def _apply(plan: dict[str, Any], path: tuple[Any, ...], action: str, value: Any) -> None:
    parent: Any = plan
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "delete":
        del parent[last]
    elif action == "add" and isinstance(parent, dict):
        parent[value if isinstance(value, str) else "extra"] = value
    else:
        parent[last] = value


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    changes=st.lists(
        st.tuples(st.sampled_from(_PATHS), st.sampled_from(["set", "delete", "add"]), _values),
        min_size=1,
        max_size=3,
    )
)
def test_quick_check_agrees_with_jsonschema(
    changes: list[tuple[tuple[Any, ...], str, Any]],
) -> None:
    plan = copy.deepcopy(EXAMPLE)
    for path, action, value in changes:
        try:
            _apply(plan, path, action, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed or replaced this path
    assert conforms(plan, plan_schema(), plan_schema()) == VALIDATOR.is_valid(plan)


def test_quick_check_gives_up_on_keywords_it_does_not_know() -> None:
    with pytest.raises(Unsupported):
        conforms({"a": 1}, {"dependentRequired": {"a": ["b"]}}, {})
    with pytest.raises(Unsupported):
        conforms(1, {"$ref": "https://example.com/schema"}, {})


def test_quick_check_treats_booleans_as_json_does() -> None:
    root: dict[str, Any] = {}
    assert not conforms(True, {"const": 1}, root)
    assert not conforms(1, {"enum": [True]}, root)
    assert conforms(1.0, {"const": 1}, root)
    assert not conforms(True, {"type": "integer"}, root)
    assert conforms(2.0, {"type": "integer"}, root)


def test_loading_a_valid_plan_does_not_import_jsonschema() -> None:
    code = (
        "import sys\n"
        "from checker.plan.loader import load_plan\n"
        f"load_plan({str(VALID_PLAN)!r})\n"
        "assert 'jsonschema' not in sys.modules, 'jsonschema was imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
