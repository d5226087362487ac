"""xreg's own YAML data (the matrix, the lint rules), read from a JSON index while unchanged.

Parsing and schema-checking YAML on every ``xreg check`` costs more than reading the same
data as JSON. So each data set ships with an index in ``checker/data/``: the validated
documents plus the digest of every file (and of the schema) they came from. The index is
used only while every digest matches; a changed file is read, and validated, from its YAML
until ``scripts/build_data_indexes.py`` runs again, and a test fails while an index is stale.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from checker.paths import PACKAGE_DIR, rules_dir
from checker.records import record
from checker.schema_validation import check_against

# (file name, parsed and validated document)
Document = tuple[str, Any]


@record
class DataSet:
    """YAML files under ``rules/`` validated by one schema, and the index standing in for them."""

    folder: str  # under rules/, "" for rules/ itself
    pattern: str  # file glob in that folder
    schema: str  # a schema in checker/schemas/
    index: Path  # the JSON index in checker/data/

    def files(self) -> list[Path]:
        return sorted((rules_dir() / self.folder).glob(self.pattern))


def _digests(data_set: DataSet, files: list[Path]) -> dict[str, str]:
    digests = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in files}
    schema = PACKAGE_DIR / "schemas" / data_set.schema
    digests[f"schema:{data_set.schema}"] = hashlib.sha256(schema.read_bytes()).hexdigest()
    return digests


def read_documents(data_set: DataSet, files: list[Path] | None = None) -> list[Document]:
    """Every file of ``data_set`` (or ``files``) parsed from YAML and validated."""
    from checker.yaml_io import read_yaml  # PyYAML only when an index is stale

    documents: list[Document] = []
    for path in data_set.files() if files is None else files:
        data = read_yaml(path)
        check_against(data_set.schema, data, source=str(path))
        documents.append((path.name, data))
    return documents


def build_index(data_set: DataSet) -> dict[str, Any]:
    """What ``data_set.index`` holds: the validated documents and the digests of their files."""
    files = data_set.files()
    return {
        "digests": _digests(data_set, files),
        "files": [{"name": name, "data": data} for name, data in read_documents(data_set, files)],
    }


def read_index(data_set: DataSet, files: list[Path]) -> list[Document] | None:
    """The indexed documents, or None when the index is missing or any file has changed."""
    try:
        index = json.loads(data_set.index.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(index, dict) or index.get("digests") != _digests(data_set, files):
        return None
    return [(entry["name"], entry["data"]) for entry in index["files"]]


def load_documents(data_set: DataSet, files: list[Path] | None = None) -> list[Document]:
    """The documents of the data set's files (or of ``files`` standing in for them): from the
    index while it is fresh, else from the YAML."""
    files = data_set.files() if files is None else files
    documents = read_index(data_set, files)
    return read_documents(data_set, files) if documents is None else documents
