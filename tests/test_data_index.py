"""The JSON indexes of xreg's YAML data: fresh, and never used once a file has changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from checker.data_index import DataSet, build_index, load_documents, read_documents, read_index
from checker.errors import InputError
from checker.lint.spec import RULE_FILES
from checker.matrix.spec import MATRIX_FILE

DATA_SETS = pytest.mark.parametrize("data_set", [RULE_FILES, MATRIX_FILE], ids=["lint", "matrix"])


@DATA_SETS
def test_shipped_index_is_fresh(data_set: DataSet) -> None:
    assert json.loads(data_set.index.read_text()) == json.loads(
        json.dumps(build_index(data_set))
    ), f"{data_set.index.name} is stale: run scripts/build_data_indexes.py"


def _copies(data_set: DataSet, folder: Path) -> list[Path]:
    """The data set's files copied to ``folder``, to be edited there."""
    copies = []
    for path in data_set.files():
        copy = folder / path.name
        shutil.copy(path, copy)
        copies.append(copy)
    return copies


@DATA_SETS
def test_index_is_ignored_when_a_file_changes(data_set: DataSet, tmp_path: Path) -> None:
    copies = _copies(data_set, tmp_path)
    assert read_index(data_set, copies) is not None
    original = copies[0].read_text()
    changed = original.replace("level: required", "level: documented", 1).replace(
        "severity: error", "severity: warning", 1
    )
    assert changed != original
    copies[0].write_text(changed)
    assert read_index(data_set, copies) is None


@DATA_SETS
def test_a_changed_file_is_read_from_its_yaml(data_set: DataSet, tmp_path: Path) -> None:
    copies = _copies(data_set, tmp_path)
    indexed = load_documents(data_set, copies)
    copies[0].write_text(copies[0].read_text() + "\n# edited\n")
    assert read_index(data_set, copies) is None
    assert load_documents(data_set, copies) == read_documents(data_set, copies) == indexed


@DATA_SETS
def test_a_file_that_breaks_the_schema_is_refused(data_set: DataSet, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    original = data_set.files()[0].read_text()
    changed = original.replace("severity: error", "severity: fatal", 1).replace(
        "level: required", "level: sometimes", 1
    )
    assert changed != original
    broken.write_text(changed)
    with pytest.raises(InputError) as raised:
        read_documents(data_set, [broken])
    assert raised.value.path.endswith((".severity", ".level"))
    assert raised.value.source == str(broken)
