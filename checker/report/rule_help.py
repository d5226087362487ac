"""Rule metadata for reports: title, rationale, fix and a link, for each rule id.

Two catalogues name rules: the permission matrix (``rules/matrix.yaml`` through
``checker.matrix.spec.load_matrix()``, requirement ids) and the lint rules
(``checker.lint.spec.load_rule_specs()``). Reports must render even when a
catalogue is absent or an id is not in it, so every lookup falls back to what the report
itself carries (a finding's title, a requirement's title).
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterable, Mapping
from typing import Any

from checker.records import record


@record
class RuleHelp:
    id: str
    title: str = ""
    rationale: str = ""
    fix: str = ""
    help_uri: str | None = None
    level: str | None = None  # required | documented for the matrix; a severity for lint


def _text(value: Any) -> str:
    """One line per paragraph: YAML block text keeps its blank lines, loses its wrapping."""
    if not value:
        return ""
    paragraphs = (" ".join(part.split()) for part in str(value).split("\n\n"))
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def _attribute(entry: Any, name: str) -> Any:
    if isinstance(entry, Mapping):
        return entry.get(name)
    return getattr(entry, name, None)


def _matrix_entries() -> Iterable[Any]:
    try:
        module = importlib.import_module("checker.matrix.spec")
    except ImportError:
        return ()
    entries: Iterable[Any] = module.load_matrix()
    return entries


# Where the lint rules' metadata is loaded from: (module, function), the first that exists.
_LINT_LOADERS = (("checker.lint.spec", "load_rule_specs"), ("checker.lint.rules", "load_rules"))


def _lint_entries() -> Iterable[Any]:
    for module_name, function in _LINT_LOADERS:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        load = getattr(module, function, None)
        if load is None:
            continue
        rules = load()
        return rules.values() if isinstance(rules, Mapping) else rules
    return ()


def _help_uri(entry: Any) -> str | None:
    candidates = [_attribute(entry, "source"), _attribute(entry, "help_uri")]
    candidates.extend(_attribute(entry, "references") or ())
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.startswith("https://"):
            return candidate
    return None


def _help_of(entry: Any, fallback_level: str | None = None) -> RuleHelp | None:
    rule_id = _attribute(entry, "id")
    if not isinstance(rule_id, str) or not rule_id:
        return None
    level = _attribute(entry, "level") or _attribute(entry, "severity") or fallback_level
    return RuleHelp(
        id=rule_id,
        title=_text(_attribute(entry, "title")),
        rationale=_text(_attribute(entry, "rationale")),
        fix=_text(_attribute(entry, "fix")),
        help_uri=_help_uri(entry),
        level=str(level) if level else None,
    )


@functools.cache
def rule_catalogue() -> Mapping[str, RuleHelp]:
    """Every rule id both catalogues know, read once per process."""
    catalogue: dict[str, RuleHelp] = {}
    for entry in (*_matrix_entries(), *_lint_entries()):
        rule_help = _help_of(entry)
        if rule_help is not None:
            catalogue[rule_help.id] = rule_help
    return catalogue


def rule_help(rule_id: str, title: str = "") -> RuleHelp:
    """The catalogue's entry for ``rule_id``, else one built from what the report carries."""
    known = rule_catalogue().get(rule_id)
    if known is None:
        return RuleHelp(id=rule_id, title=title)
    if not known.title and title:
        return RuleHelp(known.id, title, known.rationale, known.fix, known.help_uri, known.level)
    return known
