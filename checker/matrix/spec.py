"""The permission matrix as data: ``rules/matrix.yaml``, validated when loaded."""

from __future__ import annotations

from functools import cache

from checker.data_index import DataSet, load_documents
from checker.paths import PACKAGE_DIR
from checker.records import record
from checker.results.model import Level

MATRIX_FILE = DataSet(
    folder="",
    pattern="matrix.yaml",
    schema="matrix.schema.json",
    index=PACKAGE_DIR / "data" / "matrix.json",
)


@record
class RequirementSpec:
    id: str
    phase: str
    who: str  # registrar | consumer
    actions: tuple[str, ...]
    resource: str  # group_versions | repository | any | object | bucket | artifact_key
    decided_by: tuple[str, ...]
    level: Level
    title: str
    rationale: str
    source: str


@cache
def load_matrix() -> tuple[RequirementSpec, ...]:
    [(_name, data)] = load_documents(MATRIX_FILE)
    return tuple(
        RequirementSpec(
            id=row["id"],
            phase=row["phase"],
            who=row["who"],
            actions=tuple(row["actions"]),
            resource=row["resource"],
            decided_by=tuple(row["decided_by"]),
            level=Level(row["level"]),
            title=row["title"],
            rationale=" ".join(row["rationale"].split()),
            source=row["source"],
        )
        for row in data["requirements"]
    )
