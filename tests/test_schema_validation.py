"""One schema fast path for plans and xreg's data files: a document the subset validator
confirms is valid without jsonschema being imported; any other gets jsonschema's errors."""

from __future__ import annotations

import subprocess
import sys

import jsonschema
import yaml

from checker.schema_validation import packaged_schema, schema_errors
from tests.plans import FIXTURES, ROOT

_VALID_PLAN_WITHOUT_JSONSCHEMA = """
import sys
from pathlib import Path
from checker.plan.loader import load_plan
from checker.schema_validation import schema_errors
from checker.yaml_io import read_yaml
load_plan(Path(sys.argv[1]))
print(schema_errors("plan.schema.json", read_yaml(Path(sys.argv[1]))), "jsonschema" in sys.modules)
"""


def test_a_valid_plan_never_imports_jsonschema() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            _VALID_PLAN_WITHOUT_JSONSCHEMA,
            str(FIXTURES / "aws-doc-sample/plan.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=ROOT,
    )
    assert result.stdout.split() == ["[]", "False"]


def test_an_invalid_plan_gets_jsonschema_s_errors() -> None:
    data = yaml.safe_load((FIXTURES / "aws-doc-sample" / "plan.yaml").read_text())
    data["region"] = 7
    data["accounts"]["training"] = "not-an-account"
    expected = jsonschema.Draft202012Validator(packaged_schema("plan.schema.json"))
    found = schema_errors("plan.schema.json", data)
    assert [error.json_path for error in found] == [
        error.json_path for error in expected.iter_errors(data)
    ]
    assert {error.json_path for error in found} == {"$.region", "$.accounts.training"}
