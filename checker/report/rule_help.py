"""Rule metadata for reports: title, rationale, fix and a link, for each rule id.

Two catalogues name rules: the permission matrix (``rules/matrix.yaml``, requirement ids) and
the lint rules (``rules/lint/*.yaml``). A report may carry an id neither knows (an
organization rule, a report from another version), so a lookup falls back to what the report
itself carries (a finding's title, a requirement's title).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

from checker.records import record


@record
class RuleHelp:
    id: str
    title: str = ""
    rationale: str = ""
    fix: str = ""
    help_uri: str | None = None
    level: str | None = None  # required | documented for the matrix; a severity for lint


def _first_https(candidates: Iterable[str]) -> str | None:
    return next((candidate for candidate in candidates if candidate.startswith("https://")), None)


@functools.cache
def rule_catalogue() -> Mapping[str, RuleHelp]:
    """Every rule id both catalogues know, read once per process (and only by the formats
    that show rule help, hence the imports here)."""
    from checker.lint.spec import load_rule_specs
    from checker.matrix.spec import load_matrix

    catalogue: dict[str, RuleHelp] = {}
    for requirement in load_matrix():
        catalogue[requirement.id] = RuleHelp(
            id=requirement.id,
            title=requirement.title,
            rationale=requirement.rationale,
            help_uri=_first_https((requirement.source,)),
            level=requirement.level.value,
        )
    for spec in load_rule_specs():
        catalogue[spec.id] = RuleHelp(
            id=spec.id,
            title=spec.title,
            rationale=spec.rationale,
            fix=spec.fix,
            help_uri=_first_https((spec.source, *spec.references)),
            level=spec.severity.value,
        )
    return catalogue


def rule_help(rule_id: str, title: str = "") -> RuleHelp:
    """The catalogue's entry for ``rule_id``, else one built from what the report carries."""
    known = rule_catalogue().get(rule_id)
    if known is None:
        return RuleHelp(id=rule_id, title=title)
    if not known.title and title:
        return RuleHelp(known.id, title, known.rationale, known.fix, known.help_uri, known.level)
    return known
