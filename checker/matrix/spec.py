"""The permission matrix as data: ``rules/matrix.yaml``, validated when loaded."""

from __future__ import annotations

from functools import cache

from checker.data_index import DataSet, load_documents
from checker.paths import PACKAGE_DIR
from checker.policy.model import PolicyType
from checker.records import record
from checker.results.model import Level

# The matrix's names of the resource policies that decide a requirement (``decided_by``).
_RESOURCE_POLICIES = {
    "model_package_group_policy": PolicyType.MODEL_PACKAGE_GROUP,
    "repository_policy": PolicyType.REPOSITORY,
    "bucket_policy": PolicyType.BUCKET,
    "key_policy": PolicyType.KEY,
}

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


@cache
def needed_actions() -> dict[PolicyType, tuple[str, ...]]:
    """What the registration needs each kind of resource policy to grant: the actions of the
    matrix's required rows that the policy decides, in the matrix's order."""
    needed: dict[PolicyType, list[str]] = {}
    for spec in load_matrix():
        if spec.level is not Level.REQUIRED:
            continue
        for name in spec.decided_by:
            policy_type = _RESOURCE_POLICIES.get(name)
            if policy_type is not None:
                actions = needed.setdefault(policy_type, [])
                actions.extend(action for action in spec.actions if action not in actions)
    return {policy_type: tuple(actions) for policy_type, actions in needed.items()}
