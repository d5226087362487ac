"""Source positions for report rows: the file, line and column a reader (or a code-scanning
tool) should open."""

from __future__ import annotations

from collections.abc import Mapping

from checker.errors import parse_field_path
from checker.paths import display_path
from checker.plan.model import LoadedPolicy, Plan, nearest_position
from checker.policy.model import Policy
from checker.records import record
from checker.results.model import Location


@record
class Locator:
    plan: Plan
    loaded: Mapping[str, LoadedPolicy]  # the plan's policy documents by source

    def statement(self, policy: Policy | None, source: str, label: str) -> Location:
        loaded = self.loaded.get(source)
        if loaded is None or policy is None:
            return Location(source=source, statement=label)
        statement = next((s for s in policy.statements if s.label == label), None)
        position = None
        if statement is not None:
            single = not isinstance(loaded.document.get("Statement"), list)
            key: tuple[str | int, ...] = (
                ("Statement",) if single else ("Statement", statement.index)
            )
            position = loaded.positions.get(key)
        file = (
            display_path(loaded.file) if loaded.file is not None else display_path(self.plan.path)
        )
        return Location(
            source=source,
            statement=label,
            line=position[0] if position else None,
            column=position[1] if position else None,
            file=file,
        )

    def plan_field(self, field_text: str) -> Location:
        facts = self.plan.source_facts
        found = facts.origin_of(field_text) if facts is not None else None
        if found is not None:
            # A field a source gave: point into the file the user edits.
            origin, relative = found
            place = origin.position(relative)
            return Location(
                source=origin.source,
                field=field_text,
                line=place[0] if place else None,
                column=place[1] if place else None,
                file=display_path(origin.file),
            )
        position = nearest_position(parse_field_path(field_text), self.plan.positions)
        return Location(
            source=self.plan.source,
            field=field_text,
            line=position[0] if position else None,
            column=position[1] if position else None,
            file=display_path(self.plan.path),
        )
