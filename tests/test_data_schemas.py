"""xreg's own data files are valid, and the fast check agrees with jsonschema on them."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest

from checker.errors import InputError
from checker.paths import rules_dir
from checker.schema_subset import conforms
from checker.schema_validation import check_against, packaged_schema
from checker.yaml_io import read_yaml


def _documents() -> list[tuple[str, Any]]:
    documents = [("matrix.schema.json", read_yaml(rules_dir() / "matrix.yaml"))]
    documents += [
        ("lint-rule.schema.json", read_yaml(path))
        for path in sorted((rules_dir() / "lint").glob("*.yaml"))
    ]
    return documents


@pytest.mark.parametrize(("schema_name", "data"), _documents())
def test_shipped_data_is_valid_by_both_checks(schema_name: str, data: Any) -> None:
    schema = packaged_schema(schema_name)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert jsonschema.Draft202012Validator(schema).is_valid(data)
    assert conforms(data, schema, schema)


def test_a_broken_matrix_row_is_refused_with_its_path() -> None:
    data = copy.deepcopy(read_yaml(rules_dir() / "matrix.yaml"))
    data["requirements"][2]["level"] = "nice-to-have"
    schema = packaged_schema("matrix.schema.json")
    assert not conforms(data, schema, schema)
    with pytest.raises(InputError) as raised:
        check_against("matrix.schema.json", data, source="rules/matrix.yaml")
    assert str(raised.value).startswith("rules/matrix.yaml: requirements[2].level: ")


def test_boolean_is_not_the_number_one() -> None:
    # JSON Schema keeps true and 1 apart, unlike Python's ==
    schema = {"enum": [1]}
    assert not conforms(True, schema, schema)
    assert not jsonschema.Draft202012Validator(schema).is_valid(True)


@pytest.mark.parametrize(
    ("schema", "instance"),
    [
        ({"minProperties": 1}, {}),
        ({"maxProperties": 1}, {"a": 1, "b": 2}),
        ({"minimum": 2}, 1),
        ({"maximum": 2}, 3),
        ({"minimum": 0}, True),
        ({"anyOf": [{"type": "string"}, {"type": "integer"}]}, 1.5),
        ({"oneOf": [{"type": "integer"}, {"type": "number"}]}, 1),
        ({"oneOf": [{"type": "integer"}, {"type": "string"}]}, 1),
        ({"allOf": [{"minimum": 1}, {"maximum": 3}]}, 4),
        ({"uniqueItems": True}, [1, 1.0]),
        ({"uniqueItems": True}, [True, 1]),
    ],
)
def test_fast_check_agrees_with_jsonschema(schema: dict[str, Any], instance: Any) -> None:
    assert conforms(instance, schema, schema) == jsonschema.Draft202012Validator(schema).is_valid(
        instance
    )
