"""Rule metadata a report carries for its rule ids: title, rationale, fix and a link.

The catalogues that name rules (the permission matrix and the lint rules) live above this
layer; whoever renders a report that shows rule help attaches their entries to it
(``Report.rule_help``), so renderers never import lint or the matrix. A report may carry an id
no catalogue knows (an organization rule, a report from another version): the lookup then
falls back to what the report itself carries (a finding's title, a requirement's title).
"""

from __future__ import annotations

from collections.abc import Mapping

from checker.records import record


@record
class RuleHelp:
    id: str
    title: str = ""
    rationale: str = ""
    fix: str = ""
    help_uri: str | None = None
    level: str | None = None  # required | documented for the matrix; a severity for lint


def rule_help(catalogue: Mapping[str, RuleHelp], rule_id: str, title: str = "") -> RuleHelp:
    """The catalogue's entry for ``rule_id``, else one built from what the report carries."""
    known = catalogue.get(rule_id)
    if known is None:
        return RuleHelp(id=rule_id, title=title)
    if not known.title and title:
        return RuleHelp(known.id, title, known.rationale, known.fix, known.help_uri, known.level)
    return known
