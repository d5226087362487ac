"""Every rule id the two catalogues know, as the help a report carries for it: the
permission matrix (``rules/matrix.yaml``, requirement ids) and the lint rules
(``rules/lint/*.yaml``)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

from checker.lint.spec import load_rule_specs
from checker.matrix.spec import load_matrix
from checker.results.rule_help import RuleHelp


def _first_https(candidates: Iterable[str]) -> str | None:
    return next((candidate for candidate in candidates if candidate.startswith("https://")), None)


@functools.cache
def rule_catalogue() -> Mapping[str, RuleHelp]:
    """Read once per process, and only by the formats that show rule help."""
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
