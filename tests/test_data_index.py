"""The JSON index of the rule files: fresh, and never used once a rule file has changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from checker.errors import InputError
from checker.lint import spec
from checker.lint.spec import INDEX, build_index, read_rule_files, rule_files


def test_shipped_index_is_fresh() -> None:
    assert json.loads(INDEX.read_text()) == json.loads(json.dumps(build_index())), (
        "checker/data/lint_rules.json is stale: run scripts/build_lint_rule_index.py"
    )


def test_index_is_ignored_when_a_rule_file_changes(tmp_path: Path) -> None:
    copies = []
    for path in rule_files():
        copy = tmp_path / path.name
        shutil.copy(path, copy)
        copies.append(copy)
    assert spec._read_index(copies) is not None
    copies[0].write_text(copies[0].read_text().replace("severity: error", "severity: warning", 1))
    assert spec._read_index(copies) is None


def test_a_rule_file_that_breaks_the_schema_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    original = rule_files()[0].read_text()
    broken.write_text(original.replace("severity: error", "severity: fatal", 1))
    with pytest.raises(InputError) as raised:
        read_rule_files([broken])
    assert raised.value.path.endswith(".severity")
    assert raised.value.source == str(broken)
