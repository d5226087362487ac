"""Lint rules as data: ``rules/lint/<family>.yaml``, validated against a JSON Schema when loaded.

A rule's id, title, severity, the policy types it applies to, its rationale, fix, references
and examples live in YAML; its logic is one function in ``checker/lint/<family>.py`` registered
under the same id (``checker/lint/registry.py``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from checker.errors import InputError
from checker.paths import PACKAGE_DIR, rules_dir
from checker.records import record
from checker.report.model import Severity
from checker.schema_validation import check_against
from checker.yaml_io import read_yaml

# ``applies_to`` values that are not policy types.
PLAN_TARGETS = frozenset({"plan", "request"})


@record
class RuleSpec:
    id: str
    title: str
    severity: Severity
    applies_to: frozenset[str]
    rationale: str
    fix: str
    references: tuple[str, ...]
    bad_examples: tuple[Mapping[str, Any], ...]
    good_examples: tuple[Mapping[str, Any], ...]
    family: str
    source: str  # the YAML file, for messages

    def applies_to_policy(self, policy_type: str) -> bool:
        return policy_type in self.applies_to


def _one_paragraph(text: str) -> str:
    """YAML block text folded into paragraphs: single newlines join, blank lines stay."""
    paragraphs = [" ".join(part.split()) for part in text.strip().split("\n\n")]
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


SCHEMA = "lint-rule.schema.json"
# The rule files as JSON, with the digests of the files they came from: parsing and validating
# the YAML costs ~35 ms, reading this ~1 ms. Used only while the digests match the files (an
# edited rule is read from its YAML until scripts/build_lint_rule_index.py runs again; a test
# keeps the shipped index fresh).
INDEX = PACKAGE_DIR / "data" / "lint_rules.json"


def rule_files() -> list[Path]:
    return sorted((rules_dir() / "lint").glob("*.yaml"))


def _digests(files: list[Path]) -> dict[str, str]:
    digests = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in files}
    schema = PACKAGE_DIR / "schemas" / SCHEMA
    digests[f"schema:{SCHEMA}"] = hashlib.sha256(schema.read_bytes()).hexdigest()
    return digests


def read_rule_files(files: list[Path] | None = None) -> list[tuple[str, Any]]:
    """(file name, data) of every rule file, each validated against the schema."""
    documents: list[tuple[str, Any]] = []
    for path in rule_files() if files is None else files:
        data = read_yaml(path)
        check_against(SCHEMA, data, source=str(path))
        documents.append((path.name, data))
    return documents


def build_index() -> dict[str, Any]:
    """What ``checker/data/lint_rules.json`` holds: the validated rule files and their digests."""
    files = rule_files()
    documents = read_rule_files(files)
    return {
        "digests": _digests(files),
        "files": [{"name": name, "data": data} for name, data in documents],
    }


def _read_index(files: list[Path]) -> list[tuple[str, Any]] | None:
    try:
        index = json.loads(INDEX.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(index, dict) or index.get("digests") != _digests(files):
        return None
    return [(entry["name"], entry["data"]) for entry in index["files"]]


@cache
def load_rule_specs() -> tuple[RuleSpec, ...]:
    """Every built-in rule, in file then document order."""
    files = rule_files()
    documents = _read_index(files)
    if documents is None:
        documents = read_rule_files(files)
    folder = rules_dir() / "lint"
    specs: list[RuleSpec] = []
    seen: dict[str, str] = {}
    for name, data in documents:
        path = folder / name
        for index, rule in enumerate(data["rules"]):
            rule_id = rule["id"]
            if rule_id in seen:
                raise InputError(
                    str(path), f"rules[{index}].id", f"{rule_id} is also defined in {seen[rule_id]}"
                )
            seen[rule_id] = name
            specs.append(_spec(rule, data["family"], path))
    return tuple(specs)


def _spec(rule: Mapping[str, Any], family: str, path: Path) -> RuleSpec:
    return RuleSpec(
        id=rule["id"],
        title=rule["title"],
        severity=Severity(rule["severity"]),
        applies_to=frozenset(rule["applies_to"]),
        rationale=_one_paragraph(rule["rationale"]),
        fix=_one_paragraph(rule["fix"]),
        references=tuple(rule["references"]),
        bad_examples=tuple(rule["examples"]["bad"]),
        good_examples=tuple(rule["examples"]["good"]),
        family=family,
        source=str(path),
    )


def rule_spec(rule_id: str) -> RuleSpec | None:
    wanted = rule_id.upper()
    return next((spec for spec in load_rule_specs() if spec.id == wanted), None)


def rule_ids() -> tuple[str, ...]:
    return tuple(spec.id for spec in load_rule_specs())
