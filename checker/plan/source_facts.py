"""What the plan's infrastructure-as-code sources said beside the resources they describe.

The readers (``checker/sources``) turn templates, Terraform plans and pipeline definitions
into the plan's own resources and identities; what does not fit there is kept here, on the
``Plan``: the statements that hold a value unknown offline, facts about resources that bear
on their decisions, notes for the report, and where each derived plan field came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from checker.errors import parse_field_path
from checker.records import field, record


@record
class UnresolvedStatement:
    """A statement of a source's policy holding a value that has no value offline."""

    statement: int | None  # its index; None: the policy's structure itself is unknown
    effect: str | None  # Allow | Deny; None: unknown (the Effect itself is unresolved)
    reason: str  # names the expression and where it is


@record
class ResourceFact:
    """Something a source says about a resource (or principal) that bears on its requirements."""

    resource: str  # an ARN, as requirements name it
    reason: str
    unknown: bool  # True: the requirements on it are unknown (e.g. its policy is unresolved)


@record
class SourceNote:
    """A note for the report about a source (an override, an unresolved name, …)."""

    rule: str
    severity: str  # error | warning | info
    message: str
    source: str  # how the report names the file
    file: Path | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None


@record
class FieldOrigin:
    """Where a plan field derived from a source is written in that source."""

    source: str  # how reports name the file
    file: Path
    line: int | None
    column: int | None
    where: str  # the property path, Terraform address or pipeline step
    # positions inside the field (relative field path → line, column in ``file``)
    positions: Mapping[tuple[str | int, ...], tuple[int, int]] = field(default_factory=dict)

    def position(self, relative: tuple[str | int, ...]) -> tuple[int, int] | None:
        for end in range(len(relative), -1, -1):
            found = self.positions.get(relative[:end])
            if found is not None:
                return found
        return (self.line, self.column or 1) if self.line is not None else None


@record
class PolicyOrigin:
    """Where a policy a source gave is written, and in which form (for fixes)."""

    source: str
    file: Path
    property: str  # Resources.Key.Properties.KeyPolicy, a Terraform address + attribute
    form: str  # json | yaml | terraform
    line: int | None = None
    column: int | None = None


@record
class SourceFacts:
    unresolved: Mapping[str, tuple[UnresolvedStatement, ...]] = field(default_factory=dict)
    resources: tuple[ResourceFact, ...] = ()
    notes: tuple[SourceNote, ...] = ()
    # plan field text (``registration``, ``resources.s3_buckets[2]``) → its origin
    origins: Mapping[str, FieldOrigin] = field(default_factory=dict)
    # plan field text of a policy (``resources.s3_buckets[1].policy``) → where it is written
    policies: Mapping[str, PolicyOrigin] = field(default_factory=dict)

    def origin_of(self, field_text: str) -> tuple[FieldOrigin, tuple[str | int, ...]] | None:
        """The origin of a plan field or of its nearest ancestor that has one, and the
        field's path relative to that ancestor."""
        text = field_text
        while text:
            origin = self.origins.get(text)
            if origin is not None:
                depth = len(parse_field_path(text))
                return origin, parse_field_path(field_text)[depth:]
            cut = max(text.rfind("."), text.rfind("["))
            if cut <= 0:
                return None
            text = text[:cut]
        return None
