"""Lint rules as data: ``rules/lint/<family>.yaml``, validated against a JSON Schema when loaded.

A rule's id, title, severity, the policy types it applies to, its rationale, fix, references
and examples live in YAML; its logic is one function in ``checker/lint/<family>.py`` registered
under the same id (``checker/lint/registry.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from checker.data_index import DataSet, load_documents
from checker.errors import InputError
from checker.paths import PACKAGE_DIR, rules_dir
from checker.records import record
from checker.results.model import Severity


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


def _one_paragraph(text: str) -> str:
    """YAML block text folded into paragraphs: single newlines join, blank lines stay."""
    paragraphs = [" ".join(part.split()) for part in text.strip().split("\n\n")]
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


RULE_FILES = DataSet(
    folder="lint",
    pattern="*.yaml",
    schema="lint-rule.schema.json",
    index=PACKAGE_DIR / "data" / "lint_rules.json",
)


@cache
def load_rule_specs() -> tuple[RuleSpec, ...]:
    """Every built-in rule, in file then document order."""
    documents = load_documents(RULE_FILES)
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
